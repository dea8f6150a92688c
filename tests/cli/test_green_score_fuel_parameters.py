"""green-score --footprint takes the footprint's --fuel-parameters and --green-electricity,
and its provenance records them (the score is not silently on default coal factors)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from carbonacct.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ASSESSMENT = ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"
FIRM = "91320500EXAMPLE0001"


def test_fuel_parameters_reach_the_footprint_and_its_record(tmp_path: Path) -> None:
    readings = tmp_path / "readings.csv"
    readings.write_text(f"firm_id,period,carrier,value,unit\n{FIRM},2024,raw_coal,1000,t\n")
    params = tmp_path / "fuel.csv"
    # measured NCV 25.0 GJ/t: 1000 t × 25.0 GJ/t ÷ 29.3076 GJ/tce = 853.0 tce
    params.write_bytes(
        f"企业代码,能源品种,参数,指标值,计量单位\n{FIRM},原煤,ncv,25.0,GJ/t\n".encode("gbk")
    )
    activity = tmp_path / "activity.csv"
    activity.write_text(
        f"firm_id,period,metric,value,unit\n{FIRM},2024,value_added,100,万元\n"
        f"{FIRM},2024,castings,120,t\n"
    )
    out = tmp_path / "score.json"
    args = ["green-score", str(ASSESSMENT), "--footprint", str(readings)]
    args += ["--activity", str(activity)]
    result = CliRunner().invoke(cli, [*args, "--fuel-parameters", str(params), "-o", str(out)])
    assert result.exit_code == 0, (result.output, result.stderr)
    inputs = json.loads(out.read_text(encoding="utf-8"))["provenance"]["footprint"]["inputs"]
    assert Path(inputs["fuel_parameters"]["name"]).name == "fuel.csv"
    help_text = CliRunner().invoke(cli, ["green-score", "--help"]).output
    assert "--fuel-parameters" in help_text and "--green-electricity" in help_text
