"""What the listing commands (carriers, pathways list, benchmarks list) share.

People get a compact table (the columns named ``compact``) and, with ``--verbose``, every
column; ``--format csv|json`` print every field and ``-o`` writes that same content
(a .csv file with the BOM Excel needs, a .json file, or an .xlsx sheet).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._output import format_option

if TYPE_CHECKING:
    import polars as pl


def listing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--verbose``, ``-o`` and ``--format`` of a listing command."""
    command = format_option(command)
    command = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="Write every field to a .csv, .json or .xlsx file "
        "(the same content as --format csv|json prints).",
    )(command)
    return click.option(
        "-v", "--verbose", is_flag=True, help="The table shows every field, not only the main ones."
    )(command)


def machine_text(frame: pl.DataFrame, fmt: str) -> str:
    """What ``--format csv|json`` prints for a listing."""
    if fmt == "csv":
        from carbonacct.io.writers.csv import to_csv

        return to_csv(frame)
    from carbonacct.io.writers.json import dumps

    return dumps(frame.to_dicts())


def write_listing(frame: pl.DataFrame, name: str, output: str) -> None:
    """Write every field of the listing to ``output`` (by suffix), as --format prints it."""
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json", ".xlsx"):
        raise click.BadParameter(f"{out.name}: use a .csv, .json or .xlsx name.", param_hint="-o")
    if not out.parent.is_dir():
        raise click.BadParameter(
            f"{out}: the directory {out.parent} does not exist; create it first or write elsewhere.",
            param_hint="-o",
        )
    if suffix == ".xlsx":
        from carbonacct.io.writers.xlsx import write_workbook

        write_workbook({name: frame}, out)
    else:  # utf-8-sig: the BOM Excel needs for Chinese text, as every .csv carbonacct writes
        encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
        out.write_text(machine_text(frame, suffix[1:]), encoding=encoding)
    click.echo(f"wrote {out}", err=True)


def emit_machine(frame: pl.DataFrame, name: str, opts: dict[str, Any]) -> bool:
    """Write ``-o`` or print ``--format csv|json`` (every field); False when people get tables."""
    if opts["output"]:
        write_listing(frame, name, opts["output"])
        return True
    if opts["fmt"] != "table":
        click.echo(machine_text(frame, opts["fmt"]), nl=False)
        return True
    return False
