"""Manifests of the shipped data files, and the checks that every file passes on load."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import polars as pl

from carbonacct.errors import ChecksumError, FactorFileError

__all__ = [
    "PINS_FILE",
    "Manifest",
    "Pin",
    "SetStatus",
    "data_dir",
    "file_error",
    "pin_status",
    "pinned_path",
    "pins",
    "read_dataset",
    "refuse_modified",
    "sha256_of",
    "typed_frame",
    "verified_data_path",
    "write_checksum",
    "write_pins",
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
    #: subjects the document tabulates but carbonacct does not ship (value unconfirmed):
    #: no other rule (e.g. NCV / 29.3076) may stand in for them
    withheld: tuple[str, ...] = ()
    path: str = ""

    @classmethod
    def from_toml(cls, path: Path) -> Manifest:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise FactorFileError(
                f"Cannot read manifest {path}: {exc}", file=str(path), row=None, column=None
            ) from None
        # a checksum is for the shipped, pinned data (see check_checksum): a user's own set
        # (a target letter) needs none, and one it gives is checked
        missing = [k for k in ("id", "version", "document", "data") if not raw.get(k)]
        if missing:
            raise FactorFileError(
                f"Manifest {path} lacks {', '.join(missing)}. Every factor set names its id, "
                "version, document and data file (the CSV beside it); sha256 is optional for "
                "a set of your own (`carbonacct factors rehash` writes it).",
                file=str(path),
                row=None,
                column=missing[0],
            )
        known = {f for f in cls.__dataclass_fields__ if f != "path"}
        fields = {k: v for k, v in raw.items() if k in known}
        fields["notes"] = tuple(raw.get("notes", ()))
        fields["not_shipped"] = tuple(raw.get("not_shipped", ()))
        fields["withheld"] = tuple(raw.get("withheld", ()))
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
    """SHA-256 of a file's canonical text: CRLF line ends count as LF.

    Every file under ``factors/`` is text. ``.gitattributes`` keeps them
    byte-exact on checkout; a copy whose line ends were converted to CRLF
    (``core.autocrlf=true`` on an old clone, an editor on Windows) holds the
    same data, so it hashes the same and loads.
    """
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


#: The pinned table of every shipped file, written by :func:`write_pins` at release.
PINS_FILE = "pinned.csv"

#: ``shipped``: bytes equal to the release's pins; ``modified``: a shipped set
#: (by location or id) whose files differ; ``user``: a set of the user's own.
SetStatus = Literal["shipped", "modified", "user"]


@dataclass(frozen=True)
class Pin:
    """One shipped file: path relative to ``factors/``, SHA-256, and its set id if any."""

    path: str
    sha256: str
    set_id: str


def _walk(root: Path) -> list[Path]:
    skip = {PINS_FILE, "__init__.py"}
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name not in skip and "__pycache__" not in p.parts
    )


def write_pins(root: str | Path | None = None) -> Path:
    """The release step: pin the SHA-256 of every file under ``factors/``.

    Writes ``pinned.csv`` (``path``, ``sha256``, ``set_id``) in ``root``
    (default: the shipped data folder) and returns its path. Run it after a
    reviewed change to the data, with the golden tests green: a set whose
    files later differ from these pins is ``modified``.
    """
    folder = Path(root) if root is not None else data_dir()
    rows = []
    for path in _walk(folder):
        set_id = ""
        if path.suffix == ".toml":
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError:
                raw = {}
            if raw.get("id") and raw.get("data"):
                set_id = str(raw["id"])
        rows.append({"path": path.relative_to(folder).as_posix(), "sha256": sha256_of(path)})
        rows[-1]["set_id"] = set_id
    by_name = {r["path"]: r for r in rows}
    for r in rows:  # a data file belongs to the set whose manifest names it
        if r["set_id"] and r["path"].endswith(".toml"):
            raw = tomllib.loads((folder / r["path"]).read_text(encoding="utf-8"))
            data = (Path(r["path"]).parent / str(raw["data"])).as_posix()
            if data in by_name:
                by_name[data]["set_id"] = r["set_id"]
    out = folder / PINS_FILE
    pl.DataFrame(
        rows, schema={"path": pl.String, "sha256": pl.String, "set_id": pl.String}
    ).write_csv(out)
    pins.cache_clear()
    return out


@cache
def pins() -> dict[str, Pin]:
    """The pinned table of the shipped data, by path relative to ``factors/``."""
    path = data_dir() / PINS_FILE
    if not path.exists():
        raise ChecksumError(
            f"{path} is missing: the shipped data has no pinned checksums. Reinstall carbonacct, "
            "or in a source tree run `carbonacct factors pin`.",
            file=str(path),
            row=None,
            column=None,
        )
    frame = pl.read_csv(path, infer_schema=False).fill_null("")
    return {r["path"]: Pin(**r) for r in frame.iter_rows(named=True)}


def _shipped_relative(path: Path) -> str | None:
    try:
        return path.resolve().relative_to(data_dir().resolve()).as_posix()
    except ValueError:
        return None


def pin_status(manifest: Manifest) -> SetStatus:
    """Whether a set is the shipped one, a modified shipped one, or the user's own.

    A set is shipped when it sits in the shipped folder or carries a shipped
    set's id; it is then ``shipped`` only if its manifest and data file hash
    to the pins (by file name), else ``modified``.
    """
    manifest_path = Path(manifest.path)
    data_path = manifest_path.parent / manifest.data
    pinned = [p for p in pins().values() if p.set_id == manifest.id]
    if not pinned and _shipped_relative(manifest_path) is None:
        return "user"
    expected = {Path(p.path).name: p.sha256 for p in pinned}
    actual = {manifest_path.name: sha256_of(manifest_path), data_path.name: sha256_of(data_path)}
    return "shipped" if expected == actual else "modified"


def refuse_modified(manifest: Manifest) -> ChecksumError:
    """The error for a modified shipped set that the user did not allow."""
    where = Path(manifest.path)
    return ChecksumError(
        f"{where}: factor set {manifest.id!r} is a shipped set whose files differ from the pinned "
        "checksums of this release (a changed value or manifest, even after `factors rehash`). "
        "Restore the shipped files; give your own values their own set id and document; or "
        "load it deliberately with allow_modified=True, and every result will label it modified.",
        file=str(where),
        row=None,
        column=None,
    )


def pinned_path(relative: str) -> Path:
    """Path of a shipped file (e.g. ``rounding/policies.toml``), refused unless it matches its pin."""
    path = data_dir() / relative
    pin = pins().get(relative)
    if pin is None or sha256_of(path) != pin.sha256:
        raise ChecksumError(
            f"{path}: differs from the pinned checksum of this release"
            + ("" if pin else " (the file is not in the pinned table)")
            + ". Restore the shipped file, or reinstall carbonacct.",
            file=str(path),
            row=None,
            column=None,
        )
    return path


def write_checksum(manifest_path: str | Path) -> str:
    """Recompute the SHA-256 of a set's data file and write it into its manifest.

    For maintainers adding a set or correcting a value after checking it
    against the official text. Returns the new checksum.
    """
    path = Path(manifest_path)
    manifest = Manifest.from_toml(path)
    digest = sha256_of(path.parent / manifest.data)
    # Only the sha256 line changes: a placeholder checksum ("x", "") must not be
    # replaced wherever its text happens to occur elsewhere in the manifest.
    text, n = re.subn(
        r'^sha256\s*=\s*"[^"]*"',
        f'sha256 = "{digest}"',
        path.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    if n != 1:  # none yet (a set of the user's own): added after the data line
        text, n = re.subn(
            r'^(data\s*=\s*"[^"]*"[^\n]*)$',
            f'\\1\nsha256 = "{digest}"',
            text,
            count=1,
            flags=re.MULTILINE,
        )
    if n != 1:
        raise FactorFileError(
            f"{path}: no line 'data = \"…\"' to write the checksum after; add one and rerun.",
            file=str(path),
            row=None,
            column="sha256",
        )
    path.write_text(text, encoding="utf-8")
    return digest


def check_checksum(manifest: Manifest, data_path: Path) -> None:
    """Raise :class:`ChecksumError` unless ``data_path`` matches the manifest's SHA-256.

    A set of the user's own without a checksum is read as it is; a shipped set always has one.
    """
    if not manifest.sha256:
        if _shipped_relative(Path(manifest.path)) is None:
            return
        raise ChecksumError(
            f"{manifest.path}: a shipped manifest without sha256. Reinstall carbonacct.",
            file=manifest.path,
            row=None,
            column="sha256",
        )
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
    data_path = pinned_path(relative)
    pinned_path(Path(relative).with_suffix(".toml").as_posix())
    check_checksum(Manifest.from_toml(data_path.with_suffix(".toml")), data_path)
    return data_path


def file_error(file: str, row: int | None, column: str | None, message: str) -> FactorFileError:
    """An error naming the file, the row (as a spreadsheet shows it: header 1) and the column."""
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
    file, the row as a spreadsheet shows it (header row 1, first data row 2) and the column.
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
            raise file_error(file, i + 2, column, f"{frame[column][i]!r} is not a valid {dtype}")
        frame = frame.with_columns(cast.alias(column))
    for column in required:
        nulls = frame[column].is_null()
        if nulls.any():
            raise file_error(file, int(nulls.arg_max()) + 2, column, "value is missing")  # type: ignore[arg-type]
    return frame


def read_dataset(
    path: str | Path,
    schema: Mapping[str, Any],
    required: Sequence[str],
    *,
    verify: bool = True,
    allow_modified: bool = False,
) -> tuple[Manifest, pl.DataFrame]:
    """Read a data file through its manifest: checksum, schema, then its pin.

    ``path`` is the manifest (``.toml``) or the CSV with its manifest beside it.
    A shipped set whose files differ from the pinned table is refused unless
    ``allow_modified``.
    """
    path = Path(path)
    manifest_path = path if path.suffix == ".toml" else path.with_suffix(".toml")
    manifest = Manifest.from_toml(manifest_path)
    data_path = manifest_path.parent / manifest.data
    if verify:
        check_checksum(manifest, data_path)
    raw = pl.read_csv(data_path, infer_schema=False, encoding="utf8")
    frame = typed_frame(raw, schema, required, str(data_path))
    if not allow_modified and pin_status(manifest) == "modified":
        raise refuse_modified(manifest)
    return manifest, frame
