"""Footprint and check on a Dask LocalCluster equal the single-machine results."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct.results import RESULT_COLUMNS
from carbonacct.synth import generate

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth")
    generate(
        path,
        firms=24,
        meters_per_firm=2,
        interval="1h",
        year=2024,
        seed=3,
        firms_per_part=3,
        bad_fraction=5e-4,
    )
    return path


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


NO_CHECKSUM = carbonacct.RunOptions(checksum=False)


def on_cluster(client: object) -> carbonacct.RunOptions:
    return carbonacct.RunOptions(engine="dask", client=client, checksum=False)


def same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    a, b = a.sort("firm_id", "period"), b.sort("firm_id", "period")
    assert a.select("firm_id", "period").equals(b.select("firm_id", "period"))
    for column in (*RESULT_COLUMNS, "rows", "rows_rejected"):
        for x, y in zip(a[column], b[column], strict=True):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-9), column


def test_footprint_on_the_cluster_equals_one_machine(dataset: Path, client) -> None:  # type: ignore[no-untyped-def]
    kw = {"firms": dataset / "firms.csv", "method": carbonacct.Method(period="month")}
    local = carbonacct.footprint(dataset / "readings", run=NO_CHECKSUM, **kw)
    dask = carbonacct.footprint(dataset / "readings", run=on_cluster(client), **kw)
    same(local.table, dask.table)
    assert dask.quality.rows_in == local.quality.rows_in
    assert dask.quality.rejected_by_reason == local.quality.rejected_by_reason
    assert (
        len(list((dataset / "readings").rglob("*.parquet"))) == 8
    )  # eight partitions, eight tasks


def test_check_on_the_cluster(dataset: Path, client) -> None:  # type: ignore[no-untyped-def]
    kw = {
        "firms": dataset / "firms.csv",
        "activity": dataset / "activity.csv",
        "method": carbonacct.Method(period="year"),
    }
    local = carbonacct.footprint(dataset / "readings", run=NO_CHECKSUM, **kw)
    dask = carbonacct.footprint(dataset / "readings", run=on_cluster(client), **kw)
    firms = pl.read_csv(dataset / "firms.csv")
    a = carbonacct.check(firms, footprint=local, pathways=["cn-2024-annual"])
    b = carbonacct.check(firms, footprint=dask, pathways=["cn-2024-annual"])
    assert a.results.select("firm_id", "status").equals(b.results.select("firm_id", "status"))
    # energy sums differ in the last float digits with the summation order
    assert a.summary.drop("energy_tce", "energy_share_breach").equals(
        b.summary.drop("energy_tce", "energy_share_breach")
    )


def test_a_lost_worker_is_retried(dataset: Path) -> None:
    import threading

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        kw = {"firms": dataset / "firms.csv", "method": carbonacct.Method(period="month")}
        expected = carbonacct.footprint(dataset / "readings", run=NO_CHECKSUM, **kw).table
        result: dict[str, object] = {}

        def run() -> None:
            result["table"] = carbonacct.footprint(
                dataset / "readings", run=on_cluster(c), **kw
            ).table

        thread = threading.Thread(target=run)
        thread.start()
        killed = None
        deadline = time.monotonic() + 30
        while killed is None and time.monotonic() < deadline:  # kill a worker while it has tasks
            busy = [w for w, tasks in c.processing().items() if tasks]
            if busy:
                killed = busy[0]
                try:
                    c.run(os._exit, 1, workers=[killed])
                except Exception:  # the worker dies before it can answer
                    pass
            time.sleep(0.005)
        thread.join(timeout=120)
        assert killed is not None and "table" in result
        assert killed not in c.scheduler_info()["workers"]  # it really went away
        same(expected, result["table"])  # type: ignore[arg-type]
    cluster.close()


def test_a_bad_partition_is_reported_with_its_path(dataset: Path, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    copy = tmp_path / "readings"
    shutil.copytree(dataset / "readings", copy)
    bad = sorted(copy.rglob("*.parquet"))[2]
    bad.write_bytes(b"not a parquet file")
    with pytest.raises(carbonacct.InputError) as info:
        carbonacct.footprint(
            copy,
            firms=dataset / "firms.csv",
            run=carbonacct.RunOptions(engine="dask", client=client, checksum=False),
        )
    assert str(bad) in str(info.value)


def test_a_hive_layout_with_chinese_headers_and_duplicates(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    # firm=…/ partitions as the README recommends: the firm is in the path, not in the files;
    # the files have Chinese headers; F2 has one identical and one conflicting duplicate
    import datetime as dt

    times = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=h) for h in range(48)]
    for firm, extra in (("F1", []), ("F2", [(3, 1.0), (5, 9.0)])):
        values = [1.0] * len(times)
        ts = list(times) + [times[i] for i, _ in extra]
        vs = values + [v for _, v in extra]
        part = tmp_path / "readings" / f"firm={firm}"
        part.mkdir(parents=True)
        pl.DataFrame(
            {
                "表计编号": ["M1"] * len(ts),
                "能源品种": ["电力"] * len(ts),
                "采集时间": ts,
                "数量": vs,
                "计量单位": ["kWh"] * len(ts),
            }
        ).write_parquet(part / "0.parquet")
    method = carbonacct.Method(grid_factor=0.5, period="month")
    local = carbonacct.footprint(tmp_path / "readings", method=method, run=NO_CHECKSUM)
    dask = carbonacct.footprint(tmp_path / "readings", method=method, run=on_cluster(client))
    same(local.table, dask.table)
    # F2: 48 readings + an identical copy (rejected) + a conflicting one (both rows rejected)
    assert dask.quality.rejected_by_reason == {"duplicate_reading": 1, "conflicting_duplicate": 2}
    assert dask.quality.rejected_by_reason == local.quality.rejected_by_reason
    got = dask.rejects.select("file", "row", "reject_reason").sort("file", "row").rows()
    f2 = str(tmp_path / "readings" / "firm=F2" / "0.parquet")
    # row 49 repeats row 4 (03:00, 1 kWh): identical; row 50 gives 05:00 (row 6) another value
    assert got == [
        (f2, 6, "conflicting_duplicate"),
        (f2, 49, "duplicate_reading"),
        (f2, 50, "conflicting_duplicate"),
    ]
    # F1: 48 kWh; F2: 47 kWh accounted (the 05:00 reading and its conflicting copy rejected)
    by_firm = dict(zip(dask.table["firm_id"], dask.table["electricity_in_MWh"], strict=True))
    assert by_firm == {"F1": pytest.approx(0.048), "F2": pytest.approx(0.047)}


def _split_by_row(rows: dict[str, list], path: Path, cuts: list[int]) -> Path:
    """One meter's readings written as several files cut by row, as the outside tester did."""
    path.mkdir()
    frame = pl.DataFrame(rows)
    for i, (a, b) in enumerate(zip([0, *cuts], [*cuts, frame.height], strict=True)):
        frame.slice(a, b - a).write_parquet(path / f"split_{i}.parquet")
    return path


def test_a_meter_spread_over_files_by_row_gets_the_one_machine_result(
    tmp_path: Path, client
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    times = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=h) for h in range(12)]
    # 12 hourly readings of 10 kWh; the last file repeats the first reading (identical) and
    # gives 05:00 another value (a conflicting pair in different files)
    ts = [*times, times[0], times[5]]
    vs = [10.0] * 12 + [10.0, 99.0]
    rows = {
        "firm_id": ["F"] * len(ts),
        "meter_id": ["M1"] * len(ts),
        "carrier": ["电力"] * len(ts),
        "timestamp": ts,
        "value": vs,
        "unit": ["kWh"] * len(ts),
    }
    path = _split_by_row(rows, tmp_path / "ds", cuts=[5, 10])
    method = carbonacct.Method(grid_factor=0.5, period="month")
    local = carbonacct.footprint(path, method=method, run=NO_CHECKSUM)
    dask = carbonacct.footprint(path, method=method, run=on_cluster(client))
    same(local.table, dask.table)
    assert dask.quality.rejected_by_reason == {"duplicate_reading": 1, "conflicting_duplicate": 2}
    assert dask.quality.rejected_by_reason == local.quality.rejected_by_reason
    # 11 readings of 10 kWh kept (05:00 and its copy rejected): 0.110 MWh
    assert dask.table["electricity_in_MWh"].item() == pytest.approx(0.110, rel=1e-12)
    assert_frame_equal(dask.rejects, local.rejects)
    # without the check the spread meter needs no second pass: 14 rows summed alike
    off = carbonacct.Method(grid_factor=0.5, period="month", check_duplicates=False)
    same(
        carbonacct.footprint(path, method=off, run=NO_CHECKSUM).table,
        carbonacct.footprint(path, method=off, run=on_cluster(client)).table,
    )


def test_a_register_spread_over_partitions_is_an_error(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    rows = {
        "firm_id": ["F"] * 3,
        "meter_id": ["R1"] * 3,
        "carrier": ["电力"] * 3,
        "timestamp": [dt.datetime(2024, m, 1) for m in (1, 2, 3)],
        "value": [10000.0, 12000.0, 15000.0],
        "unit": ["kWh"] * 3,
        "kind": ["register"] * 3,
    }
    path = _split_by_row(rows, tmp_path / "ds", cuts=[2])
    with pytest.raises(carbonacct.InputError, match=r"register meter R1 of F .*2 partitions"):
        carbonacct.footprint(
            path, method=carbonacct.Method(grid_factor=0.5), run=on_cluster(client)
        )


def test_a_folder_whose_files_differ_in_timestamp_type_gets_the_one_machine_result(
    tmp_path: Path, client
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    # three exporters: Datetime ms, Datetime µs UTC (00:00 local = 16:00 UTC the day before), ns;
    # hours 0-3, 4-7 and 8-11 of 10 kWh, the last file repeating 00:00 (identical) and 05:00
    # (99 kWh, conflicting) from the other files
    times = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=h) for h in range(12)]
    folder = tmp_path / "dk3"
    folder.mkdir()

    def frame(ts: list[dt.datetime], vs: list[float]) -> pl.DataFrame:
        n = len(ts)
        return pl.DataFrame(
            {"firm_id": ["F"] * n, "meter_id": ["M1"] * n, "carrier": ["电力"] * n}
            | {"timestamp": ts, "value": vs, "unit": ["kWh"] * n}
        )

    frame(times[:4], [10.0] * 4).with_columns(
        pl.col("timestamp").dt.cast_time_unit("ms")
    ).write_parquet(folder / "a.parquet")
    frame(times[4:8], [10.0] * 4).with_columns(
        (pl.col("timestamp") - pl.duration(hours=8)).dt.replace_time_zone("UTC")
    ).write_parquet(folder / "b.parquet")
    frame([*times[8:], times[0], times[5]], [10.0] * 4 + [10.0, 99.0]).with_columns(
        pl.col("timestamp").dt.cast_time_unit("ns")
    ).write_parquet(folder / "c.parquet")
    method = carbonacct.Method(grid_factor=0.5, period="month")
    listed = carbonacct.footprint(
        sorted(str(f) for f in folder.glob("*.parquet")), method=method, run=NO_CHECKSUM
    )
    local = carbonacct.footprint(folder, method=method, run=NO_CHECKSUM)
    dask = carbonacct.footprint(folder, method=method, run=on_cluster(client))
    same(listed.table, local.table)
    same(local.table, dask.table)
    expected = {"duplicate_reading": 1, "conflicting_duplicate": 2}
    assert dask.quality.rejected_by_reason == local.quality.rejected_by_reason == expected
    # 11 readings of 10 kWh kept (05:00 and its copy rejected): 0.110 MWh
    assert dask.table["electricity_in_MWh"].item() == pytest.approx(0.110, rel=1e-12)


def test_rejected_register_readings_are_listed_on_the_cluster(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    # the outside tester's shape: end-labelled interval readings (00:15 … 00:00) in one file,
    # a registers-only file whose conflicting pair sits at 00:00 on the 1st
    path = tmp_path / "ds"
    path.mkdir()
    times = [dt.datetime(2024, 2, 28, 1) + dt.timedelta(hours=h) for h in range(48)]
    pl.DataFrame(
        {
            "firm_id": "F",
            "meter_id": "E1",
            "carrier": "电力",
            "timestamp": times,
            "value": 10.0,
            "unit": "kWh",
            "kind": "interval",
        }
    ).write_parquet(path / "f1.parquet")
    pl.DataFrame(
        {
            "firm_id": "F",
            "meter_id": "G1",
            "carrier": "天然气",
            "timestamp": [dt.datetime(2024, m, 1) for m in (1, 2, 3, 3)],
            "value": [100000.0, 103100.0, 105000.0, 105500.0],
            "unit": "Nm3",
            "kind": "register",
        }
    ).write_parquet(path / "f2.parquet")
    method = carbonacct.Method(grid_factor=0.5, period="month")
    local = carbonacct.footprint(path, method=method, run=NO_CHECKSUM)
    dask = carbonacct.footprint(path, method=method, run=on_cluster(client))
    assert dask.quality.rejected_by_reason == {"conflicting_duplicate": 2}
    assert dask.rejects.height == dask.quality.rows_rejected == 2
    assert dask.rejects["row"].to_list() == [3, 4]  # f2 rows 3 and 4
    assert_frame_equal(dask.rejects, local.rejects)
    off = carbonacct.Method(grid_factor=0.5, period="month", check_duplicates=False)
    dask_off = carbonacct.footprint(path, method=off, run=on_cluster(client))
    assert dask_off.rejects.height == dask_off.quality.rows_rejected == 2


def _quarter_hours(firm: str, meter: str, first: str, last: str, value: float, unit: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    times = pl.datetime_range(
        dt.datetime.fromisoformat(first),
        dt.datetime.fromisoformat(last),
        dt.timedelta(minutes=15),
        eager=True,
        time_unit="us",
    )
    return pl.DataFrame(
        {"firm_id": firm, "meter_id": meter, "carrier": "电力", "timestamp": times}
    ).with_columns(pl.lit(value).alias("value"), pl.lit(unit).alias("unit"))


def test_a_meter_split_over_partitions_is_labelled_once(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    # the outside tester's U/: meter U1, 3 kWh a quarter hour, labelled by interval end, its
    # January in u1 (kWh, with a late copy of a February reading), February in u2 (MWh), March
    # in u3 (万kWh). A worker seeing u1 alone (00:15 … 02-10 12:00) saw nothing and took it as
    # start-labelled: its 02-01 00:00 reading went to February (8.925 / 8.355 MWh)
    ds = tmp_path / "U"
    ds.mkdir()
    jan = _quarter_hours("F", "U1", "2024-01-01 00:15", "2024-02-01 00:00", 3.0, "kWh")
    late = _quarter_hours("F", "U1", "2024-02-10 12:00", "2024-02-10 12:00", 3.0, "kWh")
    feb = _quarter_hours("F", "U1", "2024-02-01 00:15", "2024-03-01 00:00", 0.003, "MWh")
    mar = _quarter_hours("F", "U1", "2024-03-01 00:15", "2024-04-01 00:00", 0.0003, "万kWh")
    pl.concat([jan, late]).write_parquet(ds / "u1.parquet")
    feb.write_parquet(ds / "u2.parquet")
    mar.write_parquet(ds / "u3.parquet")
    method = carbonacct.Method(grid_factor=0.5, period="month")
    local = carbonacct.footprint(ds, method=method, run=NO_CHECKSUM)
    dask = carbonacct.footprint(ds, method=method, run=on_cluster(client))
    mwh = dict(dask.table.select("period", "electricity_in_MWh").iter_rows())
    # January 31 × 96 = 2976 quarter hours × 3 kWh = 8.928 MWh; February 29 × 96 × 3 = 8.352
    assert mwh == pytest.approx({"2024-01": 8.928, "2024-02": 8.352, "2024-03": 8.928}, rel=1e-12)
    same(local.table, dask.table)
    assert dask.quality.rejected_by_reason == {"duplicate_reading": 1}  # the late copy
    labels = dask.provenance["inputs"]["readings"]["interval_labels"]
    assert labels == local.provenance["inputs"]["readings"]["interval_labels"]


def test_two_firms_meters_of_one_id_on_the_cluster(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    # the final re-trial's lab/: 江苏's M1 end-labelled, 浙江's M1 start-labelled, one file each
    js, zj = "91320500HANDJS001X", "91330100HANDZJ001X"
    ds = tmp_path / "lab"
    ds.mkdir()
    _quarter_hours(js, "M1", "2024-01-01 00:15", "2024-02-01 00:00", 1.0, "kWh").write_parquet(
        ds / "js.parquet"
    )
    _quarter_hours(zj, "M1", "2024-01-01 00:00", "2024-01-31 23:45", 1.0, "kWh").write_parquet(
        ds / "zj.parquet"
    )
    method = carbonacct.Method(grid_factor=0.5, period="month")
    dask = carbonacct.footprint(ds, method=method, run=on_cluster(client))
    got = {
        (f, p): round(v, 9)
        for f, p, v in dask.table.select("firm_id", "period", "electricity_in_MWh").iter_rows()
    }
    # each: 31 × 96 quarter hours of 1 kWh = 2.976 MWh, all in January
    assert got == {(js, "2024-01"): 2.976, (zj, "2024-01"): 2.976}
    same(carbonacct.footprint(ds, method=method, run=NO_CHECKSUM).table, dask.table)
