"""Aluminium method line by line: the reference's test cases T-A1…T-A6 and traps, arithmetic written out.

The lines are what the record engine hands a method (one row per month, process, material, with the
resolved parameters in canonical units and the chosen parameter set).
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors._protocol import RecordOptions
from carbonacct.sectors.methods.cets_ag_04_01 import AluminiumCets2024

AL = AluminiumCets2024()
AR5 = (("gwp_set", "AR5"),)
SAR = (("gwp_set", "SAR"), ("gwp_cf4", "6500"), ("gwp_c2f6", "9200"))
PLATFORM = "aluminium-cets-2024-platform"


def lines(*rows: dict[str, object], month: str = "2025-03") -> pl.DataFrame:
    names = sorted({k for r in rows for k in r})
    base = {"firm_id": "F1", "month": month, "process": "electrolysis"}
    return pl.DataFrame(
        [{**base, **{n: r.get(n) for n in names}} for r in rows], infer_schema_length=None
    )


def run(frame: pl.DataFrame, choices=AR5, rounding: str | None = None):
    out = AL.line_emissions(frame, RecordOptions(AL.id, rounding=rounding, choices=choices))
    by_source = out.group_by("source").agg(pl.col("co2_t").sum()).drop_nulls("source")
    return out, AL.totals(dict(by_source.iter_rows()))


def aluminium(tonnes: float = 100_000) -> dict:
    return {
        "material": "铝液",
        "category": "product_output",
        "parameter_set": "output",
        "quantity": tonnes,
    }


def anode(net_t: float, s: float = 0.02, a: float = 0.004) -> dict:
    return {
        "material": "预焙阳极",
        "category": "anode",
        "parameter_set": "net",
        "quantity": net_t,
        "sulfur_content": s,
        "ash_content": a,
    }


def pfc(cf4: float = 0.034, c2f6: float = 0.0034, aluminium_t: float = 100_000) -> dict:
    """An anode-effect line: its quantity is the aluminium liquid of the cells (P_Al of A-2)."""
    return {
        "material": "阳极效应",
        "category": "anode_effect",
        "parameter_set": "factors",
        "quantity": aluminium_t,
        "cf4_per_t": cf4,
        "c2f6_per_t": c2f6,
    }


def test_t_a1_anode_full_precision_and_rounded_before_multiplying() -> None:
    # T-A1: P_Al 100 000 t, net anode 41 100 t → NC = 0.411 t/t Al
    # EF_anode = 0.411 × (1 − 0.02 − 0.004) × 44/12 = 0.411 × 0.976 × 3.666667 = 1.470832
    # full precision: 100 000 × 1.470832 = 147 083.20 t
    # platform profile (S(1)), EF rounded to 1.47 first: 100 000 × 1.47 = 147 000.00 t
    frame = lines(aluminium(), anode(41_100))
    assert 0.411 * 0.976 * 44 / 12 == pytest.approx(1.470832, abs=5e-7)
    _, full = run(frame)
    _, rounded = run(frame, rounding=PLATFORM)
    assert full["co2_anode_t"] == pytest.approx(147_083.20, abs=0.005)
    assert rounded["co2_anode_t"] == pytest.approx(147_000.00, abs=0.005)


def test_t_a2_anode_at_the_2013_net_consumption() -> None:
    # T-A2: NC 0.42 (the 2013 value, S(1), passed by the user): 42 000 t net anode per 100 000 t
    # EF = 0.42 × 0.976 × 44/12 = 1.50304 → 100 000 × 1.50304 = 150 304.00 t
    _, totals = run(lines(aluminium(), anode(42_000)))
    assert 0.42 * 0.976 * 44 / 12 == pytest.approx(1.50304, abs=5e-9)
    assert totals["co2_anode_t"] == pytest.approx(150_304.00, abs=0.005)


def test_t_a3_gross_anode_with_loss_rate() -> None:
    # T-A3 (A-1′): 48 000 t × (1 − 0.1518) × (1 − 0.024) × 44/12
    #            = 48 000 × 0.8482 = 40 713.6 × 0.976 = 39 736.47 × 3.666667 = 145 700.40 t
    gross = {**anode(48_000), "parameter_set": "gross_loss", "loss_rate": 0.1518}
    out, totals = run(lines(aluminium(), gross))
    assert totals["co2_anode_t"] == pytest.approx(145_700.40, abs=0.005)
    assert totals["co2_anode_t"] / 100_000 == pytest.approx(1.457, abs=5e-4)
    assert (
        out.filter(pl.col("category") == "anode")["formula"].item() == "CETS—AG—04.01—V01—2024 A-1′"
    )


def test_t_a4_pfc_at_default_factors_in_ar5_and_sar() -> None:
    # T-A4: AR5: 100 000 × (0.034 × 6 630 + 0.0034 × 11 100) × 10⁻³ = 100 × (225.42 + 37.74) = 26 316.00
    #       SAR: 100 000 × (0.034 × 6 500 + 0.0034 × 9 200) × 10⁻³ = 100 × (221.00 + 31.28) = 25 228.00
    frame = lines(aluminium(), pfc())
    out, ar5 = run(frame)
    out_sar, sar = run(frame, choices=SAR)
    assert ar5["co2e_pfc_t"] == pytest.approx(26_316.00, abs=0.005)
    assert sar["co2e_pfc_t"] == pytest.approx(25_228.00, abs=0.005)
    # The GWP set is written on the line (trap 11.5: −4.1 % between them).
    assert "GWP AR5" in out.filter(pl.col("category") == "anode_effect")["formula"].item()
    assert "GWP SAR" in out_sar.filter(pl.col("category") == "anode_effect")["formula"].item()
    assert 1 - 25_228 / 26_316 == pytest.approx(0.0413, abs=5e-5)


def test_t_a5_slope_method() -> None:
    # T-A5: AEM 0.02 min/cell-day; EF_CF4 = 0.143 × 0.02 = 0.00286; EF_C2F6 = 0.1 × 0.00286 = 0.000286
    # E = 100 000 × (0.00286 × 6 630 + 0.000286 × 11 100) × 10⁻³ = 100 × (18.9618 + 3.1746) = 2 213.64
    # platform profile: EF_CF4 → 0.003 (3 dp), EF_C2F6 → 0.0003 (4 dp):
    # E = 100 × (0.003 × 6 630 + 0.0003 × 11 100) = 100 × (19.89 + 3.33) = 2 322.00
    slope = {
        "material": "阳极效应",
        "category": "anode_effect",
        "parameter_set": "slope",
        "quantity": 100_000,
        "anode_effect_minutes": 0.02,
        "slope": 0.143,
        "c2f6_cf4_ratio": 0.1,
    }
    _, full = run(lines(aluminium(), slope))
    _, rounded = run(lines(aluminium(), slope), rounding=PLATFORM)
    assert full["co2e_pfc_t"] == pytest.approx(2_213.64, abs=0.005)
    assert rounded["co2e_pfc_t"] == pytest.approx(2_322.00, abs=0.005)


def test_t_a6_c2f6_copy_error_is_refused() -> None:
    # T-A6 / trap 11.5: C2F6 0.034 beside CF4 0.034 (ratio 1.0 > 0.2) is the 2013 tables' copy error.
    with pytest.raises(InputError, match=r"阳极效应.*2025-03.*C2F6.*0\.034.*1\.00"):
        run(lines(aluminium(), pfc(c2f6=0.034)))


def test_pfc_without_a_gwp_set_is_refused() -> None:
    # Trap 11.5: the GWP set is never silent.
    with pytest.raises(OptionError, match="gwp_set"):
        run(lines(aluminium(), pfc()), choices=())
    with pytest.raises(OptionError, match=r"SAR.*gwp_cf4"):
        AL.check_options(RecordOptions(AL.id, choices=(("gwp_set", "SAR"),)))


def test_own_gwps_under_a_shipped_set_are_refused_and_the_line_names_the_values() -> None:
    # gwp_set AR5 with the SAR values 6500/9200 computed 25 228.00 (SAR) while saying AR5.
    own = (("gwp_set", "AR5"), ("gwp_cf4", "6500"), ("gwp_c2f6", "9200"))
    with pytest.raises(OptionError, match=r"AR5.*shipped.*6630.*11100"):
        run(lines(aluminium(), pfc()), choices=own)
    with pytest.raises(OptionError, match="both"):  # one value without the other
        run(lines(aluminium(), pfc()), choices=(("gwp_set", "SAR"), ("gwp_cf4", "6500")))
    out, _ = run(lines(aluminium(), pfc()))
    assert (
        "AR5: CF4 6630, C2F6 11100"
        in out.filter(pl.col("category") == "anode_effect")["formula"].item()
    )
    out, _ = run(lines(aluminium(), pfc()), choices=SAR)
    formula = out.filter(pl.col("category") == "anode_effect")["formula"].item()
    assert "SAR (CF4 6500, C2F6 9200, user-given)" in formula


def test_no_pfc_line_needs_no_gwp_set() -> None:
    _, totals = run(lines(aluminium(), anode(41_100)), choices=())
    assert totals["co2e_pfc_t"] == 0.0


def test_carbonates_and_fuel_and_the_ets_total() -> None:
    frame = lines(
        aluminium(),
        anode(41_100),
        pfc(),
        # 1 200 t limestone × 0.92 purity × 0.440 = 485.76 t
        {
            "material": "石灰石",
            "category": "carbonate",
            "parameter_set": "purity_ef",
            "quantity": 1_200,
            "purity": 0.92,
            "emission_factor": 0.440,
        },
        # fuel: 300 (10^4 Nm3) × 389.31 GJ = 116 793 GJ × 0.0153 tC/GJ = 1 786.93 tC × 0.99
        #       = 1 769.06 tC × 44/12 = 6 486.57 t
        {
            "material": "天然气",
            "category": "fuel",
            "parameter_set": "ncv_cc_of",
            "quantity": 300,
            "ncv": 389.31,
            "carbon_content_per_heat": 0.0153,
            "oxidation_rate": 0.99,
        },
        # auxiliary items: no CO2 in the ETS total
        {
            "material": "交流电耗",
            "category": "electricity",
            "parameter_set": "auxiliary",
            "quantity": 1_350_000,
        },
    )
    _, totals = run(frame)
    assert 1_200 * 0.92 * 0.440 == pytest.approx(485.76)
    assert 300 * 389.31 * 0.0153 * 0.99 * 44 / 12 == pytest.approx(6_486.57, abs=0.005)
    # E = 6 486.57 + 147 083.20 + 26 316.00 + 485.76 = 180 371.53 tCO2e
    assert totals["co2e_t"] == pytest.approx(180_371.53, abs=0.01)


def test_anode_rounding_needs_the_months_aluminium() -> None:
    with pytest.raises(InputError, match=r"预焙阳极.*aluminium liquid"):
        run(lines(anode(41_100)), rounding=PLATFORM)


@settings(max_examples=40, deadline=None)
@given(net=st.floats(1.0, 1e6), s=st.floats(0.0, 0.05), a=st.floats(0.0, 0.01))
def test_anode_is_its_carbon_as_co2(net: float, s: float, a: float) -> None:
    _, totals = run(lines(aluminium(), anode(net, s, a)))
    assert totals["co2_anode_t"] == pytest.approx(net * (1 - s - a) * 44 / 12, rel=1e-12)
