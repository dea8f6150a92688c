"""What an outside verifier trial found: each case fails without its fix.

Worked figures (Jiangsu 2023 provincial grid factor 0.5827 tCO2/MWh, GB/T 32151.34 表C.2
limestone 0.440 tCO2/t, heat 0.11 tCO2/GJ) are written out beside each case.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from carbonacct.errors import InputError, OptionError
from carbonacct.verify import check_factor, find_factor, reconcile

FIRMS = pl.DataFrame({"firm_id": ["JS"], "province": ["江苏"]})
COLS = ("firm_id", "line", "carrier", "value", "unit", "year", "reported_co2_t", "kind", "province",
        "exported", "reported_factor", "reported_factor_unit", "steam_enthalpy",
        "steam_feedwater_enthalpy", "purity", "grid_factor")  # fmt: skip


def run(*rows: dict[str, Any], **kw: Any) -> dict[str, dict[str, Any]]:
    base = {c: None for c in COLS} | {"firm_id": "JS", "year": "2023"}
    frame = pl.DataFrame([base | r for r in rows], schema={c: pl.String for c in COLS})
    t = reconcile(frame, firms=FIRMS, **kw).table
    assert t.height == len(rows)  # rows in = rows out
    return {r["line"]: r for r in t.iter_rows(named=True)}


def power(line: str, reported: str, **kw: str) -> dict[str, Any]:
    row = {"line": line, "carrier": "electricity", "value": "1000", "unit": "MWh"}
    return row | {"reported_co2_t": reported} | kw


def test_a_carbon_footprint_factor_is_named_as_the_wrong_kind() -> None:
    # 2024 national electricity carbon-footprint factor 0.5777 kgCO2e/kWh (official):
    # 1000 MWh × 0.5777 = 577.7 t, a life-cycle figure, not scope 2 (ours 1000 × 0.5827 = 582.7)
    r = run(
        power("lca", "577.7"),
        power("lca factor", "582.7", reported_factor="0.5777", reported_factor_unit="kgCO2e/kWh"),
    )
    assert r["lca"]["status"] == "explained"
    assert r["lca"]["explanation"].startswith("wrong kind of factor: 577.7 t = 1000 MWh × 0.5777")
    assert "carbon-footprint (life-cycle CO2e) factor" in r["lca"]["explanation"]
    doc = r["lca factor"]["reported_factor_document"]
    assert doc.startswith("wrong kind of factor: the carbon-footprint (life-cycle CO2e) factor")
    # given as the report's grid factor it is refused, as a number or on a line
    with pytest.raises(OptionError, match=r"carbon-footprint .* not a scope-2 grid factor"):
        run(power("p", "577.7"), grid_factor=0.5777)
    line = run(power("p", "577.7", grid_factor="0.5777"))["p"]
    assert line["status"] == "error" and "not a scope-2 grid factor" in line["explanation"]


def test_steam_feed_water_deduction_tried_both_ways() -> None:
    # 2000 t at 2780 kJ/kg: with feed water (83.74 kJ/kg) deducted 2000 × 2.69626 GJ/t × 0.11
    # = 593.1772 t; the whole enthalpy 2000 × 2.780 × 0.11 = 611.6 t
    assert round(2000 * (2780 - 83.74) / 1000 * 0.11, 4) == 593.1772
    steam = {"carrier": "蒸汽", "value": "2000", "unit": "t", "steam_enthalpy": "2780"}
    r = run(
        steam | {"line": "deducted", "reported_co2_t": "593.18"},
        steam | {"line": "whole", "reported_co2_t": "611.60", "steam_feedwater_enthalpy": "83.74"},
    )
    assert r["deducted"]["recomputed_co2_t"] == pytest.approx(611.6)
    assert r["deducted"]["explanation"].startswith(
        "steam formula variant: the report deducts feed water, Δh = 2780 − 83.74 kJ/kg"
    )
    assert r["whole"]["explanation"].startswith(
        "steam formula variant: the report takes the whole enthalpy 2780 kJ/kg"
    )


def test_carbonate_at_the_default_purity_is_explained() -> None:
    # 100 t limestone: pure 100 × 0.440 = 44.0 t; at the 90 % default 100 × 0.440 × 0.9 = 39.6 t;
    # at a stated 95 % purity 100 × 0.440 × 0.95 = 41.8 t
    lime = {"carrier": "石灰石", "value": "100", "unit": "t"}
    r = run(
        lime | {"line": "default", "reported_co2_t": "39.60"},
        lime | {"line": "stated", "reported_co2_t": "41.80", "purity": "95%"},
        lime | {"line": "pure", "reported_co2_t": "44.00", "purity": "0.95"},
    )
    assert r["default"]["explanation"].startswith(
        "carbonate purity: the report applies the default carbonate content of 90 %"
    )
    assert r["stated"]["status"] == "agrees"
    assert r["stated"]["recomputed_co2_t"] == pytest.approx(41.8)
    assert r["pure"]["explanation"].startswith(
        "carbonate purity: the report takes the carbonate as pure"
    )


def test_a_unit_in_the_reported_figure() -> None:
    # 1000 MWh × 0.5827 = 582.7 t, written in the figure's cell in several ways
    r = run(
        power("tCO2", "582.7 tCO2"),
        power("thousands", "1,165.4 tCO2", value="2,000"),  # 2000 × 0.5827 = 1165.4
        power("万吨", "0.05827万吨"),  # 0.05827 × 10^4 = 582.7, written to 0.00001 万t = 0.1 t
        power("万tCO2", "0.0583 万tCO2"),  # 583 t, written to 0.0001 万t = 1 t: within 0.5 t
        power("kg", "582700 kgCO2"),
        power("wrong unit", "582.7 MWh"),
        power("bad comma", "58,27"),
    )
    for name in ("tCO2", "thousands", "万吨", "万tCO2", "kg"):
        assert r[name]["status"] == "agrees", name
    assert r["万吨"]["reported_precision_t"] == pytest.approx(0.1)
    assert r["万tCO2"]["reported_precision_t"] == pytest.approx(1.0)
    assert "unit 'MWh' is not a mass of CO2" in r["wrong unit"]["explanation"]
    assert (
        "'58,27' is not a number (a comma only between groups of 3 digits)"
        in (r["bad comma"]["explanation"])
    )


def test_decimal_and_wan_slips_are_causes() -> None:
    # 582.7 × 10 = 5827 (a decimal point moved); 582.7 × 10^4 = 5 827 000 (万 lost)
    r = run(power("x10", "5827.0"), power("x10^4", "5827000"), power("/10", "58.27"))
    assert r["x10"]["explanation"].startswith("decimal slip: the reported figure is 10×")
    assert r["/10"]["explanation"].startswith("decimal slip: the reported figure is 1/10")
    assert r["x10^4"]["explanation"].startswith("unit slip: the reported figure is 10^4×")


def test_negative_activity_and_zero_grid_factor_are_refused() -> None:
    r = run(
        power("negative", "-582.7", value="-1000"),
        power("negative export", "582.7", exported="-100"),
    )
    assert r["negative"]["status"] == "error"
    assert "column value: -1000 is negative" in r["negative"]["explanation"]
    assert "column exported: -100 is negative" in r["negative export"]["explanation"]
    with pytest.raises(OptionError, match=r"0\.0 tCO2/MWh is not a plausible scope-2 grid factor"):
        run(power("p", "0"), grid_factor=0)
    assert run(power("p", "0", grid_factor="0"))["p"]["status"] == "error"


def test_ets_notices_and_guidelines_are_citations() -> None:
    notice = check_factor(0.6101, "tCO2/MWh", "环办气候〔2021〕9号")
    assert notice.ok and notice.cited is not None and notice.cited.set_id == "ets-reporting"
    assert check_factor(0.6101, "tCO2/MWh", "发电设施指南").ok  # named by its guideline
    # another bracket style; 0.5703 is the Feb 2023 notice's, not this one's
    later = check_factor(0.5703, "tCO2/MWh", "环办气候[2021]9号")
    assert not later.ok and later.checkable
    assert "its nearest values are 0.6101" in later.message
    assert "0.5703 is in: set ets-reporting, data year 2022" in later.message
    # a sector guideline carbonacct ships no values from: known, and said to be not checkable
    steel = check_factor(3.0959, "tCO2/t", "CETS—AG—03.01—V01—2024", subject="柴油")
    assert not steel.ok and not steel.checkable
    assert steel.message.startswith(
        "企业温室气体排放核算与报告指南 钢铁行业 (CETS-AG-03.01-V01-2024)"
    )


def test_fuel_factors_derived_by_the_guideline_formula_are_found() -> None:
    # diesel: NCV 42.652 GJ/t × CC 20.2 tC/TJ × OF 98 % × 44/12 = 3.09591 tCO2/t, quoted 3.0959
    assert round(42.652 * 0.0202 * 0.98 * 44 / 12, 5) == 3.09591
    c = check_factor(3.0959, "tCO2/t", "GB/T 32151.22-2024", subject="柴油")
    assert c.ok and c.cited is not None and c.cited.variant == "derived: NCV × CC × OF × 44/12"
    assert "NCV 42.652 GJ/t × CC 20.2 tC/TJ × OF 98 % × 44/12 (附录C 表C.1)" in c.message
    # natural gas: 389.31 GJ/万Nm3 × 0.0153 × 0.99 × 44/12 = 21.6219 t/万Nm3 = 2.16219 kg/Nm3,
    # quoted to 4 digits as 2.162: in the 2024 defaults and the 2013 guideline set alike
    assert round(389.31 * 0.0153 * 0.99 * 44 / 12 / 10, 5) == 2.16219
    hits = find_factor(2.162, "kgCO2/Nm3")
    assert set(hits["set_id"]) == {"gbt32151-2024", "ndrc-2013"}
    assert set(hits["subject"]) == {"natural_gas"}


def test_an_unknown_region_word_is_refused_not_ignored() -> None:
    with pytest.raises(OptionError, match=r"'Jiangsuu' is not a province.*nearest: \['jiangsu'\]"):
        check_factor(0.5978, "tCO2/MWh", "公告2024年第33号, Jiangsuu")
    with pytest.raises(OptionError, match="'苏州市' is not a province"):
        check_factor(0.5978, "tCO2/MWh", "公告2024年第33号 苏州市")
    assert check_factor(0.5978, "tCO2/MWh", "公告2024年第33号 江苏省").ok


GBK_REPORT = (
    "排放源,燃料品种,数据年份,消耗量,计量单位,排放量（万tCO2）,省份\r\n"
    '柴油,柴油,2023,"1,000",t,0.3096,江苏\r\n'  # 1000 × 3.09591 = 3095.91 t; 0.3096 万t = 3096 ± 0.5
    "外购电力,电力,2023,1000,MWh,0.05827,江苏\r\n"  # 1000 × 0.5827 = 582.7 t
    "多余,柴油,2023,100,t,0.03096,江苏,备注\r\n"  # one cell too many
    "合计,,2023,,,0.3679,江苏\r\n"  # 3095.91 + 582.7 = 3678.61 t; 0.3679 万t = 3679 ± 0.5
)


def test_a_gbk_report_with_chinese_headers_and_a_ragged_row(tmp_path: Any) -> None:
    path = tmp_path / "排放报告.csv"
    path.write_bytes(GBK_REPORT.encode("gbk"))
    t = reconcile(path).table
    assert t.height == 4  # rows in = rows out: the ragged row is an error row, the rest go on
    by = {r["line"]: r for r in t.iter_rows(named=True)}
    assert by["柴油"]["status"] == "agrees" and by["柴油"]["reported_co2_t"] == pytest.approx(3096)
    assert by["柴油"]["activity"] == 1000  # "1,000" read with its thousands separator
    assert by["外购电力"]["status"] == "agrees"
    assert by["合计"]["kind"] == "total" and by["合计"]["status"] == "agrees"
    assert by["合计"]["recomputed_co2_t"] == pytest.approx(3678.61)
    assert by["多余"]["status"] == "error"
    assert by["多余"]["explanation"] == (
        f"{path}, row 4: 8 cells where the header has 7 columns (a comma in a number or "
        "text not quoted, or a cell missing); fix the line"
    )


def workbook(path: Any) -> Any:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active.append(["某某公司 2023年度温室气体排放报告"])
    ws = wb.create_sheet("排放汇总")
    ws.append(["企业名称：某某公司"])  # a title row above the header
    ws.append(["排放源", "燃料品种", "数据年份", "消耗量", "计量单位", "排放量（万tCO2）", "省份"])
    # 10 000 MWh × 0.5827 = 5827 t = 0.5827 万t, shown by the cell format as 0.58 (= 5800 t)
    ws.append(["外购电力", "电力", 2023, 10000, "MWh", 0.5827, "江苏"])
    ws.cell(row=3, column=6).number_format = "0.00"
    other = wb.create_sheet("2022年")
    other.append(["排放源", "燃料品种", "数据年份", "消耗量", "计量单位", "排放量", "省份"])
    other.append(["外购电力", "电力", 2022, 1000, "MWh", 597.8, "江苏"])  # 1000 × 0.5978 (2022)
    wb.save(path)
    return path


def test_an_excel_report_every_sheet_at_full_precision(tmp_path: Any) -> None:
    path = workbook(tmp_path / "report.xlsx")
    r = reconcile(path)
    t = r.table
    assert t["sheet"].to_list() == ["排放汇总", "2022年"]
    assert t["status"].to_list() == ["agrees", "agrees"]
    assert t["reported_co2_t"][0] == pytest.approx(5827)  # the value, not the "0.58" shown
    assert r.provenance["notes"] == [
        f"{path}: sheet(s) ['排放汇总', '2022年'] read; the workbook also has ['封面'], not read "
        "(no report columns in them)"
    ]
    one = reconcile(path, sheet="2022年")
    assert one.table["sheet"].to_list() == ["2022年"]
    assert (
        "also has ['封面', '排放汇总'], not read (--sheet '2022年')" in one.provenance["notes"][0]
    )
    with pytest.raises(
        InputError, match=r"no sheet 'x'; the workbook has \['封面', '排放汇总', '2022年'\]"
    ):
        reconcile(path, sheet="x")


def test_csv_output_opens_in_excel_with_chinese_text(tmp_path: Any) -> None:
    path = tmp_path / "排放报告.csv"
    path.write_bytes(GBK_REPORT.encode("gbk"))
    out = tmp_path / "out.csv"
    reconcile(path).write(out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert "外购电力" in raw.decode("utf-8-sig")


def test_the_reports_own_fuel_parameters_under_chinese_headers(tmp_path: Any) -> None:
    # 100 t diesel at the report's NCV 43.33 GJ/t, CC 20.2 tC/TJ, OF 98 %:
    # 100 × 43.33 × 0.0202 × 0.98 × 44/12 = 314.512 t (the shipped NCV 42.652 gives 309.591 t)
    assert round(100 * 43.33 * 0.0202 * 0.98 * 44 / 12, 3) == 314.512
    path = tmp_path / "r.csv"
    path.write_text(
        "排放源,燃料品种,数据年份,消耗量,计量单位,低位发热量(GJ/t),单位热值含碳量(tC/TJ),碳氧化率,排放量\n"
        "柴油,柴油,2023,100,t,43.33,20.2,98%,314.51\n",
        encoding="utf-8",
    )
    line = reconcile(path).table.row(0, named=True)
    assert line["status"] == "agrees" and line["recomputed_co2_t"] == pytest.approx(
        314.512, abs=1e-3
    )
    assert line["our_factor_note"].startswith("the report's NCV 43.33, CC 0.0202, OF 0.98 used")
    # a carbon content in tC/TJ under a header that does not say so is refused, not guessed
    path.write_text(
        "排放源,燃料品种,数据年份,消耗量,计量单位,单位热值含碳量,排放量\n柴油,柴油,2023,100,t,20.2,314.51\n",
        encoding="utf-8",
    )
    line = reconcile(path).table.row(0, named=True)
    assert (
        line["status"] == "error"
        and "20.2 tC/GJ is not a carbon content per heat" in (line["explanation"])
    )


@pytest.mark.parametrize(
    "mode", ["provincial", "regional", "national", "national_excl_market", "ets"]
)
@pytest.mark.parametrize("province", ["CN-JS", "CN-XZ", "CN-NM-E", "CN-NM-W", "CN-SC"])
def test_the_verifier_and_the_footprint_use_one_grid_lookup(mode: str, province: str) -> None:
    from carbonacct.emissions import grid_table
    from carbonacct.factors import default_library
    from carbonacct.verify._chain import grid_chain

    ours = grid_table([province], [2023], mode)["grid_ef"][0]
    chain = grid_chain(mode, province, 2023, default_library(), None)
    assert chain.float_factor() == pytest.approx(ours)


def test_report_words_for_years_and_grid_regions() -> None:
    # 1000 MWh at 华东 2023 (0.55) = 550 t; written 2023年度 and 华东电网 as reports do
    r = run(power("east", "550.0", year="2023年度", province="华东电网"), grid_factor="regional")
    assert r["east"]["status"] == "agrees" and "grid-east" in r["east"]["our_factor_document"]
    # a figure to the tonne fits several published factors: the data year's and region's is named
    # (583 / 1000 MWh: Jiangsu 2023 0.5827, not Shanghai 2021 0.5834)
    r = run(power("to the tonne", "583", province="华东电网"))
    assert r["to the tonne"]["explanation"].startswith(
        "different factor: 0.5827 tCO2/MWh of mee-nbs-2025-47 (CN-JS, 2023"
    )


def test_a_csv_saved_from_a_sheet_with_a_title_line_and_empty_columns(tmp_path: Any) -> None:
    # Excel's "save as CSV" keeps the title row and pads every line with empty cells
    path = tmp_path / "r.csv"
    path.write_bytes(
        "某某公司2023年度排放报告,,,,,,,\r\n"
        "排放源,燃料品种,数据年份,消耗量,计量单位,排放量,,\r\n"
        "柴油,柴油,2023,100,t,309.59,,\r\n"  # 100 × 3.09591 = 309.591
        ",,,,,,,\r\n".encode("gbk")
    )
    r = reconcile(path)
    assert r.table.height == 1 and r.table["status"][0] == "agrees"
    assert r.provenance["notes"] == [f"{path}: header on line 2 (lines above it skipped)"]


def test_scientific_notation_and_a_negative_emission() -> None:
    # 1000 MWh × 0.5827 = 582.7 t written 5.827e2; and reported as −582.7 (a sign slip)
    r = run(power("sci", "5.827e2"), power("negative", "-582.7"))
    assert r["sci"]["status"] == "agrees"
    assert r["negative"]["explanation"] == (
        "sign: an emission reported as a negative figure (a deduction)"
    )


def test_more_citations_as_verification_reports_write_them() -> None:
    # the 2022 reporting notice by its title; a standard number printed with an em dash
    assert check_factor(
        0.5810, "kgCO2/kWh", "关于做好2022年企业温室气体排放报告管理相关重点工作的通知"
    ).ok
    assert check_factor(21.62, "tCO2/万Nm3", "GB/T 32151.22—2024", subject="天然气").ok
    # a footprint publication is checked for its footprint factors, and says what they are
    lca = check_factor(0.5777, "kgCO2e/kWh", "2024年全国电力碳足迹因子")
    assert lca.ok and "never for scope 2" in lca.message
    # a footprint value checked against a grid announcement: where it is, and of which kind
    grid = check_factor(0.5777, "tCO2/MWh", "公告2024年第33号")
    assert not grid.ok
    assert "(carbon-footprint (life-cycle CO2e) factor, not scope 2)" in grid.message


def test_a_slip_applied_to_a_rounded_figure_is_explained() -> None:
    # diesel 100 t → 309.590964 t (our chain); rounded 309.59 then slipped: ×10 = 3095.90
    # (|3095.90964 − 3095.90| = 0.0096 > 0.005 unscaled, ≤ 10 × 0.005), ×1000 = 309590
    # (to the tonne: |309590.964 − 309590| = 0.964 > 0.5, ≤ 1000 × 0.5)
    diesel = {"carrier": "柴油", "value": "100", "unit": "t"}
    r = run(
        diesel | {"line": "x10", "reported_co2_t": "3095.90"},
        diesel | {"line": "x1000", "reported_co2_t": "309590"},
        diesel | {"line": "x1000 2dp", "reported_co2_t": "309590.00"},
    )
    assert r["x10"]["recomputed_co2_t"] == pytest.approx(309.590964, abs=1e-6)
    assert r["x10"]["explanation"].startswith("decimal slip: the reported figure is 10×")
    for name in ("x1000", "x1000 2dp"):
        assert r[name]["explanation"].startswith("unit slip: the reported figure is 1000×"), name


def test_a_reported_factor_in_a_report_spelling_is_not_called_mistyped() -> None:
    # Jiangsu 2023 provincial 0.5827 tCO2/MWh written kgCO₂/kWh or 吨CO2/兆瓦时 (the same number)
    r = run(
        power("sub", "582.7", reported_factor="0.5827", reported_factor_unit="kgCO₂/kWh"),
        power("zh", "582.7", reported_factor="0.5827", reported_factor_unit="吨CO2/兆瓦时"),
        power("bad", "582.7", reported_factor="0.5827", reported_factor_unit="kg/kwhh"),
    )
    for name in ("sub", "zh"):
        assert r[name]["status"] == "agrees", name
        assert r[name]["reported_factor_document"].startswith(
            "关于发布2023年电力二氧化碳排放因子的公告 (公告2025年第47号) (set mee-nbs-2025-47"
        ), name
    assert r["bad"]["status"] == "error"
    assert "unit not understood: 'kg/kwhh'" in r["bad"]["explanation"]


def test_a_duplicate_line_is_flagged() -> None:
    # the same diesel line twice: 100 t × 3.0959 = 309.59 t each; a total would count 619.18
    diesel = {
        "line": "d",
        "carrier": "柴油",
        "value": "100",
        "unit": "t",
        "reported_co2_t": "309.59",
    }
    base = {c: None for c in COLS} | {"firm_id": "JS", "year": "2023"}
    rows = [base | diesel, base | diesel, base | diesel | {"line": "e"}]
    r = reconcile(pl.DataFrame(rows, schema={c: pl.String for c in COLS}), firms=FIRMS)
    expl = r.table["explanation"].to_list()
    assert expl[0] == "agrees" and expl[2] == "agrees"
    assert expl[1] == "agrees; duplicate of row 1: the same line twice (a total counts it twice)"
    assert any("row 2 (d) is a duplicate of row 1" in n for n in r.provenance["notes"])


def test_a_ragged_row_is_labelled_by_its_firm_and_line(tmp_path: Any) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "企业代码,排放源,燃料品种,消耗量,计量单位,排放量（tCO2）,数据年份\n"
        "NM01,柴油,柴油,100,t,309.59,2023\n"  # 100 t × 3.0959 = 309.59 t
        "NM01,破损行,柴油,100,t\n",  # two cells missing
        encoding="utf-8",
    )
    t = reconcile(path).table
    bad = t.row(1, named=True)
    assert (bad["firm_id"], bad["line"], bad["status"]) == ("NM01", "破损行", "error")


def test_an_empty_total_names_its_reported_figure() -> None:
    r = run(
        {"line": "d", "carrier": "柴油", "value": "100", "unit": "t", "reported_co2_t": "309.59"},
        {"line": "合计"},
    )
    assert r["合计"]["status"] == "error"
    assert "column reported_co2_t: empty (the total's reported figure)" in r["合计"]["explanation"]
