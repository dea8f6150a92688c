"""`carbonacct synth`: a synthetic data set to try carbonacct at scale."""

from __future__ import annotations

import click

from carbonacct.synth import generate


@click.command()
@click.option("--firms", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--meters-per-firm", type=click.IntRange(min=1), default=3, show_default=True)
@click.option(
    "--interval", type=click.Choice(["15min", "30min", "1h"]), default="15min", show_default=True
)
@click.option("--year", type=int, default=2024, show_default=True, help="The last year written.")
@click.option(
    "--years",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Years ending at --year (e.g. 6 with 2025: 2020-2025, base year included).",
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
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write readings/ (hive-partitioned Parquet), firms.csv, activity.csv.",
)
def synth(
    firms: int,
    meters_per_firm: int,
    interval: str,
    year: int,
    years: int,
    bad_fraction: float,
    seed: int,
    directory: str,
) -> None:
    """Write synthetic meter readings (firms × meters × a year of intervals) with firms and activity."""
    s = generate(
        directory,
        firms=firms,
        meters_per_firm=meters_per_firm,
        interval=interval,
        year=year,
        years=years,
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
