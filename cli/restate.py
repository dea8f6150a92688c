"""`carbonacct restate`: a saved footprint re-computed with a newer factor set."""

from __future__ import annotations

import click

from ._output import emit, emit_result, format_option

_SHOWN = (
    "firm_id",
    "period",
    "site_id",
    "carrier",
    "meter_id",
    "status",
    "energy_old_tce",
    "energy_new_tce",
    "co2_old_t",
    "co2_new_t",
    "co2_diff_t",
    "factors_changed",
)


@click.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--factor-set",
    "factor_sets",
    multiple=True,
    required=True,
    help="The newer set: a manifest (.toml) of your own or a shipped set id; repeat for several "
    "(the first given is searched first).",
)
@click.option(
    "--readings",
    multiple=True,
    type=click.Path(exists=True),
    help="The readings, when not at the path the result's provenance names (same checksum).",
)
@click.option("--firms", type=click.Path(exists=True, dir_okay=False), help="The firms table.")
@click.option("--activity", type=click.Path(exists=True, dir_okay=False), help="The activity.")
@click.option(
    "--fuel-parameters",
    type=click.Path(exists=True, dir_okay=False),
    help="Measured fuel parameters, if the result used them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the restatement: .csv (+ .json sidecar), .parquet, .json or .xlsx.",
)
@format_option
def restate(
    result: str,
    factor_sets: tuple[str, ...],
    readings: tuple[str, ...],
    firms: str | None,
    activity: str | None,
    fuel_parameters: str | None,
    output: str | None,
    fmt: str,
) -> None:
    """Re-compute a saved footprint with a newer factor set: old vs new per firm and period.

    RESULT: a result written by `carbonacct footprint -o` (.json, .parquet, .csv with its
    .csv.json sidecar, .xlsx), or its provenance alone (.json). Its inputs are re-read from
    the paths its provenance names (checked by SHA-256) under its recorded method.
    """
    from carbonacct.restatement import restate as run

    restated = run(
        result,
        list(factor_sets),
        readings=list(readings) if len(readings) > 1 else (readings[0] if readings else None),
        firms=firms,
        activity=activity,
        fuel_parameters=fuel_parameters,
    )
    if output:
        for path in restated.write(output):
            click.echo(f"wrote {path}", err=True)
    elif fmt == "table":
        table = restated.table
        emit(
            table.select([c for c in _SHOWN if c in table.columns]),
            fmt,
            title="Restated: old vs new per firm and period",
        )
        if restated.factors_changed.height:
            emit(
                restated.factors_changed.select(
                    "factor",
                    "carrier",
                    "scope",
                    "value_old",
                    "value_new",
                    "factor_set_new",
                    "data_year_old",
                    "data_year_new",
                    "grade_new",
                ),
                fmt,
                title="Factor rows changed",
            )
    else:
        emit_result(restated, fmt)
    for warning in restated.warnings:
        click.echo(f"  warning: {warning}", err=True)
    changed = restated.table.filter(restated.table["status"] == "changed").height
    click.echo(
        f"{changed} of {restated.table.height} firm-periods changed; "
        f"{restated.factors_changed.height} factor row(s) changed",
        err=True,
    )
