"""The command line's contract: one line per error, documented exit codes, a fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import COMMANDS, cli, main
from carbonacct.cli.units import FAST_UNITS, fast_factor

ROOT = Path(__file__).resolve().parent.parent
JIANGSU = ROOT / "examples" / "jiangsu"
FUELS = str(JIANGSU / "fuels.csv")
FIRMS = str(JIANGSU / "firms.csv")


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the console script's entry point; return (exit code, stdout, stderr)."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty.csv": b"",
        "ragged.csv": b"firm_id,carrier,value,unit,period\nA,x,1,kWh,2024,extra,more\n",
        "bad.json": b"{not json",
        "bad.parquet": b"not a parquet file",
        "bad.xlsx": b"not a workbook",
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    return out


@pytest.mark.parametrize("name", ["empty.csv", "ragged.csv", "bad.json", "bad.parquet", "bad.xlsx"])
def test_unreadable_input_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], bad_inputs: dict[str, Path], name: str
) -> None:
    for command in ("footprint", "validate"):
        code, _, err = run_main(capsys, command, str(bad_inputs[name]))
        line = assert_one_line(err)
        assert code == 1, err
        assert line.startswith("Error: ")
        assert name in line  # where: the file, named by the reader or, failing that, by main


@pytest.mark.parametrize(
    "args",
    [
        ("footprint", "{missing}"),
        ("report", "{missing}", "--firms", FIRMS, "--firm", "A", "-o", "r.html"),
        ("check", "--firms", "{missing}", "--actuals", FIRMS),
        ("reconcile", "{missing}"),
    ],
)
def test_an_input_file_that_does_not_exist_is_an_input_error_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = str(tmp_path / "nowhere.csv")
    code, _, err = run_main(capsys, *(a.format(missing=missing) for a in args))
    line = assert_one_line(err)
    assert code == 1
    assert line.startswith("Error: ") and "nowhere.csv" in line and "does not exist" in line


def test_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], bad_inputs: dict[str, Path]
) -> None:
    code, _, err = run_main(capsys, "--debug", "footprint", str(bad_inputs["bad.json"]))
    assert code == 1
    assert "Traceback (most recent call last)" in err


def test_option_values(capsys: pytest.CaptureFixture[str]) -> None:
    # a value outside what the option allows: a usage error, named with the choices
    code, _, err = run_main(capsys, "footprint", FUELS, "--grid-factor", "provincal")
    assert code == 2 and "provincial" in err and "Traceback" not in err
    # a number no scope-2 grid factor can be, refused by the library's Method: a usage error too
    code, _, err = run_main(capsys, "footprint", FUELS, "--grid-factor", "5")
    assert code == 2 and "not a plausible scope-2 grid factor" in assert_one_line(err)
    # a choice click offers: a usage error
    code, _, err = run_main(capsys, "footprint", FUELS, "--period", "weekly")
    assert code == 2 and "weekly" in err and "Traceback" not in err
    code, _, err = run_main(capsys, "no-such-command")
    assert code == 2 and "Traceback" not in err


def test_unknown_firm_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = str(tmp_path / "r.html")
    code, _, err = run_main(capsys, "report", FUELS, "--firms", FIRMS, "--firm", "NOPE", "-o", out)
    assert code == 1 and "NOPE" in assert_one_line(err)


def test_strict_with_rejected_rows_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    # the example's steam is given by mass without an enthalpy: rejected rows
    code, _, err = run_main(capsys, "footprint", FUELS, "--strict")
    assert code == 4, err
    assert err.startswith("Error: ") and "strict" in err and "Traceback" not in err
    code, _, _ = run_main(capsys, "footprint", FUELS, "--steam-enthalpy", "2800", "--strict")
    assert code == 0


def test_unknown_unit_names_the_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "units", "convert", "1", "kwh", "GJ")
    assert code == 1 and "kWh" in assert_one_line(err)


def test_help_lists_every_command_with_its_own_first_line() -> None:
    for name, (_, _, short) in COMMANDS.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        assert command.get_short_help_str(limit=10**6) == short, name
    out = CliRunner().invoke(cli, ["--help"]).output
    assert all(name in out for name in COMMANDS)


def fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported yet)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_start_up_imports_neither_polars_nor_pint() -> None:
    code = (
        "import sys\n"
        "from carbonacct.cli import main\n"
        "for argv in (['--help'], ['units', 'convert', '1', 'tce', 'GJ']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('polars', 'pint', 'pandas', 'matplotlib', 'openpyxl', 'rich')"
        " if m in sys.modules))\n"
    )
    out = fresh_python(code)
    assert out.splitlines()[-1] == "[]"
    assert "29.3076" in out


def test_package_names_resolve_lazily_and_functions_stay_functions() -> None:
    code = (
        "import carbonacct, carbonacct._accounting, carbonacct.compliance\n"
        "print(callable(carbonacct.footprint), callable(carbonacct.check))\n"
        "print(all(hasattr(carbonacct, n) for n in carbonacct.__all__))\n"
    )
    assert fresh_python(code).split() == ["True", "True", "True"]
    assert set(dir(carbonacct)) >= set(carbonacct.__all__)


def test_fast_unit_table_agrees_with_the_registry() -> None:
    # every pair the start-up table answers equals the pint registry's answer
    for table in FAST_UNITS:
        for a in table:
            for b in table:
                fast = fast_factor(a, b)
                assert fast == pytest.approx(carbonacct.conversion_factor(a, b), rel=1e-12)
    assert fast_factor("tce", "GJ") == pytest.approx(29.3076, rel=1e-15)
    assert fast_factor("tce", "tCO2") is None  # different dimensions go to the registry


def test_json_output_of_units_convert() -> None:
    result = CliRunner().invoke(
        cli, ["units", "convert", "1", "万千瓦时", "MWh", "--format", "json"]
    )
    assert json.loads(result.output)["result"] == pytest.approx(10.0)


def test_a_foreign_error_names_the_files_given(capsys: pytest.CaptureFixture[str]) -> None:
    from carbonacct.cli._errors import one_line

    line = one_line(KeyError("item_id"), inputs=["a.csv"])
    assert line.startswith("Error: 'item_id' (KeyError) reading a.csv.") and "--debug" in line
    assert "one of a.csv, b.csv" in one_line(ValueError("bad"), inputs=["a.csv", "b.csv"])
    assert "internal error" in one_line(AttributeError("x"))
