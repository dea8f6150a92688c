"""A gap is the difference at the precision the check compares at (10 significant digits):
a figure at exactly its 基准 has no float remainder in its gap (outside re-trial 3, #9)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from carbonacct.workflows import check_from_readings

DATA = Path(__file__).parent.parent / "data" / "check_retrial"


def test_a_derived_figure_at_exactly_the_baseline_has_a_gap_of_zero() -> None:
    # (104 000 t × 0.7143 + 3 900 万kWh × 0.1229) × 1000 / 675 900 t = 79 080 300 / 675 900
    # = 117 kgce/t exactly; in floating point 117.00000000000003 (gap_rel 2.4e-16 before)
    result = check_from_readings(
        DATA / "clinker_readings.csv", DATA / "clinker_firms.csv", DATA / "clinker_activity.csv"
    )
    row = result.products.filter(
        pl.col("firm_id") == "91320500MA1EXA0011",
        pl.col("metric") == "product_energy_intensity",
        pl.col("check_year") == 2026,
    ).row(0, named=True)
    assert (row["required"], row["status"]) == (117.0, "on_track")
    assert row["gap_rel"] == 0.0


def test_a_figure_at_exactly_its_path_has_a_gap_of_zero() -> None:
    # 0.7 tce/万元 in 2020, national −13.5 %: 0.7 × 0.865 = 0.6055 (0.6054999999999999 in
    # floating point); 0.6055 in 2025 is at the path: gap 0, not 1.1e-16
    from carbonacct import check

    firm = "91320506MA1XXXXX09"
    actual = pl.DataFrame(
        {
            "firm_id": [firm] * 2,
            "year": [2020, 2025],
            "metric": ["energy_intensity_va"] * 2,
            "value": [0.7, 0.6055],
            "unit": ["tce/万元"] * 2,
            "price_basis": ["constant:2020"] * 2,
        }
    )
    firms = pl.DataFrame({"firm_id": [firm], "name": ["a"], "sector": ["C3391"]})
    r = check(firms, actuals=actual, pathways=["cn-industry-2025"])
    row = r.results.filter(pl.col("check_year") == 2025, pl.col("required").is_not_null())
    assert row.select("status", "gap_abs", "gap_rel").row(0) == ("below_path", 0.0, 0.0)
