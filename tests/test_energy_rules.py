"""GB/T 2589 energy rules: tabulated coefficients first, NCV-derived only where allowed, gas volumes."""

from __future__ import annotations

import polars as pl
import pytest

import carbonacct
from carbonacct.energy import GAS_VOLUME_BASIS, normal_volume, standard_coal_table
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.units import conversion_factor


def rows(*carriers: str, library: FactorLibrary | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    t = standard_coal_table(list(carriers), library=library)
    return {r["carrier"]: r for r in t.iter_rows(named=True)}


def test_coal_kinds_use_the_tabulated_raw_coal_coefficient_not_their_ncv() -> None:
    r = rows("bituminous_coal", "anthracite", "lignite", "raw_coal")
    # 0.7143 kgce/kg = 0.7143 tce/t; NCV/29.3076 would give 19.570/29.3076 = 0.6677 for 烟煤
    assert {c: v["tce_per_unit"] for c, v in r.items()} == {
        "bituminous_coal": 0.7143,
        "anthracite": 0.7143,
        "lignite": 0.7143,
        "raw_coal": 0.7143,
    }
    assert r["bituminous_coal"]["tce_source"].startswith("as raw_coal (GB/T 2589 tabulates")
    assert r["bituminous_coal"]["grade"] == "secondary (3)"
    assert r["raw_coal"]["tce_source"].startswith("gbt2589-2020")


def test_ncv_derived_only_for_fuels_the_table_lacks_and_stated_per_row() -> None:
    r = rows("naphtha", "lng")
    # naphtha: no GB/T 2589 row; 44.5 GJ/t / 29.3076 GJ/tce = 1.51838 tce/t
    assert r["naphtha"]["tce_per_unit"] == pytest.approx(44.5 / 29.3076)
    assert r["naphtha"]["tce_source"].startswith("NCV / 29.3076 GJ/tce (no tabulated GB/T 2589")
    assert r["naphtha"]["grade"] == "secondary (1)"
    # LNG: the table has a row whose printed value is unconfirmed and not shipped
    assert r["lng"]["tce_per_unit"] is None
    assert r["lng"]["tce_source"] is None
    assert "printed coefficient is unconfirmed" in r["lng"]["tce_missing"]
    assert "lng" in default_library().get("gbt2589-2020").manifest.withheld


def test_an_unverified_ncv_derives_nothing() -> None:
    lib = default_library().copy()
    lib.register(
        pl.DataFrame(
            {
                "parameter": ["ncv"],
                "subject": ["petroleum_coke"],
                "value": [30.0],
                "unit": ["GJ/t"],
                "grade": ["unverified"],
            }
        ),
        set_id="forum-post",
    )
    r = rows("petroleum_coke", library=lib)["petroleum_coke"]
    assert r["tce_per_unit"] is None and "graded 'user (unverified)'" in r["tce_missing"]
    # the shipped, graded NCV derives: 32.5 GJ/t / 29.3076 GJ/tce
    assert rows("petroleum_coke")["petroleum_coke"]["tce_per_unit"] == pytest.approx(32.5 / 29.3076)


def test_lng_rows_are_rejected_for_a_missing_coefficient_not_given_a_derived_one() -> None:
    fp = carbonacct.footprint(
        pl.DataFrame(
            {
                "firm_id": ["A"],
                "carrier": ["液化天然气"],
                "period": ["2024"],
                "value": [10.0],
                "unit": ["t"],
            }
        ),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert fp.quality.rows_rejected == 1
    assert list(fp.quality.rejected_by_reason) == ["missing_factor"]


def test_natural_gas_coefficient_states_its_source_range_and_volume_basis() -> None:
    r = rows("natural_gas")["natural_gas"]
    # 12.1430 tce/10^4 m3 = 1.2143 kgce/m3 per Nm3
    assert r["tce_per_unit"] == pytest.approx(12.1430 / 10_000)
    assert "range from 1.1000 kgce/m3" in r["tce_source"]
    assert "measured NCV is preferred" in r["tce_source"]
    assert r["tce_source"].endswith(GAS_VOLUME_BASIS)


def test_gas_metered_at_20c_is_converted_to_normal_volume() -> None:
    # V0 = V20 × 273.15/293.15: 10 000 m3 at 20 °C = 9 317.76 Nm3
    assert normal_volume(10_000.0) == pytest.approx(10_000 * 273.15 / 293.15)
    assert conversion_factor("Sm3", "Nm3") == pytest.approx(273.15 / 293.15)
    assert conversion_factor("m3", "Nm3") == 1.0  # the stated default: m3 is read as Nm3
    readings = pl.DataFrame(
        {
            "firm_id": ["A", "B"],
            "carrier": ["natural_gas", "natural_gas"],
            "period": ["2024", "2024"],
            "value": [10_000.0, 10_000.0],
            "unit": ["Sm3", "Nm3"],
        }
    )
    fp = carbonacct.footprint(readings, method=carbonacct.Method(grid_factor="national"))
    tce = dict(fp.table.select("firm_id", "energy_tce").iter_rows())
    # B: 10 000 Nm3 × 1.2143 kgce/m3 = 12.143 tce; A: 9 317.76 Nm3 × 1.2143 = 11.3145 tce
    assert tce["B"] == pytest.approx(12.143)
    assert tce["A"] == pytest.approx(10_000 * 273.15 / 293.15 * 1.2143e-3)
    co2 = dict(fp.table.select("firm_id", "co2_combustion_t").iter_rows())
    # 389.31 GJ/10^4 Nm3 × 15.3 tC/TJ × 0.99 × 44/12 = 21.622 t per 10^4 Nm3
    assert co2["A"] / co2["B"] == pytest.approx(273.15 / 293.15)
    gas = fp.factors_used.filter(pl.col("carrier") == "natural_gas")
    assert gas["source"].str.contains("0 °C, 101.325 kPa").all()


def test_gbt2589_manufactured_gas_rows_convert_with_their_tabulated_coefficients() -> None:
    # GB/T 2589 附录A (2008 table values, secondary (2)): 焦炭制气 0.5571, 压力气化煤气 0.5143,
    # 重油催化裂解煤气 0.6571, 重油热裂解煤气 1.2143 kgce/m3
    readings = pl.DataFrame(
        {
            "firm_id": ["A", "A", "B", "B"],
            "carrier": ["焦炭制气", "压力气化煤气", "重油催化裂解煤气", "重油热裂解煤气"],
            "period": ["2024"] * 4,
            "value": [10_000.0, 20_000.0, 5_000.0, 1_000.0],
            "unit": ["Nm3"] * 4,
        }
    )
    fp = carbonacct.footprint(readings, method=carbonacct.Method(grid_factor="national"))
    tce = dict(fp.table.select("firm_id", "energy_tce").iter_rows())
    # A: 10 000 × 0.5571 + 20 000 × 0.5143 = 5 571 + 10 286 = 15 857 kgce = 15.857 tce
    assert tce["A"] == pytest.approx(15.857)
    # B: 5 000 × 0.6571 + 1 000 × 1.2143 = 3 285.5 + 1 214.3 = 4 499.8 kgce = 4.4998 tce
    assert tce["B"] == pytest.approx(4.4998)
    # the coefficient is the tabulated one, not NCV / 29 307.6 (16 308 kJ → 0.5564, not 0.5571)
    r = rows("coke_made_gas")["coke_made_gas"]
    assert r["tce_source"].startswith("gbt2589-2020") and "焦炭制气" in r["tce_source"]
    assert r["grade"] == "secondary (2)"
