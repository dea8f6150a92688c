"""Exit 4 "rejected rows (with --strict)", as the top-level help says: every command it names
has --strict, and `check --strict` fails on a rejected reading or a refused actuals row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from carbonacct.cli import cli, main

FIRMS = "firm_id,name,province,sector\nCHEM,甲醇厂,广东省,2614\n"
READINGS = (
    "firm_id,period,carrier,value,unit\n"
    "CHEM,2025,electricity,10000,MWh\n"
    "CHEM,2025,electricity,abc,MWh\n"  # row 3: not a number, rejected
)
ACTIVITY = (
    "firm_id,period,metric,value,unit,price_basis\nCHEM,2025,value_added,1000,万元,constant:2020\n"
)
ACTUALS = (
    "firm_id,year,metric,value,unit,price_basis\n"
    "CHEM,2020,energy_intensity_va,1.2,tce/万元,constant:2020\n"
    "CHEM,2025,energy_intensity_va,-1,tce/万元,constant:2020\n"  # row 3: negative, refused
)


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    for name, text in (("f", FIRMS), ("r", READINGS), ("a", ACTIVITY), ("x", ACTUALS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    argv = ["check", "--firms", str(tmp_path / "f.csv"), "--format", "csv"]
    argv += [a if not a.endswith(".csv") else str(tmp_path / a) for a in args]
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_the_help_names_the_commands_that_have_strict() -> None:
    text = CliRunner().invoke(cli, ["--help"]).output
    (named,) = re.findall(r"4 rejected rows \(([^)]*)\)", " ".join(text.split()))
    commands = re.findall(r"\b(footprint|check|sector|validate|report)\b", named)
    assert "check" in commands
    for command in commands:
        help_text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "--strict" in help_text, command


def test_check_strict_fails_on_a_rejected_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--readings", "r.csv", "--activity", "a.csv")
    code, err = _run(tmp_path, capsys, *args)
    assert code == 0, err  # without --strict: the rest is accounted, the row listed
    code, err = _run(tmp_path, capsys, *args, "--strict")
    assert code == 4, err
    assert "row(s) rejected" in err and "row=3" in err


def test_check_strict_fails_on_a_refused_actuals_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(tmp_path, capsys, "--actuals", "x.csv")
    assert code == 0, err
    code, err = _run(tmp_path, capsys, "--actuals", "x.csv", "--strict")
    assert code == 4, err
    assert "1 row(s) refused by the check (--strict)" in err and "row 3" in err
