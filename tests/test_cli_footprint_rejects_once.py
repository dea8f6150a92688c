"""`footprint --by carrier` for people: the rows rejected are counted per firm and period (a
rejected row's carrier may be unreadable), so the table shows the count once per firm and
period, not again on every carrier row, and says so."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from carbonacct.cli import cli
from carbonacct.cli.footprint import rejects_once


def test_rows_rejected_shown_once_per_firm_and_period() -> None:
    table = pl.DataFrame(
        {
            "firm_id": ["A", "A", "A", "B"],
            "period": ["2023", "2024", "2024", "2024"],
            "carrier": ["diesel", "diesel", "natural_gas", "diesel"],
            "rows_rejected": [0, 2, 2, 1],
        }
    )
    assert rejects_once(table)["rows_rejected"].to_list() == [0, 2, None, 1]


def test_the_terminal_table_names_the_count_per_firm_and_period(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(
        "firm_id,carrier,value,unit,period\nA,diesel,10,t,2024\nA,natural_gas,1000,m3,2024\n"
        "A,diesel,abc,t,2024\nA,diesel,abc,t,2024\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["footprint", str(csv), "--by", "carrier"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if "natural" in ln or "diesel" in ln]
    assert len(lines) == 2
    assert " 2 " in lines[0] and " 2 " not in lines[1], lines
    assert "per firm and period" in result.stdout
