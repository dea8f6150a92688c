"""Interval labels decided per meter over all its files; where a rejected register reading is counted."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import carbonacct

METHOD = carbonacct.Method(grid_factor=0.5, period="month")
QUARTER_HOUR = dt.timedelta(minutes=15)


def _intervals(
    meter: str, first: dt.datetime, last: dt.datetime, value: float, unit: str
) -> pl.DataFrame:
    times = pl.datetime_range(first, last, QUARTER_HOUR, eager=True)
    return pl.DataFrame(
        {
            "firm_id": "F",
            "meter_id": meter,
            "carrier": "电力",
            "timestamp": times,
            "value": value,
            "unit": unit,
            "kind": "interval",
        }
    )


def _registers(times: list[dt.datetime], values: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": "F",
            "meter_id": "G1",
            "carrier": "电力",
            "timestamp": times,
            "value": values,
            "unit": "kWh",
            "kind": "register",
        }
    )


def _rejected_by_month(result: carbonacct.Footprint) -> dict[str, int]:
    return dict(result.table.select("period", "rows_rejected").iter_rows())


@pytest.mark.parametrize("with_intervals", [False, True])
def test_a_rejected_register_reading_counts_in_the_month_it_closes(with_intervals: bool) -> None:
    # register G1: 0 on 01-01, a conflicting pair (3100 and 3200) at 02-01 00:00, 6000 on 03-01.
    # An accepted reading at 02-01 00:00 closes January, so the rejected pair counts there too,
    # whether or not the file also holds (end-labelled) interval readings
    regs = _registers(
        [
            dt.datetime(2024, 1, 1),
            dt.datetime(2024, 2, 1),
            dt.datetime(2024, 2, 1),
            dt.datetime(2024, 3, 1),
        ],
        [0.0, 3100.0, 3200.0, 6000.0],
    )
    frame = regs
    if with_intervals:  # 00:15 … 00:00: detected end-labelled
        e9 = _intervals("E9", dt.datetime(2024, 1, 31, 0, 15), dt.datetime(2024, 2, 2), 10.0, "kWh")
        frame = pl.concat([e9, regs])
    result = carbonacct.footprint(frame, method=METHOD)
    assert result.quality.rejected_by_reason == {"conflicting_duplicate": 2}
    assert _rejected_by_month(result) == {"2024-01": 2, "2024-02": 0}
    assert result.rejects["period"].to_list() == ["2024-01", "2024-01"]
