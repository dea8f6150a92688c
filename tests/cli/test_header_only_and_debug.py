"""A header-only CSV is an input error; --debug is accepted after the command too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from carbonacct.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_header_only_csv_exits_1_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "读数.csv"
    path.write_bytes("企业代码,期间,能源品种,数值,单位\r\n".encode("gbk"))
    done = _run("footprint", str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{path}: no data rows (only a header)" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_after_the_command_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("firm_id,period,carrier,value,unit\nF1,2023,raw_coal,100,t\n")
    done = _run("footprint", str(path), "--debug")
    assert done.returncode == 0, done.stderr
    assert "No such option" not in done.stderr
    assert "Traceback" not in done.stderr


def test_zero_row_parquet_exits_1_naming_the_file(tmp_path: Path) -> None:
    import polars as pl

    path = tmp_path / "empty.parquet"
    pl.DataFrame(
        schema={"firm_id": pl.String, "carrier": pl.String, "value": pl.Float64, "unit": pl.String}
    ).with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias("timestamp")).write_parquet(path)
    done = _run("footprint", str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{path}: no data rows (0 rows)" in done.stderr
    assert "Traceback" not in done.stderr and "concat" not in done.stderr
