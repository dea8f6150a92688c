"""One row-number convention for every reader: the row a spreadsheet shows (header = row 1).

A CSV's first data row is row 2 (its line number); a workbook's row is the sheet's own, and
the sheet is named with the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import carbonacct
from carbonacct.errors import InputError

FIRM = "91320500EXAMPLE0001"


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _readings_csv(tmp_path: Path) -> Path:
    path = tmp_path / "readings.csv"
    path.write_text(
        "firm_id,carrier,value,unit,period\n"
        f"{FIRM},diesel,abc,t,2024\n"  # line 2: the first data row
        f"{FIRM},diesel,5,t,2024\n",
        encoding="utf-8",
    )
    return path


def test_readings_csv_rejects_and_strict_name_the_line(tmp_path: Path) -> None:
    path = _readings_csv(tmp_path)
    fp = carbonacct.footprint(path, method=carbonacct.Method(grid_factor="national"))
    assert fp.rejects.select("row").to_series().to_list() == [2]
    with pytest.raises(InputError) as info:
        carbonacct.footprint(
            path,
            method=carbonacct.Method(grid_factor="national"),
            run=carbonacct.RunOptions(strict=True),
        )
    assert info.value.row == 2


def test_readings_xlsx_names_the_sheet_and_its_row(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "readings.xlsx",
        {
            "说明": [["填写说明"]],
            "读数": [
                ["企业能耗读数"],  # a title above the header: the header is row 2
                ["企业代码", "能源品种", "数量", "计量单位", "统计期"],
                [FIRM, "柴油", 5, "t", "2024"],
                [FIRM, "柴油", "abc", "t", "2024"],  # row 4 of the sheet
            ],
        },
    )
    rejects = carbonacct.footprint(path, method=carbonacct.Method(grid_factor="national")).rejects
    assert rejects.select("file", "row").rows() == [(f"{path}#读数", 4)]


def test_firms_csv_and_xlsx(tmp_path: Path) -> None:
    readings = _readings_csv(tmp_path)
    csv = tmp_path / "firms.csv"
    csv.write_text(f"firm_id,province\nF0,江苏\n{FIRM},Atlantis\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        carbonacct.footprint(readings, firms=csv)
    assert (info.value.file, info.value.row) == (str(csv), 3)
    assert f"{csv}, row 3, column 'province'" in str(info.value)
    xlsx = _xlsx(
        tmp_path / "firms.xlsx",
        {"企业": [["企业代码", "省份"], ["F0", "江苏"], ["F1", "江苏"], [FIRM, "Atlantis"]]},
    )
    with pytest.raises(InputError) as info:
        carbonacct.footprint(readings, firms=xlsx)
    assert (info.value.file, info.value.row) == (f"{xlsx}#企业", 4)


def test_green_electricity(tmp_path: Path) -> None:
    green = tmp_path / "green.csv"
    green.write_text(f"firm_id,period,value,unit\n{FIRM},2024,abc,MWh\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        carbonacct.footprint(
            _readings_csv(tmp_path),
            green_electricity=green,
            method=carbonacct.Method(grid_factor="national"),
        )
    assert info.value.row == 2 and f"{green}, row 2" in str(info.value)


def test_reconcile_csv_and_xlsx(tmp_path: Path) -> None:
    header = ["firm_id", "line", "carrier", "value", "unit", "year", "reported_co2_t"]
    good = ["A", "1", "electricity", "1000", "MWh", "2022", "570.3"]
    bad = ["A", "2", "electricity", "1000", "MWh", "2022", "abc"]
    csv = tmp_path / "rec.csv"
    csv.write_text("\n".join(",".join(r) for r in (header, good, bad)) + "\n", encoding="utf-8")
    r = carbonacct.reconcile(csv, grid_factor="national")
    errors = r.errors
    assert errors["row"].to_list() == [3]
    assert errors["explanation"][0].startswith(f"{csv}, row 3 ")
    xlsx = _xlsx(tmp_path / "rec.xlsx", {"排放报告": [["某企业排放报告"], header, good, bad]})
    errors = carbonacct.reconcile(xlsx, grid_factor="national").errors
    assert errors.select("row", "sheet").rows() == [(4, "排放报告")]
