"""The footprint: energy (GB/T 2589) and CO2 (GB/T 32150) of firms by period.

:func:`footprint` runs the whole flow as one lazy polars plan::

    read -> validate -> normalise units -> join factors -> aggregate

and returns a :class:`Footprint` with the result table, the rejected rows,
the quality report (rows in = rows accounted + rows rejected), the factors
used with their sources, and the provenance of the run.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from carbonacct.completeness import gap_warnings, meter_gaps
from carbonacct.completeness import require_complete as require_gaps_closed
from carbonacct.emissions import (
    combustion_table,
    grid_table,
    heat_factor,
    process_table,
)
from carbonacct.energy import standard_coal_table
from carbonacct.errors import CarbonacctError, InputError, OptionError, format_rows
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.io import Source, TableLike, read_readings, read_side_table, write_result
from carbonacct.options import Method, RunOptions, split_old_options
from carbonacct.readings import (
    GROUP_KEYS,
    KEY_COLUMNS,
    NOTE_CODES,
    PERIODS,
    REASON_CODES,
    REJECT_REASONS,
    Period,
    ReadingOptions,
    _code,
    aggregate_readings,
    key_table,
    period_label,
    reject_rows,
    scan_readings,
)
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import region_code

__all__ = [
    "BY_COLUMNS",
    "RESULT_COLUMNS",
    "Footprint",
    "Method",
    "QualityReport",
    "footprint",
    "validate",
]

#: Numeric result columns, each with its unit in the name.
RESULT_COLUMNS = (
    "energy_tce",
    "energy_feedstock_tce",
    "energy_excl_feedstock_tce",
    "energy_media_tce",
    "co2_combustion_t",
    "co2_process_t",
    "co2_scope1_t",
    "co2_electricity_t",
    "co2_heat_t",
    "co2_scope2_t",
    "co2_t",
    "electricity_in_MWh",
    "electricity_out_MWh",
    "heat_in_GJ",
    "heat_out_GJ",
)
BY_COLUMNS = ("site_id", "carrier", "meter_id")


@dataclass
class QualityReport:
    """Every input row accounted or rejected, with the reasons."""

    rows_in: int
    rows_accounted: int
    rows_rejected: int
    rejected_by_reason: dict[str, int]
    notes: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_accounted + self.rows_rejected

    def summary(self) -> str:
        lines = [
            f"rows in {self.rows_in} = accounted {self.rows_accounted} + rejected "
            f"{self.rows_rejected}" + ("" if self.balanced else "  (NOT BALANCED)"),
        ]
        for reason, n in sorted(self.rejected_by_reason.items(), key=lambda kv: -kv[1]):
            lines.append(f"  rejected {n:>10}  {reason}: {REJECT_REASONS.get(reason, '')}")
        for note, n in sorted(self.notes.items()):
            lines.append(f"  note     {n:>10}  {note}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def to_frame(self) -> pl.DataFrame:
        rows: list[tuple[str, str | None, int | None]] = [
            ("rows_in", None, self.rows_in),
            ("rows_accounted", None, self.rows_accounted),
            ("rows_rejected", None, self.rows_rejected),
        ]
        rows += [("rejected", r, n) for r, n in sorted(self.rejected_by_reason.items())]
        rows += [("note", r, n) for r, n in sorted(self.notes.items())]
        rows += [("warning", w, None) for w in self.warnings]
        return pl.DataFrame(
            rows, schema={"item": pl.String, "detail": pl.String, "rows": pl.Int64}, orient="row"
        )


@dataclass
class Footprint:
    """The result of :func:`footprint`.

    Attributes
    ----------
    table : polars.DataFrame
        One row per firm and period (and ``by`` keys): the columns of
        :data:`RESULT_COLUMNS`, ``rows``, ``rows_rejected``, and intensities
        where activity was given.
    quality : QualityReport
    factors_used : polars.DataFrame
        Every factor applied, with its source.
    intensities : polars.DataFrame or None
        Per product: output, energy and CO2 per unit of output.
    provenance : dict
        Factor sets with versions, GWP set, method, inputs and checksums.
    """

    table: pl.DataFrame
    quality: QualityReport
    factors_used: pl.DataFrame
    provenance: dict[str, Any]
    intensities: pl.DataFrame | None = None
    reject_plan: pl.LazyFrame | None = field(default=None, repr=False)
    completeness: pl.DataFrame | None = None
    _rejects: pl.DataFrame | None = field(default=None, repr=False)

    @property
    def rejects(self) -> pl.DataFrame:
        """The rejected input rows, with ``row_nr`` and ``reject_reason``.

        Read on first access, by a second pass over the input (the footprint
        itself needs one pass); the counts are in :attr:`quality` already.
        """
        if self._rejects is None:
            self._rejects = (
                self.reject_plan.collect() if self.reject_plan is not None else pl.DataFrame()
            )
        return self._rejects

    def to_pandas(self, *, units: bool = False) -> Any:
        """The table as pandas; with ``units=True`` numeric columns become pint-pandas arrays."""
        df = self.table.to_pandas()
        if not units:
            return df
        import pint_pandas  # optional dependency: pip install carbonacct[pint-pandas]

        from carbonacct.io import column_unit
        from carbonacct.units import parse_unit, ureg

        pint_pandas.PintType.ureg = ureg
        for col in df.columns:
            unit = column_unit(col)
            if unit is not None:
                # pint-pandas units cannot carry a scale (万元): fold it into the magnitudes
                q = parse_unit(unit)
                df[col] = pint_pandas.PintArray(
                    df[col].to_numpy(dtype=float) * q.magnitude, dtype=str(q.units)
                )
        return df

    def tables(self) -> dict[str, pl.DataFrame]:
        out = {"footprint": self.table}
        if self.intensities is not None:
            out["intensities"] = self.intensities
        out.update(factors=self.factors_used, quality=self.quality.to_frame(), rejects=self.rejects)
        return out

    def write(self, path: str | Path) -> list[Path]:
        """Write the result with its units and provenance.

        ``.parquet`` and ``.csv`` hold the footprint table (the quality counts
        are in the provenance); ``.json`` and ``.xlsx`` hold every table,
        the rejected rows included (which reads the input a second time).
        """
        if Path(path).suffix.lower() in (".parquet", ".csv"):
            return write_result({"footprint": self.table}, path, self.provenance)
        return write_result(self.tables(), path, self.provenance)


def _read_firms(firms: TableLike | None) -> tuple[pl.DataFrame | None, Source | None]:
    if firms is None:
        return None, None
    frame, src = read_side_table(firms, ("firm_id",), "the firms table")
    frame = frame.with_columns(pl.col("firm_id").cast(pl.String).str.strip_chars())
    if "province" in frame.columns:
        provinces = []
        for i, value in enumerate(frame["province"].cast(pl.String).to_list(), start=1):
            try:
                provinces.append(region_code(value) if value not in (None, "") else None)
            except CarbonacctError as exc:
                raise InputError(
                    f"{src.name}, row {i}, column 'province': {exc}",
                    file=src.name,
                    row=i,
                    column="province",
                    value=value,
                ) from None
        frame = frame.with_columns(pl.Series("province", provinces, dtype=pl.String))
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("province"))
    dupes = frame.filter(pl.col("firm_id").is_duplicated())
    if dupes.height:
        raise InputError(
            f"{src.name}: firm_id repeated:{format_rows(dupes.head(5).to_dicts())}",
            file=src.name,
            row=None,
            column="firm_id",
        )
    for col in ("name", "sector"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    return frame.select("firm_id", "name", "province", pl.col("sector").cast(pl.String)), src


def footprint(
    readings: TableLike | Sequence[TableLike],
    *,
    firms: TableLike | None = None,
    activity: TableLike | None = None,
    fuel_parameters: TableLike | None = None,
    green_electricity: TableLike | None = None,
    by: Sequence[str] = (),
    method: Method = Method(),
    run: RunOptions = RunOptions(),
    library: FactorLibrary | None = None,
    **old_options: Any,
) -> Footprint:
    """Energy and CO2 of firms by period, from meter and fuel readings.

    Parameters
    ----------
    readings : path or frame, or a list of them
        Long-format readings (see :mod:`carbonacct.readings`); several
        sources are concatenated.
    firms : path or frame, optional
        ``firm_id``, ``name``, ``province`` (name, GB/T 2260 or ISO code),
        ``sector`` (GB/T 4754 code). Needed for provincial and regional grid
        factors.
    activity : path or frame, optional
        ``firm_id``, ``period``, ``metric`` (``value_added`` or a product
        code), ``value``, ``unit`` (e.g. 万元, t): gives intensities.
    fuel_parameters : path or frame, optional
        Measured fuel parameters per firm overriding the defaults, as
        GB/T 32150 allows: ``firm_id``, ``carrier``, ``parameter`` (``ncv``,
        ``carbon_content``, ``oxidation_rate``), ``value``, ``unit``.
    green_electricity : path or frame, optional
        Contracted green electricity (market-traded green power or green
        certificates): ``firm_id``, ``period``, ``value``, ``unit``. Adds the
        market-based scope 2: green power at zero, the rest at the national
        factor excluding market-traded non-fossil power of the data year
        (MEE/NBS guidance to the factor announcements).
    period : {'year', 'quarter', 'month'}
    by : sequence of {'site_id', 'carrier', 'meter_id'}
        Further breakdown of the result.
    grid_factor : str or float
        ``provincial`` (default), ``regional``, ``national``,
        ``national_excl_market``, ``ets``, or a value [tCO2/MWh].
    energy_basis : {'equivalent', 'equal'}
        Electricity on the 当量值 (default) or 等价值 basis.
    electricity_equal_value : float, optional
        Coal rate of power supply for ``energy_basis='equal'`` [kgce/kWh].
    combustion_sets : sequence of str, optional
        Fuel parameter sets (default ``gbt32151-2024``; ``ndrc-2013`` or
        ``ipcc-2006`` on request).
    gwp_set : {'SAR', 'AR4', 'AR5', 'AR6'}, optional
        Adds CH4 and N2O from combustion (IPCC 2006) and ``co2e_t``.
    steam_enthalpy, steam_feedwater_enthalpy : float, optional
        [kJ/kg]; steam given by mass becomes heat = t × (h − h_fw) / 1000 GJ.
    include_media : bool
        Count energy-consuming media (water, compressed air, oxygen) in
        ``energy_tce``; they are always reported in ``energy_media_tce``.
    tce_from_ncv : bool
        A fuel without a tabulated coefficient (LNG) gets NCV / 29.3076.
    check_duplicates : bool
        Reject repeated readings of one meter at one time.
    timezone : str
        Local time zone of the firms (IANA name, default Asia/Shanghai): naive
        timestamps are local time, aware ones are converted to it.
    interval_label : {'auto', 'start', 'end'}
        Whether interval readings are labelled by interval start or end
        (``auto`` detects the obvious case and otherwise assumes the start,
        with a warning).
    encoding : str, optional
        Encoding of CSV inputs (default: detected, UTF-8 or GB18030).
    sheet : str, optional
        The Excel sheet to read (default: every sheet that holds readings).
    require_complete : bool
        Raise :class:`InputError` when a meter has gaps (readings missing
        against its dominant step, or months missing in monthly data);
        otherwise the gaps are listed in the quality warnings and in
        ``Footprint.completeness``.
    strict : bool
        Raise :class:`InputError` on any rejected row instead of reporting it.
    library : FactorLibrary, optional
        Factor library (default: the shipped sets).
    engine : {'streaming', 'in-memory', 'dask'}
        ``streaming`` and ``in-memory`` are polars engines on this machine;
        ``dask`` aggregates each Parquet partition in a task on a Dask cluster
        (``client``) and combines the partial sums exactly (see
        :mod:`carbonacct.distributed`).
    client : distributed.Client, optional
        The Dask client for ``engine='dask'``.
    checksum : bool
        Record the SHA-256 of the input files in the provenance.
    progress : callable, optional
        Called with the name of each phase as it starts (for a progress display).

    Returns
    -------
    Footprint

    References
    ----------
    GB/T 2589-2020 (综合能耗); GB/T 32150-2015 and GB/T 32151.x (CO2 from
    combustion, purchased electricity and heat); MEE/NBS electricity CO2
    factors 2021–2023.
    """
    method, run = split_old_options("footprint", method, run, old_options)
    for b in by:
        if b not in BY_COLUMNS:
            raise OptionError(f"by={b!r} is not one of {BY_COLUMNS}.", option="by", value=b)
    period, grid_factor = method.period, method.grid_factor
    energy_basis, gwp_set = method.energy_basis, method.gwp_set
    combustion_sets, include_media = method.combustion_sets, method.include_media
    engine, client, progress, strict = run.engine, run.client, run.progress, run.strict
    lib = library or default_library()
    parts, source = read_readings(
        readings, checksum=run.checksum, encoding=run.encoding, sheet=run.sheet
    )
    firm_frame, firm_source = _read_firms(firms)
    needs_province = method.needs_province
    heat = heat_factor(lib)
    overrides = _fuel_overrides(fuel_parameters, lib, combustion_sets)
    options = ReadingOptions(
        period=period,
        steam_enthalpy=method.steam_enthalpy_kJ_per_kg,
        steam_feedwater_enthalpy=method.steam_feedwater_enthalpy_kJ_per_kg,
        rollover_fraction=method.rollover_fraction,
        check_duplicates=method.check_duplicates,
        timezone=method.timezone,
        interval_label=method.interval_label,
    )

    # the one pass over the data: row-level checks, then sums per group
    say = progress or (lambda phase: None)
    group_by_extra = tuple(b for b in by if b != "carrier")
    if engine == "dask":
        from carbonacct.distributed import dask_groups

        say("reading and aggregating on the cluster")
        groups, dups = dask_groups(readings, options, group_by_extra, client)
        scan = scan_readings(parts, source, options, duplicates=dups)
    else:
        say("checking keys, periods and duplicates")
        scan = scan_readings(parts, source, options)
        say("reading and aggregating")
        plan_engine: Literal["streaming", "in-memory"] = (
            "streaming" if engine == "streaming" else "in-memory"
        )
        groups = _collect(aggregate_readings(scan.rows, group_by_extra), plan_engine, source)

    # everything else runs on the small table of groups
    say("applying factors")
    keys_table = key_table(groups, options)
    unit_notes = sorted(set(keys_table["unit_note"].drop_nulls().to_list()))
    codes = keys_table["carrier"].drop_nulls().unique().to_list()
    cats = dict(keys_table.select("carrier", "category").drop_nulls().iter_rows())
    of = lambda *kinds: [c for c in codes if cats[c] in kinds]  # noqa: E731
    energy = standard_coal_table(
        codes,
        basis=energy_basis,
        electricity_equal_value=method.electricity_equal_value_kgce_per_kWh,
        tce_from_ncv=method.tce_from_ncv,
        library=lib,
    )
    combustion = combustion_table(
        of(*_FUEL), library=lib, sets=combustion_sets, non_co2=gwp_set is not None
    )
    process = process_table(of("carbonate"), library=lib)
    keys_table = _key_constants(
        keys_table,
        {"energy": energy, "combustion": combustion, "process": process},
        heat.to("tCO2/GJ"),
        include_media,
    )
    if needs_province and "electricity" in codes and firm_frame is None:
        raise InputError(
            f"grid_factor={grid_factor!r} needs each firm's province: pass firms= (a table with "
            "firm_id and province), or choose grid_factor='national'.",
            file=source.name,
            row=None,
            column="province",
        )
    years = tuple(sorted(y for y in groups["year"].unique().to_list() if y is not None and y > 0))
    provinces = firm_frame["province"].unique().to_list() if firm_frame is not None else [None]
    grid = grid_table(provinces if needs_province else [None], years, grid_factor, library=lib)
    firm_year = _firm_year(firm_frame, grid, years, needs_province)
    groups = _decide(groups, keys_table, firm_year, firm_frame is not None)

    labels = {v: k for k, v in REASON_CODES.items()}
    notes = {v: k for k, v in NOTE_CODES.items()}
    counts_df = (
        groups.group_by("reason", "note")
        .agg(pl.col("rows").sum().alias("n"))
        .with_columns(
            pl.col("reason")
            .replace_strict(labels, default=None, return_dtype=pl.String)
            .alias("reject_reason"),
            pl.col("note").replace_strict(notes, default=None, return_dtype=pl.String),
        )
    )
    accepted = groups.filter(pl.col("reason").is_null())
    group_by = ["firm_id", "year", "sub", *by]
    table = _combine(
        accepted.drop(KEY_COLUMNS),
        keys_table,
        firm_year,
        overrides,
        group_by,
        firm_frame is not None,
        gwp_set,
    )
    rejected_per_key = (
        groups.filter(
            pl.col("reason").is_not_null()
            & pl.col("firm_id").is_not_null()
            & pl.col("year").is_not_null()
        )
        .group_by("firm_id", "year", "sub")
        .agg(pl.col("rows").sum().alias("rows_rejected"))
    )
    table = table.join(rejected_per_key, on=["firm_id", "year", "sub"], how="left")
    table = table.with_columns(
        period_label(pl.col("year"), pl.col("sub"), period).alias("period")
    ).drop("year", "sub")
    reject_plan = _reject_plan(scan, groups, period)
    keys = ["firm_id", "period", *by]
    extra: list[str] = []
    if gwp_set is not None:
        gwp = {g: lib.resolve("gwp100", g, variant=gwp_set).value for g in ("CH4", "N2O")}
        table = table.with_columns(
            (pl.col("co2_t") + pl.col("ch4_t") * gwp["CH4"] + pl.col("n2o_t") * gwp["N2O"]).alias(
                "co2e_t"
            )
        )
        extra = ["ch4_t", "n2o_t", "co2e_t"]
    table = table.with_columns(pl.col("rows_rejected").fill_null(0).cast(pl.UInt32))
    per_carrier = ["activity", "activity_unit"] if "carrier" in by else []
    table = table.select(
        *keys, *per_carrier, *RESULT_COLUMNS, *extra, "rows", "rows_rejected"
    ).sort(keys)

    gaps = meter_gaps(scan.rows)
    if run.require_complete:
        require_gaps_closed(gaps, source.name)
    intensities = None
    warnings: list[str] = [*scan.warnings, *unit_notes, *gap_warnings(gaps)]
    green_src = None
    if green_electricity is not None:
        if by:
            raise ValueError(
                "green_electricity (market-based scope 2) applies to firm totals; use by=()."
            )
        table, green_src, warn, market_factors = _market_based(
            table, green_electricity, period, lib
        )
        warnings += warn
    if activity is not None:
        table, intensities, activity_src, warn = _intensities(table, activity, period, by)
        warnings += warn
    else:
        activity_src = None

    quality = _quality(counts_df, warnings, grid, energy, combustion, codes)
    if strict and quality.rows_rejected:
        rejects_df = reject_plan.collect()
        raise InputError(
            f"{source.name}: {quality.rows_rejected} row(s) rejected (strict mode):"
            + format_rows(
                rejects_df.select("file", "row", "column", "value", "reject_reason")
                .head(5)
                .to_dicts()
            ),
            file=str(rejects_df["file"][0]),
            row=int(rejects_df["row"][0]),
            column=str(rejects_df["column"][0]),
        )
    used_pairs = table.select(
        "firm_id", pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year")
    )
    if firm_frame is not None and needs_province:
        used_pairs = used_pairs.join(
            firm_frame.select("firm_id", "province"), on="firm_id", how="left"
        )
    else:
        used_pairs = used_pairs.with_columns(pl.lit(None, dtype=pl.String).alias("province"))
    grid_used = grid.join(
        used_pairs.select("province", "year").unique(),
        on=["province", "year"],
        how="semi",
        nulls_equal=True,
    )
    factors_used = _factors_used(energy, combustion, grid_used, heat, codes, overrides, process)
    if green_electricity is not None:
        factors_used = pl.concat([factors_used, market_factors], how="vertical_relaxed")
    provenance = {
        "carbonacct": _version(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "method": method.to_dict(),
        "factor_sets": sorted(
            {s for v in factors_used["factor_set"].drop_nulls() for s in v.split(",")}
            | ({f"ipcc-gwp100@{lib.get('ipcc-gwp100').manifest.version}"} if gwp_set else set())
        ),
        "gwp_set": gwp_set,
        "inputs": {
            "readings": source.record() | {"interval_labels": scan.labels},
            "firms": firm_source.record() if firm_source else None,
            "activity": activity_src.record() if activity_src else None,
            "green_electricity": green_src.record() if green_src else None,
        },
        "quality": {
            "rows_in": quality.rows_in,
            "rows_accounted": quality.rows_accounted,
            "rows_rejected": quality.rows_rejected,
        },
    }
    return Footprint(table, quality, factors_used, provenance, intensities, reject_plan, gaps)


def validate(readings: TableLike | Sequence[TableLike], **options: Any) -> Footprint:
    """Run the checks of :func:`footprint` and return its result for its quality report.

    Same parameters as :func:`footprint`; use ``.quality`` and ``.rejects``.
    """
    return footprint(readings, **options)


def _version() -> str:
    from carbonacct import __version__

    return __version__


_FUEL = ("solid_fuel", "liquid_fuel", "gas_fuel")
#: Result columns summed from the readings, each a constant per key times the value.
SUMMED = (
    "energy_tce",
    "energy_feedstock_tce",
    "energy_media_tce",
    "co2_combustion_t",
    "co2_process_t",
    "co2_electricity_t",
    "co2_heat_t",
    "electricity_in_MWh",
    "electricity_out_MWh",
    "heat_in_GJ",
    "heat_out_GJ",
    "ch4_t",
    "n2o_t",
)


def _key_constants(
    keys: pl.DataFrame, tables: dict[str, pl.DataFrame], heat_ef: float, include_media: bool
) -> pl.DataFrame:
    """Per key: what one unit of the row's value adds to each result column.

    Every contribution is linear in the value: value × to_canonical × sign ×
    factor, the factor depending only on the key (carrier, unit, flow, use,
    kind); the grid factor, which depends on firm and year, is applied after
    aggregation (``k_co2_electricity_t`` is per tCO2/MWh of grid factor).
    Also adds ``r_factor`` (missing factor) and ``_needs_grid``.
    """
    k = (
        keys.join(tables["energy"].select("carrier", "tce_per_unit"), on="carrier", how="left")
        .join(
            tables["combustion"].select("carrier", "co2_per_unit", "ch4_per_unit", "n2o_per_unit"),
            on="carrier",
            how="left",
        )
        .join(tables["process"].select("carrier", "process_per_unit"), on="carrier", how="left")
    )
    cat = pl.col("category")
    fuel, elec, media = cat.is_in(_FUEL), cat == "electricity", cat == "medium"
    heat, carbonate = cat.is_in(["heat", "steam"]), cat == "carbonate"
    burns = fuel & (pl.col("use_n") == "fuel")
    counts_energy = fuel | elec | heat | (media & include_media)
    into, out = pl.col("flow_n") == "in", pl.col("flow_n") == "out"
    signed = pl.when(out).then(-1.0).otherwise(1.0) * pl.col("to_canonical")
    amount = pl.col("to_canonical")
    tce = signed * pl.col("tce_per_unit")
    parts = {
        "energy_tce": (counts_energy, tce),
        "energy_feedstock_tce": (counts_energy & (pl.col("use_n") == "feedstock"), tce),
        "energy_media_tce": (media, tce),
        "co2_combustion_t": (burns, signed * pl.col("co2_per_unit")),
        "co2_process_t": (carbonate, signed * pl.col("process_per_unit")),
        "co2_electricity_t": (elec, signed),
        "co2_heat_t": (heat, signed * heat_ef),
        "electricity_in_MWh": (elec & into, amount),
        "electricity_out_MWh": (elec & out, amount),
        "heat_in_GJ": (heat & into, amount),
        "heat_out_GJ": (heat & out, amount),
        "ch4_t": (burns, signed * pl.col("ch4_per_unit").fill_null(0.0)),
        "n2o_t": (burns, signed * pl.col("n2o_per_unit").fill_null(0.0)),
    }
    missing = (
        (pl.col("tce_per_unit").is_null() & counts_energy)
        | (carbonate & pl.col("process_per_unit").is_null())
        | (burns & pl.col("co2_per_unit").is_null())
    )
    return k.with_columns(
        *(pl.when(c).then(e).otherwise(0.0).alias(f"k_{name}") for name, (c, e) in parts.items()),
        pl.when(missing.fill_null(False))
        .then(_code("missing_factor"))
        .otherwise(None)
        .alias("r_factor"),
        elec.fill_null(False).alias("_needs_grid"),
        fuel.fill_null(False).alias("_is_fuel"),
    )


def _decide(
    groups: pl.DataFrame, keys: pl.DataFrame, firm_year: pl.DataFrame, by_firm: bool
) -> pl.DataFrame:
    """The final reason of each group: the first failing check, row-level, key-level or firm-level."""
    key_cols = keys.select(
        *(pl.col(f"raw_{c}").alias(c) for c in KEY_COLUMNS),
        "key_id",
        "kind_n",
        "r_carrier",
        "r_unit",
        "r_fuk",
        "r_steam",
        "r_factor",
        "_needs_grid",
    )
    g = groups.join(key_cols, on=list(KEY_COLUMNS), how="left", nulls_equal=True)
    if by_firm:
        g = g.join(firm_year, on=["firm_id", "year"], how="left")
        unknown = pl.col("_known").is_null() & pl.col("firm_id").is_not_null()
    else:
        g = g.join(firm_year.select("year", "grid_ef"), on="year", how="left")
        unknown = pl.lit(False)
    candidates = [
        pl.col("row_reason"),
        pl.col("r_carrier"),
        pl.col("r_unit"),
        pl.col("r_fuk"),
        pl.col("r_steam"),
        pl.when((pl.col("kind_n") == "register") & ~pl.col("has_ts")).then(
            _code("register_without_timestamp")
        ),
        pl.when(unknown).then(_code("unknown_firm")),
        pl.col("r_factor"),
        pl.when(pl.col("_needs_grid") & pl.col("grid_ef").is_null()).then(_code("missing_factor")),
    ]
    return g.with_columns(pl.min_horizontal(*candidates).alias("reason")).drop(
        "kind_n",
        "r_carrier",
        "r_unit",
        "r_fuk",
        "r_steam",
        "r_factor",
        "_needs_grid",
        "grid_ef",
        *(["_known"] if by_firm else []),
    )


def _collect(plan: pl.LazyFrame, engine: Any, source: Source) -> pl.DataFrame:
    """Run the pass over the data; a file that breaks while read is named, not a traceback."""
    try:
        return plan.collect(engine=engine)
    except pl.exceptions.ComputeError as exc:
        text = str(exc).strip().splitlines()[0]
        if "more fields than defined" in text:
            text = (
                "a row has more fields than the header (an unquoted comma in a value such "
                'as 1,234.5? quote it: "1,234.5")'
            )
        raise InputError(
            f"{source.name}: {text}", file=source.name, row=None, column=None
        ) from None


def _reject_plan(scan: Any, groups: pl.DataFrame, period: Period) -> pl.LazyFrame:
    """The rejected input rows with their reasons: a second pass, run only when asked for."""
    bad = (
        groups.filter(pl.col("reason").is_not_null())
        .select(*GROUP_KEYS, "reason")
        .unique(list(GROUP_KEYS))
    )
    return reject_rows(scan.rows, bad, scan.layout, period)


def _firm_year(
    firms: pl.DataFrame | None, grid: pl.DataFrame, years: tuple[int, ...], needs_province: bool
) -> pl.DataFrame:
    """Per firm and year (or per year without a firms table): known flag and grid factor."""
    grid_by_year = grid.select(pl.col("province"), pl.col("year").cast(pl.Int32), "grid_ef")
    if firms is None:
        return grid_by_year.drop("province")
    frame = firms.select("firm_id", "province").join(
        pl.DataFrame({"year": list(years)}, schema={"year": pl.Int32}), how="cross"
    )
    if needs_province:
        frame = frame.join(grid_by_year, on=["province", "year"], how="left", nulls_equal=True)
    else:
        frame = frame.join(grid_by_year.drop("province"), on="year", how="left")
    return frame.select("firm_id", "year", "grid_ef", pl.lit(True).alias("_known"))


def _combine(
    agg: pl.DataFrame,
    keys: pl.DataFrame,
    firm_year: pl.DataFrame,
    overrides: pl.DataFrame | None,
    group: list[str],
    by_firm: bool,
    gwp_set: str | None,
) -> pl.DataFrame:
    """Aggregated values × key constants (× the firm-year grid factor) = the result columns."""
    k_cols = [f"k_{c}" for c in SUMMED]
    t = agg.join(
        keys.select(
            "key_id",
            "carrier",
            "_is_fuel",
            "to_canonical",
            "flow_n",
            "use_n",
            "amount_unit",
            *k_cols,
        ),
        on="key_id",
        how="left",
    )
    on = ["firm_id", "year"] if by_firm else ["year"]
    t = t.join(firm_year.select(*on, "grid_ef"), on=on, how="left")
    if overrides is not None:  # measured fuel parameters of a firm replace the default EF
        sign = pl.when(pl.col("flow_n") == "out").then(-1.0).otherwise(1.0)
        t = t.join(
            overrides.select("firm_id", "carrier", pl.col("co2_per_unit").alias("_ef")),
            on=["firm_id", "carrier"],
            how="left",
        ).with_columns(
            pl.when(pl.col("_ef").is_not_null() & pl.col("_is_fuel") & (pl.col("use_n") == "fuel"))
            .then(sign * pl.col("to_canonical") * pl.col("_ef"))
            .otherwise(pl.col("k_co2_combustion_t"))
            .alias("k_co2_combustion_t")
        )
    values = [(pl.col("_sum") * pl.col(f"k_{c}")).alias(c) for c in SUMMED]
    values[SUMMED.index("co2_electricity_t")] = (
        pl.col("_sum") * pl.col("k_co2_electricity_t") * pl.col("grid_ef").fill_null(0.0)
    ).alias("co2_electricity_t")
    aggs = [*(pl.col(c).sum() for c in SUMMED), pl.col("rows").sum()]
    if "carrier" in group:  # per carrier, the net activity in the carrier's canonical unit
        sign = pl.when(pl.col("flow_n") == "out").then(-1.0).otherwise(1.0)
        values.append((pl.col("_sum") * pl.col("to_canonical") * sign).alias("activity"))
        aggs += [pl.col("activity").sum(), pl.col("amount_unit").first().alias("activity_unit")]
    table = t.with_columns(values).group_by(group).agg(*aggs)
    table = table.with_columns(
        (pl.col("energy_tce") - pl.col("energy_feedstock_tce")).alias("energy_excl_feedstock_tce"),
        (pl.col("co2_combustion_t") + pl.col("co2_process_t")).alias("co2_scope1_t"),
        (pl.col("co2_electricity_t") + pl.col("co2_heat_t")).alias("co2_scope2_t"),
    ).with_columns((pl.col("co2_scope1_t") + pl.col("co2_scope2_t")).alias("co2_t"))
    return table if gwp_set is not None else table.drop("ch4_t", "n2o_t")


def _fuel_overrides(
    data: TableLike | None, lib: FactorLibrary, sets: Sequence[str] | None
) -> pl.DataFrame | None:
    """Per-firm composite factors from measured fuel parameters (GB/T 32150 allows them)."""
    if data is None:
        return None
    from carbonacct.emissions import combustion_factor
    from carbonacct.vocabulary import carrier_code, carrier_info

    frame, src = read_side_table(
        data, ("firm_id", "carrier", "parameter", "value", "unit"), "fuel parameters"
    )
    frame = frame.with_columns(pl.all().exclude("row").cast(pl.String))
    rows = []
    for (firm, carrier), group in frame.group_by(["firm_id", "carrier"], maintain_order=True):
        code = str(carrier_code(str(carrier)))
        local = lib.copy()
        try:
            local.register(
                group.select(
                    "parameter",
                    pl.lit(code).alias("subject"),
                    "value",
                    "unit",
                    pl.lit(f"{src.name}").alias("source"),
                ),
                set_id=f"measured:{firm}:{code}",
                document=f"measured by {firm} ({src.name})",
            )
            base = list(sets) if sets else ["gbt32151-2024"]
            cf = combustion_factor(code, library=local, sets=[f"measured:{firm}:{code}", *base])
        except CarbonacctError as exc:
            raise InputError(
                f"{src.name}, firm {firm}, carrier {carrier}: {exc}",
                file=src.name,
                row=int(group["row"][0]),
                column="value",
            ) from None
        unit = carrier_info(code)["canonical_unit"]
        rows.append(
            {
                "firm_id": firm,
                "carrier": code,
                "co2_per_unit": cf.to(f"tCO2/{unit}"),
                "source": "; ".join(
                    f"{f.parameter} {f.value} {f.unit} ({f.set_id})" for f in cf.parameters
                ),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "firm_id": pl.String,
            "carrier": pl.String,
            "co2_per_unit": pl.Float64,
            "source": pl.String,
        },
    )


def _factors_used(
    energy: pl.DataFrame,
    combustion: pl.DataFrame,
    grid: pl.DataFrame,
    heat: Any,
    codes: list[str],
    overrides: pl.DataFrame | None,
    process: pl.DataFrame,
) -> pl.DataFrame:
    """Every factor applied, one row each: factor, carrier, scope, value, unit, source, set."""

    def used(
        frame: pl.DataFrame,
        factor: str,
        value: str,
        unit: str,
        source: pl.Expr | str,
        carrier: pl.Expr | str = "carrier",
        scope: pl.Expr | None = None,
        factor_set: pl.Expr | str = "factor_set",
    ) -> pl.DataFrame:
        return frame.filter(pl.col(value).is_not_null()).select(
            pl.lit(factor).alias("factor"),
            (pl.col(carrier) if isinstance(carrier, str) else carrier).alias("carrier"),
            (scope if scope is not None else pl.lit(None, dtype=pl.String)).alias("scope"),
            pl.col(value).alias("value"),
            pl.lit(unit).alias("unit"),
            (pl.col(source) if isinstance(source, str) else source).alias("source"),
            (pl.col(factor_set) if isinstance(factor_set, str) else factor_set).alias("factor_set"),
        )

    parts = [
        used(energy, "tce_coefficient", "tce_per_unit", "tce per canonical unit", "tce_source"),
        used(combustion, "combustion_co2", "co2_per_unit", "tCO2 per canonical unit", "co2_source"),
        used(process, "process_co2", "process_per_unit", "tCO2/t", "process_source"),
    ]
    if "electricity" in codes:
        scope = pl.concat_str(
            [pl.col("province").fill_null("-"), pl.col("year").cast(pl.String)], separator=" "
        )
        source = pl.concat_str(
            [pl.col("grid_source"), pl.col("grid_fallback")], separator="; ", ignore_nulls=True
        )
        parts.append(
            used(grid, "grid_co2", "grid_ef", "tCO2/MWh", source, pl.lit("electricity"), scope)
        )
    if {"heat", "steam"} & set(codes):
        h = pl.DataFrame(
            {
                "value": [heat.to("tCO2/GJ")],
                "source": [f"{heat.set_label}: {heat.citation}"],
                "factor_set": [heat.set_label],
            }
        )
        parts.append(used(h, "heat_co2", "value", "tCO2/GJ", "source", pl.lit("heat")))
    if overrides is not None:
        parts.append(
            used(
                overrides,
                "combustion_co2_measured",
                "co2_per_unit",
                "tCO2 per canonical unit",
                "source",
                scope=pl.col("firm_id"),
                factor_set=pl.lit("measured"),
            )
        )
    return pl.concat(parts, how="vertical_relaxed")


def _quality(
    counts: pl.DataFrame,
    warnings: list[str],
    grid: pl.DataFrame,
    energy: pl.DataFrame,
    combustion: pl.DataFrame,
    codes: list[str],
) -> QualityReport:
    total = int(counts["n"].sum())
    rej = (
        counts.filter(pl.col("reject_reason").is_not_null())
        .group_by("reject_reason")
        .agg(pl.col("n").sum())
    )
    notes = counts.filter(pl.col("reject_reason").is_null() & pl.col("note").is_not_null())
    rejected = {r: int(n) for r, n in rej.iter_rows()}
    warn = list(warnings)
    if "electricity" in codes:
        for f in grid["grid_fallback"].drop_nulls().unique().sort().to_list():
            warn.append(f"grid factor: {f}")
    for row in energy.filter(pl.col("tce_source").str.starts_with("NCV")).iter_rows(named=True):
        warn.append(f"{row['carrier']}: no tabulated GB/T 2589 coefficient; {row['tce_source']}")
    return QualityReport(
        rows_in=total,
        rows_accounted=total - sum(rejected.values()),
        rows_rejected=sum(rejected.values()),
        rejected_by_reason=rejected,
        notes={n: int(c) for n, c in notes.group_by("note").agg(pl.col("n").sum()).iter_rows()},
        warnings=warn,
    )


def _period_rows(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Typed firm_id, value, unit, and the period label at ``period`` with its granularity rank."""
    from carbonacct.readings import parse_period

    label, rank = parse_period(pl.col("period"), period)
    return frame.with_columns(
        pl.col("firm_id").cast(pl.String).str.strip_chars(),
        pl.col("value").cast(pl.Float64, strict=False),
        pl.col("unit").cast(pl.String).str.strip_chars(),
        label.alias("period_label"),
        rank.alias("_rank"),
    )


def _intensities(
    table: pl.DataFrame, activity: TableLike, period: Period, by: Sequence[str]
) -> tuple[pl.DataFrame, pl.DataFrame, Source, list[str]]:
    """Join value added (intensity columns) and products (a long table) onto the result."""
    frame, src = read_side_table(
        activity, ("firm_id", "period", "metric", "value", "unit"), "activity"
    )
    frame = _period_rows(frame, period).with_columns(
        pl.col("metric").cast(pl.String).str.strip_chars()
    )
    bad = frame.filter(
        pl.col("value").is_null() | pl.col("_rank").is_null() | pl.col("unit").is_null()
    )
    if bad.height:
        r = bad.row(0, named=True)
        raise InputError(
            f"{src.name}, row {r['row']}: activity needs a numeric value, a unit and a "
            f"period like 2024 or 2024Q1 (got {r['value']!r}, {r['unit']!r}, {r['period']!r}).",
            file=src.name,
            row=r["row"],
            column="value",
        )
    warnings = []
    coarse = frame.filter(pl.col("_rank") > PERIODS.index(period))
    if coarse.height:
        warnings.append(
            f"{coarse.height} activity row(s) cover a longer period than '{period}'; "
            "no intensity is computed for them"
        )
        frame = frame.filter(pl.col("_rank") <= PERIODS.index(period))
    factors = {}
    for metric, unit in frame.select("metric", "unit").unique().iter_rows():
        target = "万元" if metric == "value_added" else _product_unit(unit)
        try:
            factors[(metric, unit)] = (conversion_factor(unit, target), target)
        except CarbonacctError as exc:
            raise InputError(
                f"{src.name}: metric {metric!r} unit {unit!r}: {exc}",
                file=src.name,
                row=None,
                column="unit",
            ) from None
    conv = pl.DataFrame(
        [
            {"metric": m, "unit": u, "_f": f, "activity_unit": t}
            for (m, u), (f, t) in factors.items()
        ],
        schema={
            "metric": pl.String,
            "unit": pl.String,
            "_f": pl.Float64,
            "activity_unit": pl.String,
        },
    )
    frame = (
        frame.join(conv, on=["metric", "unit"], how="left")
        .with_columns((pl.col("value") * pl.col("_f")).alias("activity"))
        .group_by("firm_id", "period_label", "metric", "activity_unit")
        .agg(pl.col("activity").sum())
    )
    totals = (
        table
        if not by
        else table.group_by("firm_id", "period").agg(pl.col("energy_tce", "co2_t").sum())
    )
    va = frame.filter(pl.col("metric") == "value_added").select(
        "firm_id",
        pl.col("period_label").alias("period"),
        pl.col("activity").alias("value_added_cny10k"),
    )
    if not by:
        table = table.join(va, on=["firm_id", "period"], how="left").with_columns(
            (pl.col("energy_tce") / pl.col("value_added_cny10k")).alias(
                "energy_intensity_tce_per_cny10k"
            ),
            (pl.col("co2_t") / pl.col("value_added_cny10k")).alias("co2_intensity_t_per_cny10k"),
        )
    products = frame.filter(pl.col("metric") != "value_added").rename(
        {"period_label": "period", "metric": "product", "activity": "output"}
    )
    intensities = (
        products.join(
            totals.select("firm_id", "period", "energy_tce", "co2_t"),
            on=["firm_id", "period"],
            how="left",
        )
        .with_columns(
            (pl.col("energy_tce") * 1000 / pl.col("output")).alias("energy_per_output_kgce"),
            (pl.col("co2_t") / pl.col("output")).alias("co2_per_output_t"),
        )
        .select(
            "firm_id",
            "period",
            "product",
            "output",
            pl.col("activity_unit").alias("output_unit"),
            "energy_per_output_kgce",
            "co2_per_output_t",
        )
        .sort("firm_id", "period", "product")
    )
    return table, intensities, src, warnings


def _market_based(
    table: pl.DataFrame, green: TableLike, period: Period, lib: FactorLibrary
) -> tuple[pl.DataFrame, Source, list[str], pl.DataFrame]:
    """Market-based scope 2: contracted green power at zero, the rest at the residual factor."""
    frame, src = read_side_table(green, ("firm_id", "period", "value", "unit"), "green electricity")
    frame = _period_rows(frame, period)
    bad = frame.filter(
        pl.col("value").is_null()
        | pl.col("_rank").is_null()
        | (pl.col("_rank") > PERIODS.index(period))
        | (pl.col("value") < 0)
    )
    if bad.height:
        r = bad.row(0, named=True)
        raise InputError(
            f"{src.name}, row {r['row']}: green electricity needs a non-negative value and a period "
            f"no longer than '{period}' (got {r['value']!r}, {r['period']!r}).",
            file=src.name,
            row=r["row"],
            column="value",
        )
    factor = {u: conversion_factor(u, "MWh") for u in frame["unit"].unique().to_list()}
    frame = frame.with_columns(
        (pl.col("value") * pl.col("unit").replace_strict(factor)).alias("mwh")
    )
    green_sum = frame.group_by("firm_id", pl.col("period_label").alias("period")).agg(
        pl.col("mwh").sum().alias("green_electricity_MWh")
    )
    years = sorted({int(p[:4]) for p in table["period"].to_list()})
    residual = [
        lib.resolve(
            "co2_factor", "electricity", region="CN", year=y, variant="excl_market_nonfossil"
        )
        for y in years
    ]
    res = pl.DataFrame(
        {"year": years, "residual_ef": [f.to("tCO2/MWh") for f in residual]},
        schema={"year": pl.Int32, "residual_ef": pl.Float64},
    )
    net = pl.col("electricity_in_MWh") - pl.col("electricity_out_MWh")
    table = (
        table.join(green_sum, on=["firm_id", "period"], how="left")
        .with_columns(
            pl.col("green_electricity_MWh").fill_null(0.0),
            pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        )
        .join(res, on="year", how="left")
        .with_columns(
            (
                pl.max_horizontal(net - pl.col("green_electricity_MWh"), 0.0)
                * pl.col("residual_ef")
            ).alias("co2_electricity_market_t")
        )
        .with_columns(
            (pl.col("co2_electricity_market_t") + pl.col("co2_heat_t")).alias("co2_scope2_market_t")
        )
        .drop("year", "residual_ef")
    )
    warnings = [f"market-based residual factor: {f.fallback}" for f in residual if f.fallback]
    over = table.filter(pl.col("green_electricity_MWh") > net)
    if over.height:
        warnings.append(
            f"{over.height} firm-period(s) contract more green power than they use net; "
            "the excess is not credited"
        )
    used = pl.DataFrame(
        {
            "factor": "grid_co2_residual",
            "carrier": "electricity",
            "scope": [f"CN {f.year}" for f in residual],
            "value": [f.value for f in residual],
            "unit": "tCO2/MWh",
            "source": [f"{f.set_label}: {f.citation}" for f in residual],
            "factor_set": [f.set_label for f in residual],
        }
    )
    return table, src, warnings, used


def _product_unit(unit: str) -> str:
    """Products in mass are reported per t; other units (m2, pieces) as given."""
    from carbonacct.units import parse_unit

    return "t" if parse_unit(unit).dimensionality == parse_unit("t").dimensionality else unit
