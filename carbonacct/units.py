"""Units: the library's own pint registry and the unit words of Chinese statistics.

carbonacct owns its registry (:data:`ureg`); it does not mutate pint's
application registry or any other package's. On top of pint's SI units it
knows:

- standard coal and oil equivalent, as *energy* units: ``kgce`` = 29 307.6 kJ
  (7 000 kcal_IT, GB/T 2589-2020 3.9), ``gce``, ``tce``; ``kgoe`` = 41.868 MJ
  (10 000 kcal_IT), ``toe``;
- carbon, CO2, CO2-equivalent, CH4 and N2O masses as separate dimensions
  (``tC``, ``tCO2``, ``tCO2e``, ``tCH4``, ``tN2O``), so that a carbon content
  cannot be added to a CO2 mass, nor a fuel mass to an emission, by mistake;
- ``kcal`` as the International Table kilocalorie (4.1868 kJ) of GB 3102.4 and
  GB/T 2589, not pint's thermochemical 4.184 kJ;
- ``Nm3``, the normal cubic metre of the fuel tables (0 °C, 101.325 kPa);
- ``CNY`` (元) as a currency dimension, for value added;
- the unit words of Chinese statistics forms (吨, 千克, 立方米, 千瓦时, 吉焦,
  吨标准煤, 吨二氧化碳...) and the multipliers 万 (10^4) and 亿 (10^8), as
  people write them: ``万kWh``, ``万Nm3``, ``tce/万元``, ``GJ/10^4Nm3``.

Pure unit conversion is not carrier-to-standard-coal conversion. ``1 tce`` is
29.3076 GJ by definition, but GB/T 2589 tabulates *rounded* coefficients per
carrier (0.1229 kgce/kWh for electricity, where 3.6/29.3076 = 0.12284;
0.7143 kgce/kg for raw coal, where 20 908/29 307.6 = 0.7134). Energy accounting
uses the tabulated coefficients through :mod:`carbonacct.factors`; this module
only converts between units of the same quantity.

Parsing a unit string costs pint tens of microseconds, so every function here
works on unit *strings* and caches the result: convert once per column or per
distinct unit, never per value.
"""

from __future__ import annotations

import difflib
import re
import warnings
from functools import lru_cache
from typing import Any

import pint

from carbonacct.errors import DimensionalityError, UnknownUnitError

__all__ = [
    "CHINESE_UNIT_WORDS",
    "Quantity",
    "check_dimension",
    "conversion_factor",
    "convert",
    "dimensionality",
    "parse_unit",
    "ureg",
]

_DEFINITIONS = """
kilogram_coal_equivalent = 29307.6 * kilojoule = kgce
gram_coal_equivalent = 1e-3 * kgce = gce
tonne_coal_equivalent = 1000 * kgce = tce
kilogram_oil_equivalent = 41868 * kilojoule = kgoe
tonne_oil_equivalent = 1000 * kgoe = toe
gram_carbon = [carbon] = gC
tonne_carbon = 1e6 * gC = tC
gram_CO2 = [carbon_dioxide] = gCO2
tonne_CO2 = 1e6 * gCO2 = tCO2
gram_CO2e = [carbon_dioxide_equivalent] = gCO2e
tonne_CO2e = 1e6 * gCO2e = tCO2e
gram_CH4 = [methane] = gCH4
tonne_CH4 = 1e6 * gCH4 = tCH4
gram_N2O = [nitrous_oxide] = gN2O
tonne_N2O = 1e6 * gN2O = tN2O
normal_cubic_metre = meter ** 3 = Nm3
yuan = [currency] = CNY
"""

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=None)
with warnings.catch_warnings():
    # Chinese standards (GB 3102.4, GB/T 2589) use the International Table calorie,
    # 4.1868 J; pint's default `calorie` is the thermochemical 4.184 J.
    warnings.simplefilter("ignore")
    ureg.define("calorie = 4.1868 * joule = cal = cal_IT")
for _line in _DEFINITIONS.strip().splitlines():
    ureg.define(_line)
Quantity = ureg.Quantity

#: Unit words of Chinese statistics forms and their registry spelling. Longer
#: words are replaced first, so 千克标准煤 is not read as 千克 + 标准煤.
CHINESE_UNIT_WORDS: dict[str, str] = {
    "吨二氧化碳当量": "tCO2e",
    "千克二氧化碳当量": "kgCO2e",
    "吨二氧化碳": "tCO2",
    "千克二氧化碳": "kgCO2",
    "公斤二氧化碳": "kgCO2",
    "吨碳": "tC",
    "吨标准煤": "tce",
    "吨标煤": "tce",
    "千克标准煤": "kgce",
    "公斤标准煤": "kgce",
    "千克标煤": "kgce",
    "克标准煤": "gce",
    "吨油当量": "toe",
    "千克油当量": "kgoe",
    "千瓦时": "kWh",
    "兆瓦时": "MWh",
    "吉瓦时": "GWh",
    "度": "kWh",
    "吉焦": "GJ",
    "兆焦": "MJ",
    "千焦": "kJ",
    "太焦": "TJ",
    "焦耳": "J",
    "千卡": "kcal",
    "大卡": "kcal",
    "标准立方米": "Nm3",
    "标立方米": "Nm3",
    "标方": "Nm3",
    "立方米": "m3",
    "平方米": "m2",
    "千克": "kg",
    "公斤": "kg",
    "吨": "t",
    "克": "g",
    "人民币元": "CNY",
    "元": "CNY",
    "小时": "h",
}

_MULTIPLIERS = {"万": "1e4", "亿": "1e8", "10^4": "1e4", "10⁴": "1e4", "10**4": "1e4"}
_WORD_RE = re.compile("|".join(sorted(map(re.escape, CHINESE_UNIT_WORDS), key=len, reverse=True)))
_TOKEN = r"[A-Za-z_][A-Za-z0-9_]*(?:\*\*-?\d+)?"
_MULT_RE = re.compile(
    "("
    + "|".join(map(re.escape, sorted(_MULTIPLIERS, key=len, reverse=True)))
    + r")\s*\*?\s*("
    + _TOKEN
    + ")"
)
_POWER_RE = re.compile(r"(?<![A-Za-z])(k?m|Nm|cm|mm)([23])(?![A-Za-z0-9])")


def _normalise(text: str) -> str:
    """Rewrite a unit string as a pint expression (Chinese words, 万, m3, ³)."""
    s = text.strip().replace("³", "3").replace("²", "2").replace("·", "*").replace("／", "/")
    s = s.replace("（", "(").replace("）", ")")
    s = _WORD_RE.sub(lambda m: CHINESE_UNIT_WORDS[m.group(0)], s)
    s = _POWER_RE.sub(lambda m: "Nm3" if m.group(0) == "Nm3" else f"{m.group(1)}**{m.group(2)}", s)
    s = _MULT_RE.sub(lambda m: f"({_MULTIPLIERS[m.group(1)]}*{m.group(2)})", s)
    return s


_COMMON_UNITS = (
    "kWh MWh GWh kJ MJ GJ TJ kcal kg t kgce tce kgoe toe tC tCO2 kgCO2 tCO2e kgCO2e "
    "Nm3 m3 CNY 万kWh 万Nm3 万元 万t"
).split()


def _known_words() -> list[str]:
    return sorted(set(ureg) | set(CHINESE_UNIT_WORDS) | set(_COMMON_UNITS))


def _suggest(word: str) -> list[str]:
    """Nearest known unit words; a case slip ('kwh') is matched first."""
    known = _known_words()
    same_case = [k for k in known if k.lower() == word.lower()]
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=3, cutoff=0.6)
    return list(dict.fromkeys(same_case + [by_lower[c] for c in close]))[:3]


@lru_cache(maxsize=4096)
def parse_unit(unit: str) -> Any:
    """Parse a unit string into a :class:`pint.Quantity` holding its scale.

    A plain unit gives magnitude 1; a unit with a multiplier keeps it in the
    magnitude (``万kWh`` is 10000 kWh). Results are cached per string.

    Parameters
    ----------
    unit : str
        Unit as written in an input file, in registry spelling or in the
        words of Chinese statistics forms.

    Returns
    -------
    pint.Quantity
        The unit's size, e.g. ``10000 kilowatt_hour``.

    Raises
    ------
    UnknownUnitError
        If a word is not a unit; the message suggests the nearest known ones.

    Examples
    --------
    >>> parse_unit("万千瓦时")
    <Quantity(10000.0, 'kilowatt_hour')>
    >>> parse_unit("吨标准煤")
    <Quantity(1, 'tonne_coal_equivalent')>
    """
    if not isinstance(unit, str) or not unit.strip():
        raise UnknownUnitError(
            f"Unit {unit!r} is empty or not text. Give a unit such as 't', 'kWh' or '万Nm3'.",
            unit=unit,
            suggestions=[],
        )
    expression = _normalise(unit)
    try:
        q = ureg.parse_expression(expression)
    except pint.UndefinedUnitError as exc:
        bad = exc.unit_names if isinstance(exc.unit_names, str) else ", ".join(exc.unit_names)
        suggestions = _suggest(bad)
        hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise UnknownUnitError(
            f"Unknown unit {bad!r} in {unit!r}.{hint} "
            "See carbonacct.units.CHINESE_UNIT_WORDS for the Chinese unit words known.",
            unit=unit,
            suggestions=suggestions,
        ) from None
    except Exception as exc:  # pint raises tokenizer and syntax errors of several types
        raise UnknownUnitError(
            f"Cannot read unit {unit!r} ({exc}). Write it like 't', 'GJ/t' or 'tce/万元'.",
            unit=unit,
            suggestions=[],
        ) from None
    if not isinstance(q, pint.Quantity):  # a bare number such as "1"
        q = ureg.Quantity(q, "dimensionless")
    return q


def dimensionality(unit: str) -> Any:
    """The physical dimension of a unit string (e.g. ``[energy]`` for 'tce')."""
    return parse_unit(unit).dimensionality


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor that turns a magnitude in ``from_unit`` into one in ``to_unit``.

    Call it once per column or per distinct unit and multiply the values.

    Parameters
    ----------
    from_unit, to_unit : str
        Unit strings (see :func:`parse_unit`).

    Returns
    -------
    float
        ``value_in_to_unit = value_in_from_unit * factor`` [to_unit/from_unit].

    Raises
    ------
    DimensionalityError
        If the units measure different things.

    Examples
    --------
    >>> round(conversion_factor("tce", "GJ"), 6)
    29.3076
    >>> conversion_factor("万kWh", "MWh")
    10.0
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise DimensionalityError(
            f"Cannot convert {from_unit!r} ({_dim(src)}) to {to_unit!r} ({_dim(dst)}): "
            "they measure different things. Check the unit column.",
            unit=from_unit,
            expected=to_unit,
        )
    return float(src.to(dst.units).magnitude / dst.magnitude)


def convert(value: Any, from_unit: str, to_unit: str) -> Any:
    """Convert a number or array from one unit to another (one pint call).

    Examples
    --------
    >>> convert(1.0, "tce", "GJ")
    29.3076
    """
    return value * conversion_factor(from_unit, to_unit)


_DIMENSION_NAMES = {
    str(ureg.get_dimensionality(d)): name
    for d, name in [
        ("[energy]", "energy"),
        ("[volume]", "volume"),
        ("[mass]", "mass"),
        ("[power]", "power"),
        ("[mass]/[length]**3", "density"),
    ]
}


def _dim(q: Any) -> str:
    d = str(q.dimensionality)
    return _DIMENSION_NAMES.get(d, d)


def check_dimension(unit: str, expected: str, *, what: str = "value") -> None:
    """Raise :class:`DimensionalityError` unless ``unit`` has dimension ``expected``.

    Parameters
    ----------
    unit : str
        Unit string to check.
    expected : str
        A unit string of the expected dimension, e.g. ``"GJ/t"``.
    what : str
        Name of the quantity, for the message.

    Examples
    --------
    >>> check_dimension("kgCO2/kWh", "tCO2/MWh")
    >>> check_dimension("tC/TJ", "tCO2/MWh")
    Traceback (most recent call last):
    ...
    carbonacct.errors.DimensionalityError: ...
    """
    got, want = parse_unit(unit), parse_unit(expected)
    if got.dimensionality != want.dimensionality:
        raise DimensionalityError(
            f"The {what} unit {unit!r} has dimension {_dim(got)}, "
            f"but a unit like {expected!r} ({_dim(want)}) is needed.",
            unit=unit,
            expected=expected,
        )
