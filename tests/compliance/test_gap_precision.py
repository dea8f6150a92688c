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
