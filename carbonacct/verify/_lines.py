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

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.units import conversion_factor
from carbonacct.verify._chain import GRID_CHOICES
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
GRID_RANGE = (0.0, 1.2)
#: Published kinds of factor that are not location-based scope-2 factors.
NOT_SCOPE2_VARIANTS = ("operating_margin", "build_margin", "combined_margin", "carbon_footprint")


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
    try:
        d = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise _bad(r, column, f"{text!r} is not a number") from None
    if not d.is_finite() or (d and abs(d.adjusted()) > 15):
        raise _bad(r, column, f"{text!r} is not a finite number of a plausible size")
    return d


def _float(r: dict[str, Any], column: str) -> float | None:
    d = _decimal(r, column)
    return None if d is None else float(d)


def check_grid_value(value: float, where: str = "--grid-factor") -> float:
    """A numeric grid factor, refused outside :data:`GRID_RANGE` [tCO2/MWh]."""
    lo, hi = GRID_RANGE
    if not lo <= value <= hi:
        raise InputError(
            f"{where}: {value} tCO2/MWh is not a plausible scope-2 grid factor (expected {lo}–{hi}); "
            "check the unit (kgCO2/kWh = tCO2/MWh) or use a mode: " + ", ".join(GRID_CHOICES),
            value=value,
            column="grid_factor",
        )
    return value


def refuse_not_scope2(value: float, lib: Any, where: str = "--grid-factor") -> None:
    """Refuse a number that is a published factor of another kind (CDM/CCER OM/BM, footprint)."""
    from carbonacct.verify.factor_check import find_factor

    hits = find_factor(value, "tCO2/MWh", subject="electricity", library=lib)
    hits = hits.filter(pl.col("variant").is_in(NOT_SCOPE2_VARIANTS))
    if hits.height:
        h = hits.row(0, named=True)
        raise InputError(
            f"{where}: {value} tCO2/MWh is the {h['variant']} factor of {h['document']} "
            f"({h['region']} {h['year'] or ''}), not a scope-2 grid factor: a CDM/CCER baseline or a "
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
    if kind == "total":
        return kind, raw or "total"
    if raw is None:
        raise _bad(r, "carrier", "empty")
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
    for dim, ref in (("emission", "tCO2"), ("mass", "t"), ("energy", "GJ"), ("volume", "m3")):
        try:
            conversion_factor(unit, ref)
            return dim
        except CarbonacctError:
            continue
    raise _bad(r, "unit", f"{unit!r} is not a unit of activity or of CO2")


def parse_line(r: dict[str, Any], run: Any) -> Line:
    """Read one row (a dict with ``row``) into a :class:`Line`, or raise naming row and column."""
    kind, subject = _kind(r)
    if kind == "total":  # the firm's total for the year, stated in tCO2
        stated = _cell(r, "value") or _cell(r, "reported_co2_t")
        r = {**r, "value": stated, "reported_co2_t": None}
    unit = _cell(r, "unit")
    written = re.fullmatch(
        r"([-+]?[\d.,]+(?:[eE][-+]?\d+)?)\s*([^\d\s.,+\-]\S*)", _cell(r, "value") or ""
    )
    if unit is None and written:  # "10.16 tCO2" in the value cell, as reports write it
        r = {**r, "value": written.group(1)}
        unit = written.group(2)
    if unit is None and kind == "total":
        unit = "tCO2"
    if unit is None:
        raise _bad(r, "unit", "empty")
    dim = _dimension(r, unit)
    if kind == "total" and dim != "emission":
        raise _bad(r, "unit", f"{unit!r}: a total line states tCO2 (the sum of the firm's lines)")
    value = _decimal(r, "value")
    if value is None:
        raise _bad(r, "value", "empty")
    reported, to_t = _decimal(r, "reported_co2_t"), Decimal(1)
    if dim == "emission":
        # "diesel: 10.16 tCO2": the figure is the emission itself
        reported, to_t = value, Decimal(format(conversion_factor(unit, "tCO2"), ".12g"))
    elif reported is None:
        raise _bad(
            r, "reported_co2_t", "empty (give the reported emission, or state the line in tCO2)"
        )
    # compared at the precision it is written to: half a unit of its last digit
    tolerance = Decimal(5).scaleb(reported.as_tuple().exponent - 1) * to_t  # type: ignore[operator]
    year = _cell(r, "year") or (str(run.year) if run.year is not None else None)
    if year is not None:  # an Excel number cell (2023.0), or 2023年
        year = re.sub(r"(\.0+|年)$", "", year)
    if year is None or not year.isdecimal() or not 1990 <= int(year) <= 2100:
        what = f"{year!r} is not a data year (1990–2100)" if year else "empty"
        raise _bad(r, "year", f"{what}: each line needs its data year (a year column or --year)")
    grid_text = _cell(r, "grid_factor")
    grid = grid_choice(grid_text, f"row {r['row']}, column grid_factor") if grid_text else None
    if isinstance(grid, float):
        refuse_not_scope2(grid, run.library, f"row {r['row']}, column grid_factor")
    province = _cell(r, "province") or run.provinces.get(str(r.get("firm_id")))
    if province is not None and region_code(province, strict=False) is None:
        raise _bad(r, "province", f"{province!r} is not a province or grid region")
    return Line(
        row=r["row"],
        firm_id=str(r.get("firm_id") or ""),
        line=str(r.get("line") or ""),
        kind=kind,
        subject=subject,
        amount=None if dim == "emission" else float(value),
        unit=unit,
        unit_dimension=dim,
        exported=_float(r, "exported") or 0.0,
        year=int(year),
        province=region_code(province, strict=False) if province else None,
        reported=reported * to_t,
        tolerance=tolerance,
        grid_factor=grid if grid is not None else run.grid_factor,
        reported_factor=_float(r, "reported_factor"),
        reported_factor_unit=_cell(r, "reported_factor_unit"),
        carbon_content=_float(r, "carbon_content"),
        steam_enthalpy=_float(r, "steam_enthalpy") or run.steam_enthalpy,
        feedwater_enthalpy=_float(r, "steam_feedwater_enthalpy") or run.steam_feedwater_enthalpy,
    )
