"""Footprint: worked examples computed by hand from the standards, and the quality report."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

import carbonacct
from carbonacct import InputError, footprint

JS = pl.DataFrame(
    {"firm_id": ["F1"], "name": ["Jiangsu firm"], "province": ["江苏"], "sector": ["3391"]}
)
FIRMS = pl.DataFrame(
    {
        "firm_id": ["JS", "GD", "XZ", "NM"],
        "province": ["江苏", "440000", "Tibet", "内蒙古"],
    }
)


def readings(
    *rows: tuple, columns: tuple[str, ...] = ("firm_id", "carrier", "value", "unit", "period")
) -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(columns, r, strict=True)) for r in rows], schema=dict.fromkeys(columns, pl.String)
    )


def one(result: carbonacct.Footprint, column: str, firm: str = "F1") -> float:
    return result.table.filter(pl.col("firm_id") == firm)[column].sum()


# -- GB/T 2589 energy -------------------------------------------------------------------
def test_energy_of_a_mix_of_carriers() -> None:
    """shared/reference/factors.md §2.5 example 5, with steam as heat by its enthalpy."""
    r = footprint(
        readings(
            ("F1", "电力", "1000000", "kWh", "2023"),
            ("F1", "气田天然气", "50000", "m3", "2023"),
            ("F1", "柴油", "100", "t", "2023"),
            ("F1", "蒸汽", "2000", "t", "2023"),
        ),
        firms=JS,
        method=carbonacct.Method(
            steam_enthalpy_kJ_per_kg=2780, steam_feedwater_enthalpy_kJ_per_kg=83.74
        ),
    )
    electricity = 1_000_000 * 0.1229 / 1000  # 122.9 tce
    gas = 50_000 * 1.2143 / 1000  # 60.715 tce
    diesel = 100 * 1.4571  # 145.71 tce
    steam_gj = 2000 * (2780 - 83.74) / 1000  # 5392.52 GJ
    steam = steam_gj * 0.03412  # heat 0.03412 kgce/MJ = tce/GJ
    assert one(r, "energy_tce") == pytest.approx(electricity + gas + diesel + steam, rel=1e-12)
    assert one(r, "heat_in_GJ") == pytest.approx(steam_gj)
    assert r.quality.rows_rejected == 0


def test_equal_value_basis_needs_the_coal_rate() -> None:
    data = readings(("F1", "electricity", "1000", "MWh", "2023"))
    with pytest.raises(ValueError, match="electricity_equal_value"):
        footprint(data, firms=JS, method=carbonacct.Method(energy_basis="equal"))
    r = footprint(
        data,
        firms=JS,
        method=carbonacct.Method(energy_basis="equal", electricity_equal_value_kgce_per_kWh=0.3),
    )
    assert one(r, "energy_tce") == pytest.approx(1000 * 1000 * 0.3 / 1000)  # 300 tce
    assert r.provenance["method"]["energy_basis"] == "equal"


def test_feedstock_is_reported_separately() -> None:
    data = readings(
        ("F1", "coke", "10", "t", "2023", "feedstock"),
        ("F1", "coke", "5", "t", "2023", "fuel"),
        columns=("firm_id", "carrier", "value", "unit", "period", "use"),
    )
    r = footprint(data, method=carbonacct.Method(grid_factor="national"))
    assert one(r, "energy_tce") == pytest.approx(15 * 0.9714)
    assert one(r, "energy_feedstock_tce") == pytest.approx(10 * 0.9714)
    assert one(r, "energy_excl_feedstock_tce") == pytest.approx(5 * 0.9714)
    # feedstock carbon is not burnt: only 5 t of coke gives combustion CO2
    assert one(r, "co2_combustion_t") == pytest.approx(5 * 28.435 * 29.5e-3 * 0.93 * 44 / 12)


def test_media_are_kept_apart_unless_asked() -> None:
    data = readings(("F1", "新水", "1000", "t", "2023"))
    r = footprint(data, method=carbonacct.Method(grid_factor="national"))
    assert (one(r, "energy_tce"), one(r, "energy_media_tce")) == (0.0, pytest.approx(0.0857))
    r = footprint(data, method=carbonacct.Method(grid_factor="national", include_media=True))
    assert one(r, "energy_tce") == pytest.approx(0.0857)


# -- GB/T 32150 CO2 ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("carrier", "value", "unit", "expected"),
    [
        ("diesel", "100", "t", 100 * 42.652 * 20.2e-3 * 0.98 * 44 / 12),  # 309.59
        ("natural_gas", "50000", "Nm3", 5 * 389.31 * 15.3e-3 * 0.99 * 44 / 12),  # 108.11
        ("天然气", "5", "万Nm3", 5 * 389.31 * 15.3e-3 * 0.99 * 44 / 12),
        ("bituminous_coal", "1000", "t", 1000 * 19.570 * 26.1e-3 * 0.93 * 44 / 12),
        ("lpg", "2000", "kg", 2 * 50.179 * 17.2e-3 * 0.98 * 44 / 12),
        ("coke_oven_gas", "10", "10^4 Nm3", 10 * 179.81 * 13.58e-3 * 0.99 * 44 / 12),
    ],
)
def test_combustion_co2(carrier: str, value: str, unit: str, expected: float) -> None:
    r = footprint(
        readings(("F1", carrier, value, unit, "2023")),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert one(r, "co2_combustion_t") == pytest.approx(expected, rel=1e-12)
    assert one(r, "co2_scope1_t") == one(r, "co2_t") == one(r, "co2_combustion_t")


def test_worked_natural_gas_and_diesel_match_the_reference_roundings() -> None:
    r = footprint(
        readings(
            ("F1", "natural_gas", "50000", "Nm3", "2023"), ("F2", "diesel", "100", "t", "2023")
        ),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert round(one(r, "co2_t", "F1"), 2) == 108.11
    assert round(one(r, "co2_t", "F2"), 2) == 309.59


def test_other_combustion_sets_on_request() -> None:
    data = readings(("F1", "diesel", "100", "t", "2023"))
    r = footprint(
        data, method=carbonacct.Method(grid_factor="national", combustion_sets=["ipcc-2006"])
    )
    assert one(r, "co2_t") == pytest.approx(100 * 43.0 * 74.1e-3)  # OF = 1
    r = footprint(
        data, method=carbonacct.Method(grid_factor="national", combustion_sets=["ndrc-2013"])
    )
    assert one(r, "co2_t") == pytest.approx(100 * 43.33 * 20.2e-3 * 0.98 * 44 / 12)
    assert "ndrc-2013@1.0.0" in r.provenance["factor_sets"]


def test_measured_fuel_parameters_override_the_defaults() -> None:
    measured = pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "carrier": ["烟煤", "烟煤"],
            "parameter": ["ncv", "carbon_content"],
            "value": ["22.5", "0.0255"],
            "unit": ["GJ/t", "tC/GJ"],
        }
    )
    data = readings(
        ("F1", "bituminous_coal", "100", "t", "2023"), ("F2", "bituminous_coal", "100", "t", "2023")
    )
    r = footprint(data, fuel_parameters=measured, method=carbonacct.Method(grid_factor="national"))
    assert one(r, "co2_t", "F1") == pytest.approx(
        100 * 22.5 * 0.0255 * 0.93 * 44 / 12
    )  # OF default
    assert one(r, "co2_t", "F2") == pytest.approx(100 * 19.570 * 26.1e-3 * 0.93 * 44 / 12)
    measured_rows = r.factors_used.filter(pl.col("factor") == "combustion_co2_measured")
    assert measured_rows["scope"].to_list() == ["F1"]


def test_process_emissions_from_carbonates() -> None:
    r = footprint(
        readings(("F1", "石灰石", "1000", "t", "2023"), ("F1", "白云石", "10", "t", "2023")),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert one(r, "co2_process_t") == pytest.approx(1000 * 0.440 + 10 * 0.477)
    assert one(r, "energy_tce") == 0.0


def test_ch4_n2o_with_an_explicit_gwp_set() -> None:
    data = readings(("F1", "diesel", "100", "t", "2023"))
    assert (
        "co2e_t"
        not in footprint(data, method=carbonacct.Method(grid_factor="national")).table.columns
    )
    r = footprint(data, method=carbonacct.Method(grid_factor="national", gwp_set="AR5"))
    heat_tj = 100 * 42.652 / 1000
    ch4, n2o = heat_tj * 3 / 1000, heat_tj * 0.6 / 1000  # IPCC Table 2.3: 3 and 0.6 kg/TJ
    assert one(r, "ch4_t") == pytest.approx(ch4)
    assert one(r, "co2e_t") == pytest.approx(one(r, "co2_t") + 28 * ch4 + 265 * n2o)
    assert r.provenance["gwp_set"] == "AR5"


# -- scope 2 -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("firm", "year", "ef"),
    [
        ("JS", "2021", 0.6451),
        ("JS", "2022", 0.5978),
        ("JS", "2023", 0.5827),
        ("GD", "2021", 0.4715),
        ("GD", "2023", 0.4419),
    ],
)
def test_location_based_scope2_by_province_and_year(firm: str, year: str, ef: float) -> None:
    r = footprint(readings((firm, "electricity", "1000", "MWh", year)), firms=FIRMS)
    assert one(r, "co2_scope2_t", firm) == pytest.approx(1000 * ef)
    assert r.quality.warnings == []


def test_unpublished_year_uses_the_newest_earlier_one_and_says_so() -> None:
    r = footprint(readings(("JS", "electricity", "1000", "MWh", "2025")), firms=FIRMS)
    assert one(r, "co2_scope2_t", "JS") == pytest.approx(582.7)
    assert any("data year 2023 used for 2025" in w for w in r.quality.warnings)
    grid = r.factors_used.filter(pl.col("factor") == "grid_co2")
    assert "data year 2023 used for 2025" in grid["source"][0]


@pytest.mark.parametrize(
    ("mode", "ef"),
    [
        ("regional", 0.5500),
        ("national", 0.5306),
        ("national_excl_market", 0.6096),
        ("ets", 0.5703),
        (0.6, 0.6),
    ],
)
def test_grid_factor_modes(mode: str | float, ef: float) -> None:
    r = footprint(
        readings(("JS", "electricity", "1000", "MWh", "2023")),
        firms=FIRMS,
        method=carbonacct.Method(grid_factor=mode),
    )
    assert one(r, "co2_scope2_t", "JS") == pytest.approx(1000 * ef)


def test_no_grid_factor_keeps_the_energy_and_flags_the_co2() -> None:
    data = readings(
        ("XZ", "electricity", "1000", "MWh", "2023"), ("NM", "electricity", "1000", "MWh", "2023")
    )
    # 西藏 has no provincial factor: its region's, 西南 0.2472, with the fall-back stated (issue 18)
    r = footprint(data, firms=FIRMS, method=carbonacct.Method(grid_factor="provincial"))
    assert r.quality.rejected_by_reason == {}
    assert one(r, "co2_t", "XZ") == pytest.approx(1000 * 0.2472)
    assert any("CN-XZ (西藏) has no published provincial factor" in w for w in r.quality.warnings)
    # 内蒙古 spans 华北 and 东北: no single regional factor, so no CO2; its energy stays
    # (1 000 MWh × 0.1229 tce/MWh = 122.9 tce) and the row counts as co2_missing
    r = footprint(data, firms=FIRMS, method=carbonacct.Method(grid_factor="regional"))
    assert r.quality.rows_rejected == 0
    assert one(r, "energy_tce", "NM") == pytest.approx(122.9)
    assert (one(r, "co2_t", "NM"), one(r, "rows_co2_missing", "NM")) == (0.0, 1)
    assert one(r, "co2_t", "XZ") == pytest.approx(1000 * 0.2472)


def test_provincial_factor_needs_firms() -> None:
    with pytest.raises(InputError, match="province"):
        footprint(readings(("F1", "electricity", "1", "MWh", "2023")))


def test_exports_are_deducted() -> None:
    data = readings(
        ("F1", "electricity", "1000", "MWh", "2023", "in"),
        ("F1", "electricity", "100", "MWh", "2023", "out"),
        ("F1", "heat", "500", "GJ", "2023", "in"),
        ("F1", "热力", "200", "GJ", "2023", "输出"),
        columns=("firm_id", "carrier", "value", "unit", "period", "flow"),
    )
    r = footprint(data, firms=JS)
    assert one(r, "co2_electricity_t") == pytest.approx(900 * 0.5827)
    assert one(r, "co2_heat_t") == pytest.approx(300 * 0.11)
    assert one(r, "energy_tce") == pytest.approx(900 * 0.1229 + 300 * 0.03412)
    assert (one(r, "electricity_in_MWh"), one(r, "electricity_out_MWh")) == (1000, 100)


def test_steam_by_mass_needs_an_enthalpy() -> None:
    data = readings(("F1", "steam", "10", "t", "2023"), ("F1", "steam", "100", "GJ", "2023"))
    r = footprint(data, method=carbonacct.Method(grid_factor="national"))
    assert r.quality.rejected_by_reason == {"steam_needs_enthalpy": 1}
    assert one(r, "co2_heat_t") == pytest.approx(11.0)  # the 100 GJ row is heat already


# -- readings: registers, duplicates, periods ----------------------------------------------
REG_COLUMNS = ("firm_id", "meter_id", "carrier", "value", "unit", "timestamp", "kind")


def test_register_with_a_rollover() -> None:
    data = readings(
        ("F1", "M1", "electricity", "99000", "kWh", "2023-01-01 00:00", "register"),
        ("F1", "M1", "electricity", "99900", "kWh", "2023-02-01 00:00", "register"),
        (
            "F1",
            "M1",
            "electricity",
            "400",
            "kWh",
            "2023-03-01 00:00",
            "register",
        ),  # wrapped at 100 000
        ("F1", "M1", "electricity", "1400", "kWh", "2023-04-01 00:00", "register"),
        columns=REG_COLUMNS,
    )
    r = footprint(data, firms=JS, method=carbonacct.Method(period="month"))
    monthly = dict(zip(r.table["period"], r.table["electricity_in_MWh"], strict=True))
    # each reading closes the interval since the previous one: the reading at 00:00 on
    # 1 February closes January. Jan: 99 900 − 99 000 = 900 kWh; Feb: 100 000 − 99 900 + 400
    # = 500 kWh (rollover at 100 000); Mar: 1 400 − 400 = 1 000 kWh
    assert monthly == {
        "2023-01": pytest.approx(0.9),
        "2023-02": pytest.approx(0.5),
        "2023-03": pytest.approx(1.0),
    }
    assert r.quality.notes == {"register_baseline": 1, "register_rollover": 1}
    assert r.quality.rows_rejected == 0


def test_register_reset_is_rejected() -> None:
    data = readings(
        ("F1", "M1", "electricity", "5000", "kWh", "2023-01-01", "register"),
        ("F1", "M1", "electricity", "100", "kWh", "2023-02-01", "register"),
        columns=REG_COLUMNS,
    )
    r = footprint(data, firms=JS)
    assert r.quality.rejected_by_reason == {"register_reset": 1}
    assert r.rejects["row_nr"].to_list() == [2]


def test_register_deltas_ignore_row_order_and_units() -> None:
    rows = [
        ("F1", "M1", "natural_gas", v, u, t, "register")
        for v, u, t in [
            ("1", "万Nm3", "2023-01-01"),
            ("25000", "Nm3", "2023-06-01"),
            ("4", "万Nm3", "2023-12-31"),
        ]
    ]
    a = footprint(
        readings(*rows, columns=REG_COLUMNS), method=carbonacct.Method(grid_factor="national")
    )
    b = footprint(
        readings(*reversed(rows), columns=REG_COLUMNS),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert one(a, "co2_t") == pytest.approx(one(b, "co2_t"))
    assert one(a, "co2_t") == pytest.approx(3 * 389.31 * 15.3e-3 * 0.99 * 44 / 12)


def test_duplicates() -> None:
    cols = ("firm_id", "meter_id", "carrier", "value", "unit", "timestamp")
    data = readings(
        ("F1", "M1", "electricity", "10", "kWh", "2023-01-01 00:00"),
        ("F1", "M1", "electricity", "10", "kWh", "2023-01-01 00:00"),  # repeat, same value
        ("F1", "M2", "electricity", "10", "kWh", "2023-01-01 00:00"),
        ("F1", "M2", "electricity", "12", "kWh", "2023-01-01 00:00"),  # conflicting
        ("F1", None, "diesel", "1", "t", "2023-01-01 00:00"),  # no meter: the firm's one
        ("F1", None, "diesel", "1", "t", "2023-01-01 00:00"),  # the same row again
        ("F1", None, "diesel", "2", "t", "2023-01-01 00:00"),  # another delivery: counted
        ("F1", None, "diesel", "1000", "kg", "2023-01-01 00:00"),  # written otherwise: counted
        columns=cols,
    )
    r = footprint(data, firms=JS)
    assert r.quality.rejected_by_reason == {"duplicate_reading": 2, "conflicting_duplicate": 2}
    assert one(r, "electricity_in_MWh") == pytest.approx(0.010)
    assert r.rejects.sort("row_nr")["row_nr"].to_list() == [2, 3, 4, 6]
    assert (
        footprint(
            data, firms=JS, method=carbonacct.Method(check_duplicates=False)
        ).quality.rows_rejected
        == 0
    )


def test_periods() -> None:
    data = readings(
        ("F1", "diesel", "1", "t", "2023-01"),
        ("F1", "diesel", "2", "t", "2023-02"),
        ("F1", "diesel", "4", "t", "2023-04"),
        ("F1", "diesel", "8", "t", "2023年12月"),
        ("F1", "diesel", "16", "t", "2023Q3"),
    )
    # a quarter label beside months of other quarters covers each month once (a quarter beside
    # one of its own months is refused: tests/test_period_overlap.py)
    q = footprint(data, method=carbonacct.Method(grid_factor="national", period="quarter"))
    per_q = dict(zip(q.table["period"], q.table["energy_tce"] / 1.4571, strict=True))
    assert per_q == {
        "2023Q1": pytest.approx(3),
        "2023Q2": pytest.approx(4),
        "2023Q3": pytest.approx(16),
        "2023Q4": pytest.approx(8),
    }
    m = footprint(data, method=carbonacct.Method(grid_factor="national", period="month"))
    assert m.quality.rejected_by_reason == {"period_coarser_than_requested": 1}


def test_every_reject_reason_is_reported_with_its_row() -> None:
    cols = ("firm_id", "carrier", "value", "unit", "period", "flow", "kind")
    data = readings(
        ("", "diesel", "1", "t", "2023", None, None),  # 1 missing_firm_id
        ("F1", "", "1", "t", "2023", None, None),  # 2 missing_carrier
        ("F1", "unobtanium", "1", "t", "2023", None, None),  # 3 unknown_carrier
        ("F1", "diesel", "", "t", "2023", None, None),  # 4 missing_value
        ("F1", "diesel", "1,5", "t", "2023", None, None),  # 5 not_a_number
        ("F1", "diesel", "1", "", "2023", None, None),  # 6 missing_unit
        ("F1", "diesel", "1", "tonz", "2023", None, None),  # 7 unknown_unit
        ("F1", "diesel", "1", "kWh", "2023", None, None),  # 8 unit_dimension
        ("F1", "diesel", "1", "t", None, None, None),  # 9 missing_time
        ("F1", "diesel", "1", "t", "23/1", None, None),  # 10 bad_period
        ("F1", "diesel", "1", "t", "2023", "sideways", None),  # 11 bad_flow
        ("F1", "diesel", "1", "t", "2023", None, "odometer"),  # 12 bad_kind
        ("F1", "diesel", "1", "t", "2023", None, "register"),  # 13 register_without_timestamp
        ("F1", "diesel", "-1", "t", "2023", None, None),  # 14 negative_value
        ("F9", "diesel", "1", "t", "2023", None, None),  # 15 unknown_firm
        ("F1", "diesel", "1", "t", "2023", None, None),  # 16 accounted
        columns=cols,
    )
    r = footprint(data, firms=JS)
    reasons = dict(zip(r.rejects["row_nr"], r.rejects["reject_reason"], strict=True))
    assert reasons == {
        1: "missing_firm_id",
        2: "missing_carrier",
        3: "unknown_carrier",
        4: "missing_value",
        5: "not_a_number",
        6: "missing_unit",
        7: "unknown_unit",
        8: "unit_dimension",
        9: "missing_time",
        10: "bad_period",
        11: "bad_flow",
        12: "bad_kind",
        13: "register_without_timestamp",
        14: "negative_value",
        15: "unknown_firm",
    }
    q = r.quality
    assert (q.rows_in, q.rows_accounted, q.rows_rejected) == (16, 1, 15) and q.balanced
    assert one(r, "energy_tce") == pytest.approx(1.4571)
    assert one(r, "rows_rejected") == 11  # F1 rows of 2023; rows 9, 10 have no readable period
    with pytest.raises(InputError, match="15 row\\(s\\) rejected") as info:
        footprint(data, firms=JS, run=carbonacct.RunOptions(strict=True))
    assert info.value.row == 1


def test_chinese_headers_are_mapped() -> None:
    data = pl.DataFrame(
        {
            "企业代码": ["F1"],
            "能源品种": ["柴油"],
            "数量": ["2"],
            "计量单位": ["吨"],
            "统计期": ["2023年"],
        }
    )
    r = footprint(data, method=carbonacct.Method(grid_factor="national"))
    assert one(r, "energy_tce") == pytest.approx(2 * 1.4571)


def test_missing_column_is_a_file_error() -> None:
    with pytest.raises(InputError, match="missing column") as info:
        footprint(pl.DataFrame({"firm_id": ["F1"], "carrier": ["diesel"], "value": ["1"]}))
    assert info.value.column == "unit"


def test_bad_firms_table_names_file_row_and_column(tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,province\nF1,江苏\nF2,Atlantis\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        footprint(readings(("F1", "diesel", "1", "t", "2023")), firms=firms)
    assert (info.value.file, info.value.row, info.value.column) == (
        str(firms),
        3,
        "province",
    )  # line 3 of the file


# -- intensities -------------------------------------------------------------------------
def test_intensities_per_value_added_and_product() -> None:
    activity = pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "period": ["2023", "2023"],
            "metric": ["value_added", "clinker"],
            "value": ["2000", "10"],
            "unit": ["万元", "万t"],
        }
    )
    r = footprint(
        readings(("F1", "electricity", "1000", "MWh", "2023")), firms=JS, activity=activity
    )
    assert one(r, "value_added_cny10k") == 2000
    assert one(r, "energy_intensity_tce_per_cny10k") == pytest.approx(122.9 / 2000)
    assert one(r, "co2_intensity_t_per_cny10k") == pytest.approx(582.7 / 2000)
    product = r.intensities.row(0, named=True)
    assert (product["product"], product["output"], product["output_unit"]) == (
        "clinker",
        100_000,
        "t",
    )
    assert product["energy_per_output_kgce"] == pytest.approx(122.9 * 1000 / 100_000)


# -- outputs -----------------------------------------------------------------------------
def test_outputs_carry_units_and_provenance(tmp_path: Path) -> None:
    r = footprint(readings(("F1", "electricity", "1000", "MWh", "2023")), firms=JS)
    r.write(tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("co2_t").metadata == {b"unit": b"tCO2"}
    assert table.schema.field("energy_tce").metadata == {b"unit": b"tce"}
    prov = json.loads(table.schema.metadata[b"carbonacct.provenance"])
    assert (
        "mee-nbs-2025-47@1.0.0" in prov["factor_sets"]
        and prov["method"]["grid_factor"] == "provincial"
    )
    paths = r.write(tmp_path / "out.csv")
    side = json.loads(paths[1].read_text(encoding="utf-8"))
    assert side["units"]["co2_scope2_t"] == "tCO2" and side["provenance"]["inputs"]["readings"]
    r.write(tmp_path / "out.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "out.xlsx")
    ws = wb["footprint"]
    header = [c.value for c in ws[1]]
    # one header row; the units on their own sheet (table, column, unit)
    units = {(t, c): u for t, c, u in wb["units"].iter_rows(min_row=2, values_only=True)}
    assert units["footprint", "co2_t"] == "tCO2" and "provenance" in wb.sheetnames
    assert ws.cell(2, header.index("co2_t") + 1).value == pytest.approx(582.7)  # a number, not text
    doc = json.loads((r.write(tmp_path / "out.json")[0]).read_text(encoding="utf-8"))
    assert doc["tables"]["footprint"][0]["co2_t"] == pytest.approx(582.7)


def test_pandas_with_pint_units() -> None:
    r = footprint(readings(("F1", "electricity", "1000", "MWh", "2023")), firms=JS)
    df = r.to_pandas(units=True)
    assert str(df["co2_t"].pint.units) == "tonne_CO2"
    assert df["co2_t"].pint.to("kgCO2").pint.magnitude.iloc[0] == pytest.approx(582_700)


def test_market_based_scope2_with_green_electricity() -> None:
    green = pl.DataFrame({"firm_id": ["JS"], "period": ["2023"], "value": ["300"], "unit": ["MWh"]})
    data = readings(
        ("JS", "electricity", "1000", "MWh", "2023"), ("JS", "heat", "100", "GJ", "2023")
    )
    r = footprint(data, firms=FIRMS, green_electricity=green)
    # location-based unchanged; market-based: (1000 − 300) MWh × 0.6096 (national excl. market non-fossil, 2023)
    assert one(r, "co2_electricity_t", "JS") == pytest.approx(1000 * 0.5827)
    assert one(r, "co2_electricity_market_t", "JS") == pytest.approx(700 * 0.6096)
    assert one(r, "co2_scope2_market_t", "JS") == pytest.approx(700 * 0.6096 + 100 * 0.11)
    assert "grid_co2_residual" in r.factors_used["factor"].to_list()
    assert r.provenance["inputs"]["green_electricity"]["name"] == "<DataFrame>"
    too_much = pl.DataFrame(
        {"firm_id": ["JS"], "period": ["2023"], "value": ["2"], "unit": ["GWh"]}
    )
    r = footprint(data, firms=FIRMS, green_electricity=too_much)
    assert one(r, "co2_electricity_market_t", "JS") == 0.0
    assert any("more green power" in w for w in r.quality.warnings)
