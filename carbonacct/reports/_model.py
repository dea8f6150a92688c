"""What a report shows, built once from results: no data file is read again.

:class:`ReportData` holds the firm's footprint by month and carrier, its
figures by year with the change on the year before, the check and the
green-factory score, and a footnote per figure naming the grade, document and
clause of the factors behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from carbonacct.errors import InputError

__all__ = [
    "HEADLINE",
    "ReportData",
    "build_report_data",
    "change_on_year",
    "footnotes",
    "target_of",
]

#: The figures of the report's headline, per year.
HEADLINE = (
    "energy_tce",
    "co2_t",
    "value_added_cny10k",
    "energy_intensity_tce_per_cny10k",
    "co2_intensity_t_per_cny10k",
)
#: Factors behind the energy figures; every other factor is behind the CO2 figures.
_ENERGY_FACTORS = ("tce_coefficient", "ncv")


@dataclass
class ReportData:
    """One firm's report: every figure the page shows, and where each comes from."""

    firm_id: str
    name: str | None
    lang: str
    monthly: pl.DataFrame
    years: pl.DataFrame
    notes: dict[str, str]
    footprint: Any
    check: Any = None
    green: Any = None
    #: energy and CO2 per unit of product by year (from the activity's output), if given
    products: pl.DataFrame | None = None
    html: str = field(default="", repr=False)


def target_of(check: Any, row: dict[str, Any]) -> tuple[float, str]:
    """The relative change and interpolation of the target a result row was checked against,
    from the definitions the check carries (so a pathway file of the user's works too)."""
    t = check.targets.filter(pl.col("target_id") == row["target_id"])
    return float(t["value"][0]), str(t["interpolation"][0])


def change_on_year(frame: pl.DataFrame, columns: tuple[str, ...], key: str) -> pl.DataFrame:
    """``frame`` sorted by ``key`` with ``<column>_change_pct``: the change on the row before [%].

    >>> t = pl.DataFrame({"year": ["2024", "2023"], "energy_tce": [75.0, 100.0]})
    >>> change_on_year(t, ("energy_tce",), "year")["energy_tce_change_pct"].to_list()
    [None, -25.0]
    """
    present = [c for c in columns if c in frame.columns]
    return frame.sort(key).with_columns(
        ((pl.col(c) / pl.col(c).shift(1) - 1) * 100).alias(f"{c}_change_pct") for c in present
    )


def footnotes(factors_used: pl.DataFrame, carriers: list[str], lang: str) -> dict[str, str]:
    """Per headline figure, the grades, documents and clauses of the factors behind it."""
    from carbonacct.vocabulary import label

    wanted_carriers = [*carriers, *(["heat"] if "steam" in carriers else [])]  # steam's CO2: heat
    used = factors_used.filter(
        pl.col("carrier").is_in(wanted_carriers) | pl.col("carrier").is_null()
    )
    notes = {}
    for figure, wanted in (("energy_tce", True), ("co2_t", False)):
        rows = used.filter(pl.col("factor").is_in(_ENERGY_FACTORS) == wanted)
        parts = (
            rows.group_by("grade", "document", "clause", maintain_order=True)
            .agg(pl.col("carrier").drop_nulls().unique().sort())
            .iter_rows(named=True)
        )
        notes[figure] = "; ".join(
            f"{p['grade']}: {p['document']}, {p['clause']} ({', '.join(p['carrier'])})"
            for p in parts
        )
    va = label("value_added_note", lang)
    notes["value_added_cny10k"] = va
    for figure in ("energy_intensity_tce_per_cny10k", "co2_intensity_t_per_cny10k"):
        base = notes["energy_tce" if figure.startswith("energy") else "co2_t"]
        notes[figure] = f"{va}; {label('grades_of', lang)}: {base}"
    return notes


def build_report_data(
    firm_id: str,
    monthly: Any,
    *,
    yearly: Any = None,
    check: Any = None,
    green: Any = None,
    lang: str = "en",
    by_year: Any = None,
) -> ReportData:
    """The report of ``firm_id`` from a footprint by month and carrier (and its yearly rollup).

    ``by_year``, the footprint by year and carrier, gives the quality and factors when
    given (it holds readings for a quarter or a year, which ``monthly`` rejects).
    """
    whole = by_year if by_year is not None else monthly
    t = monthly.table.filter(pl.col("firm_id") == firm_id)
    if whole.table.filter(pl.col("firm_id") == firm_id).height == 0:
        raise InputError(
            f"No footprint rows for firm {firm_id!r}: check the firm id against the readings "
            "(--firm).",
            column="firm_id",
            value=firm_id,
        )
    if yearly is None:
        from carbonacct.workflows import rollup

        yearly = rollup(monthly)
    years = yearly.table.filter(pl.col("firm_id") == firm_id)
    years = change_on_year(
        years.select("period", *(c for c in HEADLINE if c in years.columns)), HEADLINE, "period"
    )
    w = whole.table.filter(pl.col("firm_id") == firm_id)
    carriers = w["carrier"].unique().to_list() if "carrier" in w.columns else []
    name = None
    if check is not None:
        named = check.firms.filter(pl.col("firm_id") == firm_id)
        name = named["name"][0] if named.height and "name" in named.columns else None
    per_product = getattr(yearly, "intensities", None)
    if per_product is not None:
        per_product = per_product.filter(pl.col("firm_id") == firm_id).drop("firm_id")
    return ReportData(
        products=per_product,
        firm_id=firm_id,
        name=name,
        lang=lang,
        monthly=t,
        years=years,
        notes=footnotes(whole.factors_used, carriers, lang),
        footprint=whole,
        check=check,
        green=green,
    )
