"""A row rejected by its own checks is no copy of a good reading.

A copy in a unit that cannot be converted (吨 for electricity), of an unknown
carrier, negative or not a number is rejected once, with its own reason: it
takes no part in the duplicate check, so it never turns the valid reading
into a ``duplicate_reading`` or a ``conflicting_duplicate``. Checked on every
path (typed Parquet on the fast path, a GB18030 CSV with Chinese headers, a
frame on the streaming and in-memory engines, Dask), with the duplicate check
on and off, and against a pure-Python reference of the rule.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import carbonacct

FIRM = "91330100HANDZJ001X"
FIRMS = pl.DataFrame({"firm_id": [FIRM], "province": ["浙江"]})
START = datetime(2024, 3, 1, 0, 15)
TO_KWH = {"kWh": 1.0, "MWh": 1000.0}
#: Chinese headers, as an enterprise's export writes them
ZH = {
    "firm_id": "统一社会信用代码",
    "meter_id": "计量器具编号",
    "carrier": "能源品种",
    "timestamp": "时间",
    "value": "数值",
    "unit": "单位",
}


def _stamp(k: int) -> str:
    return (START + timedelta(minutes=15 * k)).strftime("%Y-%m-%d %H:%M:%S")


def _tester_rows() -> list[dict[str, str]]:
    """96 readings of 15 kWh on 2024-03-01, and one copy of 10:00 in 吨."""
    rows = [
        {"firm_id": FIRM, "meter_id": "E2", "carrier": "电力", "timestamp": _stamp(k)}
        | {"value": "15.0", "unit": "kWh"}
        for k in range(96)
    ]
    return [*rows, rows[39] | {"unit": "吨"}]


def _typed(rows: list[dict[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows).with_columns(
        pl.col("value").cast(pl.Float64, strict=False), pl.col("timestamp").str.to_datetime()
    )


def _inputs(rows: list[dict[str, str]], tmp: Path) -> list[tuple[object, str]]:
    """The same readings on every single-machine path: (readings, engine)."""
    text = pl.DataFrame(rows)
    _typed(rows).write_parquet(tmp / "r.parquet", row_group_size=40)
    csv = text.rename(ZH).write_csv().encode("gb18030")
    (tmp / "r.csv").write_bytes(csv)
    return [
        (str(tmp / "r.parquet"), "streaming"),
        (str(tmp / "r.csv"), "streaming"),
        (text, "streaming"),
        (text, "in-memory"),
        (str(tmp / "r.parquet"), "in-memory"),
    ]


def _run(readings: object, check: bool, **run: object) -> carbonacct.Footprint:
    method = carbonacct.Method(period="month", check_duplicates=check)
    options = carbonacct.RunOptions(checksum=False, **run)  # type: ignore[arg-type]
    return carbonacct.footprint(readings, firms=FIRMS, method=method, run=options)


def _assert_tester_case(result: carbonacct.Footprint) -> None:
    # 96 readings x 15 kWh = 1440 kWh = 1.44 MWh; the 吨 copy rejected once, for its unit
    (row,) = result.table.iter_rows(named=True)
    assert row["electricity_in_MWh"] == pytest.approx(96 * 15 / 1000, rel=1e-12)
    assert row["rows"] == 96 and row["rows_rejected"] == 1
    assert result.rejects.select("reject_reason", "unit").rows() == [("unit_dimension", "吨")]
    assert result.quality.rows_rejected == 1 and result.quality.balanced


@pytest.mark.parametrize("check", [True, False])
def test_a_copy_in_tonnes_leaves_the_kwh_reading_counted(tmp_path: Path, check: bool) -> None:
    for readings, engine in _inputs(_tester_rows(), tmp_path):
        _assert_tester_case(_run(readings, check, engine=engine))


def test_a_copy_in_tonnes_on_dask(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    _typed(_tester_rows()).write_parquet(tmp_path / "r.parquet")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        for check in (True, False):
            _assert_tester_case(
                _run(str(tmp_path / "r.parquet"), check, engine="dask", client=client)
            )


def test_bad_copies_of_register_readings_are_rejected_on_their_own(tmp_path: Path) -> None:
    # a register read hourly, 100 ... 500 kWh: 400 kWh used; copies of 03:00 in 吨 and of
    # 04:00 with an unknown carrier are rejected for that and move nothing
    rows = [
        {"firm_id": FIRM, "meter_id": "R1", "carrier": "电力", "kind": "累计"}
        | {"timestamp": f"2024-03-01 0{h}:00:00", "value": f"{100 * h}.0", "unit": "kWh"}
        for h in range(1, 6)
    ]
    rows += [rows[2] | {"unit": "吨"}, rows[3] | {"carrier": "火星能"}]
    for readings, engine in _inputs(rows, tmp_path):
        for check in (True, False):
            result = _run(readings, check, engine=engine)
            assert result.table["electricity_in_MWh"].to_list() == [pytest.approx(0.4)]
            reasons = sorted(result.rejects["reject_reason"].to_list())
            assert reasons == ["unit_dimension", "unknown_carrier"], (engine, check)


# --- the rule against a pure-Python reference -------------------------------------

#: a bad copy and the reason it is rejected for on its own
BAD = {
    "tonnes": ({"unit": "吨"}, "unit_dimension"),
    "carrier": ({"carrier": "火星能"}, "unknown_carrier"),
    "negative": ({"value": "-15.0"}, "negative_value"),
}


def reference(rows: list[dict[str, str]], check: bool) -> tuple[float, int, Counter[str]]:
    """(kWh accepted, rows accepted, reasons): rows rejected on their own first, then
    duplicates among the rest, compared in kWh (equal: the first kept; not: all rejected)."""
    reasons: Counter[str] = Counter()
    good: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        own = next(
            (why for _, (bad, why) in BAD.items() if all(r[k] == v for k, v in bad.items())), None
        )
        if own:
            reasons[own] += 1
        else:
            good.setdefault((r["meter_id"], r["timestamp"]), []).append(
                float(r["value"]) * TO_KWH[r["unit"]]
            )
    kwh, accepted = 0.0, 0
    for values in good.values():
        if not check or len(values) == 1:
            kwh, accepted = kwh + sum(values), accepted + len(values)
        elif max(values) - min(values) <= 1e-9 * max(abs(v) for v in values):
            kwh, accepted = kwh + values[0], accepted + 1
            reasons["duplicate_reading"] += len(values) - 1
        else:
            reasons["conflicting_duplicate"] += len(values)
    return kwh, accepted, reasons


_reading = st.fixed_dictionaries(
    {
        "meter_id": st.sampled_from(["E1", "E2"]),
        "k": st.integers(0, 2),
        "kwh": st.sampled_from([15.0, 15.0, 20.0]),
        "unit": st.sampled_from(["kWh", "MWh"]),
        "bad": st.sampled_from([None, None, *BAD]),
    }
)


def _row(d: dict[str, object]) -> dict[str, str]:
    unit = str(d["unit"])
    row = {"firm_id": FIRM, "meter_id": str(d["meter_id"]), "carrier": "电力"} | {
        "timestamp": _stamp(int(d["k"])),  # type: ignore[call-overload]
        "value": repr(float(d["kwh"]) / TO_KWH[unit]),  # type: ignore[arg-type]
        "unit": unit,
    }
    return row | (BAD[str(d["bad"])][0] if d["bad"] else {})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=st.lists(_reading, min_size=1, max_size=12), check=st.booleans())
@example(  # a good reading, a copy of it in 吨 and one of an unknown carrier, two equal copies
    drawn=[
        {"meter_id": "E1", "k": 0, "kwh": 15.0, "unit": "kWh", "bad": None},
        {"meter_id": "E1", "k": 0, "kwh": 15.0, "unit": "kWh", "bad": "tonnes"},
        {"meter_id": "E1", "k": 1, "kwh": 15.0, "unit": "MWh", "bad": None},
        {"meter_id": "E1", "k": 1, "kwh": 20.0, "unit": "kWh", "bad": "carrier"},
        {"meter_id": "E2", "k": 1, "kwh": 15.0, "unit": "MWh", "bad": None},
        {"meter_id": "E2", "k": 1, "kwh": 15.0, "unit": "kWh", "bad": None},
    ],
    check=True,
)
def test_rejected_rows_never_make_duplicates_on_any_path(
    tmp_path_factory: pytest.TempPathFactory, drawn: list[dict[str, object]], check: bool
) -> None:
    rows = [_row(d) for d in drawn]
    kwh, accepted, reasons = reference(rows, check)
    tmp = tmp_path_factory.mktemp("copies")
    for readings, engine in _inputs(rows, tmp):
        result = _run(readings, check, engine=engine)
        got = Counter(result.rejects["reject_reason"].to_list())
        assert got == reasons, engine
        assert result.quality.rows_rejected == sum(reasons.values())
        mwh = result.table["electricity_in_MWh"].fill_null(0.0).sum()
        assert mwh == pytest.approx(kwh / 1000, rel=1e-9, abs=1e-12), engine
        assert result.table["rows"].sum() == accepted, engine
