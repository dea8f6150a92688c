"""CSV output: the first table, formula-like text inert, units and provenance in a JSON sidecar.

The file starts with a UTF-8 byte-order mark: without it Excel on a Chinese system reads
UTF-8 as GBK and shows the Chinese text garbled. The library's readers skip it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ._base import GRADED, Provenance, Tables, Units, graded, schema_of
from ._text import inert_text
from .json import dumps


def to_csv(frame: pl.DataFrame) -> str:
    """CSV text of ``frame`` (UTF-8), formula-like strings prefixed with ``'``."""
    return inert_text(frame).write_csv()


def write(tables: Tables, out: Path, units: Units, provenance: Provenance) -> list[Path]:
    name, main = next(iter(tables.items()))
    out.write_text(to_csv(main), encoding="utf-8-sig")  # the BOM Excel needs for Chinese text
    sidecar = out.with_name(out.name + ".json")
    prov = {**provenance, GRADED: graded(tables)} if graded(tables) else provenance
    doc = {
        "table": name,
        "units": units[name],
        "schema": schema_of({name: main})[name],
        "provenance": prov,
    }
    sidecar.write_text(dumps(doc), encoding="utf-8")
    return [out, sidecar]
