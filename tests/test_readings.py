"""The reading layer on files as Chinese plants export them (issue: readings you can trust).

Electricity is used throughout with a numeric grid factor of 0.5 tCO2/MWh, so
that each expected figure is plain arithmetic: 1 MWh = 0.1229 tce (GB/T 2589
当量值, 0.1229 kgce/kWh) and 0.5 tCO2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import CarbonacctError, InputError, footprint
from carbonacct.io import detect_encoding

TCE_PER_MWH = 0.1229
EF = 0.5


def _csv(path: Path, header: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def _monthly(result: object, column: str = "electricity_in_MWh") -> dict[str, float]:
    table = result.table  # type: ignore[attr-defined]
    return dict(zip(table["period"], table[column], strict=True))


# -- 1. types: a typed Parquet file and a text CSV in one run -----------------------------------


def test_typed_parquet_and_csv_together(tmp_path: Path) -> None:
    pq = tmp_path / "meter.parquet"
    pl.DataFrame(
        {
            "企业代码": ["F1", "F1"],
            "时间": [dt.datetime(2024, 1, 5, 0, 0), dt.datetime(2024, 2, 5, 0, 0)],
            "数量": [1200.0, 800.0],
            "计量单位": ["kWh", "kWh"],
            "能源品种": ["电力", "电力"],
        }
    ).write_parquet(pq)
    csv = _csv(
        tmp_path / "other.csv",
        "firm_id,carrier,value,unit,timestamp",
        ["F1,electricity,2.5,MWh,2024-01-20 08:00", "F1,electricity,500,kWh,2024/2/20 8:00"],
    )
    r = footprint([pq, csv], method=carbonacct.Method(grid_factor=EF, period="month"))
    assert r.quality.rows_rejected == 0, r.quality.summary()
    # Jan: 1200 kWh + 2.5 MWh = 3.7 MWh; Feb: 800 kWh + 500 kWh = 1.3 MWh
    assert _monthly(r) == {"2024-01": pytest.approx(3.7), "2024-02": pytest.approx(1.3)}
    assert _monthly(r, "energy_tce")["2024-01"] == pytest.approx(3.7 * TCE_PER_MWH)
    assert _monthly(r, "co2_t")["2024-02"] == pytest.approx(1.3 * EF)


# -- 2. encodings --------------------------------------------------------------------------------

_METERS = [
    "F1,东区主表,电力,1000,kWh,2024-01-01 00:00,register",
    "F1,西区主表,电力,50000,kWh,2024-01-01 00:00,register",
    "F1,东区主表,电力,1600,kWh,2024-02-01 00:00,register",
    "F1,西区主表,电力,50400,kWh,2024-02-01 00:00,register",
]
_HEADER = "企业代码,表计编号,能源品种,数量,计量单位,时间,读数类型"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_the_same_file_in_utf8_and_gbk_gives_the_same_result(tmp_path: Path, encoding: str) -> None:
    path = _csv(tmp_path / "r.csv", _HEADER, _METERS, encoding)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # two meters, never chained: 东区 1600 − 1000 = 600 kWh, 西区 50 400 − 50 000 = 400 kWh,
    # both in January (the readings at 00:00 on 1 February close January)
    assert _monthly(r) == {"2024-01": pytest.approx(1.0)}
    assert r.quality.rows_rejected == 0
    assert r.quality.notes == {"register_baseline": 2}


def test_encoding_is_detected_and_recorded(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", _HEADER, _METERS, "gbk")
    assert detect_encoding(path) == "gb18030"
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.provenance["inputs"]["readings"]["encodings"] == ["gb18030"]


def test_undecodable_bytes_are_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    good = ("\n".join([_HEADER, *_METERS[:2]]) + "\n").encode("utf-8")
    path.write_bytes(good + b"F1,\xff\xfe,x,1,kWh,2024-01-01,interval\n")
    with pytest.raises(InputError, match=r"r\.csv, line 4: .*not valid utf-8") as info:
        footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert info.value.row == 4


def test_gbk_text_that_happens_to_look_like_utf8_is_still_gbk(tmp_path: Path) -> None:
    # 原煤 in GBK is D4 AD C3 BA: two valid 2-byte UTF-8 characters (U+052D, º);
    # the GBK of 东区 on the next line is not UTF-8 at all
    lines = ["F1,M1,原煤,1,t,2024-01-01", "F1,东区主表,电力,1,kWh,2024-01-01"]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines, "gbk")
    assert detect_encoding(path) == "gb18030"


def test_an_explicit_encoding_is_used(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", _HEADER, _METERS, "gbk")
    r = footprint(
        path, method=carbonacct.Method(grid_factor=EF), run=carbonacct.RunOptions(encoding="gbk")
    )
    assert r.quality.rows_in == 4 and r.quality.rows_rejected == 0
    with pytest.raises(InputError, match="not valid utf-8"):
        footprint(
            path,
            method=carbonacct.Method(grid_factor=EF),
            run=carbonacct.RunOptions(encoding="utf-8"),
        )


# -- 3. time: zones and interval labels ----------------------------------------------------------


def test_aware_timestamps_are_put_in_periods_in_local_time(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "r.csv",
        "firm_id,meter_id,carrier,value,unit,timestamp",
        [
            "F1,M1,electricity,1000,kWh,2024-01-01T00:00:00+08:00",  # local midnight: 2024
            "F1,M2,electricity,2000,kWh,2023-12-31T16:30:00Z",  # 00:30 on 1 Jan in Beijing
            "F1,M3,electricity,4000,kWh,2023-12-31T23:30:00+08:00",  # still 2023
        ],
    )
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert _monthly(r) == {"2023": pytest.approx(4.0), "2024": pytest.approx(3.0)}


def test_typed_aware_parquet_is_converted_to_local_time(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    utc = [dt.datetime(2023, 12, 31, 16, 0), dt.datetime(2023, 12, 31, 15, 45)]
    pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "meter_id": ["M1", "M1"],
            "carrier": ["electricity"] * 2,
            "value": [10.0, 20.0],
            "unit": ["MWh"] * 2,
            "timestamp": pl.Series(utc).dt.replace_time_zone("UTC"),
        }
    ).write_parquet(path)
    r = footprint(
        path, method=carbonacct.Method(grid_factor=EF, period="month", interval_label="start")
    )
    # 16:00 UTC = 00:00 1 Jan 2024 in Asia/Shanghai; 15:45 UTC = 23:45 31 Dec 2023
    assert _monthly(r) == {"2023-12": pytest.approx(20.0), "2024-01": pytest.approx(10.0)}
    r = footprint(
        path,
        method=carbonacct.Method(
            grid_factor=EF, period="year", timezone="UTC", interval_label="start"
        ),
    )
    assert _monthly(r) == {"2023": pytest.approx(30.0)}


def _curve(day: str, times: list[str]) -> list[str]:
    return [f"F1,M1,electricity,1,kWh,{day} {t}" for t in times]


def test_a_curve_labelled_by_interval_end_is_detected(tmp_path: Path) -> None:
    # the last day of January as a grid meter exports it: 00:15 … 24:00, 1 kWh per interval
    times = [*[f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)][1:], "24:00"]
    path = _csv(
        tmp_path / "r.csv",
        "firm_id,meter_id,carrier,value,unit,timestamp",
        _curve("2024-01-31", times),
    )
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # 96 intervals of 1 kWh, all inside 31 January: the one labelled 24:00 too
    assert _monthly(r) == {"2024-01": pytest.approx(0.096)}
    assert (
        "end (detected (24:00))" in r.provenance["inputs"]["readings"]["interval_labels"].values()
    )


def test_interval_end_labels_move_the_midnight_reading_back(tmp_path: Path) -> None:
    lines = ["F1,M1,electricity,1,kWh,2024-01-31 23:45", "F1,M1,electricity,2,kWh,2024-02-01 00:00"]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    start = footprint(
        path, method=carbonacct.Method(grid_factor=EF, period="month", interval_label="start")
    )
    end = footprint(
        path, method=carbonacct.Method(grid_factor=EF, period="month", interval_label="end")
    )
    assert _monthly(start) == {"2024-01": pytest.approx(0.001), "2024-02": pytest.approx(0.002)}
    # labelled by its end, the 00:00 reading is the interval 23:45–24:00 of 31 January
    assert _monthly(end) == {"2024-01": pytest.approx(0.003)}


def test_interval_labels_are_detected_per_meter(tmp_path: Path) -> None:
    import datetime as dtm

    start = dtm.datetime(2024, 1, 31)
    lines = [  # meter A labelled by interval end (00:15 … 24:00), 10 kWh each
        f"F1,A,电力,10,kWh,{(start + dtm.timedelta(minutes=15 * k)):%Y-%m-%d %H:%M}"
        for k in range(1, 97)
    ]
    lines += [  # meter B labelled by interval start (00:00 … 23:45) on 1 February, 1 kWh each
        f"F1,B,电力,1,kWh,{(start + dtm.timedelta(days=1, minutes=15 * k)):%Y-%m-%d %H:%M}"
        for k in range(96)
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # A: 96 × 10 kWh, all on 31 January; B: 96 × 1 kWh, all on 1 February
    assert _monthly(r) == {"2024-01": pytest.approx(0.96), "2024-02": pytest.approx(0.096)}


def test_an_assumed_label_is_said(tmp_path: Path) -> None:
    lines = ["F1,M1,electricity,1,kWh,2024-01-31 23:45", "F1,M1,electricity,2,kWh,2024-02-01 00:15"]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    assert any("interval start (assumed)" in w for w in r.quality.warnings)


# -- 4. registers --------------------------------------------------------------------------------


def test_monthly_registers_read_at_midnight_on_the_first_over_a_year(tmp_path: Path) -> None:
    readings = [1000 + 100 * m * (m + 1) // 2 for m in range(13)]  # Jan uses 100, Feb 200 …
    stamps = [f"{2024 + m // 12}-{m % 12 + 1:02d}-01 00:00:00" for m in range(13)]
    lines = [
        f"F1,G1,electricity,{v},kWh,{t},register" for v, t in zip(readings, stamps, strict=True)
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp,kind", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    got = _monthly(r)
    # month m (1 … 12) used 100 × m kWh, booked in that month; nothing in 2025
    assert got == {f"2024-{m:02d}": pytest.approx(0.1 * m) for m in range(1, 13)}
    assert footprint(path, method=carbonacct.Method(grid_factor=EF)).table["period"].to_list() == [
        "2024"
    ]


def test_a_register_interval_across_a_month_boundary_is_split_pro_rata(tmp_path: Path) -> None:
    lines = [
        "F1,M1,electricity,5000,kWh,2024-01-16 00:00,register",
        "F1,M1,electricity,5310,kWh,2024-02-16 00:00,register",
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp,kind", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # 310 kWh over 31 days: 16 days in January (16th–31st), 15 in February (1st–15th)
    assert _monthly(r) == {
        "2024-01": pytest.approx(0.310 * 16 / 31),
        "2024-02": pytest.approx(0.310 * 15 / 31),
    }
    assert r.quality.rows_in == 2 and r.quality.rows_accounted == 2
    assert r.quality.notes == {"register_baseline": 1, "register_split": 1}
    assert r.table["rows"].sum() == 2


def test_a_register_without_meter_id_is_rejected_not_chained(tmp_path: Path) -> None:
    lines = [
        "F1,,electricity,100,kWh,2024-01-01,register",
        "F1,,electricity,900,kWh,2024-02-01,register",
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp,kind", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.quality.rejected_by_reason == {"register_without_meter": 2}
    assert r.table.height == 0 or r.table["electricity_in_MWh"].sum() == 0


def test_a_register_capacity_column_tells_a_rollover_from_a_reset(tmp_path: Path) -> None:
    lines = [
        "F1,M1,electricity,9800,kWh,2024-01-01,register,10000",
        "F1,M1,electricity,300,kWh,2024-02-01,register,10000",  # 10 000 − 9 800 + 300 = 500
        "F1,M2,electricity,4000,kWh,2024-01-01,register,1000000",
        "F1,M2,electricity,100,kWh,2024-02-01,register,1000000",  # wrapped 996 100: a reset
    ]
    header = "firm_id,meter_id,carrier,value,unit,timestamp,kind,register_capacity"
    r = footprint(
        _csv(tmp_path / "r.csv", header, lines),
        method=carbonacct.Method(grid_factor=EF, period="month"),
    )
    assert _monthly(r) == {"2024-01": pytest.approx(0.5)}
    assert r.quality.rejected_by_reason == {"register_reset": 1}
    assert r.quality.notes["register_rollover"] == 1


def test_a_register_read_in_kwh_then_mwh_is_one_sequence(tmp_path: Path) -> None:
    lines = [
        "F1,R1,电力,1000,kWh,2024-01-01,register",
        "F1,R1,电力,2,MWh,2024-02-01,register",  # 2 000 kWh
        "F1,R1,电力,3000,kWh,2024-03-01,register",
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp,kind", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # January: 2 000 − 1 000 kWh; February: 3 000 − 2 000 kWh
    assert _monthly(r) == {"2024-01": pytest.approx(1.0), "2024-02": pytest.approx(1.0)}
    assert r.quality.notes == {"register_baseline": 1}


def test_a_register_misread_is_left_out_and_the_interval_bridged(tmp_path: Path) -> None:
    values = [50000, 51000, 50990, 52000]  # March reads 10 kWh low, April is back above
    lines = [
        f"F1,R1,electricity,{v},kWh,2024-{m:02d}-01,register"
        for m, v in zip((1, 2, 3, 4), values, strict=True)
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp,kind", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, period="month"))
    # January 1 000 kWh; February 1 to April 1: 52 000 − 51 000 = 1 000 kWh over 60 days,
    # 29 in February and 31 in March
    assert _monthly(r) == {
        "2024-01": pytest.approx(1.0),
        "2024-02": pytest.approx(1.0 * 29 / 60),
        "2024-03": pytest.approx(1.0 * 31 / 60),
    }
    assert r.quality.rejected_by_reason == {"register_misread": 1}


_R1 = [  # a cumulative meter read twice on 1 February (the outside tester's file)
    "91320500MA1XYZ0001,R1,电力,2024-01-01 00:00,10000,kWh,register",
    "91320500MA1XYZ0001,R1,电力,2024-02-01 00:00,12000,kWh,register",
    "91320500MA1XYZ0001,R1,电力,2024-02-01 00:00,{second},kWh,register",
    "91320500MA1XYZ0001,R1,电力,2024-03-01 00:00,15000,kWh,register",
]


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_register_readings_at_one_time_are_compared_even_without_the_duplicate_check(
    tmp_path: Path, check: bool, fmt: str, engine: str
) -> None:
    header = "firm_id,meter_id,carrier,timestamp,value,unit,kind"
    method = carbonacct.Method(grid_factor=EF, period="month", check_duplicates=check)
    run = carbonacct.RunOptions(engine=engine)  # type: ignore[arg-type]
    for second, january, february, rejected in [
        # 12000 and 13000 at one time: both rejected; 15000 − 10000 = 5000 kWh over 60 days
        (13000, 5.0 * 31 / 60, 5.0 * 29 / 60, {"conflicting_duplicate": 2}),
        # the same reading twice: one kept; 2000 kWh in January, 3000 in February
        (12000, 2.0, 3.0, {"duplicate_reading": 1}),
    ]:
        path = _csv(tmp_path / "r.csv", header, [line.format(second=second) for line in _R1])
        if fmt == "parquet":
            pl.read_csv(path).write_parquet(path := tmp_path / "r.parquet")
        r = footprint(path, method=method, run=run)
        q = r.quality
        assert (q.rows_in, q.rows_rejected, q.balanced) == (4, sum(rejected.values()), True)
        assert q.rejected_by_reason == rejected
        assert _monthly(r) == {
            "2024-01": pytest.approx(january),
            "2024-02": pytest.approx(february),
        }
        assert r.table["rows"].sum() + r.table["rows_rejected"].sum() == 4


# -- 5. Excel workbooks with several sheets ------------------------------------------------------


def test_every_sheet_with_readings_is_read_and_the_others_listed(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "一月"
    ws.append(["企业代码", "表计编号", "能源品种", "数量", "计量单位", "时间"])
    ws.append(["F1", "M1", "电力", 1000, "kWh", dt.datetime(2024, 1, 10, 8, 0)])
    ws.append(["F1", "M1", "电力", "2000", "kWh", "2024-01-11 08:00"])
    ws2 = wb.create_sheet("二月")
    ws2.append(["企业代码", "表计编号", "能源品种", "数量", "计量单位", "时间"])
    ws2.append(["F1", "M1", "电力", 3000, "kWh", dt.datetime(2024, 2, 10, 8, 0)])
    notes = wb.create_sheet("填表说明")
    notes.append(["说明"])
    notes.append(["单位为kWh"])
    wb.save(tmp_path / "book.xlsx")
    r = footprint(tmp_path / "book.xlsx", method=carbonacct.Method(grid_factor=EF, period="month"))
    assert _monthly(r) == {"2024-01": pytest.approx(3.0), "2024-02": pytest.approx(3.0)}
    assert r.quality.rows_in == 3
    # a notes sheet of one column is no table: both its filled rows are unread (说明 is no header)
    assert any(
        "填表说明: not read (not a table: 2 filled cells, the first '说明'; 2 rows)" in w
        for w in r.quality.warnings
    )
    unread = r.provenance["inputs"]["readings"]["unread"]
    assert unread == [
        {
            "table": f"{tmp_path / 'book.xlsx'}#填表说明",
            "rows": 2,
            "why": "not a table: 2 filled cells, the first '说明'",
        }
    ]
    one = footprint(
        tmp_path / "book.xlsx",
        method=carbonacct.Method(grid_factor=EF, period="month"),
        run=carbonacct.RunOptions(sheet="二月"),
    )
    assert _monthly(one) == {"2024-02": pytest.approx(3.0)}
    with pytest.raises(InputError, match="no sheet '三月'"):
        footprint(
            tmp_path / "book.xlsx",
            method=carbonacct.Method(grid_factor=EF),
            run=carbonacct.RunOptions(sheet="三月"),
        )


# -- 8. duplicates on normalised values ----------------------------------------------------------


def test_duplicates_written_two_ways_are_found(tmp_path: Path) -> None:
    lines = [
        "F1,M1,electricity,1,MWh,2024-01-01 00:00:00",
        "F1,M1,电力,1000,kWh,2024-01-01T00:00:00",  # the same reading: kept once
        "F1,M2,electricity,5,MWh,2024-01-01 00:00",
        "F1,M2,电力,6000,kWh,2024/1/1 0:00",  # the same meter and time, another value
        "F1,M3,electricity,2,MWh,2024-01-01 00:00",
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.quality.rejected_by_reason == {"duplicate_reading": 1, "conflicting_duplicate": 2}
    # accounted: M1 once (1 MWh) and M3 (2 MWh); M2's two conflicting readings are not summed
    assert _monthly(r) == {"2024": pytest.approx(3.0)}
    rejects = r.rejects.sort("row")
    # rows as a spreadsheet shows them: the header is row 1
    assert rejects.select("row", "reject_reason").rows() == [
        (3, "duplicate_reading"),
        (4, "conflicting_duplicate"),
        (5, "conflicting_duplicate"),
    ]


# -- 11. rejects name file, row within it, column and value --------------------------------------


def test_rejects_name_file_row_column_and_value(tmp_path: Path) -> None:
    a = _csv(
        tmp_path / "a.csv",
        "firm_id,carrier,value,unit,timestamp",
        ["F1,electricity,1,kWh,2024-01-01", "F1,electricity,abc,kWh,2024-01-02"],
    )
    b = _csv(
        tmp_path / "b.csv",
        "firm_id,carrier,value,unit,timestamp",
        [
            "F1,unobtainium,1,kWh,2024-01-01",
            "F1,electricity,-5,kWh,2024-01-02",
            "F1,electricity,1,kWh,20x4",
        ],
    )
    r = footprint([a, b], method=carbonacct.Method(grid_factor=EF))
    got = r.rejects.select("file", "row", "column", "value", "reject_reason").rows()
    # rows as a spreadsheet shows them (the header is row 1), counted per file
    assert got == [
        (str(a), 3, "value", "abc", "not_a_number"),
        (str(b), 2, "carrier", "unobtainium", "unknown_carrier"),
        (str(b), 3, "value", "-5", "negative_value"),
        (str(b), 4, "timestamp", "20x4", "bad_timestamp"),
    ]
    assert r.quality.rows_in == 5 and r.quality.rows_rejected == 4


def test_nan_and_infinite_values_are_not_numbers(tmp_path: Path) -> None:
    values = ("nan", "inf", "-inf", "NaN", '"1,234.5"')
    lines = [f"F1,electricity,{v},kWh,2024-01-01" for v in values]
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.quality.rejected_by_reason == {"not_a_number": 4}
    # "1,234.5" with a thousands separator is 1 234.5 kWh
    assert _monthly(r) == {"2024": pytest.approx(1.2345)}


def test_timestamps_outside_plausible_years_are_rejected(tmp_path: Path) -> None:
    lines = ["F1,electricity,1,kWh,1850-01-01", "F1,electricity,1,kWh,2024-01-01"]
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.quality.rejected_by_reason == {"bad_timestamp": 1}


# -- 10. completeness ---------------------------------------------------------------------------


def test_gaps_are_counted_per_meter_and_can_be_required_away(tmp_path: Path) -> None:
    hours = [f"2024-01-01 {h:02d}:00" for h in range(24) if h not in (5, 6, 7)]
    lines = [f"F1,M1,electricity,1,kWh,{t}" for t in hours]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    gaps = r.completeness
    assert gaps is not None
    row = gaps.row(0, named=True)
    # hourly from 00:00 to 23:00: 24 expected, 21 present
    assert (row["meter_id"], row["expected"], row["present"], row["missing"]) == ("M1", 24, 21, 3)
    assert any("3 of 24 readings missing" in w for w in r.quality.warnings)
    with pytest.raises(InputError, match="gaps"):
        footprint(
            path,
            method=carbonacct.Method(grid_factor=EF),
            run=carbonacct.RunOptions(require_complete=True),
        )


def test_missing_months_of_monthly_data(tmp_path: Path) -> None:
    lines = [f"F1,M1,electricity,1,MWh,2024-{m:02d}" for m in (1, 2, 5, 6)]
    lines += [f"F1,,diesel,1,t,2024-{m:02d}" for m in range(1, 13)]  # no meter: one series
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,period", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    gaps = {row["meter_id"]: row for row in r.completeness.iter_rows(named=True)}  # type: ignore[union-attr]
    # every month of the calendar year is expected: 12, of which M1 has 4
    m1 = gaps["M1"]
    assert (m1["first"], m1["last"], m1["expected"], m1["missing"]) == ("2024-01", "2024-12", 12, 8)
    assert gaps["(no meter) diesel"]["missing"] == 0


def test_a_row_with_more_fields_than_the_header_is_an_input_error(tmp_path: Path) -> None:
    lines = ["F1,electricity,1,kWh,2024-01-01", "F1,electricity,1,234.5,kWh,2024-01-02"]
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", lines)
    with pytest.raises(InputError, match=r"r\.csv, line 3: a row has more fields than the header"):
        footprint(path, method=carbonacct.Method(grid_factor=EF))


# -- property: any mix of these faults, in files as plants export them, balances ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell = {
    "firm_id": st.sampled_from(["F1", "F2", " F1 ", "", "未知企业"]),
    "meter_id": st.sampled_from(["东区主表", "西区主表", "M1", ""]),
    "carrier": st.sampled_from(["电力", "electricity", "天然气", "原煤", "unobtainium", ""]),
    "value": st.sampled_from(["1", "1000", "-3", "nan", "inf", "abc", "", "2.5", '"1,234.5"']),
    "unit": st.sampled_from(["kWh", "MWh", "万kWh", "Nm3", "t", "KWH", "-kWh", "", "9**9**9 kWh"]),
    "timestamp": st.sampled_from(
        [
            "2024-01-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024/1/31 24:00",
            "2024-02-01T00:00:00+08:00",
            "2023-12-31T16:00:00Z",
            "1850-01-01",
            "soon",
            "",
        ]
    ),
    "kind": st.sampled_from(["", "interval", "register", "累计", "weird"]),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(_cell), min_size=1, max_size=25), st.integers(0, 25))
def test_any_mix_of_faults_in_gbk_csv_and_typed_parquet_balances(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]], cut: int
) -> None:
    tmp = tmp_path_factory.mktemp("mix")
    header = list(_cell)
    csv_rows, pq_rows = rows[:cut], rows[cut:]
    files: list[Path] = []
    if csv_rows:
        lines = [",".join(r[c] for c in header) for r in csv_rows]
        files.append(_csv(tmp / "r.csv", ",".join(header), lines, "gb18030"))
    if pq_rows:
        text = pl.Series([r["timestamp"] for r in pq_rows])
        ts = text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
        values = pl.Series([r["value"].strip('"').replace(",", "") for r in pq_rows])
        pl.DataFrame(
            {
                "firm_id": [r["firm_id"] for r in pq_rows],
                "meter_id": [r["meter_id"] for r in pq_rows],
                "carrier": [r["carrier"] for r in pq_rows],
                "value": values.cast(pl.Float64, strict=False),
                "unit": [r["unit"] for r in pq_rows],
                "timestamp": ts,
                "kind": [r["kind"] for r in pq_rows],
            }
        ).write_parquet(tmp / "r.parquet")
        files.append(tmp / "r.parquet")
    firms = pl.DataFrame({"firm_id": ["F1", "F2"], "province": ["江苏", "江苏"]})
    r = footprint(
        files,
        firms=firms,
        method=carbonacct.Method(period="month"),
        run=carbonacct.RunOptions(checksum=False),
    )
    q = r.quality
    assert q.rows_in == len(rows)
    assert q.rows_in == q.rows_accounted + q.rows_rejected
    assert r.rejects.height == q.rows_rejected
    assert int(r.table["rows"].sum() or 0) == q.rows_accounted
    if r.rejects.height:
        assert r.rejects["file"].null_count() == 0 and r.rejects["row"].min() >= 1


def test_steam_without_a_feedwater_deduction_says_so(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,period", ["F1,蒸汽,2000,t,2024-01"])
    r = footprint(path, method=carbonacct.Method(grid_factor=EF, steam_enthalpy_kJ_per_kg=2780))
    # heat = 2 000 t × 2 780 kJ/kg / 1 000 = 5 560 GJ, and the assumption is stated
    assert r.table["heat_in_GJ"][0] == pytest.approx(5560.0)
    assert any("no feed-water enthalpy deducted" in w for w in r.quality.warnings)
    r = footprint(
        path,
        method=carbonacct.Method(
            grid_factor=EF, steam_enthalpy_kJ_per_kg=2780, steam_feedwater_enthalpy_kJ_per_kg=83.74
        ),
    )
    assert r.table["heat_in_GJ"][0] == pytest.approx(2000 * (2780 - 83.74) / 1000)
    assert not any("feed-water" in w for w in r.quality.warnings)


def test_implausible_scales_and_values_are_rejected(tmp_path: Path) -> None:
    lines = [
        "F1,electricity,1,1e308 kWh,2024-01-01",
        "F1,electricity,1,1e5*1e5*1e5*1e5 kWh,2024-01-01",
        "F1,electricity,1e306,GWh,2024-01-01",
        "F1,electricity,1,亿kWh,2024-01-01",  # 10^8 kWh = 10^5 MWh: a plausible unit
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    assert r.quality.rejected_by_reason == {"unknown_unit": 2, "implausible_value": 1}
    assert _monthly(r) == {"2024": pytest.approx(1e5)}


def test_bad_options_and_files_are_one_line_errors(tmp_path: Path) -> None:
    good = _csv(
        tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", ["F1,电力,1,kWh,2024-01-01"]
    )
    with pytest.raises(CarbonacctError, match="not an IANA time zone"):
        footprint(good, method=carbonacct.Method(grid_factor=EF, timezone="Asia/Beijing"))
    quote = tmp_path / "q.csv"
    quote.write_text('firm_id,carrier,value,unit,timestamp\n"F1,电力,1,kWh,2024-01-01\n', "utf-8")
    with pytest.raises(InputError, match=r"q\.csv"):
        footprint(quote, method=carbonacct.Method(grid_factor=EF))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("x")
    with pytest.raises(InputError, match=r"fake\.xlsx: cannot be read"):
        footprint(fake, method=carbonacct.Method(grid_factor=EF))
    both = _csv(
        tmp_path / "b.csv",
        "企业代码,firm_id,carrier,value,unit,timestamp",
        ["F1,F2,电力,1,kWh,2024-01-01"],
    )
    with pytest.raises(InputError, match="both mean 'firm_id'"):
        footprint(both, method=carbonacct.Method(grid_factor=EF))


def test_a_title_row_above_the_header_and_a_hidden_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "4月"
    ws.append(["2024年4月 电力抄表"])
    ws.append(["企业代码", "表计编号", "能源品种", "数量", "计量单位", "时间"])
    for d in (1, 2, 3):
        ws.append(["F1", "M1", "电力", 1000, "kWh", dt.datetime(2024, 4, d)])
    hidden = wb.create_sheet("备份")
    hidden.append(["企业代码", "表计编号", "能源品种", "数量", "计量单位", "时间"])
    hidden.append(["F1", "M2", "电力", 500, "kWh", dt.datetime(2024, 4, 1)])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "book.xlsx")
    r = footprint(tmp_path / "book.xlsx", method=carbonacct.Method(grid_factor=EF))
    assert any("header found on row 2" in w for w in r.quality.warnings)
    assert any("hidden sheet, read" in w for w in r.quality.warnings)
    # 3 × 1 000 kWh + 500 kWh
    assert _monthly(r) == {"2024": pytest.approx(3.5)}
    assert r.quality.rows_in == 4


def test_an_empty_row_is_rejected_as_such(tmp_path: Path) -> None:
    lines = ["F1,electricity,1,kWh,2024-01-01", ",,,,", "F1,,1,kWh,2024-01-01"]
    path = _csv(tmp_path / "r.csv", "firm_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, method=carbonacct.Method(grid_factor=EF))
    got = r.rejects.select("row", "reject_reason").rows()
    assert got == [(3, "empty_row"), (4, "missing_carrier")]


def test_rows_rejected_are_counted_on_their_own_meter(tmp_path: Path) -> None:
    lines = [
        "F1,M1,electricity,1,kWh,2024-01-05",
        "F1,M1,electricity,-1,kWh,2024-01-06",  # rejected on M1
        "F1,M2,electricity,1,kWh,2024-01-05",
    ]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,value,unit,timestamp", lines)
    r = footprint(path, by=("meter_id",), method=carbonacct.Method(grid_factor=EF, period="month"))
    got = dict(zip(r.table["meter_id"], r.table["rows_rejected"], strict=True))
    assert got == {"M1": 1, "M2": 0}


def test_electricity_without_a_grid_factor_keeps_its_energy(tmp_path: Path) -> None:
    lines = ["F1,E1,电力,2020,1000,MWh", "F1,E1,电力,2023,1000,MWh", "F2,E2,电力,2023,1000,MWh"]
    path = _csv(tmp_path / "r.csv", "firm_id,meter_id,carrier,period,value,unit", lines)
    firms = pl.DataFrame({"firm_id": ["F1", "F2"], "province": ["江苏省", None]})
    r = footprint(path, firms=firms)
    rows = {
        (f, p): (e, c, m)
        for f, p, e, c, m in r.table.select(
            "firm_id", "period", "energy_tce", "co2_t", "rows_co2_missing"
        ).iter_rows()
    }
    # 1 000 MWh × 0.1229 tce/MWh = 122.9 tce every time; CO2 only where a grid factor exists:
    # Jiangsu 2023 0.5827 → 582.7 t; 2020 (no MEE/NBS factor) and F2 (no province) missing
    assert rows[("F1", "2020")] == (pytest.approx(122.9), 0.0, 1)
    assert rows[("F1", "2023")] == (pytest.approx(122.9), pytest.approx(582.7), 0)
    assert rows[("F2", "2023")] == (pytest.approx(122.9), 0.0, 1)
    assert r.quality.rows_rejected == 0
    assert any("no grid factor for 2 electricity row(s)" in w for w in r.quality.warnings)


def test_a_header_written_twice_in_a_workbook_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["企业代码", "能源品种", "数量", "计量单位", "时间", "企业代码"])
    wb.active.append(["F1", "电力", 1, "kWh", "2024-01-01", "F2"])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(InputError, match="both mean 'firm_id'"):
        footprint(tmp_path / "b.xlsx", method=carbonacct.Method(grid_factor=EF))
