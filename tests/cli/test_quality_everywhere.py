"""Every command that reads readings shows rows in = accounted + rejected and its warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from carbonacct.cli import cli
from carbonacct.cli._quality import quality_of
from carbonacct.quality import QualityReport

ROOT = Path(__file__).resolve().parents[2]
FIRM = "91320500EXAMPLE0001"
ASSESSMENT = ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"
QUALITY = "rows in 4 = accounted 3 + rejected 1"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """A GBK CSV export as Excel writes it on a Chinese system: 3 good rows, 1 unknown carrier,
    and raw coal without a CO2 factor (a warning)."""
    readings = tmp_path / "readings.csv"
    readings.write_bytes(
        (
            "企业代码,能源品种,数量,计量单位,统计期\n"
            f"{FIRM},柴油,10,t,2024-01\n"
            f"{FIRM},柴油,12,t,2024-02\n"
            f"{FIRM},原煤,5,t,2024-02\n"
            f"{FIRM},神秘燃料,3,t,2024-02\n"
        ).encode("gbk")
    )
    firms = tmp_path / "firms.csv"
    firms.write_text(f"firm_id,name,province,sector\n{FIRM},示例,江苏省,3391\n", encoding="utf-8")
    activity = tmp_path / "activity.csv"
    activity.write_text(
        f"firm_id,period,metric,value,unit\n{FIRM},2024,value_added,100,万元\n"
        f"{FIRM},2024,castings,120,t\n",
        encoding="utf-8",
    )
    return {"readings": str(readings), "firms": str(firms), "activity": str(activity)}


def _stderr(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stderr


def _assert_quality(err: str) -> None:
    assert QUALITY in err
    assert "unknown_carrier" in err
    assert "CO2 total incomplete: no CO2 factor for raw_coal" in err


def test_footprint(files: dict[str, str]) -> None:
    _assert_quality(_stderr(["footprint", files["readings"], "--firms", files["firms"]]))


def test_check_from_readings(files: dict[str, str]) -> None:
    args = ["check", "--readings", files["readings"], "--firms", files["firms"]]
    _assert_quality(_stderr([*args, "--activity", files["activity"]]))


def test_report(files: dict[str, str], tmp_path: Path) -> None:
    args = ["report", files["readings"], "--firms", files["firms"], "--firm", FIRM]
    _assert_quality(_stderr([*args, "-o", str(tmp_path / "r.html")]))
    _assert_quality(
        _stderr(
            [
                "report",
                files["readings"],
                "--firms",
                files["firms"],
                "--activity",
                files["activity"],
                "--summary",
                "-o",
                str(tmp_path / "s.html"),
            ]
        )
    )


def test_green_score(files: dict[str, str]) -> None:
    args = ["green-score", str(ASSESSMENT), "--footprint", files["readings"]]
    _assert_quality(_stderr([*args, "--firms", files["firms"], "--activity", files["activity"]]))


def test_quality_of_finds_the_record_in_a_result_provenance() -> None:
    q = QualityReport(10, 9, 1, {"unknown_carrier": 1}, {}, ["careful"])
    assert quality_of({"footprint": {"quality": q.record()}}) == q
    assert quality_of({"readings": {"quality": q.record()}}) == q
    assert quality_of(
        {"quality": {"rows_in": 10, "rows_accounted": 10, "rows_rejected": 0}}
    ).balanced
    assert quality_of({"pathways": []}) is None


def test_the_score_written_carries_the_footprint_quality(
    files: dict[str, str], tmp_path: Path
) -> None:
    import json

    out = tmp_path / "score.json"
    args = ["green-score", str(ASSESSMENT), "--footprint", files["readings"], "-o", str(out)]
    _stderr([*args, "--firms", files["firms"], "--activity", files["activity"]])
    quality = json.loads(out.read_text(encoding="utf-8"))["provenance"]["footprint"]["quality"]
    assert (quality["rows_in"], quality["rows_accounted"], quality["rows_rejected"]) == (4, 3, 1)
    assert quality["rejected_by_reason"] == {"unknown_carrier": 1}
