"""Rounding policies as data: Decimal half-up, intermediate steps, user files, bad files."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbonacct.errors import InputError, OptionError
from carbonacct.verify import (
    RoundingStep,
    read_rounding_policies,
    reconcile,
    rounding_policies,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "verifier" / "rounding.toml"


def gas_line(reported: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": ["F"],
            "line": ["gas boiler"],
            "carrier": ["天然气"],
            "value": ["1000"],
            "unit": ["万Nm3"],
            "year": ["2023"],
            "reported_co2_t": [reported],
        }
    )


def test_half_up_is_decimal_not_float_round() -> None:
    # float round() gives 2.67 (2.675 is 2.67499... in binary); reports round 2.675 up
    assert round(2.675, 2) == 2.67
    assert RoundingStep("co2_t", 2).apply(Decimal("2.675")) == Decimal("2.68")
    assert RoundingStep("co2_t", 2, "half_even").apply(Decimal("2.665")) == Decimal("2.66")
    assert RoundingStep("co2_t", 0).apply(Decimal("-0.5")) == Decimal("-1")


@given(st.decimals(min_value=-1e6, max_value=1e6, places=6), st.integers(0, 4))
def test_rounding_moves_at_most_half_a_unit(x: Decimal, d: int) -> None:
    for rule in ("half_up", "half_even"):
        r = RoundingStep("co2_t", d, rule).apply(x)
        assert abs(r - x) <= Decimal(5).scaleb(-d - 1)
        assert -r.as_tuple().exponent == d  # type: ignore[operator]


def test_shipped_policies_cite_their_source() -> None:
    p = rounding_policies()
    assert set(p) == {"full", "line_0.01t", "line_1t"}
    assert p["full"].steps == ()
    assert all(x.source and x.grade == "convention" for x in p.values())


def test_intermediate_rounding_reproduces_a_platform_figure() -> None:
    # Natural gas, 1000 × 10^4 Nm3, GB/T 32151 表C.1: NCV 389.31 GJ/10^4Nm3, CC 15.3 tC/TJ, OF 99 %.
    # Full precision: C_ar = 389.31 × 0.0153 = 5.956443 tC/10^4Nm3;
    #   E = 1000 × 5.956443 × 0.99 × 44/12 = 21 621.888... → 21 621.89 t.
    # Platform: C_ar shown and used at 2 dp = 5.96; E = 1000 × 5.96 × 0.99 × 44/12 = 21 634.80 t.
    assert round(1000 * 389.31 * 0.0153 * 0.99 * 44 / 12, 2) == 21621.89
    assert round(1000 * 5.96 * 0.99 * 44 / 12, 2) == 21634.80
    full = reconcile(gas_line("21634.80"), rounding_file=EXAMPLE).table.row(0, named=True)
    assert full["recomputed_co2_t"] == pytest.approx(21621.888, abs=1e-3)
    assert full["status"] == "explained"
    assert full["explanation"].startswith("rounding: ets_platform_car_2dp")
    # without the user's policy, nothing known reproduces it
    assert reconcile(gas_line("21634.80")).table["status"][0] == "unexplained"
    # run under that policy, the figure agrees exactly
    r = reconcile(gas_line("21634.80"), rounding="ets_platform_car_2dp", rounding_file=EXAMPLE)
    row = r.table.row(0, named=True)
    assert row["recomputed_co2_t"] == 21634.80 and row["status"] == "agrees"
    assert row["rounding"] == "ets_platform_car_2dp"
    assert r.provenance["rounding"]["steps"][0] == {
        "quantity": "carbon_content_ar",
        "decimals": 2,
        "rule": "half_up",
    }


def test_user_policy_file_errors_name_the_file_and_what_to_fix(tmp_path: Path) -> None:
    cases = {
        "not toml [": "not valid TOML",
        "[[policy]]\nid='x'\nsteps=[{quantity='co2', decimals=2}]": "quantity 'co2'",
        "[[policy]]\nid='x'\nsteps=[{quantity='co2_t', decimals=2},{quantity='ncv', decimals=3}]": "out of order",
        "[[policy]]\nid='x'\nsteps=[{quantity='co2_t', decimals=2, rule='up'}]": "rule 'up'",
        "[[policy]]\nid='x'\nsteps=[{quantity='co2_t', decimals=-1}]": "decimals -1",
        "[[policy]]\nid='full'\nsteps=[]": "shipped policies",
        "title = 'no policy'": "no [[policy]]",
    }
    for i, (text, expected) in enumerate(cases.items()):
        f = tmp_path / f"p{i}.toml"
        f.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(expected)) as err:
            read_rounding_policies(f)
        assert str(f) in str(err.value)


def test_unknown_policy_names_the_known_ones() -> None:
    with pytest.raises(OptionError, match=r"'nonsense' is not a known policy; known: \['full'"):
        reconcile(gas_line("1"), rounding="nonsense")


def test_every_step_of_a_chain_policy_is_applied_in_order() -> None:
    # diesel 100.456 t, GB/T 32151 表C.1: NCV 42.652 GJ/t, CC 20.2 tC/TJ = 0.02020 tC/GJ, OF 98 %
    # steel_2025_s1: AD 2 dp → 100.46; C_ar = 42.652 × 0.02020 = 0.8615704 → 4 dp 0.8616;
    #   E = 100.46 × 0.8616 × 0.98 × 44/12 = 311.02576... → 311.03 (full precision: 311.0027)
    assert round(100.456 * 42.652 * 0.0202 * 0.98 * 44 / 12, 4) == 311.0027
    policy = read_rounding_policies(EXAMPLE)["steel_2025_s1"]
    assert [s.quantity for s in policy.steps] == [
        "activity",
        "ncv",
        "carbon_content",
        "carbon_content_ar",
        "co2_t",
    ]
    assert policy.grade == "S(1)"
    line = gas_line("311.03").with_columns(
        pl.lit("柴油").alias("carrier"), pl.lit("100.456").alias("value"), pl.lit("t").alias("unit")
    )
    r = reconcile(line, rounding="steel_2025_s1", rounding_file=EXAMPLE).table.row(0, named=True)
    assert r["recomputed_co2_t"] == 311.03 and r["status"] == "agrees"
    full = reconcile(line, rounding_file=EXAMPLE).table.row(0, named=True)
    assert full["explanation"].startswith("rounding: steel_2025_s1")
