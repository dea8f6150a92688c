"""A new user's first runs: a workbook of several sheets, a GBK CSV, Chinese, 100 columns, typos."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from carbonacct.cli import cli

FIRM = "91320500EXAMPLE0001"
DIESEL_TCE = 1.4571  # tce/t, GB/T 2589-2020 Appendix A


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, str]:
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本表为2024年能源消费台账"])
    power = wb.create_sheet("电力")
    power.append(["某某公司能源台账"])  # a title row above the header
    power.append([])
    power.append(["企业代码", "能源品种", "数量", "计量单位", "统计期"])
    for month in range(1, 13):
        power.append([FIRM, "电力", 10.0, "万kWh", f"2024-{month:02d}"])
    wb.save(tmp_path / "ledger.xlsx")
    fuels = tmp_path / "fuels.csv"
    rows = [f"{FIRM},柴油,2,吨,2024年{m}月" for m in range(1, 13)]
    fuels.write_bytes(("企业代码,能源品种,数量,计量单位,统计期\n" + "\n".join(rows)).encode("gbk"))
    firms = tmp_path / "firms.csv"
    firms.write_text(
        f"企业代码,企业名称,所在省份,行业代码\n{FIRM},示例,江苏省,3391\n", encoding="utf-8"
    )
    return {"ledger": str(tmp_path / "ledger.xlsx"), "fuels": str(fuels), "firms": str(firms)}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_a_workbook_and_a_gbk_csv_in_chinese_at_100_columns(inputs: dict[str, str]) -> None:
    code, out, err = _run(
        "--lang", "zh", "footprint", inputs["ledger"], inputs["fuels"], "--firms", inputs["firms"]
    )
    assert code == 0, err
    # 12 × 10 万kWh = 1200 MWh × 0.1229 tce/MWh = 147.48 tce; 24 t diesel × 1.4571 = 34.97 tce
    energy = 1200 * 0.1229 + 24 * DIESEL_TCE
    assert f"{energy:.1f}" in out  # 182.4, whole
    assert "综合能耗" in out and "企业代码" in out
    assert max(len(line) + sum(ord(c) > 0x2E80 for c in line) for line in out.splitlines()) <= 100
    assert "读入 24 行：计入 24 行，剔除 0 行。" in err  # the quality report in Chinese too
    assert "说明: not read" in err and "header found on row 3" in err  # said, not silent


def test_a_report_in_chinese_from_them(inputs: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = _run(
        "--lang", "zh", "report", inputs["ledger"], inputs["fuels"], "--firms", inputs["firms"],
        "--firm", FIRM, "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "能耗与碳排放报告" in text and "数据只有一年" in text
    shown = float(re.search(r"data-value='energy_tce'>([\d,.]+)<", text).group(1).replace(",", ""))
    assert shown == pytest.approx(1200 * 0.1229 + 24 * DIESEL_TCE, abs=0.05)


def test_typos_are_usage_errors_that_say_what_was_meant(inputs: dict[str, str]) -> None:
    code, _, err = _run("footprnt", inputs["fuels"])
    assert code == 2 and "Did you mean 'footprint'?" in err
    code, _, err = _run("footprint", inputs["fuels"], "--steam-enthlapy", "2780")
    assert code == 2 and "--steam-enthalpy" in err and "Traceback" not in err
    # a report name with another suffix is refused before any work
    code, _, err = _run(
        "report", inputs["fuels"], "--firms", inputs["firms"], "--firm", FIRM, "-o", "r.docx"
    )
    assert code == 2 and "r.docx: a report is written as .html or .pdf" in err


def test_an_empty_table_says_none_instead_of_a_table_of_headers(
    inputs: dict[str, str], tmp_path: Path
) -> None:
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "firm_id,year,metric,value,unit,price_basis\n"
        f"{FIRM},2020,energy_intensity_va,0.80,tce/万元,constant:2020\n"
        f"{FIRM},2025,energy_intensity_va,0.50,tce/万元,constant:2020\n",
        encoding="utf-8",
    )
    code, out, err = _run(
        "--lang", "zh", "check", "--actuals", str(actuals), "--firms", inputs["firms"],
        "--pathway", "cn-industry-2025",
    )  # fmt: skip
    assert code == 0, err
    assert "重点例外 (0): （无）" in out  # 0.50 is below 0.80 × (1 − 0.135) = 0.692
    assert "符合要求" in out or "低于路径" in out
