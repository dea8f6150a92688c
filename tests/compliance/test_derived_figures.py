"""Figures the check derives itself (from readings) never fail a firm as invalid_input: a zero,
negative or boundary-incomplete derived figure gives that rule insufficient_data with the reason
in words, and the firm's other rules stand (issue 13, outside re-trial 2)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.workflows import check_from_readings

DATA = Path(__file__).parent.parent / "data" / "check_retrial"


def _products(result: carbonacct.CheckResult) -> dict[tuple[str, str, str, int], dict]:  # type: ignore[type-arg]
    return {
        (p["firm_id"], p["product"], p["metric"], p["check_year"]): p
        for p in result.products.iter_rows(named=True)
    }


def _firms(result: carbonacct.CheckResult) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["firm_id"]: f for f in result.firms.iter_rows(named=True)}


def _write(tmp_path: Path, **files: str) -> dict[str, Path]:
    out = {}
    for name, text in files.items():
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_bytes(text.encode("gbk"))  # enterprise exports: GBK
    return out


def test_clinker_at_the_baseline_with_untagged_electricity_is_not_invalid() -> None:
    # the re-trial's x1 files (UTF-8 with BOM, Chinese headers, 万kWh, "104,000")
    result = check_from_readings(
        DATA / "clinker_readings.csv", DATA / "clinker_firms.csv", DATA / "clinker_activity.csv"
    )
    firms, p = _firms(result), _products(result)
    tagged, untagged = "91320500MA1EXA0011", "91320500MA1EXA0022"
    # tagged coal and electricity: (104 000 t × 0.7143 + 3 900 万kWh × 0.1229 kgce/kWh)
    # = (74 287.2 + 4 793.1) tce × 1000 / 675 900 t = 117.000 kgce/t: exactly the 基准, complies
    row = p[(tagged, "cement_clinker", "product_energy_intensity", 2026)]
    assert row["actual"] == pytest.approx((74287.2 + 4793.1) * 1000 / 675900)
    assert row["status"] == "on_track"
    # coal tagged, the site's 3 900 万kWh untagged: the clinker boundary lacks the electricity
    # the site uses, so 74 287.2 × 1000 / 675 900 = 109.909 is no clinker comprehensive energy
    energy = p[(untagged, "cement_clinker", "product_energy_intensity", 2026)]
    assert energy["status"] == "insufficient_data" and energy["actual"] is None
    assert "no electricity tagged cement_clinker" in energy["missing"]
    assert "39000 MWh" in energy["missing"] and "工序" in energy["missing"]
    # the clinker electricity the tool would make from no tagged electricity is 0 kWh/t: no figure
    elec = p[(untagged, "cement_clinker", "product_electricity_intensity", 2026)]
    assert elec["status"] == "insufficient_data" and elec["actual"] is None
    assert "no electricity tagged cement_clinker" in elec["missing"]
    assert elec["data_complete"] is False
    # no refused cell the user never wrote, and the firm keeps its real results
    assert result.rejected.filter(pl.col("firm_id") == untagged).height == 0
    assert firms[untagged]["status"] != "invalid_input"
    assert "column 'value'" not in (firms[untagged]["reason"] or "")
    # 2026 energy 79 080.3 tce / 60 000 万元 = 1.318005 vs 2020 the same: above_path on the
    # cn-industry path (a sector average, never breach)
    assert firms[untagged]["status"] == "above_path"


def test_steel_site_co2_negative_from_credits_is_insufficient_not_invalid(tmp_path: Path) -> None:
    # hand-trial 2 #3: BF coke 3 600 t, PCI raw coal 1 500 t, electricity 600 万kWh; BF gas
    # 800 万Nm3 and converter gas 1 500 万Nm3 exported. Give no CO2 factor for raw coal (a
    # factor set without it): the gas credits exceed the counted CO2 and the site total is < 0
    files = _write(
        tmp_path,
        readings=(
            "企业代码,能源品种,统计期,数量,计量单位,工序,流向\n"
            "STL,焦炭,2025,3600,吨,blast_furnace_iron,\n"
            "STL,原煤,2025,1500,吨,blast_furnace_iron,\n"
            "STL,电力,2025,600,万kWh,blast_furnace_iron,\n"
            "STL,高炉煤气,2025,800,万Nm3,blast_furnace_iron,输出\n"
            "STL,电力,2025,6000,MWh,bof_steel,\n"
            "STL,转炉煤气,2025,1500,万Nm3,bof_steel,输出\n"
        ),
        firms="企业代码,企业名称,所在省份,行业代码\nSTL,冀钢联合厂,河北省,3120\n",
        activity=(
            "企业代码,统计期,指标,指标值,计量单位,price_basis\n"
            "STL,2025,value_added,200000,万元,constant:2020\n"
            "STL,2025,blast_furnace_iron,10000,t,\n"
            "STL,2025,bof_steel,100000,t,\n"
        ),
    )
    result = check_from_readings(files["readings"], files["firms"], files["activity"])
    co2 = result.results.filter(
        (pl.col("metric") == "co2_intensity_va") & (pl.col("check_year") == 2025)
    )
    assert co2.height > 0
    for row in co2.iter_rows(named=True):
        assert row["status"] == "insufficient_data"
        assert "without a CO2 factor" in row["missing"]
        assert "column 'value'" not in row["missing"]
    # the blast furnace is still graded: (3 600 × 0.9714 + 1 500 × 0.7143 + 6 000 000 × 0.1229
    # / 1000 − 8 000 000 × 0.1286 / 1000) / 10 000 t = (3 497.04 + 1 071.45 + 737.4 − 1 028.8)
    # / 10 = 427.709 kgce/t > 415 (GB 21256-2025 grade 3): breach, the firm's real status
    bf = _products(result)[("STL", "blast_furnace_iron", "product_energy_intensity", 2025)]
    assert bf["actual"] == pytest.approx(427.709, abs=1e-3)
    assert bf["status"] == "breach"
    assert _firms(result)["STL"]["status"] == "breach"
    assert result.rejected.filter(pl.col("firm_id") == "STL").height == 0


def test_clinker_from_electricity_only_with_untagged_coal_is_not_graded(tmp_path: Path) -> None:
    # hand-trial 2 #5: 6 100 000 kWh tagged cement_clinker, 14 000 t raw coal untagged.
    # 6 100 000 × 0.1229 / 1000 / 100 000 t = 7.4969 kgce/t is no clinker energy: the kiln's
    # coal (14 000 × 0.7143 = 10 000.2 tce) is outside the tagged boundary
    files = _write(
        tmp_path,
        readings=(
            "firm_id,carrier,period,value,unit,process\n"
            "CEMX,电力,2025,6100000,kWh,cement_clinker\n"
            "CEMX,原煤,2025,14000,t,\n"
        ),
        firms="firm_id,name,province,sector\nCEMX,皖熟料X厂,安徽省,3011\n",
        activity=(
            "firm_id,period,metric,value,unit\n"
            "CEMX,2025,cement_clinker,100000,t\n"
            "CEMX,2025,value_added,30000,万元\n"
        ),
    )
    result = check_from_readings(
        files["readings"], files["firms"], files["activity"], price_basis="constant:2020"
    )
    p = _products(result)
    energy = p[("CEMX", "cement_clinker", "product_energy_intensity", 2025)]
    assert (energy["status"], energy["level"], energy["gb_grade"]) == (
        "insufficient_data",
        None,
        None,
    )
    assert "no fuel tagged cement_clinker" in energy["missing"]
    assert "10000.2 tce" in energy["missing"]
    # the electricity indicator has its own carrier inside the boundary: 6 100 000 / 100 000
    # = 61 kWh/t = GB 16780-2021 grade 3 (61), not above it
    elec = p[("CEMX", "cement_clinker", "product_electricity_intensity", 2025)]
    assert elec["actual"] == pytest.approx(61.0) and elec["status"] == "on_track"
    assert _firms(result)["CEMX"]["status"] != "on_track" or "标杆" not in str(energy["level"])


def test_smelter_metered_at_site_level_gets_a_product_row(tmp_path: Path) -> None:
    # hand-trial 2 #1: untagged 1 335 000 MWh, one product (10 万吨 = 100 000 t of aluminium).
    # 1 335 000 MWh × 1000 / 100 000 t = 13 350 kWh/t = 基准 13 350 = GB 21346 grade 3: at the
    # limit. Site electricity includes auxiliaries, so it is an upper bound of 铝液交流电耗: at
    # or below a limit it complies for certain
    files = _write(
        tmp_path,
        readings=(
            "企业代码,计量器具编号,厂区,能源品种,统计期,数量,计量单位\n"
            'ALR3,E-ALL,全厂,电力,2025,"1,335,000",MWh\n'
            'ALR4,E-ALL,全厂,电力,2025,"1,345,000",MWh\n'
        ),
        firms="firm_id,name,province,sector\nALR3,蒙电解铝三厂,内蒙古,C3216\nALR4,蒙电解铝四厂,内蒙古,3216\n",
        activity=(
            "firm_id,period,metric,value,unit\n"
            "ALR3,2025,electrolytic_aluminium,10,万吨\n"
            "ALR4,2025,electrolytic_aluminium,100000,t\n"
        ),
    )
    result = check_from_readings(
        files["readings"], files["firms"], files["activity"], price_basis="constant:2020"
    )
    p, firms = _products(result), _firms(result)
    al = p[("ALR3", "electrolytic_aluminium", "product_electricity_intensity", 2025)]
    assert al["actual"] == pytest.approx(13350.0)
    assert al["basis"].startswith("whole site (single-product site)")
    assert "upper bound" in al["basis"]
    assert (al["level"], al["gb_grade"], al["status"]) == ("between", 3, "on_track")
    assert firms["ALR3"]["status"] == "on_track"
    # 1 345 000 × 1000 / 100 000 = 13 450 > 13 350: above the limit on an upper bound only,
    # so no breach can be established: insufficient_data, saying how to decide it
    al4 = p[("ALR4", "electrolytic_aluminium", "product_electricity_intensity", 2025)]
    assert al4["actual"] == pytest.approx(13450.0)
    assert al4["status"] == "insufficient_data"
    assert "upper bound" in al4["missing"] and "electrolytic_aluminium" in al4["missing"]
    assert firms["ALR4"]["status"] == "insufficient_data"
    assert "upper bound" in firms["ALR4"]["reason"]


def test_a_users_electricity_figure_under_the_energy_metric_names_the_right_one() -> None:
    # the user's own cell: 13 000 kWh/t of aluminium given as product_energy_intensity is
    # refused by its row, and the refusal names the metric a kWh/t figure belongs to
    firms = pl.DataFrame({"firm_id": ["AL"], "province": ["内蒙古"], "sector": ["C3216"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["AL"],
            "year": [2025],
            "metric": ["product_energy_intensity"],
            "product": ["electrolytic_aluminium"],
            "value": [13000.0],
            "unit": ["kWh/t"],
        }
    )
    result = carbonacct.check(firms, actuals=actuals, pathways=[])
    refused = result.rejected.row(0, named=True)
    assert refused["row"] is not None  # the user's own row is named
    assert "product_electricity_intensity" in refused["invalid"]
    assert "product_energy_intensity (kgce/t)" in refused["invalid"]
