"""`carbonacct footprint` and `carbonacct validate`: energy and CO2 from readings."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

import carbonacct

from ._config import method_extras, stamp
from ._output import emit, emit_result, format_option
from ._quality import show_quality

_BY_ALIASES = {
    "site": "site_id",
    "meter": "meter_id",
    "site_id": "site_id",
    "meter_id": "meter_id",
    "carrier": "carrier",
}


_HEADLINE = (
    "firm_id",
    "period",
    "site_id",
    "carrier",
    "meter_id",
    "energy_tce",
    "energy_feedstock_tce",
    "co2_scope1_t",
    "co2_carbon_products_t",
    "co2_scope2_t",
    "co2_t",
    "co2e_t",
    "energy_intensity_tce_per_cny10k",
    "co2_intensity_t_per_cny10k",
    "rows",
    "rows_rejected",
)


def _by(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    out = []
    for part in value.split(","):
        key = part.strip()
        if key not in _BY_ALIASES:
            raise click.BadParameter(f"{key!r} is not one of site, carrier, meter.")
        out.append(_BY_ALIASES[key])
    return tuple(out)


_GRID_MODES = ("provincial", "regional", "national", "national_excl_market", "ets")


def _grid_factor(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A mode or a number: anything else is a usage error (exit 2), like any bad choice."""
    if value in _GRID_MODES:
        return value
    try:
        float(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not one of {', '.join(_GRID_MODES)} or a number [tCO2/MWh]."
        ) from None
    return value


#: How long to wait for a Dask scheduler to answer.
SCHEDULER_TIMEOUT = "10s"


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """tcp://HOST:PORT or local:N (N ≥ 1 workers): anything else is a usage error."""
    if value is None or value.startswith(("tcp://", "tls://", "inproc://")):
        return value
    kind, _, n = value.partition(":")
    if kind == "local" and n.isdigit() and int(n) >= 1:
        return value
    raise click.BadParameter(f"{value!r} is not tcp://HOST:PORT or local:N (N workers, N ≥ 1).")


def _factor_sets(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """Shipped fuel-parameter sets only: another id is a usage error naming the ids there are."""
    if not value:  # nothing to check: the library is loaded while the data are read
        return value
    from carbonacct.factors import default_library

    known = sorted(default_library().sets)
    unknown = [v for v in value if v not in known]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r} is not a factor set; choose from {', '.join(known)}."
        )
    return value


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import codecs

    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(
            f"{value!r} is not a text encoding; use e.g. utf-8, gb18030 (GBK) or utf-16."
        ) from None
    return value


def _check_options() -> list[Callable[..., Any]]:
    """The options of the checks and of what they do with the rows they refuse."""
    return [
        click.option(
            "--require-complete",
            is_flag=True,
            help="Fail when a meter has gaps (missing intervals or months).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help=(
                "Fail on any rejected row (exit 4), and on an input column that is not read but"
                " looks like a key or the reading kind (户号, 表号, 类型 of 累计 words: exit 1)."
            ),
        ),
        click.option(
            "--no-duplicate-check",
            "no_duplicate_check",
            is_flag=True,
            help=(
                "Skip the check for repeated meter readings (a second pass over the data);"
                " register (cumulative) readings at one time are still compared."
            ),
        ),
        click.option(
            "--rejects",
            "rejects_path",
            type=click.Path(dir_okay=False),
            help="Write the rejected rows, with their reasons: .csv, .xlsx, .json or .parquet.",
        ),
    ]


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by `footprint` and `validate`."""
    options = [
        click.argument("readings", nargs=-1, required=True, type=click.Path(exists=True)),
        click.option(
            "--firms",
            type=click.Path(exists=True, dir_okay=False),
            help="Firms table: firm_id, name, province, sector.",
        ),
        click.option(
            "--period",
            type=click.Choice(["year", "quarter", "month"]),
            default="year",
            show_default=True,
        ),
        click.option(
            "--grid-factor",
            default="provincial",
            show_default=True,
            callback=_grid_factor,
            help="provincial, regional, national, national_excl_market, ets, or a value in tCO2/MWh.",
        ),
        click.option(
            "--factor-set",
            "factor_sets",
            multiple=True,
            callback=_factor_sets,
            help="Fuel parameter set(s), e.g. ndrc-2013 or ipcc-2006 (default gbt32151-2024).",
        ),
        click.option(
            "--steam-enthalpy", type=float, help="Steam enthalpy [kJ/kg] for steam given by mass."
        ),
        click.option(
            "--steam-feedwater-enthalpy",
            type=float,
            help="Feed-water enthalpy deducted [kJ/kg] (the NDRC formula uses 83.74).",
        ),
        click.option(
            "--encoding",
            callback=_encoding,
            help="Encoding of CSV readings (default: detected, UTF-8 or GB18030/GBK).",
        ),
        click.option("--sheet", help="The Excel sheet to read (default: every sheet of readings)."),
        click.option(
            "--timezone",
            default="Asia/Shanghai",
            show_default=True,
            help="Local time zone of the firms: naive timestamps are local time.",
        ),
        click.option(
            "--interval-label",
            type=click.Choice(["auto", "start", "end"]),
            default="auto",
            show_default=True,
            help="Interval readings labelled by interval start or end (grid curves: 00:15 … 24:00).",
        ),
        *_check_options(),
    ]
    for option in reversed(options):
        func = option(func)
    return func


#: footprint() arguments that are inputs or run options, not method fields.
_INPUTS = ("activity", "fuel_parameters", "green_electricity", "materials", "by")
_RUN = ("engine", "client", "encoding", "sheet", "require_complete")


def _run(
    readings: tuple[str, ...],
    firms: str | None,
    period: str,
    grid_factor: str,
    factor_sets: tuple[str, ...],
    steam_enthalpy: float | None,
    steam_feedwater_enthalpy: float | None,
    strict: bool,
    no_duplicate_check: bool,
    **more: Any,
) -> carbonacct.Footprint:
    inputs = {k: more.pop(k) for k in _INPUTS if k in more}
    run = {k: more.pop(k) for k in _RUN if k in more}
    method = carbonacct.Method(
        period=period,  # type: ignore[arg-type]  # click.Choice keeps it to the allowed values
        grid_factor=grid_factor,  # type: ignore[arg-type]  # a mode or a number, checked by Method
        combustion_sets=tuple(factor_sets) or None,
        steam_enthalpy_kJ_per_kg=steam_enthalpy,
        steam_feedwater_enthalpy_kJ_per_kg=steam_feedwater_enthalpy,
        check_duplicates=not no_duplicate_check,
        electricity_equal_value_kgce_per_kWh=more.pop("electricity_equal_value", None),
        **more,
        **method_extras(),  # fields only the project file sets (coal_types...)
    )
    with _Progress() as progress:
        result = carbonacct.footprint(
            list(readings),
            firms=firms,
            method=method,
            run=carbonacct.RunOptions(strict=strict, progress=progress.phase, **run),
            **inputs,
        )
    stamp(result.provenance)
    return result


class _Progress:
    """Phases of a run as a progress bar on stderr, only when stderr is a terminal."""

    PHASES = (
        "checking keys, periods and duplicates",
        "reading and aggregating",
        "applying factors",
    )

    def __init__(self) -> None:
        self.bar: Any = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("starting", total=len(self.PHASES))

    def phase(self, name: str) -> None:
        if self.bar is not None:
            done = self.PHASES.index(name) if name in self.PHASES else 0
            self.bar.update(self.task, description=name, completed=done)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _write_rejects(result: carbonacct.Footprint, path: str | None) -> None:
    if not path:
        return
    # by the suffix, as Footprint.write_rejects writes them: .csv with the BOM Excel needs,
    # formula-like text made inert and the JSON of provenance beside it; .csv and .parquet
    # written batch by batch
    result.write_rejects(path)
    click.echo(f"{result.quality.rows_rejected} rejected row(s) written to {path}", err=True)


@click.command()
@input_options
@click.option(
    "--activity",
    type=click.Path(exists=True, dir_okay=False),
    help="Activity table: firm_id, period, metric (value_added or a product), value, unit.",
)
@click.option(
    "--fuel-parameters",
    type=click.Path(exists=True, dir_okay=False),
    help="Measured NCV, carbon content, oxidation rate per firm and carrier.",
)
@click.option(
    "--materials",
    type=click.Path(exists=True, dir_okay=False),
    help="Carriers not shipped, declared: carrier, category, unit, parameter, value, value_unit, "
    "source (carbon products: readings with flow=out, deducted from scope 1).",
)
@click.option(
    "--by", "by", help="Break down further by site, carrier and/or meter (comma-separated)."
)
@click.option(
    "--energy-basis",
    type=click.Choice(["equivalent", "equal"]),
    default="equivalent",
    show_default=True,
    help="Electricity at 当量值 or 等价值.",
)
@click.option(
    "--electricity-equal-value",
    type=float,
    help="Coal rate of power supply [kgce/kWh] for --energy-basis equal.",
)
@click.option(
    "--gwp-set",
    type=click.Choice(["SAR", "AR4", "AR5", "AR6"]),
    help="Add CH4 and N2O from combustion and co2e_t under this GWP set.",
)
@click.option(
    "--include-media", is_flag=True, help="Count water, compressed air, oxygen in energy_tce."
)
@click.option(
    "--green-electricity",
    type=click.Path(exists=True, dir_okay=False),
    help="Contracted green electricity (firm_id, period, value, unit): adds market-based scope 2.",
)
@click.option(
    "--scheduler",
    callback=_scheduler,
    help="Run on Dask: tcp://HOST:PORT of a scheduler, or local:N for N local workers.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the result: .csv (+ .json sidecar), .parquet, .json or .xlsx.",
)
@format_option
def footprint(
    readings: tuple[str, ...],
    activity: str | None,
    fuel_parameters: str | None,
    materials: str | None,
    by: str | None,
    energy_basis: str,
    electricity_equal_value: float | None,
    gwp_set: str | None,
    include_media: bool,
    output: str | None,
    fmt: str,
    rejects_path: str | None,
    **common: Any,
) -> None:
    """Energy (tce, GB/T 2589) and CO2 (GB/T 32150) of each firm and period.

    READINGS: one or more CSV, Parquet (file or directory) or Excel files of
    meter and fuel readings (firm_id, carrier, value, unit, timestamp or period).
    """
    scheduler = common.pop("scheduler", None)
    with _dask_client(scheduler) if scheduler else contextlib.nullcontext() as client:
        if client is not None:
            common.update(engine="dask", client=client)
        result = _run(
            readings,
            activity=activity,
            fuel_parameters=fuel_parameters,
            materials=materials,
            by=_by(by),
            energy_basis=energy_basis,
            electricity_equal_value=electricity_equal_value,
            gwp_set=gwp_set,
            include_media=include_media,
            **common,
        )
        _write_rejects(result, rejects_path)
        if output:
            for path in result.write(output):
                click.echo(f"wrote {path}", err=True)
        elif fmt == "table":
            # a terminal gets the headline columns; csv/json and -o get them all
            _show_table(result, fmt)
            warn_negative(result.table)
        else:
            emit_result(result, fmt)  # the same document as -o out.csv|json
        sys.stdout.flush()
        show_quality(result)


def _people_columns(table: Any) -> list[str]:
    """The headline columns, and the count of rows without a CO2 factor where there are any
    (a CO2 total that leaves some rows out says so beside the figure)."""
    missing = "rows_co2_missing" in table.columns and bool(table["rows_co2_missing"].sum())
    return [c for c in table.columns if c in _HEADLINE or (missing and c == "rows_co2_missing")]


def _show_table(result: Any, fmt: str) -> None:
    """The footprint for people: headline columns, rejects once per firm and period."""
    import shutil

    from ._output import words

    shown = rejects_once(for_people(result.table).select(_people_columns(result.table)))
    emit(
        # rounded for people by unit in emit; the full values are in csv/json/-o
        shown,
        fmt,
        title=f"{words('footprint_title')} ({result.provenance['method']['label']})",
    )
    if shown["rows_rejected"].null_count() if "rows_rejected" in shown.columns else 0:
        width = shutil.get_terminal_size((80, 24)).columns
        click.echo(click.wrap_text(words("rejects_once_note"), width=max(40, width - 1)))


def rejects_once(table: Any) -> Any:
    """``rows_rejected`` on the first row of each firm and period only: it counts the firm's
    rejected rows in the period (a rejected row's carrier, site or meter may be unreadable),
    so repeating it on every carrier row would read as more rejects than there are."""
    import polars as pl

    keys = [c for c in ("firm_id", "period") if c in table.columns]
    if "rows_rejected" not in table.columns or not keys:
        return table
    first = pl.int_range(pl.len()).over(keys) == 0
    return table.with_columns(
        pl.when(first).then(pl.col("rows_rejected")).otherwise(None).alias("rows_rejected")
    )


def for_people(table: Any) -> Any:
    """CO2 of a row whose every input row lacks a CO2 factor is missing (shown —), not 0 t."""
    import polars as pl
    import polars.selectors as cs

    if "rows_co2_missing" not in table.columns or "rows" not in table.columns:
        return table
    none = (pl.col("rows_co2_missing") > 0) & (pl.col("rows_co2_missing") >= pl.col("rows"))
    return table.with_columns(
        pl.when(none).then(None).otherwise(c).name.keep()
        for c in table.select(cs.starts_with("co2") & cs.float()).columns
    )


def warn_negative(table: Any) -> None:
    """A negative total (more delivered out than used) is a warning on stderr, never silent."""
    import polars as pl

    for column in ("energy_tce", "co2_t"):
        if column not in table.columns:
            continue
        keys = [c for c in ("firm_id", "period", "carrier") if c in table.columns]
        for r in table.filter(pl.col(column) < 0).iter_rows(named=True):
            where = ", ".join(str(r[k]) for k in keys)
            click.echo(
                f"warning: {where}: {column} is negative ({r[column]:.6g}): more delivered out "
                "(exported) than used; check the flow of the export rows",
                err=True,
            )


def _dask_client(scheduler: str) -> Any:
    """A Dask client (a context manager): tcp://HOST:PORT of a running scheduler, or local:N
    workers on this machine, shut down with the client."""
    from distributed import Client, LocalCluster

    if scheduler.startswith("local:"):
        cluster = LocalCluster(
            n_workers=int(scheduler.split(":", 1)[1]),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the scheduler's HTTP server (health routes) still starts, on
            # port 8787 unless told: a free port, so a busy 8787 is not warned about
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )
        return _closing_both(Client(cluster), cluster)
    try:
        return Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    except OSError as exc:  # no input file is at fault: say what could not be reached
        raise click.ClickException(
            f"could not reach the Dask scheduler at {scheduler} ({exc}); start it "
            "(`dask scheduler`) or run with --scheduler local:N."
        ) from None


@click.command()
@input_options
@format_option
def validate(readings: tuple[str, ...], fmt: str, rejects_path: str | None, **common: Any) -> None:
    """Check readings and print the quality report: every row accounted or rejected, and why.

    Without --firms the readings alone are checked (the national grid factor stands in for
    the provincial ones, which need each firm's province).
    """
    if common.get("firms") is None and common.get("grid_factor") == "provincial":
        common["grid_factor"] = "national"
    result = _run(readings, **common)
    _write_rejects(result, rejects_path)
    if fmt == "table":
        click.echo(result.quality.summary())  # the report is this command's output
        if result.rejects.height:
            emit(
                result.rejects.head(20).select("file", "row", "column", "value", "reject_reason"),
                fmt,
                title=f"First rejected rows (of {result.rejects.height})",
            )
    else:
        emit(result.quality.to_frame(), fmt)


__all__ = ["footprint", "validate"]


@contextlib.contextmanager
def _closing_both(client: Any, cluster: Any) -> Iterator[Any]:
    """The client, then its local cluster, closed (a Client given a cluster leaves it running:
    its worker processes and their semaphores outlived the run)."""
    try:
        with client:
            yield client
    finally:
        cluster.close()
