"""`carbonacct reconcile` and `carbonacct check-factor`: verifier mode."""

from __future__ import annotations

import click

from carbonacct.verify import check_factor, reconcile, rounding_policies

from ._output import emit, format_option
from ._quality import show_quality

_TABLE_COLUMNS = (
    "row",
    "sheet",
    "line",
    "reported_co2_t",
    "recomputed_co2_t",
    "difference_t",
    "status",
    "explanation",
)


@click.command("reconcile")
@click.argument("reported", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--readings",
    multiple=True,
    type=click.Path(exists=True),
    help="The firm's readings: recompute each line's activity from them (repeatable).",
)
@click.option("--firms", type=click.Path(exists=True, dir_okay=False), help="firm_id and province.")
@click.option(
    "--rounding",
    default="full",
    show_default=True,
    help="Rounding policy of the recomputation (the others are tried to explain differences): "
    + ", ".join(sorted(rounding_policies()))
    + ", or one of --rounding-file.",
)
@click.option(
    "--rounding-file",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file of your own rounding policies (the form of factors/rounding/policies.toml).",
)
@click.option("--year", type=int, help="Data year of lines that do not give one (else required).")
@click.option(
    "--grid-factor",
    default="provincial",
    show_default=True,
    help="Grid factor the report used: provincial, regional, national, national_excl_market, "
    "ets, legacy (NDRC 2012 regional), or a number in tCO2/MWh.",
)
@click.option("--grid-factor-set", help="Factor set the report used, e.g. mee-nbs-2024-33.")
@click.option(
    "--grid-factor-source", help="Document of a numeric --grid-factor (recorded with it)."
)
@click.option(
    "--steam-enthalpy", type=float, help="Steam enthalpy for steam given by mass [kJ/kg]."
)
@click.option(
    "--steam-feedwater-enthalpy",
    type=float,
    help="Enthalpy deducted for feed water [kJ/kg] (the NDRC formula uses 83.74).",
)
@click.option(
    "--sheet",
    help="The one Excel sheet to read (default: every sheet with report columns; the run says "
    "which were read).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the reconciliation with provenance (.xlsx, .csv, .json, .parquet).",
)
@format_option
def reconcile_cmd(
    reported: str,
    readings: tuple[str, ...],
    firms: str | None,
    rounding: str,
    rounding_file: str | None,
    year: int | None,
    grid_factor: str,
    grid_factor_set: str | None,
    grid_factor_source: str | None,
    steam_enthalpy: float | None,
    steam_feedwater_enthalpy: float | None,
    sheet: str | None,
    output: str | None,
    fmt: str,
) -> None:
    """Recompute reported CO2 line by line and explain each difference.

    REPORTED: firm_id, line, carrier, value, unit, reported_co2_t (or the value in tCO2),
    year[, kind, exported, province, grid_factor, reported_factor, reported_factor_unit,
    carbon_content, steam_enthalpy]. Lines that cannot be read are reported with their
    error and the command exits 1.
    """
    r = reconcile(
        reported,
        readings=list(readings) or None,
        firms=firms,
        rounding=rounding,
        rounding_file=rounding_file,
        year=year,
        grid_factor=grid_factor,
        grid_set=grid_factor_set,
        grid_factor_source=grid_factor_source,
        steam_enthalpy=steam_enthalpy,
        steam_feedwater_enthalpy=steam_feedwater_enthalpy,
        sheet=sheet,
    )
    for note in r.provenance.get("notes", []):
        click.echo(f"Note: {note}", err=True)
    if output:
        for p in r.write(output):
            click.echo(f"wrote {p}", err=True)
    show_quality(r, label="readings")
    table = r.table.select(_TABLE_COLUMNS) if fmt == "table" else r.table
    if table["sheet"].null_count() == table.height:  # not a workbook
        table = table.drop("sheet")
    emit(table, fmt, title="Reconciliation")
    for msg in r.errors["explanation"]:
        click.echo(f"Error: {msg}", err=True)
    if r.errors.height:
        raise SystemExit(1)


@click.command("check-factor")
@click.argument("value", type=float)
@click.argument("unit")
@click.argument("citation")
@click.option(
    "--subject", default="electricity", show_default=True, help="Carrier or gas of the factor."
)
@click.option("--parameter", default="co2_factor", show_default=True)
@click.option("--region", help="Province or region, if not in the citation.")
@click.option("--year", type=int, help="Data year, if the publication has several.")
@click.option("--variant", help="Variant (average, excl_market_nonfossil, fossil_only...).")
def check_factor_cmd(
    value: float,
    unit: str,
    citation: str,
    subject: str,
    parameter: str,
    region: str | None,
    year: int | None,
    variant: str | None,
) -> None:
    """Is VALUE (in UNIT) in the publication CITATION, and where? Exit 1 if not.

    A publication known but not shipped (an ETS sector guideline) is NOT CHECKABLE (exit 1).

    Example: carbonacct check-factor 0.5366 tCO2/MWh "公告2024年第33号"
    """
    c = check_factor(
        value,
        unit,
        citation,
        subject=subject,
        parameter=parameter,
        region=region,
        year=year,
        variant=variant,
    )
    click.echo(("OK: " if c.ok else "MISMATCH: " if c.checkable else "NOT CHECKABLE: ") + c.message)
    if not c.ok:
        raise SystemExit(1)
