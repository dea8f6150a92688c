"""`carbonacct green-score`: green-factory scoring (GB/T 36132) of one or many assessments."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl
import polars.selectors as cs

from carbonacct.green_factory import (
    GreenScore,
    footprint_for_scoring,
    green_score_with_footprint,
)
from carbonacct.reports import half_up

from ._config import stamp
from ._output import current_lang, emit, emit_result, format_option, words
from ._quality import show_quality


def _for_people(frame: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """Points rounded half up to 2 decimals on a terminal; csv and json keep full precision."""
    if fmt != "table":
        return frame
    return frame.with_columns(
        cs.float().map_elements(lambda v: float(half_up(v, 2)), return_dtype=pl.Float64)
    )


def _print_one(s: GreenScore, fmt: str, output: str | None) -> None:
    if output:
        for p in s.write(output):
            click.echo(f"wrote {p}", err=True)
    if fmt != "table":  # the same document as -o out.csv|json
        emit_result(s, fmt)
        if s.verdict_withheld:  # a csv holds the items only: the reason goes to stderr too
            click.echo(f"verdict withheld: {s.verdict_withheld}", err=True)
        return
    click.echo(_summary(s))
    emit(_for_people(s.by_indicator, fmt), fmt, title=words("green_by_indicator"))
    emit(_for_people(s.gap, fmt), fmt, title=words("green_gap"))  # every item, none cut


def _summary(s: GreenScore) -> str:
    """The verdict for people, in the language of the run (the library's summary in English)."""
    if current_lang() != "zh":
        return s.summary()
    from carbonacct.reports.html import verdict

    lines = [f"{s.firm_id} ({s.model}): {verdict(s, 'zh')}"]
    lines += [f"  未通过的否决项: {i}" for i in s.failed_vetoes]
    lines += [f"  未满足的必选项: {i}" for i in s.failed_mandatory]
    if s.points_short:
        lines.append(f"  距合格线还差 {half_up(s.points_short, 2)} 分")
    return "\n".join(lines)


@click.command("green-score")
@click.argument(
    "assessments", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
@click.option(
    "--footprint",
    "footprint_readings",
    multiple=True,
    type=click.Path(exists=True),
    help="Readings to run the footprint on, for the computed indicators (repeatable).",
)
@click.option(
    "--firms", type=click.Path(exists=True, dir_okay=False), help="Firms table for the footprint."
)
@click.option(
    "--activity", type=click.Path(exists=True, dir_okay=False), help="Activity for the footprint."
)
@click.option("--steam-enthalpy", type=float, help="Steam enthalpy [kJ/kg] for the footprint.")
@click.option(
    "--fuel-parameters",
    type=click.Path(exists=True, dir_okay=False),
    help="Measured NCV, carbon content, oxidation rate per firm and carrier, for the footprint "
    "(without it: default factors; recorded in the provenance).",
)
@click.option(
    "--green-electricity",
    type=click.Path(exists=True, dir_okay=False),
    help="Contracted green electricity (firm_id, period, value, unit), for the footprint.",
)
@click.option("--model", help="Model id or file (default: each assessment's model).")
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of item_id,weight for items whose weight the model does not ship.",
)
@click.option(
    "--pass-mark",
    type=float,
    help="Minimum score in % to pass (the standard gives none; without one: a score, no verdict).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the results: .xlsx, .json or .csv.",
)
@format_option
def green_score(
    assessments: tuple[str, ...],
    footprint_readings: tuple[str, ...],
    firms: str | None,
    activity: str | None,
    steam_enthalpy: float | None,
    fuel_parameters: str | None,
    green_electricity: str | None,
    model: str | None,
    weights: str | None,
    pass_mark: float | None,
    output: str | None,
    fmt: str,
) -> None:
    """Score factories against GB/T 36132 (2018 or 2025) and show what is missing to pass."""
    fp = footprint_for_scoring(
        footprint_readings,
        firms=firms,
        activity=activity,
        steam_enthalpy=steam_enthalpy,
        fuel_parameters=fuel_parameters,
        green_electricity=green_electricity,
    )
    show_quality(fp, label="footprint")
    result = green_score_with_footprint(
        assessments,
        footprint=fp,
        model=model,
        weights=weights,
        pass_mark=pass_mark,
    )
    if isinstance(result, GreenScore):
        stamp(result.provenance)
        _print_one(result, fmt, output)
        return
    summary, exceptions = result
    tables = {
        "summary": summary,
        "exceptions": pl.DataFrame(exceptions or [{"assessment": None, "error": None}]),
    }
    provenance = stamp({"assessments": [str(Path(a)) for a in assessments]})
    if output:
        from carbonacct.io import write_result

        for p in write_result(tables, output, provenance):
            click.echo(f"wrote {p}", err=True)
    if fmt != "table":  # the same document as -o out.csv|json
        from carbonacct.io import table_units
        from carbonacct.io.writers import to_text

        sys.stdout.write(to_text(tables, fmt, table_units(tables), provenance))
    else:
        emit(
            _for_people(summary, fmt),
            fmt,
            title=f"{summary.height} factories scored, {len(exceptions)} could not be",
        )
    for e in exceptions:
        click.echo(f"could not score {e['assessment']}: {e['error']}", err=True)
