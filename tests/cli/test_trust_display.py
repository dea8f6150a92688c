"""Small trust defects of the people's table: a missing CO2 is not 0, a negative total is
warned, rounding is half up, carriers named in Chinese."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from carbonacct.cli import cli
from carbonacct.cli._output import people_number
from carbonacct.cli.footprint import warn_negative


def test_a_missing_co2_factor_shows_as_a_dash_not_zero(tmp_path: Path) -> None:
    """raw_coal without a declared coal type has no CO2 factor: its CO2 cell is —, while
    diesel's 10 t × 3.0959 tCO2/t = 31.0 t is shown."""
    readings = tmp_path / "r.csv"
    readings.write_text(
        "firm_id,carrier,value,unit,period\nA,diesel,10,t,2024\nA,raw_coal,100,t,2024\n",
        encoding="utf-8",
    )
    out = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--lang", "en", "footprint", str(readings), "--by", "carrier"]
    )
    assert out.exit_code == 0, out.output
    coal = next(line for line in out.stdout.splitlines() if "raw_coal" in line)
    diesel = next(line for line in out.stdout.splitlines() if "diesel" in line)
    assert coal.count("—") == 3  # scope 1, scope 2 and total CO2
    assert "31.0" in diesel
    assert "no CO2 factor for raw_coal" in out.stderr
    zh = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--lang", "zh", "footprint", str(readings), "--by", "carrier"]
    )
    assert "原煤" in zh.stdout and "raw_coal" not in zh.stdout
    assert "1 行缺少二氧化碳排放因子" in zh.stderr


def test_a_negative_total_is_warned(capsys: pytest.CaptureFixture[str]) -> None:
    table = pl.DataFrame(
        {"firm_id": ["A", "B"], "period": ["2024", "2024"], "energy_tce": [-12.29, 5.0]}
    )
    warn_negative(table)
    err = capsys.readouterr().err
    assert err.count("warning:") == 1
    assert "A, 2024: energy_tce is negative (-12.29)" in err


def test_people_numbers_round_half_up() -> None:
    # 2.675 and 22 024.785 are stored just below the tie: a person still rounds them up
    assert people_number(2.675, "points") == "2.68"
    assert people_number(22024.785, "points") == "22024.79"
    assert people_number(1911.15, "energy_tce") == "1911.2"
    assert people_number(0.04955, "energy_intensity_tce_per_cny10k") == "0.0496"


def test_green_tables_in_chinese_have_words_not_codes() -> None:
    import io

    from rich.console import Console

    from carbonacct.cli._output import render

    gap = pl.DataFrame(
        {
            "item_id": ["L4.1"],
            "name": ["绿色设计案例"],
            "type": ["optional"],
            "status": ["measured"],
            "blocks_pass": [False],
            "points_available": [8.0],
        }
    )
    console = Console(width=100, record=True, file=io.StringIO())
    for part in render(gap, width=100, lang="zh"):
        console.print(part)
    text = console.export_text()
    for word in ("条款", "类型", "影响通过", "可争取分", "选做", "已测算", "否", "8.00"):
        assert word in text, word
    for code in ("item_id", "optional", "measured", "False", "blocks_pass"):
        assert code not in text, code
