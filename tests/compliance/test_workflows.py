"""Checking from readings: the footprint feeds the check once, over several synthetic years."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.synth import generate
from carbonacct.workflows import check_from_readings


def test_synthetic_years_make_a_meaningful_batch_check(tmp_path: Path) -> None:
    generate(tmp_path, firms=24, meters_per_firm=1, interval="1h", year=2025, years=6, seed=3)
    activity = pl.read_csv(tmp_path / "activity.csv")
    assert sorted(activity["period"].unique().to_list()) == [2020, 2021, 2022, 2023, 2024, 2025]
    r = check_from_readings(
        tmp_path / "readings",
        tmp_path / "firms.csv",
        tmp_path / "activity.csv",
        pathways=["cn-industry-2025", "cn-2024-annual"],
        run=carbonacct.RunOptions(checksum=False),
    )
    assert r.firms.height == 24 and r.firms["status"].is_not_null().all()  # every firm out
    energy = r.results.filter(pl.col("metric") == "energy_intensity_va")
    # each firm checked in each year after the base year
    national = energy.filter(pl.col("pathway") == "cn-industry-2025")
    assert sorted(national["check_year"].unique().to_list()) == [2021, 2022, 2023, 2024, 2025]
    annual = energy.filter(pl.col("pathway") == "cn-2024-annual")
    assert annual["check_year"].unique().to_list() == [2024]  # until 2024
    row = annual.filter(pl.col("required").is_not_null()).row(0, named=True)
    assert row["required"] == pytest.approx(row["base_value"] * (1 - 0.035))  # 2024 vs 2023
    assert row["price_basis"] == "constant:2020" and row["status"] in ("below_path", "above_path")
