"""reconcile follows the report: grid mode and set, data year, every kind of line, precision, bad lines."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonacct.errors import OptionError
from carbonacct.verify import reconcile

FIRMS = pl.DataFrame({"firm_id": ["JS", "SC"], "province": ["江苏", "四川"]})
DIESEL_EF = 42.652 * 0.0202 * 0.98 * 44 / 12  # tCO2/t, GB/T 32151 表C.1 = 3.09594...
COLS = (
    "firm_id",
    "line",
    "carrier",
    "value",
    "unit",
    "year",
    "reported_co2_t",
    "kind",
    "grid_factor",
    "carbon_content",
    "steam_enthalpy",
    "steam_feedwater_enthalpy",
)


def report(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {c: None for c in COLS} | {"firm_id": "JS", "year": "2023"}
    return pl.DataFrame([base | r for r in rows], schema={c: pl.String for c in COLS})


def run(*rows: dict[str, Any], **kw: Any) -> dict[str, dict[str, Any]]:
    t = reconcile(report(*rows), firms=FIRMS, **kw).table
    return {r["line"]: r for r in t.iter_rows(named=True)}


def power(line: str, reported: str, **kw: str) -> dict[str, Any]:
    return (
        {"line": line, "carrier": "electricity", "value": "1000", "unit": "MWh"}
        | {"reported_co2_t": reported}
        | kw
    )


def test_grid_factor_mode_of_the_report() -> None:
    # 2023 data at the ETS reporting factor 0.5703: 1000 MWh × 0.5703 = 570.3 t
    ets = run(power("p", "570.3"), grid_factor="ets")["p"]
    assert ets["status"] == "agrees" and ets["recomputed_co2_t"] == pytest.approx(570.3)
    assert "ets-reporting" in ets["our_factor_set"] and "2023—2025" in ets["our_factor_document"]
    # the same figure under the default provincial mode (Jiangsu 2023 0.5827 → 582.7 t) is explained
    prov = run(power("p", "570.3"))["p"]
    assert prov["recomputed_co2_t"] == pytest.approx(582.7)
    assert prov["explanation"].startswith("different factor: 0.5703 tCO2/MWh of ets-reporting")
    # per line: one line at the national average (2023 0.5306 → 530.6 t)
    lines = run(power("n", "530.6", grid_factor="national"), power("j", "582.7"))
    assert lines["n"]["status"] == lines["j"]["status"] == "agrees"


def test_grid_factor_set_of_the_report() -> None:
    # 2022 data, 公告2024年第33号 national average 0.5366: 1000 × 0.5366 = 536.6 t
    r = run(power("p", "536.6", year="2022"), grid_factor="national", grid_set="mee-nbs-2024-33")
    assert r["p"]["status"] == "agrees" and "公告2024年第33号" in r["p"]["our_factor_document"]


def test_data_year_required_never_the_newest_silently() -> None:
    r = run(power("no year", "582.7", year=None), power("2025", "582.7", year="2025"))
    assert r["no year"]["status"] == "error"
    assert "column year: empty: each line needs its data year" in r["no year"]["explanation"]
    # 2025 has no published factor yet: the 2023 one is used and the line says so
    assert (
        r["2025"]["our_factor_note"]
        == "data year 2023 used for 2025 (newest published not after it)"
    )
    # a file-level year fills lines without one
    assert run(power("p", "582.7", year=None), year=2023)["p"]["status"] == "agrees"


def test_pre_2021_years_need_the_legacy_or_ets_set_chosen() -> None:
    r = run(power("mee", "610.1", year="2019"))
    assert r["mee"]["status"] == "error"
    assert (
        "--grid-factor ets (0.6101 for 2019–2020) or --grid-factor legacy"
        in r["mee"]["explanation"]
    )
    # 2019 at the ETS factor of 环办气候〔2021〕9号: 1000 × 0.6101 = 610.1 t
    assert run(power("ets", "610.1", year="2019"), grid_factor="ets")["ets"]["status"] == "agrees"
    # 2015, Sichuan, NDRC 2012 regional: old boundaries put 川渝 in 华中, 0.5257 → 525.7 t
    leg = run(power("sc", "525.7", year="2015", firm_id="SC"), grid_factor="legacy")["sc"]
    assert leg["status"] == "agrees" and leg["our_factor_note"].startswith("NDRC 2012 regional")


def test_carbonate_process_and_carbon_product_lines() -> None:
    r = run(
        # GB/T 32151.34 表C.2: limestone 100 t × 0.440 = 44.00; dolomite 50 t × 0.477 = 23.85
        {"line": "lime", "carrier": "石灰石", "value": "100", "unit": "t", "reported_co2_t": "44.00"},
        {"line": "dolo", "carrier": "白云石", "value": "50", "unit": "t", "reported_co2_t": "23.85"},
        # electrode 1000 t at 0.999 tC/t: 1000 × 0.999 × 44/12 = 3663.00
        {"line": "electrode", "carrier": "电极", "kind": "process", "value": "1000",
         "unit": "t", "carbon_content": "0.999", "reported_co2_t": "3663.00"},
        # crude steel 110 000 t at 0.0101 tC/t held in product: −110000 × 0.0101 × 44/12 = −4073.67
        {"line": "steel", "carrier": "粗钢", "kind": "carbon_product", "value": "110000",
         "unit": "t", "carbon_content": "0.0101", "reported_co2_t": "-4073.67"},
        {"line": "steel+", "carrier": "粗钢", "kind": "carbon_product", "value": "110000",
         "unit": "t", "carbon_content": "0.0101", "reported_co2_t": "4073.67"},
        {"line": "no cc", "carrier": "粗钢", "kind": "carbon_product", "value": "1",
         "unit": "t", "reported_co2_t": "1"},
    )  # fmt: skip
    for line in ("lime", "dolo", "electrode", "steel"):
        assert r[line]["status"] == "agrees", r[line]
    assert r["steel"]["recomputed_co2_t"] == pytest.approx(-110000 * 0.0101 * 44 / 12)
    assert r["steel+"]["explanation"].startswith("sign: carbon held in products")
    assert "give its carbon_content [tC/t]" in r["no cc"]["explanation"]


def test_steam_given_by_mass() -> None:
    # 2000 t at 2780 kJ/kg less feed water 83.74 kJ/kg: 2000 × (2780 − 83.74) / 1000 = 5392.52 GJ;
    # × 0.11 tCO2/GJ (GB/T 32150-2025 7.5.6) = 593.1772 → 593.18
    steam = {"carrier": "蒸汽", "value": "2000", "unit": "t", "reported_co2_t": "593.18"}
    r = run(
        steam | {"line": "s", "steam_enthalpy": "2780", "steam_feedwater_enthalpy": "83.74"},
        steam | {"line": "run-level"},
        steam | {"line": "none", "firm_id": "SC"},
        steam_enthalpy=2780,
        steam_feedwater_enthalpy=83.74,
    )
    assert r["s"]["status"] == r["run-level"]["status"] == "agrees"
    assert r["s"]["recomputed_co2_t"] == pytest.approx(593.1772)
    assert r["s"]["our_factor_unit"] == "tCO2/GJ"
    nothing = run(steam | {"line": "none"})["none"]
    assert nothing["status"] == "error" and "steam_enthalpy [kJ/kg]" in nothing["explanation"]


def test_lines_given_as_emissions() -> None:
    # "diesel: 10.16 tCO2": without activity it implies 10.16 / 3.09594 = 3.282 t
    stated = {"line": "d", "carrier": "柴油", "value": "10.16", "unit": "tCO2"}
    r = run(stated)["d"]
    assert r["status"] == "not_checkable" and r["reported_co2_t"] == 10.16
    assert "implies 3.282 t" in r["explanation"]
    # with the meters: 3.282 t × 3.09594 = 10.1609 → agrees with 10.16 at 0.01 t
    readings = pl.DataFrame(
        {"firm_id": ["JS"], "carrier": ["diesel"], "value": ["3.282"], "unit": ["t"],
         "period": ["2023"], "flow": ["in"]}
    )  # fmt: skip
    t = reconcile(report(stated), readings=readings, firms=FIRMS).table.row(0, named=True)
    assert t["activity_source"] == "readings" and t["status"] == "agrees"
    assert t["recomputed_co2_t"] == pytest.approx(3.282 * DIESEL_EF)
    # as reports write it, unit in the value cell
    written = run(stated | {"value": "10.16 tCO2", "unit": None})["d"]
    assert written["status"] == "not_checkable" and written["reported_co2_t"] == 10.16
    # in kg: 10160 kgCO2 is 10.16 t to the kg (precision 0.001 t)
    kg = run(stated | {"value": "10160", "unit": "kgCO2"})["d"]
    assert kg["reported_co2_t"] == 10.16 and kg["reported_precision_t"] == pytest.approx(0.001)


def test_tolerance_from_the_reported_precision() -> None:
    r = run(
        power("to 1 t", "583"),  # 582.7 to the tonne: agrees
        power("to 0.01 t", "583.00"),  # whole tonnes written to 0.01: the line_1t policy
        power("to 0.1 t", "582.9"),  # 0.2 t off at a 0.1 t precision: unexplained
        # diesel 100.4 t × 3.09594 = 310.829 t; a kg figure to the kg labelled as t: 310829
        {"line": "slip", "carrier": "柴油", "value": "100.4", "unit": "t", "reported_co2_t": "310829"},
    )  # fmt: skip
    assert r["to 1 t"]["status"] == "agrees" and r["to 1 t"]["reported_precision_t"] == 1.0
    assert r["to 0.01 t"]["explanation"].startswith("rounding: line_1t")
    assert r["to 0.1 t"]["status"] == "unexplained"
    assert r["slip"]["explanation"].startswith("unit slip: the reported figure is 1000×")
    # a slip scales the tolerance by its factor: at a fixed 0.0001 t (× 1000 = 0.1 t) the same
    # slip is "unexplained" (|310829 − 310829.33| = 0.33 > 0.1)
    slip = {"line": "slip", "carrier": "柴油", "value": "100.4", "unit": "t"}
    fixed = reconcile(report(slip | {"reported_co2_t": "310829"}), tolerance_t=0.0001).table
    assert fixed["status"][0] == "unexplained"


def test_numeric_grid_factor_checked_and_recorded() -> None:
    for bad in (-1, 5, 581.0):
        with pytest.raises(OptionError, match="not a plausible scope-2 grid factor"):
            reconcile(report(power("p", "1")), grid_factor=bad)
    with pytest.raises(OptionError, match="not a grid-factor mode"):
        reconcile(report(power("p", "1")), grid_factor="provinical")
    r = reconcile(
        report(power("p", "570.0")), grid_factor=0.57, grid_factor_source="supplier letter 2024-03"
    ).table.row(0, named=True)
    assert r["status"] == "agrees"  # 1000 × 0.57 = 570.0
    assert r["our_factor_document"] == "user: 0.57 tCO2/MWh (supplier letter 2024-03)"
    per_line = run(power("p", "1", grid_factor="5"))["p"]
    assert per_line["status"] == "error" and "column grid_factor" in per_line["explanation"]


def test_an_operating_margin_baseline_is_not_a_scope2_factor() -> None:
    # the shipped CCER baseline 华北 2023 OM 0.935 tCO2/MWh (secondary (1))
    with pytest.raises(
        OptionError,
        match=r"CDM/CCER baseline \(operating_margin\) factor of 减排项目中国区域电网基准线排放因子",
    ):
        reconcile(report(power("p", "935")), grid_factor=0.935)
    # a line computed with it: 1000 MWh × 0.935 = 935 t, named as the wrong kind of factor
    line = run(power("om", "935.0"))["om"]
    assert line["explanation"].startswith("wrong kind of factor: 935.0 t = 1000 MWh × 0.935")
    assert "CDM/CCER baseline (operating_margin) factor" in line["explanation"]


def test_one_malformed_line_among_good_ones() -> None:
    rows = (
        power("good", "582.7"),
        power("text", "abc"),
        {"line": "value", "carrier": "柴油", "value": "1O0", "unit": "t", "reported_co2_t": "1"},
        {"line": "carrier", "carrier": "unobtainium", "value": "1", "unit": "t", "reported_co2_t": "1"},
        {"line": "unit", "carrier": "柴油", "value": "1", "unit": "parsecs", "reported_co2_t": "1"},
        {"line": "kind", "carrier": "柴油", "kind": "burning", "value": "1", "unit": "t", "reported_co2_t": "1"},
        power("good2", "530.6", grid_factor="national"),
    )  # fmt: skip
    t = reconcile(report(*rows), firms=FIRMS).table
    assert t.height == len(rows)  # rows in = rows out
    by = {r["line"]: r for r in t.iter_rows(named=True)}
    assert by["good"]["status"] == by["good2"]["status"] == "agrees"
    assert "row 2 (text), column reported_co2_t: 'abc' is not a number" in by["text"]["explanation"]
    assert "row 3 (value), column value: '1O0' is not a number" in by["value"]["explanation"]
    assert "column carrier: 'unobtainium' is not a known carrier" in by["carrier"]["explanation"]
    assert "column unit: 'parsecs'" in by["unit"]["explanation"]
    assert "column kind: 'burning'" in by["kind"]["explanation"]
    assert t.filter(pl.col("status") == "error").height == 5


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["柴油", "电力", "蒸汽", "石灰石", "粗钢", "", "x"]),
            st.one_of(st.text(max_size=6), st.decimals(-1e6, 1e6, places=3).map(str)),
            st.sampled_from(["t", "MWh", "tCO2", "万Nm3", "", "kg/h"]),
            st.one_of(
                st.none(), st.text(max_size=4), st.sampled_from(["2019", "2023", "²", "99999"])
            ),
            st.one_of(st.text(max_size=6), st.decimals(-1e6, 1e6, places=2).map(str)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_line_is_accounted_for_never_raised(rows: list[tuple[str, ...]]) -> None:
    lines = [
        {"line": f"l{i}", "carrier": c, "value": v, "unit": u, "year": y, "reported_co2_t": r}
        for i, (c, v, u, y, r) in enumerate(rows)
    ]
    t = reconcile(report(*lines), firms=FIRMS).table
    assert t.height == len(rows)  # rows in = rows out: each reconciled or an error row
    errors = t.filter(pl.col("status") == "error")
    assert errors["explanation"].str.contains(r"row \d+").all()


def test_grid_modes_that_need_a_province_say_so() -> None:
    no_province = pl.DataFrame({"firm_id": ["JS"]})
    t = reconcile(report(power("p", "1")), firms=no_province).table
    assert "it needs the firm's province" in t["explanation"][0]
    # national needs none: 1000 × 0.5306 (2023) = 530.6
    t = reconcile(report(power("p", "530.6")), firms=no_province, grid_factor="national").table
    assert t["status"][0] == "agrees"
    nm = pl.DataFrame({"firm_id": ["JS"], "province": ["内蒙古"]})
    t = reconcile(report(power("p", "1")), firms=nm, grid_factor="regional").table
    msg = t["explanation"][0]
    # says which grid each half is in and what to do: 蒙东/蒙西 as the province, or provincial
    assert "grid factor 'regional': 内蒙古 (CN-NM) spans two grid regions: 蒙西 is in 华北" in msg
    assert "蒙东 (赤峰, 通辽, 呼伦贝尔, 兴安盟) in 东北" in msg
    assert "give the firm's province as 蒙东 or 蒙西" in msg and "provincial mode" in msg
    # 蒙东 in the regional mode: 东北 2023; in the provincial mode 内蒙古's own factor
    east = pl.DataFrame({"firm_id": ["JS"], "province": ["蒙东"]})
    t = reconcile(report(power("p", "1")), firms=east, grid_factor="regional").table
    assert "grid-northeast" in t["our_factor_document"][0]
    t = reconcile(report(power("p", "1")), firms=east).table
    assert "CN-NM" in t["our_factor_document"][0]


def test_total_lines_and_the_order_of_rounding(tmp_path: Any) -> None:
    # three limestone lines of 10.01 t: 10.01 × 0.440 = 4.4044 t each.
    # sum then round: 3 × 4.4044 = 13.2132 → 13.21; round then sum: 3 × 4.40 = 13.20
    assert round(3 * 10.01 * 0.440, 4) == 13.2132
    lime = {"carrier": "石灰石", "value": "10.01", "unit": "t", "reported_co2_t": "4.40"}
    lines = [lime | {"line": f"kiln {i}"} for i in (1, 2, 3)]
    total = {"line": "合计", "kind": "total", "carrier": None}
    r = run(
        *lines, total | {"reported_co2_t": "13.21"}, total | {"line": "sum", "value": "13.20 tCO2"}
    )
    assert r["合计"]["status"] == "agrees"
    assert r["合计"]["recomputed_co2_t"] == pytest.approx(13.2132)
    assert r["sum"]["explanation"].startswith("rounding: line_0.01t")
    # the order is the policy's: rounding total_t only is "sum, then round"
    f = tmp_path / "order.toml"
    f.write_text(
        "[[policy]]\nid = 'sum_then_round'\nsteps = [{quantity = 'total_t', decimals = 2}]\n",
        encoding="utf-8",
    )
    r = run(*lines, total | {"reported_co2_t": "13.21"}, rounding="sum_then_round", rounding_file=f)
    assert r["合计"]["recomputed_co2_t"] == 13.21 and r["合计"]["status"] == "agrees"
    # a total that adds up wrong lines: the differences are in the lines
    wrong = [x | {"reported_co2_t": "5.00"} for x in lines]
    r = run(*wrong, total | {"reported_co2_t": "15.00"})
    assert r["合计"]["explanation"].startswith("the total adds up the reported lines")
    # a bad line makes its firm's total not checkable, and says which
    r = run(lines[0], lime | {"line": "bad", "value": "x"}, total | {"reported_co2_t": "9"})
    assert r["合计"]["explanation"] == "total not checkable: rows 2 could not be recomputed"
    with_activity = run(total | {"value": "100", "unit": "MWh"})["合计"]
    assert "unit 'MWh' is not a mass of CO2" in with_activity["explanation"]


def test_a_reported_zero_is_not_explained_as_a_unit_slip_and_an_excel_year_reads() -> None:
    import polars as pl

    from carbonacct.verify import reconcile

    lines = pl.DataFrame(
        {
            "firm_id": ["JS01", "JS01"],
            "line": ["零报告电", "柴油"],
            "carrier": ["电力", "柴油"],
            "value": [1.0, 100.0],
            "unit": ["MWh", "t"],
            "year": [2023.0, 2023.0],  # as an Excel number cell arrives
            # 1 MWh × 0.5827 = 0.5827 t, reported 0: an omission, not a slip;
            # 100 t × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 309.59 t
            "reported_co2_t": [0.0, 309.59],
        }
    )
    firms = pl.DataFrame({"firm_id": ["JS01"], "province": ["江苏"]})
    table = reconcile(lines, firms=firms).table
    status = dict(zip(table["line"], table["status"], strict=True))
    assert status == {"零报告电": "unexplained", "柴油": "agrees"}
