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

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.vocabulary import COLUMN_MAP

__all__ = [
    "Source",
    "column_unit",
    "read_readings",
    "read_side_table",
    "read_table",
    "sha256_file",
    "write_result",
]

TableLike = str | Path | pl.DataFrame | pl.LazyFrame | Any


@dataclass(frozen=True)
class Source:
    """Where an input table came from: a name for messages and its checksum."""

    name: str
    sha256: str | None = None
    format: str = "frame"
    files: tuple[str, ...] = field(default_factory=tuple)

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "format": self.format, "sha256": self.sha256}


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    """SHA-256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _sha256_many(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(str(p.name).encode())
        digest.update(sha256_file(p).encode())
    return digest.hexdigest()


def _rename(columns: list[str]) -> dict[str, str]:
    """Map foreign headers (Chinese, mixed case, stray spaces) to library names."""
    mapping = {}
    taken = set()
    for c in columns:
        key = c.strip()
        name = COLUMN_MAP.get(key) or COLUMN_MAP.get(key.lower()) or key.lower().replace(" ", "_")
        if name in taken:  # two headers mapping to one name: keep the first, leave the other as is
            continue
        taken.add(name)
        if name != c:
            mapping[c] = name
    return mapping


def read_table(source: TableLike, *, checksum: bool = True) -> tuple[pl.LazyFrame, Source]:
    """Read a table from a path or frame as a lazy frame with library column names.

    CSV files are read with every column as text, so that a bad number
    becomes a rejected row (with its row number) rather than a parse failure.

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
    if isinstance(source, pl.LazyFrame):
        return source.rename(_rename(source.collect_schema().names())), Source("<LazyFrame>")
    if isinstance(source, pl.DataFrame):
        return source.lazy().rename(_rename(source.columns)), Source("<DataFrame>")
    if not isinstance(source, (str, Path)):
        try:
            frame = pl.from_pandas(source)
        except Exception as exc:
            raise InputError(
                f"Cannot read {type(source).__name__} as a table; pass a path or a polars/pandas frame.",
                file=None,
                row=None,
                column=None,
            ) from exc
        return frame.lazy().rename(_rename(frame.columns)), Source("<pandas.DataFrame>")
    path = Path(source)
    name = str(path)
    if path.is_dir() or "*" in name:
        files = sorted(path.rglob("*.parquet")) if path.is_dir() else sorted(Path().glob(name))
        if not files:
            raise InputError(f"{name}: no Parquet files found.", file=name, row=None, column=None)
        lf = pl.scan_parquet(path if path.is_dir() else name, hive_partitioning=path.is_dir())
        digest = _sha256_many(files) if checksum else None
        return lf.rename(_rename(lf.collect_schema().names())), Source(
            name, digest, "parquet", tuple(map(str, files))
        )
    if not path.exists():
        raise InputError(f"{name}: no such file.", file=name, row=None, column=None)
    digest = sha256_file(path) if checksum else None
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        lf = pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy")
        fmt = "csv"
    elif suffix == ".parquet":
        lf = pl.scan_parquet(path)
        fmt = "parquet"
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        lf = pl.read_excel(path, infer_schema_length=0).lazy()
        fmt = "excel"
    elif suffix == ".json":
        lf = pl.read_json(path).lazy()
        fmt = "json"
    else:
        raise InputError(
            f"{name}: unsupported file type {suffix!r}; use .csv, .parquet, .xlsx or .json.",
            file=name,
            row=None,
            column=None,
        )
    return lf.rename(_rename(lf.collect_schema().names())), Source(name, digest, fmt, (name,))


def read_readings(
    readings: TableLike | Sequence[TableLike], *, checksum: bool = True
) -> tuple[pl.LazyFrame, Source]:
    """Readings from one source, or several concatenated (columns missing in one are null there)."""
    if isinstance(readings, (list, tuple)):
        parts = [read_table(r, checksum=checksum) for r in readings]
        if not parts:
            raise InputError("No readings given.", file=None, row=None, column=None)
        if len(parts) == 1:
            return parts[0]
        frames = [lf.with_columns(pl.all().cast(pl.String)) for lf, _ in parts]
        name = " + ".join(s.name for _, s in parts)
        digest = ",".join(s.sha256 or "-" for _, s in parts)
        return pl.concat(frames, how="diagonal"), Source(name, digest, "multiple")
    return read_table(readings, checksum=checksum)


def read_side_table(
    source: TableLike, required: tuple[str, ...], what: str
) -> tuple[pl.DataFrame, Source]:
    """Read a small input table (firms, activity, parameters...) whole, with a 1-based ``row``.

    Raises
    ------
    InputError
        Naming the file and the columns missing, e.g. "activity needs column(s) ['unit']".
    """
    lf, src = read_table(source)
    frame = lf.collect()
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{src.name}: {what} needs column(s) {missing} (expected {list(required)}).",
            file=src.name,
            row=None,
            column=missing[0],
        )
    return frame.with_row_index("row", offset=1), src


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
}


def column_unit(name: str) -> str | None:
    """The unit that a result column's name declares (``co2_t`` -> ``t``)."""
    if name.startswith("co2") and name.endswith("_t"):
        return "tCO2e" if name.startswith("co2e") else "tCO2"
    for suffix, unit in sorted(_UNIT_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
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
    tables and the provenance in one document. ``.xlsx``: one sheet per table,
    units in the header row, provenance on its own sheet.

    Returns the paths written.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    name, main = next(iter(tables.items()))
    units = {t: {c: column_unit(c) for c in f.columns if column_unit(c)} for t, f in tables.items()}
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        _write_parquet(main, out, units[name], provenance)
        return [out]
    if suffix == ".csv":
        main.write_csv(out)
        sidecar = out.with_name(out.name + ".json")
        sidecar.write_text(
            json.dumps(
                {"table": name, "units": units[name], "provenance": provenance},
                ensure_ascii=False,
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
        return [out, sidecar]
    if suffix == ".json":
        doc = {
            "provenance": provenance,
            "units": units,
            "tables": {t: f.to_dicts() for t, f in tables.items()},
        }
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return [out]
    if suffix == ".xlsx":
        from carbonacct._excel import write_workbook

        write_workbook(tables, out, units, provenance)
        return [out]
    raise InputError(
        f"{out}: unsupported output type {suffix!r}; use .csv, .parquet, .json or .xlsx.",
        file=str(out),
        row=None,
        column=None,
    )


def _write_parquet(
    frame: pl.DataFrame, out: Path, units: Mapping[str, str | None], provenance: Mapping[str, Any]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = frame.to_arrow()
    fields = [
        f.with_metadata({"unit": units[f.name]}) if units.get(f.name) else f for f in table.schema
    ]
    meta = {
        b"carbonacct.provenance": json.dumps(provenance, ensure_ascii=False, default=str).encode()
    }
    table = table.cast(pa.schema(fields, metadata=meta))
    pq.write_table(table, out)
