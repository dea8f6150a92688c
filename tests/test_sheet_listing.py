"""Sheets of a workbook that are not read are listed so that a user sees why: a cover or notes
sheet of one column is "not a table" with its filled cells (its first cell is no header), and
every filled row of it is counted among the rows never read; a sheet of several columns that
does not hold readings keeps its header and data rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

import carbonacct
from tests.conftest import run_cli

KWH_TCE = 0.1229e-3  # GB/T 2589 equivalent-value coefficient of electricity, tce per kWh


def _workbook(path: Path) -> str:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["A1"], cover["A2"] = "能耗数据导出", "苏州示例铸造有限公司"  # two filled cells
    wb.create_sheet("空白")
    notes = wb.create_sheet("说明")
    notes["A1"] = "单位: kWh"
    other = wb.create_sheet("汇总")  # a table, but not of readings: header + 2 rows
    other.append(["月份", "合计"])
    other.append(["1月", 300])
    other.append(["2月", 400])
    data = wb.create_sheet("一月")
    data.append(["企业代码", "表计编号", "能源品种", "时间", "数量", "计量单位"])
    data.append(["F1", "E1", "电力", datetime(2024, 1, 15, 0, 0), 100, "kWh"])
    data.append(["F1", "E1", "电力", datetime(2024, 1, 15, 0, 15), 200, "kWh"])
    wb.save(path)
    return str(path)


def test_a_cover_sheet_is_listed_as_not_a_table_with_its_rows_unread(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "m.xlsx")
    method = carbonacct.Method(grid_factor="national")
    fp = carbonacct.footprint(book, method=method)
    assert fp.table["energy_tce"].sum() == pytest.approx(300 * KWH_TCE, rel=1e-12)  # 100 + 200
    said = [w for w in fp.quality.warnings if ": not read (" in w]
    assert said[:3] == [
        f"{book}#封面: not read (not a table: 2 filled cells, the first '能耗数据导出'; 2 rows)",
        f"{book}#空白: not read (not a table: empty; 0 rows)",
        f"{book}#说明: not read (not a table: 1 filled cell, the first '单位: kWh'; 1 row)",
    ]
    assert said[3].startswith(f"{book}#汇总: not read (does not hold readings") and said[
        3
    ].endswith("; 2 rows)")
    unread = {u["table"]: u["rows"] for u in fp.provenance["inputs"]["readings"]["unread"]}
    # every filled row never read: 2 + 0 + 1 + 2
    assert unread == {f"{book}#封面": 2, f"{book}#空白": 0, f"{book}#说明": 1, f"{book}#汇总": 2}


def test_the_cli_lists_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _workbook(tmp_path / "m.xlsx")
    code, out, err = run_cli(capsys, "footprint", book, "--grid-factor", "national")
    assert code == 0, err
    assert (
        "封面: not read (not a table: 2 filled cells, the first '能耗数据导出'; 2 rows)"
        in " ".join(err.split())
    )
    assert "Traceback" not in out + err
