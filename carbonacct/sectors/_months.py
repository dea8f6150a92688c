"""Months as people write them in monthly records: 2025-03, 2025年3月, 202503, an Excel date.

Each distinct cell is read once (records are small and repeat the same
months); the result is ``YYYY-MM``, or ``YYYY`` for an annual record.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

__all__ = ["month_labels", "parse_month"]

_YEAR_MONTH = re.compile(
    r"^(\d{4})\s*(?:[-/.年]\s*)(\d{1,2})\s*(?:月.*|[-/.]\d{1,2}(?:日|\s.*|T.*)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月?$")
_YEAR_ONLY = re.compile(r"^(\d{4})\s*年?(?:度)?(?:\.0)?$")
#: Excel serial day numbers of 1990-01-01 .. 2099-12-31.
_EXCEL_DAYS = (32874, 73415)


def parse_month(cell: object, year: object = None) -> str | None:
    """``YYYY-MM`` (or ``YYYY`` for a year alone) from a month cell, else None.

    Examples
    --------
    >>> [parse_month(x) for x in ("2025-03", "2025年3月", "202503", "2025/3/1", 45717)]
    ['2025-03', '2025-03', '2025-03', '2025-03', '2025-03']
    >>> parse_month("3月", year=2025), parse_month(None, year="2025年"), parse_month("13月", 2025)
    ('2025-03', '2025', None)
    """
    if isinstance(cell, (dt.date, dt.datetime)):
        return f"{cell.year:04d}-{cell.month:02d}"
    y = _year(year)
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return f"{y:04d}" if y is not None else None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if float(cell).is_integer() and 1 <= cell <= 12 and y is not None:
            return f"{y:04d}-{int(cell):02d}"
        if _EXCEL_DAYS[0] <= cell <= _EXCEL_DAYS[1]:
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(cell))
            return f"{day.year:04d}-{day.month:02d}"
        cell = str(cell)
    text = str(cell).strip().replace("\u3000", " ")
    for pattern in (_YEAR_MONTH, _COMPACT):
        m = pattern.match(text)
        if m:
            return _label(int(m.group(1)), int(m.group(2)))
    m = _MONTH_ONLY.match(text)
    if m and y is not None:
        return _label(y, int(m.group(1)))
    if text.replace(".", "", 1).isdigit():
        return parse_month(float(text), year)
    m = _YEAR_ONLY.match(text)
    return m.group(1) if m else None


def _label(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 1900 < year < 2200 else None


def _year(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    m = _YEAR_ONLY.match(str(value).strip())
    return int(m.group(1)) if m else None


def month_labels(frame: pl.DataFrame) -> pl.Series:
    """The ``month`` label of every row, from ``month`` and/or ``year`` (null where unreadable)."""
    month = frame["month"] if "month" in frame.columns else pl.Series([None] * frame.height)
    year = frame["year"] if "year" in frame.columns else pl.Series([None] * frame.height)
    pairs = pl.DataFrame({"m": month, "y": year}, strict=False)
    distinct = pairs.unique()
    labels = {(m, y): parse_month(m, y) for m, y in zip(distinct["m"], distinct["y"], strict=True)}
    return pl.Series(
        "month", [labels[(m, y)] for m, y in zip(pairs["m"], pairs["y"], strict=True)], pl.String
    )
