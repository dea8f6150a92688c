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

from carbonacct._sides import period_rows, raise_first_bad_row
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import Source, TableLike, read_side_table
from carbonacct.readings import PERIODS, Period
from carbonacct.units import conversion_factor, parse_unit

__all__ = ["intensities", "product_unit", "read_activity"]


def product_unit(unit: str) -> str:
    """Products in mass are reported per t; other units (m2, pieces) as given.

    >>> product_unit("kg"), product_unit("m2")
    ('t', 'm2')
    """
    return "t" if parse_unit(unit).dimensionality == parse_unit("t").dimensionality else unit


#: Names of value added in activity files (统计报表: 工业增加值).
VALUE_ADDED_NAMES = {
    "增加值": "value_added",
    "工业增加值": "value_added",
    "value added": "value_added",
}


def _currency(unit: str) -> bool:
    try:
        return bool(parse_unit(unit).dimensionality == parse_unit("万元").dimensionality)
    except CarbonacctError:
        return False


def _conversions(frame: pl.DataFrame, src: Source) -> pl.DataFrame:
    factors = {}
    for metric, unit in frame.select("metric", "unit").unique().iter_rows():
        target = "万元" if metric == "value_added" else product_unit(unit)
        try:
            factors[(metric, unit)] = (conversion_factor(unit, target), target)
        except CarbonacctError as exc:
            raise InputError(
                f"{src.name}: metric {metric!r} unit {unit!r}: {exc}",
                file=src.name,
                row=None,
                column="unit",
                value=unit,
            ) from None
    return pl.DataFrame(
        [
            {"metric": m, "unit": u, "_f": f, "activity_unit": t}
            for (m, u), (f, t) in factors.items()
        ],
        schema={
            "metric": pl.String,
            "unit": pl.String,
            "_f": pl.Float64,
            "activity_unit": pl.String,
        },
    )


def read_activity(activity: TableLike, period: Period) -> tuple[pl.DataFrame, Source, list[str]]:
    """Activity summed per firm, period label and metric, in 万元 or the product unit."""
    frame, src = read_side_table(
        activity, ("firm_id", "period", "metric", "value", "unit"), "activity"
    )
    frame = period_rows(frame, period).with_columns(
        pl.col("metric").cast(pl.String).str.strip_chars().replace(VALUE_ADDED_NAMES)
    )
    bad = frame.filter(
        pl.col("value").is_null() | pl.col("_rank").is_null() | pl.col("unit").is_null()
    )
    raise_first_bad_row(
        bad,
        src,
        "activity needs a numeric value, a unit and a period like 2024 or 2024Q1",
        ("value", "unit", "period"),
    )
    warnings = [
        f"activity metric {m!r} is in {u!r}, a currency: it is not value added (the metric "
        "'value_added', 增加值) and no output of a product; it is not used"
        for m, u in frame.select("metric", "unit").unique().sort("metric").iter_rows()
        if m != "value_added" and u is not None and _currency(u)
    ]
    coarse = frame.filter(pl.col("_rank") > PERIODS.index(period))
    if coarse.height:
        warnings.append(
            f"{coarse.height} activity row(s) cover a longer period than '{period}'; "
            "no intensity is computed for them"
        )
        frame = frame.filter(pl.col("_rank") <= PERIODS.index(period))
    frame = (
        frame.join(_conversions(frame, src), on=["metric", "unit"], how="left")
        .with_columns((pl.col("value") * pl.col("_f")).alias("activity"))
        .group_by("firm_id", "period_label", "metric", "activity_unit")
        .agg(pl.col("activity").sum())
    )
    return frame, src, warnings


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
        else table.group_by("firm_id", "period").agg(pl.col(*sums).sum())
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
