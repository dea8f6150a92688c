"""Invariants of the footprint, checked with hypothesis."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonacct
from carbonacct import footprint
from carbonacct.results import RESULT_COLUMNS

FIRMS = pl.DataFrame({"firm_id": ["A", "B", "C"], "province": ["江苏", "广东", "四川"]})
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# carrier -> units it may be written in, with the factor from the first (canonical) one
UNITS = {
    "electricity": [("kWh", 1.0), ("MWh", 1e-3), ("万kWh", 1e-4), ("千瓦时", 1.0)],
    "diesel": [("t", 1.0), ("kg", 1e3), ("吨", 1.0)],
    "natural_gas": [("Nm3", 1.0), ("万Nm3", 1e-4), ("10^4 Nm3", 1e-4)],
    "heat": [("GJ", 1.0), ("MJ", 1e3), ("吉焦", 1.0)],
}

reading = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(sorted(UNITS)),
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["2022-01", "2022-02", "2022-07", "2023-03", "2023-12"]),
    st.sampled_from(["in", "in", "in", "out"]),
)
# Rows written alike with equal values and no meter id are one reading (the repeat is rejected
# as duplicate_reading, tested in test_footprint); the properties draw distinct rows, so that
# writing a row in another unit never changes which rows are repeats.
batches = st.lists(
    reading, min_size=1, max_size=25, unique_by=lambda r: (r[0], r[1], r[2], r[3], r[4])
)


def frame(rows: list[tuple], unit_choice: list[int] | None = None) -> pl.DataFrame:
    out = []
    for i, (firm, carrier, value, period, flow) in enumerate(rows):
        unit, scale = UNITS[carrier][unit_choice[i] if unit_choice else 0]
        out.append(
            {
                "firm_id": firm,
                "carrier": carrier,
                "value": repr(value * scale),
                "unit": unit,
                "period": period,
                "flow": flow,
            }
        )
    return pl.DataFrame(
        out,
        schema=dict.fromkeys(["firm_id", "carrier", "value", "unit", "period", "flow"], pl.String),
    )


def run(data: pl.DataFrame, period: str = "month") -> pl.DataFrame:
    return footprint(
        data,
        firms=FIRMS,
        method=carbonacct.Method(period=period),
        run=carbonacct.RunOptions(checksum=False),
    ).table.sort("firm_id", "period")


def assert_same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.select("firm_id", "period").equals(b.select("firm_id", "period"))
    for column in RESULT_COLUMNS:
        for x, y in zip(a[column], b[column], strict=True):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-9), column


@SETTINGS
@given(batches, st.data())
def test_unit_invariance(rows: list[tuple], data: st.DataObject) -> None:
    """The same data in kWh, MWh and 万kWh (t and kg, Nm3 and 万Nm3...) gives the same result."""
    choice = [data.draw(st.integers(0, len(UNITS[r[1]]) - 1)) for r in rows]
    assert_same(run(frame(rows)), run(frame(rows, choice)))


@SETTINGS
@given(batches, st.randoms())
def test_order_invariance(rows: list[tuple], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert_same(run(frame(rows)), run(frame(shuffled)))


@SETTINGS
@given(batches)
def test_additivity_over_firms(rows: list[tuple]) -> None:
    """Per-firm results add up to (here: are the rows of) the result of the whole."""
    whole = run(frame(rows))
    parts = [run(frame([r for r in rows if r[0] == firm])) for firm in sorted({r[0] for r in rows})]
    assert_same(whole, pl.concat(parts).sort("firm_id", "period"))


@SETTINGS
@given(batches)
def test_additivity_over_periods(rows: list[tuple]) -> None:
    """Monthly results add up to the yearly ones."""
    monthly = run(frame(rows), "month")
    yearly = run(frame(rows), "year")
    summed = (
        monthly.with_columns(pl.col("period").str.slice(0, 4))
        .group_by("firm_id", "period")
        .agg(pl.col(c).sum() for c in RESULT_COLUMNS)
        .sort("firm_id", "period")
    )
    assert_same(summed, yearly)


junk = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(
        [
            "1",
            "-3",
            "1e309",
            "nan",
            "2023",
            "2023Q5",
            "2023-13",
            "kWh",
            "万Nm3",
            "diesel",
            "电力",
            "A",
            "out",
            "register",
            "2023-01-01 00:00",
        ]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "firm_id": junk,
                "carrier": junk,
                "value": junk,
                "unit": junk,
                "period": junk,
                "timestamp": junk,
                "flow": junk,
                "kind": junk,
                "meter_id": junk,
            }
        ),
        min_size=1,
        max_size=30,
    )
)
def test_rows_in_equal_accounted_plus_rejected(rows: list[dict]) -> None:
    data = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    result = footprint(
        data,
        firms=FIRMS,
        method=carbonacct.Method(period="month"),
        run=carbonacct.RunOptions(checksum=False),
    )
    q = result.quality
    assert q.rows_in == len(rows)
    assert q.rows_in == q.rows_accounted + q.rows_rejected
    assert result.rejects.height == q.rows_rejected
    assert int(result.table["rows"].sum() or 0) == q.rows_accounted
