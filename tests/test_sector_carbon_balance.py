"""The carbon mass balance helper: Σ carbon in − Σ carbon out, × 44/12."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonacct.sectors.methods.carbon_balance import (
    BALANCE_IN,
    BALANCE_OUT,
    CO2_PER_C,
    balance_co2,
    carbon_balance,
)


def _lines(rows: list[tuple[str, str, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=["process", "category", "quantity", "carbon_content"],
        orient="row",
    )


def test_reference_case_naphtha_to_ethylene() -> None:
    # Sector methods reference §7.3 (D): 100 t naphtha at 0.836 tC/t in, 60 t ethylene
    # at 0.857 tC/t (24/28 to three places) out: 83.6 − 60 × 0.857 = 83.6 − 51.42 = 32.18 tC;
    # 32.18 × 44/12 = 117.9933… → 117.99 t.
    lines = _lines([("cracker", BALANCE_IN, 100.0, 0.836), ("cracker", BALANCE_OUT, 60.0, 0.857)])
    out = carbon_balance(lines, by=["process"]).row(0, named=True)
    assert out["carbon_in_t"] == pytest.approx(83.6)
    assert out["carbon_out_t"] == pytest.approx(51.42)
    assert out["co2_t"] == pytest.approx(32.18 * 44 / 12)
    assert round(out["co2_t"], 2) == 117.99


def test_balance_by_process_keeps_processes_apart_and_ignores_other_lines() -> None:
    # calcination: 1 000 × 0.86 − 850 × 0.975 = 860 − 828.75 = 31.25 tC → 114.583… t
    # baking: 500 × 0.92 − 450 × 0.96 = 460 − 432 = 28 tC → 102.666… t
    lines = _lines(
        [
            ("calcination", BALANCE_IN, 1000.0, 0.86),
            ("calcination", BALANCE_OUT, 850.0, 0.975),
            ("baking", BALANCE_IN, 500.0, 0.92),
            ("baking", BALANCE_OUT, 450.0, 0.96),
            ("baking", "fuel", 99.0, 0.7),
        ]
    )
    out = {r["process"]: r["co2_t"] for r in carbon_balance(lines, by=["process"]).to_dicts()}
    assert out["calcination"] == pytest.approx(31.25 * 44 / 12)
    assert out["baking"] == pytest.approx(28 * 44 / 12)
    assert round(out["calcination"], 2) == 114.58
    assert round(out["baking"], 2) == 102.67
    # the signed line expression sums to the same balance; the fuel line gives null
    signed = lines.with_columns(balance_co2())
    assert signed.filter(pl.col("category") == "fuel")["co2_t"].to_list() == [None]
    assert signed["co2_t"].sum() == pytest.approx((31.25 + 28) * 44 / 12)


def test_co2_per_carbon_is_exact_44_over_12() -> None:
    assert CO2_PER_C == 44 / 12
    assert CO2_PER_C != 3.67


_streams = st.lists(
    st.tuples(
        st.sampled_from([BALANCE_IN, BALANCE_OUT]),
        st.floats(0, 1e5, allow_nan=False),
        st.floats(0, 1, allow_nan=False),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(streams=_streams, pick=st.integers(0, 7))
def test_moving_a_stream_from_in_to_out_changes_co2_by_twice_its_carbon(
    streams: list[tuple[str, float, float]], pick: int
) -> None:
    i = pick % len(streams)
    rows = [("p", c, q, cc) for c, q, cc in streams]
    moved = list(rows)
    _, cat, q, cc = moved[i]
    flipped = BALANCE_OUT if cat == BALANCE_IN else BALANCE_IN
    moved[i] = ("p", flipped, q, cc)
    before = carbon_balance(_lines(rows), by=["process"])["co2_t"].item()
    after = carbon_balance(_lines(moved), by=["process"])["co2_t"].item()
    expected = 2 * q * cc * 44 / 12 * (-1 if cat == BALANCE_IN else 1)
    assert after - before == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(streams=_streams, pick=st.integers(0, 7))
def test_the_carbon_materials_method_keeps_the_same_property(
    streams: list[tuple[str, float, float]], pick: int
) -> None:
    from carbonacct.sectors import RecordOptions
    from carbonacct.sectors.methods.gbt32151_34 import CarbonMaterials

    method = CarbonMaterials()
    options = RecordOptions(method.id)

    def total(rows: list[tuple[str, float, float]]) -> float:
        lines = pl.DataFrame(
            {
                "firm_id": [None] * len(rows),
                "month": ["2025-03"] * len(rows),
                "process": ["baking"] * len(rows),
                "material": [f"m{i}" for i in range(len(rows))],
                "category": [c for c, _, _ in rows],
                "unit": ["t"] * len(rows),
                "parameter_set": ["carbon_content"] * len(rows),
                "quantity": [q for _, q, _ in rows],
                "carbon_content": [cc for _, _, cc in rows],
            },
            schema_overrides={"firm_id": pl.String},
        )
        out = method.line_emissions(lines, options)
        assert out["source"].unique().to_list() == ["baking"]
        return out["co2_t"].sum()

    # a green-product stream large enough that no flip empties the balance (the method
    # refuses a balance that loses carbon over the record)
    rows = [(BALANCE_IN, 1e6, 1.0), *streams]
    i = 1 + pick % len(streams)
    cat, q, cc = rows[i]
    moved = list(rows)
    moved[i] = (BALANCE_OUT if cat == BALANCE_IN else BALANCE_IN, q, cc)
    expected = 2 * q * cc * 44 / 12 * (-1 if cat == BALANCE_IN else 1)
    assert total(moved) - total(rows) == pytest.approx(expected, rel=1e-9, abs=1e-4)


def test_a_balance_losing_carbon_over_the_record_is_refused() -> None:
    from carbonacct.errors import InputError
    from carbonacct.sectors import RecordOptions
    from carbonacct.sectors.methods.gbt32151_10 import Chemicals

    # 10 t × 0.80 = 8 tC in, 20 t × 0.50 = 10 tC out: −2 tC, which no process emits
    lines = pl.DataFrame(
        {
            "firm_id": [None, None],
            "month": ["2025-03", "2025-03"],
            "process": ["甲醇", "甲醇"],
            "material": ["原料煤", "甲醇"],
            "category": [BALANCE_IN, BALANCE_OUT],
            "unit": ["t", "t"],
            "parameter_set": ["carbon_content", "carbon_content"],
            "quantity": [10.0, 20.0],
            "carbon_content": [0.80, 0.50],
        },
        schema_overrides={"firm_id": pl.String},
    )
    with pytest.raises(InputError, match="more carbon leaves than enters") as err:
        Chemicals().line_emissions(lines, RecordOptions("chemicals-gbt32151.10"))
    assert "甲醇" in str(err.value) and "10.0" in str(err.value)
