"""Market-based scope 2: contracted green power at zero, the rest at the residual factor."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import make_readings, one

import carbonacct
from carbonacct.options import Method
from carbonacct.scope2 import residual_factors

M = Method(grid_factor="national")


def _green(mwh: float) -> pl.DataFrame:
    return pl.DataFrame({"firm_id": ["F1"], "period": ["2023"], "value": [mwh], "unit": ["MWh"]})


def test_residual_factor_applies_to_the_rest() -> None:
    residual = residual_factors([2023], carbonacct.default_library())[0].to("tCO2/MWh")
    data = make_readings(
        ("F1", "electricity", 1000.0, "MWh"), ("F1", "steam", 0.0, "GJ"), period="2023"
    )
    fp = carbonacct.footprint(data, green_electricity=_green(300.0), method=M)
    # (1000 − 300) MWh × the 2023 national factor excluding market-traded non-fossil power
    assert one(fp, "green_electricity_MWh") == 300.0
    assert one(fp, "co2_electricity_market_t") == pytest.approx(700 * residual, rel=1e-12)
    assert one(fp, "co2_scope2_market_t") == pytest.approx(
        700 * residual + one(fp, "co2_heat_t"), rel=1e-12
    )
    used = fp.factors_used.filter(pl.col("factor") == "grid_co2_residual")
    assert used["value"].to_list() == [residual] and used["grade"][0]


def test_more_green_power_than_used_is_not_credited() -> None:
    data = make_readings(("F1", "electricity", 1000.0, "MWh"), period="2023")
    fp = carbonacct.footprint(data, green_electricity=_green(1500.0), method=M)
    assert one(fp, "co2_electricity_market_t") == 0.0
    assert any("more green power" in w for w in fp.quality.warnings)


def test_green_power_needs_firm_totals_and_valid_rows() -> None:
    data = make_readings(("F1", "electricity", 1.0, "MWh"), period="2023")
    with pytest.raises(carbonacct.OptionError, match="firm totals"):
        carbonacct.footprint(data, green_electricity=_green(1.0), by=["carrier"], method=M)
    with pytest.raises(carbonacct.InputError, match=r"row 1, column 'value'.*non-negative"):
        carbonacct.footprint(data, green_electricity=_green(-1.0), method=M)
