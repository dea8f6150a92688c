"""Data quality per firm: every row refused (readings, activity, actuals), the rows without a
CO2 factor, and what to follow up, in words (``follow_up``)."""

from __future__ import annotations

import polars as pl


def firm_quality(actual: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """Per firm: ``energy_tce`` of its report year, ``rows_rejected`` (readings the footprint
    rejected, summed over the firm's years, plus each refused activity or actuals row once),
    ``rows_co2_missing`` of its report year, and ``follow_up``."""
    upto = actual.join(years, on="firm_id").filter(
        pl.col("year").is_null() | (pl.col("year") <= pl.col("report_year"))
    )
    # the footprint repeats a firm-year's counts on every figure of that year: once per year
    yearly = upto.group_by("firm_id", "year", "report_year").agg(
        pl.col("rows_rejected").max().alias("_rej"),
        pl.col("rows_co2_missing").max().alias("_co2"),
        pl.col("energy_tce").max(),
    )
    # a refused input row (it has a row number) fails one rule or several: counted once
    refused = (
        actual.filter(pl.col("invalid").is_not_null() & pl.col("row").is_not_null())
        .select("firm_id", "source", "row")
        .unique()
        .group_by("firm_id")
        .agg(pl.len().alias("_refused"))
    )
    at_report = pl.col("year") == pl.col("report_year")
    gaps = pl.concat_list(
        pl.when(pl.col("_rej") > 0).then(
            pl.format(
                "{}: {} reading row(s) rejected, energy and CO2 understated (see the footprint's "
                "rejects)",
                "year",
                "_rej",
            )
        ),
        pl.when(pl.col("_co2") > 0).then(
            pl.format(
                "{}: {} row(s) without a CO2 factor, CO2 understated (give the factor: a grid "
                "factor for the year, or fuel parameters)",
                "year",
                "_co2",
            )
        ),
    ).list.drop_nulls()
    per_firm = (
        yearly.sort("firm_id", "year", nulls_last=True)
        .with_columns(gaps.alias("_gaps"))
        .group_by("firm_id", maintain_order=True)
        .agg(
            pl.col("energy_tce").filter(at_report).max(),
            pl.col("_rej").sum().alias("_readings"),
            pl.col("_rej").is_not_null().any().alias("_counted"),
            pl.col("_co2").filter(at_report).max().alias("rows_co2_missing"),
            pl.col("_gaps").list.explode(keep_nulls=False, empty_as_null=False).alias("_gaps"),
        )
        .join(refused, on="firm_id", how="left")
    )
    refused_note = pl.when(pl.col("_refused") > 0).then(
        pl.format("{} input row(s) refused (see rejected)", "_refused")
    )
    rows = pl.col("_readings").fill_null(0) + pl.col("_refused").fill_null(0)
    return per_firm.select(
        "firm_id",
        "energy_tce",
        # null only where no count was given at all (actuals without quality columns)
        pl.when(pl.col("_counted") | pl.col("_refused").is_not_null())
        .then(rows)
        .cast(pl.Int64)
        .alias("rows_rejected"),
        "rows_co2_missing",
        pl.concat_list(refused_note, "_gaps")
        .list.drop_nulls()
        .list.join("; ")
        .replace("", None)
        .alias("follow_up"),
    )


def input_rows_refused(rejected: pl.DataFrame) -> int:
    """How many input rows a check's ``rejected`` table holds: a row of a file that failed
    several rules (an activity row feeding two metrics) counts once; a refused figure with no
    row of an input file (one the footprint made) counts once per firm, year and metric."""
    filed = rejected.filter(pl.col("row").is_not_null()).select("source", "row").unique().height
    return filed + rejected.filter(pl.col("row").is_null()).height
