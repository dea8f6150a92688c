"""Interval labels decided per firm and meter: ids such as M1 recur from firm to firm.

The final re-trial's lab/: firm 江苏's meter M1 is end-labelled (01-01 00:15 … 02-01 00:00),
firm 浙江's meter M1 start-labelled (01-01 00:00 … 01-31 23:45), 1 kWh a quarter hour. Decided
by meter id alone the two series together showed nothing (start, assumed), and 江苏's 02-01 00:00
reading was booked in February (2.975 + 0.001 MWh instead of 2.976 in January).
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

JS, ZJ = "91320500HANDJS001X", "91330100HANDZJ001X"
QUARTER_HOUR = dt.timedelta(minutes=15)
METHOD = carbonacct.Method(grid_factor=0.5, period="month")
ZH = {
    "firm_id": "企业代码",
    "meter_id": "表计编号",
    "carrier": "能源品种",
    "timestamp": "时间",
    "value": "数量",
    "unit": "计量单位",
}


def _series(firm: str, meter: str, first: dt.datetime, last: dt.datetime) -> pl.DataFrame:
    times = pl.datetime_range(first, last, QUARTER_HOUR, eager=True, time_unit="us")
    return pl.DataFrame(
        {"firm_id": firm, "meter_id": meter, "carrier": "电力", "timestamp": times}
    ).with_columns(pl.lit(1.0).alias("value"), pl.lit("kWh").alias("unit"))


def _lab() -> tuple[pl.DataFrame, pl.DataFrame]:
    js = _series(JS, "M1", dt.datetime(2024, 1, 1, 0, 15), dt.datetime(2024, 2, 1))
    zj = _series(ZJ, "M1", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31, 23, 45))
    return js, zj


def _write(frame: pl.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:  # Excel's CSV on a Chinese system: GBK, Chinese headers, minutes only
        text = frame.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M")).rename(ZH)
        path.write_bytes(text.write_csv().encode("gbk"))
    return path


def _mwh(result: carbonacct.Footprint) -> dict[tuple[str, str], tuple[float, int]]:
    rows = result.table.select("firm_id", "period", "electricity_in_MWh", "rows").iter_rows()
    return {(f, p): (round(mwh, 9), n) for f, p, mwh, n in rows if mwh is not None}


# each firm: 31 days × 96 = 2976 quarter hours of 1 kWh = 2.976 MWh, all in January
EXPECTED = {(JS, "2024-01"): (2.976, 2976), (ZJ, "2024-01"): (2.976, 2976)}


@pytest.mark.parametrize("layout", ["one file", "folder"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_two_firms_meters_of_one_id_each_labelled_by_its_own_rows(
    tmp_path: Path, layout: str, suffix: str, engine: str
) -> None:
    js, zj = _lab()
    if layout == "one file":
        source: Path = _write(pl.concat([js, zj]), tmp_path / f"lab_one{suffix}")
    else:
        source = tmp_path / "lab"
        source.mkdir()
        _write(js, source / f"js{suffix}")
        _write(zj, source / f"zj{suffix}")
    run = carbonacct.RunOptions(engine=engine)
    result = carbonacct.footprint(source, method=METHOD, run=run)
    assert _mwh(result) == EXPECTED
    # the end-labelled series is said so, by its file or as the meter of its firm
    said = [w for w in result.quality.warnings if "labelled by their interval end" in w]
    assert said and all(("M1 of firm " + JS in w) or ("js" in w) for w in said)


def test_the_kernel_labels_each_firms_meter_itself(tmp_path: Path) -> None:
    # typed Parquet: the fast path applies the per-(firm, meter) label, not the general path
    js, zj = _lab()
    path = _write(pl.concat([js, zj]), tmp_path / "lab_one.parquet")
    parts, source = read_readings(str(path), checksum=False)
    fast = _kernel.try_fast(parts, source, ReadingOptions(period="month"))
    assert fast is not None, "the fast path should apply"
    groups = (
        fast[0].group_by("firm_id", "year", "sub").agg(pl.col("_sum").sum(), pl.col("rows").sum())
    )
    got = {(f, y, s): (v, n) for f, y, s, v, n in groups.sort("firm_id").iter_rows()}
    assert got == {(JS, 2024, 1): (2976.0, 2976), (ZJ, 2024, 1): (2976.0, 2976)}


def _with_stranger(first_at_midnight: bool) -> pl.DataFrame:
    """Firm F's meter M1, start-labelled, 01-01 00:00 … 02-29 23:45; and a few rows of a firm
    not in the firms table, NOBODY, that reuse the id M1 at times that, taken alone, show the
    other label (first after 00:00, last at 00:00)."""
    f = _series("F", "M1", dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 29, 23, 45))
    times = [dt.datetime(2024, 1, 5, 3, 15), dt.datetime(2024, 1, 20, 12), dt.datetime(2024, 2, 1)]
    if first_at_midnight:
        times[0] = dt.datetime(2024, 1, 5)
    stray = pl.DataFrame(
        {"firm_id": "NOBODY", "meter_id": "M1", "carrier": "电力", "timestamp": times},
        schema_overrides={"timestamp": pl.Datetime("us")},
    ).with_columns(pl.lit(5.0).alias("value"), pl.lit("kWh").alias("unit"))
    # scattered through F's rows, as a spoiled export has them
    return pl.concat(
        [f.slice(0, 500), stray.slice(0, 1), f.slice(500, 3000), stray.slice(1), f.slice(3500)]
    )


def test_a_strangers_rows_that_reuse_a_meter_id_keep_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.parquet"
    _with_stranger(first_at_midnight=False).write_parquet(path, row_group_size=1000)
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name,province,sector\nF,f,江苏省,3391\n", encoding="utf-8")
    parts, source = read_readings(str(path), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions(period="month")) is not None
    fast = carbonacct.footprint(path, firms=firms, method=METHOD)
    with monkeypatch.context() as m:
        m.setattr(_kernel, "try_fast", lambda *a, **k: None)
        slow = carbonacct.footprint(path, firms=firms, method=METHOD)
    # F's M1: January 31 × 96 = 2976 kWh, February 29 × 96 = 2784 kWh, start-labelled
    assert _mwh(fast) == {("F", "2024-01"): (2.976, 2976), ("F", "2024-02"): (2.784, 2784)}
    assert _mwh(slow) == _mwh(fast)
    assert fast.quality.rejected_by_reason == {"unknown_firm": 3}
    assert fast.quality == slow.quality
    assert fast.rejects["period"].to_list() == slow.rejects["period"].to_list()
    labels = fast.provenance["inputs"]["readings"]["interval_labels"]
    assert labels == slow.provenance["inputs"]["readings"]["interval_labels"]
    # the stranger's rows take no part in the labels: nothing named labelled the other way
    assert not [w for w in fast.quality.warnings if "NOBODY" in w and "label" in w]


@pytest.mark.parametrize("check", [True, False])
def test_rejected_rows_do_not_decide_a_meters_label(tmp_path: Path, check: bool) -> None:
    # M1 start-labelled (01-01 00:00 … 01-31 23:45), plus two rows with a negative value, at
    # 2023-12-31 12:15 and 2024-02-01 00:00: rejected on their own, they have no say in the
    # label. Taken with them, M1 would run 12:15 … 00:00 and read as end-labelled, and its
    # 01-01 00:00 reading would be booked in December 2023
    m1 = _series("F", "M1", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31, 23, 45))
    bad = pl.concat(
        [
            _series("F", "M1", t, t)
            for t in (dt.datetime(2023, 12, 31, 12, 15), dt.datetime(2024, 2, 1))
        ]
    ).with_columns(pl.lit(-1.0).alias("value"))
    path = tmp_path / "r.parquet"
    pl.concat([bad.head(1), m1, bad.tail(1)]).write_parquet(path)
    method = carbonacct.Method(grid_factor=0.5, period="month", check_duplicates=check)
    result = carbonacct.footprint(path, method=method)
    accepted = {k: v for k, v in _mwh(result).items() if v[1]}
    assert accepted == {("F", "2024-01"): (2.976, 2976)}  # 31 × 96 quarter hours of 1 kWh
    assert result.quality.rejected_by_reason == {"negative_value": 2}
    labels = result.provenance["inputs"]["readings"]["interval_labels"]
    assert list(labels.values()) == [
        "start (detected (data starts at 00:00 and ends before 00:00))"
    ]
    assert not [w for w in result.quality.warnings if "labelled by their interval end" in w]


def test_spoiled_data_with_strangers_keeps_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the benchmark's spoiled set in small: 10 % of rows spoiled as the generator spoils them
    # (negative, missing and text values, unknown carriers, units of another dimension, copies
    # appended), plus rows of firms the firms table does not know, scattered, reusing the real
    # meter ids at times of their own. Every label is decided in the kernel, as on one machine
    import numpy as np

    from carbonacct.synth import _spoil

    frames = [
        _series(f"F{f}", f"M{m}", dt.datetime(2024, 1, 30), dt.datetime(2024, 2, 1, 23, 45))
        for f in range(3)
        for m in range(3)
    ]
    data = pl.concat(frames).with_columns(pl.col("value").cast(pl.String))
    data, _ = _spoil(data, np.random.default_rng(3), 0.1)
    data = data.with_columns(pl.col("value").cast(pl.Float64, strict=False))
    rng = np.random.default_rng(4)
    at = np.sort(rng.choice(data.height, 40, replace=False))
    strays = data[at.tolist()].with_columns(
        pl.lit("NOBODY").alias("firm_id"),
        # quarter hours after midnight and midnights: a stranger's series shows either label
        (pl.col("timestamp") + pl.duration(minutes=15 * (pl.int_range(pl.len()) % 5))),
    )
    data = pl.concat([data, strays]).sample(fraction=1.0, shuffle=False)
    path = tmp_path / "spoiled.parquet"
    data.write_parquet(path, row_group_size=300)
    firms = tmp_path / "firms.csv"
    firms.write_text(
        "firm_id,name,province,sector\n" + "".join(f"F{f},f,江苏省,3391\n" for f in range(3)),
        encoding="utf-8",
    )
    parts, source = read_readings(str(path), checksum=False)
    options = ReadingOptions(period="month", firms=frozenset({"F0", "F1", "F2"}))
    assert _kernel.try_fast(parts, source, options) is not None
    fast = carbonacct.footprint(path, firms=firms, method=METHOD)
    with monkeypatch.context() as m:
        m.setattr(_kernel, "try_fast", lambda *a, **k: None)
        slow = carbonacct.footprint(path, firms=firms, method=METHOD)
    assert _mwh(fast) == _mwh(slow)
    assert fast.quality == slow.quality
    assert fast.rejects.filter(pl.col("firm_id") == "NOBODY").height == 40  # each stray
    assert fast.quality.rejected_by_reason["unknown_firm"] > 30  # most for their firm alone
    labels = fast.provenance["inputs"]["readings"]["interval_labels"]
    assert labels == slow.provenance["inputs"]["readings"]["interval_labels"]
    assert "NOBODY" not in str(labels)


def test_a_large_gbk_csv_is_labelled_per_firms_meter_by_the_kernel(tmp_path: Path) -> None:
    # two months of the trial's case in one GBK CSV with Chinese headers, large enough to be
    # parsed once into a scratch copy the kernel reads
    from carbonacct._kernel_inputs import parsed_parts
    from carbonacct.io._tables import PARSE_ONCE_ROWS

    js = _series(JS, "M1", dt.datetime(2024, 1, 1, 0, 15), dt.datetime(2024, 3, 1))
    zj = _series(ZJ, "M1", dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 29, 23, 45))
    assert js.height + zj.height >= PARSE_ONCE_ROWS
    path = _write(pl.concat([js, zj]), tmp_path / "lab.csv")
    parts, source = read_readings(str(path), checksum=False)
    parts = parsed_parts(parts, "Asia/Shanghai")  # as the footprint does before the kernel
    assert _kernel.try_fast(parts, source, ReadingOptions(period="month")) is not None
    result = carbonacct.footprint(path, method=METHOD)
    # January 31 × 96 = 2976 quarter hours of 1 kWh, February 29 × 96 = 2784, for each firm
    assert _mwh(result) == {
        (JS, "2024-01"): (2.976, 2976),
        (JS, "2024-02"): (2.784, 2784),
        (ZJ, "2024-01"): (2.976, 2976),
        (ZJ, "2024-02"): (2.784, 2784),
    }
