"""`carbonacct sector`: a monthly record accounted by a sector method (steel, cement, …)."""

from __future__ import annotations

import click
import polars as pl

from carbonacct.sectors import SectorResult, account_record, record_methods

from ._output import emit, emit_result, format_option

_SHOWN = (
    "firm_id",
    "period",
    "months",
    "co2_combustion_t",
    "co2_process_t",
    "co2_carbon_products_t",
    "co2_direct_t",
    "co2_indirect_t",
    "co2_anode_t",
    "co2e_pfc_t",
    "co2_carbonate_t",
    "co2_t",
    "co2e_t",
    "product_t",
    "intensity_tco2_per_t",
    "intensity_tco2e_per_t",
)


@click.command("sector")
@click.argument("record", type=click.Path(exists=True))
@click.option(
    "--method",
    required=True,
    help="The sector method: " + ", ".join(sorted(record_methods())) + ".",
)
@click.option(
    "--materials",
    type=click.Path(exists=True, dir_okay=False),
    help="Declared values: carrier, category, unit, parameter, value, value_unit, source.",
)
@click.option(
    "--oxidation",
    type=click.Choice(["none", "applied"]),
    help="Multiply fuel carbon by an oxidation rate (steel: required, the sources conflict).",
)
@click.option(
    "--default-set",
    help="Default parameter set: its id, the path of your own set's .toml, or 'none'.",
)
@click.option("--rounding", help="Rounding profile of reported figures (default: the method's).")
@click.option(
    "--choice",
    "choices",
    multiple=True,
    metavar="NAME=VALUE",
    help="A method-specific choice, repeatable: steam_basis=enthalpy or "
    "enthalpy_above_feedwater (steam given by mass), gwp_set=AR5 (chemicals N2O, aluminium PFC), "
    "mgo_factor=44/40.3 (cement GB/T 32151.8).",
)
@click.option("--sheet", help="The one Excel sheet to read (default: every sheet with a record).")
@click.option("--encoding", help="Encoding of a CSV record (default: detected, UTF-8 or GBK).")
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Stop at a rejected row (exit 4) or a missing parameter (exit 1); with --no-strict "
    "account the rest and list them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write every table with provenance (.xlsx, .json; .csv/.parquet: the totals).",
)
@format_option
def sector(
    record: str,
    method: str,
    materials: str | None,
    oxidation: str | None,
    default_set: str | None,
    rounding: str | None,
    choices: tuple[str, ...],
    sheet: str | None,
    encoding: str | None,
    strict: bool,
    output: str | None,
    fmt: str,
) -> None:
    """Account a monthly record (月度存证) by a sector guideline: totals per month and year.

    RECORD: month (月份), material (物料), category (类别), parameter (参数), value (数值),
    unit (单位)[, process (工序), how (获取方式), evidence]; or a column per parameter.
    Example: carbonacct sector record.csv --method steel-cets-2024 --oxidation none
    --materials materials.csv -o steel.xlsx; carbonacct sector record.csv --method
    carbon-materials-gbt32151.34 --choice steam_basis=enthalpy
    """
    r = account_record(
        record,
        method=method,
        materials=materials,
        oxidation=oxidation,
        default_set=default_set,
        rounding=rounding,
        choices=_choices(choices),
        strict=strict,
        sheet=sheet,
        encoding=encoding,
    )
    if output:
        for p in r.write(output):
            click.echo(f"wrote {p}", err=True)
    if fmt != "table":  # the same content as -o x.json / -o x.csv writes
        emit_result(_WrittenAs(r), fmt)
    else:
        emit(_as_reported(r.totals), fmt, title=f"{method}: reported figures")
    click.echo(r.quality.summary(), err=True)


class _WrittenAs:
    """A sector result as its writer sees it: -o x.csv holds the totals, x.json every table."""

    def __init__(self, result: SectorResult) -> None:
        self.provenance = result.provenance
        self._tables = result.tables()

    def tables(self) -> dict[str, pl.DataFrame]:
        return self._tables


def _choices(pairs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``NAME=VALUE`` words as (name, value) pairs; a word without ``=`` is a usage error."""
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(
                f"{pair!r} is not NAME=VALUE (e.g. steam_basis=enthalpy)", param_hint="--choice"
            )
        out.append((name.strip(), value.strip()))
    return tuple(out)


def _as_reported(totals: pl.DataFrame) -> pl.DataFrame:
    """The reported rows with their printed decimals: tCO2 to 0.01, intensity to 0.0001."""
    reported = totals.filter(pl.col("figure") == "reported")
    shown = [c for c in _SHOWN if c in reported.columns]
    return reported.select(shown).with_columns(_fixed(c) for c in shown if c.endswith("_t"))


def _fixed(column: str) -> pl.Expr:
    from carbonacct.reports import half_up

    decimals = 4 if column.startswith("intensity") else 2
    return pl.col(column).map_elements(lambda v: half_up(v, decimals), return_dtype=pl.String)
