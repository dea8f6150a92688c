"""Reading back what a result's ``write`` wrote: its tables, units and provenance.

``.json`` and ``.xlsx`` hold every table; ``.csv`` (with its ``.csv.json``
sidecar) and ``.parquet`` hold the main table, the provenance and the graded
tables (the factors with their grades). Each column gets back the dtype it was
written with; text that the CSV writer made inert (``'=...``) is restored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.io.writers._base import GRADED, cast_to

__all__ = ["Written", "read_written"]


@dataclass
class Written:
    """The tables of a written result, their units and the provenance."""

    tables: dict[str, pl.DataFrame]
    units: dict[str, dict[str, str]]
    provenance: dict[str, Any]


def _refuse(path: Path, why: str) -> InputError:
    return InputError(
        f"{path}: {why}; read_result reads what a result's write() wrote "
        "(.json, .xlsx, .parquet, or .csv with its .csv.json beside it).",
        file=str(path),
    )


def _read_json(path: Path) -> Written:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or "tables" not in doc:
        raise _refuse(path, "not a carbonacct result document (no 'tables')")
    schema = doc.get("schema", {})
    tables = {
        name: cast_to(pl.DataFrame(rows, infer_schema_length=None), schema.get(name, {}))
        for name, rows in doc["tables"].items()
    }
    return Written(tables, doc.get("units", {}), doc.get("provenance", {}))


def _read_csv(path: Path) -> Written:
    sidecar = path.with_name(path.name + ".json")
    if not sidecar.exists():
        raise _refuse(path, f"no {sidecar.name} beside it (units and provenance)")
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    frame = pl.read_csv(path, infer_schema=False)
    inert = r"^'[=+\-@\t\r]"  # the writer's quote before formula-like text
    frame = frame.with_columns(
        pl.when(pl.col(c).str.contains(inert)).then(pl.col(c).str.slice(1)).otherwise(pl.col(c))
        for c in frame.columns
    )
    name = doc.get("table", "table")
    frame = cast_to(frame, doc.get("schema", {}))
    return Written({name: frame}, {name: doc.get("units", {})}, doc.get("provenance", {}))


def _read_parquet(path: Path) -> Written:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    if b"carbonacct.provenance" not in meta:
        raise _refuse(path, "no carbonacct provenance in its metadata")
    name = meta.get(b"carbonacct.table", b"table").decode()
    units = {
        f.name: f.metadata[b"unit"].decode()
        for f in table.schema
        if f.metadata and b"unit" in f.metadata
    }
    frame = pl.DataFrame(pl.from_arrow(table.replace_schema_metadata(None)))
    return Written({name: frame}, {name: units}, json.loads(meta[b"carbonacct.provenance"]))


def _read_xlsx(path: Path) -> Written:
    import logging

    quiet = logging.getLogger("fastexcel")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # an empty column's dtype is set from the units sheet below
    try:
        sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=None, raise_if_empty=False)
    finally:
        quiet.setLevel(level)
    units_sheet, prov_sheet = sheets.pop("units", None), sheets.pop("provenance", None)
    columns_sheet = sheets.pop("columns", None)
    if units_sheet is None or prov_sheet is None:
        raise _refuse(path, "no 'units' and 'provenance' sheets")
    provenance: dict[str, Any] = {}
    for key, value in prov_sheet.iter_rows():
        try:
            provenance[key] = json.loads(value) if value is not None else None
        except json.JSONDecodeError:
            provenance[key] = value  # written as plain text
    units: dict[str, dict[str, str]] = {}
    for table, column, unit in units_sheet.iter_rows():
        units.setdefault(table, {})[column] = unit
    schema: dict[str, dict[str, str]] = {}
    names: dict[str, dict[str, str]] = {}  # header written -> column (Chinese headers too)
    for row in columns_sheet.iter_rows(named=True) if columns_sheet is not None else ():
        schema.setdefault(row["table"], {})[row["column"]] = row["dtype"]
        names.setdefault(row["table"], {})[row.get("header") or row["column"]] = row["column"]
    tables = {
        name: cast_to(frame.rename(names.get(name, {}), strict=False), schema.get(name, {}))
        for name, frame in sheets.items()
    }
    return Written(tables, units, provenance)


_READERS = {".json": _read_json, ".csv": _read_csv, ".parquet": _read_parquet, ".xlsx": _read_xlsx}


def read_written(path: str | Path) -> Written:
    """The tables, units and provenance in a file written by a result's ``write``."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise _refuse(path, f"unsupported type {path.suffix!r}")
    if not path.exists():
        raise _refuse(path, "no such file")
    try:
        written = reader(path)
    except InputError:
        raise
    except Exception as exc:  # a damaged file: one line, no traceback
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _refuse(path, f"cannot be read ({first})") from None
    graded = written.provenance.get(GRADED) or {}
    for name, rows in graded.items():
        written.tables.setdefault(name, pl.DataFrame(rows, infer_schema_length=None))
    return written
