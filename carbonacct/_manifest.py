"""Manifests of the shipped data files, and the checks that every file passes on load."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import ChecksumError, FactorFileError

__all__ = [
    "Manifest",
    "data_dir",
    "file_error",
    "read_dataset",
    "sha256_of",
    "typed_frame",
    "verified_data_path",
    "write_checksum",
]


@dataclass(frozen=True)
class Manifest:
    """The manifest of a factor set: who published it, where, when, and its checksum."""

    id: str
    version: str
    kind: str
    title: str
    publisher: str
    document: str
    table: str
    published: str
    valid_from: str
    source_url: str
    licence: str
    grade: str
    sha256: str
    data: str
    notes: tuple[str, ...] = ()
    not_shipped: tuple[str, ...] = ()
    path: str = ""

    @classmethod
    def from_toml(cls, path: Path) -> Manifest:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise FactorFileError(
                f"Cannot read manifest {path}: {exc}", file=str(path), row=None, column=None
            ) from None
        missing = [k for k in ("id", "version", "document", "sha256", "data") if not raw.get(k)]
        if missing:
            raise FactorFileError(
                f"Manifest {path} lacks {', '.join(missing)}. Every factor set names its id, "
                "version, document, data file and sha256.",
                file=str(path),
                row=None,
                column=missing[0],
            )
        known = {f for f in cls.__dataclass_fields__ if f != "path"}
        fields = {k: v for k, v in raw.items() if k in known}
        fields["notes"] = tuple(raw.get("notes", ()))
        fields["not_shipped"] = tuple(raw.get("not_shipped", ()))
        for k in known - fields.keys():
            fields[k] = ""
        return cls(**fields, path=str(path))

    @property
    def label(self) -> str:
        """``id@version``, the form recorded on results."""
        return f"{self.id}@{self.version}"


def data_dir() -> Path:
    """The folder of the shipped data files (``factors/`` of the source tree)."""
    return Path(str(resources.files("carbonacct._data")))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksum(manifest_path: str | Path) -> str:
    """Recompute the SHA-256 of a set's data file and write it into its manifest.

    For maintainers adding a set or correcting a value after checking it
    against the official text. Returns the new checksum.
    """
    path = Path(manifest_path)
    manifest = Manifest.from_toml(path)
    digest = sha256_of(path.parent / manifest.data)
    text = path.read_text(encoding="utf-8").replace(manifest.sha256, digest)
    path.write_text(text, encoding="utf-8")
    return digest


def check_checksum(manifest: Manifest, data_path: Path) -> None:
    """Raise :class:`ChecksumError` unless ``data_path`` matches the manifest's SHA-256."""
    digest = sha256_of(data_path)
    if digest != manifest.sha256:
        raise ChecksumError(
            f"{data_path}: checksum mismatch (file {digest[:12]}…, manifest "
            f"{manifest.sha256[:12]}…). The data file was changed after its manifest was "
            "written. Restore it, or if the change was checked against the official text, "
            "run `carbonacct factors rehash` on the manifest and cite the new source.",
            file=str(data_path),
            row=None,
            column=None,
        )


@cache
def verified_data_path(relative: str) -> Path:
    """Path of a shipped data file (e.g. ``vocabulary/carriers.csv``), checksum verified."""
    data_path = data_dir() / relative
    check_checksum(Manifest.from_toml(data_path.with_suffix(".toml")), data_path)
    return data_path


def file_error(file: str, row: int | None, column: str | None, message: str) -> FactorFileError:
    """An error naming the file, the 1-based data row and the column."""
    where = (
        f"{file}"
        + (f", row {row}" if row is not None else "")
        + (f", column {column!r}" if column else "")
    )
    return FactorFileError(f"{where}: {message}", file=file, row=row, column=column)


def typed_frame(
    raw: pl.DataFrame, schema: Mapping[str, Any], required: Sequence[str], file: str
) -> pl.DataFrame:
    """Cast a text frame to ``schema``; refuse unknown or missing columns and bad cells.

    Optional columns absent from ``raw`` are added as nulls. Errors name the
    file, the 1-based data row and the column.
    """
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise file_error(
            file, None, missing[0], f"missing column(s) {missing}; expected {list(schema)}"
        )
    unknown = [c for c in raw.columns if c not in schema]
    if unknown:
        raise file_error(
            file, None, unknown[0], f"unknown column(s) {unknown}; expected {list(schema)}"
        )
    frame = raw.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in schema if c not in raw.columns]
    ).select(list(schema))
    frame = frame.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))
    for column, dtype in schema.items():
        if dtype == pl.String:
            continue
        if dtype == pl.Date:
            cast = frame[column].str.to_date("%Y-%m-%d", strict=False)
        else:
            cast = frame[column].cast(dtype, strict=False)
        bad = frame[column].is_not_null() & cast.is_null()
        if bad.any():
            i = int(bad.arg_max())  # type: ignore[arg-type]
            raise file_error(file, i + 1, column, f"{frame[column][i]!r} is not a valid {dtype}")
        frame = frame.with_columns(cast.alias(column))
    for column in required:
        nulls = frame[column].is_null()
        if nulls.any():
            raise file_error(file, int(nulls.arg_max()) + 1, column, "value is missing")  # type: ignore[arg-type]
    return frame


def read_dataset(
    path: str | Path, schema: Mapping[str, Any], required: Sequence[str], *, verify: bool = True
) -> tuple[Manifest, pl.DataFrame]:
    """Read a data file through its manifest: checksum, then schema.

    ``path`` is the manifest (``.toml``) or the CSV with its manifest beside it.
    """
    path = Path(path)
    manifest_path = path if path.suffix == ".toml" else path.with_suffix(".toml")
    manifest = Manifest.from_toml(manifest_path)
    data_path = manifest_path.parent / manifest.data
    if verify:
        check_checksum(manifest, data_path)
    raw = pl.read_csv(data_path, infer_schema=False, encoding="utf8")
    return manifest, typed_frame(raw, schema, required, str(data_path))
