"""Bad option values are usage errors (exit 2) naming the allowed values; output paths; pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
FUELS = str(ROOT / "examples" / "jiangsu" / "fuels.csv")


def test_unknown_factor_set_is_a_usage_error_listing_the_sets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(capsys, "footprint", FUELS, "--factor-set", "nosuch")
    assert code == 2
    assert "'nosuch' is not a factor set" in err and "gbt32151-2024" in err and "ndrc-2013" in err
    assert "Nearest: []" not in err


def test_unknown_factor_set_in_the_library_lists_the_known_ids() -> None:
    import carbonacct
    from carbonacct.errors import FactorNotFoundError

    with pytest.raises(FactorNotFoundError, match=r"Known: \[.*'gbt32151-2024'"):
        carbonacct.factors.default_library().get("qqqqqqqqqqqqqqqqqqqq")


def test_unknown_encoding_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "footprint", FUELS, "--encoding", "klingon")
    assert code == 2 and "'klingon' is not a text encoding" in err and "gb18030" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--firms", "-3"), ("--meters-per-firm", "0"), ("--years", "0"), ("--bad-fraction", "2")],
)
def test_synth_options_out_of_range_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str
) -> None:
    code, _, err = run_cli(capsys, "synth", option, value, "-o", str(tmp_path / "s"))
    assert code == 2 and f"Invalid value for '{option}'" in err
    assert not (tmp_path / "s").exists()


def test_bad_scheduler_spelling_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "footprint", FUELS, "--scheduler", "local:x")
    assert code == 2 and "tcp://HOST:PORT or local:N" in err


def test_unreachable_scheduler_is_named_not_the_inputs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    from carbonacct.cli import footprint

    monkeypatch.setattr(footprint, "SCHEDULER_TIMEOUT", "0.5s")
    code, _, err = run_cli(capsys, "footprint", FUELS, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 1
    assert "could not reach the Dask scheduler at tcp://127.0.0.1:1" in err
    assert "fuels.csv" not in err


def test_broken_xlsx_assessment_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    code, _, err = run_cli(capsys, "green-score", str(bad))
    assert code == 1
    assert f"{bad}: is not a readable Excel workbook" in err and "--debug" not in err


def test_missing_output_directory_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "nonexist" / "x.json"
    code, _, err = run_cli(capsys, "footprint", FUELS, "--steam-enthalpy", "2780", "-o", str(out))
    assert code == 1
    assert f"the directory {out.parent} does not exist" in err
    assert not out.parent.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["benchmarks", "list"],
        ["green-score", str(ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"),
         "--footprint", FUELS, "--steam-enthalpy", "2780",
         "--firms", str(ROOT / "examples" / "jiangsu" / "firms.csv"),
         "--activity", str(ROOT / "examples" / "jiangsu" / "activity.csv")],
    ],
)  # fmt: skip
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    """`carbonacct ... | head -1`: no message, the status of a tool stopped by SIGPIPE."""
    code = "from carbonacct.cli import main; main()"
    env = {"COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    err = proc.stderr.decode()
    assert proc.returncode == 141, err
    assert "Error" not in err and "Traceback" not in err


def test_validate_needs_no_firms(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    readings = tmp_path / "r.csv"
    readings.write_text(
        "firm_id,carrier,value,unit,period\nA,electricity,abc,kWh,2024\nA,electricity,5,kWh,2024\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "validate", str(readings))
    assert code == 0, err
    assert "rows in 2 = accounted 1 + rejected 1" in out
    assert "province" not in err


def test_an_unwritable_output_is_named_not_the_inputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rejects = tmp_path / "nonexist" / "rej.csv"
    code, _, err = run_cli(
        capsys, "footprint", FUELS, "--steam-enthalpy", "2780", "--rejects", str(rejects)
    )
    assert code == 1
    assert f"Error: {rejects}: No such file or directory" in err and "reading" not in err
