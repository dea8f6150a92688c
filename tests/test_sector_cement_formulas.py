"""Cement methods line by line: the reference's test cases T-C1…T-C5 and traps, arithmetic written out.

The lines are what the record engine hands a method (one row per month, process, material, with the
resolved parameters in canonical units), so these cases hold whatever reads the record.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors._protocol import RecordOptions
from carbonacct.sectors.methods.cets_ag_02_01 import CementCets2024
from carbonacct.sectors.methods.gbt32151_8 import CO2_PER_CAO, CO2_PER_MGO, CementGBT32151_8

MEE = CementCets2024()
GBT = CementGBT32151_8()


def lines(*rows: dict[str, object], month: str = "2025-03") -> pl.DataFrame:
    """Lines of one month of the clinker process from dicts (missing parameters are null)."""
    names = sorted({k for r in rows for k in r})
    base = {"firm_id": "F1", "month": month, "process": "clinker", "parameter_set": ""}
    data = [{**base, **{n: r.get(n) for n in names}} for r in rows]
    return pl.DataFrame(data, infer_schema_length=None)


def run(method: CementCets2024 | CementGBT32151_8, frame: pl.DataFrame, **choices: str):
    options = RecordOptions(method.id, choices=tuple(choices.items()))
    out = method.line_emissions(frame, options)
    by_source = out.group_by("source").agg(pl.col("co2_t").sum()).drop_nulls("source")
    return out, method.totals(dict(by_source.iter_rows()))


def portland(quantity: float, ef: float = 0.535, material: str = "硅酸盐水泥熟料") -> dict:
    return {
        "material": material,
        "category": "clinker",
        "quantity": quantity,
        "emission_factor": ef,
    }


def substitute(material: str, quantity: float, coefficient: float) -> dict:
    return {
        "material": material,
        "category": "non_carbonate_raw",
        "quantity": quantity,
        "deduction_coefficient": coefficient,
    }


# --- CETS—AG—02.01—V01—2024, C-1 -----------------------------------------------------------------


def test_t_c1_portland_clinker_without_substitutes() -> None:
    # T-C1: 1 000 000 t × 0.535 tCO2/t = 535 000.00 t
    _, totals = run(MEE, lines(portland(1_000_000)))
    assert totals["co2_t"] == pytest.approx(535_000.00, abs=0.005)
    assert totals["co2_process_t"] == pytest.approx(535_000.00, abs=0.005)


def test_t_c2_carbide_and_steel_slag_are_deducted() -> None:
    # T-C2: 535 000 − 50 000 × 0.480 − 30 000 × 0.215 = 535 000 − 24 000 − 6 450 = 504 550.00
    frame = lines(
        portland(1_000_000), substitute("电石渣", 50_000, 0.480), substitute("钢渣", 30_000, 0.215)
    )
    out, totals = run(MEE, frame)
    assert totals["co2_t"] == pytest.approx(504_550.00, abs=0.005)
    deductions = out.filter(pl.col("category") == "non_carbonate_raw")["co2_t"].to_list()
    assert deductions == pytest.approx([-24_000.0, -6_450.0])
    assert set(out.drop_nulls("formula")["formula"]) == {"CETS—AG—02.01—V01—2024 C-1"}


def test_t_c3_white_clinker() -> None:
    # T-C3: 200 000 t white clinker × 0.550 = 110 000.00
    _, totals = run(MEE, lines(portland(200_000, 0.550, "白色硅酸盐水泥熟料")))
    assert totals["co2_t"] == pytest.approx(110_000.00, abs=0.005)


def test_mee_route_refuses_cao_mgo_inputs() -> None:
    # Trap 11.7: the CaO/MgO inputs of the old formula beside C-1 would correct twice.
    frame = lines({**portland(1_000_000), "cao_content": 0.65, "mgo_content": 0.02})
    with pytest.raises(InputError, match=r"CaO/MgO.*cement-gbt32151\.8-2015"):
        run(MEE, frame)


# --- GB/T 32151.8-2015, C-4 and C-5 ----------------------------------------------------------------


def clinker_oxides(quantity: float = 1_000_000) -> dict:
    return {
        "material": "熟料",
        "category": "clinker",
        "quantity": quantity,
        "cao_content": 0.65,
        "cao_noncarbonate": 0.005,
        "mgo_content": 0.020,
        "mgo_noncarbonate": 0.002,
    }


def test_t_c4_dust_at_clinker_composition_with_44_over_40() -> None:
    # T-C4: EF = (0.65 − 0.005) × 44/56 + (0.020 − 0.002) × 44/40
    #          = 0.645 × 0.785714… + 0.018 × 1.1 = 0.506786 + 0.019800 = 0.526586
    # E = (1 000 000 + 20 000) × 0.526586 = 537 117.43 t (the dust added to clinker)
    frame = lines(
        clinker_oxides(),
        {"material": "窑头粉尘", "category": "kiln_dust", "quantity": 15_000},
        {"material": "旁路放风粉尘", "category": "bypass_dust", "quantity": 5_000},
    )
    out, totals = run(GBT, frame)
    assert (0.645 * 44 / 56 + 0.018 * 44 / 40) == pytest.approx(0.526586, abs=5e-7)
    assert totals["co2_t"] == pytest.approx(537_117.43, abs=0.005)
    assert out["clinker_factor"].drop_nulls().unique().to_list() == pytest.approx([0.5265857143])
    assert set(out["formula"]) == {"GB/T 32151.8-2015 C-4 (MgO × 44/40)"}


def test_t_c4_with_44_over_40_3_is_a_named_choice() -> None:
    # EF = 0.645 × 44/56 + 0.018 × 44/40.3 = 0.506786 + 0.019653 = 0.526438
    # E = 1 020 000 × 0.526438… = 536 967.09 t (150.34 t less than with 44/40)
    frame = lines(
        clinker_oxides(), {"material": "窑头粉尘", "category": "kiln_dust", "quantity": 20_000}
    )
    out, totals = run(GBT, frame, mgo_factor="44/40.3")
    assert 0.645 * 44 / 56 + 0.018 * 44 / 40.3 == pytest.approx(0.526438, abs=5e-7)
    assert totals["co2_t"] == pytest.approx(1_020_000 * (0.645 * 44 / 56 + 0.018 * 44 / 40.3))
    assert totals["co2_t"] == pytest.approx(536_967.09, abs=0.005)
    assert set(out["formula"]) == {"GB/T 32151.8-2015 C-4 (MgO × 44/40.3)"}
    with pytest.raises(OptionError, match="44/40"):
        GBT.check_options(RecordOptions(GBT.id, choices=(("mgo_factor", "44/41"),)))


def test_cao_coefficient_is_44_over_56_not_a_content() -> None:
    # Trap 11.7: 0.785 is the CaO→CO2 coefficient (44/56 = 0.7857), never a CaO content.
    assert CO2_PER_CAO == pytest.approx(0.785714, abs=5e-7)
    assert CO2_PER_MGO["44/40"] == 1.1
    frame = lines({**clinker_oxides(), "cao_content": 0.785})
    with pytest.raises(InputError, match=r"0\.785.*44/56"):
        run(GBT, frame)


def test_t_c5_non_fuel_carbon_of_raw_meal() -> None:
    # T-C5: 1 550 000 t × 0.2 % × 44/12 = 3 100 × 3.666667 = 11 366.67 t
    frame = lines(
        {"material": "生料", "category": "raw_meal", "quantity": 1_550_000, "carbon_content": 0.002}
    )
    _, totals = run(GBT, frame)
    assert totals["co2_t"] == pytest.approx(11_366.67, abs=0.005)


def test_gbt_route_refuses_substitute_deductions() -> None:
    # Trap 11.7: a 扣减系数 with the CaO/MgO formula deducts twice.
    frame = lines(clinker_oxides(), substitute("电石渣", 50_000, 0.480))
    with pytest.raises(InputError, match=r"电石渣.*corrects twice"):
        run(GBT, frame)


def test_dust_without_clinker_in_its_month_is_an_error_naming_it() -> None:
    frame = lines({"material": "窑头粉尘", "category": "kiln_dust", "quantity": 20_000})
    with pytest.raises(InputError, match=r"窑头粉尘.*2025-03.*C-4"):
        run(GBT, frame)


# --- shared: fuel, alternative fuel, auxiliary items ---------------------------------------------


@pytest.mark.parametrize("method", [MEE, GBT], ids=lambda m: m.id)
def test_fuel_alternative_fuel_and_auxiliary_items(
    method: CementCets2024 | CementGBT32151_8,
) -> None:
    frame = lines(
        # C-2: 120 000 t × 21.5 GJ/t = 2 580 000 GJ × 0.0261 tC/GJ = 67 338 tC × 0.99 × 44/12
        #      = 66 664.62 × 3.666667 = 244 436.94 t
        {
            "material": "烟煤",
            "category": "fuel",
            "quantity": 120_000,
            "ncv": 21.5,
            "carbon_content_per_heat": 0.0261,
            "oxidation_rate": 0.99,
        },
        # C-6: 8 000 t tyres × 31.4 GJ/t = 251 200 GJ × 0.0229 tC/GJ = 5 752.48 tC × 44/12
        #      = 21 092.43 × 0.6 fossil = 12 655.46 t
        {
            "material": "废轮胎",
            "category": "alternative_fuel",
            "quantity": 8_000,
            "ncv": 31.4,
            "carbon_content_per_heat": 0.0229,
            "fossil_fraction": 0.6,
        },
        # C-3: 90 000 MWh × 0.8 fossil × 0.5366 = 38 635.20 t; 12 000 GJ × 0.11 = 1 320.00 t
        {
            "material": "购入电力",
            "category": "electricity",
            "quantity": 90_000,
            "fossil_fraction": 0.8,
            "emission_factor": 0.5366,
        },
        {"material": "购入热力", "category": "heat", "quantity": 12_000, "emission_factor": 0.11},
    )
    _, totals = run(method, frame)
    fuel = 120_000 * 21.5 * 0.0261 * 0.99 * 44 / 12
    assert fuel == pytest.approx(244_436.94, abs=0.005)
    tyres = 8_000 * 31.4 * 0.0229 * 44 / 12 * 0.6
    assert tyres == pytest.approx(12_655.46, abs=0.005)
    assert totals["co2_combustion_t"] == pytest.approx(fuel + tyres)
    assert totals["co2_t"] == pytest.approx(244_436.94 + 12_655.46, abs=0.01)
    # Auxiliary items are reported, never in the ETS total (§3).
    assert totals["co2_auxiliary_electricity_t"] == pytest.approx(38_635.20, abs=0.005)
    assert totals["co2_auxiliary_heat_t"] == pytest.approx(1_320.00, abs=0.005)


@settings(max_examples=40, deadline=None)
@given(
    clinker=st.floats(1.0, 2e6),
    ef=st.floats(0.2, 0.6),
    slag=st.floats(0.0, 2e5),
    coefficient=st.floats(0.05, 0.6),
)
def test_c1_is_gross_minus_deductions(
    clinker: float, ef: float, slag: float, coefficient: float
) -> None:
    _, totals = run(MEE, lines(portland(clinker, ef), substitute("电石渣", slag, coefficient)))
    assert totals["co2_t"] == pytest.approx(clinker * ef - slag * coefficient, rel=1e-12, abs=1e-6)
