"""Rounding of reported figures and the aggregate tables: by source, by process, totals.

Full-precision figures come from the unrounded lines. Reported figures
follow the method's rounding profile: parameters rounded to their printed
decimals before the method computes the line, each line's emission rounded
(half-up) to the profile's decimals, then summed; totals and intensity come
from the rounded lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from carbonacct.sectors._protocol import PARAMETERS, RecordMethod
from carbonacct.sectors._sets import DefaultSet, RoundingProfile, fold

__all__ = [
    "half_up",
    "months_covered",
    "months_without_product",
    "period_tables",
    "product_amounts",
    "rounded_inputs",
]

#: Auxiliary amounts reported beside the totals (category → column).
AUXILIARY = {
    "electricity": "electricity_in_MWh",
    "electricity_export": "electricity_out_MWh",
    "heat": "heat_in_GJ",
    "heat_export": "heat_out_GJ",
    "electrolysis_ac": "electrolysis_ac_MWh",
}


def half_up(value: float | None, decimals: int) -> float | None:
    """``value`` rounded half away from zero, as Chinese reporting rounds.

    Examples
    --------
    >>> half_up(2.675, 2), half_up(-4070.005, 2), half_up(0.125, 2)
    (2.68, -4070.01, 0.13)
    """
    if value is None:
        return None
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP))


def _rounded(col: str, decimals: int) -> pl.Expr:
    return pl.col(col).map_elements(lambda v: half_up(v, decimals), return_dtype=pl.Float64)


def rounded_inputs(lines: pl.DataFrame, profile: RoundingProfile) -> pl.DataFrame:
    """The lines with each parameter rounded as the profile prints it, per category."""
    exprs = []
    for parameter in (p for p in PARAMETERS if p in lines.columns):
        expr = pl.col(parameter)
        for category in lines["category"].unique().to_list():
            dec = profile.decimals(category, parameter)
            if dec is not None:
                expr = (
                    pl.when(pl.col("category") == category)
                    .then(_rounded(parameter, dec))
                    .otherwise(expr)
                )
        exprs.append(expr.alias(parameter))
    return lines.with_columns(exprs)


def product_amounts(
    lines: pl.DataFrame, method: RecordMethod, defaults: DefaultSet | None
) -> pl.DataFrame:
    """Per (firm, month): ``product_t``, the intensity denominator.

    The method's product (``crude_steel``: 粗钢, by name or through the default set) as a
    product-output line; else as a carbon product (crude steel deducted as carbon leaving is
    also the output); else every product-output line of the month.
    """
    names = {fold(method.product)} if method.product else set()

    def is_product(name: str) -> bool:
        key = defaults.material_key(name) if defaults is not None else None
        return fold(name) in names or (key is not None and key == method.product)

    mats = lines["material"].unique().to_list()
    flags = {m: is_product(m) for m in mats}
    lines = lines.with_columns(
        pl.col("material").replace_strict(flags, return_dtype=pl.Boolean).alias("_is_product")
    )
    keys = ["firm_id", "month"]

    def amount(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by(keys).agg(pl.col("quantity").sum().alias(name))

    output = lines.filter(pl.col("category") == "product_output")
    named = output.filter(pl.col("_is_product"))
    carbon = lines.filter(
        ((pl.col("category") == "carbon_product") & pl.col("_is_product"))
        # a product counted as its own category (cement: clinker)
        | (pl.col("category") == (method.product or ""))
    )
    # per firm and month: the product's output line, else the product leaving as a carbon
    # product, else the output lines of whatever name
    periods = lines.select(keys).unique()
    for frame, name in ((named, "_a"), (output, "_b"), (carbon, "_c")):
        periods = periods.join(amount(frame, name), on=keys, how="left", nulls_equal=True)
    return periods.select(*keys, pl.coalesce("_a", "_c", "_b").alias("product_t")).filter(
        pl.col("product_t").is_not_null()
    )


def months_without_product(
    lines: pl.DataFrame, products: pl.DataFrame
) -> dict[tuple[str | None, str], list[str]]:
    """Per (firm, year): its months with lines but no product output, sorted.

    A year with such a month has no intensity: its emissions would be divided by
    the output of fewer months.
    """
    keys = ["firm_id", "month"]
    gap = (
        lines.select(keys)
        .unique()
        .filter(pl.col("month").str.len_chars() > 4)
        .join(products.select(keys), on=keys, how="anti", nulls_equal=True)
        .sort(keys, nulls_last=True)
    )
    out: dict[tuple[str | None, str], list[str]] = {}
    for firm, month in gap.iter_rows():
        out.setdefault((firm, month[:4]), []).append(month)
    return out


def months_covered(lines: pl.DataFrame) -> dict[tuple[str | None, str], list[str]]:
    """Per (firm, year): the months of its monthly lines, sorted (empty: an annual record)."""
    out: dict[tuple[str | None, str], list[str]] = {}
    frame = lines.select("firm_id", "month").unique().sort("firm_id", "month", nulls_last=True)
    for firm, month in frame.iter_rows():
        months = out.setdefault((firm, month[:4]), [])
        if len(month) > 4:
            months.append(month)
    return out


def _with_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Month rows (``period`` = ``YYYY-MM``) plus year rows (``YYYY``) summed from the months
    and any annual rows of the record."""
    keys = [c for c in frame.columns if c != "month" and frame[c].dtype == pl.String]
    values = [c for c in frame.columns if c not in keys and c != "month"]
    monthly = frame.filter(pl.col("month").str.len_chars() > 4).rename({"month": "period"})
    yearly = (
        frame.with_columns(pl.col("month").str.slice(0, 4).alias("period"))
        .group_by(*keys, "period", maintain_order=True)
        .agg(pl.col(v).sum() for v in values)
    )
    order = [*keys, "period", *values]
    return pl.concat([monthly.select(order), yearly.select(order)])


def period_tables(
    lines: pl.DataFrame, method: RecordMethod, products: pl.DataFrame, decimals: int
) -> dict[str, pl.DataFrame]:
    """``by_source``, ``by_process`` and ``totals`` per month and per year.

    Reported sums of lines rounded to ``decimals`` are rounded again to them, so that no
    binary noise (325.95000000000005) is reported; ``decimals`` < 0: full precision.
    """
    emitting = lines.filter(pl.col("source").is_not_null())
    reported = pl.col("co2_reported_t").sum()
    sums = [pl.col("co2_t").sum(), reported.round(decimals) if decimals >= 0 else reported]
    by_process = _with_year(emitting.group_by("firm_id", "month", "process", "source").agg(*sums))
    by_source = _with_year(emitting.group_by("firm_id", "month", "source").agg(*sums))
    aux = (
        _with_year(
            lines.filter(pl.col("category").is_in(list(AUXILIARY)))
            .with_columns(pl.col("category").replace_strict(AUXILIARY).alias("_col"))
            .pivot("_col", index=["firm_id", "month"], values="quantity", aggregate_function="sum")
        )
        if lines["category"].is_in(list(AUXILIARY)).any()
        else None
    )
    prod = _with_year(products)
    gaps = months_without_product(lines, products)
    covered = months_covered(lines)
    rows = []
    periods = (
        _with_year(lines.select("firm_id", "month", pl.lit(0).alias("_n")))
        .select("firm_id", "period")
        .unique(maintain_order=True)
        .sort("firm_id", "period", nulls_last=True)
    )
    for firm, period in periods.iter_rows():
        part = by_source.filter((pl.col("firm_id").eq_missing(firm)) & (pl.col("period") == period))
        p = prod.filter(pl.col("firm_id").eq_missing(firm) & (pl.col("period") == period))
        product = float(p["product_t"].sum()) if p.height else None
        for figure, col in (("reported", "co2_reported_t"), ("full_precision", "co2_t")):
            totals = method.totals(dict(zip(part["source"], part[col], strict=True)))
            if figure == "reported" and decimals >= 0:
                totals = {k: round(v, decimals) for k, v in totals.items()}
            totals = {k: v + 0.0 for k, v in totals.items()}  # no −0.0 where nothing is deducted
            # A method whose total is CO2e (aluminium: PFC) gives it as co2e_t; a year
            # missing a month's output has no like-for-like ratio.
            total = totals["co2e_t"] if "co2e_t" in totals else totals["co2_t"]
            intensity = total / product if product and (firm, period) not in gaps else None
            rows.append(
                {
                    "firm_id": firm,
                    "period": period,
                    "figure": figure,
                    **totals,
                    "product_t": product,
                    "months": 1 if len(period) > 4 else (len(covered[(firm, period)]) or 12),
                    ("intensity_tco2e_per_t" if "co2e_t" in totals else "intensity_tco2_per_t"): (
                        half_up(intensity, 4)
                        if intensity is not None and figure == "reported"
                        else intensity
                    ),
                }
            )
    totals_frame = pl.DataFrame(rows).with_columns(pl.col("firm_id").cast(pl.String))
    if aux is not None:
        totals_frame = totals_frame.join(
            aux, on=["firm_id", "period"], how="left", nulls_equal=True
        )
    return {
        "totals": totals_frame,
        "by_source": by_source.sort("firm_id", "period", "source"),
        "by_process": by_process.sort("firm_id", "period", "process", "source"),
    }
