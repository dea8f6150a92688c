"""Reading input tables and writing results, with units and provenance attached.

Readers take a path (CSV, Parquet file, directory or hive-partitioned data
set, Excel, JSON) or a polars/pandas frame, map foreign column headers into
the controlled vocabulary (:data:`carbonacct.vocabulary.COLUMN_MAP`) and
return a lazy frame plus metadata (source name, SHA-256).

Writers put plain floats with the unit in the column name, and the units and
provenance into the file: Parquet field and file metadata, a JSON sidecar
beside CSV, a provenance sheet in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError

__all__ = [
    "Part",
    "Source",
    "Unread",
    "column_unit",
    "detect_encoding",
    "read_parts",
    "read_readings",
    "read_result",
    "read_side_table",
    "read_table",
    "refuse_empty_file",
    "rename_columns",
    "sha256_file",
    "table_units",
    "write_result",
]

from carbonacct.io._tables import (
    Part,
    Source,
    TableLike,
    Unread,
    detect_encoding,
    read_parts,
    rename_columns,
    sha256_file,
)


def read_table(source: TableLike, *, checksum: bool = True) -> tuple[pl.LazyFrame, Source]:
    """Read a table from a path or frame as a lazy frame with library column names.

    Typed sources keep their types; CSV is decoded losslessly (UTF-8 or
    GB18030) and read as text, so that a bad number becomes a rejected row
    (with its row number) rather than a parse failure. Of an Excel workbook
    the first sheet is read (the others are listed in ``Source.unread``).

    Parameters
    ----------
    source : path or frame
        ``.csv``, ``.parquet`` (a file, a directory, or a glob), ``.xlsx``,
        ``.json``, or a polars / pandas frame.
    checksum : bool
        Compute the SHA-256 of the input files for the provenance record.

    Returns
    -------
    (polars.LazyFrame, Source)
    """
    parts, src = read_parts(source, checksum=checksum)
    if not parts:
        raise InputError(f"{src.name}: no table found.", file=src.name, row=None, column=None)
    return parts[0].frame, src


def _missing_reading_columns(columns: list[str]) -> str | None:
    from carbonacct.readings import missing_columns

    missing = missing_columns(columns)
    return f"does not hold readings: no column(s) {missing}" if missing else None


def read_readings(
    readings: TableLike | Sequence[TableLike],
    *,
    checksum: bool = True,
    encoding: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
) -> tuple[list[Part], Source]:
    """The parts of one or several readings inputs, each read by the rules of its format.

    Sources are not cast to a common type here: each part is normalised on
    its own (:func:`carbonacct.readings.scan_readings`), so a typed Parquet
    file and a text CSV can be given together. Every sheet of a workbook that
    holds readings is read; the others are listed in ``Source.unread``. Under ``strict`` an
    unread column that looks like a key or the reading kind is an error.
    """
    inputs = list(readings) if isinstance(readings, (list, tuple)) else [readings]
    if not inputs:
        raise InputError("No readings given.", file=None, row=None, column=None)
    parts: list[Part] = []
    sources: list[Source] = []
    for item in inputs:
        p, s = read_parts(
            item,
            checksum=checksum,
            encoding=encoding,
            sheet=sheet,
            wanted=_missing_reading_columns,
        )
        parts += p
        sources.append(s)
    if not parts:
        unread = "; ".join(f"{u.label}: {u.reason}" for s in sources for u in s.unread)
        raise InputError(
            f"{' + '.join(s.name for s in sources)}: no table of readings found ({unread}).",
            file=sources[0].name,
            row=None,
            column=None,
        )
    parts, skipped = _without_empty(parts)
    from carbonacct._unused_columns import unused_column_notes

    skipped += unused_column_notes(parts, strict=strict)
    if len(sources) == 1:
        return parts, replace(sources[0], notes=sources[0].notes + skipped)
    return parts, Source(
        " + ".join(s.name for s in sources),
        ",".join(s.sha256 or "-" for s in sources),
        "multiple",
        tuple(f for s in sources for f in s.files),
        tuple(e for s in sources for e in s.encodings),
        tuple(u for s in sources for u in s.unread),
        tuple(n for s in sources for n in s.notes) + skipped,
    )


def _without_empty(parts: list[Part]) -> tuple[list[Part], tuple[str, ...]]:
    """The parts with rows, and a note per empty one; an InputError if no part has a row.

    A batch (a folder's files given together) goes on without its empty files,
    each named in the warnings; an input that is nothing but empty is an error,
    not a footprint of nothing.
    """
    empty = [p for p in parts if p.rows == 0]
    if not empty:
        return parts, ()

    def what(p: Part) -> str:
        if p.format == "empty":
            return f"{p.label}: no data rows (an empty file, 0 bytes)"
        if p.format == "excel" and not p.frame.collect_schema().names():
            return f"{p.label}: no rows (the sheet is empty)"
        return f"{p.label}: no data rows ({'only a header' if p.format != 'parquet' else '0 rows'})"

    full = [p for p in parts if p.rows > 0]
    if not full:
        raise InputError(
            f"{'; '.join(map(what, empty))}; give a file with readings in it.",
            file=empty[0].label,
            row=None,
            column=None,
        )
    return full, tuple(f"{what(p)}: skipped, the other input(s) read" for p in empty)


def refuse_empty_file(parts: Sequence[Part], what: str, columns: Sequence[str]) -> None:
    """An InputError naming the file when the one input given is an empty file (0 bytes, a
    failed export): said as such, not as a table that lacks its columns."""
    if parts and all(p.format == "empty" for p in parts):
        name = parts[0].label
        raise InputError(
            f"{name}: the file is empty (0 bytes), so it holds no {what.removeprefix('the ')}. "
            f"Give a table with a header row ({', '.join(columns)}) and a row per entry.",
            file=name,
            row=None,
            column=None,
        )


def read_side_table(
    source: TableLike, required: tuple[str, ...], what: str
) -> tuple[pl.DataFrame, Source]:
    """Read a small input table (firms, activity, parameters...) whole, with its ``row``.

    ``row`` is the row number a spreadsheet shows (the header is row 1, the first data row of
    a CSV is 2; below the header wherever it was found in a sheet; 1 for Parquet and frames);
    a workbook's name carries the sheet read (``firms.xlsx#企业``).

    Raises
    ------
    InputError
        Naming the file and the columns missing, e.g. "activity needs column(s) ['unit']".
    """

    def holds(columns: list[str]) -> str | None:
        lacking = [c for c in required if c not in columns]
        return f"does not hold {what}: no column(s) {lacking}" if lacking else None

    # of a workbook, the sheet(s) holding the table are read (a notes sheet first is common)
    parts, src = read_parts(source, wanted=holds)
    refuse_empty_file(parts, what, required)
    if not parts:
        unread = "; ".join(f"{u.label}: {u.reason}" for u in src.unread) or "no table found"
        raise InputError(
            f"{src.name}: {what} needs column(s) {list(required)} ({unread}).",
            file=src.name,
            row=None,
            column=required[0] if required else None,
        )
    if len(parts) == 1 and parts[0].format == "excel":  # the sheet read, named with the file
        from dataclasses import replace

        src = replace(src, name=parts[0].label)
    # each part's rows numbered as its sheet (or file) shows them
    frame = pl.concat(
        [p.frame.collect().with_row_index("row", offset=p.first) for p in parts],
        how="diagonal_relaxed",
    )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{src.name}: {what} needs column(s) {missing} (expected {list(required)}).",
            file=src.name,
            row=None,
            column=missing[0],
        )
    return frame, src


#: Unit of each numeric output column whose name does not spell it in full.
_UNIT_SUFFIXES = {
    "_tce": "tce",
    "_kgce": "kgce",
    "_t": "t",
    "_MWh": "MWh",
    "_GJ": "GJ",
    "_cny10k": "万元",
    "_tce_per_cny10k": "tce/万元",
    "_t_per_cny10k": "tCO2/万元",
    "_tco2_per_t": "tCO2/t",
    "_tco2e_per_t": "tCO2e/t",
}


#: Columns per unit of product: their unit is per the row's ``output_unit`` (``kgce/t`` for
#: tonnes of castings), never the numerator's alone.
PER_OUTPUT = {"energy_per_output_kgce": "kgce", "co2_per_output_t": "tCO2", "output": ""}
_OUTPUT_UNIT = "output_unit"
#: The reconciliation's differences are tonnes of CO2, though their names say only ``_t``.
_CO2_COLUMNS = {"difference_t": "tCO2", "reported_precision_t": "tCO2"}


def column_unit(name: str) -> str | None:
    """The unit that a result column's name declares (``co2_t`` -> ``tCO2``).

    A column per unit of product names the row's output unit:
    ``energy_per_output_kgce`` -> ``kgce/output_unit`` (see :func:`table_units`).
    """
    if name in PER_OUTPUT:
        return f"{PER_OUTPUT[name]}/{_OUTPUT_UNIT}" if PER_OUTPUT[name] else _OUTPUT_UNIT
    if name in _CO2_COLUMNS:
        return _CO2_COLUMNS[name]
    for suffix, unit in sorted(_UNIT_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
            if suffix == "_t" and name.endswith("_per_t"):
                return None  # per tonne of something, of a quantity the name does not give
            if suffix == "_t" and "co2" in name:
                return "tCO2e" if "co2e" in name else "tCO2"
            return unit
    return None


def write_result(
    tables: Mapping[str, pl.DataFrame],
    path: str | Path,
    provenance: Mapping[str, Any],
) -> list[Path]:
    """Write result tables with units and provenance attached.

    ``.parquet``: the first table, units in each field's metadata, the
    provenance in the file metadata. ``.csv``: the first table plus a JSON
    sidecar (``OUT.csv.json``) with units and provenance. ``.json``: all
    tables and the provenance in one document. ``.xlsx``: one sheet per table
    with one header row, a units sheet and a provenance sheet. Formula-like
    text is written inert (see :mod:`carbonacct.io.writers`).

    Returns the paths written.
    """
    from carbonacct.io.writers import write_tables

    return write_tables(tables, path, table_units(tables), provenance)


def table_units(tables: Mapping[str, pl.DataFrame]) -> dict[str, dict[str, str]]:
    """The unit of each column that declares one, per table.

    Per-product columns get the table's output unit when every row has the same one
    (``kgce/t``); with several they keep ``kgce/output_unit`` (the unit is the row's).
    """
    return {t: _units_of(f) for t, f in tables.items()}


def _units_of(frame: pl.DataFrame) -> dict[str, str]:
    units = {c: u for c in frame.columns if (u := column_unit(c)) is not None}
    if _OUTPUT_UNIT not in frame.columns:  # no output unit to refer to: declare none
        return {c: u for c, u in units.items() if c not in PER_OUTPUT}
    found = frame[_OUTPUT_UNIT].drop_nulls().unique().to_list()
    if len(found) != 1:
        return units
    one = str(found[0])
    return {c: u.replace(_OUTPUT_UNIT, one) if c in PER_OUTPUT else u for c, u in units.items()}


def read_result(path: str | Path) -> Any:
    """Read back a result that ``write`` wrote, as the same result type.

    A footprint (``.json``, ``.xlsx``, ``.parquet``, ``.csv`` with its sidecar)
    comes back as a :class:`~carbonacct.Footprint` with its quality, the
    factors used (with their grades) and the provenance; a check as a
    :class:`~carbonacct.CheckResult` (from ``.csv``/``.parquet`` only its firms
    and targets); a reconciliation as a ``Reconciliation``. Columns get back the
    dtypes they were written with.

    Examples
    --------
    >>> import carbonacct, polars as pl, tempfile, pathlib
    >>> readings = pl.DataFrame({"firm_id": ["A"], "carrier": ["diesel"], "value": [2.0],
    ...     "unit": ["t"], "period": ["2024"]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "fp.parquet"
    >>> _ = carbonacct.footprint(readings).write(out)
    >>> back = read_result(out)
    >>> round(back.table["energy_tce"][0], 4), back.factors_used["grade"].to_list()[-1]
    (2.9142, 'secondary (3)')
    """
    from carbonacct.io._results import read_written

    written = read_written(path)
    tables, prov = written.tables, dict(written.provenance)
    prov.pop("graded_tables", None)
    if "footprint" in tables:
        return _footprint(tables, prov)
    if "firms" in tables and "pathways" in prov:
        from carbonacct.compliance import CheckResult

        names = ("results", "products", "firms", "summary", "product_summary", "exceptions")
        frames = {n: tables.get(n, pl.DataFrame()) for n in (*names, "rejected", "targets")}
        return CheckResult(**frames, provenance=prov)
    if "reconciliation" in tables:
        from carbonacct.verify import Reconciliation

        return Reconciliation(tables["reconciliation"], prov)
    raise InputError(
        f"{path}: holds tables {sorted(tables)}, not a footprint, check or reconciliation.",
        file=str(path),
    )


def _footprint(tables: Mapping[str, pl.DataFrame], prov: dict[str, Any]) -> Any:
    from carbonacct.provenance import Provenance
    from carbonacct.quality import QualityReport
    from carbonacct.results import Footprint

    return Footprint(
        tables["footprint"],
        QualityReport.from_record(
            prov.get("quality") or {"rows_in": 0, "rows_accounted": 0, "rows_rejected": 0}
        ),
        tables.get("factors", pl.DataFrame()),
        Provenance(prov),
        intensities=tables.get("intensities"),
        _rejects=tables.get("rejects", pl.DataFrame()),
        activity_rejects=tables.get("activity_rejects"),
    )
