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
  a plain ``m3`` (立方米) is taken as ``Nm3``; ``Sm3`` is gas metered at 20 °C and
  101.325 kPa, 273.15/293.15 Nm3 (ideal gas at equal pressure; see
  :func:`carbonacct.energy.normal_volume`);
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

Unit text is read by a small grammar of this module, never evaluated as an
expression: at most :data:`MAX_UNIT_LENGTH` characters, no power of a power
(``9**9**9 kWh`` is refused at once), no sign (``-kWh``), a positive finite
scale. :func:`parse_unit` reads exact spellings (library code, factor files);
:func:`resolve_unit` is for unit text from input files: it also corrects a
case slip when exactly one unit matches (``KWH`` -> ``kWh``) and returns a note
saying so, and refuses a spelling that could mean two units (``mwh``).

Reading a unit string costs tens of microseconds, so every function here works
on unit *strings* and caches the result: read once per column or per distinct
unit, never per value.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from carbonacct._unit_words import words as dimension_words
from carbonacct.errors import DimensionalityError, UnknownUnitError

__all__ = [
    "CASE_SPELLINGS",
    "CHINESE_UNIT_WORDS",
    "MAX_UNIT_LENGTH",
    "Quantity",
    "ResolvedUnit",
    "check_dimension",
    "conversion_factor",
    "convert",
    "dimensionality",
    "parse_unit",
    "resolve_unit",
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
gas_cubic_metre_20C = 273.15 / 293.15 * meter ** 3 = Sm3
yuan = [currency] = CNY
weight_case = [weight_case] = wcase
energy_factor = [energy_factor] = EF
"""

if TYPE_CHECKING:
    import pint

    ureg: pint.UnitRegistry
    Quantity: Any


@lru_cache(maxsize=1)
def _registry() -> pint.UnitRegistry:
    """The registry, built on first use (pint and its definitions cost about half a second,
    which a command that converts no unit text should not pay)."""
    import pint

    reg: pint.UnitRegistry = pint.UnitRegistry(
        autoconvert_offset_to_baseunit=True, cache_folder=None
    )
    with warnings.catch_warnings():
        # Chinese standards (GB 3102.4, GB/T 2589) use the International Table calorie,
        # 4.1868 J; pint's default `calorie` is the thermochemical 4.184 J.
        warnings.simplefilter("ignore")
        reg.define("calorie = 4.1868 * joule = cal = cal_IT")
    for line in _DEFINITIONS.strip().splitlines():
        reg.define(line)
    return reg


def __getattr__(name: str) -> Any:
    """:data:`ureg` and ``Quantity``, the registry built on first use."""
    if name == "ureg":
        return _registry()
    if name == "Quantity":
        return _registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Unit words of Chinese statistics forms and their registry spelling. Longer
#: words are replaced first, so 千克标准煤 is not read as 千克 + 标准煤.
CHINESE_UNIT_WORDS: dict[str, str] = {
    "重量箱": "weight_case",  # flat glass (GB 21340): a count of its own, never a mass
    "能量因数": "energy_factor",  # refining (GB 30251): t·能量因数 is not a tonne of crude
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

# --- Reading unit text -------------------------------------------------------
#
# Unit text comes from input files, so it is read by a small grammar of its own
# and never handed to an expression evaluator (pint's parse_expression evaluates
# ``9**9**9`` as Python integers and does not return):
#
#   unit   := term (("*" | "/" | nothing) term)*
#   term   := scale ["*"] factor | scale | factor
#   scale  := NUMBER [power] | 万 | 亿                 (binds to the next factor: tce/万元)
#   factor := NAME [power] | CHINESE_WORD | "%" | "(" unit ")"
#   power  := ("**" | "^") ["-"] DIGITS | SUPERSCRIPT_DIGITS    (never a power of a power)
#
# The text is at most MAX_UNIT_LENGTH characters, brackets nest at most three
# deep, an exponent is at most 12, a scale is a positive finite number, and a
# sign may appear only in an exponent.

#: Longest unit text read [characters]; a real unit cell is a few characters long.
MAX_UNIT_LENGTH = 64
_MAX_DEPTH = 3
_MAX_EXPONENT = 12
_SCALE_WORDS = {"万": 1e4, "亿": 1e8}
_TO_ASCII = str.maketrans({"（": "(", "）": ")", "／": "/", "·": "*", "×": "*", "％": "%"})
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_LEXEME = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*[²³]?)"
    r"|(?P<power>\*\*|\^)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<op>[*/()%])"
    r"|(?P<sign>[+\-−－﹣])"
)
_AREA_VOLUME = re.compile(r"(k?m|cm|mm|dm)([23])")
_DIMENSIONLESS_UNITS = frozenset({"percent", "ppm", "permille"})

#: Spellings a case slip is corrected to, by family (prefixes x base). A spelling
#: that differs from exactly one of these only by case is read as it, with a note
#: (KWH -> kWh); one that matches several (mwh: mWh or MWh) is refused.
_CASE_FAMILIES: dict[str, tuple[str, ...]] = {
    "Wh": ("", "k", "M", "G", "T", "m"),
    "J": ("", "k", "M", "G", "T", "m"),
    "W": ("", "k", "M", "G", "m"),
    "cal": ("", "k", "M", "G", "m"),
    "g": ("", "k", "M", "m"),
    "t": ("", "M", "G", "m"),  # not k: 'kt' is pint's knot
    "tce": ("", "k", "M"),
    "gce": ("", "k"),
    "toe": ("", "k", "M"),
    "kgoe": ("",),
    **{f"t{x}": ("", "k", "M") for x in ("C", "CO2", "CO2e", "CH4", "N2O")},
    **{f"g{x}": ("", "k") for x in ("C", "CO2", "CO2e", "CH4", "N2O")},
    **{u: ("",) for u in ("m2", "m3", "Nm3", "CNY", "h", "percent")},
}
CASE_SPELLINGS: frozenset[str] = frozenset(p + b for b, ps in _CASE_FAMILIES.items() for p in ps)
_BY_LOWER: dict[str, list[str]] = {}
for _spelling in sorted(CASE_SPELLINGS):
    _BY_LOWER.setdefault(_spelling.lower(), []).append(_spelling)


class ResolvedUnit(NamedTuple):
    """A unit text as read by :func:`resolve_unit`.

    Attributes
    ----------
    canonical : str
        The text with any case slip corrected (``KWH`` -> ``kWh``, ``万KWH`` ->
        ``万kWh``), stripped; :func:`parse_unit` and :func:`conversion_factor`
        accept it.
    note : str or None
        What was corrected, for the caller to show (None when nothing was).
    """

    canonical: str
    note: str | None


class _Tok(NamedTuple):
    kind: str  # number, name, word (Chinese), scale (万/亿), power, sup, op, sign
    text: str
    start: int


def _unit_error(text: str, message: str, suggestions: Sequence[str] = ()) -> UnknownUnitError:
    return UnknownUnitError(message, unit=text, value=text, suggestions=list(suggestions))


def _tokens(text: str) -> list[_Tok]:
    """Split unit text into tokens; a sign outside an exponent is refused here."""
    out: list[_Tok] = []
    pos, ascii_text = 0, text.translate(_TO_ASCII)
    while pos < len(text):
        word = _WORD_RE.match(text, pos)
        if word:
            out.append(_Tok("word", word.group(0), pos))
            pos = word.end()
            continue
        if text[pos] in _SCALE_WORDS:
            out.append(_Tok("scale", text[pos], pos))
            pos += 1
            continue
        m = _LEXEME.match(ascii_text, pos)
        if m is None:
            raise _bad_character(text, pos)
        kind = m.lastgroup or ""
        if kind == "sign" and not (out and out[-1].kind == "power"):
            raise _unit_error(
                text,
                f"Unit {text!r} has a sign ({m.group(0)!r}) in it; a unit has none. "
                "Write the unit alone ('kWh', 't'); a negative amount belongs in the value column.",
            )
        if kind != "space":
            out.append(_Tok(kind, m.group(0), pos))
        pos = m.end()
    return out


def _bad_character(text: str, pos: int) -> UnknownUnitError:
    run = re.match(r"[^\x00-\x7f]+", text[pos:])
    if run:  # a Chinese (or other) word that is not a unit word
        suggestions = difflib.get_close_matches(run.group(0), list(CHINESE_UNIT_WORDS), 3, 0.5)
        hint = f" Did you mean {' or '.join(map(repr, suggestions))}?" if suggestions else ""
        return _unit_error(
            text,
            f"Unknown unit word {run.group(0)!r} in {text!r}.{hint} "
            "See carbonacct.units.CHINESE_UNIT_WORDS for the Chinese unit words known.",
            suggestions,
        )
    return _unit_error(
        text,
        f"Unit {text!r} has a character that is not part of a unit, {text[pos]!r} at "
        f"position {pos + 1}. Write it like 't', 'GJ/t' or 'tce/万元'.",
    )


@lru_cache(maxsize=1024)
def _name_unit(spelling: str) -> Any:
    """The registry unit of one unit name, or None (offset and bare-number units refused)."""
    area = _AREA_VOLUME.fullmatch(spelling)
    if area:
        return _registry().Unit(area.group(1)) ** int(area.group(2))
    try:
        unit = _registry().Unit(spelling)
    except Exception:  # pint raises several types for a name it does not know
        return None
    if "[temperature]" in unit.dimensionality:
        return None  # degC is an offset unit; no accounting quantity is a temperature
    if unit.dimensionless and str(unit) not in _DIMENSIONLESS_UNITS:
        return None  # 'pi' and the like would scale a value silently
    return unit


def _registry_knows(spelling: str) -> bool:
    try:
        return spelling in _registry()
    except Exception:  # 'nan' makes pint raise ValueError
        return False


def _name(text: str, written: str, lenient: bool) -> tuple[Any, str | None]:
    """(unit, corrected spelling or None) of one name as written in ``text``."""
    key = written.translate(_SUPERSCRIPTS)
    same_case = _BY_LOWER.get(key.lower(), [])
    if key in CASE_SPELLINGS or not same_case:
        unit = _name_unit(key)
        if unit is None and _registry_knows(key):
            raise _unit_error(
                text,
                f"Unit {written!r} in {text!r} is a temperature or a bare number in the "
                "registry, not a unit of an accounting quantity. Write the unit of the "
                "amount ('kWh', 't', 'Nm3').",
            )
        if unit is None:
            suggestions = _suggest(key)
            hint = f" Did you mean {' or '.join(map(repr, suggestions))}?" if suggestions else ""
            raise _unit_error(
                text,
                f"Unknown unit {written!r} in {text!r}.{hint} "
                "See carbonacct.units.CHINESE_UNIT_WORDS for the Chinese unit words known.",
                suggestions,
            )
        return unit, None
    if len(same_case) == 1 and lenient:
        return _name_unit(same_case[0]), same_case[0]
    if len(same_case) == 1:
        raise _unit_error(
            text,
            f"Unknown unit {written!r} in {text!r}. Did you mean {same_case[0]!r}? "
            "Units are case-sensitive; carbonacct.units.resolve_unit corrects such a slip.",
            same_case,
        )
    raise _unit_error(
        text,
        f"Unit {written!r} in {text!r} is ambiguous: did you mean {' or '.join(same_case)}? "
        "Units are case-sensitive (M is mega, m is milli; Mt is a megatonne); "
        "write the unit with its exact case.",
        same_case,
    )


class _Parser:
    """Recursive descent over the tokens of one unit text (the grammar above)."""

    def __init__(self, text: str, tokens: list[_Tok], lenient: bool) -> None:
        self.text, self.toks, self.i, self.lenient = text, tokens, 0, lenient
        self.fixes: list[tuple[_Tok, str]] = []

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next_kind(self, *kinds: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in kinds

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.error(f"Unit {self.text!r} ends too early.")
        self.i += 1
        return tok

    def error(self, message: str) -> UnknownUnitError:
        return _unit_error(self.text, f"{message} Write it like 't', 'GJ/t' or 'tce/万元'.")

    def parse(self) -> tuple[float, Any]:
        scale, unit = self.product(0)
        tok = self.peek()
        if tok is not None:
            raise self.error(f"Unit {self.text!r} has an unexpected {tok.text!r}.")
        return scale, unit

    def product(self, depth: int) -> tuple[float, Any]:
        scale, unit = self.term(depth)
        while (tok := self.peek()) is not None and tok.text != ")":
            divide = tok.text == "/"
            if tok.text in ("*", "/"):
                self.take()
            s, u = self.term(depth)
            scale, unit = (scale / s, unit / u) if divide else (scale * s, unit * u)
        return scale, unit

    @staticmethod
    def starts_factor(tok: _Tok | None) -> bool:
        return tok is not None and (tok.kind in ("name", "word") or tok.text in ("(", "%"))

    def term(self, depth: int) -> tuple[float, Any]:
        scale = self.scale()
        if scale is None:
            return self.factor(depth)
        tok = self.peek()
        if tok is not None and tok.text == "*" and self.starts_factor(self.peek(1)):
            self.take()
        if not self.starts_factor(self.peek()):
            return scale, _registry().Unit("dimensionless")
        s, unit = self.factor(depth)
        return scale * s, unit

    def scale(self) -> float | None:
        tok = self.peek()
        if tok is None or tok.kind not in ("number", "scale"):
            return None
        self.take()
        value = _SCALE_WORDS.get(tok.text) or float(tok.text)
        if tok.kind == "number" and self.next_kind("power", "sup"):
            try:
                value = value ** self.exponent()
            except OverflowError:
                value = math.inf
        if not (math.isfinite(value) and value > 0):
            raise self.error(
                f"Unit {self.text!r} has a scale {tok.text!r} that is not a positive number."
            )
        if self.next_kind("number", "scale"):
            raise self.error(f"Unit {self.text!r} has two numbers in a row.")
        return value

    def factor(self, depth: int) -> tuple[float, Any]:
        tok = self.take()
        if tok.text == "(":
            if depth >= _MAX_DEPTH:
                raise self.error(f"Unit {self.text!r} nests brackets more than {_MAX_DEPTH} deep.")
            scale, unit = self.product(depth + 1)
            if self.take().text != ")":
                raise self.error(f"Unit {self.text!r} has an unclosed bracket.")
            if self.next_kind("power", "sup"):
                raise self.error(
                    f"Unit {self.text!r} raises a bracket to a power; powers apply to one unit."
                )
            return scale, unit
        if tok.text == "%":
            return 1.0, _registry().Unit("percent")
        if tok.kind == "word":
            return 1.0, _name_unit(CHINESE_UNIT_WORDS[tok.text])
        if tok.kind != "name":
            raise self.error(f"Unit {self.text!r} has an unexpected {tok.text!r}.")
        unit, fixed = _name(self.text, tok.text, self.lenient)
        if fixed is not None:
            self.fixes.append((tok, fixed))
        if self.next_kind("power", "sup"):
            unit = unit ** self.exponent()
        return 1.0, unit

    def exponent(self) -> int:
        tok = self.take()
        if tok.kind == "sup":
            n = int(tok.text.translate(_SUPERSCRIPTS))
        else:
            sign = self.take().text if self.next_kind("sign") else "+"
            digits = self.take()
            if digits.kind != "number" or not digits.text.isdigit():
                raise self.error(f"Unit {self.text!r} has a power that is not a whole number.")
            n = int(digits.text) if sign == "+" else -int(digits.text)
        if abs(n) > _MAX_EXPONENT:
            raise self.error(f"Unit {self.text!r} has a power above {_MAX_EXPONENT}.")
        if self.next_kind("power", "sup"):
            raise self.error(f"Unit {self.text!r} raises a power to a power; a unit has one power.")
        return n


_WORD_RE = re.compile("|".join(sorted(map(re.escape, CHINESE_UNIT_WORDS), key=len, reverse=True)))
_COMMON_UNITS = (
    "kWh MWh GWh kJ MJ GJ TJ kcal kg t kgce tce kgoe toe tC tCO2 kgCO2 tCO2e kgCO2e "
    "Nm3 m3 CNY 万kWh 万Nm3 万元 万t"
).split()


@lru_cache(maxsize=1)
def _known_words() -> tuple[str, ...]:
    return tuple(sorted(set(_registry()) | set(CHINESE_UNIT_WORDS) | set(_COMMON_UNITS)))


def _suggest(word: str) -> list[str]:
    """Nearest known unit words; a case slip ('kwh') is matched first."""
    known = _known_words()
    same_case = [k for k in known if k.lower() == word.lower()]
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=3, cutoff=0.6)
    return list(dict.fromkeys(same_case + [by_lower[c] for c in close]))[:3]


@lru_cache(maxsize=4096)
def _read(text: str, lenient: bool) -> tuple[Any, ResolvedUnit]:
    """(quantity, resolved text) of one unit text, by the grammar above."""
    stripped = text.strip()
    if not stripped:
        raise _unit_error(text, "Unit is empty. Give a unit such as 't', 'kWh' or '万Nm3'.")
    if len(stripped) > MAX_UNIT_LENGTH:
        raise _unit_error(
            text,
            f"Unit text {stripped[:20]!r}... is {len(stripped)} characters long; a unit has at "
            f"most {MAX_UNIT_LENGTH}. Check that the unit column holds units.",
        )
    parser = _Parser(stripped, _tokens(stripped), lenient)
    scale, unit = parser.parse()
    if not (math.isfinite(scale) and scale > 0):
        raise parser.error(f"Unit {stripped!r} has a scale that is not a positive number.")
    canonical, note = stripped, None
    if parser.fixes:
        for tok, fixed in sorted(parser.fixes, key=lambda f: -f[0].start):
            canonical = canonical[: tok.start] + fixed + canonical[tok.start + len(tok.text) :]
        written = ", ".join(repr(tok.text) for tok, _ in parser.fixes)
        note = (
            f"Unit {stripped!r} read as {canonical!r}: {written} "
            f"differ{'s' if len(parser.fixes) == 1 else ''} from a known unit only by case."
        )
    quantity = _registry().Quantity(1 if scale == 1 and not _has_number(parser) else scale, unit)
    return quantity, ResolvedUnit(canonical, note)


def _has_number(parser: _Parser) -> bool:
    return any(t.kind in ("number", "scale") for t in parser.toks)


def _check_text(unit: object) -> str:
    if not isinstance(unit, str):
        raise _unit_error(
            repr(unit), f"Unit {unit!r} is not text. Give a unit such as 't', 'kWh' or '万Nm3'."
        )
    return unit


def resolve_unit(text: str) -> ResolvedUnit:
    """Read one unit text from an input file; call it once per distinct unit text.

    The text is read by a grammar that cannot evaluate arithmetic (see the
    module source): at most :data:`MAX_UNIT_LENGTH` characters, no power of a
    power, no sign, a positive finite scale. Chinese unit words and the
    multipliers 万 and 亿 are read as in :func:`parse_unit`. A name that
    differs from a known unit only by case is corrected when exactly one unit
    matches (``KWH`` -> ``kWh``, ``KG`` -> ``kg``, ``TCE`` -> ``tce``) and the
    correction is returned as a note; one that several units match (``mwh``:
    ``mWh`` or ``MWh``; ``MT``: ``Mt`` or ``mt``) is refused with the question.

    Parameters
    ----------
    text : str
        Unit as written in an input file.

    Returns
    -------
    ResolvedUnit
        ``canonical``, the text to give :func:`conversion_factor`, and
        ``note``, what was corrected (None when nothing was).

    Raises
    ------
    UnknownUnitError
        If the text is not a unit; fields ``value`` (the text) and
        ``suggestions`` (the units it may have meant).

    Examples
    --------
    >>> resolve_unit("万千瓦时")
    ResolvedUnit(canonical='万千瓦时', note=None)
    >>> resolve_unit("KWH").canonical
    'kWh'
    >>> resolve_unit("mwh")
    Traceback (most recent call last):
    ...
    carbonacct.errors.UnknownUnitError: Unit 'mwh' in 'mwh' is ambiguous: did you mean MWh or mWh? ...
    """
    text = _check_text(text)
    if text in TABLED_DIMENSIONS:  # a common spelling, exactly: no registry needed
        return ResolvedUnit(text, None)
    return _read(text, True)[1]


def parse_unit(unit: str) -> Any:
    """Parse a unit string into a :class:`pint.Quantity` holding its scale.

    A plain unit gives magnitude 1; a unit with a multiplier keeps it in the
    magnitude (``万kWh`` is 10000 kWh). Case is exact here (``kwh`` is refused
    with a suggestion); :func:`resolve_unit` reads input-file text and
    corrects an unambiguous case slip. Results are cached per string.

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
    return _read(_check_text(unit), False)[0]


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
    tabled = TABLED_FACTORS.get((from_unit, to_unit))
    if tabled is not None:
        return tabled
    dims = (TABLED_DIMENSIONS.get(from_unit), TABLED_DIMENSIONS.get(to_unit))
    if None not in dims and dims[0] != dims[1]:
        raise _cannot_convert(from_unit, to_unit)
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise _cannot_convert(from_unit, to_unit)
    return float(src.to(dst.units).magnitude / dst.magnitude)


def _cannot_convert(from_unit: str, to_unit: str) -> Exception:
    return DimensionalityError(
        f"Cannot convert {from_unit!r} ({dimension_words(from_unit)}) to {to_unit!r} "
        f"({dimension_words(to_unit)}): they measure different things.",
        unit=from_unit,
        expected=to_unit,
    )


#: The units meter files mostly hold, with the dimension pint gives them, and their factors to
#: the carriers' canonical units exactly as pint computes them (a test compares every entry with
#: the registry): a footprint of such readings converts its units without building the registry.
TABLED_DIMENSIONS: dict[str, str] = {
    **dict.fromkeys(
        ("kWh", "MWh", "GWh", "万kWh", "kJ", "MJ", "GJ", "TJ", "tce", "kgce"), "energy"
    ),
    **dict.fromkeys(("t", "kg", "万t"), "mass"),
    **dict.fromkeys(("Nm3", "m3", "万Nm3", "万m3"), "volume"),
}
TABLED_FACTORS: dict[tuple[str, str], float] = {
    ("kWh", "GJ"): 0.0036000000000000003,
    ("kWh", "MWh"): 0.001,
    ("MWh", "GJ"): 3.6,
    ("MWh", "MWh"): 1.0,
    ("GWh", "GJ"): 3600.0,
    ("GWh", "MWh"): 1000.0,
    ("万kWh", "GJ"): 36.0,
    ("万kWh", "MWh"): 10.0,
    ("kJ", "GJ"): 1.0000000000000002e-06,
    ("kJ", "MWh"): 2.7777777777777776e-07,
    ("MJ", "GJ"): 0.001,
    ("MJ", "MWh"): 0.0002777777777777778,
    ("GJ", "GJ"): 1.0,
    ("GJ", "MWh"): 0.2777777777777778,
    ("TJ", "GJ"): 1000.0000000000001,
    ("TJ", "MWh"): 277.77777777777777,
    ("tce", "GJ"): 29.3076,
    ("tce", "MWh"): 8.141,
    ("kgce", "GJ"): 0.029307600000000003,
    ("kgce", "MWh"): 0.008140999999999999,
    ("t", "t"): 1.0,
    ("kg", "t"): 0.001,
    ("万t", "t"): 10000.0,
    ("Nm3", "Nm3"): 1.0,
    ("m3", "Nm3"): 1.0,
    ("万Nm3", "Nm3"): 10000.0,
    ("万m3", "Nm3"): 10000.0,
    # the shipped factors' units to the units the accounting takes them in
    ("kgce/MJ", "tce/GJ"): 1.0,
    ("kgce/kWh", "tce/MWh"): 1.0,
    ("tce/万m3", "tce/Nm3"): 0.0001,
    ("percent", "1"): 0.01,
    ("tC/TJ", "tC/GJ"): 0.001,
    ("tCO2/万Nm3", "tCO2/Nm3"): 0.0001,
    ("tCO2/GJ", "tCO2/GJ"): 1.0,
    ("tCO2/MWh", "tCO2/MWh"): 1.0,
}


def convert(value: Any, from_unit: str, to_unit: str) -> Any:
    """Convert a number or array from one unit to another (one pint call).

    Examples
    --------
    >>> convert(1.0, "tce", "GJ")
    29.3076
    """
    return value * conversion_factor(from_unit, to_unit)


@lru_cache(maxsize=1)
def _dimension_names() -> dict[str, str]:
    return {
        str(_registry().get_dimensionality(d)): name
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
    return _dimension_names().get(d, d)


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
            f"The {what} unit {unit!r} is {dimension_words(unit)}, "
            f"but a unit like {expected!r} ({dimension_words(expected)}) is needed.",
            unit=unit,
            expected=expected,
        )
