"""Activity tables as statistics offices and enterprises send them (issue 13, "Bad input", item 7).

A workbook with a cover sheet, a 增加值 sheet under title rows, a 产量 sheet and a notes
sheet; a GBK CSV with Chinese headers; years in number cells, thousands separators, 万元 / 元 /
亿元 and 吨. A bad row fails only its firm and rule, named by file, row, column and value.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonacct
from carbonacct.activity import read_activity
from carbonacct.workflows import check_from_readings


def _workbook(path: Path, value_added: list[tuple], outputs: list[tuple]) -> Path:  # type: ignore[type-arg]
    """封面 (cover), 增加值 (title rows above the header), 产量, 说明 (notes)."""
    wb = openpyxl.Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "封面"
    cover.append(["2024年重点用能单位活动数据"])
    cover.append(["填报单位：某市发改委"])
    va = wb.create_sheet("增加值")
    va.append(["工业增加值（2020年不变价）"])  # a title row
    va.append([])
    va.append(["企业代码", "统计期", "指标", "指标值", "计量单位", "price_basis"])
    for row in value_added:
        va.append(list(row))
    out = wb.create_sheet("产量")
    out.append(["企业代码", "统计期", "产品", "产量", "计量单位"])
    for row in outputs:
        out.append(list(row))
    notes = wb.create_sheet("说明")
    notes.append(["说明：增加值按2020年不变价"])
    wb.save(path)
    return path


def _by_metric(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    return {(r["firm_id"], r["metric"]): r["activity"] for r in frame.iter_rows(named=True)}


def test_every_sheet_holding_activity_is_read_and_the_others_named(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "activity.xlsx",
        [("A", 2024, "value_added", 38600, "万元", "constant:2020")],  # year in a number cell
        [("A", "2024", "cement_clinker", "1,000,000", "吨"), ("A", 2024.0, "cement", 5, "万吨")],
    )
    read = read_activity(path, "year")
    got = _by_metric(read.frame)
    # 38 600 万元 as given; 1,000,000 吨 = 1 000 000 t; 5 万吨 = 50 000 t
    assert got == {
        ("A", "value_added"): 38600.0,
        ("A", "cement_clinker"): 1_000_000.0,
        ("A", "cement"): 50_000.0,
    }
    assert read.frame["period_label"].unique().to_list() == ["2024"]
    said = "\n".join(read.warnings)
    assert "activity.xlsx#封面: not read" in said and "activity.xlsx#说明: not read" in said
    assert "增加值: header found on row 3" in said
    assert "rows in 3 = used 3 + rejected 0" in said
    assert read.rejects.height == 0


def test_value_added_in_yuan_and_yi_yuan_is_converted_to_wan_yuan() -> None:
    frame = pl.DataFrame(
        {
            "firm_id": ["A", "B", "C"],
            "period": [2024, 2024, 2024],
            "metric": ["value_added", "增加值", "value_added"],
            "value": ["3,860,000", "2.5", "120"],
            "unit": ["元", "亿元", "万元"],
        }
    )
    got = _by_metric(read_activity(frame, "year").frame)
    # 3 860 000 元 / 10 000 = 386 万元; 2.5 亿元 × 10 000 = 25 000 万元; 120 万元 as given
    assert got == {("A", "value_added"): 386.0, ("B", "value_added"): 25000.0,
                   ("C", "value_added"): 120.0}  # fmt: skip


def test_wide_sheets_one_column_per_metric_with_the_unit_in_the_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    va = wb.active
    assert va is not None
    va.title = "增加值"
    va.append(["企业代码", "统计期", "工业增加值（万元）"])
    va.append(["A", 2024, 38600])
    out = wb.create_sheet("产量")
    out.append(["企业代码", "统计期", "cement_clinker (t)", "cement (万吨)"])
    out.append(["A", 2024, "90,000", 12])
    wb.save(tmp_path / "wide.xlsx")
    read = read_activity(tmp_path / "wide.xlsx", "year")
    # 12 万吨 = 120 000 t
    assert _by_metric(read.frame) == {
        ("A", "value_added"): 38600.0,
        ("A", "cement_clinker"): 90000.0,
        ("A", "cement"): 120000.0,
    }


def test_bad_values_are_refused_by_file_row_and_column_as_given(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "activity.xlsx",
        [
            ("GOOD", 2024, "value_added", 10000, "万元", "constant:2020"),  # row 4
            ("NEG", 2024, "value_added", -5000, "万元", "constant:2020"),  # row 5
            ("NAN", 2024, "value_added", None, "万元", "constant:2020"),  # row 6
            ("TXT", 2024, "value_added", "12x,3", "万元", "constant:2020"),  # row 7
        ],
        [("GOOD", 2024, "cement_clinker", 0, "t"), ("GOOD", 2024, "cement", "1,000", "t")],
    )
    read = read_activity(path, "year")
    rejects = {
        (r["file"].split("#")[1], r["row"]): (r["firm_id"], r["column"], r["value"], r["reason"])
        for r in read.rejects.iter_rows(named=True)
    }
    assert rejects[("增加值", 5)][:3] == ("NEG", "value", "-5000")
    assert rejects[("增加值", 5)][3].startswith("-5000 is not a positive finite number")
    assert rejects[("增加值", 6)][:3] == ("NAN", "value", None)
    assert rejects[("增加值", 7)][:3] == ("TXT", "value", "12x,3")
    assert rejects[("产量", 2)][:3] == ("GOOD", "value", "0")
    assert len(rejects) == 4
    # the rest is used: GOOD's value added and its cement output (1,000 t)
    assert _by_metric(read.frame) == {("GOOD", "value_added"): 10000.0, ("GOOD", "cement"): 1000.0}
    assert any("rows in 6 = used 2 + rejected 4" in w for w in read.warnings)


def test_a_misspelt_metric_in_a_gbk_csv_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "activity.csv"
    text = "企业代码,统计期,指标,指标值,计量单位\nA,2024,value_added,9000,万元\nB,2024,value_aded,9000,万元\n"
    path.write_bytes(text.encode("gbk"))
    read = read_activity(path, "year")
    bad = read.rejects.row(0, named=True)
    # line 3 of the file (header on line 1), the metric column, the value as written
    assert (bad["row"], bad["column"], bad["value"], bad["firm_id"]) == (
        3,
        "metric",
        "value_aded",
        "B",
    )
    assert "closest: 'value_added'" in bad["reason"] and "known: 'value_added'" in bad["reason"]
    assert bad["of"] == "value_added"  # a sum of money: it fails B's intensities per value added
    assert any(f"{path}, row 3, column 'metric'" in w for w in read.warnings)


def test_a_near_miss_of_a_known_product_is_refused_and_a_product_of_ones_own_kept() -> None:
    frame = pl.DataFrame(
        {
            "firm_id": ["A", "A"],
            "period": ["2024", "2024"],
            "metric": ["cement_clinkr", "castings"],
            "value": [1.0, 2.0],
            "unit": ["t", "t"],
        }
    )
    read = read_activity(frame, "year")
    assert read.rejects["value"].to_list() == ["cement_clinkr"]
    assert "closest: 'cement_clinker'" in read.rejects["reason"][0]
    assert _by_metric(read.frame) == {("A", "castings"): 2.0}


def test_a_workbook_without_an_activity_table_names_each_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "封面"
    ws.append(["活动数据"])
    wb.save(tmp_path / "cover_only.xlsx")
    with pytest.raises(carbonacct.InputError, match=r"no activity table found \(.*#封面: not read"):
        read_activity(tmp_path / "cover_only.xlsx", "year")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from(["1,000", "x", "", "-3", "0", "2,5"]),
            st.none(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_rows_in_equal_used_plus_rejected(values: list[object]) -> None:
    frame = pl.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(len(values))],
            "period": ["2024"] * len(values),
            "metric": ["value_added"] * len(values),
            "value": [None if v is None else str(v) for v in values],
            "unit": ["万元"] * len(values),
        }
    )
    read = read_activity(frame, "year")
    assert read.frame.height + read.rejects.height == len(values)
    assert (read.frame["activity"] > 0).all()


READINGS = (
    "企业代码,统计期,能源品种,数量,计量单位,工序\n"
    "CEM,2024,原煤,12000,t,cement_clinker\n"
    "CEM,2024,电力,5000,MWh,cement_clinker\n"
    "NEG,2024,电力,900,MWh,\n"
    "ZER,2024,原煤,1000,t,cement_clinker\n"
)
FIRMS = "企业代码,企业名称,省份,行业代码\nCEM,水泥厂,江苏,C3011\nNEG,负值厂,江苏,3391\nZER,零产量厂,江苏,3011\n"


def test_the_check_fails_only_the_firm_and_rule_of_a_bad_activity_row(tmp_path: Path) -> None:
    r, f = tmp_path / "readings.csv", tmp_path / "firms.csv"
    r.write_bytes(READINGS.encode("gbk"))
    f.write_bytes(FIRMS.encode("gbk"))
    a = _workbook(
        tmp_path / "activity.xlsx",
        [
            ("CEM", 2024, "value_added", 50000, "万元", "constant:2020"),
            ("NEG", 2024, "value_added", -5000, "万元", "constant:2020"),  # row 5
            ("ZER", 2024, "value_added", 8000, "万元", "constant:2020"),
        ],
        [("CEM", 2024, "cement_clinker", "90,000", "吨"), ("ZER", 2024, "cement_clinker", 0, "t")],
    )
    result = check_from_readings(r, f, a)
    products = {(p["firm_id"], p["metric"]): p for p in result.products.iter_rows(named=True)}
    # CEM's clinker output comes from the 产量 sheet ("90,000" 吨): 12 000 t × 0.7143 +
    # 5 000 MWh × 0.1229 = 9 186.1 tce; 9 186.1 × 1000 / 90 000 = 102.068 kgce/t
    clinker = products[("CEM", "product_energy_intensity")]
    assert clinker["actual"] == pytest.approx(9186.1 * 1000 / 90000)
    refused = result.rejected.filter(pl.col("source").str.contains("activity.xlsx"))
    where = {
        (x["firm_id"], x["metric"]): (x["source"].split("#")[1], x["row"], x["invalid"])
        for x in refused.iter_rows(named=True)
    }
    sheet, row, why = where[("NEG", "energy_intensity_va")]
    assert (sheet, row) == ("增加值", 5)
    assert why.startswith("column 'value': -5000 is not a positive finite number")
    assert where[("ZER", "product_energy_intensity")][:2] == ("产量", 3)
    assert "no output" not in where[("ZER", "product_energy_intensity")][2]
    statuses = {
        (x["firm_id"], x["metric"]): x["status"] for x in result.results.iter_rows(named=True)
    }
    assert statuses[("NEG", "energy_intensity_va")] == "invalid_input"
    assert statuses[("ZER", "product_energy_intensity")] == "invalid_input"
    assert set(result.firms["firm_id"]) == {"CEM", "NEG", "ZER"}
    # the footprint's quality report says how many activity rows were refused, and where
    fp_warnings = "\n".join(result.provenance["footprint"]["quality"]["warnings"])
    assert "rows in 5 = used 3 + rejected 2" in fp_warnings


def test_a_figure_given_twice_or_for_part_of_the_year_is_refused_not_summed(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "activity.xlsx",
        [
            ("TWICE", 2024, "value_added", 9000, "万元", None),  # row 4
            ("Q1", "2024Q1", "value_added", 2000, "万元", None),  # row 5: one quarter of 4
            ("MIX", 2024, "value_added", 8000, "万元", None),  # row 6: whole year ...
            ("MIX", "2024Q1", "value_added", 2000, "万元", None),  # row 7: ... and a quarter
            *[("QS", f"2024Q{q}", "value_added", 1000 * q, "万元", None) for q in (1, 2, 3, 4)],
        ],
        [("TWICE", 2024, "value_added", 9000, "万元")],  # the same figure again on the 产量 sheet
    )
    read = read_activity(path, "year")
    # QS: 1000 + 2000 + 3000 + 4000 = 10 000 万元 for 2024, its four quarters summed
    assert _by_metric(read.frame) == {("QS", "value_added"): 10000.0}
    why = {(r["firm_id"], r["row"]): r["reason"] for r in read.rejects.iter_rows(named=True)}
    assert "given more than once" in why[("TWICE", 4)] and "产量 row 2" in why[("TWICE", 4)]
    assert "given for 2024Q1 only, not the whole year" in why[("Q1", 5)]
    assert "given both whole and in parts" in why[("MIX", 6)] and ("MIX", 7) in why
    assert read.rejects.height == 5
