"""Green-factory scoring models as data: the items of a scheme, their weights and levels.

A model (``factors/green_factory/<id>.csv`` with its manifest, kind
``green_factory``) lists the items of a scheme: first-level indicator, item,
type (``veto`` — the basic requirements, not scored; ``mandatory`` 必选;
``optional`` 可选; ``quantitative`` — scored against a baseline 基准值 and a
leading 引领值 value), weight and the grade of that weight. A weight not checked
against the official text is left empty: the user supplies it. ``levels_from``
says where an item's baseline and leading values come from when the
assessment does not give them (``gb_quota``: grade 2 and grade 1 of the
product's GB energy-consumption quota standard, as the MIIT 2026 declaration
form defines for 单位产品综合能耗).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from carbonacct._manifest import Manifest, data_dir, read_dataset
from carbonacct.errors import FactorNotFoundError, InputError

__all__ = [
    "DIRECTIONS",
    "LEVEL_SOURCES",
    "MODEL_SCHEMA",
    "TYPES",
    "GreenFactoryModel",
    "load_model",
    "read_model",
]

MODEL_SCHEMA = {
    "item_id": pl.String,
    "level1": pl.String,
    "level2": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "type": pl.String,
    "weight": pl.Float64,
    "weight_grade": pl.String,
    "indicator": pl.String,
    "direction": pl.String,
    "baseline": pl.Float64,
    "leading": pl.Float64,
    "levels_from": pl.String,
    "unit": pl.String,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
TYPES = ("veto", "mandatory", "optional", "quantitative")
DIRECTIONS = ("higher_better", "lower_better")
#: Where a quantitative item's levels may come from when the assessment gives none.
LEVEL_SOURCES = ("gb_quota",)


@dataclass(frozen=True)
class GreenFactoryModel:
    """A scoring model: its manifest and items (one row per item, :data:`MODEL_SCHEMA`)."""

    manifest: Manifest
    items: pl.DataFrame

    @property
    def id(self) -> str:
        return self.manifest.id


def _row_problem(row: dict[str, object]) -> tuple[str, str] | None:
    """The column and reason a model row is unusable, or None."""
    if row["type"] not in TYPES:
        return "type", f"type {row['type']!r} is not one of {TYPES}."
    if row["type"] == "quantitative" and row["direction"] not in DIRECTIONS:
        return "direction", "a quantitative item needs direction higher_better or lower_better."
    if row["type"] == "quantitative" and not row["indicator"]:
        return "indicator", "a quantitative item names its indicator."
    if row["levels_from"] is not None and row["levels_from"] not in LEVEL_SOURCES:
        return "levels_from", f"levels_from {row['levels_from']!r} is not one of {LEVEL_SOURCES}."
    if row["weight"] is not None and row["weight_grade"] not in ("official", "secondary"):
        return "weight", (
            f"a weight graded {row['weight_grade']!r} cannot be shipped; "
            "leave it empty so that users supply it."
        )
    return None


def read_model(path: str | Path) -> GreenFactoryModel:
    """Read a model file (manifest or CSV with its manifest beside it), checksum and schema checked.

    Raises
    ------
    InputError
        Naming the file, the row (header: row 1) and the column of an unusable row.
    """
    manifest, items = read_dataset(path, MODEL_SCHEMA, ("item_id", "level1", "type", "source"))
    file = str(Path(manifest.path).parent / manifest.data)
    for i, row in enumerate(items.iter_rows(named=True), start=2):  # header: row 1
        problem = _row_problem(row)
        if problem is not None:
            column, reason = problem
            raise InputError(f"{file}, row {i}: {reason}", file=file, row=i, column=column)
    if items["item_id"].is_duplicated().any():
        raise InputError(f"{file}: item ids repeat.", file=file, row=None, column="item_id")
    return GreenFactoryModel(manifest, items)


@cache
def _shipped() -> dict[str, GreenFactoryModel]:
    folder = data_dir() / "green_factory"
    paths = sorted(
        p for p in folder.glob("*.toml") if Manifest.from_toml(p).kind == "green_factory"
    )
    return {m.id: m for m in (read_model(p) for p in paths)}


def load_model(id_or_path: str | Path) -> GreenFactoryModel:
    """A shipped model by id (``gbt36132-2018``, ``gbt36132-2025``) or your own by path.

    Examples
    --------
    >>> load_model("gbt36132-2025").items.filter(pl.col("item_id") == "L1.1")["weight"][0]
    8.0
    """
    models = _shipped()
    if str(id_or_path) in models:
        return models[str(id_or_path)]
    if str(id_or_path) and Path(id_or_path).exists():
        return read_model(id_or_path)
    raise FactorNotFoundError(
        f"No green-factory model {str(id_or_path)!r}; shipped: {sorted(models)}. "
        "Name one in the assessment (model: ...) or with --model, or give the path of your own.",
        query={"model": str(id_or_path)},
        candidates=sorted(models),
    )
