"""Readings dated by a period label alone, of one series, given both whole and in parts.

A year total beside its months (``2024`` and ``2024-01`` … ``2024-12``), or a quarter beside
one of its months, would be summed: the same energy counted twice. The activity table refuses
a year given both whole and in parts; readings are refused the same way, naming the firm, the
series (meter, or carrier for rows without a meter id), the year and the labels given.
"""

from __future__ import annotations

import polars as pl

from carbonacct.errors import InputError

__all__ = ["refuse_overlapping_periods"]

_SERIES = ["firm_id", "meter_id", "carrier", "_ly"]


def _quarter() -> pl.Expr:
    """The quarter a label covers: its own for ``2024Q1``, its month's for ``2024-03``."""
    norm, rank = pl.col("_lnorm"), pl.col("_lrank")
    month = norm.str.slice(5, 2).cast(pl.Int8, strict=False)
    own = norm.str.slice(5, 1).cast(pl.Int8, strict=False)
    return pl.when(rank == 1).then(own).when(rank == 0).then((month - 1) // 3 + 1)


def overlapping_periods(rows: pl.LazyFrame) -> pl.DataFrame:
    """Per series and year whose accepted period-only readings overlap: the labels given."""
    given = pl.col("_lgiven").fill_null(False) & pl.col("_ts").is_null()
    q, rank = _quarter(), pl.col("_lrank")
    per = (
        rows.filter(pl.col("row_reason").is_null() & given & rank.is_not_null())
        .group_by(_SERIES)
        .agg(
            (rank == 2).any().alias("whole"),
            rank.n_unique().alias("grains"),
            q.filter(rank == 1).unique().alias("quarters"),
            q.filter(rank == 0).unique().alias("months_in"),
            pl.col("_lnorm").unique().sort().alias("labels"),
        )
        .collect(engine="streaming")
    )
    both = pl.col("quarters").list.set_intersection(pl.col("months_in")).list.len() > 0
    return per.filter((pl.col("whole") & (pl.col("grains") > 1)) | both).sort(_SERIES)


def refuse_overlapping_periods(groups: pl.DataFrame, rows: pl.LazyFrame, source: str) -> None:
    """Raise :class:`InputError` when a series' period-only readings overlap (one look at the
    rows, only when some accepted reading is dated by a period alone)."""
    if groups.filter(pl.col("reason").is_null() & ~pl.col("has_ts")).is_empty():
        return
    bad = overlapping_periods(rows)
    if bad.is_empty():
        return
    said = []
    for firm, meter, carrier, year, labels in bad.select(*_SERIES, "labels").rows():
        series = f"meter {meter}" if meter is not None else f"{carrier} (no meter id)"
        shown = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
        said.append(f"firm {firm}, {series}, {year}: {shown}")
    more = f"; and {len(said) - 3} more series" if len(said) > 3 else ""
    raise InputError(
        f"{source}: readings dated by a period are given both whole and in parts, which would "
        f"count the same energy twice: {'; '.join(said[:3])}{more}. Give each period once "
        "(either the year total or its months or quarters), column 'period'",
        file=source,
        row=None,
        column="period",
    )
