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


def test_certificates_in_zhang_with_chinese_headers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """1 张 (个) 绿证 = 1 MWh (发改能源〔2023〕1044号); 年份 / 绿证数量 / 企业 headers are read."""
    data = make_readings(("F1", "electricity", 1000.0, "MWh"), period="2023")
    path = tmp_path / "green.csv"
    path.write_text("企业代码,年份,绿证数量,单位\nF1,2023年,200,张\n", encoding="utf-8")
    assert (
        one(carbonacct.footprint(data, green_electricity=path, method=M), "green_electricity_MWh")
        == 200.0
    )
    path.write_text("firm_id,period,value,unit\nF1,2023,300,个\n", encoding="utf-8")
    assert (
        one(carbonacct.footprint(data, green_electricity=path, method=M), "green_electricity_MWh")
        == 300.0
    )


def test_a_negative_or_unknown_firm_is_named_not_the_batch() -> None:
    data = make_readings(
        ("F1", "electricity", 1000.0, "MWh"), ("F2", "electricity", 1000.0, "MWh"), period="2023"
    )
    green = pl.DataFrame(
        {
            "firm_id": ["F1", "F2", "GHOST"],
            "period": ["2023"] * 3,
            "value": [-1.0, 300.0, 10.0],
            "unit": ["MWh"] * 3,
        }
    )
    fp = carbonacct.footprint(data, green_electricity=green, method=M)
    got = dict(fp.table.select("firm_id", "green_electricity_MWh").iter_rows())
    assert got == {"F1": 0.0, "F2": 300.0}  # F1's negative figure is not credited
    text = " ".join(fp.quality.warnings)
    assert "F1" in text and "-1" in text and "row 1" in text
    assert "GHOST" in text and "not in the readings" in text
