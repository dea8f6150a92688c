"""`carbonacct report`: a firm's report or a regulator's summary, one self-contained HTML file."""

from __future__ import annotations

import click

import carbonacct


@click.command()
@click.argument("readings", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--firms", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--activity", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--actuals",
    type=click.Path(exists=True, dir_okay=False),
    help="Base-year values for the pathway check (firm_id, year, metric, value, unit).",
)
@click.option("--firm", "firm_id", help="The firm of a per-firm report.")
@click.option("--summary", is_flag=True, help="The regulator's summary of all firms instead.")
@click.option(
    "--assessment",
    type=click.Path(exists=True, dir_okay=False),
    help="Green-factory assessment of the firm (YAML, JSON or Excel).",
)
@click.option("--pathway", "pathways", multiple=True, help="Pathway ids or files (repeatable).")
@click.option("--steam-enthalpy", type=float)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .html file."
)
def report(
    readings: tuple[str, ...],
    firms: str,
    activity: str | None,
    actuals: str | None,
    firm_id: str | None,
    summary: bool,
    assessment: str | None,
    pathways: tuple[str, ...],
    steam_enthalpy: float | None,
    output: str,
) -> None:
    """Energy and CO2 by carrier and month, pathways, products, green-factory score, quality, provenance."""
    from carbonacct.green_factory import score
    from carbonacct.reports import firm_report, summary_report

    if summary == bool(firm_id):
        raise click.UsageError("Give --firm ID for a firm's report, or --summary.")
    src = list(readings)
    method = carbonacct.Method(steam_enthalpy_kJ_per_kg=steam_enthalpy)
    yearly = carbonacct.footprint(src, firms=firms, activity=activity, method=method)
    check = None
    if activity or actuals:
        check = carbonacct.check(
            firms, footprint=yearly, actuals=actuals, pathways=list(pathways) or None
        )
    if summary:
        if check is None:
            raise click.UsageError("--summary needs --activity or --actuals for the check.")
        summary_report(check, path=output)
    else:
        monthly = carbonacct.footprint(
            src, firms=firms, by=["carrier"], method=method.replace(period="month")
        )
        green = score(assessment, footprint=yearly) if assessment else None
        firm_report(str(firm_id), monthly=monthly, check=check, green=green, path=output)
    click.echo(f"wrote {output}", err=True)


__all__ = ["report"]
