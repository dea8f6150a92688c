"""carbonacct.toml: options default from the project file, and the outputs record it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from carbonacct.cli import cli

FIRM = "F1"
CONFIG = """
[inputs]
firms = "data/firms.csv"

[method]
period = "quarter"
coal_types = { "原煤" = "烟煤" }
steam_enthalpy_kJ_per_kg = 2780
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "firms.csv").write_text(
        f"firm_id,name,province,sector\n{FIRM},示例,江苏省,3391\n", encoding="utf-8"
    )
    (tmp_path / "readings.csv").write_text(
        "firm_id,carrier,value,unit,period\n"
        f"{FIRM},原煤,5,t,2024-02\n{FIRM},steam,10,t,2024-05\n{FIRM},electricity,100,MWh,2024-05\n",
        encoding="utf-8",
    )
    (tmp_path / "carbonacct.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args])
    assert result.exit_code == 0, (result.output, result.stderr)
    return json.loads(Path("out.json").read_text(encoding="utf-8"))


def test_options_default_from_the_project_file_and_it_is_recorded(project: Path) -> None:
    doc = _run("footprint", "readings.csv", "-o", "out.json")
    prov = doc["provenance"]
    assert prov["config"]["path"] == str(project / "carbonacct.toml")
    digest = hashlib.sha256((project / "carbonacct.toml").read_bytes()).hexdigest()
    assert prov["config"]["sha256"] == digest
    method = prov["method"]
    assert method["period"] == "quarter" and method["steam_enthalpy_kJ_per_kg"] == 2780
    assert method["coal_types"] == {"raw_coal": "bituminous_coal"}  # 原煤 declared 烟煤
    rows = doc["tables"]["footprint"]
    assert [r["period"] for r in rows] == ["2024Q1", "2024Q2"]
    assert sum(r["rows_co2_missing"] for r in rows) == 0  # raw coal has its CO2 now
    assert prov["inputs"]["firms"]["name"].endswith("firms.csv")  # the province came from it
    # 100 MWh in Jiangsu: the provincial factor, so the firms table was read
    assert rows[1]["co2_electricity_t"] == pytest.approx(100 * 0.5827)


def test_the_command_line_wins(project: Path) -> None:
    doc = _run("footprint", "readings.csv", "--period", "year", "-o", "out.json")
    assert [r["period"] for r in doc["tables"]["footprint"]] == ["2024"]


def test_a_bad_project_file_is_an_input_error_naming_it(project: Path) -> None:
    """A broken or missing project file is an input error (exit 1, one line, naming it)."""
    (project / "carbonacct.toml").write_text("[method]\nsteam_enthalpy = 2780\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["footprint", "readings.csv"])
    assert result.exit_code == 1 and "Usage:" not in result.stderr
    assert "carbonacct.toml" in result.stderr and "steam_enthalpy_kJ_per_kg" in result.stderr
    missing = CliRunner().invoke(cli, ["--config", "nowhere.toml", "footprint", "readings.csv"])
    assert missing.exit_code == 1 and "nowhere.toml: no such file" in missing.stderr
