"""Firm statuses, report years and price bases found wrong by outside trials of the check
(issue 13): each test the tester's case in small, with the arithmetic written out."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.workflows import check_from_readings

FIRMS = (
    "企业代码,企业名称,省份,行业代码\n"
    "CEM,皖水泥熟料厂,安徽省,3011\n"
    "CHEM,粤甲醇厂,广东省,C2614\n"
    "ALR,蒙电解铝厂,内蒙古自治区,3216\n"
)


def _write(tmp_path: Path, readings: str, activity: str, **others: str) -> tuple[Path, Path, Path]:
    r, f, a = tmp_path / "readings.csv", tmp_path / "firms.csv", tmp_path / "activity.csv"
    r.write_bytes(readings.encode("gbk"))  # an enterprise export: GBK, Chinese headers
    f.write_bytes(FIRMS.encode("gbk"))
    a.write_text(activity, encoding="utf-8")
    for name, text in others.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return r, f, a


def _firm(result: carbonacct.CheckResult, firm: str) -> dict:  # type: ignore[type-arg]
    return result.firms.filter(pl.col("firm_id") == firm).row(0, named=True)


def _rule(result: carbonacct.CheckResult, firm: str, metric: str, year: int) -> dict:  # type: ignore[type-arg]
    rows = result.results.filter(
        (pl.col("firm_id") == firm)
        & (pl.col("metric") == metric)
        & (pl.col("check_year") == year)
        & (pl.col("pathway") == "cn-industry-2025")
    )
    return rows.row(0, named=True)


def test_base_year_without_any_co2_is_insufficient_data_not_invalid_input(tmp_path: Path) -> None:
    # 2020: raw coal has no CO2 factor and 2020 has no grid factor → 2020 CO2 sums to 0.
    # The 0.0 intensity is no figure typed by the user: the CO2 rule is insufficient_data, the
    # energy rule keeps its status.
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位\n"
        "CHEM,2020,原煤,10000,t\n"
        "CHEM,2020,电力,10000,MWh\n"
        "CHEM,2025,原煤,8000,t\n"
        "CHEM,2025,电力,10000,MWh\n"
    )
    activity = (
        "firm_id,period,metric,value,unit,price_basis\n"
        "CHEM,2020,value_added,10000,万元,constant:2020\n"
        "CHEM,2025,value_added,10000,万元,constant:2020\n"
    )
    r, f, a = _write(tmp_path, readings, activity)
    result = check_from_readings(r, f, a)
    co2 = _rule(result, "CHEM", "co2_intensity_va", 2025)
    assert co2["status"] == "insufficient_data"
    assert co2["missing"].startswith("CO2 of the base year 2020 incomplete")
    energy = _rule(result, "CHEM", "energy_intensity_va", 2025)
    # 2020: 10 000 t × 0.7143 + 10 000 MWh × 0.1229 = 7 143 + 1 229 = 8 372 tce / 10 000 万元
    # 2025: 8 000 × 0.7143 + 1 229 = 5 714.4 + 1 229 = 6 943.4 tce / 10 000 = 0.69434
    # required 0.8372 × (1 − 0.135) = 0.724178: below_path
    assert energy["base_value"] == pytest.approx(0.8372)
    assert energy["actual"] == pytest.approx(0.69434)
    assert energy["required"] == pytest.approx(0.8372 * 0.865)
    assert energy["status"] == "below_path"
    firm = _firm(result, "CHEM")
    # the worst real verdict, not invalid_input; its reason is its own rule's, and what is
    # missing travels as the follow-up
    assert firm["status"] == "below_path"
    assert firm["reason"] == (
        "cn-industry-2025 energy_intensity_va 2025: 0.69434 against 0.724178 required"
    )
    assert "CO2 of the base year 2020 incomplete" in firm["follow_up"]
    assert "invalid_input" not in (firm["history"] or "")
    assert result.rejected.filter(pl.col("firm_id") == "CHEM").height == 0


ALUMINIUM = (
    "企业代码,统计期,能源品种,数量,计量单位,工序\n"
    "ALR,2020,电力,1350000,MWh,electrolytic_aluminium\n"
    "ALR,2020,天然气,500,万Nm3,\n"
    "ALR,2025,电力,1300000,MWh,electrolytic_aluminium\n"
    "ALR,2025,天然气,500,万Nm3,\n"
)


def test_smelter_from_readings_is_not_failed_by_an_indicator_the_tool_derived(
    tmp_path: Path,
) -> None:
    activity = (
        "firm_id,period,metric,value,unit,price_basis\n"
        "ALR,2020,value_added,150000,万元,constant:2020\n"
        "ALR,2025,value_added,150000,万元,constant:2020\n"
        "ALR,2020,electrolytic_aluminium,100000,t,\n"
        "ALR,2025,electrolytic_aluminium,100000,t,\n"
    )
    r, f, a = _write(tmp_path, ALUMINIUM, activity)
    result = check_from_readings(r, f, a)
    p = result.products.filter((pl.col("firm_id") == "ALR") & (pl.col("check_year") == 2025))
    elec = p.filter(pl.col("metric") == "product_electricity_intensity").row(0, named=True)
    # 1 300 000 MWh × 1000 / 100 000 t = 13 000 kWh/t: at the 标杆 13 000 (≤), on track
    assert elec["actual"] == pytest.approx(13000.0)
    assert (elec["level"], elec["status"]) == ("benchmark", "on_track")
    # no level of kgce/t for aluminium: the tool derives no such figure (or notes it unchecked)
    derived = p.filter(pl.col("metric") == "product_energy_intensity")
    assert set(derived["status"]) <= {"not_covered"}
    firm = _firm(result, "ALR")
    assert firm["status"] != "invalid_input"
    assert result.rejected.filter(pl.col("firm_id") == "ALR").height == 0


def test_users_own_figure_of_an_unpublished_indicator_is_still_refused() -> None:
    firms = pl.DataFrame({"firm_id": ["ALR"], "province": ["内蒙古"], "sector": ["3216"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["ALR"],
            "year": [2025],
            "metric": ["product_energy_intensity"],
            "product": ["electrolytic_aluminium"],
            "value": [1600.0],
            "unit": ["kgce/t"],
        }
    )
    result = carbonacct.check(firms, actuals=actuals)
    assert result.products.row(0, named=True)["status"] == "invalid_input"
    assert _firm(result, "ALR")["status"] == "invalid_input"


CHEM_READINGS = (
    "企业代码,统计期,能源品种,数量,计量单位,用途\n"
    "CHEM,2025,原煤,5000,t,燃料\n"
    "CHEM,2025,原煤,10000,t,原料\n"
    "CHEM,2025,电力,10000,MWh,\n"
)
CHEM_ACTIVITY = (
    "企业代码,统计期,指标,指标值,计量单位,price_basis\n"
    "CHEM,2025,value_added,5000,万元,constant:2020\n"
)
# 2025 excl. feedstock: 5 000 t × 0.7143 + 10 000 MWh × 0.1229 = 3 571.5 + 1 229 = 4 800.5 tce
# / 5 000 万元 = 0.9601 tce/万元; base 1.10 → required 1.10 × (1 − 0.135) = 0.9515
CHEM_2025 = 4800.5 / 5000


@pytest.mark.parametrize("where", ["option", "cli"])
def test_price_basis_option_applies_to_actuals_in_the_readings_path(
    tmp_path: Path, where: str
) -> None:
    base = "firm_id,year,metric,value,unit\nCHEM,2020,energy_intensity_va,1.10,tce/万元\n"
    r, f, a = _write(tmp_path, CHEM_READINGS, CHEM_ACTIVITY, base=base)
    if where == "option":
        result = check_from_readings(
            r, f, a, actuals=tmp_path / "base.csv", price_basis="constant:2020"
        )
        row = _rule(result, "CHEM", "energy_intensity_va", 2025)
        assert row["actual"] == pytest.approx(CHEM_2025)
        assert row["required"] == pytest.approx(1.10 * 0.865)
        assert (row["status"], row["missing"]) == ("above_path", None)
        return
    from click.testing import CliRunner

    from carbonacct.cli import cli

    out = tmp_path / "r.json"
    res = CliRunner().invoke(
        cli,
        [
            "check", "--firms", str(f), "--readings", str(r), "--activity", str(a),
            "--actuals", str(tmp_path / "base.csv"), "--price-basis", "constant:2020",
            "-o", str(out), "--format", "json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = carbonacct.read_result(out).results
    row = rows.filter(
        (pl.col("metric") == "energy_intensity_va") & (pl.col("pathway") == "cn-industry-2025")
    ).row(0, named=True)
    assert (row["status"], row["required"]) == ("above_path", pytest.approx(0.9515))


def test_an_incomplete_latest_year_is_reported_with_its_gaps(tmp_path: Path) -> None:
    # 2025 raw coal has no CO2 factor: the year is incomplete, but it is the firm's latest year
    # with data; falling back to the base year would hide its gaps.
    base = "firm_id,year,metric,value,unit,price_basis\nCHEM,2020,energy_intensity_va,1.10,tce/万元,constant:2020\n"
    r, f, a = _write(tmp_path, CHEM_READINGS, CHEM_ACTIVITY, base=base)
    result = check_from_readings(r, f, a, actuals=tmp_path / "base.csv")
    firm = _firm(result, "CHEM")
    assert firm["report_year"] == 2025
    assert firm["data_complete"] is False
    assert firm["rows_co2_missing"] == 1  # the raw coal burnt (feedstock is not combusted)
    energy = _rule(result, "CHEM", "energy_intensity_va", 2025)
    assert energy["status"] == "above_path"  # 0.9601 > 0.9515: the energy status stands
    assert firm["status"] == "above_path"  # the firm's verdict; its CO2 gap is a follow-up
    assert (
        firm["reason"]
        == "cn-industry-2025 energy_intensity_va 2025: 0.9601 against 0.9515 required"
    )
    assert "CO2 of the report year 2025 incomplete" in firm["follow_up"]
    co2 = result.results.filter(
        (pl.col("firm_id") == "CHEM") & (pl.col("metric") == "co2_intensity_va")
    )
    assert set(co2["status"]) == {"insufficient_data"}
    summary = result.summary.filter(pl.col("sector") == "2614").row(0, named=True)
    assert summary["firms_data_incomplete"] == 1


def test_a_firm_only_in_the_readings_is_listed_by_id(tmp_path: Path) -> None:
    readings = "企业代码,统计期,能源品种,数量,计量单位\nGHOST,2025,电力,5000,MWh\nCHEM,2025,电力,10000,MWh\n"
    r, f, a = _write(tmp_path, readings, CHEM_ACTIVITY)
    result = check_from_readings(r, f, a)
    ghost = _firm(result, "GHOST")
    assert ghost["status"] == "invalid_input"
    assert "not in the firms table" in ghost["reason"]
    refused = result.rejected.filter(pl.col("firm_id") == "GHOST").row(0, named=True)
    assert refused["row"] == 2 and "1 reading row(s)" in refused["invalid"]


def test_non_fossil_electricity_with_green_certificates_leaves_the_intensity(
    tmp_path: Path,
) -> None:
    # 发改环资〔2024〕113号 (一): non-fossil energy is out of the total and the intensity, 绿证 the
    # voucher (二), 1 绿证 = 1 MWh (1044号). CHEM holds 2 000 MWh of 绿证 for 2025:
    # (4 800.5 − 2 000 × 0.1229) / 5 000 = (4 800.5 − 245.8) / 5 000 = 0.91094 ≤ 0.9515
    base = "firm_id,year,metric,value,unit,price_basis\nCHEM,2020,energy_intensity_va,1.10,tce/万元,constant:2020\n"
    green = "firm_id,period,value,unit\nCHEM,2025,2000,MWh\n"
    r, f, a = _write(tmp_path, CHEM_READINGS, CHEM_ACTIVITY, base=base, green=green)
    result = check_from_readings(
        r, f, a, actuals=tmp_path / "base.csv", green_electricity=tmp_path / "green.csv"
    )
    row = _rule(result, "CHEM", "energy_intensity_va", 2025)
    assert row["actual"] == pytest.approx((4800.5 - 2000 * 0.1229) / 5000)
    assert row["actual"] == pytest.approx(0.91094)
    assert row["status"] == "below_path"  # 0.9601 without the exclusion: above_path
    assert "2000.0 MWh (绿证) × 0.1229 tce/MWh = 245.8 tce" in row["basis"]
    assert "发改环资〔2024〕113号" in row["basis"] and "803号" in row["basis"]
    rules = {rule["excludes"]: rule for rule in result.provenance["exclusions"]}
    assert rules["non_fossil"]["document"] == "发改环资〔2024〕113号"
    assert rules["feedstock"]["document"] == "发改环资〔2022〕803号"


def test_green_certificates_beyond_the_electricity_bought_are_not_deducted(
    tmp_path: Path,
) -> None:
    # 50 000 MWh of 绿证 but 10 000 MWh bought: at most 10 000 MWh × 0.1229 = 1 229 tce leave,
    # (4 800.5 − 1 229) / 5 000 = 0.71430
    green = "firm_id,period,value,unit\nCHEM,2025,50000,MWh\n"
    r, f, a = _write(tmp_path, CHEM_READINGS, CHEM_ACTIVITY, green=green)
    result = check_from_readings(r, f, a, green_electricity=tmp_path / "green.csv")
    row = result.results.filter(pl.col("metric") == "energy_intensity_va").row(0, named=True)
    assert row["actual"] == pytest.approx((4800.5 - 1229) / 5000)


CEMENT_READINGS = (
    "企业代码,统计期,能源品种,数量,计量单位,工序\n"
    "CEM,2025,原煤,12000,t,cement_clinker\n"
    "CEM,2025,电力,5000,MWh,cement_clinker\n"
)
CEMENT_ACTIVITY = (
    "firm_id,period,metric,value,unit,price_basis\n"
    "CEM,2025,value_added,20000,万元,constant:2020\n"
    "CEM,2025,cement_clinker,100000,t,\n"
)


def test_check_cli_takes_fuel_parameters_and_records_them(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from carbonacct.cli import cli

    params = "企业代码,能源品种,parameter,指标值,计量单位\nCEM,原煤,ncv,23.0,GJ/t\n"
    r, f, a = _write(tmp_path, CEMENT_READINGS, CEMENT_ACTIVITY, fuel=params)
    out = tmp_path / "r.json"
    args = ["check", "--firms", str(f), "--readings", str(r), "--activity", str(a)]
    res = CliRunner().invoke(
        cli, [*args, "--fuel-parameters", str(tmp_path / "fuel.csv"), "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    result = carbonacct.read_result(out)
    clinker = result.products.filter(pl.col("metric") == "product_energy_intensity").row(
        0, named=True
    )
    # measured NCV 23.0 GJ/t ÷ 29.3076 GJ/tce = 0.784779 tce/t (default raw coal 0.7143):
    # (12 000 × 0.784779 + 5 000 × 0.1229) × 1000 / 100 000 = (9 417.35 + 614.5) / 100 = 100.3185
    assert clinker["actual"] == pytest.approx((12000 * 23.0 / 29.3076 + 614.5) / 100, rel=1e-6)
    recorded = result.provenance["footprint"]["inputs"]["fuel_parameters"]
    assert recorded["name"].endswith("fuel.csv") and len(recorded["sha256"]) == 64
    # without it: (12 000 × 0.7143 + 614.5) / 100 = 91.861
    res = CliRunner().invoke(cli, [*args, "-o", str(out)])
    plain = carbonacct.read_result(out).products
    assert plain.filter(pl.col("metric") == "product_energy_intensity")["actual"][
        0
    ] == pytest.approx((12000 * 0.7143 + 614.5) / 100)


def test_clinker_boundary_without_fuel_is_flagged(tmp_path: Path) -> None:
    readings = (
        "企业代码,统计期,能源品种,数量,计量单位,工序\nCEM,2025,电力,6100,MWh,cement_clinker\n"
    )
    r, f, a = _write(tmp_path, readings, CEMENT_ACTIVITY)
    result = check_from_readings(r, f, a)
    clinker = result.products.filter(pl.col("metric") == "product_energy_intensity").row(
        0, named=True
    )
    # 6 100 MWh × 0.1229 = 749.69 tce × 1000 / 100 000 t = 7.4969 kgce/t: no kiln fuel at all
    assert clinker["actual"] == pytest.approx(6100 * 0.1229 * 1000 / 100000)
    assert clinker["data_complete"] is False
    assert "no fuel in the readings tagged" in clinker["basis"]
    assert any("cement_clinker no fuel" in w for w in result.warnings)
    # with the kiln coal tagged, no such warning
    r, f, a = _write(tmp_path, CEMENT_READINGS, CEMENT_ACTIVITY)
    assert not any("no fuel" in w for w in check_from_readings(r, f, a).warnings)


def test_deflator_message_names_each_year_once() -> None:
    firms = pl.DataFrame({"firm_id": ["P"], "province": ["江苏"], "sector": ["3391"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["P", "P"],
            "year": [2020, 2025],
            "metric": ["energy_intensity_va"] * 2,
            "value": [1.0, 0.8],
            "unit": ["tce/万元"] * 2,
            "price_basis": ["constant:2020", "current"],
        }
    )
    result = carbonacct.check(firms, actuals=actuals, pathways=["cn-industry-2025"])
    row = result.results.filter(pl.col("metric") == "energy_intensity_va").row(0, named=True)
    assert row["missing"].endswith("give a deflator (year, index) covering 2020 and 2025")


def test_firm_with_only_energy_figures_gets_its_path_status() -> None:
    # 2020 1.00 → 2025 0.85 ≤ 1.00 × (1 − 0.135) = 0.865: below_path; no CO2 figure at all
    firms = pl.DataFrame({"firm_id": ["P"], "province": ["江苏"], "sector": ["3391"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["P", "P"],
            "year": [2020, 2025],
            "metric": ["energy_intensity_va"] * 2,
            "value": [1.0, 0.85],
            "unit": ["tce/万元"] * 2,
        }
    )
    result = carbonacct.check(
        firms, actuals=actuals, pathways=["cn-industry-2025"], price_basis="constant:2020"
    )
    firm = _firm(result, "P")
    # 0.85 against 1.00 × 0.865: its own rule is the reason; the missing CO2 is a follow-up
    assert (firm["status"], firm["reason"]) == (
        "below_path",
        "cn-industry-2025 energy_intensity_va 2025: 0.85 against 0.865 required",
    )
    assert firm["follow_up"] == "no co2_intensity_va for 2025"
    co2 = result.results.filter(pl.col("metric") == "co2_intensity_va").row(0, named=True)
    assert co2["status"] == "insufficient_data"  # still there, with its reason


def test_a_row_after_today_is_checked_with_a_note() -> None:
    from datetime import date

    future = date.today().year + 3
    firms = pl.DataFrame({"firm_id": ["P"], "province": ["江苏"], "sector": ["C3011"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["P"],
            "year": [future],
            "metric": ["product_energy_intensity"],
            "product": ["cement_clinker"],
            "value": [100.0],
            "unit": ["kgce/t"],
        }
    )
    result = carbonacct.check(firms, actuals=actuals)
    row = result.products.row(0, named=True)
    assert f"{future} is after today" in row["missing"]
    assert any(str(future) in w for w in result.warnings)


def test_check_help_says_what_a_csv_output_holds(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from carbonacct.cli import cli

    help_text = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "(the firms table: one row per firm)" in " ".join(help_text.split())
    r, f, a = _write(tmp_path, CEMENT_READINGS, CEMENT_ACTIVITY)
    out = tmp_path / "x.csv"
    args = ["check", "--firms", str(f), "--readings", str(r), "--activity", str(a)]
    assert CliRunner().invoke(cli, [*args, "-o", str(out)]).exit_code == 0
    written = pl.read_csv(out)  # one row per input firm, with its status
    assert set(written["firm_id"]) == {"CEM", "CHEM", "ALR"} and "status" in written.columns
