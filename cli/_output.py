"""Printing frames and records: a table on a terminal, CSV or JSON for machines."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
import polars as pl

FORMATS = ("table", "csv", "json")
_PROSE = {"document", "note", "value_text", "title", "source", "explanation"}

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; csv or json for machines.",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def emit(frame: pl.DataFrame, fmt: str, *, title: str | None = None) -> None:
    """Write ``frame`` to stdout in ``fmt``."""
    if fmt == "csv":
        sys.stdout.write(frame.write_csv())
    elif fmt == "json":
        sys.stdout.write(
            json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1) + "\n"
        )
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for name in frame.columns:
            numeric = frame.schema[name].is_numeric()
            prose = name in _PROSE
            table.add_column(
                name,
                justify="right" if numeric else "left",
                no_wrap=not prose,
                overflow="fold",
                max_width=48 if prose else None,
            )
        for row in frame.iter_rows():
            table.add_row(*(_cell(v) for v in row))
        # Off a terminal (pipes, CI logs) rich would squeeze to 80 columns; give it room.
        Console(width=None if sys.stdout.isatty() else 240).print(table)


def emit_record(record: dict[str, Any], fmt: str, *, title: str | None = None) -> None:
    """Write one record (a manifest, a result) as key/value lines, CSV or JSON."""
    if fmt == "json":
        sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str, indent=1) + "\n")
        return
    values = [
        "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else _cell(v)
        for v in record.values()
    ]
    frame = pl.DataFrame({"field": list(record), "value_text": values})
    emit(frame, fmt, title=title)
