"""Pathway targets: which firms each target covers, the value it requires each year, the status.

A relative target (−13.5 % from 2020 to 2025) is checked in every year a firm has
data after the base year, and it holds after its target year (the required value
stays at the target) unless the pathway row gives an earlier ``until``. Only a
``binding`` target (a firm's own target letter) can be ``breach``; a sector average,
a regional or an "expected" (左右) target places the firm ``above_path`` or
``below_path``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from carbonacct.compliance._inputs import VALUE_ADDED_METRICS

#: Relative tolerance at a computed limit: a value at the limit up to float noise complies.
TOLERANCE = 1e-9

RESULT_SCHEMA: dict[str, Any] = {
    "firm_id": pl.String,
    "name": pl.String,
    "province": pl.String,
    "sector": pl.String,
    "pathway": pl.String,
    "target_id": pl.String,
    "obligation": pl.String,
    "metric": pl.String,
    "product": pl.String,
    "check_year": pl.Int32,
    "base_year": pl.Int32,
    "base_value": pl.Float64,
    "actual": pl.Float64,
    "required": pl.Float64,
    "unit": pl.String,
    "status": pl.String,
    "gap_abs": pl.Float64,
    "gap_rel": pl.Float64,
    "target_year": pl.Int32,
    "price_basis": pl.String,
    "basis": pl.String,
    "data_complete": pl.Boolean,
    "rule": pl.String,
    "source_ref": pl.String,
    "missing": pl.String,
}


def applicable(firms: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Firm × target pairs whose region and sectors cover the firm.

    ``targets`` carry ``prefixes``, expanded once at load; ``[""]`` (an empty
    ``sectors`` cell) covers every sector.
    """
    exploded = targets.explode("prefixes").rename({"prefixes": "_key"})
    region = (
        pl.col("region").is_null()
        | (pl.col("region") == "CN")
        | (pl.col("region") == pl.col("province"))
    )
    # joined per prefix length on the sector's first n digits (a cross join of every firm with
    # every target and prefix took 1 GB for 10 000 firms)
    parts = [
        firms.with_columns(pl.col("sector").fill_null("").str.slice(0, n).alias("_key"))
        .join(exploded.filter(pl.col("_key").str.len_chars() == n), on="_key")
        .filter(region)
        for n in exploded["_key"].str.len_chars().unique().sort().to_list()
    ]
    if not parts:
        return firms.join(exploded, how="cross").drop("_key")
    return pl.concat(parts).unique(["firm_id", "target_id"], maintain_order=True).drop("_key")


def _price_year(basis: str, year: str) -> pl.Expr:
    """The year whose prices a value added is at: ``constant:2020`` → 2020, ``current`` → its year."""
    b = pl.col(basis).str.strip_chars().str.to_lowercase()
    return (
        pl.when(b == "current")
        .then(pl.col(year))
        .otherwise(b.str.extract(r"^constant:(\d{4})$").cast(pl.Int32))
    )


def _deflate(rows: pl.DataFrame, deflator: pl.DataFrame | None) -> pl.DataFrame:
    """Bring base and current value-added intensities to the base year's prices.

    intensity at prices R = intensity at prices p × index(p) / index(R), R = the base year.
    Without a deflator only values already at the same prices compare.
    """
    va = pl.col("metric").is_in(VALUE_ADDED_METRICS)
    rows = rows.with_columns(
        _price_year("price_basis", "check_year").alias("_p_now"),
        _price_year("base_price_basis", "base_year").alias("_p_base"),
    )
    if deflator is not None:
        idx = deflator.select(pl.col("year").cast(pl.Int32), pl.col("index").cast(pl.Float64))
        for col in ("_p_now", "_p_base", "base_year"):
            rows = rows.join(idx.rename({"year": col, "index": f"{col}_idx"}), on=col, how="left")
        rows = rows.with_columns(
            (pl.col("_p_now_idx") / pl.col("base_year_idx")).alias("_f_now"),
            (pl.col("_p_base_idx") / pl.col("base_year_idx")).alias("_f_base"),
        )
    else:
        rows = rows.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(c) for c in ("_f_now", "_f_base")
        )
    same = pl.col("_p_now") == pl.col("_p_base")
    why = (
        pl.when(~va | pl.col("actual").is_null() | pl.col("base_value").is_null())
        .then(None)
        .when(pl.col("_p_now").is_null() | pl.col("_p_base").is_null())
        .then(
            pl.lit(
                "value added without a price basis: give price_basis constant:YYYY or current "
                "(intensity targets are at comparable prices)"
            )
        )
        .when(~same & (pl.col("_f_now").is_null() | pl.col("_f_base").is_null()))
        .then(
            pl.format(
                "value added at {} prices in {} and at {} prices in the base year: "
                "give a deflator (year, index) covering {}",
                pl.col("_p_now"),
                pl.col("check_year"),
                pl.col("_p_base"),
                _years_needed(),
            )
        )
    )
    adjust = va & ~same & pl.col("_f_now").is_not_null() & pl.col("_f_base").is_not_null()
    return rows.with_columns(
        pl.when(adjust)
        .then(pl.col("actual") * pl.col("_f_now"))
        .otherwise(pl.col("actual"))
        .alias("actual"),
        pl.when(adjust)
        .then(pl.col("base_value") * pl.col("_f_base"))
        .otherwise(pl.col("base_value"))
        .alias("base_value"),
        why.alias("_price_why"),
    )


def _years_needed() -> pl.Expr:
    """The years a deflator must cover, each once and in order (``2020 and 2025``)."""
    years = (
        pl.concat_list(
            pl.col("_p_now").cast(pl.Int32),
            pl.col("_p_base").cast(pl.Int32),
            pl.col("base_year").cast(pl.Int32),
        )
        .list.unique()
        .list.sort()
        .list.eval(pl.element().cast(pl.String))
    )
    head = years.list.head(years.list.len() - 1).list.join(", ")
    return (
        pl.when(years.list.len() == 1)
        .then(years.list.first())
        .otherwise(pl.format("{} and {}", head, years.list.last()))
    )


def relative_results(
    pairs: pl.DataFrame,
    actual: pl.DataFrame,
    firm_years: pl.DataFrame,
    deflator: pl.DataFrame | None,
) -> pl.DataFrame:
    """One row per firm, relative target and checked year, with the required value."""
    rows = pairs.join(firm_years, on="firm_id", how="inner").filter(
        (pl.col("check_year") > pl.col("base_year"))
        & (pl.col("until").is_null() | (pl.col("check_year") <= pl.col("until")))
    )
    keys = ["firm_id", "metric", "product"]
    now = actual.select(
        *keys,
        pl.col("year").alias("check_year"),
        pl.col("value").alias("actual"),
        "price_basis",
        "basis",
        "data_complete",
        pl.col("rows_co2_missing").alias("_co2_gap_now"),
        pl.col("invalid").alias("_inv_now"),
        pl.when(pl.col("value").is_null()).then("basis").alias("_why_now"),
    )
    base = actual.select(
        *keys,
        pl.col("year").alias("base_year"),
        pl.col("value").alias("base_value"),
        pl.col("price_basis").alias("base_price_basis"),
        pl.col("data_complete").alias("_base_complete"),
        pl.col("rows_co2_missing").alias("_co2_gap_base"),
        pl.col("invalid").alias("_inv_base"),
        pl.when(pl.col("value").is_null()).then("basis").alias("_why_base"),
    )
    rows = rows.join(now, on=[*keys, "check_year"], how="left", nulls_equal=True).join(
        base, on=[*keys, "base_year"], how="left", nulls_equal=True
    )
    rows = _deflate(rows, deflator)
    t = (pl.col("check_year") - pl.col("base_year")) / (pl.col("year") - pl.col("base_year"))
    t = pl.min_horizontal(t, pl.lit(1.0))  # the target holds after its year
    required = (
        pl.when(pl.col("interpolation") == "constant_rate")
        .then(pl.col("base_value") * (1 + pl.col("value")).pow(t))
        .otherwise(pl.col("base_value") * (1 + pl.col("value") * t))
    )
    rule = pl.format(
        "{}: {} {}% {}→{} ({}, {})",
        pl.col("pathway"),
        pl.col("metric"),
        (pl.col("value") * 100).round(2),
        pl.col("base_year"),
        pl.col("year"),
        pl.col("interpolation"),
        pl.col("obligation"),
    )
    invalid = pl.coalesce(
        pl.format("{} row: {}", pl.col("check_year"), pl.col("_inv_now")),
        pl.format("base-year row: {}", pl.col("_inv_base")),
    )
    return rows.with_columns(
        required.alias("required"),
        rule.alias("rule"),
        pl.col("year").alias("target_year"),
        invalid.alias("_invalid"),
        _missing().alias("missing"),
        (pl.col("data_complete") & pl.col("_base_complete")).alias("data_complete"),
    ).with_columns(
        pl.when(pl.col("missing").is_not_null())
        .then(None)
        .otherwise(pl.col("required"))
        .alias("required")
    )


def _missing() -> pl.Expr:
    """Why a relative target has no verdict: CO2 gaps first (a CO2 total without every
    factor, even when it is no figure at all), then a missing figure, then the price basis."""
    co2 = pl.col("metric").str.contains("co2")
    return (
        pl.when(co2 & (pl.col("_co2_gap_base").fill_null(0) > 0))
        .then(_co2_gap("base year", "base_year", "_co2_gap_base"))
        .when(co2 & (pl.col("_co2_gap_now").fill_null(0) > 0))
        .then(_co2_gap("report year", "check_year", "_co2_gap_now"))
        .when(pl.col("actual").is_null())
        .then(
            # a figure derived as no figure says why (its basis); else none was given
            pl.coalesce(
                pl.format("{} {}: {}", pl.col("metric"), pl.col("check_year"), "_why_now"),
                pl.format("no {} for {}", pl.col("metric"), pl.col("check_year")),
            )
        )
        .when(pl.col("base_value").is_null())
        .then(
            pl.coalesce(
                pl.format("base year {}: {}", pl.col("base_year"), "_why_base"),
                pl.format("no base-year value ({})", pl.col("base_year")),
            )
        )
        .otherwise(pl.col("_price_why"))
    )


def _co2_gap(which: str, year: str, count: str) -> pl.Expr:
    """Why a CO2 status is no verdict: a year it uses has rows without a CO2 factor."""
    return pl.format(
        "CO2 of the {} {} incomplete: {} row(s) without a CO2 factor (rows_co2_missing); "
        "their CO2 is not in the total, so no verdict on a CO2 target",
        pl.lit(which),
        pl.col(year),
        pl.col(count),
    )


def status(rows: pl.DataFrame) -> pl.DataFrame:
    """Status, gap and the reason of each result row (see the module docstring)."""
    limit = pl.col("required") + TOLERANCE * pl.col("required").abs()
    binding = pl.col("obligation") == "binding"
    due = pl.col("target_year").is_not_null() & (pl.col("check_year") >= pl.col("target_year"))
    within = pl.col("actual") <= limit
    value = (
        pl.when(pl.col("_invalid").is_not_null())
        .then(pl.lit("invalid_input"))
        .when(pl.col("actual").is_null() | pl.col("required").is_null())
        .then(pl.lit("insufficient_data"))
        .when(binding & within)
        .then(pl.lit("on_track"))
        .when(binding & due)
        .then(pl.lit("breach"))
        .when(binding)
        .then(pl.lit("off_track"))
        .when(within)
        .then(pl.lit("below_path"))
        .otherwise(pl.lit("above_path"))
    )
    # at the limit up to float noise (as ``within`` compares): no gap, not 1e-16
    raw = pl.col("actual") - pl.col("required")
    gap = pl.when(raw.abs() <= TOLERANCE * pl.col("required").abs()).then(0.0).otherwise(raw)
    return (
        rows.with_columns(
            value.alias("status"),
            gap.alias("gap_abs"),
            (gap / pl.col("required").abs()).alias("gap_rel"),
            pl.format("{} ({}), {}", pl.col("document"), pl.col("source"), pl.col("grade")).alias(
                "source_ref"
            ),
            pl.coalesce("_invalid", "missing").alias("missing"),
        )
        .select(list(RESULT_SCHEMA))
        .cast(RESULT_SCHEMA)  # type: ignore[arg-type]
    )


def products_not_made(results: pl.DataFrame, actual: pl.DataFrame) -> pl.DataFrame:
    """A product target (crude steel per tonne) for a firm with no figure or output of that
    product in any year is not_covered, saying so: a blast-furnace-only plant makes no crude
    steel, and "insufficient_data" would read as a figure it failed to give."""
    made = actual.filter(pl.col("product").is_not_null()).select("firm_id", "product").unique()
    made = made.with_columns(pl.lit(True).alias("_made"))
    rows = results.join(made, on=["firm_id", "product"], how="left", maintain_order="left")
    none = pl.col("product").is_not_null() & pl.col("_made").is_null()
    none = none & (pl.col("status") == "insufficient_data")
    return rows.with_columns(
        pl.when(none).then(pl.lit("not_covered")).otherwise("status").alias("status"),
        pl.when(none)
        .then(
            pl.format(
                "no figure or output of {} in any year: this target is for firms making {} "
                "(if the firm makes it, give its {})",
                "product",
                "product",
                "metric",
            )
        )
        .otherwise("missing")
        .alias("missing"),
    ).drop("_made")


def comparator_results(
    pairs: pl.DataFrame,
    paths: pl.DataFrame,
    actual: pl.DataFrame,
    firm_years: pl.DataFrame,
    sda_base_year: int,
) -> pl.DataFrame:
    """TPI-style absolute paths: the path's value in each checked year, and the firm's SDA target."""
    from carbonacct.pathways import absolute_path_value, sda_target

    co2 = actual.filter(pl.col("metric") == "product_co2_intensity")
    rows = pairs.join(firm_years, on="firm_id", how="inner").join(
        co2.select(
            "firm_id",
            "product",
            pl.col("year").alias("check_year"),
            pl.col("value").alias("actual"),
            "data_complete",
            pl.col("invalid").alias("_invalid"),
        ),
        on=["firm_id", "product", "check_year"],
        how="left",
    )
    rows = rows.join(
        co2.filter(pl.col("year") == sda_base_year).select(
            "firm_id", "product", pl.col("value").alias("base_value")
        ),
        on=["firm_id", "product"],
        how="left",
    )
    records = []
    for r in rows.iter_rows(named=True):
        path_rows = paths.filter(
            (pl.col("pathway") == r["pathway"])
            & (pl.col("metric") == r["metric"])
            & (pl.col("product") == r["product"])
        )
        path = dict(zip(path_rows["year"].to_list(), path_rows["value"].to_list(), strict=True))
        y = r["check_year"]
        value = absolute_path_value(path_rows, r["metric"], r["product"], y)
        label = f"{r['pathway']} {r['metric']} {r['product']}"
        records.append(
            {**r, "required": value, "base_year": None, "rule": f"{label} path value in {y}"}
        )
        sda = (
            sda_target(r["base_value"], path, sda_base_year, y)
            if r["base_value"] is not None and 2050 in path
            else None
        )
        records.append(
            {
                **r,
                "metric": r["metric"].replace("tpi:", "sda:"),
                "required": sda,
                "base_year": sda_base_year,
                "rule": f"SBTi SDA on {label}, base {sda_base_year}",
            }
        )
    if not records:
        return pl.DataFrame()
    frame = pl.DataFrame(records, infer_schema_length=None)
    missing = (
        pl.when(pl.col("actual").is_null())
        .then(pl.format("no product_co2_intensity for {}", pl.col("check_year")))
        .when(pl.col("required").is_null())
        .then(pl.format("no base-year value ({})", pl.col("base_year")))
    )
    return frame.with_columns(
        pl.lit(None, dtype=pl.Int32).alias("target_year"),
        pl.lit(None, dtype=pl.String).alias("price_basis"),
        pl.lit(None, dtype=pl.String).alias("basis"),
        missing.alias("missing"),
    )
