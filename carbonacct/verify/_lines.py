"""One reported line read into typed fields; a bad cell is an error naming its row and column.

Columns: ``firm_id``, ``line`` (a label), ``carrier`` (a fuel, electricity,
heat, steam, a carbonate, or a process or product name), ``value`` and
``unit`` (the activity, or the emission itself when the unit is a CO2 mass, also written
in the value cell as reports do:
"diesel: 10.16 tCO2"), ``reported_co2_t``; optional ``kind`` (``combustion``,
``electricity``, ``heat``, ``steam``, ``carbonate``, ``process``,
``carbon_product``; inferred from the carrier when absent), ``year``,
``exported``, ``province``, ``grid_factor`` (a mode or a number),
``reported_factor`` with ``reported_factor_unit``, ``carbon_content`` [tC/t],
``steam_enthalpy`` and ``steam_feedwater_enthalpy`` [kJ/kg]. A ``total`` line
states the firm's total for the year in tCO2 and is checked against the sum
of its other lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.units import conversion_factor
from carbonacct.verify._chain import GRID_CHOICES
from carbonacct.verify._factor_units import factor_unit
from carbonacct.vocabulary import carrier_code, carrier_info, region_code

__all__ = ["KINDS", "Line", "check_grid_value", "parse_line"]

KINDS = (
    "combustion",
    "electricity",
    "heat",
    "steam",
    "carbonate",
    "process",
    "carbon_product",
    "total",
)
_BY_CATEGORY = {
    "solid_fuel": "combustion",
    "liquid_fuel": "combustion",
    "gas_fuel": "combustion",
    "electricity": "electricity",
    "heat": "heat",
    "steam": "steam",
    "carbonate": "carbonate",
}
#: A scope-2 grid factor outside this range is refused [tCO2/MWh]: the highest published
#: average is about 0.88 (NDRC 2012 华北), a coal plant's own factor about 1.1; a value of
#: hundreds is a kg/g unit slip, a negative one a typing error.
GRID_RANGE = (0.0, 1.2)  # the lower bound excluded: a grid factor of 0 is a missing value
#: Line labels of a report's total row (合计), read as ``kind`` total when no carrier is given.
_TOTAL_LABELS = ("合计", "总计", "排放总量", "总排放量", "total", "Total", "TOTAL")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")
#: A number with a unit after it, as reports write a cell ("1,234.5 tCO2", "1.2万吨").
_WRITTEN = re.compile(r"([-+]?[\d.,，]+(?:[eE][-+]?\d+)?)\s*(?![eE][-+]?\d+$)([^\d\s.,，+\-]\S*)")


@dataclass(frozen=True)
class Line:
    """A reported line with typed fields (``amount`` None when the line states an emission)."""

    row: int
    firm_id: str
    line: str
    kind: str
    subject: str
    amount: float | None
    unit: str
    unit_dimension: str
    exported: float
    year: int
    province: str | None
    reported: Decimal
    tolerance: Decimal
    grid_factor: str | float
    reported_factor: float | None
    reported_factor_unit: str | None
    carbon_content: float | None
    steam_enthalpy: float | None
    feedwater_enthalpy: float | None
    #: The report's own fuel parameters: NCV [GJ/unit], carbon content [tC/GJ], OF [1].
    ncv: float | None = None
    ncv_unit: str | None = None
    carbon_per_gj: float | None = None
    oxidation_rate: float | None = None
    #: A carbonate's purity as the report states it [1].
    purity: float | None = None


def _cell(r: dict[str, Any], column: str) -> str | None:
    v = r.get(column)
    if v is None:
        return None
    text = str(v).strip()
    return text or None


def _bad(r: dict[str, Any], column: str, what: str) -> InputError:
    return InputError(
        f"row {r['row']} ({r.get('line')}), column {column}: {what}",
        row=r["row"],
        column=column,
        value=r.get(column),
    )


def _decimal(r: dict[str, Any], column: str) -> Decimal | None:
    text = _cell(r, column)
    if text is None:
        return None
    plain = text.replace("，", ",")
    if "," in plain and not _THOUSANDS.fullmatch(plain):
        raise _bad(r, column, f"{text!r} is not a number (a comma only between groups of 3 digits)")
    try:
        d = Decimal(plain.replace(",", ""))
    except InvalidOperation:
        raise _bad(r, column, f"{text!r} is not a number") from None
    if not d.is_finite() or (d and abs(d.adjusted()) > 15):
        raise _bad(r, column, f"{text!r} is not a finite number of a plausible size")
    return d


def _reported_factor_unit(r: dict[str, Any], units: dict[str, str]) -> str | None:
    """The stated factor's unit in the registry's words (kg CO₂/kWh, t/MWh...), or refused."""
    text = _cell(r, "reported_factor_unit") or units.get("reported_factor")
    if text is None:
        return None
    try:
        return factor_unit(text)
    except CarbonacctError as exc:
        raise _bad(r, "reported_factor_unit", str(exc)) from None


def _float(r: dict[str, Any], column: str) -> float | None:
    d = _decimal(r, column)
    return None if d is None else float(d)


def check_grid_value(value: float, where: str = "--grid-factor") -> float:
    """A numeric grid factor, refused outside :data:`GRID_RANGE` [tCO2/MWh]."""
    lo, hi = GRID_RANGE
    if not lo < value <= hi:
        raise InputError(
            f"{where}: {value} tCO2/MWh is not a plausible scope-2 grid factor (expected above {lo}, at most {hi}); "
            "check the unit (kgCO2/kWh = tCO2/MWh) or use a mode: " + ", ".join(GRID_CHOICES),
            value=value,
            column="grid_factor",
        )
    return value


def refuse_not_scope2(value: float, lib: Any, where: str = "--grid-factor") -> None:
    """Refuse a number that is a published factor of another kind (CDM/CCER OM/BM, footprint)."""
    from carbonacct.verify.factor_check import not_scope2

    hits = not_scope2(value, "tCO2/MWh", library=lib)
    if hits.height:
        h = hits.row(0, named=True)
        raise InputError(
            f"{where}: {value} tCO2/MWh is the {h['kind']} of {h['document']} ({h['region']} "
            f"{h['year'] or ''}, {h['variant']}), not a scope-2 grid factor: a CDM/CCER baseline or a "
            "carbon-footprint factor does not measure purchased electricity. Use a grid mode.",
            value=value,
            column="grid_factor",
        )


def grid_choice(text: str, where: str = "--grid-factor") -> str | float:
    """A grid mode or a plausible number."""
    if text in GRID_CHOICES:
        return text
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"{where}: {text!r} is not a grid-factor mode ({', '.join(GRID_CHOICES)}) or a number.",
            value=text,
            column="grid_factor",
        ) from None
    return check_grid_value(value, where)


def _kind(r: dict[str, Any]) -> tuple[str, str]:
    raw, kind = _cell(r, "carrier"), _cell(r, "kind")
    if kind is not None and kind not in KINDS:
        raise _bad(r, "kind", f"{kind!r} is not one of {list(KINDS)}")
    if kind is None and raw is None and _cell(r, "line") in _TOTAL_LABELS:
        kind = "total"  # a 合计 row of a report table
    if kind == "total":
        return kind, raw or "total"
    if raw is None:
        raise _bad(
            r, "carrier", "empty (a fuel, 电力, 热力, a carbonate; or kind total for a 合计 row)"
        )
    code = carrier_code(raw, strict=False)
    if kind in ("process", "carbon_product"):
        return kind, code or raw
    if code is None:
        raise _bad(
            r,
            "carrier",
            f"{raw!r} is not a known carrier or carbonate; for a process or "
            "product line give kind process or carbon_product and its carbon_content",
        )
    inferred = _BY_CATEGORY.get(carrier_info(code)["category"])
    if inferred is None:
        raise _bad(r, "carrier", f"{raw!r} ({code}) has no CO2 of its own (an energy medium)")
    return kind or inferred, code


def _dimension(r: dict[str, Any], unit: str) -> str:
    if re.search(r"ce$|标煤|标准煤", unit.strip()):
        raise _bad(
            r,
            "unit",
            f"{unit!r} is standard coal, not the amount the emission is computed from: give the "
            "physical amount the report used (t, 万Nm3, MWh, GJ)",
        )
    for dim, ref in (("emission", "tCO2"), ("mass", "t"), ("energy", "GJ"), ("volume", "m3")):
        try:
            conversion_factor(unit, ref)
            return dim
        except CarbonacctError:
            continue
    raise _bad(r, "unit", f"{unit!r} is not a unit of activity or of CO2")


def _co2_unit(r: dict[str, Any], column: str, unit: str) -> Decimal:
    """Tonnes of CO2 per unit of a figure stated as CO2 (tCO2, 万吨, kgCO2, 吨二氧化碳 ...)."""
    core = re.sub(r"(CO2e?|二氧化碳(当量)?)$", "", unit.replace(" ", ""), flags=re.I)
    core = "万t" if core == "万" else core
    for u, ref in ((unit, "tCO2"), (core, "t")):  # a mass in a CO2 column is a mass of CO2
        try:
            return Decimal(format(conversion_factor(u, ref), ".12g"))
        except CarbonacctError:
            continue
    raise _bad(r, column, f"unit {unit!r} is not a mass of CO2 (write t, tCO2, 万tCO2 or kgCO2)")


def _figure(r: dict[str, Any], column: str, unit: str | None) -> tuple[Decimal, Decimal] | None:
    """A CO2 figure in t and its tolerance [t] (half a unit of its last written digit).

    The unit is written in the cell ("1,234.5 tCO2", "1.23万吨") or in the column's header.
    """
    text = _cell(r, column)
    if text is None:
        return None
    written = _WRITTEN.fullmatch(text)
    if written:
        r = {**r, column: written.group(1)}
        unit = written.group(2)
    d = _decimal(r, column)
    assert d is not None
    to_t = _co2_unit(r, column, unit) if unit else Decimal(1)
    tolerance = Decimal(5).scaleb(d.as_tuple().exponent - 1) * to_t  # type: ignore[operator]
    return d * to_t, tolerance


def _year(r: dict[str, Any], run: Any) -> int:
    year = _cell(r, "year") or (str(run.year) if run.year is not None else None)
    if year is not None:  # an Excel number cell (2023.0), or 2023年
        year = re.sub(r"(\.0+|年度|年)$", "", year)
    if year is None or not year.isdecimal() or not 1990 <= int(year) <= 2100:
        what = f"{year!r} is not a data year (1990–2100)" if year else "empty"
        raise _bad(r, "year", f"{what}: each line needs its data year (a year column or --year)")
    return int(year)


def _province(r: dict[str, Any], run: Any) -> str | None:
    firm = str(r.get("firm_id") or "")
    province = _cell(r, "province") or run.provinces.get(firm)
    if province is None and not firm and len(run.provinces) == 1:
        province = next(iter(run.provinces.values()))  # a one-firm report without firm_id
    if province is not None and region_code(province, strict=False) is None:
        raise _bad(r, "province", f"{province!r} is not a province or grid region")
    return region_code(province, strict=False) if province else None


def _nonnegative(r: dict[str, Any], column: str) -> float | None:
    v = _float(r, column)
    if v is not None and v < 0:
        raise _bad(
            r,
            column,
            f"{v:g} is negative: an activity or a parameter is never negative (carbon held in "
            "products is a carbon_product line, deliveries outside go in exported)",
        )
    return v


def _fraction(r: dict[str, Any], column: str) -> float | None:
    """A rate or purity as a fraction [1], written 0.98, 98 or 98%."""
    text = _cell(r, column)
    if text is None:
        return None
    pct = text.endswith(("%", "％"))
    v = _nonnegative({**r, column: text.rstrip("%％")}, column)
    assert v is not None
    v = v / 100 if pct or v > 1 else v
    if not 0 < v <= 1:
        raise _bad(r, column, f"{text!r} is not a fraction (0–1, or a percentage)")
    return v


def _parameters(r: dict[str, Any]) -> dict[str, Any]:
    """The report's own NCV, carbon content [tC/GJ], OF and purity [1], if it gives them.

    The NCV is per its header's unit (``低位发热量(GJ/t)``), else per the unit of the
    shipped NCV (GJ/t, GJ/万Nm3), as the guideline tables state it.
    """
    out: dict[str, Any] = {
        "oxidation_rate": _fraction(r, "oxidation_rate"),
        "purity": _fraction(r, "purity"),
        "ncv": _nonnegative(r, "ncv"),
        "ncv_unit": (r.get("_units") or {}).get("ncv"),
    }
    cc = _nonnegative(r, "carbon_per_gj")
    written = (r.get("_units") or {}).get("carbon_per_gj")
    if cc is not None and written:
        try:
            cc *= conversion_factor(written, "tC/GJ")
        except CarbonacctError as exc:
            raise _bad(r, "carbon_per_gj", f"header unit {written!r}: {exc}") from None
    if cc is not None and not 0.001 <= cc <= 0.2:
        raise _bad(
            r,
            "carbon_per_gj",
            f"{cc:g} tC/GJ is not a carbon content per heat (about 0.01–0.1 tC/GJ); if it is in "
            "tC/TJ write the unit in the header: 单位热值含碳量(tC/TJ)",
        )
    return out | {"carbon_per_gj": cc}


def parse_line(r: dict[str, Any], run: Any) -> Line:
    """Read one row (a dict with ``row``) into a :class:`Line`, or raise naming row and column."""
    kind, subject = _kind(r)
    units = r.get("_units") or {}
    if kind == "total":  # the firm's total for the year, stated in tCO2
        total = _cell(r, "value") or _cell(r, "reported_co2_t")
        r = {**r, "value": total, "reported_co2_t": None}
    unit = _cell(r, "unit") or (
        units.get("reported_co2_t") if kind == "total" else units.get("value")
    )
    written = _WRITTEN.fullmatch(_cell(r, "value") or "")
    if _cell(r, "unit") is None and written:  # "10.16 tCO2" in the value cell, as reports write it
        r = {**r, "value": written.group(1)}
        unit = written.group(2)
    if unit is None and kind == "total":
        unit = "tCO2"
    if unit is None:
        raise _bad(r, "unit", "empty (a unit column, a unit in the value cell or in its header)")
    if kind == "total" or re.search(r"(CO2e?|二氧化碳(当量)?)$", unit, re.I):
        _co2_unit(r, "unit", unit)  # a total states CO2: a mass (t, 万吨) is a mass of CO2
        dim = "emission"
    else:
        dim = _dimension(r, unit)
    if _cell(r, "value") is None and kind == "total":
        raise _bad(r, "reported_co2_t", "empty (the total's reported figure)")
    if _cell(r, "value") is None:
        raise _bad(r, "value", "empty")
    if dim == "emission":  # "diesel: 10.16 tCO2": the figure is the emission itself
        stated = _figure(r, "value", unit)
    else:
        value = _nonnegative(r, "value")
        stated = _figure(r, "reported_co2_t", units.get("reported_co2_t"))
    if stated is None:
        raise _bad(
            r, "reported_co2_t", "empty (give the reported emission, or state the line in tCO2)"
        )
    grid_text = _cell(r, "grid_factor")
    grid = grid_choice(grid_text, f"row {r['row']}, column grid_factor") if grid_text else None
    if isinstance(grid, float):
        refuse_not_scope2(grid, run.library, f"row {r['row']}, column grid_factor")
    return Line(
        row=r["row"],
        firm_id=str(r.get("firm_id") or ""),
        line=str(r.get("line") or r.get("carrier") or ""),
        kind=kind,
        subject=subject,
        amount=None if dim == "emission" else value,
        unit=unit,
        unit_dimension=dim,
        exported=_nonnegative(r, "exported") or 0.0,
        year=_year(r, run),
        province=_province(r, run),
        reported=stated[0],
        tolerance=stated[1],
        grid_factor=grid if grid is not None else run.grid_factor,
        reported_factor=_float(r, "reported_factor"),
        reported_factor_unit=_reported_factor_unit(r, units),
        carbon_content=_nonnegative(r, "carbon_content"),
        steam_enthalpy=_nonnegative(r, "steam_enthalpy") or run.steam_enthalpy,
        feedwater_enthalpy=_nonnegative(r, "steam_feedwater_enthalpy")
        or run.steam_feedwater_enthalpy,
        **_parameters(r),
    )
