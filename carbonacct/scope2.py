"""Market-based scope 2: contracted green power at zero, the rest at the residual factor.

The residual factor is the national factor excluding market-traded non-fossil
power of the data year (MEE/NBS guidance to the factor announcements); heat
keeps its location-based CO2.
"""

from __future__ import annotations

import polars as pl

from carbonacct._sides import period_rows, raise_first_bad_row
from carbonacct.factors import PROVENANCE_SCHEMA, Factor, FactorLibrary, provenance_fields
from carbonacct.io import Source, TableLike, read_side_table
from carbonacct.periods import period_year
from carbonacct.readings import PERIODS, Period
from carbonacct.units import conversion_factor

__all__ = ["market_based", "read_green_electricity", "residual_factors"]


def read_green_electricity(green: TableLike, period: Period) -> tuple[pl.DataFrame, Source]:
    """Contracted green electricity per firm and period label [MWh]."""
    frame, src = read_side_table(green, ("firm_id", "period", "value", "unit"), "green electricity")
    frame = period_rows(frame, period)
    bad = frame.filter(
        pl.col("value").is_null()
        | pl.col("_rank").is_null()
        | (pl.col("_rank") > PERIODS.index(period))
        | (pl.col("value") < 0)
    )
    raise_first_bad_row(
        bad,
        src,
        f"green electricity needs a non-negative value and a period no longer than '{period}'",
        ("value", "period"),
    )
    factor = {u: conversion_factor(u, "MWh") for u in frame["unit"].unique().to_list()}
    frame = frame.with_columns(
        (pl.col("value") * pl.col("unit").replace_strict(factor)).alias("mwh")
    )
    summed = frame.group_by("firm_id", pl.col("period_label").alias("period")).agg(
        pl.col("mwh").sum().alias("green_electricity_MWh")
    )
    return summed, src


def residual_factors(years: list[int], lib: FactorLibrary) -> list[Factor]:
    """The national residual factor of each year [tCO2/MWh]."""
    return [
        lib.resolve(
            "co2_factor", "electricity", region="CN", year=y, variant="excl_market_nonfossil"
        )
        for y in years
    ]


def market_based(
    table: pl.DataFrame, green: pl.DataFrame, lib: FactorLibrary
) -> tuple[pl.DataFrame, list[str], pl.DataFrame]:
    """Add ``green_electricity_MWh``, ``co2_electricity_market_t``, ``co2_scope2_market_t``.

    Examples
    --------
    1000 MWh net bought, 300 MWh green, residual 0.6 tCO2/MWh:
    (1000 − 300) × 0.6 = 420 tCO2.
    """
    years = sorted({int(p[:4]) for p in table["period"].to_list()})
    residual = residual_factors(years, lib)
    res = pl.DataFrame(
        {"year": years, "residual_ef": [f.to("tCO2/MWh") for f in residual]},
        schema={"year": pl.Int32, "residual_ef": pl.Float64},
    )
    net = pl.col("electricity_in_MWh") - pl.col("electricity_out_MWh")
    table = (
        table.join(green, on=["firm_id", "period"], how="left")
        .with_columns(
            pl.col("green_electricity_MWh").fill_null(0.0),
            period_year().cast(pl.Int32).alias("year"),
        )
        .join(res, on="year", how="left")
        .with_columns(
            (
                pl.max_horizontal(net - pl.col("green_electricity_MWh"), 0.0)
                * pl.col("residual_ef")
            ).alias("co2_electricity_market_t")
        )
        .with_columns(
            (pl.col("co2_electricity_market_t") + pl.col("co2_heat_t")).alias("co2_scope2_market_t")
        )
        .drop("year", "residual_ef")
    )
    warnings = [f"market-based residual factor: {f.fallback}" for f in residual if f.fallback]
    over = table.filter(pl.col("green_electricity_MWh") > net)
    if over.height:
        warnings.append(
            f"{over.height} firm-period(s) contract more green power than they use net; "
            "the excess is not credited"
        )
    used = pl.DataFrame(
        {
            "factor": "grid_co2_residual",
            "carrier": "electricity",
            "scope": [f"CN {f.year}" for f in residual],
            "value": [f.value for f in residual],
            "unit": "tCO2/MWh",
            "source": [f"{f.set_label}: {f.citation}" for f in residual],
            "factor_set": [f.set_label for f in residual],
            **{k: [provenance_fields([f])[k] for f in residual] for k in PROVENANCE_SCHEMA},
        },
        schema_overrides=PROVENANCE_SCHEMA,
    )
    return table, warnings, used
