"""The quality notices of a sector run: what the figures rest on that a reader must be told.

A month without product output, a default used where the record measures the
parameter elsewhere, an amount far off the material's other months, a year of
fewer than 12 months: each is named (material, month, process), never silent.
"""

from __future__ import annotations

import polars as pl

from carbonacct.sectors._tables import months_covered, months_without_product

__all__ = ["notices"]


def notices(lines: pl.DataFrame, products: pl.DataFrame, parameters: pl.DataFrame) -> list[str]:
    """Every notice of a run, in the order a reader checks them."""
    return [
        *_product_warnings(lines, products),
        *_fallback_warnings(parameters),
        *_magnitude_warnings(lines),
        *_partial_years(lines),
    ]


def _product_warnings(lines: pl.DataFrame, products: pl.DataFrame) -> list[str]:
    """A month without product output is a missing parameter of the intensity, named."""
    out = []
    for (firm, year), months in months_without_product(lines, products).items():
        who = f"firm {firm}: " if firm is not None else ""
        out.append(
            f"{who}missing product output (the intensity denominator) in {', '.join(months)}: "
            f"no intensity for {'that month' if len(months) == 1 else 'those months'} nor for "
            f"the year {year} (its emissions would be divided by the output of fewer months); "
            "add the product's output (产量) for each month"
        )
    return out


def _fallback_warnings(parameters: pl.DataFrame) -> list[str]:
    """A default used where the record gives that parameter of that material elsewhere (another
    month or process): named, since a measured value may be missing rather than not measured."""
    keys = ["firm_id", "material", "category", "parameter"]
    own = parameters.filter(pl.col("status").is_in(["measured", "calculated", "record"]))
    fallback = parameters.filter(pl.col("status") == "default").join(
        own.select(keys).unique(), on=keys, how="semi", nulls_equal=True
    )
    out = []
    for (firm, material, _, parameter), part in fallback.group_by(keys, maintain_order=True):
        where = ", ".join(
            f"{m}" + (f" ({p})" if p else "")
            for m, p in part.select("month", "process").sort("month", "process").iter_rows()
        )
        who = f"firm {firm}: " if firm is not None else ""
        out.append(
            f"{who}{material}: the default {parameter} is used in {where}, while the record "
            f"gives its own {parameter} for {material} elsewhere; give the measured value "
            "for each month and process, or confirm the default"
        )
    return out


def _partial_years(lines: pl.DataFrame) -> list[str]:
    """A year row summed from fewer than 12 months says which months it holds."""
    out = []
    for (firm, year), months in months_covered(lines).items():
        if 0 < len(months) < 12:
            who = f"firm {firm}: " if firm is not None else ""
            out.append(
                f"{who}{year} covers {len(months)} of 12 months ({', '.join(months)}): its year "
                "row sums those months only (column months)"
            )
    return out


#: A month's amount this many times the median of the material's other months is named.
_OUTLIER = 100


def _magnitude_warnings(lines: pl.DataFrame) -> list[str]:
    """A month's amount of a material over 100× the median of its other months (a unit slip,
    41 250 500 t of coke for 41 250.5) is named: the figure is kept, never silently."""
    keys = ["firm_id", "material", "category", "unit"]
    monthly = lines.group_by(*keys, "month").agg(pl.col("quantity").sum()).sort("month")
    out = []
    for (firm, material, _, unit), part in monthly.group_by(keys, maintain_order=True):
        months, amounts = part["month"].to_list(), part["quantity"].to_list()
        for i, (month, amount) in enumerate(zip(months, amounts, strict=True)):
            others = pl.Series([a for j, a in enumerate(amounts) if j != i], dtype=pl.Float64)
            median = others.median() if len(others) else None
            if isinstance(median, float) and median > 0 and amount > _OUTLIER * median:
                who = f"firm {firm}: " if firm is not None else ""
                out.append(
                    f"{who}{material} in {month}: {amount:,.10g} {unit} is {amount / median:.0f}× the "
                    f"median of its other months ({median:,.10g} {unit}); check the amount and its unit"
                )
    return out
