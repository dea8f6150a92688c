"""JSON output: every table, the units and the provenance in one document.

The same document is printed by ``--format json`` and written by ``-o x.json``.
Floats are written in their shortest round-trip form; NaN and infinities
(which JSON has no spelling for) become ``null``; dates and times become
ISO 8601 text. Equal input gives equal bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from ._base import Provenance, Tables, Units, schema_of


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dumps(doc: Any) -> str:
    """Stable JSON text (UTF-8, Chinese kept as is, one space indent, newline at the end)."""
    return (
        json.dumps(_plain(doc), ensure_ascii=False, indent=1, default=str, allow_nan=False) + "\n"
    )


def document(
    tables: Mapping[str, pl.DataFrame],
    units: Mapping[str, Mapping[str, str]],
    provenance: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "provenance": provenance,
        "units": units,
        "schema": schema_of(tables),
        "tables": {t: f.to_dicts() for t, f in tables.items()},
    }


def write(tables: Tables, out: Path, units: Units, provenance: Provenance) -> list[Path]:
    out.write_text(dumps(document(tables, units, provenance)), encoding="utf-8")
    return [out]
