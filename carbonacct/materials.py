"""Materials the library does not ship, declared by the user, and the plausibility bounds.

A materials declaration (``materials=`` / ``--materials FILE``) is a table
with one value a row::

    carrier,category,unit,parameter,value,value_unit,source
    电极,process,t,emission_factor,3.663,tCO2/t,CETS—AG—03.01—V01—2024 附录A
    粗钢,carbon_product,t,carbon_content,0.0101,tC/t,lab report 2025-03

``carrier`` is the material as the record or readings name it, ``unit`` the
unit its amounts are counted in, ``source`` the document and clause (or
"measured"). Declared values are the user's: results record them with their
source. Every value is checked against the plausibility bounds of its
category and parameter (:func:`bounds`), which are data
(``factors/sectors/bounds/plausibility.csv``), wide enough for every
published factor: an electrode at 3.663 tCO2/t and micro-carbon
ferromanganese at 0.004 pass; a value outside is refused with the bound named.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.io import Source, read_side_table

__all__ = ["MATERIAL_COLUMNS", "bound_for", "bounds", "check_bound", "read_materials"]

#: The columns of a materials declaration.
MATERIAL_COLUMNS = ("carrier", "category", "unit", "parameter", "value", "value_unit", "source")


@cache
def bounds() -> pl.DataFrame:
    """The plausibility bounds: ``category`` (``*`` = any), ``parameter``, ``per``, ``low``, ``high``."""
    from carbonacct._manifest import data_dir, read_dataset

    schema = {
        "category": pl.String,
        "parameter": pl.String,
        "per": pl.String,
        "low": pl.Float64,
        "high": pl.Float64,
        "note": pl.String,
    }
    _, frame = read_dataset(
        data_dir() / "sectors/bounds/plausibility.toml", schema, ("category", "parameter")
    )
    return frame.with_columns(pl.col("per").fill_null(""))


def bound_for(category: str, parameter: str, per: str = "") -> tuple[float, float, str] | None:
    """(low, high, note) for a parameter of a category (per unit ``per``), or None if unbounded."""
    frame = bounds()
    for cat in (category, "*"):
        hit = frame.filter(
            (pl.col("category") == cat)
            & (pl.col("parameter") == parameter)
            & (pl.col("per") == per)
        )
        if hit.height:
            row = hit.row(0, named=True)
            high = row["high"] if row["high"] is not None else math.inf
            return float(row["low"]), float(high), str(row["note"] or "")
    return None


def check_bound(
    value: float, category: str, parameter: str, per: str, unit: str, where: str, **fields: Any
) -> None:
    """Refuse ``value`` [``unit``] outside its bound, naming the bound and ``where``.

    Examples
    --------
    >>> check_bound(3.663, "process", "emission_factor", "t", "tCO2/t", "电极")
    >>> check_bound(0.004, "process", "emission_factor", "t", "tCO2/t", "微碳锰铁")
    >>> check_bound(36.63, "process", "emission_factor", "t", "tCO2/t", "电极, 2025-03")
    Traceback (most recent call last):
    ...
    carbonacct.errors.InputError: 电极, 2025-03: emission_factor 36.63 tCO2/t is outside ...
    """
    found = bound_for(category, parameter, per)
    if found is None:
        return
    low, high, note = found
    if low <= value <= high:
        return
    raise InputError(
        f"{where}: {parameter} {value:g} {unit} is outside the plausibility bound "
        f"[{low:g}, {high:g}] {unit} for category {category!r} ({note}). Check the value and "
        "its unit (a percentage written as a fraction, kJ for GJ ...).",
        value=value,
        column=parameter,
        **fields,
    )


def read_materials(source: Any) -> tuple[pl.DataFrame, Source]:
    """Read a materials declaration (a path or frame) and check every row.

    Returns the table with columns :data:`MATERIAL_COLUMNS`, ``value`` as a
    float, the category and parameter in library names, and ``row`` (1-based).

    Raises
    ------
    InputError
        Naming the file, row and column of the first bad cell: an unknown
        category or parameter, a value that is not a number, a unit that does
        not parse, an empty source.
    """
    from carbonacct.sectors._protocol import CATEGORIES, CATEGORY_NAMES, PARAMETER_NAMES
    from carbonacct.units import resolve_unit

    frame, src = read_side_table(source, MATERIAL_COLUMNS, "a materials declaration")
    if "material" in frame.columns and "carrier" not in frame.columns:
        frame = frame.rename({"material": "carrier"})
    rows = []
    for r in frame.iter_rows(named=True):

        def bad(column: str, problem: str, hint: str, r: dict[str, Any] = r) -> InputError:
            return InputError(
                problem=problem,
                file=src.name,
                row=r["row"],
                column=column,
                value=r[column],
                hint=hint,
            )

        text = {k: (str(r[k]).strip() if r[k] is not None else "") for k in MATERIAL_COLUMNS}
        category = CATEGORY_NAMES.get(text["category"]) or CATEGORY_NAMES.get(
            text["category"].lower()
        )
        if category not in CATEGORIES:
            raise bad("category", "unknown category", f"use one of {sorted(CATEGORIES)}")
        parameter = PARAMETER_NAMES.get(text["parameter"]) or PARAMETER_NAMES.get(
            text["parameter"].lower()
        )
        if parameter is None:
            raise bad(
                "parameter",
                "unknown parameter",
                f"use one of {sorted(set(PARAMETER_NAMES.values()))}",
            )
        try:
            value = float(text["value"].replace(",", ""))
        except ValueError:
            raise bad("value", "not a number", "write the value as a number") from None
        if not math.isfinite(value):
            raise bad("value", "not a finite number", "write the value as a number")
        for column in ("unit", "value_unit"):
            if text[column]:
                resolve_unit(text[column])
        if not text["carrier"]:
            raise bad("carrier", "no carrier (material) named", "name the material")
        if not text["source"]:
            raise bad(
                "source",
                "a declared value needs its source",
                "write the document and clause, or 'measured'",
            )
        rows.append(
            {**text, "category": category, "parameter": parameter, "value": value, "row": r["row"]}
        )
    schema = {c: pl.String for c in MATERIAL_COLUMNS} | {"value": pl.Float64, "row": pl.Int64}
    return pl.DataFrame(rows, schema=schema), src
