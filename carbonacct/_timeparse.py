"""Time: timestamps to local wall-clock time, and period labels to (year, month or quarter).

A reading's period is decided in the firm's local time (default
Asia/Shanghai): a naive timestamp is local time already; an aware one (typed,
or text with an offset such as ``+08:00`` or ``Z``) is converted to local
time first. Text timestamps are parsed value by value, each by the first
format that reads it, so a file that mixes ``2024-01-01 00:00:00``,
``2024-01-01T00:00`` and ``2024/1/1 0:00`` is read whole. ``24:00`` (the end
label of the last interval of a day on grid-meter curves) is the next day's
00:00.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

__all__ = [
    "PERIODS",
    "Period",
    "fast_text",
    "label_table",
    "label_warning",
    "likely_format",
    "local_time",
    "parse_period",
    "parsed_text",
    "period_label",
    "text_stage",
    "year_sub",
]

Period = Literal["year", "quarter", "month"]
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")

_NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d %H%M",
    "%Y%m%d",
)
_AWARE_FORMATS = ("%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M%z")
#: Years a timestamp may have; anything else is a typo (1850, 20240) and is rejected.
YEAR_RANGE = (1900, 2199)


def _normalised_text(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(text in one spelling, whether it said 24:00): T, /, 年月日 and Z folded."""
    text = (
        col.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?", "${1}-${2}-${3}")
        .str.replace(r"^(\d{4})/(\d{1,2})/(\d{1,2})", "${1}-${2}-${3}")
        .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})T", "${1} ")
        .str.replace(r"[Zz]$", "+00:00")
    )
    is24 = text.str.contains(r" 24:00(:00)?$")
    return text.str.replace(r" 24:00(:00)?$", " 00:00:00"), is24


#: A text time written as the end of its day (24:00 or 24:00:00), as written in a file: the hour
#: 24 stands after the date (a space, T or 日), never after a colon (10:24:00 is 24 minutes).
WRITTEN_24 = r"(^|[^\d:])24:00(:00)?\s*$"


def local_time(col: pl.Expr, dtype: pl.DataType, timezone: str) -> pl.Expr:
    """Timestamps as naive local time [Datetime(us)] in ``timezone``; null where unreadable.

    Typed timestamps are used as they are (aware ones converted to local
    time); text is parsed per value (see :func:`text_stage` for large inputs).
    """
    if isinstance(dtype, pl.Datetime):
        ts = col.cast(pl.Datetime("us", dtype.time_zone))
        if dtype.time_zone is not None:
            ts = ts.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
        return ts
    if isinstance(dtype, pl.Date):
        return col.cast(pl.Datetime("us"))
    return parsed_text(*_normalised_text(col), timezone)


def text_stage(col: pl.Expr) -> list[pl.Expr]:
    """The text in one spelling (``_tnorm``) and whether it said 24:00 (``_t24``), as columns.

    Computed once in a stage of their own, then read by :func:`parsed_text`:
    inline, the folding (four regular expressions) is evaluated again for every
    format tried, which made text timestamps ten times slower than typed ones.
    """
    text, is24 = _normalised_text(col)
    return [text.alias("_tnorm"), is24.alias("_t24")]


#: Rows of a text column looked at to guess its one format (see :func:`likely_format`).
SAMPLE_ROWS = 1_000


def likely_format(sample: pl.Series) -> str | None:
    """The format, among the naive ones (and each with ``T`` for the space), that reads the most
    of ``sample`` exactly as written, if any: most exports write every time one way.

    Text that such a format reads whole has no offset, no 24:00 and nothing to fold, so it is
    the time the folded text reads as, with any format (each reads the whole text); the rest
    go through :func:`parsed_text`.
    """
    formats = [*_NAIVE_FORMATS, *(f.replace(" ", "T", 1) for f in _NAIVE_FORMATS if " " in f)]
    text = sample.cast(pl.String).drop_nulls()
    counts = {
        f: int(text.str.strptime(pl.Datetime("us"), f, strict=False).is_not_null().sum())
        for f in formats
    }
    best = max(formats, key=lambda f: counts[f])
    return best if counts[best] else None


def fast_text(col: pl.Expr, fmt: str | None) -> pl.Expr:
    """``col`` read by the one format ``fmt`` (null where it does not read; all null without)."""
    if fmt is None:
        return pl.lit(None, dtype=pl.Datetime("us"))
    return col.cast(pl.String).str.strptime(pl.Datetime("us"), fmt, strict=False)


def parsed_text(text: pl.Expr, is24: pl.Expr, timezone: str) -> pl.Expr:
    """Folded text (:func:`text_stage`) as naive local time; each value by the first format
    that reads it, aware formats first."""
    aware = pl.coalesce(
        [text.str.strptime(pl.Datetime("us", "UTC"), f, strict=False) for f in _AWARE_FORMATS]
    )
    aware = aware.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    naive = [text.str.strptime(pl.Datetime("us"), f, strict=False) for f in _NAIVE_FORMATS]
    ts = pl.coalesce([aware, *naive])
    return pl.when(is24).then(ts + pl.duration(days=1)).otherwise(ts)


def in_range(ts: pl.Expr) -> pl.Expr:
    """Whether a timestamp's year is plausible (:data:`YEAR_RANGE`)."""
    return ts.dt.year().is_between(*YEAR_RANGE)


def year_sub(ts: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr]:
    """(year, month or quarter; 0 for a year) of a timestamp."""
    sub = {
        "year": pl.lit(0, dtype=pl.Int8),
        "quarter": ts.dt.quarter().cast(pl.Int8),
        "month": ts.dt.month().cast(pl.Int8),
    }[period]
    return ts.dt.year().cast(pl.Int32), sub


def period_label(year: pl.Expr, sub: pl.Expr, period: Period) -> pl.Expr:
    """The period label (``2024``, ``2024Q1``, ``2024-03``) from year and month/quarter numbers."""
    y = year.cast(pl.String)
    if period == "year":
        return y
    if period == "quarter":
        return y + pl.lit("Q") + sub.cast(pl.String)
    return y + pl.lit("-") + sub.cast(pl.String).str.zfill(2)


def parse_period(label: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr]:
    """(period label at the requested granularity, granularity rank of the input label).

    Reads ``2024``, ``2024Q1``, ``2024-03``, ``2024/3``, ``202403``,
    ``2024M3``, ``2024年``, ``2024年第1季度``, ``2024年3月``; the rank is 0 for
    a month, 1 a quarter, 2 a year, null for anything else.
    """
    s = (
        label.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"^(\d{4})年第?([1-4])季度?$", "${1}Q${2}")
        .str.replace(r"^(\d{4})年(\d{1,2})月$", "${1}-${2}")
        .str.replace(r"^(\d{4})年$", "${1}")
        .str.replace(r"^(\d{4})[-/]?M?(\d)$", "${1}-0${2}")
        .str.replace(r"^(\d{4})[-/M](\d{2})$", "${1}-${2}")
        .str.replace(r"^(\d{4})(\d{2})$", "${1}-${2}")
        .str.to_uppercase()
    )
    is_year = s.str.contains(r"^\d{4}$")
    is_quarter = s.str.contains(r"^\d{4}Q[1-4]$")
    is_month = s.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
    rank = pl.when(is_month).then(0).when(is_quarter).then(1).when(is_year).then(2).otherwise(None)
    year = s.str.slice(0, 4)
    month = s.str.slice(5, 2).cast(pl.Int32, strict=False)
    quarter = (
        pl.when(is_quarter)
        .then(s.str.slice(5, 1).cast(pl.Int32, strict=False))
        .otherwise((month - 1) // 3 + 1)
    )
    if period == "year":
        out = year
    elif period == "quarter":
        out = year + pl.lit("Q") + quarter.cast(pl.String)
    else:
        out = s
    return pl.when(rank.is_not_null()).then(out), rank


def label_table(labels: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per distinct period label: year, month or quarter, granularity rank, and its own spelling.

    ``_lnorm`` is the label in one spelling at its own granularity
    (``2024年3月`` and ``2024-03`` are both ``2024-03``): readings of one meter
    with the same ``_lnorm`` are duplicates.
    """
    label = pl.col("period").cast(pl.String).str.strip_chars().replace("", None)
    text, rank = parse_period(label, "month")
    year = text.str.slice(0, 4).cast(pl.Int32, strict=False)
    month = text.str.slice(5, 2).cast(pl.Int8, strict=False)
    quarter = pl.coalesce(
        text.str.extract(r"Q([1-4])$").cast(pl.Int8, strict=False),
        ((month - 1) // 3 + 1).cast(pl.Int8),
    )
    sub = {"year": pl.lit(0, dtype=pl.Int8), "quarter": quarter, "month": month}[period]
    return labels.with_columns(
        year.alias("_ly"),
        sub.alias("_lsub"),
        rank.cast(pl.Int8).alias("_lrank"),
        label.is_not_null().alias("_lgiven"),
        text.alias("_lnorm"),
    )


def label_warning(name: str, label: str, how: str) -> list[str]:
    """The quality warning for an interval-label convention that was assumed or detected."""
    if how == "assumed":
        return [
            f"{name}: interval readings taken as labelled by their interval start "
            "(assumed); give interval_label='end' for curves labelled 00:15 … 24:00"
        ]
    if how.startswith("detected"):
        return [
            f"{name}: interval readings taken as labelled by their interval {label}, "
            f"{how}; give interval_label to override"
        ]
    return []
