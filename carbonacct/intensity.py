"""Intensities: energy and CO2 per value added and per unit of product.

Value added (``metric = value_added``, in 万元) gives
``energy_intensity_tce_per_cny10k`` and ``co2_intensity_t_per_cny10k`` on the
footprint table; every other metric is a product, with output in t (any mass
unit converted) or as given, giving ``energy_per_output_kgce`` and
``co2_per_output_t`` in a long table.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from carbonacct.activity import product_unit, read_activity

__all__ = ["intensities", "product_unit", "read_activity"]


def intensities(
    table: pl.DataFrame, activity: pl.DataFrame, by: Sequence[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Value added (intensity columns) joined onto the table, and the per-product table.

    Without ``by`` a product's figures are the site's energy and CO2 per its
    output (meaningful for a single-product site only). With ``by`` including
    ``product`` (readings tagged with the product or process boundary they
    serve), a tagged product's figures come from its own rows (``boundary`` =
    ``product``), and its electricity per output is given too; an untagged
    product keeps the site figures (``boundary`` = ``site``). The value added,
    a firm total, is repeated on each row of a ``product`` breakdown.

    Examples
    --------
    1911.18 tce and 38 600 万元 give 1911.18 / 38600 = 0.04951 tce/万元.
    """
    sums = ["energy_tce", "co2_t", "electricity_in_MWh"]
    totals = (
        table.select("firm_id", "period", *sums)
        if not by
        # a period with no accepted rows has no figures ("—"), not 0
        else table.group_by("firm_id", "period").agg(
            pl.when(pl.col(*sums).count() > 0).then(pl.col(*sums).sum())
        )
    )
    va = activity.filter(pl.col("metric") == "value_added").select(
        "firm_id",
        pl.col("period_label").alias("period"),
        pl.col("activity").alias("value_added_cny10k"),
    )
    if not by:
        table = table.join(va, on=["firm_id", "period"], how="left").with_columns(
            (pl.col("energy_tce") / pl.col("value_added_cny10k")).alias(
                "energy_intensity_tce_per_cny10k"
            ),
            (pl.col("co2_t") / pl.col("value_added_cny10k")).alias("co2_intensity_t_per_cny10k"),
        )
    elif "product" in by:
        table = table.join(va, on=["firm_id", "period"], how="left")
    products = activity.filter(pl.col("metric") != "value_added").rename(
        {"period_label": "period", "metric": "product", "activity": "output"}
    )
    if "product" in by:
        products, table = _product_codes(products, table)
    per_product = products.join(totals, on=["firm_id", "period"], how="left")
    columns = [
        "firm_id",
        "period",
        "product",
        "output",
        pl.col("activity_unit").alias("output_unit"),
        "energy_per_output_kgce",
        "co2_per_output_t",
    ]
    if "product" in by:
        per_product, columns = _tagged(per_product, table), [*columns, "electricity_per_output_kWh"]
        columns.append("boundary")
    per_product = per_product.with_columns(
        (pl.col("energy_tce") * 1000 / pl.col("output")).alias("energy_per_output_kgce"),
        (pl.col("co2_t") / pl.col("output")).alias("co2_per_output_t"),
        (pl.col("electricity_in_MWh") * 1000 / pl.col("output")).alias(
            "electricity_per_output_kWh"
        ),
    )
    return table, per_product.select(columns).sort("firm_id", "period", "product")


def _product_codes(
    products: pl.DataFrame, table: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Outputs named in Chinese (铝液) read as their product code; a reading's tag (电解, 熟料)
    read as a code only where the firm has an output of that product in the period, so an
    ambiguous name (电解 of a caustic-soda plant) is kept and refused by name, never misread."""
    from carbonacct.benchmarks import product_aliases

    aliases = product_aliases()
    products = products.with_columns(pl.col("product").replace(aliases))
    code = pl.col("product").replace_strict(aliases, default=None, return_dtype=pl.String)
    outputs = products.select("firm_id", "period", pl.col("product").alias("_code")).unique()
    table = (
        table.with_columns(code.alias("_code"))
        .join(
            outputs.with_columns(pl.lit(True).alias("_out")),
            on=["firm_id", "period", "_code"],
            how="left",
        )
        .with_columns(
            pl.when(pl.col("_out"))
            .then(pl.col("_code"))
            .otherwise(pl.col("product"))
            .alias("product")
        )
        .drop("_code", "_out")
    )
    return products, table


def _tagged(per_product: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """A product's own energy, CO2 and electricity where readings are tagged with it."""
    sums = ["energy_tce", "co2_t", "electricity_in_MWh"]
    own = (
        table.filter(pl.col("product").is_not_null())
        .group_by("firm_id", "period", "product")
        .agg(pl.col(*sums).sum().name.suffix("_own"))
    )
    tagged = pl.col("energy_tce_own").is_not_null()
    return per_product.join(own, on=["firm_id", "period", "product"], how="left").with_columns(
        *(pl.when(tagged).then(pl.col(f"{c}_own")).otherwise(pl.col(c)).alias(c) for c in sums),
        pl.when(tagged).then(pl.lit("product")).otherwise(pl.lit("site")).alias("boundary"),
    )
