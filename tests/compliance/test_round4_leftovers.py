"""Round-4 leftovers of the compliance trials (issue 13), each a case in small."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import carbonacct

SMELTER = pl.DataFrame(
    {"firm_id": ["S"], "name": ["smelter"], "province": ["江苏"], "sector": ["3216"]}
)


def _actual(
    metric: str, product: str | None, value: float, unit: str, year: int = 2024
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": ["S"],
            "year": [year],
            "metric": [metric],
            "product": [product],
            "value": [value],
            "unit": [unit],
        },
        schema_overrides={"year": pl.Int32, "product": pl.String},
    )


def test_an_aluminium_figure_in_kwh_per_t_names_the_indicator_it_needs() -> None:
    # 13 000 kWh/t given as comprehensive energy (kgce/t): refused, never converted, and the
    # refusal says which indicator a figure in kWh/t is (铝液交流电耗: product_electricity_intensity)
    r = carbonacct.check(
        SMELTER,
        actuals=_actual("product_energy_intensity", "electrolytic_aluminium", 13000, "kWh/t"),
    )
    (why,) = r.rejected["invalid"].to_list()
    assert "never converted" in why
    assert "give it as product_electricity_intensity" in why
    assert "product_comprehensive_ac_power_intensity" in why  # the other kWh/t indicator
    # the same figure under the indicator named: checked against the 标杆 13 000 (1609号)
    r = carbonacct.check(
        SMELTER,
        actuals=_actual("product_electricity_intensity", "electrolytic_aluminium", 13000, "kWh/t"),
    )
    row = r.products.row(0, named=True)
    assert (row["level"], row["status"]) == ("benchmark", "on_track")


CHEM_FIRMS = "firm_id,name,province,sector\nCHEM,甲醇厂,广东省,2614\n"
CHEM_ACTIVITY = (
    "firm_id,period,metric,value,unit,price_basis\n"
    "CHEM,2020,value_added,1000,万元,constant:2020\n"
    "CHEM,2025,value_added,1000,万元,constant:2020\n"
)


def test_a_future_year_in_the_readings_is_warned_as_in_the_actuals(tmp_path: Path) -> None:
    from carbonacct.workflows import check_from_readings

    # a stray reading for 2099 (a mistyped year) with no value added that year: the actuals
    # route warns of a year after today, so must the readings route
    readings = (
        "firm_id,period,carrier,value,unit\n"
        "CHEM,2020,electricity,10000,MWh\n"
        "CHEM,2025,electricity,9000,MWh\n"
        "CHEM,2099,electricity,10,MWh\n"
    )
    for name, text in (("r", readings), ("f", CHEM_FIRMS), ("a", CHEM_ACTIVITY)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    result = check_from_readings(tmp_path / "r.csv", tmp_path / "f.csv", tmp_path / "a.csv")
    late = [w for w in result.warnings if "2099" in w]
    assert late and "firm CHEM: rows for 2099, after today" in late[0]
    assert result.firms.row(0, named=True)["report_year"] == 2025  # not the stray year
    actuals = pl.DataFrame(
        {
            "firm_id": ["CHEM"] * 2,
            "year": [2025, 2099],
            "metric": ["energy_intensity_va"] * 2,
            "value": [1.1, 1.0],
            "unit": ["tce/万元"] * 2,
            "price_basis": ["constant:2020"] * 2,
        }
    )
    same = carbonacct.check(tmp_path / "f.csv", actuals=actuals)
    assert [w for w in same.warnings if "2099" in w] == late  # one wording on both routes
