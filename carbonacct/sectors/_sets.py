"""The data of the sector methods: default parameter sets and rounding profiles.

Default sets live under ``factors/sectors/<family>/<id>.toml`` with a CSV
beside each (one value a row: ``material``, ``name_zh``, ``aliases``,
``category``, ``parameter``, ``value``, ``unit``, ``source``, ``grade``,
``note``), checked against the manifest's SHA-256 and the release pins like
every shipped set. A user's own set is a manifest path (its grade reads
``user (…)``). Rounding profiles are in ``factors/sectors/rounding/profiles.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from carbonacct._manifest import Manifest, data_dir, pin_status, pinned_path, read_dataset
from carbonacct.errors import OptionError

__all__ = ["DefaultSet", "RoundingProfile", "fold", "load_default_set", "rounding_profile"]

_SCHEMA = {
    "material": pl.String,
    "name_zh": pl.String,
    "aliases": pl.String,
    "category": pl.String,
    "parameter": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
_REQUIRED = ("material", "category", "parameter", "value", "unit", "source", "grade")


def fold(name: str) -> str:
    """A material name folded for matching (case, spaces, dashes, full-width brackets)."""
    return (
        name.strip().lower().replace(" ", "").replace("-", "").replace("_", "").replace("（", "(")
    ).replace("）", ")")


@dataclass(frozen=True, eq=False)
class DefaultSet:
    """A sector default set: its manifest, values, and the material names it answers to."""

    manifest: Manifest
    values: pl.DataFrame
    status: str

    @property
    def label(self) -> str:
        return f"{self.manifest.id}@{self.manifest.version}"

    def material_key(self, name: str) -> str | None:
        """The set's material key for a name as written (焦炭, coke, COG …), or None."""
        return _names(self)[1].get(fold(name))

    def values_for(self, key: str) -> pl.DataFrame:
        return self.values.filter(pl.col("material") == key)


@cache
def _names(ds: DefaultSet) -> tuple[str, dict[str, str]]:
    names: dict[str, str] = {}
    for row in ds.values.select("material", "name_zh", "aliases").unique().iter_rows():
        for name in [row[0], row[1] or "", *(row[2] or "").split("|")]:
            if name:
                names[fold(name)] = row[0]
    return ds.manifest.id, names


def _shipped() -> dict[str, Path]:
    root = data_dir() / "sectors"
    found = {}
    for path in sorted(root.glob("*/*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if raw.get("kind") == "sector":
            found[str(raw["id"])] = path
    return found


@cache
def load_default_set(set_id: str) -> DefaultSet:
    """A shipped sector set by id, or a user's set by the path of its manifest.

    Raises
    ------
    OptionError
        When no shipped set has that id and it is not a manifest path.
    """
    shipped = _shipped()
    path = shipped.get(set_id)
    if path is None:
        candidate = Path(set_id)
        if candidate.suffix == ".toml" and candidate.is_file():
            path = candidate
        else:
            raise OptionError(
                f"{set_id!r} is not a sector default set; shipped: {sorted(shipped)}, or give the "
                "path of your own set's manifest (.toml), or 'none' for no defaults.",
                option="default_set",
                value=set_id,
            )
    manifest, frame = read_dataset(path, _SCHEMA, _REQUIRED)
    status = pin_status(manifest)
    if status == "user":
        frame = frame.with_columns(("user (" + pl.col("grade") + ")").alias("grade"))
    return DefaultSet(manifest, frame, status)


@dataclass(frozen=True)
class RoundingProfile:
    """How reported figures are rounded (see ``factors/sectors/rounding/profiles.toml``)."""

    id: str
    description: str
    source: str
    grade: str
    line_decimals: int
    parameters: tuple[tuple[str, str, int], ...]

    def decimals(self, category: str, parameter: str) -> int | None:
        """Decimals of ``parameter`` for a line of ``category`` (None: not rounded)."""
        for cat, par, dec in self.parameters:
            if par == parameter and cat in (category, "*"):
                return dec
        return None

    def record(self) -> dict[str, object]:
        return {"id": self.id, "source": self.source, "grade": self.grade}


@cache
def _profiles() -> dict[str, RoundingProfile]:
    raw = tomllib.loads(pinned_path("sectors/rounding/profiles.toml").read_text(encoding="utf-8"))
    return {
        p["id"]: RoundingProfile(
            p["id"],
            p["description"],
            p["source"],
            p["grade"],
            int(p["line_decimals"]),
            tuple(
                (s.get("category", "*"), s["parameter"], int(s["decimals"]))
                for s in p["parameters"]
            ),
        )
        for p in raw["profile"]
    }


def rounding_profile(profile_id: str | None) -> RoundingProfile:
    """A rounding profile by id (``None``: full precision)."""
    profiles = _profiles()
    try:
        return profiles[profile_id or "full"]
    except KeyError:
        raise OptionError(
            f"{profile_id!r} is not a rounding profile; choose one of {sorted(profiles)}.",
            option="rounding",
            value=profile_id,
        ) from None
