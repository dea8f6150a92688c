"""Manifests of the shipped data files, and the checks that every file passes on load."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from carbonacct.errors import ChecksumError, FactorFileError

__all__ = ["Manifest", "data_dir", "sha256_of", "verified_data_path", "write_checksum"]


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
