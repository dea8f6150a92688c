"""`carbonacct green-score`: green-factory scoring (GB/T 36132) of one or many assessments."""

from __future__ import annotations

import json
from pathlib import Path

import click
import polars as pl

import carbonacct
from carbonacct.green_factory import score, score_many

from ._output import emit, format_option


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
@click.option("--model", help="Model id or file (default: each assessment's model).")
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of item_id,weight for items whose weight the model does not ship.",
)
@click.option(
    "--pass-mark", type=float, help="Minimum score in % to pass (the standard gives none)."
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
    model: str | None,
    weights: str | None,
    pass_mark: float | None,
    output: str | None,
    fmt: str,
) -> None:
    """Score factories against GB/T 36132 (2018 or 2025) and show what is missing to pass."""
    fp = None
    if footprint_readings:
        fp = carbonacct.footprint(
            list(footprint_readings),
            firms=firms,
            activity=activity,
            steam_enthalpy=steam_enthalpy,
            grid_factor="provincial" if firms else "national",
        )
    w = None
    if weights:
        w = {
            str(r["item_id"]): float(r["weight"])
            for r in pl.read_csv(weights, infer_schema=False).iter_rows(named=True)
        }
    options = {"model": model, "footprint": fp, "weights": w, "pass_mark": pass_mark}
    if len(assessments) == 1:
        s = score(assessments[0], **options)
        if output:
            from carbonacct.io import write_result

            for p in write_result(
                {"items": s.items, "by_indicator": s.by_indicator, "gap": s.gap},
                output,
                s.provenance | {"summary": s.summary()},
            ):
                click.echo(f"wrote {p}", err=True)
        if fmt == "json":
            click.echo(
                json.dumps(
                    {
                        "summary": s.summary(),
                        "passed": s.passed,
                        "score_pct": s.score_pct,
                        "items": s.items.to_dicts(),
                        "gap": s.gap.to_dicts(),
                    },
                    ensure_ascii=False,
                    default=str,
                    indent=1,
                )
            )
            return
        click.echo(s.summary())
        emit(s.by_indicator, fmt, title="Points by first-level indicator")
        emit(s.gap.head(10), fmt, title="Gap: unmet items by the points they would add")
        return
    summary, exceptions = score_many(assessments, **options)
    if output:
        from carbonacct.io import write_result

        write_result(
            {
                "summary": summary,
                "exceptions": pl.DataFrame(exceptions or [{"assessment": None, "error": None}]),
            },
            output,
            {"assessments": [str(Path(a)) for a in assessments]},
        )
    emit(summary, fmt, title=f"{summary.height} factories scored, {len(exceptions)} could not be")
    for e in exceptions:
        click.echo(f"could not score {e['assessment']}: {e['error']}", err=True)
