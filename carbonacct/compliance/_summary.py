"""The regulator's view: one row per firm ranked by severity, counts by group, product shares,
and the exceptions to follow up."""

from __future__ import annotations

from datetime import date

import polars as pl

from carbonacct import vocabulary
from carbonacct.compliance._derived import num
from carbonacct.compliance._places import with_places
from carbonacct.compliance._quality import firm_quality

#: Worst first (the one list, in the vocabulary). A firm's status is the worst of its rows in
#: its report year.
STATUSES = tuple(vocabulary.STATUSES)
SEVERITY = {s: i for i, s in enumerate(STATUSES)}
_FOLLOW_UP = ("breach", "off_track", "invalid_input", "above_path")


def _rank(col: str = "status") -> pl.Expr:
    return pl.col(col).replace_strict(SEVERITY, return_dtype=pl.Int32)


def report_years(actual: pl.DataFrame, year: int | None) -> pl.DataFrame:
    """Each firm's report year: ``year`` if given, else its latest year with data not after
    today. An incomplete year is still reported (its gaps travel with it and the firm is
    listed for follow-up): falling back to an older complete year would hide them."""
    if year is not None:
        return (
            actual.select("firm_id")
            .unique()
            .with_columns(pl.lit(year, pl.Int32).alias("report_year"))
        )
    # a year after the current calendar year is no report year (a stray row: see future_years)
    past = pl.col("year") <= date.today().year
    return actual.group_by("firm_id").agg(
        pl.col("year").filter(past).max().cast(pl.Int32).alias("report_year")
    )


def future_years(actual: pl.DataFrame, year: int | None = None) -> list[str]:
    """A warning per firm with rows for a year after the current calendar year (whether or
    not ``year`` asks for one: a year not yet over has no annual figures)."""
    today = date.today()
    late = (
        actual.filter(pl.col("year") > today.year)
        .group_by("firm_id")
        .agg(pl.col("year").unique().sort())
        .sort("firm_id")
    )
    chosen = (
        "not a report year (the latest year not after today is reported)"
        if year is None
        else f"a year not yet over has no annual figures (the year checked is {year})"
    )
    return [
        f"firm {firm}: rows for {', '.join(map(str, years))}, after today ({today.isoformat()}): "
        f"{chosen}; check the year column"
        for firm, years in late.iter_rows()
    ]


def after_today(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows checked for a year after the current calendar year say so (a stray or mistyped
    year): their status stands, never silently."""
    today = date.today()
    note = pl.format(
        "{} is after today ({}): check the year column", pl.col("check_year"), pl.lit(str(today))
    )
    return rows.with_columns(
        pl.when(pl.col("check_year") > today.year)
        .then(pl.concat_str(pl.col("missing"), note, separator="; ", ignore_nulls=True))
        .otherwise(pl.col("missing"))
        .alias("missing")
    )


def status_rows(
    results: pl.DataFrame, products: pl.DataFrame, refused: pl.DataFrame
) -> pl.DataFrame:
    """Every status a firm got, by year: targets, products, and refused rows."""
    cols = ("firm_id", "check_year", "status", "missing", "gap_rel", "data_complete")
    # no verdict (no figure of the indicator, no base year, CO2 without every factor, a product
    # without a level): it decides the firm's status only when the firm has no verdict at all;
    # its reason travels
    absent = pl.col("status").is_in(["insufficient_data", "no_data", "not_covered"])
    # what a verdict without a reason of its own says: the rule, the figure, the limit
    target = _what("pathway", pl.lit("required"))
    product = _what("product", pl.format("({})", "rule"))
    # among rows without a verdict, a figure the firm gave that could not be checked (no price
    # basis, no base year) decides before an indicator it did not give
    given = pl.col("actual").is_not_null().alias("_given")
    return pl.concat(
        [
            results.select(*cols, absent.alias("_absent"), target.alias("_what"), given),
            products.with_columns(_own_note(absent)).select(
                *cols, absent.alias("_absent"), product.alias("_what"), given
            ),
            refused.select(
                "firm_id",
                pl.col("year").alias("check_year"),
                pl.lit("invalid_input").alias("status"),
                pl.col("invalid").alias("missing"),
                pl.lit(None, dtype=pl.Float64).alias("gap_rel"),
                "data_complete",
                pl.lit(False).alias("_absent"),
                pl.format("{} {}", "metric", "product").alias("_what"),
                pl.lit(True).alias("_given"),
            ),
        ]
    )


def _own_note(absent: pl.Expr) -> pl.Expr:
    """A product verdict decided by its 标杆/基准 level keeps no note as its reason (such as a
    GB standard not yet in force for the year: a rule that did not apply): the comparison
    decides. A refused row, a row without a verdict, and a GB grade-3 excess keep their own."""
    plain = ~absent & (pl.col("status") != "invalid_input") & ~pl.col("exceeds_limit")
    return pl.when(plain).then(None).otherwise(pl.col("missing")).alias("missing")


def _what(rule: str, limit: pl.Expr) -> pl.Expr:
    """``<rule> <metric> <year>: <actual> against <required> <limit>``."""
    return pl.format(
        "{} {} {}: {} against {} {}",
        rule,
        "metric",
        "check_year",
        num(pl.col("actual")),
        num(pl.col("required")),
        limit,
    )


def rule_rows(results: pl.DataFrame, products: pl.DataFrame) -> pl.DataFrame:
    """Target and product rows in one shape, for the exceptions."""
    head = ("firm_id", "name", "province", "sector")
    tail = ("unit", "status", "gap_rel", "missing", "source_ref")  # the source with its grade
    return pl.concat(
        [
            results.select(
                *head,
                pl.col("pathway").alias("rule_id"),
                "metric",
                "product",
                "check_year",
                "actual",
                "required",
                *tail,
            ),
            products.select(
                *head,
                # the limit that decides: the 基准 (its edition), or the GB grade 3 (the standard)
                pl.col("rule").alias("rule_id"),
                "metric",
                "product",
                "check_year",
                "actual",
                "required",
                *tail,
            ),
        ],
        how="vertical_relaxed",
    )


def _worst(rows: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """Each firm's worst row in its report year (refused rows without a year count too)."""
    at_year = rows.join(years, on="firm_id").filter(
        (pl.col("check_year") == pl.col("report_year")) | pl.col("check_year").is_null()
    )
    return (
        at_year.with_columns(_rank().alias("_s"))
        # ties broken by the rows' own text: the same rows give the same reason on every run
        .sort(
            "_absent",
            "_s",
            "_given",
            pl.col("gap_rel").fill_null(0.0),
            "_what",
            "missing",
            descending=[False, False, True, True, False, False],
            nulls_last=True,
            maintain_order=True,
        )
        .group_by("firm_id", maintain_order=True)
        .agg(
            pl.col("status").first(),
            # the deciding row's own reason (or what it compared), never another rule's gap
            pl.coalesce(pl.col("missing").first(), pl.col("_what").first()).alias("reason"),
            (pl.col("status") == "breach").sum().alias("breaches"),
            _known_complete().alias("data_complete"),
            # the rules without a verdict and why: what to follow up, in a fixed order
            pl.col("missing")
            .filter(pl.col("status") == "insufficient_data")
            .drop_nulls()
            .unique()
            .sort()
            .alias("_open"),
        )
    )


def _late(firms: pl.DataFrame, year: int | None) -> pl.DataFrame:
    """A firm whose latest year is before the batch's latest report year is still reported at
    its own latest year, but flagged: ``data_complete`` false and a ``_late`` note naming the
    years it has no data for (``year`` given: every firm is checked at it, nothing is late)."""
    top = None if year is not None else firms["report_year"].max()
    if not isinstance(top, int):
        return firms.with_columns(pl.lit(None, pl.String).alias("_late"))
    latest = top
    gap = pl.int_ranges(pl.col("report_year") + 1, latest + 1).cast(pl.List(pl.String))
    late = pl.col("report_year") < latest
    note = pl.format(
        "no data for {} (others in the batch report {})", gap.list.join(", "), pl.lit(latest)
    )
    return firms.with_columns(
        pl.when(late).then(note).alias("_late"),
        pl.when(late).then(False).otherwise(pl.col("data_complete")).alias("data_complete"),
    )


def _once(notes: pl.Series) -> str | None:
    """The follow-up notes joined, each said once: a note repeated, or contained in a longer
    one (a target's "<metric> <year>: <its product row's note>"), is dropped."""
    kept: list[str] = []
    texts = [t for t in notes.to_list() if t]
    for text in texts:
        inside = any(text != other and text in other for other in texts)
        if not inside and text not in kept:
            kept.append(text)
    return "; ".join(kept) or None


def _known_complete() -> pl.Expr:
    """False if any row says so, True only if every row with a figure says so, else null (not
    given: actuals without quality columns are not made complete; a row without a figure, such
    as an indicator the firm did not report, carries no quality of its own)."""
    dc = pl.col("data_complete")
    given = dc.filter(~pl.col("_absent"))
    return (
        pl.when(dc.eq(False).any())
        .then(False)
        .when(given.is_not_null().all() & (given.len() > 0))
        .then(True)
    )


def _firm_status() -> tuple[pl.Expr, pl.Expr]:
    """A firm's status and reason when none of its rows decides it."""
    unknown, has_status = pl.col("_unknown").is_not_null(), pl.col("status").is_not_null()
    no_data, uncovered = pl.col("_data").is_null(), pl.col("_cov").is_null()
    status = (
        pl.when(unknown)
        .then(pl.lit("invalid_input"))
        .when(has_status)
        .then(pl.col("status"))
        .when(no_data)
        .then(pl.lit("no_data"))
        .when(uncovered)
        .then(pl.lit("not_covered"))
        .otherwise(pl.lit("insufficient_data"))
    )
    reason = (
        pl.when(unknown)
        .then(pl.col("_unknown"))
        .when(has_status)
        .then(pl.col("reason"))
        .when(no_data)
        .then(pl.lit("no actual values for this firm"))
        .when(uncovered)
        .then(
            pl.format(
                "no shipped target or level covers its sector ({}) or products in {}",
                pl.col("sector").fill_null("none"),
                pl.col("report_year"),
            )
        )
        .otherwise(pl.format("no target to check in {}", pl.col("report_year")))
    )
    return status, reason


def per_firm(
    firms: pl.DataFrame,
    rows: pl.DataFrame,
    actual: pl.DataFrame,
    covered: pl.DataFrame,
    year: int | None,
) -> pl.DataFrame:
    """One row per input firm (and per firm of the actuals missing from the firms table)."""
    years = report_years(actual, year)
    worst = _worst(rows, years)
    quality = firm_quality(actual, years)
    unknown = (
        actual.select("firm_id")
        .unique()
        .join(firms, on="firm_id", how="anti")
        .with_columns(
            pl.lit("not in the firms table: add it with its sector and province").alias("_unknown")
        )
    )
    has_data = actual.select("firm_id").unique().with_columns(pl.lit(True).alias("_data"))
    out = (
        pl.concat([firms, unknown.select("firm_id")], how="diagonal_relaxed")
        .join(years, on="firm_id", how="left")
        .join(worst, on="firm_id", how="left")
        .join(quality, on="firm_id", how="left")
        .join(unknown, on="firm_id", how="left")
        .join(has_data, on="firm_id", how="left")
        .join(covered.with_columns(pl.lit(True).alias("_cov")), on="firm_id", how="left")
    )
    status, reason = _firm_status()
    return (
        out.with_columns(status.alias("status"), reason.alias("reason"))
        .with_columns(
            pl.col("breaches").fill_null(0),
            pl.when(pl.col("_data").is_null())
            .then(False)
            .otherwise(pl.col("data_complete"))
            .alias("data_complete"),
            _rank().alias("severity"),
        )
        .sort(
            "severity",
            pl.col("energy_tce").fill_null(0.0),
            "firm_id",
            descending=[False, True, False],
        )
        .pipe(_late, year)
        .with_columns(
            pl.concat_list(pl.col("_late"), pl.col("follow_up"), pl.col("_open").fill_null([]))
            .list.drop_nulls()
            .map_elements(_once, return_dtype=pl.String)
            .alias("follow_up")
        )
        .pipe(with_places)
        .join(_province_names(), on="province", how="left")
        .join(history(rows, year), on="firm_id", how="left")
        .select(*FIRM_COLUMNS)
    )


#: The per-firm table of the summary, in order.
FIRM_COLUMNS = (
    "firm_id",
    "name",
    "province",
    "province_name",
    "province_source",
    "city",
    "city_code",
    "city_source",
    "sector",
    "sector_name",
    "report_year",
    "status",
    "reason",
    "breaches",
    "data_complete",
    "rows_rejected",
    "rows_co2_missing",
    "follow_up",
    "energy_tce",
    "history",
)


def history(rows: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """Each firm's statuses across years: its worst status per checked year, oldest first
    (``2021 on_track; 2022 on_track; 2023 breach``). A year after today is no year of the
    history (no annual figures can exist for it: it is a stray row, warned by firm and year,
    its result rows noted "after today"), unless it is the ``year`` asked for."""
    kept = pl.col("check_year") <= date.today().year
    if year is not None:
        kept = kept | (pl.col("check_year") == year)
    yearly = (
        rows.filter(pl.col("check_year").is_not_null() & kept)
        .with_columns(_rank().alias("_s"))
        .sort("_absent", "_s")
        .group_by("firm_id", "check_year", maintain_order=True)
        .agg(pl.col("status").first())
        .sort("firm_id", "check_year")
    )
    return yearly.group_by("firm_id", maintain_order=True).agg(
        pl.format("{} {}", pl.col("check_year"), pl.col("status")).str.join("; ").alias("history")
    )


def _province_names() -> pl.DataFrame:
    from carbonacct.vocabulary import regions

    return regions().select(
        pl.col("code").alias("province"), pl.col("name_zh").alias("province_name")
    )


def counts(firm_table: pl.DataFrame) -> pl.DataFrame:
    """Firms per status by sector, province and city (named, or by the division code of the
    credit code), with the energy share of firms in breach."""
    groups = ["sector", "sector_name", "province", "province_name", "city", "city_code"]
    c = firm_table.group_by(*groups, "status").agg(pl.len().alias("firms"))
    wide = c.pivot(on="status", index=groups, values="firms").fill_null(0)
    for s in STATUSES:
        if s not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.UInt32).alias(s))
    energy = firm_table.group_by(groups).agg(
        # no firm with an energy figure (actuals give intensities): unknown, never 0.0 tce
        pl.when(pl.col("energy_tce").is_not_null().any())
        .then(pl.col("energy_tce").sum())
        .alias("energy_tce"),
        pl.col("energy_tce").filter(pl.col("status") == "breach").sum().alias("_breach"),
        (~pl.col("data_complete")).sum().alias("firms_data_incomplete"),
    )
    return (
        wide.select(*groups, *STATUSES)
        .with_columns(pl.sum_horizontal(*STATUSES).alias("firms"))
        .join(energy, on=groups, how="left", nulls_equal=True)
        .with_columns(
            pl.when(pl.col("energy_tce") > 0)
            .then(pl.col("_breach") / pl.col("energy_tce"))
            .alias("energy_share_breach")
        )
        .drop("_breach")
        .sort(groups, nulls_last=True)
    )


def exceptions(rows: pl.DataFrame, firm_table: pl.DataFrame) -> pl.DataFrame:
    """Rows to follow up in each firm's report year: binding breaches first, then by the
    firm's energy weight, then by the relative gap."""
    years = firm_table.select("firm_id", "report_year", "energy_tce")
    return (
        rows.join(years, on="firm_id")
        .filter(
            (pl.col("check_year") == pl.col("report_year")) & pl.col("status").is_in(_FOLLOW_UP)
        )
        .with_columns(_rank().alias("_s"))
        .sort(
            "_s",
            pl.col("energy_tce").fill_null(0.0),
            pl.col("gap_rel").fill_null(0.0),
            descending=[False, True, True],
        )
        .drop("_s", "report_year")
    )


def product_shares(products: pl.DataFrame, firm_table: pl.DataFrame) -> pl.DataFrame:
    """Per product and sector: output share at 标杆 and above 基准, against the target share."""
    from carbonacct.benchmarks import share_targets
    from carbonacct.pathways import sector_prefixes

    rows = products.join(firm_table.select("firm_id", "report_year"), on="firm_id").filter(
        (pl.col("check_year") == pl.col("report_year")) & pl.col("level").is_not_null()
    )
    if rows.height == 0:
        return pl.DataFrame()
    shares = share_targets()
    targets = (
        shares.with_columns(
            pl.Series("prefix", [sector_prefixes(s) for s in shares["sectors"].to_list()])
        )
        .explode("prefix")
        .unique("prefix", keep="first")
    )
    weight = pl.col("output")
    with_output = pl.col("output").is_not_null()
    summary = (
        rows.group_by("product", "sector")
        .agg(
            pl.len().alias("firms"),
            (~with_output).sum().alias("firms_without_output"),
            pl.when(with_output.any()).then(weight.sum()).alias("output"),
            (weight * (pl.col("level") == "benchmark")).sum().alias("_at"),
            (weight * (pl.col("level") == "below_baseline")).sum().alias("_below"),
            (pl.col("level") == "benchmark").sum().alias("firms_at_benchmark"),
            (pl.col("level") == "below_baseline").sum().alias("firms_below_baseline"),
        )
        .with_columns(
            pl.when(pl.col("output") > 0)
            .then(pl.col("_at") / pl.col("output"))
            .alias("share_at_benchmark"),
            pl.when(pl.col("output") > 0)
            .then(pl.col("_below") / pl.col("output"))
            .alias("share_below_baseline"),
        )
        .drop("_at", "_below")
    )
    matched = (
        summary.select("product", "sector")
        .join(
            targets.select(
                "prefix",
                pl.col("share_at_benchmark").alias("target_share"),
                pl.col("deadline").alias("target_deadline"),
                pl.col("source").alias("target_source"),
            ),
            how="cross",
        )
        .filter(pl.col("sector").fill_null("").str.starts_with(pl.col("prefix")))
        .sort("prefix", descending=True)
        .unique(["product", "sector"], keep="first")
        .drop("prefix")
    )
    return (
        summary.join(matched, on=["product", "sector"], how="left", nulls_equal=True)
        .with_columns(
            # no output, no share: never "meets" by default
            (pl.col("share_at_benchmark") >= pl.col("target_share")).alias("meets_target"),
            pl.lit("output used as the capacity proxy").alias("basis"),
        )
        .sort("product", "sector")
    )


#: Statuses that rest on missing or refused data: the firm is followed up whatever its quality
#: columns say.
_DATA_STATUSES = ("invalid_input", "insufficient_data", "no_data")
#: The follow-up list's columns, in order.
FOLLOW_UP_COLUMNS = (
    "firm_id",
    "name",
    "report_year",
    "status",
    "follow_up",
    "data_complete",
    "rows_rejected",
    "rows_co2_missing",
)


def data_incomplete(firm_table: pl.DataFrame) -> pl.Expr:
    """True where a firm's report year has incomplete data: ``data_complete`` false, rows
    rejected, or rows without a CO2 factor (not given: not flagged)."""
    f = firm_table
    flags = [pl.col(c).fill_null(0) > 0 for c in ("rows_rejected", "rows_co2_missing") if c in f]
    if "data_complete" in f.columns:
        flags.append(pl.col("data_complete").not_().fill_null(False))
    return pl.any_horizontal(flags) if flags else pl.lit(False)


def follow_up(firm_table: pl.DataFrame) -> pl.DataFrame:
    """The firms to follow up for their data, in the firm table's order (worst first): a
    status that rests on refused or missing data (invalid_input, insufficient_data, no_data),
    or a report year whose data are incomplete (:func:`data_incomplete`). A firm whose
    quality is not given (``data_complete`` null) is not listed for that alone."""
    f = firm_table
    flagged = pl.col("status").is_in(_DATA_STATUSES) | data_incomplete(f)
    listed = f.filter(flagged)
    if "follow_up" in listed.columns and "reason" in listed.columns:
        # why the firm is listed (which year, what is missing); a status that is itself the
        # data problem (a refused row, no data) says it in its reason when nothing else does
        why = pl.col("follow_up")
        own = pl.col("status").is_in(_DATA_STATUSES)
        listed = listed.with_columns(
            pl.when(why.is_null() & own).then(pl.col("reason")).otherwise(why).alias("follow_up")
        )
    return listed.select(c for c in FOLLOW_UP_COLUMNS if c in listed)
