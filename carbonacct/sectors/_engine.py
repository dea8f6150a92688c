"""The monthly-record engine: read → categorise → check units → resolve → method → round → tables.

:func:`account_record` is the orchestrator; each stage is a function of its
own module (:mod:`._record`, :mod:`._checks`, :mod:`._resolve`,
:mod:`._tables`), and the method supplies only its formulas.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl

from carbonacct.errors import InputError, RejectedRowsError
from carbonacct.quality import QualityReport
from carbonacct.sectors._checks import KEYS, checked_rows, line_categories
from carbonacct.sectors._notices import notices
from carbonacct.sectors._protocol import RecordMethod, RecordOptions
from carbonacct.sectors._provenance import sector_provenance
from carbonacct.sectors._record import read_record
from carbonacct.sectors._resolve import Resolved, missing_error, resolve_lines
from carbonacct.sectors._result import SectorResult
from carbonacct.sectors._sets import (
    DefaultSet,
    RoundingProfile,
    fold,
    load_default_set,
    rounding_profile,
)
from carbonacct.sectors._tables import half_up, period_tables, product_amounts, rounded_inputs
from carbonacct.sectors._units import quantity_unit
from carbonacct.sectors.methods import get_record_method
from carbonacct.sectors.methods.carbon_balance import refuse_open_balances

__all__ = ["account_record"]


def account_record(
    record: Any,
    *,
    method: str,
    materials: Any = None,
    oxidation: str | None = None,
    default_set: str | None = None,
    rounding: str | None = None,
    choices: tuple[tuple[str, str], ...] = (),
    strict: bool = True,
    encoding: str | None = None,
    sheet: str | None = None,
) -> SectorResult:
    """Account a monthly record by a sector method.

    Parameters
    ----------
    record : path or frame
        The monthly record: long (``month``, ``material``, ``parameter``,
        ``value``, ``unit`` …; Chinese headers 月份, 物料, 参数, 数值, 单位 read)
        or wide (a column per parameter, units in the header: ``ncv (GJ/t)``).
        CSV in any encoding, xlsx (every sheet holding a record), Parquet.
    method : str
        The sector method (see :func:`carbonacct.sectors.record_methods`).
    materials : path or frame, optional
        Declared values (``carrier``, ``category``, ``unit``, ``parameter``,
        ``value``, ``value_unit``, ``source``), used where the record has none.
    oxidation : {"none", "applied"}, optional
        Whether fuel carbon is multiplied by an oxidation rate, where the
        method leaves it open (steel: required).
    default_set : str, optional
        The default set (its id, a manifest path, or ``"none"``); default: the
        method's.
    rounding : str, optional
        The rounding profile of reported figures; default: the method's.
    choices : tuple of (str, str)
        Method-specific choices.
    strict : bool
        Raise on a rejected row or a line without a required parameter
        (default); with False such rows are rejected, listed in ``rejects``
        and counted in ``quality``, and the parameter table says ``missing``.

    Returns
    -------
    SectorResult

    Raises
    ------
    InputError
        Naming material, month, parameter and clause for a value that is
        missing or outside its plausibility bound.
    OptionError
        For a choice the method needs (steel: ``oxidation``).
    """
    options = RecordOptions(method, default_set, oxidation, rounding, tuple(choices))
    m = get_record_method(method)
    m.check_options(options)
    profile = rounding_profile(rounding or m.rounding)
    defaults = _defaults(options, m)
    rows, src = read_record(record, encoding=encoding, sheet=sheet)
    mats, msrc = _materials(materials)
    rows = checked_rows(line_categories(rows, mats, defaults), m, _declared_units(mats))
    rows, resolved = _resolved(rows, m, options, mats, defaults, strict, src.name)
    rejects = rows.filter(pl.col("reject_reason").is_not_null())
    lines = _computed(resolved.lines, m, options, profile)
    products = product_amounts(lines, m, defaults)
    tables = period_tables(lines, m, products, profile.line_decimals)
    quality = _quality(rows, rejects, notices(lines, products, resolved.parameters))
    inputs = {"record": src, "materials": msrc}
    prov = sector_provenance(
        m, options, profile, defaults, resolved.parameters, mats, inputs, quality
    )
    return SectorResult(
        tables["totals"], tables["by_source"], tables["by_process"], lines,
        resolved.parameters, quality, rejects.drop("per"), prov,
    )  # fmt: skip


def _resolved(
    rows: pl.DataFrame,
    method: RecordMethod,
    options: RecordOptions,
    mats: pl.DataFrame | None,
    defaults: DefaultSet | None,
    strict: bool,
    name: str,
) -> tuple[pl.DataFrame, Resolved]:
    """The lines resolved; under ``strict`` a rejected row or a missing parameter raises,
    else the lines that lack a parameter have their rows rejected."""
    live = rows.filter(pl.col("reject_reason").is_null())
    resolved = resolve_lines(live, method, options, mats, defaults)
    if strict and live.height < rows.height:
        raise _rejected_error(rows.filter(pl.col("reject_reason").is_not_null()), name)
    if resolved.missing:
        if strict:
            raise missing_error(resolved.missing, method)
        rows = _reject_missing(rows, resolved.missing)
    rows, lines = refuse_open_balances(rows, resolved.lines)
    return _flag_unused(rows, resolved.unused), replace(resolved, lines=lines)


def _flag_unused(rows: pl.DataFrame, unused: list[dict[str, Any]]) -> pl.DataFrame:
    """Record values the chosen formula does not use: listed in rejects with why, not accounted."""
    if not unused:
        return rows
    keys = [*KEYS, "parameter"]
    flags = pl.DataFrame(unused, schema={**{k: pl.String for k in keys}, "_unused": pl.String})
    rows = rows.join(flags, on=keys, how="left", nulls_equal=True)
    return rows.with_columns(pl.coalesce("reject_reason", "_unused").alias("reject_reason")).drop(
        "_unused"
    )


def _defaults(options: RecordOptions, method: RecordMethod) -> DefaultSet | None:
    chosen = options.default_set or method.default_set
    return None if chosen in (None, "none") else load_default_set(chosen)


def _materials(materials: Any) -> tuple[pl.DataFrame | None, Any]:
    if materials is None:
        return None, None
    from carbonacct.materials import read_materials

    return read_materials(materials)


def _declared_units(mats: pl.DataFrame | None) -> dict[str, str]:
    """The quantity unit label of each declared material (for lines without a quantity)."""
    if mats is None:
        return {}
    out: dict[str, str] = {}
    for carrier, category, unit in mats.select("carrier", "category", "unit").unique().iter_rows():
        if unit:
            out.setdefault(fold(carrier), quantity_unit(unit, category)[0])
    return out


def _reject_missing(rows: pl.DataFrame, missing: list[dict[str, Any]]) -> pl.DataFrame:
    gone = pl.DataFrame(
        [
            {
                "material": x["material"],
                "month": x["month"],
                "_why": f"missing {x['missing']} ({x['clause']})",
            }
            for x in missing
        ]
    ).unique(subset=["material", "month"])
    rows = rows.join(gone, on=["material", "month"], how="left", nulls_equal=True)
    return rows.with_columns(pl.coalesce("reject_reason", "_why").alias("reject_reason")).drop(
        "_why"
    )


def _rejected_error(rejects: pl.DataFrame, name: str) -> RejectedRowsError:
    first = rejects.row(0, named=True)
    shown = "; ".join(
        f"{r['table']} row {r['row']} ({r['month']}, {r['material']}, {r['parameter']}): "
        f"{r['reject_reason']}"
        for r in rejects.head(3).iter_rows(named=True)
    )
    more = f"; and {rejects.height - 3} more" if rejects.height > 3 else ""
    return RejectedRowsError(
        f"{name}: {rejects.height} row(s) of the record cannot be accounted: {shown}{more}. "
        "Correct them, or pass strict=False (--no-strict) to account the rest and list them.",
        file=first["table"],
        row=first["row"],
        column=None,
        rows_rejected=rejects.height,
    )


def _computed(
    lines: pl.DataFrame, method: RecordMethod, options: RecordOptions, profile: RoundingProfile
) -> pl.DataFrame:
    """Each line's full-precision ``co2_t`` and its ``co2_reported_t`` under the profile."""
    if lines.is_empty():
        raise InputError(
            "The record has no line that can be accounted.", file=None, row=None, column=None
        )
    # The method sees which pass it computes: rounding "full" for the full-precision figures,
    # the profile's id for the reported ones (to round its own intermediates, e.g. EF_anode).
    full = method.line_emissions(lines, replace(options, rounding="full"))
    reported = method.line_emissions(
        rounded_inputs(lines, profile), replace(options, rounding=profile.id)
    )
    co2 = reported["co2_t"]
    if profile.line_decimals >= 0:
        co2 = co2.map_elements(lambda v: half_up(v, profile.line_decimals), return_dtype=pl.Float64)
    return full.with_columns(co2.alias("co2_reported_t"))


def _quality(rows: pl.DataFrame, rejects: pl.DataFrame, extra: list[str]) -> QualityReport:
    """Counts of the record's values: a long row is one value, a wide row one per parameter."""
    reasons = rejects.group_by("reject_reason").len().iter_rows()
    warnings = [f"{rejects.height} record value(s) rejected: see rejects"] if rejects.height else []
    warnings += extra
    rows_in = rows.select("table", "row").n_unique()
    if rows_in != rows.height:
        warnings.append(
            f"a wide record: its {rows_in} rows hold {rows.height} values; the counts are of values"
        )
    return QualityReport(
        rows_in=rows.height,
        rows_accounted=rows.height - rejects.height,
        rows_rejected=rejects.height,
        rejected_by_reason={str(r): int(n) for r, n in reasons},
        notes={},
        warnings=warnings,
    )
