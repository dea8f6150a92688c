"""The year of a period label (``2025``, ``2025-03``, ``2025Q1``, ``2025-03-14``...).

Every period label starts with its four-digit year; this is the one place that
cuts it out.
"""

from __future__ import annotations

import polars as pl

__all__ = ["period_year"]


def period_year(column: str = "period") -> pl.Expr:
    """The year of the period labels in ``column``, as text (cast it where a number is needed).

    >>> pl.DataFrame({"period": ["2025", "2025-03", "2025Q1"]}).select(period_year())["period"].to_list()
    ['2025', '2025', '2025']
    """
    return pl.col(column).cast(pl.String).str.slice(0, 4)
