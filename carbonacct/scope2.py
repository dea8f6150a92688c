"""Market-based scope 2: contracted green power at zero, the rest at the residual factor.

The residual factor is the national factor excluding market-traded non-fossil
power of the data year (MEE/NBS guidance to the factor announcements); heat
keeps its location-based CO2.
"""

from __future__ import annotations

import polars as pl

from carbonacct._sides import period_rows, raise_first_bad_row
from carbonacct.errors import InputError
from carbonacct.factors import PROVENANCE_SCHEMA, Factor, FactorLibrary, provenance_fields
from carbonacct.io import Source, TableLike, read_side_table
from carbonacct.periods import period_year
from carbonacct.readings import PERIODS, Period
from carbonacct.units import conversion_factor

__all__ = ["market_based", "read_green_electricity", "residual_factors"]


#: Headers of a certificate file as people write them, beyond the shared vocabulary.
GREEN_HEADERS = {"year": "period", "绿证数量": "value", "绿证": "value", "数量": "value"}
#: Certificates counted one by one: 1 绿证 = 1 MWh (发改能源〔2023〕1044号, official; the
#: rule cited in carbonacct.compliance._exclusions).
CERTIFICATE_UNITS = {"张": 1.0, "个": 1.0}


def read_green_electricity(green: TableLike, period: Period) -> tuple[pl.DataFrame, Source]:
    """Contracted green electricity per firm and period label [MWh]. A negative figure is not
    credited (its firm-period gets no green power, named in ``_bad``) rather than failing all."""
    required = ("firm_id", "period", "value", "unit")
    frame, src = read_side_table(green, ("firm_id",), "green electricity")
    frame = frame.rename({k: v for k, v in GREEN_HEADERS.items() if k in frame.columns})
    if lacking := [c for c in required if c not in frame.columns]:
        raise InputError(
            f"{src.name}: green electricity needs column(s) {lacking} (firm_id, period or 年份, "
            "value or 绿证数量, unit).",
            file=src.name,
            row=None,
            column=lacking[0],
        )
    frame = period_rows(frame, period)
    bad = frame.filter(
        pl.col("value").is_null()
        | pl.col("_rank").is_null()
        | (pl.col("_rank") > PERIODS.index(period))
    )
    raise_first_bad_row(
        bad,
        src,
        f"green electricity needs a number and a period no longer than '{period}'",
        ("value", "period"),
    )
    factor = {u: _to_mwh(u) for u in frame["unit"].unique().to_list()}
    frame = frame.with_columns(
        (pl.col("value") * pl.col("unit").replace_strict(factor)).alias("mwh"),
        pl.when(pl.col("value") < 0)
        .then(pl.format(f"{src.name} row {{}}: {{}} is negative", pl.col("row"), pl.col("value")))
        .alias("_bad"),
    )
    summed = frame.group_by("firm_id", pl.col("period_label").alias("period")).agg(
        pl.col("mwh").sum().alias("green_electricity_MWh"),
        pl.col("_bad").drop_nulls().str.join("; "),
    )
    return summed, src


def _to_mwh(unit: str) -> float:
    return CERTIFICATE_UNITS.get(unit.strip()) or conversion_factor(unit, "MWh")


def _green_warnings(table: pl.DataFrame, green: pl.DataFrame) -> list[str]:
    """Certificates not credited: a negative figure (its firm-period), a firm or period the
    readings do not have (named, never dropped silently)."""
    out = [
        f"green electricity of firm {f} in {p} not credited: {bad}"
        for f, p, bad in green.filter(pl.col("_bad") != "")
        .select("firm_id", "period", "_bad")
        .iter_rows()
    ]
    stray = green.join(table.select("firm_id", "period"), on=["firm_id", "period"], how="anti")
    if stray.height:
        named = ", ".join(
            f"{f} {p}" for f, p in stray.select("firm_id", "period").sort("firm_id").iter_rows()
        )
        out.append(
            f"green electricity of {stray.height} firm-period(s) not in the readings (not in the "
            f"firms table or no readings that period), not credited: {named}"
        )
    return out


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
    warnings = _green_warnings(table, green)
    net = pl.col("electricity_in_MWh") - pl.col("electricity_out_MWh")
    table = (
        table.join(green, on=["firm_id", "period"], how="left")
        .with_columns(
            pl.when(pl.col("_bad").fill_null("") != "")
            .then(0.0)
            .otherwise(pl.col("green_electricity_MWh").fill_null(0.0))
            .alias("green_electricity_MWh"),
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
        .drop("year", "residual_ef", "_bad")
    )
    warnings += [f"market-based residual factor: {f.fallback}" for f in residual if f.fallback]
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
