"""Parquet output: the first table, units in each field's metadata, provenance in the file's."""

from __future__ import annotations

import json
from pathlib import Path

from ._base import GRADED, Provenance, Tables, Units, graded


def write(tables: Tables, out: Path, units: Units, provenance: Provenance) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name, frame = next(iter(tables.items()))
    table = frame.to_arrow()
    unit_of = units[name]
    fields = [
        f.with_metadata({"unit": unit_of[f.name]}) if unit_of.get(f.name) else f
        for f in table.schema
    ]
    prov = {**provenance, GRADED: graded(tables)} if graded(tables) else provenance
    meta = {
        b"carbonacct.provenance": json.dumps(prov, ensure_ascii=False, default=str).encode(),
        b"carbonacct.table": name.encode(),
    }
    pq.write_table(table.cast(pa.schema(fields, metadata=meta)), out)
    return [out]
