"""Chemicals (GB/T 32151.10 on the 2013 NDRC method): each formula by hand."""

from __future__ import annotations

import polars as pl
import pytest

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors import RecordOptions
from carbonacct.sectors.methods import gbt32151_10 as chem

METHOD = chem.Chemicals()


def _co2(category: str, steam_basis=None, gwp=None, **cols: list) -> list[float]:
    """Lines as the engine hands them over (chosen set, canonical unit) → signed CO2."""
    n = len(next(iter(cols.values())))
    chosen = cols.pop("parameter_set", None) or [METHOD.requirements(category, _opts())[0].name] * n
    unit = cols.pop("unit", None) or ["t"] * n
    frame = pl.DataFrame(
        {
            "month": ["2025-03"] * n,
            "process": [""] * n,
            "material": ["m"] * n,
            "category": [category] * n,
            "parameter_set": chosen,
            "unit": unit,
            **cols,
        },
        schema_overrides={k: pl.Float64 for k in cols},
    )
    choices = tuple((k, v) for k, v in (("steam_basis", steam_basis), ("gwp_set", gwp)) if v)
    out = METHOD.line_emissions(frame, _opts(choices))
    return out["co2_t"].to_list()


def _opts(choices: tuple = ()) -> RecordOptions:
    return RecordOptions(METHOD.id, choices=choices)


def test_feedstock_balance_of_the_reference_case() -> None:
    # §7.3: 100 t naphtha × 0.836 − 60 t ethylene × 0.857 = 83.6 − 51.42 = 32.18 tC → ×44/12
    lines = pl.DataFrame(
        {
            "month": ["2025-03"] * 2,
            "process": ["裂解"] * 2,
            "material": ["石脑油", "乙烯"],
            "category": ["carbon_balance_in", "carbon_balance_out"],
            "parameter_set": ["carbon_content"] * 2,
            "unit": ["t"] * 2,
            "quantity": [100.0, 60.0],
            "carbon_content": [0.836, 0.857],
        }
    )
    out = METHOD.line_emissions(lines, _opts())["co2_t"].to_list()
    assert out[0] == pytest.approx(83.6 * 44 / 12)
    assert out[1] == pytest.approx(-51.42 * 44 / 12)
    assert round(out[0] + out[1], 2) == 117.99


def test_fuel_by_heat_and_by_carbon_content() -> None:
    # natural gas 50 (10^4 Nm3) × 389.31 GJ × 0.0153 tC/GJ × 0.99 × 44/12
    # = 50 × 5.956443 × 0.99 × 44/12 = 50 × 21.62189 = 1 081.09 t (factors.md §2.5: 5 → 108.11)
    by_heat = _co2(
        "fuel",
        parameter_set=["ncv_cc"],
        unit=["10^4 Nm3"],
        quantity=[50.0],
        ncv=[389.31],
        carbon_content_per_heat=[0.0153],
        oxidation_rate=[0.99],
    )
    assert by_heat[0] == pytest.approx(50 * 389.31 * 0.0153 * 0.99 * 44 / 12)
    assert round(by_heat[0], 2) == 1081.09
    # coal 1 000 t at measured 0.62 tC/t, OF 0.93: 1 000 × 0.62 × 0.93 × 44/12 = 2 114.2 t
    by_carbon = _co2(
        "fuel",
        parameter_set=["carbon_content"],
        quantity=[1000.0],
        carbon_content=[0.62],
        oxidation_rate=[0.93],
    )
    assert by_carbon[0] == pytest.approx(1000 * 0.62 * 0.93 * 44 / 12)
    assert round(by_carbon[0], 2) == 2114.20


def test_carbonate_nitric_acid_and_recovery() -> None:
    # soda ash 200 t × 0.415 × 0.98 = 81.34 t
    carb = _co2("carbonate", quantity=[200.0], emission_factor=[0.415], purity=[0.98])
    assert carb[0] == pytest.approx(81.34)
    # a desulfurisation sorbent is a carbonate used: limestone 100 t × 0.440 × 90 % = 39.6 t
    sorbent = _co2("sorbent", quantity=[100.0], emission_factor=[0.440], purity=[0.90])
    assert sorbent[0] == pytest.approx(39.6)
    # nitric acid (双加压) 30 000 t × 0.0080 tN2O/t × (1 − 0.85 × 0.95) × 265 (AR5)
    # = 240 tN2O × 0.1925 × 265 = 46.2 × 265 = 12 243 tCO2e
    n2o = _co2(
        "process",
        gwp="AR5",
        quantity=[30_000.0],
        n2o_factor=[0.0080],
        abatement_efficiency=[0.85],
        abatement_use=[0.95],
    )
    assert n2o[0] == pytest.approx(12_243.0)
    # CO2 recovered and sold 1 500 t at 99.5 % purity: −1 492.5 t
    rec = _co2("carbon_product", quantity=[1500.0], purity=[0.995])
    assert rec[0] == pytest.approx(-1492.5)


def test_steam_needs_a_basis_and_follows_it() -> None:
    # 2 000 t steam at 2 780 kJ/kg, 0.11 tCO2/GJ: gross 5 560 GJ → 611.6 t;
    # above 83.74 kJ/kg feed water 5 392.52 GJ → 593.1772 t
    def cols() -> dict:
        return dict(
            parameter_set=["steam"],
            quantity=[2000.0],
            enthalpy=[2780.0],
            feedwater_enthalpy=[83.74],
            heat_emission_factor=[0.11],
        )

    assert _co2("heat", "enthalpy", **cols())[0] == pytest.approx(611.6)
    assert _co2("heat", "enthalpy_above_feedwater", **cols())[0] == pytest.approx(593.1772)
    assert _co2("heat_export", "enthalpy", **cols())[0] == pytest.approx(-611.6)
    with pytest.raises(OptionError, match="steam_basis") as err:
        _co2("heat", None, **cols())
    assert "'m'" in str(err.value) and "2025-03" in str(err.value)
    # heat in GJ needs no basis; a mass without enthalpy is refused
    assert _co2(
        "heat",
        None,
        parameter_set=["heat"],
        unit=["GJ"],
        quantity=[100.0],
        heat_emission_factor=[0.11],
    )[0] == pytest.approx(11.0)
    with pytest.raises(InputError, match="enthalpy"):
        _co2(
            "heat",
            None,
            parameter_set=["heat"],
            unit=["t"],
            quantity=[100.0],
            heat_emission_factor=[0.11],
        )


def test_totals_without_and_with_purchased_energy() -> None:
    t = METHOD.totals(
        {
            "combustion": 2114.2,
            "feedstock": 117.99,
            "carbonate": 81.34,
            "co2_recovered": -1492.5,
            "electricity": 530.6,
            "heat": 611.6,
        }
    )
    # direct 2 114.2 + 199.33 − 1 492.5 = 821.03; indirect 530.6 + 611.6 = 1 142.2
    assert t["co2_process_t"] == pytest.approx(199.33)
    assert t["co2_direct_t"] == pytest.approx(821.03)
    assert t["co2_indirect_t"] == pytest.approx(1142.2)
    assert t["co2_t"] == pytest.approx(1963.23)
