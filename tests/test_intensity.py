"""Intensities per value added and per product, worked by hand."""

from __future__ import annotations

import pytest
from conftest import make_activity, make_readings, one

import carbonacct
from carbonacct.intensity import product_unit
from carbonacct.options import Method

M = Method(grid_factor=0.5)
DIESEL = make_readings(("F1", "diesel", 10.0, "t"))  # 10 × 1.4571 = 14.571 tce


def test_value_added_intensity_in_tce_per_10k_yuan() -> None:
    activity = make_activity(("F1", "2024", "value_added", 1_000_000.0, "元"))
    fp = carbonacct.footprint(DIESEL, activity=activity, method=M)
    # 1 000 000 元 = 100 万元; 14.571 tce / 100 万元 = 0.14571 tce/万元
    assert one(fp, "value_added_cny10k") == pytest.approx(100.0)
    assert one(fp, "energy_intensity_tce_per_cny10k") == pytest.approx(0.14571, rel=1e-12)
    assert one(fp, "co2_intensity_t_per_cny10k") == pytest.approx(one(fp, "co2_t") / 100, rel=1e-12)


def test_product_intensity_per_t_whatever_the_mass_unit() -> None:
    activity = make_activity(("F1", "2024", "castings", 50_000.0, "kg"))
    fp = carbonacct.footprint(DIESEL, activity=activity, method=M)
    assert fp.intensities is not None
    row = fp.intensities.row(0, named=True)
    # 50 000 kg = 50 t; 14.571 tce × 1000 / 50 t = 291.42 kgce/t
    assert (row["output"], row["output_unit"]) == (50.0, "t")
    assert row["energy_per_output_kgce"] == pytest.approx(291.42, rel=1e-12)
    assert product_unit("m2") == "m2"


def test_a_longer_activity_period_gives_a_warning_not_a_number() -> None:
    activity = make_activity(("F1", "2024", "value_added", 100.0, "万元"))
    fp = carbonacct.footprint(DIESEL, activity=activity, method=M.replace(period="quarter"))
    assert any("longer period" in w for w in fp.quality.warnings)
    assert fp.table["value_added_cny10k"].null_count() == fp.table.height


def test_bad_activity_row_is_refused_by_row_and_column_not_the_batch() -> None:
    activity = make_activity(
        ("F1", "2024", "value_added", 100.0, "万元"), ("F1", "soon", "x", 1.0, "t")
    )
    fp = carbonacct.footprint(DIESEL, activity=activity, method=M)
    assert fp.activity_rejects is not None
    bad = fp.activity_rejects.row(0, named=True)
    assert (bad["row"], bad["column"], bad["value"]) == (2, "period", "soon")
    # the good row is used: 14.571 tce / 100 万元
    assert one(fp, "energy_intensity_tce_per_cny10k") == pytest.approx(0.14571, rel=1e-12)
