"""`carbonacct synth`: a synthetic data set to try carbonacct at scale."""

from __future__ import annotations

import click

from carbonacct.synth import generate


@click.command()
@click.option(
    "--level",
    type=click.Choice(["readings", "firm"]),
    default="readings",
    show_default=True,
    help="readings: meter readings, firms.csv and activity.csv for `footprint`. firm: firm-level "
    "yearly actuals (value-added intensities at constant 2020 prices with the firm's energy, "
    "product intensities against the 标杆/基准 and GB quota grades with their output) and a "
    "firms table (credit codes, names, sectors) for `check --actuals`: firms on and off the "
    "paths, at, between and above the levels, a few with incomplete data or late, two invalid "
    "rows and two firms without data.",
)
@click.option("--firms", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--meters-per-firm", type=click.IntRange(min=1), default=3, show_default=True)
@click.option(
    "--interval", type=click.Choice(["15min", "30min", "1h"]), default="15min", show_default=True
)
@click.option("--year", type=int, help="The last year written [default: 2024; --level firm: 2025].")
@click.option(
    "--years",
    type=click.IntRange(min=1),
    help="Years ending at --year (e.g. 6 with 2025: 2020-2025, base year included) "
    "[default: 1; --level firm: 6].",
)
@click.option(
    "--bad-fraction",
    type=click.FloatRange(min=0.0, max=1.0),
    default=1e-4,
    show_default=True,
    help="Share of rows made bad, split over the kinds of bad row.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "xlsx"]),
    default="csv",
    show_default=True,
    help="File type of firms and actuals (--level firm).",
)
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write readings/ (hive-partitioned Parquet), firms.csv, activity.csv; "
    "with --level firm: firms and actuals.",
)
def synth(
    level: str,
    firms: int,
    meters_per_firm: int,
    interval: str,
    year: int | None,
    years: int | None,
    bad_fraction: float,
    seed: int,
    fmt: str,
    directory: str,
) -> None:
    """Write synthetic meter readings (firms × meters × a year of intervals) with firms and
    activity, or (--level firm) firm-level yearly actuals for a batch check."""
    _only_at_level(level)
    if level == "firm":
        _firm_level(directory, firms, year or 2025, years or 6, seed, fmt)
        return
    s = generate(
        directory,
        firms=firms,
        meters_per_firm=meters_per_firm,
        interval=interval,
        year=year or 2024,
        years=years or 1,
        bad_fraction=bad_fraction,
        seed=seed,
    )
    click.echo(
        f"wrote {s.rows:,} readings of {s.meters} meters at {s.firms} firms to {s.directory}"
    )
    click.echo("bad rows: " + ", ".join(f"{k} {v}" for k, v in s.bad_rows.items()))
    click.echo(
        f"try: carbonacct footprint {s.directory}/readings --firms {s.directory}/firms.csv "
        f"--activity {s.directory}/activity.csv --period month"
    )


_READINGS_ONLY = ("meters_per_firm", "interval", "bad_fraction")


def _only_at_level(level: str) -> None:
    """An option of the other level is refused, never ignored."""
    ctx = click.get_current_context()
    given = {
        p.name
        for p in ctx.command.params
        if p.name and ctx.get_parameter_source(p.name) == click.core.ParameterSource.COMMANDLINE
    }
    wrong = given & set(_READINGS_ONLY) if level == "firm" else given & {"fmt"}
    if wrong:
        names = ", ".join(
            "--" + n.replace("_", "-").replace("fmt", "format") for n in sorted(wrong)
        )
        verb = "does" if len(wrong) == 1 else "do"
        raise click.UsageError(f"{names} {verb} not apply to --level {level}.")


def _firm_level(directory: str, firms: int, year: int, years: int, seed: int, fmt: str) -> None:
    from carbonacct.synth_firms import generate_firms

    s = generate_firms(directory, firms=firms, year=year, years=years, seed=seed, fmt=fmt)
    click.echo(
        f"wrote {s.rows:,} rows of actuals for {s.firms} firms, {s.years[0]}-{s.years[-1]}, "
        f"to {s.directory}"
    )
    click.echo("special cases: " + ", ".join(f"{k} {len(v)}" for k, v in s.cases.items() if v))
    click.echo(f"try: carbonacct check --firms {s.firms_path} --actuals {s.actuals_path}")
