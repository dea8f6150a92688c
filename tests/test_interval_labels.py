"""Interval labels decided per meter over all its files; where a rejected register reading is counted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct import _interval_labels as labels
from carbonacct import _kernel
from tests.test_kernel import clean_rows, dirty, write

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


def _u1_files(tmp_path: Path, fmt: str) -> list[Path]:
    """The outside tester's U/: meter U1, 3 kWh a quarter hour, end-labelled; January in u1
    (kWh), February in u2 (MWh), March in u3 (万kWh); u1 also holds a late copy of U1's
    2024-02-10 12:00 reading (in kWh)."""
    jan = _intervals("U1", dt.datetime(2024, 1, 1, 0, 15), dt.datetime(2024, 2, 1), 3.0, "kWh")
    late = _intervals("U1", dt.datetime(2024, 2, 10, 12), dt.datetime(2024, 2, 10, 12), 3.0, "kWh")
    feb = _intervals("U1", dt.datetime(2024, 2, 1, 0, 15), dt.datetime(2024, 3, 1), 0.003, "MWh")
    mar = _intervals("U1", dt.datetime(2024, 3, 1, 0, 15), dt.datetime(2024, 4, 1), 0.0003, "万kWh")
    files = []
    for name, frame in (("u1", pl.concat([jan, late])), ("u2", feb), ("u3", mar)):
        path = tmp_path / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.write_parquet(path)
        else:
            frame.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S")).write_csv(path)
        files.append(path)
    return files


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_meter_is_labelled_once_over_all_its_files(tmp_path: Path, fmt: str) -> None:
    # u1 alone (00:15 … 2024-02-10 12:00) shows nothing; U1 over its files runs 01-01 00:15 …
    # 04-01 00:00: end-labelled, so its 02-01 00:00 reading closes January
    result = carbonacct.footprint(_u1_files(tmp_path, fmt), method=METHOD)
    mwh = dict(result.table.select("period", "electricity_in_MWh").iter_rows())
    # January 31 days × 96 = 2976 quarter hours × 3 kWh = 8.928 MWh; February 29 × 96 = 2784
    # × 3 = 8.352 MWh; March 8.928 MWh
    assert mwh == pytest.approx({"2024-01": 8.928, "2024-02": 8.352, "2024-03": 8.928}, rel=1e-12)
    assert result.quality.rejected_by_reason == {"duplicate_reading": 1}  # the late copy
    assert result.completeness is not None
    assert result.completeness["missing"].sum() == 0


def test_files_that_disagree_on_a_meter_are_named_in_one_warning(tmp_path: Path) -> None:
    # M1 in a: 01-01 00:15 … 01-02 00:00 (end-labelled alone); in b: 01-03 00:00 … 23:45
    # (start-labelled alone); together 00:15 … 23:45 show nothing: start, assumed, for all
    a = _intervals("M1", dt.datetime(2024, 1, 1, 0, 15), dt.datetime(2024, 1, 2), 1.0, "kWh")
    b = _intervals("M1", dt.datetime(2024, 1, 3), dt.datetime(2024, 1, 3, 23, 45), 1.0, "kWh")
    a.write_parquet(tmp_path / "a.parquet")
    b.write_parquet(tmp_path / "b.parquet")
    result = carbonacct.footprint([tmp_path / "a.parquet", tmp_path / "b.parquet"], method=METHOD)
    said = [w for w in result.quality.warnings if "opposite interval labels" in w]
    assert len(said) == 1
    assert "meter M1" in said[0] and "a.parquet: end" in said[0] and "b.parquet: start" in said[0]
    assert "taken as labelled by their interval start, assumed" in said[0]
    # 96 + 96 readings of 1 kWh, all in January whichever way
    assert result.table["electricity_in_MWh"].sum() == pytest.approx(0.192, rel=1e-12)


@pytest.mark.parametrize("last_day", [dt.datetime(2024, 1, 31), dt.datetime(2024, 4, 30)])
def test_a_time_of_24_minutes_past_is_not_a_written_24_00(
    tmp_path: Path, last_day: dt.datetime
) -> None:
    # M1 read from 2024-01-01 00:00 to last_day 23:45 (start-labelled: starts at 00:00, ends
    # before it), 1 kWh a quarter hour, plus one reading at 2024-01-15 10:24:00. "10:24:00" ends
    # in "24:00" but is 24 minutes past ten: it must not be taken for a time written 24:00 (which
    # would make M1 end-labelled and book its 01-01 00:00 reading in December 2023). The longer
    # file is over the size parsed once into a typed copy (the kernel's text path)
    quarters = _intervals(
        "M1", dt.datetime(2024, 1, 1), last_day.replace(hour=23, minute=45), 1.0, "kWh"
    )
    odd = _intervals(
        "M1", dt.datetime(2024, 1, 15, 10, 24), dt.datetime(2024, 1, 15, 10, 24), 1.0, "kWh"
    )
    frame = pl.concat([quarters, odd]).with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S")
    )
    frame.write_csv(tmp_path / "m1.csv")
    result = carbonacct.footprint(tmp_path / "m1.csv", method=METHOD)
    kwh = {p: v * 1000 for p, v in result.table.select("period", "electricity_in_MWh").iter_rows()}
    days = (last_day - dt.datetime(2024, 1, 1)).days + 1
    assert sum(kwh.values()) == pytest.approx(days * 96 + 1, rel=1e-12)
    # January: 31 days × 96 quarter hours + the 10:24 reading = 2977 kWh, nothing in 2023
    assert kwh["2024-01"] == pytest.approx(31 * 96 + 1, rel=1e-12)
    assert "2023-12" not in kwh
    assert not any("24:00" in w for w in result.quality.warnings)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), append=st.booleans(), group=st.sampled_from([97, 400, 5000]))
def test_kernel_times_from_meter_runs_equal_a_pass_over_every_row(
    tmp_path: Path, seed: int, append: bool, group: int
) -> None:
    """The kernel takes each (firm, meter)'s first and last accountable time from its meter runs
    when no run's time goes back (copies next to their originals, rejected and meterless rows
    among them), else from every row (copies appended out of order): the same table as
    ``meter_times`` over the accountable rows, row group by row group."""

    rows = dirty(clean_rows(3, 4, 60, seed), seed, append)
    path = write(rows, tmp_path / f"r{seed}-{append}-{group}.parquet", group)
    lut, fast = _kernel._lut("month"), 0
    for g in range(pq.ParquetFile(path).metadata.num_row_groups):
        r = _kernel._read((str(path), g, 0, 1), False, lut)
        meters, _ = _kernel._meter_runs(r.codes["firm_id"], r.codes["meter_id"], r.ts, r.k)
        meterless = None if r.k is None else (r.reason == 0) & (r.codes["meter_id"] < 0)
        got = _kernel._times(
            r, meters, meterless if meterless is not None and meterless.any() else None
        )
        want = labels.meter_times(r.codes, r.ts, _kernel._accountable(r))
        fast += bool((meters["dmin"] >= 0).all())
        keys = ["firm_id", "meter_id", "carrier"]
        assert_frame_equal(pl.DataFrame(got).sort(keys), pl.DataFrame(want).sort(keys))
    if not append:
        assert fast  # the runs' own times were used
