"""A factor set (manifest + factors) read from disk, labelled shipped, modified or the user's."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from carbonacct._factor_schema import REQUIRED, SCHEMA, check_factors
from carbonacct._manifest import Manifest, SetStatus, pin_status, read_dataset, refuse_modified

__all__ = ["FactorSet", "labelled", "read_factor_set"]


@dataclass
class FactorSet:
    """A manifest and its factors (a polars frame in :data:`FACTOR_COLUMNS`)."""

    manifest: Manifest
    data: pl.DataFrame
    user: bool = False
    status: SetStatus = "shipped"

    @property
    def id(self) -> str:
        return self.manifest.id


def read_factor_set(
    path: str | Path, *, verify: bool = True, allow_modified: bool = False
) -> FactorSet:
    """Read a factor set from its manifest (``.toml``) or data file (``.csv``).

    A set is labelled by :func:`carbonacct._manifest.pin_status`: a shipped
    set equal to this release's pinned checksums keeps its grades; a shipped
    set whose files differ is refused, or with ``allow_modified`` loaded as
    version ``…+modified`` with every grade prefixed ``modified:``; any other
    set is the user's: grades read ``user (…)`` and the document is its own.

    Parameters
    ----------
    path : str or Path
        The manifest, or the CSV with its manifest beside it.
    verify : bool
        Check the data file's SHA-256 against the manifest.
    allow_modified : bool
        Load a modified shipped set (labelled ``modified``) instead of refusing it.

    Raises
    ------
    ChecksumError
        If the data file was changed after the manifest was written, or a
        shipped set differs from the pinned checksums and ``allow_modified`` is off.
    FactorFileError
        If a row fails the schema (unit, dimension, range, missing value).
    """
    manifest, frame = read_dataset(path, SCHEMA, REQUIRED, verify=verify, allow_modified=True)
    status = pin_status(manifest)
    if status != "shipped":  # a shipped set is byte-equal to the pinned files, checked by tests
        frame = check_factors(frame, str(Path(manifest.path).parent / manifest.data))
    if status == "modified" and not allow_modified:
        raise refuse_modified(manifest)
    return labelled(FactorSet(manifest, frame, user=status == "user", status=status))


def labelled(fs: FactorSet) -> FactorSet:
    """Mark a modified or user set in its version and grades, so every result shows it."""
    if fs.status == "shipped":
        return fs
    m = fs.manifest
    if fs.status == "modified":
        m = replace(m, version=f"{m.version}+modified", grade="modified")
        grade = pl.concat_str(pl.lit("modified: "), pl.col("grade").fill_null("ungraded"))
    else:
        m = replace(m, grade="user")
        grade = (
            pl.when(pl.col("grade").is_null() | pl.col("grade").str.starts_with("user"))
            .then(pl.col("grade").fill_null("user"))
            .otherwise(pl.concat_str(pl.lit("user ("), pl.col("grade"), pl.lit(")")))
        )
    return FactorSet(m, fs.data.with_columns(grade.alias("grade")), fs.user, fs.status)
