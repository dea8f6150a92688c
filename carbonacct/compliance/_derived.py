"""Figures the check derives itself from a footprint, and why one is no figure.

A figure the user never wrote (an intensity made from readings) is never refused as an
input cell: where it is zero, negative or rests on an incomplete boundary, its rule gets
``insufficient_data`` with the reason in words (what is missing, how to supply it), and the
firm's other rules stand. Only the user's own cells are refused by file, row and column.

A product boundary (readings tagged with the product) is incomplete for its comprehensive
energy (熟料综合能耗, 高炉工序能耗...) when it holds none of a carrier the site uses untagged:
coal tagged to the kiln with every electricity reading untagged is no clinker energy.
"""

from __future__ import annotations

import polars as pl

#: Relative size below which a carrier's energy counts as absent (float noise of a sum).
_ABSENT = 1e-9

UPPER_BOUND = (
    "an upper bound of the process electricity (site electricity includes auxiliaries: anode "
    "plant, casthouse, offices), so at or below a level it complies for certain; above one it "
    "decides nothing"
)


def carriers(yearly: pl.DataFrame, coefficient: float | None) -> pl.DataFrame:
    """Per firm, year and product tag (null: untagged): electricity [MWh] and the other energy
    (fuels, heat) [tce] = energy − electricity × the footprint's coefficient."""
    elec = pl.col("electricity_in_MWh").fill_null(0.0) if "electricity_in_MWh" in yearly else None
    energy = pl.col("energy_tce").fill_null(0.0)
    other = (
        energy - elec * coefficient
        if elec is not None and coefficient is not None
        else pl.lit(None, dtype=pl.Float64)
    )
    return yearly.group_by("firm_id", "year", "product").agg(
        (elec if elec is not None else pl.lit(0.0)).sum().alias("_elec"),
        other.sum().alias("_other"),
        energy.abs().sum().alias("_scale"),
    )


def num(expr: pl.Expr) -> pl.Expr:
    """A figure for a message: 8 significant digits, no float noise, no trailing ``.0``."""
    return expr.round_sig_figs(8).cast(pl.String).str.replace(r"\.0$", "")


def _present(col: str) -> pl.Expr:
    return pl.col(col).abs() > _ABSENT * pl.max_horizontal(pl.col("_scale"), pl.lit(1.0))


def boundary_gaps(yearly: pl.DataFrame, coefficient: float | None) -> pl.DataFrame:
    """Per firm, year and tagged product: why its comprehensive energy is incomplete
    (``_why_energy``) and why it has no electricity figure (``_why_elec``), else null."""
    per = carriers(yearly, coefficient)
    site = per.filter(pl.col("product").is_null()).select(
        "firm_id",
        "year",
        pl.col("_elec").alias("_site_elec"),
        pl.col("_other").alias("_site_other"),
        pl.col("_scale").alias("_site_scale"),
    )
    own = per.filter(pl.col("product").is_not_null()).join(site, on=["firm_id", "year"], how="left")
    site_elec = pl.col("_site_elec").fill_null(0.0) > _ABSENT * pl.col("_site_scale").fill_null(1)
    site_other = pl.col("_site_other").fill_null(0.0).abs() > _ABSENT * pl.col(
        "_site_scale"
    ).fill_null(1)
    no_elec = ~_present("_elec")
    no_other = pl.col("_other").is_not_null() & ~_present("_other")
    how = (
        "tag those readings with {} (product or 工序 column), or give product_energy_intensity "
        "as actuals"
    )
    energy = (
        pl.when(no_elec & site_elec)
        .then(
            pl.format(
                "no electricity tagged {} in {}, but the site uses {} MWh of electricity tagged "
                "with no product: the comprehensive energy of {} includes the electricity of its "
                "process; " + how,
                "product",
                "year",
                num(pl.col("_site_elec")),
                "product",
                "product",
            )
        )
        .when(no_other & site_other)
        .then(
            pl.format(
                "no fuel tagged {} in {}, but the site burns {} tce of fuel (or heat) tagged "
                "with no product: the comprehensive energy of {} includes the fuel of its "
                "kiln or furnace; " + how,
                "product",
                "year",
                num(pl.col("_site_other")),
                "product",
                "product",
            )
        )
    )
    elec = pl.when(no_elec).then(
        pl.format(
            "no electricity tagged {} in {}: its electricity intensity is the electricity of its "
            "process per tonne; tag the electricity readings of the process with {} (product or "
            "工序 column), or give product_electricity_intensity as actuals",
            "product",
            "year",
            "product",
        )
    )
    return own.select(
        "firm_id", "year", "product", energy.alias("_why_energy"), elec.alias("_why_elec")
    )


def site_figure(numerator: str, label: str, unit: str) -> tuple[pl.Expr, pl.Expr]:
    """A site intensity per value added and, where it is no figure, why (value null)."""
    total = pl.col(numerator)
    gap = pl.col("rows_co2_missing").fill_null(0)
    co2 = numerator.startswith("co2")
    why = (
        pl.when((total <= 0) & (gap > 0) & pl.lit(co2))
        .then(
            pl.format(
                "CO2 incomplete: {} row(s) without a CO2 factor, so the site CO2 total ({} t) is "
                "no figure; give a CO2 factor for those carriers (fuel parameters or a factor set)",
                gap,
                num(total),
            )
        )
        .when(total <= 0)
        .then(
            pl.format(
                "the site {} is {} {} (not positive: energy or heat delivered out exceeds what "
                "was counted), so no intensity is derived; check the readings' direction "
                "(流向) and factors",
                pl.lit(label),
                num(total),
                pl.lit(unit),
            )
        )
    )
    value = pl.when(why.is_null()).then(total / pl.col("value_added_cny10k"))
    return value, why


def not_positive(metric: pl.Expr, value: pl.Expr) -> pl.Expr:
    """Why a derived figure that is zero, negative or not finite is no figure."""
    return pl.format(
        "the {} derived from the readings is {} (not a positive finite figure), so it is not "
        "checked: check that the readings serving it are tagged and have their factors",
        metric,
        num(value),
    )
