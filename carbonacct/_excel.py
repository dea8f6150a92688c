"""Excel output: one sheet per table, units in the header row, provenance on its own sheet.

Strings that start with ``=``, ``+``, ``-`` or ``@`` are stored as text cells
with Excel's quote prefix, so that no formula from an untrusted input file
runs when the workbook is opened; the text itself is kept unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _append(ws: Any, values: list[Any]) -> None:
    """Append a row; text that Excel would read as a formula stays text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def write_workbook(
    tables: Mapping[str, pl.DataFrame],
    out: Path,
    units: Mapping[str, Mapping[str, str | None]],
    provenance: Mapping[str, Any],
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        ws = wb.create_sheet(title=name[:31])
        _append(ws, list(frame.columns))
        _append(ws, [units[name].get(c) or "" for c in frame.columns])
        for row in frame.iter_rows():
            _append(ws, list(row))
        ws.freeze_panes = "A3"
    ws = wb.create_sheet(title="provenance")
    ws.append(["key", "value"])
    for key, value in provenance.items():
        text = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
        _append(ws, [key, text])
    wb.save(out)
