"""`check --fail-on STATUS`: the firms' statuses in their report year decide exit code 3."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from carbonacct.cli import cli

FIRMS = "firm_id,name,province,sector\n91340200MA1B0002X4,芜湖熟料,34,3011\n"
# clinker: 120 kgce/t in 2020 is under the 基准 before its deadline (off_track); 98 kgce/t in
# 2025 is within it, so the firm's status in its report year (2025) is not off_track
ACTUALS = (
    "firm_id,year,metric,value,unit,product,energy_tce\n"
    "91340200MA1B0002X4,2020,product_energy_intensity,120,kgce/t,cement_clinker,500000\n"
)
LATER = "91340200MA1B0002X4,2025,product_energy_intensity,98,kgce/t,cement_clinker,500000\n"


def run(tmp_path: Path, later: str) -> tuple[int, str]:
    (tmp_path / "f.csv").write_text(FIRMS, encoding="utf-8")
    (tmp_path / "a.csv").write_text(ACTUALS + later, encoding="utf-8")
    args = ["check", "--firms", str(tmp_path / "f.csv"), "--actuals", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(cli, [*args, "--fail-on", "off_track", "--format", "csv"])
    return result.exit_code, result.output


def test_a_past_year_off_track_does_not_fail_the_report_year(tmp_path: Path) -> None:
    code, out = run(tmp_path, LATER)
    assert "2020 off_track" in out  # still in the firm's history
    assert code == 0, out


def test_off_track_in_the_report_year_fails(tmp_path: Path) -> None:
    code, out = run(tmp_path, "")  # 2020 is then the report year
    assert "Finding: 1 off_track" in out
    assert code == 3, out


def test_help_says_the_report_year_decides() -> None:
    text = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "report year" in " ".join(text.split()).split("--fail-on")[1]
