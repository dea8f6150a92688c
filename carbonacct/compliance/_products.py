"""Products against the 标杆/基准 levels and the GB energy-consumption quota grades.

A product figure is compared only with levels of the same indicator (metric): a
comprehensive-energy figure [kgce/t] is never turned into AC power [kWh/t] for the
aluminium level, nor energy per tonne of crude into energy per t·能量因数.

Binding outcomes (``breach``): above the 基准 after its deadline, or above the GB
quota grade 3 (the 限定值, ``exceeds_limit`` with the standard cited). Limits are
compared by the full value (GB/T 8170-2008, 4.3.1) after removing float noise
beyond 10 significant digits, so a refinery exactly at 8.5 is on the 基准.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from carbonacct.benchmarks import benchmark_levels, classify_grade, classify_levels, quota_grades
from carbonacct.compliance._derived import UPPER_BOUND, num

PRODUCT_METRICS = (
    "product_energy_intensity",
    "product_electricity_intensity",
    "product_coal_intensity",
    "product_comprehensive_ac_power_intensity",
    "product_process_energy_intensity",
    "refining_energy_factor_intensity",
)
#: Significant digits kept before comparing with a published limit (float noise removed).
SIGNIFICANT_DIGITS = 10

PRODUCT_SCHEMA: dict[str, Any] = {
    "firm_id": pl.String,
    "name": pl.String,
    "province": pl.String,
    "sector": pl.String,
    "product": pl.String,
    "metric": pl.String,
    "check_year": pl.Int32,
    "actual": pl.Float64,
    "unit": pl.String,
    "output": pl.Float64,
    "basis": pl.String,
    "benchmark": pl.Float64,
    "baseline": pl.Float64,
    "level": pl.String,
    "gb_grade": pl.Int32,
    "grade3": pl.Float64,
    "exceeds_limit": pl.Boolean,
    "standard": pl.String,
    "deadline": pl.Date,
    "required": pl.Float64,
    "rule": pl.String,
    "status": pl.String,
    "gap_rel": pl.Float64,
    "edition": pl.String,
    "data_complete": pl.Boolean,
    "source_ref": pl.String,
    "missing": pl.String,
}


def negative_levels() -> pl.DataFrame:
    """(metric, product) whose published grades are negative: a negative figure is valid there."""
    g = quota_grades()
    return g.filter(pl.col("grade1") < 0).select("metric", "product").unique()


def _references() -> pl.DataFrame:
    """Levels and grades per (product, metric), each in its own unit."""
    levels = benchmark_levels().select(
        "product",
        "metric",
        pl.col("unit").alias("level_unit"),
        "benchmark",
        "baseline",
        "deadline",
        "edition",
        pl.format("{} ({}), {}", pl.col("document"), pl.col("source"), pl.col("grade")).alias(
            "level_ref"
        ),
    )
    grades = quota_grades().select(
        "product",
        "metric",
        pl.col("unit").alias("grade_unit"),
        "grade1",
        "grade2",
        "grade3",
        "standard",
        pl.col("table").alias("grade_table"),
        pl.format("{} {}, {}", pl.col("standard"), pl.col("table"), pl.col("grade")).alias(
            "grade_ref"
        ),
    )
    return levels.join(grades, on=["product", "metric"], how="full", coalesce=True)


def _unit_factor(refs: pl.DataFrame, actual: pl.DataFrame) -> pl.DataFrame:
    """Per (metric, product, unit): factor from the row's unit (its metric's, or a count unit of
    its own such as kgce/重量箱) to the reference unit, or why not."""
    from carbonacct.errors import CarbonacctError
    from carbonacct.units import conversion_factor

    rows = []
    keys = ["metric", "product", "unit"]
    wanted = actual.select(keys).unique().join(refs, on=["metric", "product"])
    for r in wanted.iter_rows(named=True):
        ref_unit = r["level_unit"] or r["grade_unit"]
        factor, why = None, None
        try:
            factor = conversion_factor(r["unit"], ref_unit)
        except CarbonacctError as exc:
            why = (
                f"the level of {r['product']} is in {ref_unit}; {r['unit']} does not "
                f"convert to it ({exc}): give the figure in {ref_unit}"
            )
        rows.append(
            {
                "metric": r["metric"],
                "product": r["product"],
                "unit": r["unit"],
                "_f": factor,
                "_u": ref_unit,
                "_why": why,
            }
        )
    schema = {
        "metric": pl.String,
        "product": pl.String,
        "unit": pl.String,
        "_f": pl.Float64,
        "_u": pl.String,
        "_why": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _other_indicator() -> pl.Expr:
    """Why a product figure has no reference: another indicator is published, or none at all."""
    return (
        pl.when(pl.col("_other").is_not_null())
        .then(
            pl.format(
                "{} of {} is not published; the levels of {} are for {}: a figure of one "
                "indicator is never converted into another",
                pl.col("metric"),
                pl.col("product"),
                pl.col("product"),
                pl.col("_other"),
            )
        )
        .otherwise(pl.format("no shipped level or GB grade for product {}", pl.col("product")))
    )


#: How alike a product name must be to a known one to be read as its misspelling (difflib ratio).
TYPO_RATIO = 0.8
UNKNOWN = "is not a product carbonacct knows"


def _unrecognised(names: list[str], refs: pl.DataFrame) -> pl.DataFrame:
    """Product names that are no known product (no level, no GB grade, not in the product
    vocabulary): the closest known one (``_near``), whether the name reads as its misspelling
    (``_typo``), and what the closest is checked against (``_rule``)."""
    import difflib

    from carbonacct.benchmarks import product_aliases

    aliases = product_aliases()
    codes = set(refs["product"].drop_nulls()) | set(aliases.values())
    spellings = {**{c: c for c in codes}, **aliases}
    rows = []
    for name in names:
        if name in spellings:
            continue
        ratio = {k: difflib.SequenceMatcher(None, name, k).ratio() for k in spellings}
        best = max(sorted(ratio), key=ratio.__getitem__)
        near = spellings[best]
        own = refs.filter(pl.col("product") == near)
        rule = sorted(
            {f"{e} 标杆/基准" for e in own["edition"].drop_nulls()}
            | {f"{g} grades" for g in own["standard"].drop_nulls()}
        )
        rows.append(
            {
                "product": name,
                "_near": near,
                "_typo": ratio[best] >= TYPO_RATIO,
                "_rule": "; ".join(rule) or "no shipped level",
            }
        )
    schema = {"product": pl.String, "_near": pl.String, "_typo": pl.Boolean, "_rule": pl.String}
    return pl.DataFrame(rows, schema=schema)


def _unknown_product() -> pl.Expr:
    return pl.format(
        "product '{}' {} (closest: {}): not checked against the {} of {}; give the product's "
        "code (carbonacct benchmarks list)",
        pl.col("product"),
        pl.lit(UNKNOWN),
        pl.col("_near"),
        pl.col("_rule"),
        pl.col("_near"),
    )


def unrecognised_products(products: pl.DataFrame) -> list[str]:
    """A warning per firm and product name that is no known product."""
    rows = products.filter(pl.col("missing").str.contains(UNKNOWN, literal=True))
    rows = rows.group_by("firm_id", "product", maintain_order=True).agg(
        pl.col("metric").unique().sort().str.join(", "), pl.col("missing").first()
    )
    return [
        f"firm {f}: product '{p}' not recognised {why.split(UNKNOWN, 1)[1].strip()} ({m})"
        for f, p, m, why in rows.sort("firm_id", "product").iter_rows()
    ]


def product_results(firms: pl.DataFrame, actual: pl.DataFrame) -> pl.DataFrame:
    """One row per firm, product, metric and year with data."""
    rows = actual.filter(pl.col("metric").is_in(PRODUCT_METRICS) & pl.col("product").is_not_null())
    if rows.height == 0:
        return pl.DataFrame(schema=PRODUCT_SCHEMA)
    refs = _references()
    others = refs.group_by("product").agg(
        pl.col("metric").unique().sort().str.join(", ").alias("_other")
    )
    rows = (
        rows.join(firms, on="firm_id", how="left")
        .join(refs, on=["product", "metric"], how="left")
        .join(_unit_factor(refs, rows), on=["metric", "product", "unit"], how="left")
        .join(others, on="product", how="left")
        .join(_unrecognised(rows["product"].unique().to_list(), refs), on="product", how="left")
        .with_columns((pl.col("value") * pl.col("_f")).alias("_v"))
    )
    return (
        rows.with_columns(
            pl.col("year").alias("check_year"),
            pl.col("_v").alias("actual"),
            pl.col("_u").alias("unit"),
            pl.concat_str("level_ref", "grade_ref", separator="; ", ignore_nulls=True).alias(
                "source_ref"
            ),
            **_verdict(),
        )
        .select(list(PRODUCT_SCHEMA))
        .cast(PRODUCT_SCHEMA)  # type: ignore[arg-type]
        .sort("firm_id", "product", "metric", "check_year")
    )


def _verdict() -> dict[str, pl.Expr]:
    """Level, GB grade, limit, status and reason of a product row.

    A GB quota standard applies from the year it is in force; the reference gives no
    implementation date for the quota standards, so each applies from its publication year
    (the year in its number) and the result says so. Before it, its grades are not applied
    (that standard does not cover the year); while it is, above grade 3 is always
    ``exceeds_limit`` and ``breach``."""
    has_ref = pl.col("_u").is_not_null()
    # a figure the tool derived from tagged readings (not the user's) with no level of its own
    # indicator is noted as not checked; only the user's own figure is refused
    derived = pl.col("source") == "footprint"
    v = pl.col("_v").round_sig_figs(SIGNIFICANT_DIGITS)
    level = classify_levels(v, pl.col("benchmark"), pl.col("baseline"))
    in_force = pl.col("year") >= pl.col("standard").str.extract(r"-(\d{4})$").cast(pl.Int32)
    graded = pl.col("grade3").is_not_null() & in_force.fill_null(False)
    exceeds = graded & (v > pl.col("grade3"))
    early = pl.col("grade3").is_not_null() & ~in_force.fill_null(True)
    past = pl.col("year") >= pl.col("deadline").dt.year()
    # an upper bound (site electricity of a single-product site) above a limit decides nothing
    bound = pl.col("basis").fill_null("").str.contains(UPPER_BOUND, literal=True)
    undecided = bound & (exceeds.fill_null(False) | (level == "below_baseline"))
    refused = (
        pl.col("invalid").is_not_null()
        | pl.col("_why").is_not_null()
        | (~has_ref & pl.col("_other").is_not_null() & ~derived)
        | (pl.col("_typo").fill_null(False) & ~derived)
    )
    no_level = pl.col("baseline").is_null() & pl.col("benchmark").is_null()
    status = (
        pl.when(refused)
        .then(pl.lit("invalid_input"))
        .when(~has_ref | (early & no_level))
        .then(pl.lit("not_covered"))
        .when(pl.col("_v").is_null() | undecided)
        .then(pl.lit("insufficient_data"))
        .when(exceeds | ((level == "below_baseline") & past))
        .then(pl.lit("breach"))
        .when(level == "below_baseline")
        .then(pl.lit("off_track"))
        .otherwise(pl.lit("on_track"))
    )
    # the binding limit that decides: grade 3 where exceeded or where no 基准 is shipped
    by_grade = exceeds | (graded & pl.col("baseline").is_null())
    required = pl.when(by_grade).then("grade3").otherwise("baseline")
    grade_rule = pl.format("{} {} grade 3 (限定值)", pl.col("standard"), pl.col("grade_table"))
    return {
        "level": pl.when(undecided).then(None).otherwise(level),
        "gb_grade": pl.when(undecided | ~graded).then(None).otherwise(classify_grade(v)),
        "exceeds_limit": exceeds.fill_null(False) & ~undecided,
        "status": status,
        "gap_rel": (v - required) / required.abs(),  # at the compared precision
        "required": required,
        "rule": pl.when(by_grade).then(grade_rule).otherwise(pl.col("edition")),
        "missing": _reason(refused, has_ref, derived, undecided, exceeds, early),
    }


def _reason(
    refused: pl.Expr,
    has_ref: pl.Expr,
    derived: pl.Expr,
    undecided: pl.Expr,
    exceeds: pl.Expr,
    early: pl.Expr,
) -> pl.Expr:
    """Why a product row has its status (null for a plain verdict)."""
    not_yet = pl.format(
        "{} is applied from {} (its publication year: the reference gives no implementation "
        "date), so it does not cover {}",
        pl.col("standard"),
        pl.col("standard").str.extract(r"-(\d{4})$"),
        pl.col("year"),
    )
    return (
        pl.when(refused & pl.col("invalid").is_not_null())
        .then(pl.col("invalid"))
        .when(refused & pl.col("_why").is_not_null())
        .then(pl.col("_why"))
        .when(pl.col("_near").is_not_null())
        .then(_unknown_product())
        .when(~has_ref & derived & pl.col("_other").is_not_null())
        .then(pl.format("not checked (derived from the tagged readings): {}", _other_indicator()))
        .when(~has_ref)
        .then(_other_indicator())
        .when(pl.col("_v").is_null())
        .then(pl.col("basis"))
        .when(undecided)
        .then(
            pl.format(
                "{} {} on the whole site's electricity is above the limit, but it is {}: tag "
                "the process (pot-line) electricity with {} (product or 工序 column) to decide",
                num(pl.col("_v")),
                pl.col("_u"),
                pl.lit(UPPER_BOUND),
                pl.col("product"),
            )
        )
        .when(exceeds)
        .then(
            pl.format(
                "above the GB quota limit (grade 3) of {} {}: {} > {}",
                pl.col("standard"),
                pl.col("grade_table"),
                num(pl.col("_v")),
                num(pl.col("grade3")),
            )
        )
        .when(early & pl.col("baseline").is_null() & pl.col("benchmark").is_null())
        .then(pl.format("{}; no 标杆/基准 level of {} is shipped", not_yet, pl.col("product")))
        .when(early)
        .then(not_yet)
    )
