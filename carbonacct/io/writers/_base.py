"""What every writer takes: the tables (the first is the main one), the units, the provenance.

Each output also records the dtype of every column (:func:`schema_of`), so that
:func:`carbonacct.read_result` gives back the frames as they were written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

Tables = Mapping[str, pl.DataFrame]
#: table -> column -> unit
Units = Mapping[str, Mapping[str, str]]
Provenance = Mapping[str, Any]

#: The provenance key under which single-table formats (CSV, Parquet) carry the
#: other tables that hold a ``grade`` column (the factors behind a footprint, the
#: targets of a check): every output carries the grades behind its figures.
GRADED = "graded_tables"


def schema_of(tables: Tables) -> dict[str, dict[str, str]]:
    """table -> column -> dtype name (``Float64``, ``String``, ``Datetime(...)``)."""
    return {t: {c: str(d) for c, d in f.schema.items()} for t, f in tables.items()}


def graded(tables: Tables) -> dict[str, list[dict[str, Any]]]:
    """The tables after the first that carry a ``grade`` column, as records."""
    return {
        name: frame.to_dicts()
        for name, frame in list(tables.items())[1:]
        if "grade" in frame.columns
    }


def dtype_of(name: str) -> pl.DataType | None:
    """The polars dtype a :func:`schema_of` name stands for (None if not a simple one).

    >>> dtype_of("Float64"), dtype_of("Datetime(time_unit='us', time_zone='Asia/Shanghai')")
    (Float64, Datetime(time_unit='us', time_zone='Asia/Shanghai'))
    """
    found = re.fullmatch(r"Datetime\(time_unit='(\w+)', time_zone=(?:'([^']+)'|None)\)", name)
    if found:
        return pl.Datetime(found.group(1), found.group(2))  # type: ignore[arg-type]
    dtype = getattr(pl, name, None)
    if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
        return dtype()
    return None


def cast_to(frame: pl.DataFrame, schema: Mapping[str, str]) -> pl.DataFrame:
    """``frame`` with each column cast to the dtype its written schema names."""
    casts = []
    for column, name in schema.items():
        dtype = dtype_of(name)
        if column in frame.columns and dtype is not None and frame.schema[column] != dtype:
            col = pl.col(column)
            text = frame.schema[column] == pl.String
            if isinstance(dtype, pl.Datetime) and text:
                col = col.str.to_datetime(time_unit=dtype.time_unit, time_zone=dtype.time_zone)
            elif dtype == pl.Date and text:  # an xlsx cell read back as text: 2025-12-31
                col = col.str.to_date(strict=False)
            elif dtype == pl.Boolean and text:
                col = col.str.to_lowercase().replace_strict({"true": True, "false": False})
            casts.append(col.cast(dtype).alias(column))
    return frame.with_columns(casts) if casts else frame
