"""GB/T 32150 CO2, and energy decided apart from CO2 (a missing CO2 factor never removes energy).

Every expected number is worked by hand in the test from the factors it names.
"""

from __future__ import annotations

import polars as pl
import pytest
from conftest import make_readings
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonacct
from carbonacct.emissions import combustion_table, heat_table, measured_factors
from carbonacct.options import Method

TCE_GJ = 29.3076  # GJ per tce (GB/T 2589-2020)
C_TO_CO2 = 44 / 12


def _row(fp: carbonacct.Footprint, firm: str = "F1") -> dict[str, object]:
    return fp.table.filter(pl.col("firm_id") == firm).row(0, named=True)


NATIONAL = Method(grid_factor="national")


def test_raw_coal_without_parameters_keeps_its_energy_and_is_co2_missing() -> None:
    fp = carbonacct.footprint(make_readings(("F1", "原煤", 100.0, "t")), method=NATIONAL)
    row = _row(fp)
    # 100 t × 0.7143 tce/t (GB/T 2589-2020 Appendix A) = 71.43 tce
    assert row["energy_tce"] == pytest.approx(71.43, rel=1e-12)
    assert row["co2_combustion_t"] == 0.0
    assert row["rows_co2_missing"] == 1
    assert fp.quality.rows_rejected == 0 and fp.quality.rows_accounted == 1
    assert fp.quality.notes["co2_missing"] == 1
    assert any("CO2 total incomplete" in w and "raw_coal" in w for w in fp.quality.warnings)


def test_raw_coal_with_measured_parameters() -> None:
    measured = pl.DataFrame(
        {
            "firm_id": ["F1"] * 3,
            "carrier": ["原煤"] * 3,
            "parameter": ["ncv", "carbon_content", "oxidation_rate"],
            "value": ["21.0", "0.0260", "93"],
            "unit": ["GJ/t", "tC/GJ", "percent"],
        }
    )
    fp = carbonacct.footprint(
        make_readings(("F1", "raw_coal", 100.0, "t")), fuel_parameters=measured, method=NATIONAL
    )
    row = _row(fp)
    # CO2 = 100 t × 21.0 GJ/t × 0.0260 tC/GJ × 0.93 × 44/12 = 186.186 t
    assert row["co2_combustion_t"] == pytest.approx(100 * 21.0 * 0.0260 * 0.93 * C_TO_CO2)
    assert row["co2_combustion_t"] == pytest.approx(186.186, rel=1e-9)
    # the measured NCV also sets the tce: 100 × 21.0 / 29.3076 = 71.6538 tce
    assert row["energy_tce"] == pytest.approx(2100 / TCE_GJ, rel=1e-12)
    assert row["rows_co2_missing"] == 0
    assert "co2_missing" not in fp.quality.notes
    used = fp.factors_used.filter(pl.col("factor") == "tce_coefficient_measured")
    assert used["value"].to_list() == pytest.approx([21.0 / TCE_GJ])
    assert used["grade"].to_list() == ["measured"]


def test_raw_coal_with_a_declared_coal_type() -> None:
    m = Method(grid_factor="national", coal_types=(("原煤", "烟煤"),))
    fp = carbonacct.footprint(make_readings(("F1", "raw_coal", 100.0, "t")), method=m)
    row = _row(fp)
    # bituminous defaults (GB/T 32151-2024 附录C): 19.570 GJ/t × 26.1 tC/TJ × 93 % × 44/12
    assert row["co2_combustion_t"] == pytest.approx(100 * 19.570 * 26.1e-3 * 0.93 * C_TO_CO2)
    assert row["energy_tce"] == pytest.approx(71.43, rel=1e-12)  # energy stays raw coal's
    used = fp.factors_used.filter(pl.col("factor") == "combustion_co2")
    assert used["source"][0].startswith("declared coal type bituminous_coal")
    assert fp.provenance["method"]["coal_types"] == {"raw_coal": "bituminous_coal"}


def test_a_declared_type_that_is_not_a_coal_is_refused() -> None:
    with pytest.raises(carbonacct.OptionError, match="not a solid fuel"):
        carbonacct.footprint(
            make_readings(("F1", "raw_coal", 1.0, "t")),
            method=Method(grid_factor="national", coal_types=(("raw_coal", "diesel"),)),
        )


def test_measured_ncv_changes_both_tce_and_co2() -> None:
    measured = pl.DataFrame(
        {
            "firm_id": ["F1"],
            "carrier": ["diesel"],
            "parameter": ["ncv"],
            "value": ["43.0"],
            "unit": ["GJ/t"],
        }
    )
    data = make_readings(("F1", "diesel", 10.0, "t"), ("F2", "diesel", 10.0, "t"))
    fp = carbonacct.footprint(data, fuel_parameters=measured, method=NATIONAL)
    f1, f2 = _row(fp, "F1"), _row(fp, "F2")
    # F1: 10 × 43.0 / 29.3076 = 14.6719 tce; CO2 10 × 43.0 × 0.0202 × 0.98 × 44/12 = 31.2117 t
    assert f1["energy_tce"] == pytest.approx(430 / TCE_GJ, rel=1e-12)
    assert f1["co2_combustion_t"] == pytest.approx(10 * 43.0 * 0.0202 * 0.98 * C_TO_CO2)
    # F2 measured nothing: 10 × 1.4571 = 14.571 tce; 10 × 42.652 × 0.0202 × 0.98 × 44/12
    assert f2["energy_tce"] == pytest.approx(14.571, rel=1e-12)
    assert f2["co2_combustion_t"] == pytest.approx(10 * 42.652 * 0.0202 * 0.98 * C_TO_CO2)
    # a programme that requires the tabulated coefficient keeps it, CO2 still measured
    tab = carbonacct.footprint(
        data, fuel_parameters=measured, method=NATIONAL.replace(tce_from_measured_ncv=False)
    )
    assert _row(tab, "F1")["energy_tce"] == pytest.approx(14.571, rel=1e-12)
    assert _row(tab, "F1")["co2_combustion_t"] == pytest.approx(f1["co2_combustion_t"])


def test_measured_ncv_alone_for_a_fuel_without_co2_defaults_gives_energy() -> None:
    measured = pl.DataFrame(
        {
            "firm_id": ["F1"],
            "carrier": ["raw_coal"],
            "parameter": ["ncv"],
            "value": ["20.0"],
            "unit": ["GJ/t"],
        }
    )
    table = measured_factors(
        measured.with_columns(pl.lit(1).alias("row")), "m.csv", carbonacct.default_library(), None
    )
    assert table["tce_per_unit"].to_list() == pytest.approx([20.0 / TCE_GJ])
    assert table["co2_per_unit"].to_list() == [None]


def test_combustion_table_worked_example() -> None:
    t = combustion_table(["diesel"])
    # 42.652 GJ/t × 20.2 tC/TJ × 98 % × 44/12 = 3.09591 tCO2/t
    assert t["co2_per_unit"][0] == pytest.approx(42.652 * 0.0202 * 0.98 * C_TO_CO2, rel=1e-12)


def test_heat_factor_is_0_11_t_per_GJ() -> None:
    h = heat_table()
    assert h["value"].to_list() == [0.11]
    assert h["grade"][0]


CARRIERS = {  # carrier, unit, tce per unit (GB/T 2589-2020 Appendix A)
    "raw_coal": ("t", 0.7143),
    "diesel": ("t", 1.4571),
    "electricity": ("kWh", 0.1229e-3),
}


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(CARRIERS)), st.floats(0.0, 1e5, allow_nan=False)),
        min_size=1,
        max_size=8,
        # rows without a meter id written alike with equal values are one reading (a
        # duplicate): one row per carrier keeps every row accounted
        unique_by=lambda r: r[0],
    )
)
def test_energy_does_not_depend_on_whether_a_co2_factor_exists(
    rows: list[tuple[str, float]],
) -> None:
    data = make_readings(*(("F1", c, v, CARRIERS[c][0]) for c, v in rows))
    without = carbonacct.footprint(data, method=Method(grid_factor=0.5))
    with_ = carbonacct.footprint(
        data, method=Method(grid_factor=0.5, coal_types=(("raw_coal", "anthracite"),))
    )
    a, b = _row(without), _row(with_)
    expected = sum(v * CARRIERS[c][1] for c, v in rows)
    assert a["energy_tce"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert b["energy_tce"] == pytest.approx(a["energy_tce"], rel=1e-12, abs=1e-12)
    assert without.quality.rows_accounted == with_.quality.rows_accounted == len(rows)
    assert a["rows_co2_missing"] == sum(c == "raw_coal" for c, _ in rows)
    assert b["rows_co2_missing"] == 0
