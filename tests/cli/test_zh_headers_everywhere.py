"""Under --lang zh every header of a footprint workbook is Chinese (the quality sheet's count
column is 数量, not 计入行数), and row_nr is labelled as what it is."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from carbonacct.cli import cli
from carbonacct.vocabulary import header

CJK = re.compile("[\u4e00-\u9fff]")
NAMES = (
    "sector_name city_code output_unit file row column reject_reason row_nr carrier_raw "
    "value_raw province_source target_id base_value basis value_type interpolation until "
    "item detail count"
).split()


def test_every_listed_name_has_a_chinese_header() -> None:
    assert [n for n in NAMES if not CJK.search(header(n, "zh"))] == []
    assert header("count", "zh") == "数量"


def test_footprint_workbook_headers_are_all_chinese(tmp_path: Path) -> None:
    readings = tmp_path / "r.csv"
    readings.write_bytes(
        "企业代码,统计期,能源品种,数量,计量单位\nF1,2024,原煤,1000,t\nF1,2024,神秘燃料,3,t\n"
        "F1,2024,柴油,10,t\n".encode("gbk")
    )
    out = tmp_path / "fp.xlsx"
    result = CliRunner().invoke(cli, ["--lang", "zh", "footprint", str(readings), "-o", str(out)])
    assert result.exit_code == 0, (result.output, result.stderr)
    book = openpyxl.load_workbook(out, read_only=True)
    english = {
        sheet.title: [h for h in next(sheet.iter_rows(max_row=1, values_only=True)) if h]
        for sheet in book.worksheets
    }
    english = {k: [h for h in v if not CJK.search(str(h))] for k, v in english.items()}
    # allowed: the machine record read_result parses back (its headers are fixed ids; the
    # columns sheet maps each Chinese header to its controlled name)
    for machine in ("units", "columns", "provenance"):
        assert english.pop(machine) is not None
    assert {k: v for k, v in english.items() if v} == {}
    quality = next(book["quality"].iter_rows(max_row=1, values_only=True))
    assert "计入行数" not in quality and "数量" in quality
