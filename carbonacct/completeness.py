"""Completeness of the readings: the intervals and months a meter should have and does not.

For a meter with timestamps, its dominant step (the most frequent time
between consecutive readings) gives the number of readings expected from its
first to its last; the readings present are counted after duplicates are
removed. For monthly data (period labels), every month of each calendar year
the series covers is expected. Rows without a meter id form one series per
firm and carrier. A gap means consumption that is not in
the footprint: it is listed in the quality report, and ``require_complete``
turns it into an error.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from carbonacct.errors import InputError

__all__ = [
    "future_periods",
    "future_readings",
    "gap_warnings",
    "leading_zero_meters",
    "meter_gaps",
    "require_complete",
    "without_accepted_rows",
]

_SCHEMA = {
    "firm_id": pl.String,
    "meter_id": pl.String,
    "first": pl.String,
    "last": pl.String,
    "step": pl.String,
    "expected": pl.Int64,
    "present": pl.Int64,
    "missing": pl.Int64,
}


def _human(seconds: pl.Expr) -> pl.Expr:
    """A step in seconds as 15min, 1h, 1d or 90s."""
    out: pl.Expr = seconds.cast(pl.String) + pl.lit("s")
    for size, unit in ((60, "min"), (3600, "h"), (86400, "d")):
        out = (
            pl.when((seconds > 0) & (seconds % size == 0))
            .then((seconds // size).cast(pl.String) + pl.lit(unit))
            .otherwise(out)
        )
    return out


def _timed(rows: pl.LazyFrame) -> pl.LazyFrame:
    ts = pl.col("_ts")
    step = ts.sort().diff().drop_nulls().mode().min()
    per = (
        rows.filter(ts.is_not_null())
        .group_by("firm_id", "meter_id")
        .agg(
            ts.min().alias("_first"),
            ts.max().alias("_last"),
            ts.n_unique().alias("present"),
            step.alias("_step"),
        )
    )
    span = (pl.col("_last") - pl.col("_first")).dt.total_microseconds()
    every = pl.col("_step").dt.total_microseconds()
    return per.select(
        "firm_id",
        "meter_id",
        pl.col("_first").dt.to_string("%Y-%m-%d %H:%M").alias("first"),
        pl.col("_last").dt.to_string("%Y-%m-%d %H:%M").alias("last"),
        _human(pl.col("_step").dt.total_seconds()).alias("step"),
        pl.when(every > 0).then(span // every + 1).otherwise(pl.col("present")).alias("expected"),
        pl.col("present").cast(pl.Int64),
    )


def _monthly(rows: pl.LazyFrame) -> pl.LazyFrame:
    month = pl.col("_lnorm").str.to_date("%Y-%m", strict=False)
    per = (
        rows.filter(pl.col("_ts").is_null() & month.is_not_null())
        .group_by("firm_id", "meter_id")
        .agg(
            month.min().alias("_first"),
            month.max().alias("_last"),
            month.n_unique().alias("present"),
        )
    )
    # monthly data is expected for every month of each calendar year it covers
    years = pl.col("_last").dt.year() - pl.col("_first").dt.year() + 1
    return per.select(
        "firm_id",
        "meter_id",
        (pl.col("_first").dt.year().cast(pl.String) + "-01").alias("first"),
        (pl.col("_last").dt.year().cast(pl.String) + "-12").alias("last"),
        pl.lit("1mo").alias("step"),
        (years * 12).cast(pl.Int64).alias("expected"),
        pl.col("present").cast(pl.Int64),
    )


def _series() -> pl.Expr:
    """A series is a meter, or for rows without a meter id the firm's carrier as written."""
    return pl.coalesce(pl.col("meter_id"), pl.lit("(no meter) ") + pl.col("carrier"))


def meter_gaps(rows: pl.LazyFrame) -> pl.DataFrame:
    """Per meter: first and last reading, step, readings expected and present, and missing.

    ``rows`` are the scanned readings (:class:`carbonacct.readings.Scan`);
    only accepted input rows of meters (``meter_id`` given) count.
    """
    series = _series()
    ok = rows.filter(
        pl.col("firm_id").is_not_null() & pl.col("row_reason").is_null() & (pl.col("_n") == 1)
    ).select("firm_id", series.alias("meter_id"), "_ts", "_lnorm")
    table = pl.concat([_timed(ok), _monthly(ok)], how="vertical").collect(engine="streaming")
    return (
        table.with_columns((pl.col("expected") - pl.col("present")).clip(0).alias("missing"))
        .cast(_SCHEMA)  # type: ignore[arg-type]
        .sort("firm_id", "meter_id")
    )


def without_accepted_rows(
    gaps: pl.DataFrame, rows: pl.LazyFrame, groups: pl.DataFrame
) -> tuple[pl.DataFrame, list[str]]:
    """The gaps without the meters of which no row was accepted, and a line for each of those.

    ``gaps`` count the rows that passed the row checks; a key or firm check
    (unknown carrier, a unit of another dimension, an unknown firm) can reject
    every one of them later (``groups``, decided). Such a meter has no gap to
    report: none of its readings is in the footprint. Looked for only when a
    group was rejected that way, among the meters with a gap (one filtered pass).
    """
    from carbonacct.readings import GROUP_KEYS

    later = groups.filter(pl.col("row_reason").is_null() & pl.col("reason").is_not_null())
    # a meter of which every row was rejected later has no more readings present than its
    # firm has rows rejected later: only such meters are looked for (often none)
    most = later.group_by("firm_id").agg(pl.col("rows").sum().alias("_later"))
    gapped = (
        gaps.filter(pl.col("missing") > 0)
        .join(most, on="firm_id", how="inner", nulls_equal=True)
        .filter(pl.col("present") <= pl.col("_later"))
        .select("firm_id", "meter_id")
    )
    if not later.height or not gapped.height:
        return gaps, []
    decided = groups.select(*GROUP_KEYS, pl.col("reason").is_null().alias("_ok")).unique(
        list(GROUP_KEYS)
    )
    per = (
        rows.filter(pl.col("row_reason").is_null() & (pl.col("_n") == 1))
        .with_columns(_series().alias("meter_id"))
        .join(gapped.lazy(), on=["firm_id", "meter_id"], how="semi")
        .join(decided.lazy(), on=list(GROUP_KEYS), how="left", nulls_equal=True)
        .group_by("firm_id", "meter_id")
        .agg(pl.col("_ok").fill_null(False).any().alias("_ok"), pl.len().alias("n"))
        .filter(~pl.col("_ok"))
        .collect(engine="streaming")
        .sort("firm_id", "meter_id")
    )
    lines = [
        f"meter {m} of {f}: no accepted rows ({n} rejected by the carrier, unit or firm checks); "
        "none of its readings is counted"
        for f, m, n in per.select("firm_id", "meter_id", "n").iter_rows()
    ]
    return gaps.join(per, on=["firm_id", "meter_id"], how="anti"), lines


def gap_warnings(gaps: pl.DataFrame, limit: int = 10) -> list[str]:
    """One line per meter with a gap (the first ``limit``), and a count of the rest."""
    bad = gaps.filter(pl.col("missing") > 0).sort("missing", descending=True)
    lines = [
        f"meter {r['meter_id']} of {r['firm_id']}: {r['missing']} of {r['expected']} readings "
        f"missing between {r['first']} and {r['last']} (step {r['step']})"
        for r in bad.head(limit).iter_rows(named=True)
    ]
    if bad.height > limit:
        lines.append(f"{bad.height - limit} more meter(s) with gaps (see Footprint.completeness)")
    return lines


def require_complete(gaps: pl.DataFrame, source: str) -> None:
    """Raise when any meter has a gap (``require_complete=True``)."""
    bad = gaps.filter(pl.col("missing") > 0)
    if bad.height:
        lines = "; ".join(gap_warnings(bad, limit=5))
        raise InputError(
            f"{source}: {bad.height} meter(s) have gaps (require_complete): {lines}.",
            file=source,
            row=None,
            column="timestamp",
        )


def leading_zero_meters(gaps: pl.DataFrame, rows: pl.LazyFrame, layout: pl.DataFrame) -> list[str]:
    """A line for each firm's meter ids that differ only by leading zeros (``1`` and ``001``).

    Excel drops the zeros when a plant re-saves an export, so one meter may
    come as two; they may also be two meters, so they are counted apart and
    said, with the files they come from and whether their readings overlap in
    time. ``gaps`` has the accepted meters (one row each); the files are read
    in one filtered pass, only when such ids are found (often never).
    """
    metered = gaps.filter(~pl.col("meter_id").str.starts_with("(no meter) "))
    bare = pl.col("meter_id").str.strip_chars_start("0")
    alike = metered.with_columns(bare.alias("_bare")).filter(pl.len().over("firm_id", "_bare") > 1)
    if not alike.height:
        return []
    at = pl.lit(layout["_start"]).search_sorted(pl.col("row_nr"), side="right") - 1
    files = (
        rows.filter(pl.col("row_reason").is_null() & (pl.col("_n") == 1))
        .join(alike.lazy().select("firm_id", "meter_id"), on=["firm_id", "meter_id"], how="semi")
        .group_by("firm_id", "meter_id")
        .agg(pl.lit(layout["file"]).gather(at.unique()).alias("_files"))
        .collect(engine="streaming")
    )
    alike = alike.join(files, on=["firm_id", "meter_id"], how="left")
    lines = []
    for (firm, _), same in alike.sort("firm_id", "meter_id").group_by(
        "firm_id", "_bare", maintain_order=True
    ):
        ids = " and ".join(
            f"'{m}' ({', '.join(sorted(fs or []))})"
            for m, fs in same.select("meter_id", "_files").iter_rows()
        )
        overlap = same["first"].max() <= same["last"].min()  # type: ignore[operator]
        lines.append(
            f"meters {ids} of {firm} differ only by leading zeros: counted "
            "as separate meters"
            + (", with readings over overlapping times" if overlap else "")
            + "; if they are one meter (Excel drops leading zeros when a file is re-saved), "
            "give them one id"
        )
    return lines


def future_readings(
    gaps: pl.DataFrame,
    rows: pl.LazyFrame,
    layout: pl.DataFrame,
    groups: pl.DataFrame,
    today: date | None = None,
) -> list[str]:
    """A line naming the files with accepted readings dated after today, their rows and latest
    date (a year typed 2099 for 2024 is a plausible timestamp, and counted).

    Found from the meters' last readings in ``gaps``; the files are read in one filtered
    pass only when some meter's last reading is after today (often never). A reading at
    00:00 tomorrow is today's last interval's end, not the future.
    """
    cutoff = datetime.combine((today or date.today()) + timedelta(days=1), datetime.min.time())
    # monthly rows: "last" is their year's end; a meter of one reading has no step (null), and
    # null != "1mo" is null, which dropped it: its one reading dated after today went unsaid
    timed = gaps.filter(pl.col("step").ne_missing("1mo"))
    if not timed.filter(pl.col("last") > cutoff.strftime("%Y-%m-%d %H:%M")).height:
        return []
    from carbonacct.readings import GROUP_KEYS

    accepted = groups.filter(pl.col("reason").is_null()).select(GROUP_KEYS).unique()
    at = pl.lit(layout["_start"]).search_sorted(pl.col("row_nr"), side="right") - 1
    per = (
        rows.filter(pl.col("row_reason").is_null() & (pl.col("_n") == 1))
        .filter(pl.col("_ts") > cutoff)
        .join(accepted.lazy(), on=list(GROUP_KEYS), how="semi", nulls_equal=True)
        .group_by(pl.lit(layout["file"]).gather(at).alias("file"))
        .agg(pl.len().alias("n"), pl.col("_ts").max().alias("latest"))
        .sort("file")
        .collect(engine="streaming")
    )
    if not per.height:
        return []
    files = ", ".join(
        f"{f} ({n:,} row{'s' * (n != 1)}, latest {t:%Y-%m-%d %H:%M})" for f, n, t in per.iter_rows()
    )
    return [
        f"readings dated after today ({cutoff - timedelta(days=1):%Y-%m-%d}) were accounted: "
        f"{files}; check the year of their timestamps"
    ]


def future_periods(groups: pl.DataFrame, period: str, today: date | None = None) -> list[str]:
    """A line naming the firms and periods of accepted readings dated by a period label alone
    (no timestamp) that falls after the current one: ``2027-03`` typed for ``2024-03`` is a
    plausible label, and counted.

    The periods are the run's (``period``): under ``year``, a month label later in the current
    year is in the current period, and not named.
    """
    from carbonacct._timeparse import period_label

    today = today or date.today()
    sub = {"year": 0, "quarter": (today.month - 1) // 3 + 1, "month": today.month}[period]
    year, later = pl.col("year"), pl.col("sub")
    after = (year > today.year) | ((year == today.year) & (later > sub))
    per = (
        groups.filter(pl.col("reason").is_null() & ~pl.col("has_ts") & after)
        .group_by("firm_id", "year", "sub")
        .agg(pl.col("rows").sum())
        .sort("firm_id", "year", "sub")
        .with_columns(period_label(year, later, period).alias("label"))  # type: ignore[arg-type]
    )
    if not per.height:
        return []
    shown = [
        f"{f} {p} ({n:,} row{'s' * (n != 1)})"
        for f, p, n in per.select("firm_id", "label", "rows").rows()
    ]
    more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
    current = _date_label(today, period)
    return [
        f"readings dated by a period after the current one ({current}) were accounted: "
        f"{', '.join(shown[:5])}{more}; check the year of their period labels"
    ]


def _date_label(day: date, period: str) -> str:
    """The label of the period holding ``day``: ``2026``, ``2026Q4``, ``2026-12``."""
    if period == "year":
        return f"{day.year}"
    if period == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"
