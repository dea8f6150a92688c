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
    late = [w for w in result.warnings if w.startswith("firm CHEM: rows for 2099, after today")]
    assert len(late) == 1
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
    assert [w for w in same.warnings if w.startswith("firm CHEM")] == late  # one wording


def test_a_product_name_not_recognised_is_named_with_the_closest_and_the_rule_not_checked() -> None:
    # "electrolytic_aluminum" (US spelling) is no product carbonacct knows: its 13 400 kWh/t
    # would be above the 基准 13 350 of electrolytic_aluminium (1609号); it must not pass as
    # merely not covered
    r = carbonacct.check(
        SMELTER,
        actuals=_actual("product_electricity_intensity", "electrolytic_aluminum", 13400, "kWh/t"),
    )
    row = r.products.row(0, named=True)
    assert row["status"] == "invalid_input"
    assert "'electrolytic_aluminum' is not a product carbonacct knows" in row["missing"]
    assert "closest: electrolytic_aluminium" in row["missing"]
    assert "ndrc-1609-2021" in row["missing"] and "GB 21346-2022" in row["missing"]
    (warning,) = [w for w in r.warnings if "electrolytic_aluminum" in w]
    assert warning.startswith("firm S: product 'electrolytic_aluminum' not recognised")
    firm = r.firms.row(0, named=True)
    assert firm["status"] == "invalid_input" and "electrolytic_aluminum" in firm["reason"]


def test_a_product_far_from_any_known_one_is_not_covered_and_still_named() -> None:
    # a product carbonacct has no level for and that is no misspelling: not covered, said
    r = carbonacct.check(
        SMELTER, actuals=_actual("product_energy_intensity", "garden_gnomes", 50, "kgce/t")
    )
    row = r.products.row(0, named=True)
    assert row["status"] == "not_covered"
    assert "'garden_gnomes' is not a product carbonacct knows (closest: " in row["missing"]
    assert any("garden_gnomes" in w for w in r.warnings)


def test_a_credit_code_with_letters_outside_gb32100_fails_only_the_city() -> None:
    from carbonacct.compliance._places import credit_code_refusal

    # GB 32100-2015: digits and capitals without I, O, Z, S, V. "91320506MA1OXXXX0A" has an O
    # at position 12: no division is read from it, and the reason says so
    assert credit_code_refusal("91320506MA1OXXXX0A") == (
        "'O' at position 12 is not a character of a unified social credit code "
        "(GB 32100-2015: digits and capitals except I, O, Z, S, V)"
    )
    assert credit_code_refusal("91320506MA1XXXXX0A") is None  # valid characters
    assert credit_code_refusal("F-001") is None  # no credit code at all: nothing to refuse
    bad, good = "91320506MA1OXXXX0A", "91320506MA1XXXXX0B"
    firms = pl.DataFrame(
        {
            "firm_id": [bad, good],
            "name": ["bad code", "good code"],
            "province": ["江苏", "江苏"],
            "sector": ["3011", "3011"],
        }
    )
    actual = pl.DataFrame(
        {
            "firm_id": [bad, good],
            "year": [2025, 2025],
            "metric": ["product_energy_intensity"] * 2,
            "product": ["cement_clinker"] * 2,
            "value": [105.0, 105.0],  # between the 标杆 100 and the 基准 117: on track
            "unit": ["kgce/t"] * 2,
        }
    )
    r = carbonacct.check(firms, actuals=actual)
    rows = {x["firm_id"]: x for x in r.firms.iter_rows(named=True)}
    assert rows[bad]["status"] == rows[good]["status"] == "on_track"  # status untouched
    assert rows[good]["city"] == "苏州市"
    assert rows[bad]["city"] is None and rows[bad]["city_code"] is None
    assert "'O' at position 12" in rows[bad]["city_source"]
    assert "give a city column" in rows[bad]["city_source"]
    (warning,) = [w for w in r.warnings if bad in w]
    assert "'O' at position 12" in warning and "no province or city" in warning
