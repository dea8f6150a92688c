"""Product and process energy from tagged readings (issue 13): the energy inside a product's
boundary per that product's output, never whole-site energy per each product's output."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.workflows import check_from_readings

FIRMS = "企业代码,企业名称,省份,行业代码\nCEM,水泥厂,江苏,C3011\nSTL,钢铁厂,河北,3120\n"


def _write(tmp_path: Path, readings: str, activity: str) -> tuple[Path, Path, Path]:
    r, f, a = tmp_path / "readings.csv", tmp_path / "firms.csv", tmp_path / "activity.csv"
    r.write_bytes(readings.encode("gbk"))  # an enterprise export: GBK, Chinese headers
    f.write_bytes(FIRMS.encode("gbk"))
    a.write_text(activity, encoding="utf-8")
    return r, f, a


def _products(result: carbonacct.CheckResult) -> dict[tuple[str, str, str], dict]:  # type: ignore[type-arg]
    return {
        (p["firm_id"], p["product"], p["metric"]): p
        for p in result.products.iter_rows(named=True)  # type: ignore[union-attr]
    }


def test_cement_works_with_raw_coal_checked_at_its_clinker_boundary(tmp_path: Path) -> None:
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,工序\n"
        "CEM,2024,原煤,12000,t,cement_clinker\n"  # kiln coal
        "CEM,2024,电力,5000,MWh,cement_clinker\n"  # raw meal, kiln, clinker cooling
        "CEM,2024,电力,4000,MWh,cement_grinding\n"  # cement mills: outside the clinker boundary
        "CEM,2024,柴油,50,t,\n"  # site vehicles: in no product boundary
    )
    activity = (
        "firm_id,period,metric,value,unit\n"
        "CEM,2024,cement_clinker,90000,t\n"
        "CEM,2024,cement,120000,t\n"
    )
    r, f, a = _write(tmp_path, readings, activity)
    result = check_from_readings(r, f, a)
    p = _products(result)
    clinker = p[("CEM", "cement_clinker", "product_energy_intensity")]
    # clinker boundary: 12 000 t × 0.7143 + 5 000 MWh × 0.1229 = 8 571.6 + 614.5 = 9 186.1 tce
    # 9 186.1 tce × 1000 / 90 000 t = 102.068 kgce/t: between 标杆 100 and 基准 117, GB grade 2
    assert clinker["actual"] == pytest.approx(9186.1 * 1000 / 90000)
    assert (clinker["level"], clinker["gb_grade"], clinker["status"]) == ("between", 2, "on_track")
    assert clinker["basis"] == "readings tagged cement_clinker (its product/process boundary)"
    # whole site ÷ clinker output would be (9 186.1 + 491.6 + 72.855) × 1000 / 90 000
    # = 9 750.555 × 1000 / 90 000 = 108.34, GB grade 3: the defect this replaces
    site = 9186.1 + 4000 * 0.1229 + 50 * 1.4571
    assert site * 1000 / 90000 == pytest.approx(108.3395, abs=1e-4)
    assert clinker["actual"] != pytest.approx(site * 1000 / 90000)
    # clinker electricity from the tagged electricity: 5 000 000 kWh / 90 000 t = 55.56 kWh/t,
    # GB 16780-2021 grades 48 / 57 / 61: grade 2
    elec = p[("CEM", "cement_clinker", "product_electricity_intensity")]
    assert elec["actual"] == pytest.approx(5_000_000 / 90_000)
    assert elec["gb_grade"] == 2 and elec["exceeds_limit"] is False
    # the cement figure is not made from whole-site energy: cement_grinding readings are not the
    # comprehensive energy of cement (no readings tagged "cement")
    cement = p[("CEM", "cement", "product_energy_intensity")]
    assert cement["actual"] is None and "multi-product site" in cement["missing"]


def test_steel_plant_blast_furnace_and_bof_processes(tmp_path: Path) -> None:
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,流向,工序\n"
        "STL,2025,焦炭,380000,t,in,blast_furnace_iron\n"
        "STL,2025,原煤,150000,t,in,blast_furnace_iron\n"  # pulverised coal injection
        "STL,2025,电力,60000,MWh,in,blast_furnace_iron\n"
        "STL,2025,高炉煤气,1500000000,Nm3,out,blast_furnace_iron\n"  # BF gas delivered out
        "STL,2025,电力,30000,MWh,in,bof_steel\n"
        "STL,2025,高炉煤气,200000000,Nm3,out,bof_steel\n"
    )
    activity = (
        "firm_id,period,metric,value,unit\n"
        "STL,2025,blast_furnace_iron,800000,t\n"
        "STL,2025,bof_steel,1000000,t\n"
    )
    r, f, a = _write(tmp_path, readings, activity)
    result = check_from_readings(r, f, a)
    p = _products(result)
    bf = p[("STL", "blast_furnace_iron", "product_energy_intensity")]
    # 380 000 × 0.9714 + 150 000 × 0.7143 + 60 000 × 0.1229 − 1.5e9 Nm3 × 0.1286 kgce/m3
    # = 369 132 + 107 145 + 7 374 − 192 900 = 290 751 tce; / 800 000 t = 363.44 kgce/t
    assert bf["actual"] == pytest.approx(290751 * 1000 / 800000)
    # GB 21256-2025 表3 grades 361 / 370 / 415 (applied from 2025, its year): grade 2
    assert (bf["gb_grade"], bf["exceeds_limit"], bf["status"]) == (2, False, "on_track")
    bof = p[("STL", "bof_steel", "product_energy_intensity")]
    # BOF: 30 000 MWh × 0.1229 − 2e8 Nm3 × 0.1286 kgce/m3 = 3 687 − 25 720 = −22 033 tce
    # / 1 000 000 t = −22.033 kgce/t: net recovery, a negative figure is valid here;
    # GB 21256-2025 表4 grades −30 / −28 / −12: grade 3
    assert bof["actual"] == pytest.approx(-22.033)
    assert (bof["gb_grade"], bof["exceeds_limit"], bof["status"]) == (3, False, "on_track")
    assert bof["basis"] == "readings tagged bof_steel (its product/process boundary)"
    # no electricity indicator is graded for these processes: no row is invented for one
    assert ("STL", "bof_steel", "product_electricity_intensity") not in p


def test_footprint_by_product_gives_each_boundary_and_the_untagged_rest() -> None:
    readings = pl.DataFrame(
        {
            "firm_id": ["A", "A", "A"],
            "carrier": ["raw_coal", "electricity", "electricity"],
            "period": ["2024"] * 3,
            "value": [12000.0, 5000.0, 4000.0],
            "unit": ["t", "MWh", "MWh"],
            "process": ["cement_clinker", "cement_clinker", None],  # `process` names the column too
        }
    )
    fp = carbonacct.footprint(
        readings, by=("product",), method=carbonacct.Method(grid_factor="national")
    )
    got = {r["product"]: r["energy_tce"] for r in fp.table.iter_rows(named=True)}
    # clinker: 12 000 × 0.7143 + 5 000 × 0.1229 = 9 186.1; untagged: 4 000 × 0.1229 = 491.6
    assert got == {"cement_clinker": pytest.approx(9186.1), None: pytest.approx(491.6)}


def test_a_tag_without_output_is_refused_by_name_not_dropped(tmp_path: Path) -> None:
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,工序\n"
        "CEM,2024,原煤,12000,t,cement_clinkr\n"  # a misspelt tag
        "CEM,2024,电力,5000,MWh,cement_clinker\n"
    )
    activity = "firm_id,period,metric,value,unit\nCEM,2024,cement_clinker,90000,t\n"
    r, f, a = _write(tmp_path, readings, activity)
    p = _products(check_from_readings(r, f, a))
    typo = p[("CEM", "cement_clinkr", "product_energy_intensity")]
    assert typo["status"] == "invalid_input"
    assert (
        "tagged cement_clinkr but the activity gives no output of cement_clinkr"
        in (typo["missing"])
    )
    # the correctly tagged part is still checked on its own energy: 614.5 tce / 90 000 t
    assert p[("CEM", "cement_clinker", "product_energy_intensity")]["actual"] == pytest.approx(
        5000 * 0.1229 * 1000 / 90000
    )


def test_aluminium_smelter_from_its_electrolysis_electricity(tmp_path: Path) -> None:
    """A smelter's readings: the pot line (工序 电解) and the rest of the site. The level of
    电解铝 is 铝液交流电耗, the AC electricity of electrolysis per tonne of aluminium liquid
    (kWh/t), not comprehensive energy: the check uses the electricity tagged 电解 only.

    Pot line: 1 300 000 MWh = 1.3e9 kWh; output 100 000 t of 铝液:
    1.3e9 / 100 000 = 13 000 kWh/t = the 标杆 (13 000) exactly: at benchmark, GB 21346-2022
    grade 2 (12 950 / 13 000 / 13 350), not a breach.
    A second smelter at 1 336 000 MWh: 13 360 kWh/t > 13 350 (基准 and GB grade 3): breach,
    exceeds_limit. Whole-site electricity (pot line + 50 000 MWh of casting, offices) would
    read (1.3e9 + 5e7) / 1e5 = 13 500: the defect this replaces.
    """
    firms = "企业代码,企业名称,省份,行业代码\nALU,铝厂,广东,C3216\nALX,铝厂二,广东,3216\n"
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,工序\n"
        "ALU,2025,电力,1300000,MWh,电解\n"  # the pot line (tagged with the process)
        "ALU,2025,电力,50000,MWh,\n"  # casting, auxiliaries: outside the electrolysis boundary
        "ALU,2025,天然气,1000,万Nm3,\n"
        "ALX,2025,电力,1336000,MWh,铝液\n"  # tagged with the product instead
    )
    activity = "firm_id,period,metric,value,unit\nALU,2025,铝液,100000,t\nALX,2025,electrolytic_aluminium,100000,t\n"
    r, f, a = tmp_path / "r.csv", tmp_path / "f.csv", tmp_path / "a.csv"
    r.write_bytes(readings.encode("gbk"))
    f.write_bytes(firms.encode("gbk"))
    a.write_text(activity, encoding="utf-8")
    result = check_from_readings(r, f, a, pathways=[])
    p = _products(result)
    at = p[("ALU", "electrolytic_aluminium", "product_electricity_intensity")]
    assert at["actual"] == pytest.approx(1.3e9 / 100_000) == 13_000
    assert (at["level"], at["gb_grade"], at["exceeds_limit"], at["status"]) == (
        "benchmark",
        2,
        False,
        "on_track",
    )
    assert at["unit"] == "kWh/t" and "electricity of readings tagged" in at["basis"]
    assert (1.3e9 + 5e7) / 1e5 == 13_500 != at["actual"]
    over = p[("ALX", "electrolytic_aluminium", "product_electricity_intensity")]
    assert over["actual"] == pytest.approx(13_360)
    assert (over["level"], over["exceeds_limit"], over["status"]) == (
        "below_baseline",
        True,
        "breach",
    )
    # no comprehensive-energy figure is made up for aluminium (its level is AC power)
    assert ("ALU", "electrolytic_aluminium", "product_energy_intensity") not in p
    firms_out = {row["firm_id"]: row["status"] for row in result.firms.iter_rows(named=True)}
    assert firms_out == {"ALU": "on_track", "ALX": "breach"}


def test_an_ambiguous_process_name_is_not_read_as_another_product(tmp_path: Path) -> None:
    """电解 in a caustic-soda plant is its cell room, not an aluminium pot line: with no
    aluminium output the tag stays 电解 and is refused by name."""
    firms = "企业代码,企业名称,省份,行业代码\nNAO,烧碱厂,江苏,2612\n"
    readings = "企业代码,统计期,能源品种,数量,计量单位,工序\nNAO,2025,电力,100000,MWh,电解\n"
    activity = "firm_id,period,metric,value,unit\nNAO,2025,caustic_soda_30,200000,t\n"
    r, f, a = tmp_path / "r.csv", tmp_path / "f.csv", tmp_path / "a.csv"
    r.write_bytes(readings.encode("gbk"))
    f.write_bytes(firms.encode("gbk"))
    a.write_text(activity, encoding="utf-8")
    p = _products(check_from_readings(r, f, a, pathways=[]))
    assert p[("NAO", "电解", "product_energy_intensity")]["status"] == "invalid_input"
    assert ("NAO", "electrolytic_aluminium", "product_electricity_intensity") not in p


def test_green_certificates_with_tagged_readings_keep_the_product_rows(tmp_path: Path) -> None:
    """A smelter holding 绿证 keeps its pot-line product row: 绿证 leave only the numerator of
    the intensity per value added (发改环资〔2024〕113号), never a product level (reference §5).

    Pot line 1 300 000 MWh (tagged 电解), rest of site 50 000 MWh; output 100 000 t 铝液:
    1.3e9 kWh / 100 000 t = 13 000 kWh/t, with or without 绿证.
    Site energy: 1 350 000 MWh × 0.1229 tce/MWh = 165 915 tce; 绿证 300 000 MWh leave
    300 000 × 0.1229 = 36 870 tce: (165 915 − 36 870) / 500 000 万元 = 0.25809 tce/万元
    (without 绿证 165 915 / 500 000 = 0.33183).
    """
    firms = "企业代码,企业名称,省份,行业代码\nALU,铝厂,广东,C3216\n"
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,工序\n"
        "ALU,2025,电力,1300000,MWh,电解\n"
        "ALU,2025,电力,50000,MWh,\n"
    )
    activity = (
        "firm_id,period,metric,value,unit\n"
        "ALU,2025,铝液,100000,t\n"
        "ALU,2025,value_added,500000,万元\n"
    )
    r, f, a = tmp_path / "r.csv", tmp_path / "f.csv", tmp_path / "a.csv"
    g = tmp_path / "green.csv"
    r.write_bytes(readings.encode("gbk"))
    f.write_bytes(firms.encode("gbk"))
    a.write_text(activity, encoding="utf-8")
    g.write_text("firm_id,period,value,unit\nALU,2025,300000,MWh\n", encoding="utf-8")

    def actual(result: carbonacct.CheckResult) -> float:
        rows = result.results.filter(pl.col("metric") == "energy_intensity_va")
        return float(rows["actual"][0])

    plain = check_from_readings(r, f, a, pathways=["cn-industry-2025"])
    green = check_from_readings(r, f, a, pathways=["cn-industry-2025"], green_electricity=g)
    assert actual(plain) == pytest.approx(165_915 / 500_000)
    assert actual(green) == pytest.approx((165_915 - 36_870) / 500_000)
    for result in (plain, green):
        pot = _products(result)[("ALU", "electrolytic_aluminium", "product_electricity_intensity")]
        assert pot["actual"] == pytest.approx(13_000)
        assert pot["level"] == "benchmark" and "electricity of readings tagged" in pot["basis"]
    # the 绿证 file is recorded with the footprint's inputs
    assert green.provenance["footprint"]["inputs"]["green_electricity"] is not None
