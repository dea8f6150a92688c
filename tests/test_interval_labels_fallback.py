"""A series whose own rows show no interval label: labelled
by start (assumed), and named in a warning; never by another firm's rows, so the figures do not
depend on which rows share a file. And a series that writes midnight both as 00:00 and as 24:00.

Trial 25's fallback.csv: firm FA's meter M1 is end-labelled (2024-01-31 00:15 … 24:00); firm FB's
meter M2 runs 01-31 08:00 … 02-01 07:45, 1 kWh a quarter hour and 1000 kWh at 02-01 00:00: its
times show no label. In one file FB took the file's label (end, from FA's 24:00) and booked the
1000 kWh in January; as two files, in February.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import _kernel
from carbonacct.io import read_readings
from carbonacct.readings import ReadingOptions

QUARTER_HOUR = dt.timedelta(minutes=15)
METHOD = carbonacct.Method(grid_factor=0.5, period="month")
FIRMS = "firm_id,name,province,sector\nFA,甲,江苏省,3391\nFB,乙,江苏省,3391\n"


def _series(firm: str, meter: str, first: dt.datetime, last: dt.datetime) -> pl.DataFrame:
    times = pl.datetime_range(first, last, QUARTER_HOUR, eager=True, time_unit="us")
    return pl.DataFrame(
        {"firm_id": firm, "meter_id": meter, "carrier": "电力", "timestamp": times}
    ).with_columns(pl.lit(1.0).alias("value"), pl.lit("kWh").alias("unit"))


def _fa_end() -> pl.DataFrame:
    """FA's M1, end-labelled: 2024-01-31 00:15 … 02-01 00:00 (written 01-31 24:00 as text)."""
    return _series("FA", "M1", dt.datetime(2024, 1, 31, 0, 15), dt.datetime(2024, 2, 1))


def _fb(meter: str = "M2") -> pl.DataFrame:
    """FB's meter, 01-31 08:00 … 02-01 07:45, 1 kWh each but 1000 kWh at 02-01 00:00."""
    s = _series("FB", meter, dt.datetime(2024, 1, 31, 8), dt.datetime(2024, 2, 1, 7, 45))
    at = pl.col("timestamp") == dt.datetime(2024, 2, 1)
    return s.with_columns(pl.when(at).then(1000.0).otherwise(pl.col("value")).alias("value"))


def _text(frame: pl.DataFrame) -> pl.DataFrame:
    """Times as an export writes them: minutes only, a midnight that ends a day as 24:00 where
    ``frame`` says so (column ``w24``), else 00:00 of the next day."""
    w24 = pl.col("w24") if "w24" in frame.columns else pl.lit(False)
    day_before = (pl.col("timestamp") - dt.timedelta(days=1)).dt.strftime("%Y-%m-%d 24:00")
    written = (
        pl.when(w24).then(day_before).otherwise(pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M"))
    )
    return frame.with_columns(written.alias("timestamp")).drop("w24", strict=False)


def _write(frame: pl.DataFrame, path: Path, text_times: bool) -> Path:
    if path.suffix == ".csv":  # Excel's CSV on a Chinese system: GBK
        path.write_bytes(_text(frame).write_csv().encode("gbk"))
    else:
        (_text(frame) if text_times else frame.drop("w24", strict=False)).write_parquet(path)
    return path


def _with_24(frame: pl.DataFrame, at: dt.datetime) -> pl.DataFrame:
    return frame.with_columns((pl.col("timestamp") == at).alias("w24"))


def _mwh(result: carbonacct.Footprint) -> dict[tuple[str, str], float]:
    rows = result.table.select("firm_id", "period", "electricity_in_MWh").iter_rows()
    return {(f, p): round(mwh, 9) for f, p, mwh in rows if mwh is not None}


def _firms(tmp_path: Path) -> Path:
    path = tmp_path / "firms.csv"
    path.write_text(FIRMS, encoding="utf-8")
    return path


# FA: 01-31 00:15 … 02-01 00:00, end-labelled: 96 kWh in January.
# FB's M2 by start (assumed): January 01-31 08:00 … 23:45 = 16 h × 4 = 64 kWh; February
# 02-01 00:00 … 07:45 = 32 readings = 31 + 1000 = 1031 kWh.
START = {("FA", "2024-01"): 0.096, ("FB", "2024-01"): 0.064, ("FB", "2024-02"): 1.031}


def _fallback(tmp_path: Path, layout: str, suffix: str, fb: pl.DataFrame) -> Path:
    fa = _with_24(_fa_end(), dt.datetime(2024, 2, 1))
    if layout == "one file":
        return _write(
            pl.concat([fa, fb.with_columns(pl.lit(False).alias("w24"))]),
            tmp_path / f"f{suffix}",
            True,
        )
    folder = tmp_path / "split"
    folder.mkdir()
    _write(fa, folder / f"a{suffix}", True)
    _write(fb, folder / f"b{suffix}", True)
    return folder


@pytest.mark.parametrize("layout", ["one file", "folder"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_a_series_that_shows_no_label_does_not_take_another_firms(
    tmp_path: Path, layout: str, suffix: str, engine: str
) -> None:
    source = _fallback(tmp_path, layout, suffix, _fb())
    run = carbonacct.RunOptions(engine=engine)
    result = carbonacct.footprint(source, firms=_firms(tmp_path), method=METHOD, run=run)
    assert _mwh(result) == START
    said = [w for w in result.quality.warnings if "M2 of firm FB" in w and "show no" in w]
    assert len(said) == 1 and "start (assumed)" in said[0], result.quality.warnings


@pytest.mark.parametrize("layout", ["one file", "folder"])
def test_the_kernel_does_not_lend_a_firms_label_to_another(tmp_path: Path, layout: str) -> None:
    # typed Parquet: FA's M1 shows end by its first and last times (00:15 … 00:00)
    fa, fb = _fa_end(), _fb()
    if layout == "one file":
        source = tmp_path / "f.parquet"
        pl.concat([fa, fb]).write_parquet(source)
    else:
        source = tmp_path / "split"
        source.mkdir()
        fa.write_parquet(source / "a.parquet")
        fb.write_parquet(source / "b.parquet")
    parts, src = read_readings(str(source), checksum=False)
    fast = _kernel.try_fast(parts, src, ReadingOptions(period="month"))
    assert fast is not None, "the fast path should apply"
    groups = fast[0].group_by("firm_id", "sub").agg(pl.col("_sum").sum())
    got = {(f, s): v for f, s, v in groups.sort("firm_id", "sub").iter_rows()}
    assert got == {("FA", 1): 96.0, ("FB", 1): 64.0, ("FB", 2): 1031.0}
    result = carbonacct.footprint(source, firms=_firms(tmp_path), method=METHOD)
    assert _mwh(result) == START
    assert any("M2 of firm FB" in w and "start (assumed)" in w for w in result.quality.warnings)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_series_that_shows_no_label_is_start_even_beside_its_firms_end_meter(
    tmp_path: Path, suffix: str
) -> None:
    # FB also has M3, end-labelled (01-31 00:15 … 02-01 00:00, 1 kWh each: 96 kWh in January).
    # M2 shows nothing of its own, so it is start-labelled (assumed), as the README says: a
    # daily meter read at 00:00 beside an end-labelled electricity meter of its firm shows
    # nothing either (final re-check: borrowing the firm's label booked its 01-01 reading in
    # December). January: M2 01-31 08:00 … 23:45 (64 kWh) + M3's 96; February: M2's 02-01
    # 00:00 (1000 kWh) + 00:15 … 07:45 (31 kWh) = 1031 kWh
    m3 = _series("FB", "M3", dt.datetime(2024, 1, 31, 0, 15), dt.datetime(2024, 2, 1))
    fb = pl.concat([_fb(), m3]).with_columns(pl.lit(False).alias("w24"))
    source = _fallback(tmp_path, "folder", suffix, fb)
    result = carbonacct.footprint(source, firms=_firms(tmp_path), method=METHOD)
    assert _mwh(result) == {
        ("FA", "2024-01"): 0.096,
        ("FB", "2024-01"): round(0.064 + 0.096, 9),
        ("FB", "2024-02"): round(1.0 + 0.031, 9),
    }
    said = [w for w in result.quality.warnings if "M2 of firm FB" in w and "show no" in w]
    assert len(said) == 1 and "start (assumed)" in said[0]


def test_on_dask_a_series_takes_no_other_firms_label(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    source = _fallback(tmp_path, "one file", ".parquet", _fb())
    other = tmp_path / "split"
    other.mkdir()
    _write(_with_24(_fa_end(), dt.datetime(2024, 2, 1)), other / "a.parquet", True)
    _write(_fb(), other / "b.parquet", True)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = carbonacct.RunOptions(engine="dask", client=client, checksum=False)
        for s in (source, other):
            result = carbonacct.footprint(s, firms=_firms(tmp_path), method=METHOD, run=run)
            assert _mwh(result) == START
            assert any("M2 of firm FB" in w for w in result.quality.warnings)


# trial 25's stray.csv: FA's M1, 2024-01-01 00:00 … 01-02 23:45, 1 kWh each, with the midnight
# 01-02 00:00 written "2024-01-01 24:00": start-labelled by its first and last times; the 24:00
# is 01-02 00:00. Before, the one 24:00 made it end-labelled and 01-01 00:00 went to December.
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_a_series_that_writes_midnight_both_ways_is_said_and_decided_by_its_times(
    tmp_path: Path, suffix: str, engine: str
) -> None:
    m1 = _series("FA", "M1", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2, 23, 45))
    path = _write(_with_24(m1, dt.datetime(2024, 1, 2)), tmp_path / f"stray{suffix}", True)
    run = carbonacct.RunOptions(engine=engine)
    result = carbonacct.footprint(path, firms=_firms(tmp_path), method=METHOD, run=run)
    assert _mwh(result) == {("FA", "2024-01"): 0.192}  # 2 days × 96, all in January
    said = [w for w in result.quality.warnings if "M1 of firm FA" in w and "both" in w]
    assert len(said) == 1 and "interval start" in said[0], result.quality.warnings


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_firm_not_in_the_firms_table_borrows_no_label(tmp_path: Path, suffix: str) -> None:
    # FZ (not in the firms table): 01-01 00:00 … 01-01 23:45, start-labelled by its own times,
    # in one file with FA's end-labelled M1: its rows are rejected, in January, not December
    fz = _series("FZ", "E1", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 23, 45))
    fa = _with_24(_fa_end(), dt.datetime(2024, 2, 1))
    path = _write(
        pl.concat([fa, fz.with_columns(pl.lit(False).alias("w24"))]), tmp_path / f"z{suffix}", True
    )
    result = carbonacct.footprint(path, firms=_firms(tmp_path), method=METHOD)
    assert _mwh(result) == {("FA", "2024-01"): 0.096}
    assert result.quality.rejected_by_reason == {"unknown_firm": 96}
    assert set(result.rejects["period"].to_list()) == {"2024-01"}
    assert not [w for w in result.quality.warnings if "FZ" in w and "label" in w]
    typed = tmp_path / "z_typed.parquet"
    pl.concat([_fa_end(), fz]).write_parquet(typed)
    parts, src = read_readings(str(typed), checksum=False)
    assert _kernel.try_fast(parts, src, ReadingOptions(period="month")) is not None
    result = carbonacct.footprint(typed, firms=_firms(tmp_path), method=METHOD)
    assert set(result.rejects["period"].to_list()) == {"2024-01"}
    assert ("FZ", "2023-12") not in set(result.table.select("firm_id", "period").iter_rows())
