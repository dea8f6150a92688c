"""Writers of result tables, one module per output format, chosen by the file's suffix.

Every writer takes the tables (the first is the main one), the unit of each
numeric column and the provenance, and returns the paths it wrote. A new
format is one module here and one entry in :data:`WRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError

from . import csv, json, parquet, xlsx
from ._base import Provenance, Tables, Units
from ._text import FORMULA_START, inert_text

__all__ = [
    "FORMULA_START",
    "SIGNIFICANT_DIGITS",
    "WRITERS",
    "inert_text",
    "stable",
    "to_text",
    "write_tables",
]

#: Significant digits of every float written. A sum computed on several threads can
#: differ in its last bits between two runs of the same input (the order of the
#: partial sums varies); 12 digits (a relative 5e-13, far finer than any meter)
#: keeps equal input giving equal bytes.
SIGNIFICANT_DIGITS = 12

Writer = Callable[[Tables, Path, Units, Provenance], list[Path]]

#: Output suffix -> writer.
WRITERS: dict[str, Writer] = {
    ".csv": csv.write,
    ".json": json.write,
    ".parquet": parquet.write,
    ".xlsx": xlsx.write,
}


def write_tables(
    tables: Mapping[str, pl.DataFrame],
    path: str | Path,
    units: Mapping[str, Mapping[str, str]],
    provenance: Mapping[str, Any],
) -> list[Path]:
    """Write ``tables`` in the format that ``path``'s suffix names; return the paths written."""
    out = Path(path)
    writer = WRITERS.get(out.suffix.lower())
    if writer is None:
        raise InputError(
            f"{out}: unsupported output type {out.suffix!r}; use {', '.join(sorted(WRITERS))}.",
            file=str(out),
            row=None,
            column=None,
        )
    if not out.parent.is_dir():  # as cp, curl and compilers do: no directory made unasked
        raise InputError(
            f"{out}: the directory {out.parent} does not exist; create it first "
            "(e.g. mkdir -p) or write elsewhere.",
            file=str(out),
            row=None,
            column=None,
        )
    return writer({name: stable(frame) for name, frame in tables.items()}, out, units, provenance)


def to_text(
    tables: Mapping[str, pl.DataFrame],
    fmt: str,
    units: Mapping[str, Mapping[str, str]],
    provenance: Mapping[str, Any],
) -> str:
    """What ``-o out.csv`` (the first table) or ``-o out.json`` would hold, as text for stdout."""
    stabled = {name: stable(frame) for name, frame in tables.items()}
    if fmt == "csv":
        return csv.to_csv(next(iter(stabled.values())))
    if fmt == "json":
        return json.dumps(json.document(stabled, units, provenance))
    raise ValueError(f"fmt={fmt!r} is not csv or json")


def stable(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its floats rounded to :data:`SIGNIFICANT_DIGITS` (see there why)."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return frame
    return frame.with_columns(
        pl.col(c).round_sig_figs(SIGNIFICANT_DIGITS).fill_nan(pl.col(c)) for c in floats
    )
