"""Reading a monthly record (long or wide) into one long table of (month, material, parameter).

The record is read through :func:`carbonacct.io.read_parts` (the one reader:
encodings, Excel sheets, typed Parquet, Chinese headers via the header map).
Every input row keeps its number in ``row`` and gets a ``reject_reason``
(null when readable), so rows in = accounted + rejected holds downstream.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from carbonacct.io import Source, read_parts
from carbonacct.io._tables import TableLike
from carbonacct.sectors._months import month_labels
from carbonacct.sectors._protocol import (
    CATEGORY_NAMES,
    HOW_NAMES,
    PARAMETER_NAMES,
    PROCESS_NAMES,
)

__all__ = ["LONG_COLUMNS", "read_record", "record_frame"]

#: The long record, one row per (month, process, material, parameter) value.
LONG_COLUMNS = {
    "table": pl.String,
    "row": pl.Int64,
    "firm_id": pl.String,
    "month": pl.String,
    "process": pl.String,
    "material": pl.String,
    "category": pl.String,
    "parameter": pl.String,
    "value": pl.Float64,
    "value_text": pl.String,
    "unit": pl.String,
    "how": pl.String,
    "evidence": pl.String,
    "reject_reason": pl.String,
}

_KEYS = ("firm_id", "month", "year", "process", "material", "category", "unit", "how", "evidence")
_NO_VALUE = "<no value in any parameter column>"
# the shared reader folds a header's spaces to "_": ``ncv (GJ/t)`` arrives as ``ncv_(gj/t)``
_HEADER_UNIT = re.compile(r"^(.*?)[\s_]*[\(\[（【][\s_]*(.+?)[\s_]*[\)\]）】][\s_]*$")


def _fold(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("（", "(").replace("）", ")")


def _lookup(names: Mapping[str, str], text: object) -> str | None:
    if text is None:
        return None
    key = str(text).strip()
    return names.get(key) or names.get(_fold(key))


def _wanted(columns: list[str]) -> str | None:
    cols = {c if c != "carrier" else "material" for c in columns}
    if "material" not in cols:
        return "no material (物料) column"
    if not ({"month", "year"} & cols):
        return "no month (月份) or year (年份) column"
    return None


def read_record(
    source: TableLike, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[pl.DataFrame, Source]:
    """Read a monthly record as the long table of :data:`LONG_COLUMNS`.

    Every sheet of a workbook that holds a record (a material column and a
    month or year column) is read; ``table`` names the file or sheet and
    ``row`` the row as a spreadsheet shows it.
    """
    parts, src = read_parts(source, encoding=encoding, sheet=sheet, wanted=_wanted)
    frames = [record_frame(p.frame.collect(), p.label, p.first) for p in parts]
    if not frames:
        from carbonacct.errors import InputError

        raise InputError(
            f"{src.name}: no monthly record found: a record needs a material (物料) column and a "
            "month (月份) or year (年份) column.",
            file=src.name,
            row=None,
            column=None,
        )
    return pl.concat(frames, how="vertical"), src


def record_frame(frame: pl.DataFrame, label: str = "<frame>", first: int = 1) -> pl.DataFrame:
    """One table of a record (columns in library names) as the long table.

    ``first`` is the row number of its first data row (2 under a header line).
    """
    if "carrier" in frame.columns and "material" not in frame.columns:
        frame = frame.rename({"carrier": "material"})
    frame = frame.with_row_index("row", offset=first).with_columns(
        pl.col("row").cast(pl.Int64), pl.lit(label).alias("table")
    )
    frame = frame.with_columns(month_labels(frame).alias("_month"))
    if "parameter" in frame.columns and "value" in frame.columns:
        long = frame
    else:
        long = _melt(frame)
    return _normalised(long)


def _melt(frame: pl.DataFrame) -> pl.DataFrame:
    """A wide record (a column per parameter, units in the header or a ``<p>_unit`` column)."""
    keep = [c for c in (*_KEYS, "table", "row", "_month") if c in frame.columns]
    pieces = []
    for column in frame.columns:
        if column in keep or column.endswith("_unit"):
            continue
        m = _HEADER_UNIT.match(column)
        name, header_unit = (m.group(1), m.group(2)) if m else (column, None)
        parameter = _lookup(PARAMETER_NAMES, name)
        if parameter is None:
            if header_unit is not None:
                raise _unknown_header(column)
            continue
        unit_col = f"{parameter}_unit" if f"{parameter}_unit" in frame.columns else None
        if header_unit is not None:
            unit = pl.lit(header_unit)
        elif unit_col is not None:
            unit = pl.col(unit_col).cast(pl.String)
        elif parameter == "quantity" and "unit" in frame.columns:
            unit = pl.col("unit").cast(pl.String)
        else:
            unit = pl.lit(None, dtype=pl.String)
        pieces.append(
            frame.select(
                *[pl.col(c) for c in keep if c != "unit"],
                pl.lit(parameter).alias("parameter"),
                pl.col(column).alias("value"),
                unit.alias("unit"),
            ).filter(pl.col("value").is_not_null())
        )
    if not pieces:
        from carbonacct.errors import InputError

        raise InputError(
            "The record has neither parameter (参数) and value (数值) columns nor a column per "
            "parameter (quantity/消耗量, ncv/低位发热量, emission_factor/排放因子 ...).",
            file=None,
            row=None,
            column=None,
        )
    long = pl.concat([p.with_columns(pl.col("value").cast(pl.String)) for p in pieces])
    # a row with no value in any parameter column is kept, to be rejected (never dropped)
    empty = frame.join(long.select("table", "row").unique(), on=["table", "row"], how="anti")
    blank = empty.select(
        *[pl.col(c) for c in keep if c != "unit"],
        pl.lit(_NO_VALUE).alias("parameter"),
        pl.lit(None, dtype=pl.String).alias("value"),
        pl.lit(None, dtype=pl.String).alias("unit"),
    )
    return pl.concat([long, blank], how="vertical_relaxed").sort("table", "row")


def _unknown_header(column: str) -> Exception:
    """A header with a unit names a value: it is never dropped unread."""
    from carbonacct.errors import InputError

    return InputError(
        f"The record's column {column!r} carries a unit but names no parameter this engine reads "
        "(quantity/消耗量, ncv/低位发热量, carbon_content/单位热值含碳量, emission_factor/排放因子 "
        "...): rename it to one of them, or drop the column.",
        file=None,
        row=1,
        column=column,
    )


def _text(frame: pl.DataFrame, column: str) -> pl.Series:
    if column not in frame.columns:
        return pl.Series(column, [None] * frame.height, pl.String)
    col = frame[column]
    if col.dtype != pl.String:
        col = col.cast(pl.String)
    return col.str.strip_chars().replace("", None).alias(column)


def _mapped(series: pl.Series, names: Mapping[str, str], keep: bool) -> pl.Series:
    values = {v: _lookup(names, v) for v in series.unique().to_list() if v is not None}
    if keep:
        values = {k: (v if v is not None else k) for k, v in values.items()}
    return series.replace_strict(values, default=None, return_dtype=pl.String)


def _normalised(long: pl.DataFrame) -> pl.DataFrame:
    value_text = _text(long, "value")
    value = value_text.str.replace_all(",", "").cast(pl.Float64, strict=False)
    out = pl.DataFrame(
        {
            "table": long["table"],
            "row": long["row"],
            "firm_id": _text(long, "firm_id"),
            "month": long["_month"],
            "process": _mapped(_text(long, "process"), PROCESS_NAMES, keep=True).fill_null(""),
            "material": _text(long, "material"),
            "category": _mapped(_text(long, "category"), CATEGORY_NAMES, keep=True),
            "parameter": _mapped(_text(long, "parameter"), PARAMETER_NAMES, keep=True),
            "value": value,
            "value_text": value_text,
            "unit": _text(long, "unit"),
            "how": _mapped(_text(long, "how"), HOW_NAMES, keep=True),
            "evidence": _text(long, "evidence"),
        }
    )
    reason = (
        pl.when(pl.col("material").is_null())
        .then(pl.lit("no material"))
        .when(pl.col("month").is_null())
        .then(pl.lit("month unreadable"))
        .when(pl.col("parameter").is_null())
        .then(pl.lit("no parameter"))
        .when(pl.col("parameter") == _NO_VALUE)
        .then(pl.lit("no value in any parameter column"))
        .when(pl.col("value").is_null())
        .then(pl.lit("value not a number"))
        .when(~pl.col("value").is_finite())
        .then(pl.lit("value not finite"))
    )
    return out.with_columns(reason.alias("reject_reason")).select(list(LONG_COLUMNS))
