"""Register (cumulative) meters: readings become the consumption of the intervals between them.

The consumption between two readings of a register belongs to the interval
between them, ``(previous reading, this reading]``: a reading at 00:00 on the
1st closes the previous month. An interval that spans a month boundary is
split pro rata by time, each piece booked in its own month, and the rows
that were split are counted (note ``register_split``). Monthly pieces add up
to quarters and years, so the split is the same at every period.

Readings are compared in the carrier's canonical unit (``_f`` converts a
row's unit to it), so a register read in kWh one month and MWh the next is
one sequence. A register that goes backwards is told apart as:

* a misread, when the next reading is back at or above the previous one:
  the row is rejected (``register_misread``) and the interval runs from the
  previous good reading to the next;
* a rollover, when the register's capacity is given (``register_capacity``)
  and the wrapped delta ``capacity − previous + current`` is at most
  ``rollover_fraction`` of it, or, without a capacity, when the previous
  reading was near the next power of ten and the wrapped delta is as small;
* otherwise a reset or a meter replacement: the row is rejected
  (``register_reset``, naming both readings) and the next reading is counted
  from it.

Two readings of one register at one time cannot both end an interval, so
they are always compared, even when the duplicate check is off (that option
skips the check for interval meters only): the same value (in the canonical
unit) is one reading, the first kept and the others rejected as
``duplicate_reading``; different values are all rejected as
``conflicting_duplicate``, as the duplicate check does.

A meter's first reading is its baseline: accounted, with no amount of its
own (note ``register_baseline``). Register rows without a meter id are
rejected (``register_without_meter``), never chained with other meters.
"""

from __future__ import annotations

import polars as pl

from carbonacct._duplicates import same_key_code

__all__ = ["REGISTER_GROUP", "register_amounts"]

#: A register sequence: one meter, carrier and flow (``_gu`` is the unit only where it
#: cannot be converted, so that such readings are never compared across units).
REGISTER_GROUP = ("firm_id", "meter_id", "_gc", "_gf", "_gu")
_US = pl.duration(microseconds=1)


def _misreads() -> pl.Expr:
    """A reading below the previous one while the next is back at or above it."""
    group = list(REGISTER_GROUP)
    prev = pl.col("_vc").shift(1).over(group)
    nxt = pl.col("_vc").shift(-1).over(group)
    return ((pl.col("_vc") < prev) & (nxt >= prev)).fill_null(False)


def _same_time(codes: dict[str, int]) -> pl.Expr:
    """The duplicate code of a reading at the time of another of its register (else null)."""
    return same_key_code("_vc", [*REGISTER_GROUP, "_ts"], codes)


def _rejected(rows: pl.LazyFrame, reason: pl.Expr) -> pl.LazyFrame:
    """Register rows rejected as they are: no amount, counted in the period of the interval
    each would have closed (``_ts`` less a microsecond, as an accepted reading's amount)."""
    return rows.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("_v"),
        reason.alias("row_reason"),
        (pl.col("_ts") - _US).alias("_tp"),
        pl.lit(1, dtype=pl.UInt32).alias("_n"),
    )


def _deltas(
    regs: pl.LazyFrame, rollover_fraction: float, notes: dict[str, int], reset: int
) -> pl.LazyFrame:
    """Each reading minus the previous good one, in the canonical unit, back in the row's unit."""
    group = list(REGISTER_GROUP)
    regs = regs.with_columns(
        pl.col("_vc").shift(1).over(group).alias("_pv"),
        pl.col("_ts").shift(1).over(group).alias("_pts"),
    )
    given = pl.col("register_capacity") * pl.col("_f")
    guessed = pl.lit(10.0).pow(pl.col("_pv").abs().log10().floor() + 1)
    capacity = pl.when(given > 0).then(given).otherwise(guessed)
    wrapped = capacity - pl.col("_pv") + pl.col("_vc")
    delta = pl.col("_vc") - pl.col("_pv")
    rollover = (delta < 0) & (wrapped >= 0) & (wrapped <= capacity * rollover_fraction)
    first = pl.col("_pv").is_null()
    note = lambda name: pl.lit(notes[name], dtype=pl.UInt8)  # noqa: E731
    return regs.with_columns(
        (
            pl.when(first)
            .then(0.0)
            .when(delta >= 0)
            .then(delta)
            .when(rollover)
            .then(wrapped)
            .otherwise(None)
            / pl.col("_f")
        ).alias("_v"),
        pl.when(first)
        .then(note("register_baseline"))
        .when(rollover)
        .then(note("register_rollover"))
        .otherwise(pl.col("note"))
        .alias("note"),
        pl.when(~first & (delta < 0) & ~rollover)
        .then(pl.lit(reset, dtype=pl.UInt8))
        .otherwise(pl.col("row_reason"))
        .alias("row_reason"),
    )


def _split(regs: pl.LazyFrame, note_split: int) -> pl.LazyFrame:
    """Each interval (previous, this] booked in the months it covers, pro rata by time."""
    end = pl.col("_ts") - _US  # the instant the interval closes, inside it
    first_month = pl.col("_pts").dt.truncate("1mo")
    last_month = end.dt.truncate("1mo")
    spans = pl.col("_pts").is_not_null() & (first_month != last_month) & pl.col("_v").is_not_null()
    whole = regs.filter(~spans.fill_null(False)).with_columns(
        pl.when(pl.col("_pts").is_not_null()).then(end).otherwise(pl.col("_ts")).alias("_tp"),
        pl.lit(1, dtype=pl.UInt32).alias("_n"),
    )
    length = (pl.col("_ts") - pl.col("_pts")).dt.total_microseconds()
    month = pl.col("_month")
    start = pl.max_horizontal(month, pl.col("_pts"))
    stop = pl.min_horizontal(month.dt.offset_by("1mo"), pl.col("_ts"))
    pieces = (
        regs.filter(spans.fill_null(False))
        .with_columns(pl.datetime_ranges(first_month, last_month, interval="1mo").alias("_month"))
        .explode("_month")
        .with_columns(
            (pl.col("_v") * (stop - start).dt.total_microseconds() / length).alias("_v"),
            month.alias("_tp"),
            pl.when(month == last_month)
            .then(pl.lit(1, dtype=pl.UInt32))
            .otherwise(pl.lit(0, dtype=pl.UInt32))
            .alias("_n"),
            pl.when(pl.col("note").is_null())
            .then(pl.lit(note_split, dtype=pl.UInt8))
            .otherwise(pl.col("note"))
            .alias("note"),
        )
        .drop("_month")
    )
    return pl.concat([whole, pieces], how="vertical")


def register_amounts(
    regs: pl.LazyFrame,
    rollover_fraction: float,
    notes: dict[str, int],
    codes: dict[str, int],
) -> pl.LazyFrame:
    """Register rows (valid, with a meter and a time) as interval amounts with their period time.

    ``regs`` carry ``_vc`` (the reading in the canonical unit), ``_f`` (the
    row's unit to canonical) and the sequence keys ``_gc``, ``_gf``, ``_gu``.
    Returns the rows with ``_v`` the consumption of the interval that ends at
    each reading, in the row's own unit (pro-rated pieces for intervals across
    a month boundary), ``_tp`` the instant whose period the amount belongs to,
    and ``_n`` 1 for the piece that stands for the input row (0 for the other
    pieces of a split), so that counts of rows stay counts of input rows.
    """
    regs = regs.sort("_ts", "row_nr").with_columns(_same_time(codes).alias("_dup"))
    repeated = _rejected(regs.filter(pl.col("_dup").is_not_null()), pl.col("_dup"))
    regs = regs.filter(pl.col("_dup").is_null()).with_columns(_misreads().alias("_misread"))
    misread = _rejected(
        regs.filter(pl.col("_misread")), pl.lit(codes["register_misread"], dtype=pl.UInt8)
    )
    good = _deltas(
        regs.filter(~pl.col("_misread")), rollover_fraction, notes, codes["register_reset"]
    )
    pieces = _split(good, notes["register_split"]).drop("_pv", "_pts", "_misread")
    names = pieces.collect_schema().names()
    return pl.concat([pieces, misread.select(names), repeated.select(names)], how="vertical")
