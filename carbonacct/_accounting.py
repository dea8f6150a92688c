"""The footprint: energy (GB/T 2589) and CO2 (GB/T 32150) of firms by period.

:func:`footprint` is a short sequence of stages::

    read -> validate -> aggregate (one pass) -> factors (the sector method)
         -> decide -> combine -> scope 2 / intensities -> quality -> provenance

The pass over the readings is the only one over the data; every later stage
runs on the small table of sums per group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Literal

import polars as pl

from carbonacct import _kernel
from carbonacct._kernel_inputs import parsed_parts
from carbonacct._period_overlap import refuse_overlapping_periods
from carbonacct._sides import read_firms, read_fuel_parameters
from carbonacct.completeness import (
    future_periods,
    future_readings,
    gap_warnings,
    leading_zero_meters,
    meter_gaps,
    without_accepted_rows,
)
from carbonacct.completeness import require_complete as require_gaps_closed
from carbonacct.errors import OptionError, RejectedRowsError, format_rows
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.intensity import intensities, read_activity
from carbonacct.io import Source, TableLike, read_readings
from carbonacct.materials import Declared, declared_materials
from carbonacct.methods import SectorMethod, get_method
from carbonacct.options import Method, RunOptions, split_old_options
from carbonacct.provenance import Provenance, factor_sets, grid_rows_for, grid_used
from carbonacct.quality import QualityReport, decide, quality_report, reason_counts, reject_plan
from carbonacct.readings import (
    KEY_COLUMNS,
    ReadingOptions,
    Scan,
    aggregate_readings,
    key_table,
    period_label,
    reading_errors,
    scan_readings,
)
from carbonacct.results import BY_COLUMNS, RESULT_COLUMNS, Footprint
from carbonacct.scope2 import market_based, read_green_electricity

__all__ = ["footprint", "validate"]


def footprint(
    readings: TableLike | Sequence[TableLike],
    *,
    firms: TableLike | None = None,
    activity: TableLike | None = None,
    fuel_parameters: TableLike | None = None,
    green_electricity: TableLike | None = None,
    materials: TableLike | None = None,
    by: Sequence[str] = (),
    method: Method = Method(),
    run: RunOptions = RunOptions(),
    library: FactorLibrary | None = None,
    **old_options: Any,
) -> Footprint:
    """Energy (GB/T 2589-2020) and CO2 (GB/T 32150-2015, GB/T 32151.x; MEE/NBS grid factors)
    of firms by period, from meter and fuel readings.

    Parameters
    ----------
    readings : path or frame, or a list of them
        Long-format readings (see :mod:`carbonacct.readings`).
    firms, activity, fuel_parameters, green_electricity, materials : path or frame, optional
        Firms (``firm_id``, ``province``, ``sector``: provincial grid factors); value added and
        output (intensities); measured fuel parameters (GB/T 32150); contracted green power
        (market-based scope 2); carriers not shipped, with their factors (``flow=out`` carbon
        products deducted as ``co2_carbon_products_t``; see :mod:`carbonacct.materials`).
    by : sequence of {'site_id', 'carrier', 'meter_id'}
    method, run : Method, RunOptions
        What is computed (period, energy basis, grid factor, fuel sets...); how it runs
        (engine, cluster, strictness, progress).
    library : FactorLibrary, optional
    """
    method, run = split_old_options("footprint", method, run, old_options)
    _check_by(by, green_electricity)
    library_soon, sector = _library_soon(library, method), get_method(method.method)
    firm_frame, firm_src = read_firms(firms)
    measured, fuel_src = _measured(fuel_parameters, sector, method, library_soon)
    options = _reading_options(method, firm_frame)
    scan, groups, source = _aggregate(readings, options, by, run)
    run.say("applying factors")
    lib = library_soon()
    declared = declared_materials(materials) if materials is not None else None
    keys, tables = _keys(key_table(groups, options), declared, sector, method, lib)
    grid, firm_year = sector.grid(keys, _years(groups), firm_frame, method, lib, source.name)
    groups = decide(groups, keys, firm_year, firm_frame is not None)
    table, co2_missing = _combine(groups, keys, firm_year, measured, by, method, sector)
    table = _assemble(sector.finalize(table, method, lib), groups, method, by, sector)
    table, per_product, warnings, extra_used, inputs, activity_rejects = _side_results(
        table, activity, green_electricity, method, by, lib
    )
    warnings += sector.warnings(tables, grid_rows_for(grid, _firm_years(groups), firm_frame))
    warnings += declared.warnings() if declared else []
    quality, plan, gaps = _quality(scan, groups, keys, warnings, co2_missing, method, run, source)
    used = sector.factors_used(tables, grid_used(grid, table, firm_frame), keys, measured, method)
    extra_used += [declared.factors_used()] if declared else []
    used = pl.concat([used, *extra_used], how="vertical_relaxed")
    inputs = _all_inputs(inputs, source, firm_src, declared, fuel_src)
    provenance = _provenance(method, lib, used, inputs, quality, scan.labels)
    fp = Footprint(table, quality, used, provenance, per_product, plan, gaps, source)
    return replace(fp, activity_rejects=activity_rejects)


def _all_inputs(
    side: dict[str, Any], readings: Any, firms: Any, declared: Any, fuel_parameters: Any
) -> dict[str, Any]:
    """Every input of the run, as its provenance lists them (side tables first)."""
    return side | {
        "readings": readings,
        "firms": firms,
        "materials": declared.source if declared else None,
        "fuel_parameters": fuel_parameters,
    }


def _keys(
    keys: pl.DataFrame,
    declared: Declared | None,
    sector: SectorMethod,
    method: Method,
    lib: FactorLibrary,
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The sector method's constants per key, with the user's declared materials on top."""
    keys, tables = sector.key_constants(declared.recognise(keys) if declared else keys, method, lib)
    return (declared.apply(keys) if declared else keys), tables


def _firm_years(groups: pl.DataFrame) -> pl.DataFrame:
    """Every firm-year read, accounted or rejected."""
    return groups.select("firm_id", pl.col("year").cast(pl.Int32))


def _library(library: FactorLibrary | None, method: Method) -> FactorLibrary:
    """The library of the run; a fuel set it does not have is an error, not zero CO2."""
    lib = library or default_library()
    for set_id in method.combustion_sets or ():
        lib.get(set_id)
    return lib


def _library_soon(library: FactorLibrary | None, method: Method) -> Callable[[], FactorLibrary]:
    """The library of the run, when needed. The shipped one, if still to be loaded (a fresh
    process), is loaded on a thread while the pass reads the data, which it is not needed for."""
    if library is not None or method.combustion_sets or default_library.cache_info().currsize:
        lib = _library(library, method)
        return lambda: lib
    loader = ThreadPoolExecutor(1, thread_name_prefix="carbonacct-factors")
    loading = loader.submit(default_library)
    loader.shutdown(wait=False)
    return loading.result


def validate(readings: TableLike | Sequence[TableLike], **options: Any) -> Footprint:
    """Run the checks of :func:`footprint` and return its result for its quality report.

    Same parameters as :func:`footprint`; use ``.quality`` and ``.rejects``.
    """
    return footprint(readings, **options)


def _reading_options(method: Method, firms: pl.DataFrame | None = None) -> ReadingOptions:
    # the reading layer takes the Method itself at the merge of the new readings module
    return ReadingOptions(
        period=method.period,
        steam_enthalpy=method.steam_enthalpy_kJ_per_kg,
        steam_feedwater_enthalpy=method.steam_feedwater_enthalpy_kJ_per_kg,
        rollover_fraction=method.rollover_fraction,
        check_duplicates=method.check_duplicates,
        timezone=method.timezone,
        interval_label=method.interval_label,
        firms=frozenset(firms["firm_id"].drop_nulls().to_list()) if firms is not None else None,
    )


def _quality(
    scan: Scan,
    groups: pl.DataFrame,
    keys: pl.DataFrame,
    warnings: list[str],
    co2_missing: dict[str, int],
    method: Method,
    run: RunOptions,
    source: Source,
) -> tuple[QualityReport, pl.LazyFrame, pl.DataFrame]:
    """The quality report, the plan of the rejected rows, and the gaps per meter.

    In strict mode any reject raises; with ``require_complete`` any gap does.
    """
    measured = scan.gaps if isinstance(scan, _kernel.FastScan) else None  # by the fast path
    with reading_errors(source.name, source.files):
        gaps = measured if measured is not None else meter_gaps(scan.rows)
        gaps, unaccepted = without_accepted_rows(gaps, scan.rows, groups)
        unaccepted += leading_zero_meters(gaps, scan.rows, scan.layout)
        unaccepted += future_readings(gaps, scan.rows, scan.layout, groups)
        unaccepted += future_periods(groups, method.period)
        refuse_overlapping_periods(groups, scan.rows, source.name)
    if run.require_complete:
        require_gaps_closed(gaps, source.name)
    unit_notes = sorted(set(keys["unit_note"].drop_nulls().to_list()))
    warnings = [*scan.warnings, *unit_notes, *unaccepted, *gap_warnings(gaps), *warnings]
    quality = quality_report(reason_counts(groups), warnings, co2_missing)
    plan = reject_plan(scan, groups, method.period)
    if run.strict and quality.rows_rejected:
        _raise_strict(quality, plan)
    return quality, plan, gaps


def _check_by(by: Sequence[str], green_electricity: TableLike | None) -> None:
    for b in by:
        if b not in BY_COLUMNS:
            raise OptionError(f"by={b!r} is not one of {BY_COLUMNS}.", option="by", value=b)
    if green_electricity is not None and by:
        raise OptionError(
            "green_electricity (market-based scope 2) applies to firm totals; use by=().",
            option="by",
            value=tuple(by),
        )


def _measured(
    data: TableLike | None,
    sector: SectorMethod,
    method: Method,
    lib: Callable[[], FactorLibrary],
) -> tuple[pl.DataFrame | None, Source | None]:
    """The measured fuel parameters, and their source (recorded in the provenance)."""
    if data is None:
        return None, None
    frame, src = read_fuel_parameters(data)
    return sector.measured(frame, src.name, method, lib()), src


def _years(groups: pl.DataFrame) -> tuple[int, ...]:
    """The data years of the readings."""
    return tuple(sorted(y for y in groups["year"].unique().to_list() if y is not None and y > 0))


def _aggregate(
    readings: TableLike | Sequence[TableLike],
    options: ReadingOptions,
    by: Sequence[str],
    run: RunOptions,
) -> tuple[Scan, pl.DataFrame, Source]:
    """The one pass over the data: row-level checks, then sums per group."""
    parts, source = read_readings(
        readings, checksum=run.checksum, encoding=run.encoding, sheet=run.sheet, strict=run.strict
    )
    extra = tuple(b for b in by if b != "carrier")
    if run.engine == "dask":
        from carbonacct.distributed import dask_groups

        run.say("reading and aggregating on the cluster")
        groups, dups, labels = dask_groups(readings, options, extra, run.client)
        same = len(labels[0]) == len(parts)  # else read otherwise here: decided again
        scan = scan_readings(parts, source, options, dups, labels if same else None)
        return scan, groups, source
    run.say("checking keys, periods and duplicates")
    with reading_errors(source.name, source.files):
        parts = parsed_parts(parts, options.timezone)  # large text parsed once, for both paths
        if fast := _kernel.try_fast(parts, source, options, extra):  # typed Parquet
            return fast[1], fast[0], source
        scan = scan_readings(parts, source, options)
        run.say("reading and aggregating")
        engine: Literal["streaming", "in-memory"] = (
            "streaming" if run.engine == "streaming" else "in-memory"
        )
        return scan, aggregate_readings(scan.rows, extra).collect(engine=engine), source


def _combine(
    groups: pl.DataFrame,
    keys: pl.DataFrame,
    firm_year: pl.DataFrame,
    measured: pl.DataFrame | None,
    by: Sequence[str],
    method: Method,
    sector: SectorMethod,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Aggregated values × key constants (× the firm-year grid factor) = the summed columns.

    Also the rows without a CO2 factor per carrier: their energy is summed, their CO2 is not.
    """
    summed = [c[2:] for c in keys.columns if c.startswith("k_")]
    group = ["firm_id", "year", "sub", *by]
    t = groups.filter(pl.col("reason").is_null()).drop(KEY_COLUMNS)
    key_cols = ["key_id", "carrier", "_burns", "_fuel", "to_canonical", "flow_n", "use_n"]
    t = t.join(
        keys.select(*key_cols, "amount_unit", *(f"k_{c}" for c in summed)), on="key_id", how="left"
    )
    on = ["firm_id", "year"] if "firm_id" in firm_year.columns else ["year"]
    t = t.join(firm_year.select(*on, "grid_ef"), on=on, how="left")
    if measured is not None:
        t = sector.apply_measured(t, measured, method)
    # no CO2 factor: a fuel without one, or electricity of a firm-year without a grid factor
    # (a data year before 2021, a firm without a province); the energy is counted all the same
    no_grid = (pl.col("carrier") == "electricity") & pl.col("grid_ef").is_null()
    gap = (pl.col("_burns") & pl.col("k_co2_combustion_t").is_null()) | no_grid
    t = t.with_columns(gap.alias("_co2_gap"), pl.col("k_co2_combustion_t").fill_null(0.0))
    missing = t.filter(pl.col("_co2_gap")).group_by("carrier").agg(pl.col("rows").sum())
    values = [(pl.col("_sum") * pl.col(f"k_{c}")).alias(c) for c in summed]
    values[summed.index("co2_electricity_t")] = (
        pl.col("_sum") * pl.col("k_co2_electricity_t") * pl.col("grid_ef").fill_null(0.0)
    ).alias("co2_electricity_t")
    aggs = [
        *(pl.col(c).sum() for c in summed),
        pl.col("rows").sum(),
        pl.col("rows").filter(pl.col("_co2_gap")).sum().alias("rows_co2_missing"),
    ]
    if "carrier" in group:  # per carrier, the net activity in the carrier's canonical unit
        sign = pl.when(pl.col("flow_n") == "out").then(-1.0).otherwise(1.0)
        values.append((pl.col("_sum") * pl.col("to_canonical") * sign).alias("activity"))
        aggs += [pl.col("activity").sum(), pl.col("amount_unit").first().alias("activity_unit")]
    table = t.with_columns(values).group_by(group).agg(*aggs)
    return table, {str(c): int(n) for c, n in missing.iter_rows()}


def _assemble(
    table: pl.DataFrame,
    groups: pl.DataFrame,
    method: Method,
    by: Sequence[str],
    sector: SectorMethod,
) -> pl.DataFrame:
    """Rejected rows per firm-period (and site or meter), the period label, the column order."""
    on = ["firm_id", "year", "sub", *(b for b in by if b != "carrier")]
    rejected = (
        groups.filter(
            pl.col("reason").is_not_null()
            & pl.col("firm_id").is_not_null()
            & pl.col("year").is_not_null()
        )
        .group_by(on)
        .agg(pl.col("rows").sum().alias("rows_rejected"))
        # rows without a period of the requested length (a year's figure in a monthly run)
        .filter(period_label(pl.col("year"), pl.col("sub"), method.period).is_not_null())
    )
    # a period whose every row was rejected keeps its row (no figures: "—"), so that the
    # table's rows and rows_rejected add up to the quality report's
    table = (
        table.join(rejected, on=on, how="full", coalesce=True, nulls_equal=True)
        .with_columns(
            period_label(pl.col("year"), pl.col("sub"), method.period).alias("period"),
            *(pl.col(c).fill_null(0) for c in ("rows", "rows_co2_missing")),
            pl.col("rows_rejected").fill_null(0).cast(pl.UInt32),
        )
        .drop("year", "sub")
    )
    keys = ["firm_id", "period", *by]
    per_carrier = ["activity", "activity_unit"] if "carrier" in by else []
    extra = [*sector.result_columns(method)]
    extra += ["co2_carbon_products_t"] if "co2_carbon_products_t" in table.columns else []
    counts = [pl.col("rows"), pl.col("rows_rejected"), pl.col("rows_co2_missing").cast(pl.UInt32)]
    return table.select(*keys, *per_carrier, *RESULT_COLUMNS, *extra, *counts).sort(keys)


def _side_results(
    table: pl.DataFrame,
    activity: TableLike | None,
    green_electricity: TableLike | None,
    method: Method,
    by: Sequence[str],
    lib: FactorLibrary,
) -> tuple[
    pl.DataFrame,
    pl.DataFrame | None,
    list[str],
    list[pl.DataFrame],
    dict[str, Any],
    pl.DataFrame | None,
]:
    """Market-based scope 2 and intensities, each from its side table (with the activity rows
    refused)."""
    warnings: list[str] = []
    used: list[pl.DataFrame] = []
    inputs: dict[str, Source | None] = {"activity": None, "green_electricity": None}
    if green_electricity is not None:
        green, inputs["green_electricity"] = read_green_electricity(
            green_electricity, method.period
        )
        table, warn, residual = market_based(table, green, lib)
        warnings += warn
        used.append(residual)
    per_product, rejects = None, None
    if activity is not None:
        read = read_activity(activity, method.period)
        inputs["activity"], rejects = read.source, read.rejects
        table, per_product = intensities(table, read.frame, by)
        warnings += read.warnings
    return table, per_product, warnings, used, inputs, rejects


def _provenance(
    method: Method,
    lib: FactorLibrary,
    used: pl.DataFrame,
    inputs: dict[str, Source | None],
    quality: QualityReport,
    labels: Any,
) -> Provenance:
    """The run's record; the readings' interval labels kept with their source."""
    gwp = set()
    if method.gwp_set is not None:
        gwp = {f"ipcc-gwp100@{lib.get('ipcc-gwp100').manifest.version}"}
    provenance = Provenance.record(
        method=method.to_dict(),
        factor_sets=factor_sets(used, gwp),
        gwp_set=method.gwp_set,
        inputs={
            k: inputs[k]
            for k in (
                "readings",
                "firms",
                "activity",
                "green_electricity",
                "materials",
                "fuel_parameters",
            )
            if k in inputs and (k not in ("materials", "fuel_parameters") or inputs[k] is not None)
        },
        quality=quality.record(),
    )
    provenance["inputs"]["readings"]["interval_labels"] = labels
    return provenance


def _raise_strict(quality: QualityReport, plan: pl.LazyFrame) -> None:
    rejects = plan.collect()
    raise RejectedRowsError(
        f"{quality.rows_rejected} row(s) rejected (strict mode):"
        + format_rows(
            rejects.select("file", "row", "column", "value", "reject_reason").head(5).to_dicts()
        ),
        file=str(rejects["file"][0]),
        row=int(rejects["row"][0]),
        column=str(rejects["column"][0]),
        rows_rejected=quality.rows_rejected,
    )
