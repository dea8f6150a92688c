"""`carbonacct reconcile` and `carbonacct check-factor`: verifier mode."""

from __future__ import annotations

import click

from carbonacct.verify import check_factor, reconcile, rounding_policies

from ._output import emit, format_option


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
    help="Rounding policy of the recomputation: " + ", ".join(sorted(rounding_policies())),
)
@click.option("--year", type=int, help="Data year of lines that do not give one.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the reconciliation (.csv, .xlsx, .json).",
)
@format_option
def reconcile_cmd(
    reported: str,
    readings: tuple[str, ...],
    firms: str | None,
    rounding: str,
    year: int | None,
    output: str | None,
    fmt: str,
) -> None:
    """Recompute reported CO2 line by line and explain each difference.

    REPORTED: firm_id, line, carrier, value, unit[, exported, year, reported_factor,
    reported_factor_unit], reported_co2_t.
    """
    r = reconcile(
        reported, readings=list(readings) or None, firms=firms, rounding=rounding, year=year
    )
    if output:
        from carbonacct.io import write_result

        for p in write_result(
            {"reconciliation": r}, output, {"rounding": rounding, "reported": reported}
        ):
            click.echo(f"wrote {p}", err=True)
    emit(
        r.select(
            "firm_id",
            "line",
            "reported_co2_t",
            "recomputed_co2_t",
            "difference_t",
            "explanation",
            "reported_factor_matches",
        )
        if fmt == "table"
        else r,
        fmt,
        title="Reconciliation",
    )


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
def check_factor_cmd(
    value: float,
    unit: str,
    citation: str,
    subject: str,
    parameter: str,
    region: str | None,
    year: int | None,
) -> None:
    """Is VALUE (in UNIT) the factor that CITATION publishes?

    Example: carbonacct check-factor 0.5987 tCO2/MWh "MEE/NBS announcement 2024 No. 33, Jiangsu"
    """
    c = check_factor(
        value, unit, citation, subject=subject, parameter=parameter, region=region, year=year
    )
    click.echo(("OK: " if c.ok else "MISMATCH: ") + c.message)
    if not c.ok:
        raise SystemExit(1)
