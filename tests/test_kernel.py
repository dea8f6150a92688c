"""The Parquet fast path (carbonacct._kernel) against the polars path and the reference.

Both paths must give the same groups (keys, row counts, sums within 1e-9),
the same footprint, rejects and completeness, on clean and dirty typed
Parquet: duplicates next to their originals and appended out of order,
identical, conflicting and kWh↔MWh copies, triples, bad values and times,
unknown carriers, units and firms, several row groups and files.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct import _kernel, _screen
from carbonacct.io import read_readings
from carbonacct.readings import (
    GROUP_KEYS,
    REASON_CODES,
    ReadingOptions,
    aggregate_readings,
    scan_readings,
)

UNITS = {"electricity": "kWh", "natural_gas": "Nm3", "heat": "GJ"}


def clean_rows(firms: int, meters: int, n: int, seed: int, start: str = "2024-01-30") -> list[dict]:
    """Per meter, n quarter-hour readings from ``start`` (so they cross a month end)."""
    rnd = random.Random(seed)
    t0 = dt.datetime.fromisoformat(start)
    rows = []
    for f in range(firms):
        for m in range(meters):
            carrier = list(UNITS)[m % 3]
            for i in range(n):
                rows.append(
                    {
                        "firm_id": f"F{f}",
                        "meter_id": f"F{f}-M{m}",
                        "carrier": carrier,
                        "unit": UNITS[carrier],
                        "timestamp": t0 + dt.timedelta(minutes=15 * i),
                        "value": round(rnd.uniform(0, 100), 3),
                    }
                )
    return rows


def dirty(rows: list[dict], seed: int, append: bool) -> list[dict]:
    """Copies (identical, conflicting, kWh↔MWh, triples) and bad rows; copies next to their
    originals, or appended at the end in random order."""
    rnd = random.Random(seed)
    out, tail = [], []
    for r in rows:
        out.append(r)
        x = rnd.random()
        copies = []
        if x < 0.03:
            copies = [dict(r)]
        elif x < 0.05:
            copies = [dict(r, value=r["value"] + 1.0)]
        elif x < 0.06 and r["unit"] == "kWh":
            copies = [dict(r, unit="MWh", value=r["value"] / 1000)]
        elif x < 0.065 and r["unit"] == "kWh":
            copies = [dict(r, unit="MWh", value=r["value"] / 1000 + 1)]  # a unit conflict
        elif x < 0.07:
            copies = [dict(r), dict(r)]
        (tail if append else out).extend(copies)
        y = rnd.random()
        bad = {
            0: {"value": None},
            1: {"value": float("nan")},
            2: {"value": float("inf")},
            3: {"value": -1.0},
            4: {"timestamp": None},
            5: {"timestamp": dt.datetime(1850, 1, 1)},
            6: {"carrier": "unobtainium"},
            7: {"unit": "furlong"},
            8: {"firm_id": "NOBODY"},
            9: {"unit": "t"},
            10: {"firm_id": None},
            11: {"meter_id": None},
            12: dict.fromkeys(r),  # an empty row
            13: {"value": 1e15},  # not a reading
            14: {"value": -3e16, "firm_id": "NOBODY"},
            15: {"firm_id": None, "carrier": None, "unit": None, "value": None},  # has a time
        }
        if y < 0.08:
            out.append(dict(r, **bad[int(y * 200)]))
    rnd.shuffle(tail)
    return out + tail


def write(rows: list[dict], path: Path, row_group: int, files: int = 1) -> Path:
    schema = pa.schema(
        [
            ("firm_id", pa.string()),
            ("meter_id", pa.string()),
            ("carrier", pa.string()),
            ("unit", pa.string()),
            ("timestamp", pa.timestamp("us")),
            ("value", pa.float64()),
        ]
    )
    if files == 1:
        pq.write_table(pa.Table.from_pylist(rows, schema), path, row_group_size=row_group)
        return path
    path.mkdir()
    size = -(-len(rows) // files)
    for i in range(files):
        part = pa.Table.from_pylist(rows[i * size : (i + 1) * size], schema)
        pq.write_table(part, path / f"{i:03d}.parquet", row_group_size=row_group)
    return path


def both_groups(path: Path, **options: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    opts = ReadingOptions(**options)  # type: ignore[arg-type]
    parts, source = read_readings(str(path), checksum=False)
    fast = _kernel.try_fast(parts, source, opts)
    assert fast is not None, "the fast path should apply to typed Parquet"
    slow = aggregate_readings(scan_readings(parts, source, opts).rows).collect()
    order = list(GROUP_KEYS)
    return (
        fast[0].sort(order, nulls_last=True),
        slow.select(fast[0].columns).sort(order, nulls_last=True),
    )


def assert_same_groups(fast: pl.DataFrame, slow: pl.DataFrame) -> None:
    assert_frame_equal(fast.select(*GROUP_KEYS, "rows"), slow.select(*GROUP_KEYS, "rows"))
    a, b = fast["_sum"].to_numpy(), slow["_sum"].to_numpy()
    finite = np.isfinite(a) & np.isfinite(b)
    same = (a == b) | (np.isnan(a) & np.isnan(b))  # a NaN or infinite value sums to itself
    close = (
        np.abs(np.where(finite, a, 0) - np.where(finite, b, 0))
        <= 1e-9 * np.maximum(np.abs(a), np.abs(b)) + 1e-12
    )
    assert (same | (finite & close)).all()


def footprints(path: Path, monkeypatch: pytest.MonkeyPatch, **kw: object):  # type: ignore[no-untyped-def]
    method = carbonacct.Method(**({"grid_factor": "national", "period": "month"} | kw))  # type: ignore[arg-type]
    run = carbonacct.RunOptions(checksum=False)
    fast = carbonacct.footprint(str(path), method=method, run=run)
    with monkeypatch.context() as m:
        m.setattr(_kernel, "try_fast", lambda *a, **k: None)
        slow = carbonacct.footprint(str(path), method=method, run=run)
    return fast, slow


def assert_same_footprint(fast, slow) -> None:  # type: ignore[no-untyped-def]
    assert_frame_equal(fast.table, slow.table, rel_tol=1e-9)
    assert fast.quality == slow.quality
    assert_frame_equal(fast.completeness, slow.completeness)
    assert_frame_equal(fast.rejects, slow.rejects)
    labels = fast.provenance["inputs"]["readings"]["interval_labels"]
    assert labels == slow.provenance["inputs"]["readings"]["interval_labels"]


@pytest.mark.parametrize("append", [False, True], ids=["adjacent", "appended"])
@pytest.mark.parametrize("check", [True, False], ids=["dup-check", "no-dup-check"])
def test_dirty_parquet_same_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, append: bool, check: bool
) -> None:
    rows = dirty(clean_rows(4, 3, 300, seed=1), seed=2, append=append)
    path = write(rows, tmp_path / "r.parquet", row_group=700)  # meters cross row groups
    fast, slow = both_groups(path, period="month", check_duplicates=check)
    assert_same_groups(fast, slow)
    names = {v: k for k, v in REASON_CODES.items()}
    found = {names[c] for c in fast["row_reason"].drop_nulls().to_list()}
    if check:  # the data really has every kind of duplicate and bad row
        assert {
            "missing_value",
            "not_a_number",
            "missing_time",
            "bad_timestamp",
            "negative_value",
            "empty_row",
            "implausible_value",
            "missing_firm_id",
            "duplicate_reading",
            "conflicting_duplicate",
        } <= found
    a, b = footprints(path, monkeypatch, check_duplicates=check)
    assert_same_footprint(a, b)
    assert a.quality.rows_in == len(rows)


def test_several_files_and_end_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # readings labelled by interval end: 00:15 … 00:00; the 00:00 of 1 March belongs to February
    rows = dirty(clean_rows(3, 2, 288, seed=3, start="2024-02-27 00:15"), seed=4, append=False)
    path = write(rows, tmp_path / "set", row_group=150, files=3)
    for period in ("month", "quarter", "year"):
        fast, slow = both_groups(path, period=period)
        assert_same_groups(fast, slow)
    a, b = footprints(path, monkeypatch)
    assert_same_footprint(a, b)
    assert a.provenance["inputs"]["readings"]["interval_labels"][str(path)].startswith("end")


def test_not_applicable_falls_back(tmp_path: Path) -> None:
    rows = clean_rows(1, 1, 10, seed=5)
    pl.DataFrame(rows).write_csv(tmp_path / "r.csv")
    parts, source = read_readings(str(tmp_path / "r.csv"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions()) is None
    text = pl.DataFrame(rows).with_columns(pl.col("value").cast(pl.String))
    text.write_parquet(tmp_path / "t.parquet")
    parts, source = read_readings(str(tmp_path / "t.parquet"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions()) is None
    regs = pl.DataFrame(rows).with_columns(pl.lit("register").alias("kind"))
    regs.write_parquet(tmp_path / "k.parquet")
    parts, source = read_readings(str(tmp_path / "k.parquet"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions()) is None
    aware = pl.DataFrame(rows).with_columns(pl.col("timestamp").dt.replace_time_zone("UTC"))
    aware.write_parquet(tmp_path / "z.parquet")  # converted to the Method's time zone
    parts, source = read_readings(str(tmp_path / "z.parquet"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions(timezone="Asia/Urumqi")) is None


def test_a_meter_labelled_the_other_way_is_labelled_so_by_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meter M1 runs 00:00 … 23:45 (start labels), M2 00:15 … 00:00 (end labels): the file as a
    whole says start, M2 is decided on its own; the kernel moves M2's readings at a period's
    first instant itself, so the 00:00 of 1 February of M2 is January's on both paths."""
    start = clean_rows(1, 1, 96 * 2, seed=8, start="2024-01-31")
    end = clean_rows(1, 1, 96 * 2 - 1, seed=9, start="2024-01-31 00:15")
    for r in end:
        r["meter_id"] = "F0-M2"
    end.append(dict(end[-1], timestamp=dt.datetime(2024, 2, 2), value=1.0))
    path = write(start + end, tmp_path / "mixed.parquet", row_group=100)
    parts, source = read_readings(str(path), checksum=False)
    got = _kernel.try_fast(parts, source, ReadingOptions(period="month"))
    assert got is not None, "the fast path should apply"
    jan = got[0].filter(pl.col("sub") == 1, pl.col("row_reason").is_null())["rows"].sum()
    # M1: 31 Jan 00:00 … 23:45 = 96; M2: 31 Jan 00:15 … 1 Feb 00:00 = 96
    assert jan == 96 + 96
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    assert "F0-M2" in fast.provenance["inputs"]["readings"]["interval_labels"][str(path)]
    # with the label given, nothing is detected per meter and the kernel applies
    options = ReadingOptions(period="month", interval_label="start")
    assert _kernel.try_fast(parts, source, options) is not None


def test_series_without_meter_ids_measured_per_firm_and_carrier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = clean_rows(2, 2, 200, seed=10)
    for r in rows:
        if r["meter_id"] == "F1-M1":
            r["meter_id"] = None
    del rows[650]  # one reading of F1's unmetered natural gas missing
    path = write(rows, tmp_path / "r.parquet", row_group=120)
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    gas = fast.completeness.filter(pl.col("meter_id") == "(no meter) natural_gas")
    assert gas.select("firm_id", "expected", "present", "missing").rows() == [("F1", 200, 199, 1)]


def test_hand_worked_duplicates(tmp_path: Path) -> None:
    """Four readings of one meter at 00:00 and two at 00:15, worked by hand."""
    t0, t1 = dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 0, 15)
    base = {"firm_id": "A", "meter_id": "M", "carrier": "electricity", "unit": "kWh"}
    rows = [
        base | {"timestamp": t0, "value": 10.0},  # kept
        base | {"timestamp": t0, "value": 10.0},  # identical: duplicate_reading
        base | {"timestamp": t0, "unit": "MWh", "value": 0.01},  # 10 kWh again: duplicate_reading
        base | {"timestamp": t1, "value": 5.0},  # conflicting with the next: both rejected
        base | {"timestamp": t1, "value": 6.0},
        base | {"timestamp": t0 + dt.timedelta(minutes=30), "value": 7.0},  # kept
    ]
    path = write(rows, tmp_path / "h.parquet", row_group=2)
    fast, slow = both_groups(path, period="month")
    assert_same_groups(fast, slow)
    by = dict(fast.group_by("row_reason").agg(pl.col("rows").sum()).iter_rows())
    assert by == {
        None: 2,
        REASON_CODES["duplicate_reading"]: 2,
        REASON_CODES["conflicting_duplicate"]: 2,
    }
    kept = fast.filter(pl.col("row_reason").is_null())["_sum"].sum()
    assert kept == pytest.approx(10.0 + 7.0, rel=1e-12)


def test_matches_the_pure_python_reference(tmp_path: Path) -> None:
    from tests.test_reference import FIRMS, make_rows, reference

    rows = make_rows(3_000, seed=11)
    frame = pl.DataFrame(rows).with_columns(
        pl.col("value").cast(pl.Float64, strict=False),  # "n/a" is rejected either way
        pl.col("timestamp").str.to_datetime(),
    )
    frame.write_parquet(tmp_path / "ref.parquet", row_group_size=300)
    parts, source = read_readings(str(tmp_path / "ref.parquet"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions(period="month")) is not None
    firms = pl.DataFrame({"firm_id": list(FIRMS), "province": list(FIRMS.values())})
    result = carbonacct.footprint(
        str(tmp_path / "ref.parquet"),
        firms=firms,
        method=carbonacct.Method(period="month"),
        run=carbonacct.RunOptions(checksum=False),
    )
    expected, rejected = reference(rows)
    assert result.quality.rows_rejected == rejected and result.quality.balanced
    got = {(r["firm_id"], r["period"]): r for r in result.table.iter_rows(named=True)}
    assert set(got) == set(expected)
    for key, ref in expected.items():
        assert got[key]["rows"] == ref["rows"]
        for column in ("energy_tce", "co2_scope1_t", "co2_scope2_t", "electricity_in_MWh"):
            assert got[key][column] == pytest.approx(ref[column], rel=1e-9, abs=1e-9), key


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 40),
    row_group=st.integers(1, 50),
    append=st.booleans(),
    check=st.booleans(),
)
def test_property_paths_agree(
    tmp_path_factory: pytest.TempPathFactory,
    seed: int,
    n: int,
    row_group: int,
    append: bool,
    check: bool,
) -> None:
    rows = dirty(clean_rows(2, 2, n, seed=seed), seed=seed + 1, append=append)
    path = write(rows, tmp_path_factory.mktemp("p") / "r.parquet", row_group=row_group)
    fast, slow = both_groups(path, period="month", check_duplicates=check)
    assert_same_groups(fast, slow)


def test_appended_corrections_settled_without_a_second_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies appended at the end (one identical, one conflicting, one new reading filling a
    gap) are found from the stragglers' times alone; completeness needs no extra pass."""
    rows = clean_rows(2, 2, 500, seed=7)
    gap = rows.pop(100)  # F0-M0 misses one reading ...
    rows += [dict(rows[10]), dict(rows[600], value=rows[600]["value"] + 5), gap]  # ... filled late
    rows[-4]["value"] = -1.0  # a rejected row inside a meter: steps of 30 min, still settled
    path = write(rows, tmp_path / "r.parquet", row_group=333)
    calls: list[int] = []
    real = _kernel._screen.meter_gaps
    monkeypatch.setattr(_kernel._screen, "meter_gaps", lambda lf: calls.append(1) or real(lf))
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    assert calls == []
    assert fast.quality.rejected_by_reason == {
        "duplicate_reading": 1,
        "conflicting_duplicate": 2,
        "negative_value": 1,
    }
    gaps = fast.completeness.filter(pl.col("meter_id") == "F0-M0").row(0, named=True)
    assert (gaps["expected"], gaps["present"], gaps["missing"]) == (500, 500, 0)


def test_many_meters_out_of_order_take_the_streamed_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the meters the screen cannot settle hold more rows than are read back into memory,
    the bucketed hash over the streamed input decides, with the same result."""
    rows = clean_rows(3, 2, 200, seed=12)
    rnd = random.Random(13)
    late = rows[100:400]
    rnd.shuffle(late)  # two meters out of order: hashed
    rows = rows[:100] + rows[400:] + late + [dict(rows[5]), dict(rows[450], value=0.5)]
    path = write(rows, tmp_path / "r.parquet", row_group=150)
    fetched, streamed = footprints(path, monkeypatch)
    assert_same_footprint(fetched, streamed)
    monkeypatch.setattr(_kernel._screen, "MAX_FETCHED", 10)
    small, _ = footprints(path, monkeypatch)
    assert_same_footprint(small, streamed)
    assert small.quality.rejected_by_reason == {"duplicate_reading": 1, "conflicting_duplicate": 2}


def test_scattered_rejects_added_up_per_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many rejected rows break the runs; the kernel then adds the runs of each group up within
    the row group (forced here for small row groups), and the groups stay the same."""
    rows = dirty(clean_rows(3, 3, 200, seed=14), seed=15, append=False)
    path = write(rows, tmp_path / "r.parquet", row_group=400)
    plain, slow = both_groups(path, period="month")
    monkeypatch.setattr(_kernel, "_COMPACT", 1)
    compacted, _ = both_groups(path, period="month")
    assert_same_groups(compacted, slow)
    assert_same_groups(compacted, plain)


def test_equal_runs_give_equal_floats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel adds values in the order of the rows, whichever thread reads a row group
    first, so two runs give the same floats to the last bit."""
    rows = dirty(clean_rows(3, 3, 300, seed=16), seed=17, append=True)
    path = write(rows, tmp_path / "r.parquet", row_group=97)
    monkeypatch.setattr(_kernel, "_COMPACT", 50)
    first, _ = both_groups(path, period="month")
    again, _ = both_groups(path, period="month")
    assert first.equals(again)
    assert first["_sum"].to_numpy().tobytes() == again["_sum"].to_numpy().tobytes()


def test_without_the_duplicate_check_stragglers_need_no_pass_over_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appended copies and a late reading, duplicate check off: nothing is rejected, the
    completeness counts each time once, and no meter needs meter_gaps over the input."""
    rows = clean_rows(2, 2, 300, seed=18)
    gap = rows.pop(50)
    rows += [dict(rows[10]), dict(rows[400], value=1.0), gap]
    path = write(rows, tmp_path / "r.parquet", row_group=256)
    calls: list[int] = []
    real = _kernel._screen.meter_gaps
    monkeypatch.setattr(_kernel._screen, "meter_gaps", lambda lf: calls.append(1) or real(lf))
    fast, slow = footprints(path, monkeypatch, check_duplicates=False)
    assert_same_footprint(fast, slow)
    assert calls == [] and fast.quality.rows_rejected == 0
    gaps = fast.completeness.filter(pl.col("meter_id") == "F0-M0").row(0, named=True)
    assert (gaps["expected"], gaps["present"], gaps["missing"]) == (300, 300, 0)


def test_a_tail_of_appended_copies_keeps_a_sorted_file_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies appended in random order fill the last row group with one-row meter runs (300
    runs in 1 100 rows, more than one run per 8 rows there); over the whole file (5 100 rows,
    up to 637 runs allowed) the rows are grouped by meter, so the fast path applies, with the
    slow path's result. A file shuffled throughout still falls back."""
    monkeypatch.setattr(_kernel, "_FREE_RUNS", 10)
    rows = clean_rows(4, 4, 300, seed=21)
    rnd = random.Random(22)
    tail = [dict(r) for r in rnd.sample(rows, 300)]
    path = write(rows + tail, tmp_path / "r.parquet", row_group=1000)
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    assert fast.quality.rejected_by_reason == {"duplicate_reading": 300}
    parts, source = read_readings(str(path), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions()) is not None
    rnd.shuffle(rows)
    shuffled = write(rows, tmp_path / "s.parquet", row_group=1000)
    parts, source = read_readings(str(shuffled), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions()) is None


def test_rows_without_a_meter_id_are_one_meter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # firm F0 without meter ids: the same row twice (100 kWh at 00:00), another delivery of
    # 50 kWh and one written otherwise (0.1 MWh) at that time; 70 kWh at 00:15
    at, later = dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 1, 0, 15)
    row = {"firm_id": "F0", "meter_id": None, "carrier": "electricity", "timestamp": at}
    rows = [
        row | {"unit": "kWh", "value": 100.0},
        row | {"unit": "kWh", "value": 100.0},  # the same row: rejected
        row | {"unit": "kWh", "value": 50.0},  # another value, no meter to say it conflicts
        row | {"unit": "MWh", "value": 0.1},  # written otherwise: another delivery
        row | {"unit": "kWh", "value": 70.0, "timestamp": later},
    ]
    path = write(rows, tmp_path / "r.parquet", row_group=2)
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    assert fast.quality.rejected_by_reason == {"duplicate_reading": 1}
    rejected = fast.rejects
    assert rejected["row"].to_list() == [2] and rejected["column"].to_list() == ["timestamp"]
    # 100 + 50 + 100 + 70 = 320 kWh = 0.320 MWh at 0.1229 tce/MWh (GB/T 2589 当量值)
    assert fast.table["energy_tce"].sum() == pytest.approx(0.320 * 0.1229, rel=1e-12)
    assert fast.table["rows"].sum() == 4


def test_appended_copies_settled_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # copies appended at the end: the stragglers' rows are read again and settled a few
    # meters at a time; figures, rejects and row numbers as settled all at once
    rows = dirty(clean_rows(6, 4, 200, seed=5), seed=6, append=True)
    path = write(rows, tmp_path / "r.parquet", row_group=500)
    whole, slow = footprints(path, monkeypatch)
    sizes: list[int] = []
    real = _screen._settle
    monkeypatch.setattr(_screen, "BATCH_KEYS", 8)
    monkeypatch.setattr(_screen, "_settle", lambda c, *a: (sizes.append(c.height), real(c, *a))[1])
    batched, _ = footprints(path, monkeypatch)
    assert_same_footprint(batched, whole)
    assert_same_footprint(batched, slow)
    assert_frame_equal(batched.rejects, whole.rejects)
    # one meter's keys at most per batch beyond the knob: far below the stragglers' rows
    per_meter = 200 * 2  # a meter's rows, copies included, bound any batch from above
    straggling = sizes[1:]
    assert len(straggling) > 3 and max(straggling) < per_meter
    assert sum(straggling) > 2 * max(straggling)


def test_a_meter_without_accepted_rows_is_not_a_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two meters read 00:00 … 02:15 every 15 min without 01:00 and 01:15: 8 of 10 readings;
    # M2 gives electricity in t, so its 8 rows are rejected (unit_dimension) after the row checks
    t0 = dt.datetime(2024, 1, 1)
    rows = [
        {"firm_id": "F", "meter_id": m, "carrier": "electricity", "unit": unit}
        | {"timestamp": t0 + dt.timedelta(minutes=15 * i), "value": 1.0}
        for m, unit in (("M1", "kWh"), ("M2", "t"))
        for i in range(10)
        if i not in (4, 5)
    ]
    path = write(rows, tmp_path / "r.parquet", row_group=5)
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    assert fast.quality.rejected_by_reason == {"unit_dimension": 8}
    assert fast.completeness["meter_id"].to_list() == ["M1"]  # M1: 2 of 10 missing
    assert fast.completeness["missing"].to_list() == [2]
    said = [w for w in fast.quality.warnings if "meter M2" in w]
    assert said == [
        "meter M2 of F: no accepted rows (8 rejected by the carrier, unit or firm checks); "
        "none of its readings is counted"
    ]
    assert not any("M2" in w and "missing" in w for w in fast.quality.warnings)


def test_meters_with_more_readings_than_their_firm_rejected_later_are_not_read_again() -> None:
    # F rejected 3 rows later (a unit of another dimension); M1 has 8 readings present, so at
    # least 5 of its rows were accepted: not looked for. G rejected 8 rows later and M9 has 8:
    # it could be wholly rejected, so it is (the rows read again, here none of M9's: kept)
    from carbonacct.completeness import without_accepted_rows
    from carbonacct.readings import GROUP_KEYS

    gaps = pl.DataFrame(
        {"firm_id": ["F", "G"], "meter_id": ["M1", "M9"], "present": [8, 8], "missing": [2, 2]}
    )
    keys = {k: [None, None] for k in GROUP_KEYS} | {"firm_id": ["F", "G"]}
    groups = pl.DataFrame(keys | {"reason": ["unit_dimension"] * 2, "rows": [3, 8]})
    never = pl.LazyFrame({"unreadable": [1]})  # reading it again would fail
    kept, lines = without_accepted_rows(gaps.head(1), never, groups)
    assert_frame_equal(kept, gaps.head(1))
    assert lines == []
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        without_accepted_rows(gaps, never, groups)


def test_a_month_whose_every_row_was_rejected_keeps_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outside tester's meter E3: three March readings in 吨 (tonnes) for electricity."""
    t0 = dt.datetime(2024, 1, 15)
    rows = [
        {"firm_id": "F", "meter_id": "E1", "carrier": "电力", "unit": "kWh", "value": 10.0}
        | {"timestamp": t0 + dt.timedelta(minutes=15 * i)}
        for i in range(4)
    ] + [
        {"firm_id": "F", "meter_id": "E3", "carrier": "电力", "unit": "吨", "value": 7.0}
        | {"timestamp": dt.datetime(2024, 3, 1) + dt.timedelta(minutes=15 * i)}
        for i in range(3)
    ]
    path = write(rows, tmp_path / "r.parquet", row_group=3)
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    table = fast.table
    # January: 4 × 10 kWh × 0.1229 kgce/kWh; March: nothing accepted, 3 rejected, no figures
    assert table.select("period", "rows", "rows_rejected").rows() == [
        ("2024-01", 4, 0),
        ("2024-03", 0, 3),
    ]
    assert table["energy_tce"].to_list() == [pytest.approx(40 * 0.1229e-3, rel=1e-12), None]
    assert table["rows_rejected"].sum() == fast.quality.rows_rejected == 3
    memory = carbonacct.footprint(
        pl.read_parquet(path),
        method=carbonacct.Method(grid_factor="national", period="month"),
        run=carbonacct.RunOptions(engine="in-memory"),
    )
    assert_frame_equal(memory.table, table, rel_tol=1e-9)
    year = carbonacct.footprint(str(path), method=carbonacct.Method(grid_factor="national"))
    assert year.table.select("period", "rows", "rows_rejected").rows() == [("2024", 4, 3)]


def test_meter_ids_that_differ_only_by_leading_zeros_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outside tester's meter 1 and its re-saved copy 001: two meters, counted apart, said."""
    t0 = dt.datetime(2024, 1, 1)
    rows = [
        {"firm_id": "F", "meter_id": m, "carrier": "电力", "unit": "kWh", "value": 10.0}
        | {"timestamp": t0 + dt.timedelta(minutes=15 * i)}
        for m in ("1", "001")
        for i in range(4)
    ]
    rows.insert(4, dict(rows[0], meter_id="G01", firm_id="G"))  # another firm's G1: not alike
    rows.append(dict(rows[0], meter_id="G1"))
    path = write(rows, tmp_path / "ds", row_group=4, files=2)  # 1 in one file, 001 in the other
    fast, slow = footprints(path, monkeypatch)
    assert_same_footprint(fast, slow)
    said = [w.replace(f"{path}/", "") for w in fast.quality.warnings if "leading zeros" in w]
    assert said == [
        "meters '001' (001.parquet) and '1' (000.parquet) of F differ only by leading zeros: "
        "counted as separate meters, with readings over overlapping times; if they are one meter "
        "(Excel drops leading zeros when a file is re-saved), give them one id"
    ]
    # counted apart: 2 meters × 4 readings × 10 kWh, plus F's G1, × 0.1229 kgce/kWh
    assert fast.table.filter(pl.col("firm_id") == "F")["energy_tce"].item() == pytest.approx(
        90 * 0.1229e-3, rel=1e-12
    )
    memory = carbonacct.footprint(
        pl.read_parquet(path),
        method=carbonacct.Method(grid_factor="national", period="month"),
        run=carbonacct.RunOptions(engine="in-memory"),
    )
    assert [w for w in memory.quality.warnings if "leading zeros" in w]
