"""Compliance checks against carbon-peak pathways and benchmark levels, for one firm or ten thousand.

:func:`check` takes a firms table (sector, province) and each firm's actual
values, from a footprint (with activity) or given directly, and answers per
firm, target and year: the actual value, the value the pathway requires, the
status, the gap, and the rule and source that decided it. Products are placed
against the 标杆/基准 levels and the GB quota grades. A regulator's summary by
sector and province and an exceptions list come with it.

Statuses: ``on_track``; ``off_track`` (above the required value before the
target year); ``breach`` (above it in or after the target year, or below the
baseline past its deadline); ``insufficient_data`` (base-year or current data
missing). A firm is never ``on_track`` by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._accounting import footprint as run_footprint
from carbonacct._sides import read_firms as _read_firms
from carbonacct.benchmarks import (
    benchmark_levels,
    classify_grade,
    classify_levels,
    quota_grades,
    share_targets,
)
from carbonacct.errors import InputError, format_rows
from carbonacct.io import TableLike, read_side_table, read_table
from carbonacct.pathways import combined_targets, load_pathways, sector_prefixes
from carbonacct.results import Footprint
from carbonacct.units import conversion_factor

__all__ = ["STATUSES", "CheckResult", "actuals_from_footprint", "check"]

STATUSES = ("breach", "off_track", "insufficient_data", "on_track")
_SEVERITY = {s: i for i, s in enumerate(STATUSES)}
#: Relative tolerance when comparing with a limit: a value at the limit (up to float noise) complies.
TOLERANCE = 1e-9

ACTUAL_SCHEMA = {
    "firm_id": pl.String,
    "year": pl.Int32,
    "metric": pl.String,
    "product": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "output": pl.Float64,
    "source": pl.String,
}


RESULT_SCHEMA = {
    "firm_id": pl.String,
    "name": pl.String,
    "province": pl.String,
    "sector": pl.String,
    "pathway": pl.String,
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
    "rule": pl.String,
    "source_ref": pl.String,
    "missing": pl.String,
}


@dataclass
class CheckResult:
    """The result of :func:`check`.

    Attributes
    ----------
    results : polars.DataFrame
        One row per firm, pathway target and year.
    products : polars.DataFrame
        One row per firm, product and year: level against 标杆/基准, GB grade, deadline, status.
    summary : polars.DataFrame
        Firms per status (the worst of each firm) by sector and province.
    product_summary : polars.DataFrame
        Per product and sector: output share at benchmark against the target share, and below baseline.
    exceptions : polars.DataFrame
        Off-track and breach rows, largest relative gap first.
    provenance : dict
    """

    results: pl.DataFrame
    products: pl.DataFrame
    summary: pl.DataFrame
    product_summary: pl.DataFrame
    exceptions: pl.DataFrame
    provenance: dict[str, Any]

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "results": self.results,
            "products": self.products,
            "summary": self.summary,
            "product_summary": self.product_summary,
            "exceptions": self.exceptions,
        }

    def write(self, path: str | Path) -> list[Path]:
        from carbonacct.io import write_result

        return write_result(self.tables(), path, self.provenance)


def actuals_from_footprint(
    fp: Footprint | pl.DataFrame, intensities: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Turn yearly footprint results into the long ``actuals`` frame the check reads.

    Value-added intensities become ``energy_intensity_va`` [tce/万元] and
    ``co2_intensity_va`` [tCO2/万元]; product intensities become
    ``product_energy_intensity`` [kgce/t] and ``product_co2_intensity`` [tCO2/t],
    with the output kept for capacity shares.
    """
    table = fp.table if isinstance(fp, Footprint) else fp
    if isinstance(fp, Footprint) and intensities is None:
        intensities = fp.intensities
    parts = []
    year = pl.col("period").cast(pl.String).str.slice(0, 4).cast(pl.Int32, strict=False)
    for column, metric, unit in (
        ("energy_intensity_tce_per_cny10k", "energy_intensity_va", "tce/万元"),
        ("co2_intensity_t_per_cny10k", "co2_intensity_va", "tCO2/万元"),
    ):
        if column in table.columns:
            parts.append(
                table.filter(pl.col("period").cast(pl.String).str.len_chars() == 4).select(
                    "firm_id",
                    year.alias("year"),
                    pl.lit(metric).alias("metric"),
                    pl.lit(None, dtype=pl.String).alias("product"),
                    pl.col(column).alias("value"),
                    pl.lit(unit).alias("unit"),
                    pl.lit(None, dtype=pl.Float64).alias("output"),
                    pl.lit("footprint").alias("source"),
                )
            )
    if intensities is not None and intensities.height:
        per_t = intensities.filter(pl.col("output_unit") == "t")
        for column, metric, unit in (
            ("energy_per_output_kgce", "product_energy_intensity", "kgce/t"),
            ("co2_per_output_t", "product_co2_intensity", "tCO2/t"),
        ):
            parts.append(
                per_t.select(
                    "firm_id",
                    year.alias("year"),
                    pl.lit(metric).alias("metric"),
                    "product",
                    pl.col(column).alias("value"),
                    pl.lit(unit).alias("unit"),
                    "output",
                    pl.lit("footprint").alias("source"),
                )
            )
    if not parts:
        return pl.DataFrame(schema=ACTUAL_SCHEMA)
    return pl.concat([p.cast(ACTUAL_SCHEMA) for p in parts]).filter(pl.col("value").is_not_null())  # type: ignore[arg-type]


def _read_actuals(actuals: TableLike) -> pl.DataFrame:
    frame, src = read_side_table(actuals, ("firm_id", "metric", "value", "unit"), "actuals")
    if "year" not in frame.columns:
        if "period" not in frame.columns:
            raise InputError(
                f"{src.name}: actuals need a year (or period) column.",
                file=src.name,
                row=None,
                column="year",
            )
        frame = frame.with_columns(pl.col("period").cast(pl.String).str.slice(0, 4).alias("year"))
    frame = frame.with_columns(
        pl.col("firm_id").cast(pl.String),
        pl.col("year").cast(pl.Int32, strict=False),
        pl.col("value").cast(pl.Float64, strict=False),
        pl.col("metric").cast(pl.String),
        pl.col("unit").cast(pl.String),
    )
    bad = frame.filter(pl.col("year").is_null() | pl.col("value").is_null())
    if bad.height:
        raise InputError(
            f"{src.name}: rows without a year or a numeric value:"
            + format_rows(bad.select("row", "firm_id", "metric").head(5).to_dicts()),
            file=src.name,
            row=int(bad["row"][0]),
            column="value",
        )
    for col in ("product", "output"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    return frame.select(
        "firm_id",
        "year",
        "metric",
        pl.col("product").cast(pl.String),
        "value",
        "unit",
        pl.col("output").cast(pl.Float64, strict=False),
        pl.lit(src.name).alias("source"),
    )


def _to_units(actuals: pl.DataFrame, wanted: dict[str, str]) -> pl.DataFrame:
    """Convert each metric's values to the unit the targets use (pint once per distinct unit)."""
    pairs = actuals.select("metric", "unit").unique()
    rows = []
    for metric, unit in pairs.iter_rows():
        target = wanted.get(metric, unit)
        rows.append(
            {"metric": metric, "unit": unit, "_f": conversion_factor(unit, target), "_unit": target}
        )
    conv = pl.DataFrame(
        rows, schema={"metric": pl.String, "unit": pl.String, "_f": pl.Float64, "_unit": pl.String}
    )
    return (
        actuals.join(conv, on=["metric", "unit"], how="left")
        .with_columns(
            (pl.col("value") * pl.col("_f")).alias("value"), pl.col("_unit").alias("unit")
        )
        .drop("_f", "_unit")
    )


def _applicable(firms: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Firm × target pairs where the target's region and sector cover the firm."""
    prefixes = (
        targets.with_row_index("target_nr")
        .with_columns(
            pl.col("sectors")
            .map_elements(sector_prefixes, return_dtype=pl.List(pl.String))
            .alias("prefix")
        )
        .explode("prefix")
    )
    pairs = firms.join(prefixes, how="cross").filter(
        (
            pl.col("region").is_null()
            | (pl.col("region") == "CN")
            | (pl.col("region") == pl.col("province"))
        )
        & pl.col("sector").fill_null("").str.starts_with(pl.col("prefix"))
        & ((pl.col("prefix") == "") | pl.col("sector").is_not_null())
    )
    return pairs.unique(["firm_id", "target_nr"]).drop("prefix")


def check(
    firms: TableLike,
    *,
    footprint: Footprint | TableLike | None = None,
    readings: TableLike | Sequence[TableLike] | None = None,
    activity: TableLike | None = None,
    actuals: TableLike | None = None,
    pathways: Iterable[str | Path] | None = None,
    year: int | None = None,
    sda_base_year: int = 2020,
    **footprint_options: Any,
) -> CheckResult:
    """Check firms against pathways and benchmark levels.

    Parameters
    ----------
    firms : path or frame
        ``firm_id``, ``name``, ``province``, ``sector`` (GB/T 4754-2017 code).
    footprint : Footprint, path or frame, optional
        Yearly footprint results with intensities (from :func:`carbonacct.footprint`
        with ``activity``).
    readings : path(s) or frame, optional
        Instead of ``footprint``: readings to run the footprint on (with ``activity``).
    activity : path or frame, optional
        Value added and product output, for the footprint run from readings.
    actuals : path or frame, optional
        Values given directly: ``firm_id``, ``year``, ``metric``, ``value``,
        ``unit``, optional ``product`` and ``output``. Added to (and checked
        against duplicates with) those of the footprint.
    pathways : ids or paths, optional
        Pathway ids (``cn-industry-2025``) or your own pathway files; default
        every shipped Chinese pathway (comparators such as ``tpi-2022`` on request).
    year : int, optional
        The year checked (default: the latest year with data).
    sda_base_year : int
        Base year of the SDA targets computed with comparator paths.

    Returns
    -------
    CheckResult
    """
    firm_frame, firm_src = _read_firms(firms)
    assert firm_frame is not None and firm_src is not None
    parts = []
    fp_prov = None
    if readings is not None:
        fp = run_footprint(
            readings, firms=firm_frame, activity=activity, period="year", **footprint_options
        )
        parts.append(actuals_from_footprint(fp))
        fp_prov = fp.provenance
    elif footprint is not None:
        if isinstance(footprint, Footprint):
            parts.append(actuals_from_footprint(footprint))
            fp_prov = footprint.provenance
        else:
            lf, _ = read_table(footprint)
            parts.append(actuals_from_footprint(lf.collect()))
    if actuals is not None:
        parts.append(_read_actuals(actuals))
    if not parts:
        raise InputError(
            "check needs footprint=, readings= or actuals=.", file=None, row=None, column=None
        )
    selected = (
        load_pathways(pathways)
        if pathways is not None
        else [p for p in load_pathways() if not p.targets["metric"].str.contains(":").any()]
    )
    targets = combined_targets(selected)
    units = dict(targets.select("metric", "unit").unique("metric").iter_rows())
    units.update({"product_energy_intensity": "kgce/t", "product_co2_intensity": "tCO2/t"})
    actual = _to_units(pl.concat([p.cast(ACTUAL_SCHEMA) for p in parts]), units)  # type: ignore[arg-type]
    dupes = actual.filter(pl.struct("firm_id", "year", "metric", "product").is_duplicated())
    if dupes.height:
        raise InputError(
            "the same firm, year, metric and product is given twice:"
            + format_rows(
                dupes.select("firm_id", "year", "metric", "product", "source").head(5).to_dicts()
            ),
            file=None,
            row=None,
            column=None,
        )
    latest = actual["year"].max() if actual.height else None
    check_year = year if year is not None else (int(latest) if latest is not None else None)  # type: ignore[arg-type]
    if check_year is None:
        raise InputError("No actual values to check.", file=None, row=None, column=None)

    results = _pathway_results(firm_frame, targets, actual, check_year, sda_base_year)
    products = _product_results(firm_frame, actual, check_year)
    summary = _summary(firm_frame, results, products)
    product_summary = _product_summary(products)
    bad = pl.col("status").is_in(["off_track", "breach"])
    exceptions = pl.concat(
        [
            results.filter(bad).select(
                "firm_id",
                "name",
                "province",
                "sector",
                pl.col("pathway").alias("rule_id"),
                "metric",
                "product",
                "actual",
                "required",
                "unit",
                "status",
                "gap_rel",
            ),
            products.filter(bad).select(
                "firm_id",
                "name",
                "province",
                "sector",
                pl.col("edition").alias("rule_id"),
                pl.lit("product_energy_intensity").alias("metric"),
                "product",
                "actual",
                pl.col("baseline").alias("required"),
                "unit",
                "status",
                "gap_rel",
            ),
        ],
        how="vertical_relaxed",
    ).sort("gap_rel", descending=True, nulls_last=True)
    provenance = {
        "year": check_year,
        "pathways": [f"{p.id}@{p.manifest.version}" for p in selected],
        "benchmarks": sorted(set(benchmark_levels()["edition"].to_list()) | {"gb-quota-grades"}),
        "firms": firm_src.record(),
        "footprint": fp_prov,
        "tolerance": TOLERANCE,
    }
    return CheckResult(results, products, summary, product_summary, exceptions, provenance)


def _pathway_results(
    firms: pl.DataFrame, targets: pl.DataFrame, actual: pl.DataFrame, y: int, sda_base_year: int
) -> pl.DataFrame:
    relative = targets.filter(
        (pl.col("value_type") == "relative") & (pl.col("base_year") < y) & (pl.col("year") >= y)
    )
    absolute = targets.filter(pl.col("value_type") == "absolute")
    out = []
    if relative.height:
        pairs = _applicable(firms, relative)
        now = actual.filter(pl.col("year") == y).select(
            "firm_id", "metric", "product", pl.col("value").alias("actual")
        )
        base = actual.select(
            "firm_id",
            "metric",
            "product",
            pl.col("year").alias("base_year"),
            pl.col("value").alias("base_value"),
        )
        rows = pairs.join(
            now, on=["firm_id", "metric", "product"], how="left", nulls_equal=True
        ).join(base, on=["firm_id", "metric", "product", "base_year"], how="left", nulls_equal=True)
        t = (pl.lit(y) - pl.col("base_year")) / (pl.col("year") - pl.col("base_year"))
        required = (
            pl.when(pl.col("interpolation") == "constant_rate")
            .then(pl.col("base_value") * (1 + pl.col("value")).pow(t))
            .otherwise(pl.col("base_value") * (1 + pl.col("value") * t))
        )
        rule = pl.format(
            "{}: {} {}% {}→{} ({})",
            pl.col("pathway"),
            pl.col("metric"),
            (pl.col("value") * 100).round(2),
            pl.col("base_year"),
            pl.col("year"),
            pl.col("interpolation"),
        )
        out.append(
            rows.with_columns(
                required.alias("required"), rule.alias("rule"), pl.col("year").alias("target_year")
            )
        )
    if absolute.height:
        out.append(_comparator_rows(firms, absolute, actual, y, sda_base_year))
    if not out:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    rows = pl.concat(out, how="diagonal_relaxed")
    limit = pl.col("required") + TOLERANCE * pl.col("required").abs()
    deadline_passed = pl.lit(y) >= pl.col("target_year")
    status = (
        pl.when(pl.col("actual").is_null() | pl.col("required").is_null())
        .then(pl.lit("insufficient_data"))
        .when(pl.col("actual") <= limit)
        .then(pl.lit("on_track"))
        .when(deadline_passed & pl.col("target_year").is_not_null())
        .then(pl.lit("breach"))
        .otherwise(pl.lit("off_track"))
    )
    why = (
        pl.when(pl.col("actual").is_null())
        .then(pl.format("no {} for {}", pl.col("metric"), pl.lit(y)))
        .when(pl.col("required").is_null())
        .then(pl.format("no base-year value ({})", pl.col("base_year")))
        .otherwise(pl.lit(None))
    )
    return (
        rows.with_columns(
            pl.lit(y).alias("check_year"),
            status.alias("status"),
            (pl.col("actual") - pl.col("required")).alias("gap_abs"),
            ((pl.col("actual") - pl.col("required")) / pl.col("required").abs()).alias("gap_rel"),
            pl.format("{} ({}), {}", pl.col("document"), pl.col("source"), pl.col("grade")).alias(
                "source_ref"
            ),
            why.alias("missing"),
        )
        .select(list(RESULT_SCHEMA))
        .cast(RESULT_SCHEMA)  # type: ignore[arg-type]
        .sort("firm_id", "pathway", "metric")
    )


def _comparator_rows(
    firms: pl.DataFrame, paths: pl.DataFrame, actual: pl.DataFrame, y: int, sda_base_year: int
) -> pl.DataFrame:
    """TPI-style absolute paths: the path's value in ``y``, and the firm's SDA target."""
    from carbonacct.pathways import absolute_path_value, sda_target

    keys = paths.select(
        "pathway", "metric", "product", "unit", "document", "source", "grade", "sectors", "region"
    ).unique(maintain_order=True)
    pairs = _applicable(firms, keys.with_columns(pl.lit(None, dtype=pl.Int32).alias("base_year")))
    co2 = actual.filter(pl.col("metric") == "product_co2_intensity")
    now = co2.filter(pl.col("year") == y).select(
        "firm_id", "product", pl.col("value").alias("actual")
    )
    base = co2.filter(pl.col("year") == sda_base_year).select(
        "firm_id", "product", pl.col("value").alias("base_value")
    )
    rows = pairs.join(now, on=["firm_id", "product"], how="left").join(
        base, on=["firm_id", "product"], how="left"
    )
    records = []
    for r in rows.iter_rows(named=True):
        path_rows = paths.filter(
            (pl.col("pathway") == r["pathway"])
            & (pl.col("metric") == r["metric"])
            & (pl.col("product") == r["product"])
        )
        path = dict(zip(path_rows["year"].to_list(), path_rows["value"].to_list(), strict=True))
        bench = absolute_path_value(path_rows, r["metric"], r["product"], y)
        records.append(
            {
                **r,
                "required": bench,
                "rule": f"{r['pathway']}: {r['metric']} {r['product']} path value in {y}",
            }
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
                "rule": f"SBTi SDA on {r['pathway']} {r['metric']} {r['product']}, base {sda_base_year}",
            }
        )
    frame = pl.DataFrame(records, infer_schema_length=None) if records else pl.DataFrame()
    return (
        frame.with_columns(pl.lit(None, dtype=pl.Int32).alias("target_year")) if records else frame
    )


def _product_results(firms: pl.DataFrame, actual: pl.DataFrame, y: int) -> pl.DataFrame:
    levels = benchmark_levels().select(
        "product",
        "area",
        "unit",
        "benchmark",
        "baseline",
        "deadline",
        "edition",
        "document",
        "source",
        "grade",
    )
    grades = quota_grades().select("product", "standard", "grade1", "grade2", "grade3")
    rows = (
        actual.filter((pl.col("metric") == "product_energy_intensity") & (pl.col("year") == y))
        .join(firms, on="firm_id", how="left")
        .join(levels, on="product", how="inner", suffix="_level")
        .join(grades, on="product", how="left")
    )
    if rows.height == 0:
        return pl.DataFrame(
            schema={
                "firm_id": pl.String,
                "name": pl.String,
                "province": pl.String,
                "sector": pl.String,
                "product": pl.String,
                "check_year": pl.Int32,
                "actual": pl.Float64,
                "unit": pl.String,
                "output": pl.Float64,
                "benchmark": pl.Float64,
                "baseline": pl.Float64,
                "level": pl.String,
                "gb_grade": pl.Int32,
                "standard": pl.String,
                "deadline": pl.Date,
                "status": pl.String,
                "gap_rel": pl.Float64,
                "edition": pl.String,
                "source_ref": pl.String,
            }
        )
    bad_units = rows.filter(pl.col("unit") != pl.col("unit_level"))
    if bad_units.height:
        rows = rows.with_columns(
            pl.col("value")
            * pl.struct("unit", "unit_level").map_elements(
                lambda s: conversion_factor(s["unit"], s["unit_level"]), return_dtype=pl.Float64
            )
        )
    level = classify_levels(pl.col("value"), pl.col("benchmark"), pl.col("baseline"))
    past = pl.lit(y) >= pl.col("deadline").dt.year()
    status = (
        pl.when(level == "below_baseline")
        .then(pl.when(past).then(pl.lit("breach")).otherwise(pl.lit("off_track")))
        .otherwise(pl.lit("on_track"))
    )
    return (
        rows.with_columns(
            pl.lit(y).alias("check_year"),
            pl.col("value").alias("actual"),
            pl.col("unit_level").alias("unit"),
            level.alias("level"),
            classify_grade(pl.col("value")).cast(pl.Int32).alias("gb_grade"),
            status.alias("status"),
            ((pl.col("value") - pl.col("baseline")) / pl.col("baseline").abs()).alias("gap_rel"),
            pl.format("{} ({}), {}", pl.col("document"), pl.col("source"), pl.col("grade")).alias(
                "source_ref"
            ),
        )
        .select(
            "firm_id",
            "name",
            "province",
            "sector",
            "product",
            "check_year",
            "actual",
            "unit",
            "output",
            "benchmark",
            "baseline",
            "level",
            "gb_grade",
            "standard",
            "deadline",
            "status",
            "gap_rel",
            "edition",
            "source_ref",
        )
        .sort("firm_id", "product")
    )


def _summary(firms: pl.DataFrame, results: pl.DataFrame, products: pl.DataFrame) -> pl.DataFrame:
    """Firms per status (each firm counted once, at its worst status) by sector and province."""
    statuses = pl.concat(
        [
            results.select("firm_id", "status")
            if results.height
            else pl.DataFrame(schema={"firm_id": pl.String, "status": pl.String}),
            products.select("firm_id", "status"),
        ]
    )
    worst = (
        statuses.with_columns(
            pl.col("status").replace_strict(_SEVERITY, return_dtype=pl.Int32).alias("_s")
        )
        .group_by("firm_id")
        .agg(pl.col("_s").min())
    )
    per_firm = firms.join(worst, on="firm_id", how="left").with_columns(
        pl.col("_s")
        .replace_strict(
            {v: k for k, v in _SEVERITY.items()}, default="not_covered", return_dtype=pl.String
        )
        .alias("status")
    )
    counts = per_firm.group_by("sector", "province", "status").agg(pl.len().alias("firms"))
    wide = counts.pivot(on="status", index=["sector", "province"], values="firms").fill_null(0)
    for s in (*STATUSES, "not_covered"):
        if s not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.UInt32).alias(s))
    return (
        wide.select("sector", "province", *STATUSES, "not_covered")
        .with_columns(pl.sum_horizontal(*STATUSES, "not_covered").alias("firms"))
        .sort("sector", "province", nulls_last=True)
    )


def _product_summary(products: pl.DataFrame) -> pl.DataFrame:
    """Output share at benchmark against the target share, and below baseline, per product and sector."""
    if products.height == 0:
        return pl.DataFrame()
    targets = (
        share_targets()
        .with_columns(
            pl.col("sectors")
            .map_elements(sector_prefixes, return_dtype=pl.List(pl.String))
            .alias("prefix")
        )
        .explode("prefix")
        .unique("prefix", keep="first")
    )
    weight = pl.col("output").fill_null(0.0)
    summary = (
        products.group_by("product", "sector")
        .agg(
            pl.len().alias("firms"),
            pl.col("output").null_count().alias("firms_without_output"),
            weight.sum().alias("output"),
            (weight * (pl.col("level") == "benchmark")).sum().alias("_at_benchmark"),
            (weight * (pl.col("level") == "below_baseline")).sum().alias("_below"),
            (pl.col("level") == "benchmark").sum().alias("firms_at_benchmark"),
            (pl.col("level") == "below_baseline").sum().alias("firms_below_baseline"),
        )
        .with_columns(
            (pl.col("_at_benchmark") / pl.col("output")).alias("share_at_benchmark"),
            (pl.col("_below") / pl.col("output")).alias("share_below_baseline"),
        )
        .drop("_at_benchmark", "_below")
    )
    matched = summary.join(
        targets.select(
            "prefix",
            pl.col("share_at_benchmark").alias("target_share"),
            pl.col("deadline").alias("target_deadline"),
            pl.col("source").alias("target_source"),
        ),
        how="cross",
    ).filter(pl.col("sector").fill_null("").str.starts_with(pl.col("prefix")))
    matched = (
        matched.sort("prefix", descending=True)
        .unique(["product", "sector"], keep="first")
        .drop("prefix")
    )
    out = summary.join(
        matched.select("product", "sector", "target_share", "target_deadline", "target_source"),
        on=["product", "sector"],
        how="left",
    )
    return out.with_columns(
        (pl.col("share_at_benchmark") >= pl.col("target_share")).alias("meets_target"),
        pl.lit("output used as the capacity proxy").alias("basis"),
    ).sort("product", "sector")
