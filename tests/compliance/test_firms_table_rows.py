"""The firms table: sector codes normalised (NFKC) and checked against GB/T 4754-2017; a bad
row (an ambiguous province, a repeated firm, a code that is no GB/T 4754 code) fails only its
own firm, naming the file, row and column (issue 13, outside re-trial 2, new findings 3, 5)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl

from carbonacct import check
from carbonacct.workflows import check_from_readings

DATA = Path(__file__).parent.parent / "data" / "check_retrial"


def _firms(result) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return {f["firm_id"]: f for f in result.firms.iter_rows(named=True)}


def test_codes_that_are_not_gb_t_4754_fail_only_their_firm() -> None:
    # 9999 (division 99: GB/T 4754-2017 has divisions 01-97), ABCD, 30111 (5 digits): refused;
    # "C3011 " and "c3011" are C3011 (cement, 3011)
    result = check_from_readings(
        DATA / "sector_readings.csv",
        DATA / "sector_firms.csv",
        DATA / "sector_activity.csv",
    )
    firms = _firms(result)
    for firm, cell in (("001", "'9999'"), ("002", "'ABCD'"), ("003", "'30111'")):
        f = firms[f"91320500MA1SEC{firm}X"]
        assert f["status"] == "invalid_input", f
        assert "sector_firms.csv, row" in f["reason"] and "column 'sector'" in f["reason"]
        assert cell in f["reason"] and "GB/T 4754-2017" in f["reason"]
        assert f["sector"] is None  # "ABCD" is never read as "BCD"
    for firm in ("004", "005"):
        f = firms[f"91320500MA1SEC{firm}X"]
        assert f["sector"] == "3011" and f["status"] != "invalid_input"


def test_full_width_and_spaced_codes_are_normalised_and_uncovered_is_not_covered() -> None:
    firms = pl.DataFrame(
        {
            "firm_id": ["FW", "SP", "RE", "CK"],
            "province": ["江苏", "江苏", "江苏", "江苏"],
            "sector": ["Ｃ３０１１", "C 3011", "7010", "C7010"],
        }
    )
    # 1.0 → 0.8 tce/万元 2020 → 2025: below the −13.5 % industry path for 3011; 7010 (real
    # estate) is outside 06-46, so no shipped target covers it in 2025
    rows = []
    for firm in ("FW", "SP", "RE", "CK"):
        rows += [(firm, 2020, "energy_intensity_va", 1.0), (firm, 2025, "energy_intensity_va", 0.8)]
    actuals = pl.DataFrame(
        rows, schema=["firm_id", "year", "metric", "value"], orient="row"
    ).with_columns(pl.lit("tce/万元").alias("unit"), pl.lit("constant:2020").alias("price_basis"))
    result = check(firms, actuals=actuals)
    f = _firms(result)
    assert f["FW"]["sector"] == "3011" and f["SP"]["sector"] == "3011"
    assert f["FW"]["status"] == "below_path" and f["SP"]["status"] == "below_path"
    assert f["RE"]["sector"] == "7010" and f["RE"]["status"] == "not_covered"
    assert "7010" in f["RE"]["reason"]
    # C7010: division 70 is not in section C (whose divisions 13-43 are all shipped)
    assert f["CK"]["status"] == "invalid_input"
    assert "division 70 is not in section C" in f["CK"]["reason"]


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.append(["企业名录"])
    sheet = wb.create_sheet("企业名录")
    sheet.append(["统一社会信用代码", "企业名称", "行业代码", "省份"])
    sheet.append(["A1", "甲厂", "C3011", "江苏省"])
    sheet.append(["A2", "乙厂", "3011", "苏"])  # row 3: 苏 is ambiguous
    sheet.append(["A3", "丙厂", "3011", "江苏"])
    sheet.append(["A4", "丁厂", "3011", "江苏"])  # row 5 and row 6: A4 twice
    sheet.append(["A4", "丁厂二", "3391", "浙江"])
    wb.save(path)
    return path


def test_a_bad_firms_row_fails_only_its_firm(tmp_path: Path) -> None:
    firms = _xlsx(tmp_path / "firms.xlsx")
    readings = tmp_path / "readings.csv"
    body = "企业代码,能源品种,统计期,数量,计量单位\n"
    for firm in ("A1", "A2", "A3", "A4"):
        body += f"{firm},电力,2020,1000,万kWh\n{firm},电力,2025,800,万kWh\n"
    readings.write_bytes(body.encode("gbk"))
    activity = tmp_path / "activity.csv"
    va = "企业代码,统计期,指标,指标值,计量单位,价格基础\n"
    for firm in ("A1", "A2", "A3", "A4"):
        va += f"{firm},2020,增加值,1000,万元,constant:2020\n{firm},2025,增加值,1000,万元,constant:2020\n"
    activity.write_bytes(va.encode("gbk"))
    result = check_from_readings(readings, firms, activity)
    f = _firms(result)
    assert set(f) == {"A1", "A2", "A3", "A4"}
    # A1 and A3: 2025 800 万kWh × 0.1229 / 1000 万元 = 0.9832 vs 2020 1.229 × 0.865 = 1.063085:
    # below_path, checked as usual
    for firm in ("A1", "A3"):
        assert f[firm]["status"] == "below_path"
    assert f["A2"]["status"] == "invalid_input"
    assert "row 3, column 'province'" in f["A2"]["reason"] and "'苏'" in f["A2"]["reason"]
    assert "Nearest: ['CN-JS']." in f["A2"]["reason"]  # once, though 江苏 and 江苏省 are near
    assert f["A4"]["status"] == "invalid_input"
    assert "rows 5, 6, column 'firm_id'" in f["A4"]["reason"]
    refused = result.rejected.filter(pl.col("firm_id").is_in(["A2", "A4"]))
    assert refused.height == 2 and refused["row"].to_list() == [3, 5]
