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
@click.option(
    "--price-basis",
    help="Prices of the value added where the activity does not say: constant:2020 or current.",
)
@click.option("--steam-enthalpy", type=float, help="Steam enthalpy [kJ/kg] for steam by mass.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The .html file, or .pdf for a firm's report (pip install 'carbonacct[pdf]').",
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
    price_basis: str | None,
    steam_enthalpy: float | None,
    output: str,
) -> None:
    """Energy and CO2 by carrier and month, pathways, products, green-factory score, quality, provenance."""
    from carbonacct import workflows
    from carbonacct.reports import summary_report

    from ._config import method_extras, stamp
    from ._output import current_lang
    from ._quality import show_quality

    if summary == bool(firm_id):
        raise click.UsageError("Give --firm ID for a firm's report, or --summary.")
    src, lang = list(readings), current_lang()
    method = carbonacct.Method(steam_enthalpy_kJ_per_kg=steam_enthalpy, **method_extras())
    options = {"pathways": list(pathways) or None, "price_basis": price_basis, "actuals": actuals}
    if not output.lower().endswith((".html", ".htm", ".pdf")):
        raise click.UsageError(f"{output}: a report is written as .html or .pdf.")
    if summary and output.lower().endswith(".pdf"):
        raise click.UsageError("The summary is written as .html (a firm's report also as .pdf).")
    if summary:
        if activity:
            check = workflows.check_from_readings(src, firms, activity, method=method, **options)
        elif actuals:
            fp = carbonacct.footprint(src, firms=firms, method=method)
            check = workflows.check_footprint(fp, firms, **options)
        else:
            raise click.UsageError("--summary needs --activity or --actuals for the check.")
        show_quality(check, label="footprint")
        stamp(check.provenance)
        summary_report(check, path=output, lang=lang)
    else:
        data = workflows.firm_report_from_readings(
            src,
            firms,
            str(firm_id),
            activity=activity,
            assessment=assessment,
            method=method,
            lang=lang,
            path=output,
            provenance=stamp({}),
            **options,
        )
        show_quality(data.footprint)
    click.echo(f"wrote {output}", err=True)


__all__ = ["report"]
