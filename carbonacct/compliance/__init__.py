"""Compliance checks against carbon-peak pathways and 标杆/基准 levels, for one firm or ten thousand.

:func:`check` takes a firms table (sector, province) and each firm's figures — a
yearly :class:`~carbonacct.Footprint` (with activity) or ``actuals`` given directly —
and answers per firm, target and year: the actual value, the value the target
requires, the status, the gap, the rule and source that decided it, and the data
quality behind it. Every input firm is in :attr:`CheckResult.firms` with a status.

Statuses (worst first, :data:`STATUSES`): ``breach`` (a binding obligation missed: a
firm's own target at or after its year, a 基准 after its deadline, a GB quota limit);
``off_track`` (a binding target missed before its year, or below the 基准 before its
deadline); ``invalid_input`` (a refused row, with the reason); ``insufficient_data``
(with what is missing); ``above_path`` / ``below_path`` (against a sector-average,
regional or expected target, which bind no single firm); ``no_data``; ``on_track``;
``not_covered``. A firm is never on track by default.

To check from meter readings, see :func:`carbonacct.workflows.check_from_readings`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.compliance._exclusions import ExclusionRules, load_exclusions
from carbonacct.compliance._inputs import (
    ACTUAL_SCHEMA,
    VALUE_ADDED_METRICS,
    footprint_years,
    from_footprint,
    mark_duplicates,
    read_actuals,
    read_firms,
    refused_firms,
    saved_footprint,
    validate,
    with_price_basis,
    without_fuel,
)
from carbonacct.compliance._places import credit_code_warnings
from carbonacct.compliance._products import (
    negative_levels,
    product_results,
    unrecognised_products,
)
from carbonacct.compliance._quality import input_rows_refused
from carbonacct.compliance._summary import (
    STATUSES,
    after_today,
    counts,
    exceptions,
    follow_up,
    future_years,
    per_firm,
    product_shares,
    rule_rows,
    status_rows,
)
from carbonacct.compliance._targets import (
    RESULT_SCHEMA,
    TOLERANCE,
    applicable,
    comparator_results,
    products_not_made,
    relative_results,
    status,
)
from carbonacct.errors import InputError
from carbonacct.io import TableLike
from carbonacct.results import TablesResult

__all__ = [
    "STATUSES",
    "CheckResult",
    "actuals_from_footprint",
    "check",
    "input_rows_refused",
]

actuals_from_footprint = from_footprint


@dataclass
class CheckResult(TablesResult):
    """The result of :func:`check`.

    Attributes
    ----------
    results : polars.DataFrame
        One row per firm, pathway target and checked year.
    products : polars.DataFrame
        One row per firm, product, metric and year: level against 标杆/基准, GB grade,
        ``exceeds_limit``, deadline, status.
    firms : polars.DataFrame
        One row per firm, worst first: report year, status, reason, data quality.
    summary : polars.DataFrame
        Firms per status by sector and province, with energy-weighted breach shares.
    product_summary : polars.DataFrame
        Per product and sector: output share at benchmark against the target share.
    exceptions : polars.DataFrame
        Rows to follow up in each firm's report year, binding breaches first.
    rejected : polars.DataFrame
        Input rows refused, with firm, row, column and reason.
    targets : polars.DataFrame
        The target definitions used (``target_id`` links the results to them).
    provenance : dict
    warnings : list of str
        Rows to look at that did not stop the check (a year after today); kept in the
        provenance (``warnings``) so a written check carries them.
    """

    results: pl.DataFrame
    products: pl.DataFrame
    firms: pl.DataFrame
    summary: pl.DataFrame
    product_summary: pl.DataFrame
    exceptions: pl.DataFrame
    rejected: pl.DataFrame
    targets: pl.DataFrame
    provenance: dict[str, Any]

    @property
    def warnings(self) -> list[str]:
        return list(self.provenance.get("warnings") or [])

    def follow_up(self) -> pl.DataFrame:
        """The firms to follow up for their data, worst first: a status resting on refused or
        missing data (invalid_input, insufficient_data, no_data) or an incomplete report year
        (``data_complete`` false, rows rejected, rows without a CO2 factor)."""
        return follow_up(self.firms)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "firms": self.firms,
            "results": self.results,
            "products": self.products,
            "summary": self.summary,
            "product_summary": self.product_summary,
            "exceptions": self.exceptions,
            "rejected": self.rejected,
            "targets": self.targets,
        }


def _gather(
    data: Any,
    footprint: Any,
    actuals: TableLike | None,
    price_basis: str | pl.DataFrame | None,
    rules: ExclusionRules,
) -> tuple[pl.DataFrame, Any, pl.DataFrame]:
    """The actuals of every source, one frame; the footprint's provenance; and every firm-year
    a footprint holds (a year without value added makes no actual, but is still a year)."""
    from carbonacct.io import read_table

    parts, prov, years = [], None, [pl.DataFrame(schema={"firm_id": pl.String, "year": pl.Int32})]
    for item, is_fp in ((data, None), (footprint, True), (actuals, False)):
        if item is None:
            continue
        if hasattr(item, "table"):  # a Footprint
            parts.append(from_footprint(item, price_basis, rules))
            prov = getattr(item, "provenance", None)
            years.append(footprint_years(item.table))
        elif is_fp and isinstance(item, (str, Path)):  # a saved footprint: all its tables
            fp = saved_footprint(item)
            parts.append(from_footprint(fp, price_basis, rules))
            prov = fp.provenance
            years.append(footprint_years(fp.table))
        elif is_fp:  # a footprint's table as a frame
            lf, _ = read_table(item)
            parts.append(from_footprint(lf.collect(), price_basis, rules))
        else:
            frame = read_actuals(item)
            based = with_price_basis(frame, price_basis)["price_basis"].alias("_pb")
            va = pl.col("metric").is_in(VALUE_ADDED_METRICS)
            parts.append(
                frame.with_columns(based)
                .with_columns(pl.when(va).then("_pb").alias("price_basis"))
                .drop("_pb")
            )
    if not parts:
        raise InputError(
            "check needs a footprint or actuals (check(firms, footprint_or_actuals)).",
            file=None,
            row=None,
            column=None,
        )
    frame = pl.concat([p.cast(ACTUAL_SCHEMA) for p in parts])  # type: ignore[arg-type]
    return frame, prov, pl.concat(years)


def _pathway_targets(pathways: Iterable[str | Path] | None) -> tuple[pl.DataFrame, list[str]]:
    from carbonacct.pathways import combined_targets, load_pathways

    selected = (
        load_pathways(pathways)
        if pathways is not None
        else [p for p in load_pathways() if not p.targets["metric"].str.contains(":").any()]
    )
    targets = combined_targets(selected).with_row_index("_nr")
    targets = targets.with_columns(
        pl.format("{}#{}", pl.col("pathway"), pl.col("_nr") + 1).alias("target_id")
    ).drop("_nr")
    return targets, [f"{p.id}@{p.manifest.version}" for p in selected]


_NOT_IN_RESULTS = ("note", "sectors", "region", "value_type", "pathway_version", "city")


def _pathway_results(
    firms: pl.DataFrame,
    targets: pl.DataFrame,
    actual: pl.DataFrame,
    firm_years: pl.DataFrame,
    deflator: pl.DataFrame | None,
    sda_base_year: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    relative = targets.filter(pl.col("value_type") == "relative")
    absolute = targets.filter(pl.col("value_type") == "absolute")
    out, covered = [], []
    if relative.height:
        # the targets' notes and coverage columns are not in the results: not carried through
        # the joins of every firm, year and target (≈ a quarter of the peak memory)
        pairs = applicable(firms, relative)
        # covered by a target of its sector; an economy-wide one (no sectors) alone leaves a
        # firm not_covered in a year it does not apply (real estate, 7010, in 2025)
        covered.append(pairs.filter(pl.col("sectors").is_not_null()).select("firm_id"))
        pairs = pairs.drop(*_NOT_IN_RESULTS, strict=False)
        out.append(status(relative_results(pairs, actual, firm_years, deflator)))
    if absolute.height:
        keys = absolute.unique(["pathway", "metric", "product"], maintain_order=True).drop(
            "year", "value", "base_year"
        )
        pairs = applicable(firms, keys)
        covered.append(pairs.select("firm_id"))
        rows = comparator_results(pairs, absolute, actual, firm_years, sda_base_year)
        if rows.height:
            out.append(
                status(
                    rows.with_columns(
                        pl.lit(None, dtype=pl.String).alias("_invalid")
                        if "_invalid" not in rows.columns
                        else pl.col("_invalid")
                    )
                )
            )
    results = (
        products_not_made(
            pl.concat(out, how="vertical_relaxed").sort(
                "firm_id", "pathway", "metric", "check_year"
            ),
            actual,
        )
        if out
        else pl.DataFrame(schema=RESULT_SCHEMA)
    )
    firms_covered = (
        pl.concat(covered).unique() if covered else pl.DataFrame(schema={"firm_id": pl.String})
    )
    return results, firms_covered


def _evaluate(
    firms: pl.DataFrame,
    targets: pl.DataFrame,
    actual: pl.DataFrame,
    year: int | None,
    deflator: pl.DataFrame | None,
    sda_base_year: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Target results, product results, and the firms some target or level covers."""
    known = actual.filter(pl.col("year").is_not_null())
    firm_years = (
        known.select("firm_id", pl.col("year").alias("check_year")).unique()
        if year is None
        else firms.select("firm_id", pl.lit(year, pl.Int32).alias("check_year"))
    )
    results, covered = _pathway_results(firms, targets, known, firm_years, deflator, sda_base_year)
    products = product_results(firms, known)
    if year is not None:
        products = products.filter(pl.col("check_year") == year)
    covered = pl.concat(
        [covered, products.filter(pl.col("status") != "not_covered").select("firm_id")]
    ).unique()
    return results, products, covered


def check(
    firms: TableLike,
    data: Any = None,
    *,
    pathways: Iterable[str | Path] | None = None,
    year: int | None = None,
    price_basis: str | pl.DataFrame | None = None,
    deflator: TableLike | None = None,
    footprint: Any = None,
    actuals: TableLike | None = None,
    sda_base_year: int = 2020,
    exclusions: str | Path | ExclusionRules | None = None,
) -> CheckResult:
    """Check firms against pathways and benchmark levels.

    Parameters
    ----------
    firms : path or frame
        ``firm_id``, ``name``, ``province``, ``sector`` (GB/T 4754-2017 code, with or
        without its section letter), optional ``city``.
    data : Footprint, path or frame
        A yearly :class:`~carbonacct.Footprint` (run with ``activity``), or actuals:
        ``firm_id``, ``year``, ``metric``, ``value``, ``unit``, optional ``product``,
        ``output``, ``price_basis``, ``data_complete``, ``rows_rejected``,
        ``rows_co2_missing``, ``energy_tce`` [tce].
    pathways : ids or paths, optional
        Pathway ids (``cn-industry-2025``) or your own files; default every shipped
        Chinese pathway (comparators such as ``tpi-2022`` on request).
    year : int, optional
        Check this year only. Default: every year each firm has data, reported at each
        firm's latest year with data (never the batch's latest year; an incomplete year is
        reported with its gaps).
    price_basis : str or frame, optional
        The prices value added is at where the data do not say: ``constant:2020`` or
        ``current`` (or a frame of ``firm_id``, ``year``, ``price_basis``; a row of it with
        neither firm nor year gives the basis of the rows it does not list). It applies to
        the footprint's value added and to ``actuals`` alike.
    deflator : path or frame, optional
        ``year``, ``index``: a price index to compare value added at different prices.
    footprint, actuals : optional
        Both sources by name (their actuals are combined; a value given twice is refused).
    sda_base_year : int
        Base year of the SDA targets computed with comparator paths.
    exclusions : path or ExclusionRules, optional
        What the energy per value added leaves out; default the shipped rules (803号, 113号,
        1044号). Your own file's grades read ``user (…)`` in the provenance and ``basis``.

    Returns
    -------
    CheckResult

    References
    ----------
    发改产业〔2023〕723号; GB quota standards (grade 3 = 限定值); 发改环资〔2022〕803号; GB/T 8170-2008 4.3.1.

    Examples
    --------
    >>> import polars as pl
    >>> firms = pl.DataFrame({"firm_id": ["R"], "province": ["江苏"], "sector": ["C2511"]})
    >>> a = pl.DataFrame({"firm_id": ["R"], "year": [2025], "product": ["refining"],
    ...     "metric": ["refining_energy_factor_intensity"], "value": [8.5],
    ...     "unit": ["kgoe/(t·能量因数)"]})
    >>> r = check(firms, a).products.row(0, named=True)
    >>> r["level"], r["status"]     # exactly at the 基准 8.5: complies
    ('between', 'on_track')
    """
    firm_frame, firm_record = read_firms(firms)
    firm_frame, bad_firms = refused_firms(firm_frame)
    rules = load_exclusions(exclusions)
    raw, fp_prov, fp_years = _gather(data, footprint, actuals, price_basis, rules)
    actual = _checked_rows(raw, bad_firms)
    defl = _deflator(deflator)
    targets, used = _pathway_targets(pathways)
    results, products, covered = _evaluate(firm_frame, targets, actual, year, defl, sda_base_year)
    results, products = after_today(results), after_today(products)
    provenance = _provenance(year, used, firm_record, fp_prov, defl is not None, rules)
    return _result(
        firm_frame, actual, results, products, covered, targets, year, provenance, fp_years
    )


def _checked_rows(raw: pl.DataFrame, bad_firms: pl.DataFrame) -> pl.DataFrame:
    """The actuals validated, and the refused firms-table rows: each fails its own firm only
    (invalid_input, naming file, row and column)."""
    actual = validate(mark_duplicates(raw), negative_levels())
    return pl.concat([actual, bad_firms], how="diagonal_relaxed")


def _deflator(deflator: TableLike | None) -> pl.DataFrame | None:
    if deflator is None:
        return None
    from carbonacct.io import read_side_table

    return read_side_table(deflator, ("year", "index"), "the deflator")[0]


def _provenance(
    year: int | None,
    used: list[str],
    firms: dict[str, Any],
    footprint: Any,
    deflator: bool,
    rules: ExclusionRules,
) -> dict[str, Any]:
    """The check's record: year, pathways, levels, inputs, tolerance and exclusion rules."""
    return {
        "year": year if year is not None else "each firm's latest year with data",
        "pathways": used,
        "benchmarks": ["ndrc-723-2023", "ndrc-1609-2021", "gb-quota-grades", "indicators"],
        "firms": firms,
        "footprint": footprint,
        "tolerance": TOLERANCE,
        "deflator": deflator,
        "exclusions": rules.records(),
    }


def _result(
    firms: pl.DataFrame,
    actual: pl.DataFrame,
    results: pl.DataFrame,
    products: pl.DataFrame,
    covered: pl.DataFrame,
    targets: pl.DataFrame,
    year: int | None,
    provenance: dict[str, Any],
    fp_years: pl.DataFrame,
) -> CheckResult:
    refused = actual.filter(pl.col("invalid").is_not_null())
    # every year the data hold: a footprint's year without value added makes no actual
    seen = pl.concat([actual.select("firm_id", "year"), fp_years], how="vertical_relaxed")
    firm_table = per_firm(firms, status_rows(results, products, refused), actual, covered, year)
    return CheckResult(
        results=results,
        products=products,
        firms=firm_table,
        summary=counts(firm_table),
        product_summary=product_shares(products, firm_table),
        exceptions=exceptions(rule_rows(results, products), firm_table),
        rejected=refused.select(
            "firm_id", "year", "metric", "product", "source", "row", "invalid"
        ).sort("firm_id", "year", "metric", "product", "source", "row", nulls_last=True),
        targets=targets.drop("prefixes"),
        provenance=provenance
        | {
            # every warning of the run: the check's, then the footprint's (also in its record)
            "warnings": future_years(seen, year)
            + without_fuel(actual)
            + unrecognised_products(products)
            + credit_code_warnings(firms)
            + _no_sector(firms)
            + _footprint_warnings(provenance)
        },
    )


def _footprint_warnings(provenance: dict[str, Any]) -> list[str]:
    footprint = provenance.get("footprint")
    quality = footprint.get("quality") if isinstance(footprint, dict) else None
    return list(quality.get("warnings") or []) if isinstance(quality, dict) else []


def _no_sector(firms: pl.DataFrame) -> list[str]:
    """Firms without a sector code: no sector pathway can apply to them; say so."""
    none = firms.filter(pl.col("sector").is_null())["firm_id"]
    if not none.len():
        return []
    shown = ", ".join(none.head(5).to_list()) + (" ..." if none.len() > 5 else "")
    return [
        f"{none.len()} firm(s) have no sector code ({shown}): no sector pathway applies to "
        "them; give a sector column (GB/T 4754-2017, e.g. C3011 or 3011)"
    ]
