"""The check as a regulator's analyst runs it: GBK tables with Chinese headers, credit codes
instead of a province column, sector codes with and without the section letter, a typo
metric, and an activity workbook whose first sheet is a note."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

import carbonacct
from carbonacct.workflows import check_from_readings

SUZHOU, WUXI, TANGSHAN = "91320506MA1XXXXX0A", "91320211MA2YYYYY1B", "91130200MA4WWWWW3D"


def _gbk(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gbk"))
    return path


def _workbook(path: Path, rows: list[tuple]) -> Path:  # type: ignore[type-arg]
    wb = openpyxl.Workbook()
    note = wb.active
    note.title = "说明"  # a notes sheet first, as exported workbooks often have
    note["A1"] = "本表为企业产量及工业增加值 (单位: 吨, 万元)"
    data = wb.create_sheet("产量及增加值")
    for r in rows:
        data.append(r)
    wb.save(path)
    return path


def test_chinese_actuals_credit_codes_and_a_typo_metric(tmp_path: Path) -> None:
    firms = _gbk(
        tmp_path / "firms.csv",
        "统一社会信用代码,企业名称,所属行业代码\n"
        f"{SUZHOU},苏州水泥,C3011\n{WUXI},无锡熟料,3011\n{TANGSHAN},唐山钢铁,\n",
    )
    actuals = _gbk(
        tmp_path / "actuals.csv",
        "企业代码,年份,指标,产品,数值,单位,产量\n"
        f"{SUZHOU},2024,product_energy_intensity,熟料,104,kgce/t,900000\n"
        f"{WUXI},2024,product_energy_intensty,cement_clinker,104,kgce/t,900000\n"
        f"{WUXI},2025,product_energy_intensity,水泥熟料,119,千克标准煤/吨,900000\n"
        f"{TANGSHAN},2025,product_energy_intensity,高炉工序,372,kgce/t,3000000\n",
    )
    r = carbonacct.check(firms, actuals=actuals, pathways=[])
    firm = {f["firm_id"]: f for f in r.firms.iter_rows(named=True)}
    # 产品 beside 指标 is the product; Chinese product names read as their codes
    p = {(x["firm_id"], x["product"]): x for x in r.products.iter_rows(named=True)}
    # clinker 104 kgce/t: between 标杆 100 and 基准 117, GB 16780 grade 2 (100/107/117)
    assert (p[(SUZHOU, "cement_clinker")]["level"], p[(SUZHOU, "cement_clinker")]["gb_grade"]) == (
        "between",
        2,
    )
    # 119 > 117 in 2025 (the 基准's deadline year and GB grade 3): breach
    assert p[(WUXI, "cement_clinker")]["status"] == "breach"
    # blast furnace 372: GB 21256-2025 grades 361/370/415: grade 3, not over the limit
    assert p[(TANGSHAN, "blast_furnace_iron")]["gb_grade"] == 3
    # the typo metric is refused by name, for its firm and row only
    assert "'product_energy_intensty' is unknown" in r.rejected["invalid"].item()
    # provinces and cities from the credit codes; sectors with and without the letter
    assert (firm[WUXI]["province"], firm[WUXI]["city"], firm[WUXI]["sector"]) == (
        "CN-JS",
        "无锡市",
        "3011",
    )
    assert (firm[TANGSHAN]["province_name"], firm[TANGSHAN]["city"]) == ("河北省", "唐山市")
    # a firm without a sector is named in a warning: no sector pathway can apply to it
    assert any(TANGSHAN in w and "no sector code" in w for w in r.warnings)


def test_readings_with_an_activity_workbook_whose_first_sheet_is_a_note(tmp_path: Path) -> None:
    """Suzhou cement works, credit code only (province from digits 3-4: 江苏).

    Clinker boundary (工序 熟料) each year: 95 000 t raw coal × 0.7143 = 67 858.5 tce and
    50 000 MWh × 0.1229 = 6 145 tce → 74 003.5 tce; grinding (水泥粉磨, given its output)
    30 000 MWh × 0.1229 = 3 687 tce; site 77 690.5 tce.
    2024 clinker: 74 003.5 × 1000 / 900 000 = 82.23 kgce/t (at the 标杆, GB grade 1).
    Value added (增加值, at 2020 prices): 50 000 (2020), 52 000 万元 (2024):
    77 690.5 / 50 000 = 1.55381; 77 690.5 / 52 000 = 1.49405 tce/万元;
    required 2024 = 1.55381 × 0.865^(4/5) = 1.38360: above the path.
    """
    firms = _gbk(
        tmp_path / "firms.csv", f"统一社会信用代码,企业名称,所属行业代码\n{SUZHOU},苏州水泥,C3011\n"
    )
    lines = ["企业代码,统计期,能源品种,数量,计量单位,工序"]
    for y in ("2020", "2024"):
        lines += [
            f"{SUZHOU},{y},原煤,95000,t,熟料",
            f"{SUZHOU},{y},电力,50000,MWh,熟料",
            f"{SUZHOU},{y},电力,30000,MWh,水泥粉磨",
        ]
    readings = _gbk(tmp_path / "readings.csv", "\n".join(lines) + "\n")
    header = ("企业代码", "统计期", "指标", "数值", "单位", "价格基准")
    activity = _workbook(
        tmp_path / "activity.xlsx",
        [
            header,
            (SUZHOU, "2020", "增加值", 50000, "万元", "constant:2020"),
            (SUZHOU, "2024", "增加值", 52000, "万元", "constant:2020"),
            *((SUZHOU, y, "熟料", 900000, "吨", None) for y in ("2020", "2024")),
            *((SUZHOU, y, "水泥粉磨", 1200000, "吨", None) for y in ("2020", "2024")),
        ],
    )
    r = check_from_readings(readings, firms, activity, pathways=["cn-industry-2025"])
    clinker = r.products.filter(
        pl.col("product") == "cement_clinker",
        pl.col("metric") == "product_energy_intensity",
        pl.col("check_year") == 2024,
    ).row(0, named=True)
    assert clinker["actual"] == pytest.approx(74003.5 * 1000 / 900000)
    assert (clinker["level"], clinker["gb_grade"]) == ("benchmark", 1)
    grinding = r.products.filter(
        pl.col("product") == "cement_grinding", pl.col("check_year") == 2024
    )
    # cement_grinding: 3 687 tce → 3 687 000 kWh... per t: 30 000 MWh × 1000 / 1 200 000 t = 25 kWh/t
    assert grinding.filter(pl.col("metric") == "product_electricity_intensity")[
        "actual"
    ].item() == (pytest.approx(25.0))
    e = r.results.filter(pl.col("metric") == "energy_intensity_va").row(0, named=True)
    assert (e["base_value"], e["actual"]) == (
        pytest.approx(77690.5 / 50000),
        pytest.approx(77690.5 / 52000),
    )
    assert e["required"] == pytest.approx(77690.5 / 50000 * 0.865 ** (4 / 5))
    assert (e["status"], e["price_basis"]) == ("above_path", "constant:2020")
    # the 2020 base has no grid factor: CO2 is insufficient (never a zero refused as invalid)
    c = r.results.filter(pl.col("metric") == "co2_intensity_va").row(0, named=True)
    assert c["status"] == "insufficient_data"
    assert r.firms["province_source"].item() == "unified social credit code (division digits 3-4)"


def test_an_output_in_a_currency_is_named_in_a_warning(tmp_path: Path) -> None:
    activity = tmp_path / "activity.csv"
    activity.write_text(
        "firm_id,period,metric,value,unit\nA,2024,产值,5000,万元\nA,2024,增加值,1000,万元\n",
        encoding="utf-8",
    )
    readings = tmp_path / "r.csv"
    readings.write_text(
        "firm_id,period,carrier,value,unit\nA,2024,electricity,1000,MWh\n", encoding="utf-8"
    )
    fp = carbonacct.footprint(
        readings, activity=activity, method=carbonacct.Method(grid_factor="national")
    )
    assert any("'产值' is in '万元', a currency" in w for w in fp.quality.warnings)
    # 增加值 is value added: 1 000 MWh × 0.1229 = 122.9 tce / 1 000 万元
    assert fp.table["value_added_cny10k"].item() == 1000
    assert fp.table["energy_intensity_tce_per_cny10k"].item() == pytest.approx(0.1229)
