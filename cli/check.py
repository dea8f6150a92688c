"""`carbonacct check`: firms against carbon-peak pathways and benchmark levels."""

from __future__ import annotations

import sys

import click
import polars as pl

import carbonacct

from ._check_view import show
from ._config import method_extras, stamp
from ._errors import fail_on_option, raise_findings
from ._output import emit_result, format_option, words
from ._quality import quality_of, show_quality


@click.command()
@click.option(
    "--firms",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Firms table: firm_id, name, province, sector (GB/T 4754-2017).",
)
@click.option(
    "--footprint",
    "footprint_path",
    type=click.Path(exists=True),
    help="Yearly footprint results with intensities (a file written by `carbonacct footprint`).",
)
@click.option(
    "--readings",
    multiple=True,
    type=click.Path(exists=True),
    help="Readings to run the footprint on instead (repeat for several files).",
)
@click.option(
    "--activity",
    type=click.Path(exists=True, dir_okay=False),
    help="Value added and output (with --readings).",
)
@click.option(
    "--actuals",
    type=click.Path(exists=True, dir_okay=False),
    help="Values given directly: firm_id, year, metric, value, unit[, product, output].",
)
@click.option(
    "--pathway",
    "pathways",
    multiple=True,
    help="Pathway id or file (repeat); default every shipped Chinese pathway.",
)
@click.option(
    "--year",
    type=int,
    help="Check this year only (default: every year, reported at each firm's latest year with data).",
)
@click.option(
    "--price-basis",
    help="Prices of the value added where the data do not say: constant:2020 or current.",
)
@click.option(
    "--deflator",
    type=click.Path(exists=True, dir_okay=False),
    help="Price index (year, index) to compare value added at different prices.",
)
@click.option(
    "--steam-enthalpy", type=float, help="Steam enthalpy [kJ/kg] for readings of steam by mass."
)
@click.option(
    "--fuel-parameters",
    type=click.Path(exists=True, dir_okay=False),
    help="Measured NCV, carbon content, oxidation rate per firm and carrier (with --readings).",
)
@click.option(
    "--green-electricity",
    type=click.Path(exists=True, dir_okay=False),
    help="Green electricity certificates (绿证) per firm and year: firm_id, period, value, unit "
    "(with --readings).",
)
@click.option(
    "--exclusions",
    type=click.Path(exists=True, dir_okay=False),
    help="Dual-control exclusion rules of your own (a CSV with its manifest); default the "
    "shipped rules (发改环资〔2022〕803号 feedstock, 〔2024〕113号 绿证 electricity).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write all tables: .xlsx, .json, or .csv/.parquet (the firms table: one row per firm); "
    ".html: the regulator's summary page (as `carbonacct report --summary`).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Write the regulator's summary page (.html): firms worst first, follow-up, status by "
    "year, charts; in the language of --lang.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 4 on any rejected row: a reading the footprint rejects (nothing is checked), or "
    "a row of actuals or activity the check refuses (after the output is written).",
)
@format_option
@fail_on_option
def check(
    firms: str,
    footprint_path: str | None,
    readings: tuple[str, ...],
    activity: str | None,
    actuals: str | None,
    pathways: tuple[str, ...],
    year: int | None,
    price_basis: str | None,
    deflator: str | None,
    steam_enthalpy: float | None,
    fuel_parameters: str | None,
    green_electricity: str | None,
    exclusions: str | None,
    output: str | None,
    report_path: str | None,
    fmt: str,
    fail_on: tuple[str, ...],
    strict: bool,
) -> None:
    """Check each firm against the pathways and the 标杆/基准 levels; print the summary."""
    if not (footprint_path or readings or actuals):
        raise click.UsageError("Give --footprint, --readings or --actuals.")
    if output:
        _writable(output)  # before the work, not after it
    if report_path and not report_path.lower().endswith(_PAGES):
        raise click.UsageError(f"--report {report_path}: the summary page is written as .html.")
    common = {
        "pathways": list(pathways) or None,
        "year": year,
        "price_basis": price_basis,
        "deflator": deflator,
        "actuals": actuals,
        "exclusions": exclusions,
    }
    if readings:
        if not activity:
            raise click.UsageError("--readings needs --activity (value added and output).")
        from carbonacct.workflows import check_from_readings

        result = check_from_readings(
            list(readings),
            firms,
            activity,
            method=carbonacct.Method(steam_enthalpy_kJ_per_kg=steam_enthalpy, **method_extras()),
            fuel_parameters=fuel_parameters,
            green_electricity=green_electricity,
            **({"run": carbonacct.RunOptions(strict=True)} if strict else {}),
            **common,
        )
    else:
        if fuel_parameters or green_electricity:
            raise click.UsageError(
                "--fuel-parameters and --green-electricity apply to --readings (the footprint "
                "the check runs); a --footprint or --actuals already holds its figures."
            )
        result = carbonacct.check(firms, footprint=footprint_path, **common)
    stamp(result.provenance)
    _write(result, output, report_path)
    _show_quality(result)
    if fmt != "table":
        emit_result(result, fmt)
        _raise_refused(result, strict)
        raise_findings(_statuses(result), fail_on)
        return
    show(result, output)
    sys.stdout.flush()
    _raise_refused(result, strict)
    raise_findings(_statuses(result), fail_on)


_PAGES = (".html", ".htm")


def _writable(output: str) -> None:
    """Refuse an -o the check cannot write (its type, a missing directory) before it runs."""
    from pathlib import Path

    from carbonacct.io.writers import WRITERS

    out = Path(output)
    known = sorted([*WRITERS, *_PAGES])
    if out.suffix.lower() not in known:
        raise click.UsageError(
            f"{output}: the check writes {', '.join(known)} (.html: the regulator's summary "
            f"page); {out.suffix or 'no suffix'} is none of them."
        )
    if not out.parent.is_dir():
        raise click.UsageError(
            f"{output}: the directory {out.parent} does not exist; create it first or write "
            "elsewhere."
        )


def _write(result: carbonacct.CheckResult, output: str | None, report: str | None) -> None:
    """The tables (``-o``; an .html -o is the summary page) and the regulator's summary page
    (``--report``), each named on stderr."""
    if output and not output.lower().endswith(_PAGES):
        for path in result.write(output):
            click.echo(f"wrote {path}", err=True)
    for page in {p for p in (output, report) if p and p.lower().endswith(_PAGES)}:
        from carbonacct.reports import summary_report

        from ._check_view import BINDING
        from ._output import current_lang

        # every binding breach on the page too, as on the terminal
        binding = result.exceptions.filter(pl.col("status").is_in(BINDING)).height
        summary_report(result, path=page, lang=current_lang(), top=max(50, binding))
        click.echo(f"wrote {page}", err=True)


def _raise_refused(result: carbonacct.CheckResult, strict: bool) -> None:
    """Under --strict, rows the check refused end the run with exit 4 (the output is written)."""
    if not strict or not result.rejected.height:
        return
    from carbonacct.compliance import input_rows_refused
    from carbonacct.errors import RejectedRowsError

    first = result.rejected.row(0, named=True)
    n = input_rows_refused(result.rejected)
    raise RejectedRowsError(
        f"{n} row(s) refused by the check (--strict), e.g. firm "
        f"{first['firm_id']} {_where(first['source'], first['row'])}: {first['invalid']}",
        file=first["source"],
        row=first["row"],
        column=None,
        rows_rejected=n,
    )


def _show_quality(result: carbonacct.CheckResult) -> None:
    """The footprint's quality report, and the rows of actuals the check refused, on stderr."""
    show_quality(result, label="footprint")
    quality = quality_of(result)
    printed = set(quality.warnings) if quality is not None else set()
    for line in result.warnings:
        if line not in printed:  # the footprint's, printed with its quality report above
            click.echo(f"  {words('warning')}: {line}", err=True)
    if result.rejected.height:
        from carbonacct.compliance import input_rows_refused

        first = result.rejected.row(0, named=True)
        n = input_rows_refused(result.rejected)  # input rows, not one per rule they failed
        click.echo(
            f"check: {n} row(s) refused, e.g. firm {first['firm_id']} "
            f"{_where(first['source'], first['row'])}: {first['invalid']}"
            + ("; every one in the 'rejected' table of -o" if result.rejected.height > 1 else ""),
            err=True,
        )


def _where(source: str | None, row: int | None) -> str:
    """Where a refused row comes from: a file's row, or the footprint (a figure it made from the
    readings, which has no row of an input file)."""
    if row is not None:
        return f"row {row} ({source})"
    if source in (None, "footprint"):
        return "from the footprint of the readings (no row of an input file)"
    return f"from {source} (no row of an input file)"


def _statuses(result: carbonacct.CheckResult) -> list[str | None]:
    """Each firm's statuses in its report year, once per firm: its overall status (a GB quota
    limit exceeded makes it ``breach``), its pathway results' and products' statuses of that
    year, plus ``exceeds_limit`` once per product over its GB quota limit that year. A past
    year's status (the firm's history) is not a finding."""
    years = result.firms.select("firm_id", "report_year")
    pairs: set[tuple[object, str | None]] = set(
        result.firms.select("firm_id", "status").iter_rows()
    )
    at_year = {}
    for name, table in (("results", result.results), ("products", result.products)):
        if {"firm_id", "status", "check_year"} <= set(table.columns):
            at_year[name] = table.join(years, on="firm_id", how="left").filter(
                (pl.col("check_year") == pl.col("report_year")) | pl.col("check_year").is_null()
            )
            pairs.update(at_year[name].select("firm_id", "status").iter_rows())
    statuses: list[str | None] = [status for _, status in pairs]
    products = at_year.get("products")
    if products is not None and "exceeds_limit" in products.columns:
        statuses += ["exceeds_limit"] * int(products["exceeds_limit"].fill_null(False).sum())
    return statuses
