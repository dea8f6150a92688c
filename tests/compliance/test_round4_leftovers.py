"""Round-4 leftovers of the compliance trials (issue 13), each a case in small."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct

SMELTER = pl.DataFrame(
    {"firm_id": ["S"], "name": ["smelter"], "province": ["江苏"], "sector": ["3216"]}
)


def _actual(metric: str, product: str | None, value: float, unit: str, year: int = 2024) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": ["S"],
            "year": [year],
            "metric": [metric],
            "product": [product],
            "value": [value],
            "unit": [unit],
        },
        schema_overrides={"year": pl.Int32, "product": pl.String},
    )


def test_an_aluminium_figure_in_kwh_per_t_names_the_indicator_it_needs() -> None:
    # 13 000 kWh/t given as comprehensive energy (kgce/t): refused, never converted, and the
    # refusal says which indicator a figure in kWh/t is (铝液交流电耗: product_electricity_intensity)
    r = carbonacct.check(
        SMELTER, actuals=_actual("product_energy_intensity", "electrolytic_aluminium", 13000, "kWh/t")
    )
    (why,) = r.rejected["invalid"].to_list()
    assert "never converted" in why
    assert "give it as product_electricity_intensity" in why
    assert "product_comprehensive_ac_power_intensity" in why  # the other kWh/t indicator
    # the same figure under the indicator named: checked against the 标杆 13 000 (1609号)
    r = carbonacct.check(
        SMELTER,
        actuals=_actual("product_electricity_intensity", "electrolytic_aluminium", 13000, "kWh/t"),
    )
    row = r.products.row(0, named=True)
    assert (row["level"], row["status"]) == ("benchmark", "on_track")
