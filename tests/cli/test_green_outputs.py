"""green-score: stdout formats are the documents -o writes; an incomplete footprint gives no verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
E = ROOT / "examples" / "jiangsu"
ASSESSMENT = ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"
FOOTPRINT = [
    "--footprint",
    str(E / "electricity_15min.parquet"),
    "--footprint",
    str(E / "fuels.csv"),
    "--firms",
    str(E / "firms.csv"),
    "--activity",
    str(E / "activity.csv"),
]


def _score(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "green-score", str(ASSESSMENT), *FOOTPRINT, *extra)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_stdout_is_the_document_o_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"score.{fmt}"
    code, stdout, _ = _score(capsys, "--steam-enthalpy", "2780", "--format", fmt, "-o", str(out))
    assert code == 0
    written = out.read_bytes()
    # files for Excel start with a UTF-8 BOM; stdout is the same bytes without it
    assert written == (b"\xef\xbb\xbf" if fmt == "csv" else b"") + stdout.encode("utf-8")
    if fmt == "csv":  # one table with one header: the items, floats to 12 significant digits
        header, *rows = stdout.splitlines()
        assert header.startswith("item_id,level1,name,type,status,")
        assert all(r.count(",") >= header.count(",") for r in rows)
        assert "999999999" not in stdout
    else:
        doc = json.loads(stdout)
        assert set(doc) == {"provenance", "units", "schema", "tables"}
        assert doc["provenance"]["verdict"] == "PASS"


def test_incomplete_footprint_withholds_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --steam-enthalpy the 12 steam rows (tonnes of steam) are rejected: L1.1 falls from
    153.50 to 116.58 kgce/t and the score from 65.70 to 67.29 points. That is no PASS."""
    code, stdout, err = _score(capsys, "--format", "json")
    assert code == 0
    doc = json.loads(stdout)
    why = doc["provenance"]["verdict_withheld"]
    assert why.startswith("12 readings rejected: 12 steam_needs_enthalpy")
    assert doc["provenance"]["verdict"] is None
    items = {r["item_id"]: r for r in doc["tables"]["items"]}
    assert items["L1.1"]["status"] == "measured_incomplete"
    assert items["L1.1"]["indicator_value"] == pytest.approx(116.58, abs=0.01)
    assert items["L2.1"]["status"] == "measured"  # from the factory's own figures
    assert "verdict withheld: 12 readings rejected" in err
    _, table, _ = _score(capsys)
    assert "verdict withheld" in table and "PASS" not in table
    assert "measured_incomplete" in table


def test_complete_footprint_gives_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = _score(capsys, "--steam-enthalpy", "2780", "--format", "json")
    assert code == 0
    doc = json.loads(stdout)
    items = {r["item_id"]: r for r in doc["tables"]["items"]}
    assert items["L1.1"]["status"] == "measured"
    assert items["L1.1"]["indicator_value"] == pytest.approx(153.50, abs=0.01)
    assert doc["provenance"]["verdict"] == "PASS" and doc["provenance"]["verdict_withheld"] is None


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_several_assessments_print_the_document_o_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"many.{fmt}"
    args = [str(ASSESSMENT), str(ASSESSMENT), *FOOTPRINT, "--steam-enthalpy", "2780"]
    args += ["--format", fmt, "-o", str(out)]
    code, stdout, err = run_cli(capsys, "green-score", *args)
    assert code == 0, err
    assert out.read_bytes() == (b"\xef\xbb\xbf" if fmt == "csv" else b"") + stdout.encode("utf-8")
    if fmt == "json":
        doc = json.loads(stdout)
        assert [r["firm_id"] for r in doc["tables"]["summary"]] == ["91320500EXAMPLE0001"] * 2
