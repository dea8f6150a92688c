"""Input columns the reader does not use are said; one that holds reading kinds is said sharply;
readings dated after today are said. On a GBK CSV and typed Parquet, fast path and in-memory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import cli
from tests.conftest import spy_kernel

#: GB/T 2589 equivalent-value coefficient of electricity, tce per kWh
KWH_TCE = 0.1229e-3
HEADER = "表计编号,时间,{kind},能源品种,读数,单位,企业代码\n"
REGISTERS = [
    ("R1", "2024-01-01 00:00", "累计", "电力", 10000.0, "kWh", "F1"),
    ("R1", "2024-02-01 00:00", "累计", "电力", 12000.0, "kWh", "F1"),
    ("R1", "2024-03-01 00:00", "累计", "电力", 15000.0, "kWh", "F1"),
]
FIRMS = pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]})


def _gbk_csv(path: Path, kind_header: str, rows: list[tuple[Any, ...]] = REGISTERS) -> str:
    text = HEADER.format(kind=kind_header) + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path.write_bytes(text.encode("gbk"))
    return str(path)


def _parquet(path: Path, kind_header: str, rows: list[tuple[Any, ...]] = REGISTERS) -> str:
    names = ["meter_id", "timestamp", kind_header, "carrier", "value", "unit", "firm_id"]
    frame = pl.DataFrame(rows, schema=names, orient="row").with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%d %H:%M")
    )
    frame.write_parquet(path)
    return str(path)


def _run(readings: str, engine: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bool]]:
    """The footprint, and whether the typed fast path took it (on the streaming engine)."""
    fast = spy_kernel(monkeypatch)
    run = carbonacct.RunOptions(engine=engine, checksum=False)  # type: ignore[arg-type]
    fp = carbonacct.footprint(
        readings, firms=FIRMS, method=carbonacct.Method(period="month"), run=run
    )
    return fp, fast


WRITERS = {"gbk_csv": (_gbk_csv, "r.csv"), "parquet": (_parquet, "r.parquet")}
#: each format on the default (streaming: the fast path for typed Parquet) and in-memory engines
EVERY_PATH = pytest.mark.parametrize(
    ("fmt", "engine"), [(f, e) for f in sorted(WRITERS) for e in ("streaming", "in-memory")]
)


@EVERY_PATH
def test_a_kind_column_under_an_unmapped_header_is_said(
    tmp_path: Path, fmt: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write, name = WRITERS[fmt]
    path = write(tmp_path / name, "类型")
    fp, fast = _run(path, engine, monkeypatch)
    if fmt == "parquet" and engine == "streaming":
        assert fast == [True]  # typed Parquet: the fast path, with the warning all the same
    # taken as interval readings: 10 000 + 12 000 + 15 000 kWh
    assert fp.table["energy_tce"].sum() == pytest.approx(37_000 * KWH_TCE)
    unused = [w for w in fp.quality.warnings if "not used" in w]
    assert unused == [unused[0]] and unused[0].startswith(f"{path}: column(s) 类型 not used")
    sharp = [w for w in fp.quality.warnings if "looks like the reading kind" in w]
    assert len(sharp) == 1 and sharp[0].startswith(f"{path}: column 类型 looks like")
    assert "taken as an interval reading" in sharp[0] and "读数类型" in sharp[0]


@EVERY_PATH
def test_the_mapped_header_reads_registers_and_says_nothing(
    tmp_path: Path, fmt: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write, name = WRITERS[fmt]
    fp, _ = _run(write(tmp_path / name, "读数类型"), engine, monkeypatch)
    # registers: 10 000 is the baseline, then 12 000 - 10 000 + 15 000 - 12 000 = 5 000 kWh
    assert fp.table["energy_tce"].sum() == pytest.approx(5_000 * KWH_TCE)
    assert not [w for w in fp.quality.warnings if "not used" in w or "reading kind" in w]


@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_a_column_of_other_words_is_only_named(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """能源类型 with 累计 on one row and 电 on another is not the reading kind: only named."""
    rows = [(*r[:2], ("累计", "电", "累计")[i], *r[3:]) for i, r in enumerate(REGISTERS)]
    path = _gbk_csv(tmp_path / "r.csv", "能源类型", rows)
    fp, _ = _run(path, engine, monkeypatch)
    assert [w for w in fp.quality.warnings if "not used" in w] == [
        f"{path}: column(s) 能源类型 not used; the accepted column names are in the README's "
        "table of reading columns (rename a column to have it read)"
    ]
    assert not [w for w in fp.quality.warnings if "reading kind" in w]


def test_one_warning_per_file_and_hive_folders_are_not_columns(tmp_path: Path) -> None:
    a = _gbk_csv(tmp_path / "a.csv", "备注")
    b = _gbk_csv(tmp_path / "b.csv", "读数类型")
    frame = pl.read_parquet(_parquet(tmp_path / "x.parquet", "kind")).with_columns(
        pl.lit(2024).alias("year")
    )
    frame.write_parquet(tmp_path / "hive", partition_by=["year"])
    fp = carbonacct.footprint([a, b, str(tmp_path / "hive")], firms=FIRMS)
    said = [w for w in fp.quality.warnings if "not used" in w]
    assert len(said) == 1 and said[0].startswith(f"{a}: column(s) 备注 not used")


def test_the_cli_says_it_on_stderr(tmp_path: Path) -> None:
    path = _gbk_csv(tmp_path / "r.csv", "类型")
    FIRMS.write_csv(tmp_path / "f.csv")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(
        cli,
        [
            "footprint",
            path,
            "--firms",
            str(tmp_path / "f.csv"),
            "--period",
            "month",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "column(s) 类型 not used" in res.stderr and "looks like the reading kind" in res.stderr
    assert "looks like the reading kind" in (tmp_path / "out.csv.json").read_text("utf-8")


FUTURE = [
    ("M1", "2024-01-01 00:00", "interval", "电力", 100.0, "kWh", "F1"),
    ("M1", "2099-02-01 00:00", "interval", "电力", 200.0, "kWh", "F1"),
    ("M2", "2099-03-01 06:00", "interval", "电力", 300.0, "kWh", "F1"),
    ("M3", "2099-04-01 00:00", "interval", "煤气罐", 400.0, "kWh", "F1"),  # rejected: carrier
]


@EVERY_PATH
def test_readings_dated_after_today_are_said(
    tmp_path: Path, fmt: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write, name = WRITERS[fmt]
    path = write(tmp_path / name, "kind", FUTURE)
    fp, fast = _run(path, engine, monkeypatch)
    if fmt == "parquet" and engine == "streaming":
        assert fast == [True]
    assert fp.quality.rows_rejected == 1
    said = [w for w in fp.quality.warnings if "after today" in w]
    # M1's 2099 row and M2's: 2 rows accepted after today; M3's rejected row is not counted
    assert said == [
        f"readings dated after today ({date.today():%Y-%m-%d}) were accounted: {path} "
        "(2 rows, latest 2099-03-01 06:00); check the year of their timestamps"
    ]


def test_a_reading_at_midnight_tomorrow_ends_today(tmp_path: Path) -> None:
    from carbonacct.completeness import future_readings

    gaps = pl.DataFrame({"step": ["15min"], "last": ["2024-05-02 00:00"]})
    rows = pl.LazyFrame({"_ts": [datetime(2024, 5, 2)]})
    # the gaps say nothing is after 2024-05-01's end, so the rows are not even read
    assert future_readings(gaps, rows, pl.DataFrame(), pl.DataFrame(), date(2024, 5, 1)) == []


def test_a_workbook_sheet_names_its_columns_but_not_a_blank_one(tmp_path: Path) -> None:
    """Of a notes sheet and a sheet of monthly rows with 备注, a blank column and 类型 (累计):
    the sheet read is named with its columns; the blank one (no header, no value) is not."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表为读数"
    ws = wb.create_sheet("一月")
    ws.append(["企业代码", "能源品种", "数量", "计量单位", "统计期", "备注", None, "类型"])
    ws.append(["F1", "电力", 100, "kWh", "2024-01", "ok", None, "累计"])
    ws.append(["F1", "电力", 200, "kWh", "2024-02", "", None, "累计"])
    wb.save(tmp_path / "m.xlsx")
    fp = carbonacct.footprint(str(tmp_path / "m.xlsx"), firms=FIRMS)
    label = f"{tmp_path / 'm.xlsx'}#一月"
    said = [w for w in fp.quality.warnings if "not used" in w or "reading kind" in w]
    assert len(said) == 2 and said[0].startswith(f"{label}: column(s) 备注, 类型 not used")
    assert said[1].startswith(f"{label}: column 类型 looks like the reading kind")
    # the monthly rows taken as intervals: 100 + 200 kWh
    assert fp.table["energy_tce"].sum() == pytest.approx(300 * KWH_TCE)
