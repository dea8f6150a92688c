"""Inputs as a re-trial gave them: a folder of Parquet files whose timestamp types differ
(ms, µs UTC, ns), a folder of CSVs, a 0-byte file among others, -o onto an input, a blank
sheet and the CLI spelling of options in warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.errors import InputError

HEADER = "firm_id,meter_id,carrier,timestamp,value,unit,kind\n"


@pytest.fixture
def firms(tmp_path: Path) -> str:
    path = tmp_path / "firms.csv"
    path.write_text("firm_id,name,province\nF1,一厂,江苏省\n", encoding="utf-8")
    return str(path)


def _rows(day: int, n: int, value: float) -> list[str]:
    # 15-minute electricity intervals on one day of January 2024, one meter
    return [
        f"F1,E1,电力,2024-01-{day:02d} {q // 4:02d}:{q % 4 * 15:02d},{value},kWh,interval"
        for q in range(n)
    ]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from carbonacct.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def _frame(day: int, n: int, value: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": ["F1"] * n,
            "meter_id": ["E1"] * n,
            "carrier": ["电力"] * n,
            "timestamp": [f"2024-01-{day:02d} {q // 4:02d}:{q % 4 * 15:02d}" for q in range(n)],
            "value": [value] * n,
            "unit": ["kWh"] * n,
            "kind": ["interval"] * n,
        }
    ).with_columns(pl.col("timestamp").str.to_datetime("%Y-%m-%d %H:%M"))


def _mixed_time_folder(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Three exporters' files: Datetime ms, Datetime µs UTC (08:00 local = 00:00 UTC), ns."""
    folder = tmp_path / "dk3"
    folder.mkdir()
    a, b, c = folder / "a.parquet", folder / "b.parquet", folder / "c.parquet"
    _frame(10, 8, 10.0).with_columns(pl.col("timestamp").dt.cast_time_unit("ms")).write_parquet(a)
    _frame(11, 8, 20.0).with_columns(
        (pl.col("timestamp") - pl.duration(hours=8)).dt.replace_time_zone("UTC")
    ).write_parquet(b)
    _frame(12, 8, 30.0).with_columns(pl.col("timestamp").dt.cast_time_unit("ns")).write_parquet(c)
    # one bad row in c (a negative interval) so the rejects are compared too
    pl.concat(
        [
            pl.read_parquet(c),
            _frame(13, 1, -5.0).with_columns(pl.col("timestamp").dt.cast_time_unit("ns")),
        ]
    ).write_parquet(c)
    return folder, [a, b, c]


def test_a_folder_of_differing_timestamp_types_reads_like_its_files_listed(
    tmp_path: Path, firms: str
) -> None:
    folder, files = _mixed_time_folder(tmp_path)
    listed = carbonacct.footprint([str(f) for f in files], firms=firms)
    whole = carbonacct.footprint(str(folder), firms=firms)
    # 8 × 10 + 8 × 20 + 8 × 30 = 480 kWh × 0.1229 kgce/kWh = 58.992 kgce
    assert listed.table["energy_tce"].sum() == pytest.approx(480 * 0.1229e-3)
    assert whole.table["energy_tce"].sum() == pytest.approx(listed.table["energy_tce"].sum())
    assert whole.quality.rows_in == listed.quality.rows_in == 25
    assert whole.quality.rows_rejected == listed.quality.rows_rejected == 1


def test_a_folder_of_csvs_reads_like_its_files_and_skips_empty_ones(
    tmp_path: Path, firms: str
) -> None:
    folder = tmp_path / "fold"
    folder.mkdir()
    (folder / "a.csv").write_text(HEADER + "\n".join(_rows(10, 4, 10.0)) + "\n", encoding="utf-8")
    (folder / "b.csv").write_bytes((HEADER + "\n".join(_rows(11, 4, 20.0)) + "\n").encode("gbk"))
    (folder / "c_header.csv").write_text(HEADER, encoding="utf-8")
    (folder / "d_zero.csv").write_bytes(b"")
    result = carbonacct.footprint(str(folder), firms=firms)
    # 4 × 10 + 4 × 20 = 120 kWh × 0.1229e-3 tce/kWh
    assert result.table["energy_tce"].sum() == pytest.approx(120 * 0.1229e-3)
    assert result.quality.rows_in == 8
    notes = " ".join(result.quality.warnings)
    assert "c_header.csv: no data rows (only a header)" in notes
    assert "d_zero.csv: no data rows (an empty file, 0 bytes)" in notes


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_zero_byte_file_among_others_is_skipped_alone_is_an_error(
    tmp_path: Path, suffix: str, firms: str
) -> None:
    good = tmp_path / "a.csv"
    good.write_text(HEADER + "\n".join(_rows(10, 4, 10.0)) + "\n", encoding="utf-8")
    zero = tmp_path / f"zero{suffix}"
    zero.write_bytes(b"")
    result = carbonacct.footprint([str(good), str(zero)], firms=firms)
    assert result.table["energy_tce"].sum() == pytest.approx(40 * 0.1229e-3)
    assert f"{zero}: no data rows (an empty file, 0 bytes): skipped" in " ".join(
        result.quality.warnings
    )
    with pytest.raises(InputError, match="zero"):
        carbonacct.footprint(str(zero), firms=firms)
    done = _run("footprint", str(zero), "--firms", firms)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{zero}: no data rows (an empty file, 0 bytes)" in done.stderr


@pytest.mark.parametrize("option", ["-o", "--rejects"])
def test_an_output_onto_an_input_is_refused_before_reading(
    tmp_path: Path, option: str, firms: str
) -> None:
    readings = tmp_path / "b2.csv"
    text = HEADER + "\n".join(_rows(10, 4, 10.0)) + "\n"
    readings.write_text(text, encoding="utf-8")
    # the same file by another spelling: ./b2.csv from its folder
    done = _run("footprint", "b2.csv", "--firms", firms, option, "./b2.csv", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "b2.csv" in done.stderr and "input" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert readings.read_text(encoding="utf-8") == text
    assert not (tmp_path / "b2.csv.json").exists()


def test_an_output_onto_a_side_input_is_refused(tmp_path: Path) -> None:
    readings = tmp_path / "r.csv"
    readings.write_text(HEADER + "\n".join(_rows(10, 4, 10.0)) + "\n", encoding="utf-8")
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name\nF1,一厂\n", encoding="utf-8")
    done = _run("footprint", str(readings), "--firms", str(firms), "-o", str(firms))
    assert done.returncode == 1, done.stderr
    assert "firms.csv" in done.stderr
    assert firms.read_text(encoding="utf-8") == "firm_id,name\nF1,一厂\n"


def test_a_blank_sheet_asked_for_says_it_is_empty(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "数据"
    book.active.append(["firm_id", "meter_id", "carrier", "timestamp", "value", "unit"])
    book.active.append(["F1", "E1", "电力", "2024-01-10 00:00", 10, "kWh"])
    book.create_sheet("空白")
    path = tmp_path / "multi.xlsx"
    book.save(path)
    done = _run("footprint", str(path), "--sheet", "空白")
    assert done.returncode == 1
    assert "no rows (the sheet is empty)" in done.stderr
    assert "only a header" not in done.stderr


def test_cli_warnings_give_the_option_as_typed(tmp_path: Path, firms: str) -> None:
    readings = tmp_path / "end.csv"
    lines = [f"F1,E1,电力,2024-01-10 {h:02d}:00,10,kWh,interval" for h in range(1, 24)]
    lines.append("F1,E1,电力,2024-01-10 24:00,10,kWh,interval")
    readings.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    done = _run("footprint", str(readings), "--firms", str(tmp_path / "firms.csv"))
    assert "interval_label" not in done.stderr
    assert "give --interval-label to override" in done.stderr, done.stderr


def test_a_zero_byte_parquet_in_a_parquet_folder_is_skipped(tmp_path: Path, firms: str) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    _frame(10, 4, 10.0).write_parquet(folder / "a.parquet")
    (folder / "b.parquet").write_bytes(b"")
    result = carbonacct.footprint(str(folder), firms=firms)
    # 4 × 10 kWh × 0.1229e-3 tce/kWh
    assert result.table["energy_tce"].sum() == pytest.approx(40 * 0.1229e-3)
    assert "b.parquet: no data rows (an empty file, 0 bytes): skipped" in " ".join(
        result.quality.warnings
    )
