"""GB/T 2589-2020 energy: coefficients and boundary rules, each a worked example."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import make_readings, one

import carbonacct
from carbonacct.energy import standard_coal_table
from carbonacct.options import Method

M = Method(grid_factor="national")


def test_tabulated_coefficients() -> None:
    t = standard_coal_table(["electricity", "raw_coal", "diesel", "natural_gas"])
    got = dict(zip(t["carrier"], t["tce_per_unit"], strict=True))
    # GB/T 2589-2020 Appendix A: 0.1229 kgce/kWh = 0.1229 tce/MWh; 0.7143 and 1.4571 kgce/kg = tce/t
    assert got["electricity"] == pytest.approx(0.1229)
    assert got["raw_coal"] == pytest.approx(0.7143)
    assert got["diesel"] == pytest.approx(1.4571)
    assert t["factor_set"].null_count() == 0


def test_a_withheld_coefficient_is_not_derived_from_the_ncv() -> None:
    # LNG: GB/T 2589 tabulates it, but the printed value is unconfirmed and withheld; deriving
    # 51.498 GJ/t / 29.3076 = 1.7572 tce/t would pass an unverified number off: none is given
    t = standard_coal_table(["lng"])
    assert t["tce_per_unit"].to_list() == [None]
    # no pseudo-source ("none: …") stands where a source belongs: the reason is its own column
    assert t["tce_source"].to_list() == [None]
    assert "printed coefficient is unconfirmed" in t["tce_missing"][0]
    fp = carbonacct.footprint(make_readings(("F1", "lng", 2.0, "t")), method=M)
    assert fp.quality.rejected_by_reason == {"missing_factor": 1}
    # the warning names the fuel, the document, why, and what to do
    (warning,) = [w for w in fp.quality.warnings if w.startswith("lng")]
    assert warning.startswith("lng (液化天然气): no standard-coal coefficient: GB/T 2589-2020")
    assert "unconfirmed" in warning and "measured NCV" in warning
    assert "none:" not in " ".join(fp.quality.warnings)
    assert all(v is None or "none:" not in str(v) for v in fp.factors_used.rows())


def test_exports_are_deducted() -> None:
    data = make_readings(("F1", "electricity", 1000.0, "kWh"), ("F1", "electricity", 200.0, "kWh"))
    data = data.with_columns(pl.Series("flow", ["in", "out"]))
    fp = carbonacct.footprint(data, method=M)
    # (1000 − 200) kWh × 0.1229 kgce/kWh = 98.32 kgce = 0.09832 tce
    assert one(fp, "energy_tce") == pytest.approx(0.09832, rel=1e-12)
    assert (one(fp, "electricity_in_MWh"), one(fp, "electricity_out_MWh")) == (1.0, 0.2)


def test_equal_value_basis_uses_the_given_coal_rate() -> None:
    m = M.replace(energy_basis="equal", electricity_equal_value_kgce_per_kWh=0.300)
    fp = carbonacct.footprint(make_readings(("F1", "electricity", 1000.0, "kWh")), method=m)
    # 1000 kWh × 0.300 kgce/kWh = 0.3 tce (等价值)
    assert one(fp, "energy_tce") == pytest.approx(0.3, rel=1e-12)
    with pytest.raises(carbonacct.OptionError, match="electricity_equal_value"):
        carbonacct.footprint(
            make_readings(("F1", "electricity", 1.0, "kWh")), method=M.replace(energy_basis="equal")
        )


def test_feedstock_is_energy_but_not_combustion() -> None:
    data = make_readings(("F1", "diesel", 10.0, "t")).with_columns(pl.lit("feedstock").alias("use"))
    fp = carbonacct.footprint(data, method=M)
    # 10 t × 1.4571 tce/t = 14.571 tce, all of it feedstock; nothing burnt, no CO2
    assert one(fp, "energy_tce") == pytest.approx(14.571, rel=1e-12)
    assert one(fp, "energy_feedstock_tce") == pytest.approx(14.571, rel=1e-12)
    assert one(fp, "energy_excl_feedstock_tce") == pytest.approx(0.0, abs=1e-12)
    assert one(fp, "co2_t") == 0.0 and one(fp, "rows_co2_missing") == 0


def test_media_reported_apart_unless_included() -> None:
    data = make_readings(("F1", "fresh_water", 1000.0, "t"), ("F1", "diesel", 1.0, "t"))
    fp = carbonacct.footprint(data, method=M)
    # 新水 0.0857 kgce/t (GB/T 2589-2020 附录B): 1000 t → 0.0857 tce, only in energy_media_tce
    assert one(fp, "energy_media_tce") == pytest.approx(0.0857, rel=1e-12)
    assert one(fp, "energy_tce") == pytest.approx(1.4571, rel=1e-12)
    with_media = carbonacct.footprint(data, method=M.replace(include_media=True))
    assert one(with_media, "energy_tce") == pytest.approx(1.4571 + 0.0857, rel=1e-12)


def test_steam_by_mass_through_its_enthalpy() -> None:
    m = M.replace(steam_enthalpy_kJ_per_kg=2780, steam_feedwater_enthalpy_kJ_per_kg=83.74)
    fp = carbonacct.footprint(make_readings(("F1", "steam", 10.0, "t")), method=m)
    heat = 10 * (2780 - 83.74) / 1000  # 26.9626 GJ
    assert one(fp, "heat_in_GJ") == pytest.approx(heat, rel=1e-12)
    # heat 0.03412 kgce/MJ = 0.03412 tce/GJ; CO2 0.11 tCO2/GJ (GB/T 32150-2025 7.5.6)
    assert one(fp, "energy_tce") == pytest.approx(heat * 0.03412, rel=1e-12)
    assert one(fp, "co2_heat_t") == pytest.approx(heat * 0.11, rel=1e-12)
