"""The order screen's tables: meter runs joined into segments (numpy) against the polars
window form they replaced, and the straggler batches (whole meters, in file order, bounded)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from carbonacct import _screen

K = _screen.K
BIG = np.iinfo("int64").max


def _reference(meters: pl.DataFrame) -> pl.DataFrame:
    """Segments by polars windows, the form the screen used before (one copy per window)."""
    new = (pl.col(K) != pl.col(K).shift()).fill_null(True)
    seam = pl.when(~pl.col("new")).then(pl.col("first_ts") - pl.col("last_ts").shift())
    m = meters.with_columns(new.alias("new")).with_columns(
        pl.col("new").cum_sum().alias("seg"), seam.alias("seam")
    )
    positive = pl.when(pl.col("seam") > 0).then(pl.col("seam"))
    m = m.with_columns(
        pl.min_horizontal(pl.col("dpos").min().over("seg"), positive.min().over("seg")).alias("d")
    )
    return (
        m.group_by("seg", maintain_order=True)
        .agg(
            *(pl.col(c).first() for c in (K, "first_nr", "first_ts", "d")),
            pl.col("last_nr").last(),
            pl.col("last_ts").last(),
            pl.col("count").sum(),
            pl.min_horizontal(pl.col("dmin").min(), pl.col("seam").min()).alias("dmin"),
            (pl.col("nzero").sum() + (pl.col("seam") == 0).sum()).alias("nzero"),
            (
                pl.col("npos").filter(pl.col("dpos") == pl.col("d")).sum()
                + (pl.col("seam") == pl.col("d")).sum()
            ).alias("npos"),
        )
        .with_columns((pl.col("count").rank("ordinal", descending=True).over(K) == 1).alias("main"))
        .drop("seg")
    )


@st.composite
def meter_runs(draw: st.DrawFn) -> pl.DataFrame:
    """Runs of a few meters as the kernel reports them row group by row group: the same meter
    in consecutive runs (a segment across row groups), meters coming back later (stragglers),
    seams of equal, rising and falling times, single-row runs (no step: BIG)."""
    n = draw(st.integers(0, 40))
    k = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    rows, ts, out = 1, 0, []
    for meter in k:
        count = draw(st.integers(1, 5))
        ts += draw(st.sampled_from([-900, 0, 0, 900, 900, 1800]))
        span = draw(st.sampled_from([0, 900, 1800])) * (count - 1)
        dpos = BIG if count == 1 else draw(st.sampled_from([900, 1800]))
        dmin = BIG if count == 1 else draw(st.sampled_from([-900, 0, 900]))
        out.append(
            {
                K: meter,
                "first_nr": rows,
                "last_nr": rows + count - 1,
                "first_ts": ts,
                "last_ts": ts + span,
                "count": count,
                "dmin": dmin,
                "dpos": dpos,
                "npos": draw(st.integers(0, count - 1)),
                "nzero": draw(st.integers(0, count - 1)),
            }
        )
        rows, ts = rows + count, ts + span
    schema = {c: pl.Int64 for c in ["first_nr", "last_nr", "first_ts", "last_ts", "count"]}
    schema |= {c: pl.Int64 for c in ["dmin", "dpos", "npos", "nzero"]}
    return pl.DataFrame(out, schema={K: pl.UInt64, **schema})


@settings(max_examples=300, deadline=None)
@given(meter_runs())
def test_segments_joined_in_numpy_as_by_polars_windows(meters: pl.DataFrame) -> None:
    segs, steps, seams = _screen._joined(meters)
    want = _reference(meters)
    cols = [K, "first_nr", "last_nr", "first_ts", "last_ts", "count", "main"]
    assert_frame_equal(segs, want.select(cols), check_dtypes=False)
    # the steps of the main segments (the others are judged by their count alone)
    assert_frame_equal(steps, want.filter("main").select(_screen._STEPS), check_dtypes=False)
    # the rows on either side of each seam between equal times
    pairs = meters.with_columns(
        (pl.col("first_ts") - pl.col("last_ts").shift()).alias("seam"),
        pl.col("last_nr").shift().alias("prev"),
        (pl.col(K) == pl.col(K).shift()).alias("same"),
    ).filter(pl.col("same") & (pl.col("seam") == 0))
    assert sorted(seams.tolist()) == sorted(pairs["prev"].to_list() + pairs["first_nr"].to_list())


def test_a_meter_in_three_row_groups_is_one_segment_with_its_steps() -> None:
    # meter 7 read at 0, 900, 1800 | 2700, 3600 | 3600 (a repeated time across the seam), 4500
    meters = pl.DataFrame(
        {
            K: [7, 7, 7],
            "first_nr": [1, 4, 6],
            "last_nr": [3, 5, 7],
            "first_ts": [0, 2700, 3600],
            "last_ts": [1800, 3600, 4500],
            "count": [3, 2, 2],
            "dmin": [900, 900, 900],
            "dpos": [900, 900, 900],
            "npos": [2, 1, 1],
            "nzero": [0, 0, 0],
        },
        schema_overrides={K: pl.UInt64},
    )
    segs, steps, seams = _screen._joined(meters)
    assert segs.height == 1 and segs["main"].to_list() == [True]
    row = segs.hstack(steps).row(0, named=True)
    # 7 rows, steps: 2 + 1 + 1 inside the runs, seams 2700 - 1800 = 900 and 3600 - 3600 = 0
    assert (row["count"], row["first_ts"], row["last_ts"]) == (7, 0, 4500)
    assert (row["d"], row["npos"], row["nzero"], row["dmin"]) == (900, 2 + 1 + 1 + 1, 1, 0)
    assert seams.tolist() == [5, 6]  # the last row of run 2 and the first of run 3


def test_straggler_batches_hold_whole_meters_in_file_order() -> None:
    # meters 1..6, main segments at rows 600, 100, 300, 500, 200, 400; meter 4 is clean.
    # keys per meter: kernel rows + 2 per stray segment
    per = pl.DataFrame(
        {
            K: [1, 2, 3, 4, 5, 6],
            "first_nr": [600, 100, 300, 500, 200, 400],
            "last_nr": [699, 199, 399, 599, 299, 499],
            "how": ["stragglers"] * 3 + ["clean"] + ["stragglers"] * 2,
        },
        schema_overrides={K: pl.UInt64},
    )
    kernel_rows = pl.DataFrame({K: [1] * 3 + [2] * 5 + [3] + [5] * 2 + [6] * 4 + [4] * 9})
    strays = pl.DataFrame({K: [1, 2, 2, 3, 5, 6, 6]})
    kernel_rows, strays = (t.cast({K: pl.UInt64}) for t in (kernel_rows, strays))
    plan = _screen._batches(per, kernel_rows, strays, size=8)
    # in file order: 2 (5 + 4 = 9 keys), 5 (2 + 2 = 4), 3 (1 + 2 = 3), 6 (4 + 4 = 8), 1 (3 + 2)
    # keys before each: 0, 9, 13, 16, 24 -> batches 0, 1, 1, 2, 3 (start // 8)
    assert plan[K].to_list() == [2, 5, 3, 6, 1]
    assert plan["_b"].to_list() == [0, 1, 1, 2, 3]
    of = _screen._batch_of(kernel_rows, plan)
    assert of.to_list() == [3] * 3 + [0] * 5 + [1] + [1] * 2 + [2] * 4 + [None] * 9
