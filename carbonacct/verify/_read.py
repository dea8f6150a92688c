"""Read a report file into lines: every cell as written, every row accounted for.

A report is small and each of its cells matters, so it is read here cell by
cell rather than as a typed frame: CSV (UTF-8 or GBK/GB18030) with the csv
module, so that a ragged row (too many or too few cells) becomes an error
row naming the file and line while the rest is reconciled; Excel with
openpyxl, so that a number is its full-precision value, not the text a cell
format displays. Every sheet that holds report columns is read (``sheet=``
picks one) and the others are listed as not read. Other inputs (Parquet,
JSON, frames) go through the library's reader.

Headers are mapped into the vocabulary (:data:`carbonacct.vocabulary.COLUMN_MAP`,
which knows 排放量, 消耗量, 活动数据, 排放因子, 数据年份, 低位发热量, 单位热值含碳量,
碳氧化率, 省份 ...); a unit in brackets after a header (``排放量（万tCO2）``,
``消耗量(t)``) is kept as that column's unit.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.io import TableLike, detect_encoding, read_parts, rename_columns
from carbonacct.vocabulary import COLUMN_MAP, REPORT_COLUMN_MAP

__all__ = ["REQUIRED", "Report", "read_report"]

#: Columns a report must have (``unit`` may instead be in the value cell or the header).
REQUIRED = ("carrier", "value")
#: Library names a report line understands (the others are carried along, unused).
KNOWN = (
    "firm_id", "line", "carrier", "value", "unit", "reported_co2_t", "year", "kind", "exported",
    "province", "grid_factor", "reported_factor", "reported_factor_unit", "carbon_content",
    "steam_enthalpy", "steam_feedwater_enthalpy", "ncv", "carbon_per_gj", "oxidation_rate",
    "purity",
)  # fmt: skip
_HEADER_SEARCH_ROWS = 10
_BRACKET = re.compile(r"^(.*?)\s*[(（\[【]\s*([^)）\]】]*)\s*[)）\]】]\s*$")


@dataclass
class Report:
    """The report's rows, and where they came from.

    Each row is a dict of text cells with ``row`` (its number in its file or sheet),
    ``_file`` and ``_units`` (the units written in brackets after its headers).
    """

    rows: list[dict[str, Any]]
    source: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _expected() -> str:
    both = {**COLUMN_MAP, **REPORT_COLUMN_MAP}
    names = {n: [k for k, v in both.items() if v == n] for n in KNOWN}
    return "; ".join(f"{n} ({'/'.join(a)})" if a else n for n, a in names.items())


def map_headers(headers: list[str], label: str) -> tuple[dict[str, str], dict[str, str]]:
    """Library names of the headers, and the units written in brackets after them.

    Raises
    ------
    InputError
        A required column is missing: the message names the headers not understood and the
        names expected.
    """
    bases, units = [], {}
    for h in headers:
        text = str(h or "").strip().lstrip("\ufeff").strip()
        m = _BRACKET.match(text)
        base = text
        known = (COLUMN_MAP, REPORT_COLUMN_MAP)
        if m and (any(m.group(1) in k for k in known) or m.group(1).lower() in KNOWN):
            base = m.group(1)
        if m and base != text:
            units[REPORT_COLUMN_MAP.get(base, base)] = m.group(2).strip()
        bases.append(REPORT_COLUMN_MAP.get(base, base))  # report words first (排放量, 消耗量)
    renamed = rename_columns(bases, label)
    names = {h: renamed.get(b, b) for h, b in zip(headers, bases, strict=True)}
    header_units = {renamed.get(b, b): u for b, u in units.items()}
    missing = [c for c in REQUIRED if c not in names.values()]
    if missing:
        unknown = [h for h, n in names.items() if n not in KNOWN and h]
        raise InputError(
            f"{label}: no column for {missing}; headers not understood: {unknown}. Expected "
            f"names (English or Chinese): {_expected()}.",
            file=label,
            row=1,
            column=missing[0],
        )
    return names, header_units


def _cell_text(v: Any) -> str | None:
    """A cell as text at full precision (an Excel number is its value, not its display)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def _records(text: str, sep: str) -> list[tuple[int, list[str] | str]]:
    """Each record of a CSV text with the line it starts on (cells, or the parser's error)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out: list[tuple[int, list[str] | str]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            out.append((start, str(exc)))
            continue
        if any(c.strip() for c in cells):  # a blank line (or one of empty cells) is not a row
            out.append((start, cells))


def _csv_header(records: list[tuple[int, list[str] | str]], label: str) -> tuple[int, list[str]]:
    """The index of the header record (title lines above it are skipped) and its headers."""
    first: InputError | None = None
    for i, (_, cells) in enumerate(records[:_HEADER_SEARCH_ROWS]):
        if isinstance(cells, str):
            continue
        headers = [c.strip() or f"column {j + 1}" for j, c in enumerate(cells)]
        try:
            map_headers(headers, label)
        except InputError as exc:
            first = first or exc
            continue
        return i, headers
    raise first or InputError(f"{label}: empty file.", file=label, row=None, column=None)


def _csv_report(path: Path, encoding: str | None) -> Report:
    enc = detect_encoding(path, encoding)
    text = path.read_text(encoding=enc).removeprefix("\ufeff")
    head = text.split("\n", 1)[0]
    sep = max((",", "\t", ";"), key=head.count)
    records = _records(text, sep)
    at, headers = _csv_header(records, str(path))
    names, units = map_headers(headers, str(path))
    named = max(j for j, h in enumerate(headers) if not h.startswith("column ")) + 1
    rows: list[dict[str, Any]] = []
    for line, cells in records[at + 1 :]:
        # the row number a spreadsheet shows: the line the record starts on (header: 1)
        row: dict[str, Any] = {"row": line, "_file": str(path), "_units": units}
        if isinstance(cells, str):
            row["_error"] = cells
        elif len(cells) < named or any(c.strip() for c in cells[len(headers) :]):
            # label the row by its own firm and line cells, as far as they go
            row |= {
                names[h]: c.strip() or None
                for h, c in zip(headers, cells, strict=False)
                if names.get(h) in ("firm_id", "line")
            }
            row["_error"] = (
                f"{len(cells)} cells where the header has {named} columns "
                "(a comma in a number or text not quoted, or a cell missing); fix the line"
            )
        else:
            row |= {names[h]: (c.strip() or None) for h, c in zip(headers, cells, strict=False)}
        rows.append(row)
    notes = [f"{path}: header on line {records[at][0]} (lines above it skipped)"] if at else []
    return Report(rows, {"name": str(path), "format": "csv", "encoding": enc}, notes)


def _sheet_rows(ws: Any, label: str) -> tuple[list[dict[str, Any]], dict[str, str]] | str:
    """The rows under the sheet's header (found in its first rows), or why it is not read."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    first_error: InputError | None = None
    for h in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        headers = [_cell_text(c) or f"column {i + 1}" for i, c in enumerate(grid[h])]
        try:
            names, units = map_headers(headers, label)
        except InputError as exc:
            first_error = first_error or exc
            continue
        rows = []
        for i, cells in enumerate(grid[h + 1 :], start=h + 2):  # the sheet's own row numbers
            if all(_cell_text(c) in (None, "") for c in cells):
                continue
            row = {names[hd]: _cell_text(c) for hd, c in zip(headers, cells, strict=False)}
            rows.append(row | {"row": i, "_file": label, "_sheet": ws.title, "_units": units})
        return rows, units
    return str(first_error) if first_error else "empty sheet"


def _excel_report(path: Path, sheet: str | None) -> Report:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(
                f"{path}: no sheet {sheet!r}; the workbook has {names}.",
                file=str(path), row=None, column=None, value=sheet,
            )  # fmt: skip
        rows: list[dict[str, Any]] = []
        read, unread, reasons = [], [], []
        for name in [sheet] if sheet is not None else names:
            got = _sheet_rows(wb[name], f"{path}#{name}")
            if isinstance(got, str):
                unread.append(name)
                reasons.append(got)
                continue
            rows += got[0]
            read.append(name)
    finally:
        wb.close()
    if not read:
        raise InputError(reasons[0], file=str(path), row=1, column=None)
    notes = [f"{path}: sheet(s) {read} read"]
    others = [n for n in names if n not in read]
    if others:
        notes[0] += f"; the workbook also has {others}, not read" + (
            " (no report columns in them)" if sheet is None else f" (--sheet {sheet!r})"
        )
    record = {"name": str(path), "format": "excel", "sheets_read": read, "sheets_not_read": others}
    return Report(rows, record, notes)


def read_report(reported: TableLike, *, sheet: str | None = None) -> Report:
    """The report's rows as text cells with library names, each with its ``row`` and file.

    Raises
    ------
    InputError
        The file cannot be read at all, or lacks a required column (naming the headers
        not understood and the names expected).
    """
    from carbonacct.io import sha256_file

    if isinstance(reported, (str, Path)):
        path = Path(reported)
        suffix = path.suffix.lower()
        if suffix in (".csv", ".txt", ".tsv") and path.is_file():
            rep = _csv_report(path, None)
            rep.source["sha256"] = sha256_file(path)
            return rep
        if suffix in (".xlsx", ".xlsm") and path.is_file():
            rep = _excel_report(path, sheet)
            rep.source["sha256"] = sha256_file(path)
            return rep
    parts, src = read_parts(reported, sheet=sheet)
    frame = pl.concat([p.frame.collect() for p in parts], how="diagonal_relaxed")
    names, units = map_headers(frame.columns, src.name)
    frame = frame.rename({k: v for k, v in names.items() if k != v})
    rows = [
        {k: _cell_text(v) for k, v in r.items()} | {"row": i, "_file": src.name, "_units": units}
        for i, r in enumerate(frame.iter_rows(named=True), start=1)
    ]
    return Report(rows, src.record())
