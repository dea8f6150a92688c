"""Row checks of a record: category, parameter, unit and duplicates; values to canonical units.

Each row either gets a ``reject_reason`` (it is then counted as rejected
and listed) or its ``value`` in canonical units with ``per``, the canonical
label of its line's quantity (t, 10^4 Nm3, MWh, GJ). Units are read once
per distinct (parameter, unit, category) text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.sectors._protocol import (
    CATEGORIES,
    LINE_KEYS,
    PARAMETERS,
    RecordMethod,
    RecordOptions,
)
from carbonacct.sectors._sets import DefaultSet, fold
from carbonacct.sectors._units import canonical_text, parameter_factor, quantity_unit

__all__ = ["KEYS", "checked_rows", "line_categories"]

#: A line of the record: its key and its category.
KEYS = (*LINE_KEYS, "category")


def _reject(frame: pl.DataFrame, condition: pl.Expr, reason: pl.Expr | str) -> pl.DataFrame:
    why = pl.lit(reason) if isinstance(reason, str) else reason
    return frame.with_columns(
        pl.when(pl.col("reject_reason").is_null() & condition)
        .then(why)
        .otherwise(pl.col("reject_reason"))
        .alias("reject_reason")
    )


def line_categories(
    rows: pl.DataFrame, materials: pl.DataFrame | None, defaults: DefaultSet | None
) -> pl.DataFrame:
    """Each row's category: written in the record, else declared in materials, else the set's.

    A material may have two categories in a month (crude steel as a carbon product and as
    the product output); a row of it without a category is then rejected as ambiguous.
    """
    declared: dict[str, str] = {}
    if materials is not None:
        for carrier, category in materials.select("carrier", "category").unique().iter_rows():
            declared.setdefault(fold(carrier), category)
    keys = list(LINE_KEYS)
    written = (
        rows.filter(pl.col("reject_reason").is_null() & pl.col("category").is_in(list(CATEGORIES)))
        .group_by(keys)
        .agg(pl.col("category").unique().alias("_cats"))
    )
    one = written.filter(pl.col("_cats").list.len() == 1).select(
        *keys, pl.col("_cats").list.first().alias("_cat")
    )
    several = written.filter(pl.col("_cats").list.len() > 1).select(
        *keys, pl.col("_cats").list.sort().list.join(" and ").alias("_several")
    )
    rows = rows.join(one, on=keys, how="left", nulls_equal=True)
    rows = rows.join(several, on=keys, how="left", nulls_equal=True)
    # a row without a category where other rows of its line name several: which one is meant?
    rows = _reject(
        rows,
        pl.col("category").is_null() & pl.col("_several").is_not_null(),
        pl.format("no category, and this material is {} this month: write it", pl.col("_several")),
    ).drop("_several")
    names = rows["material"].unique().drop_nulls().to_list()
    fallback = {}
    for name in names:
        key = defaults.material_key(name) if defaults is not None else None
        cats = (
            defaults.values_for(key)["category"].unique().to_list()
            if defaults is not None and key
            else []
        )
        fallback[name] = declared.get(fold(name)) or (cats[0] if len(cats) == 1 else None)
    guessed = rows["material"].replace_strict(fallback, default=None, return_dtype=pl.String)
    return rows.with_columns(
        pl.coalesce(pl.col("category"), pl.col("_cat"), guessed).alias("category")
    ).drop("_cat")


def _unit_table(
    rows: pl.DataFrame, keys: tuple[str, ...], convert: Callable[..., tuple[str | None, float]]
) -> pl.DataFrame:
    """Per distinct ``keys``: ``_label`` and ``_factor`` from ``convert``, or ``_uerr``."""
    out: list[tuple[Any, ...]] = []
    for key in rows.select(keys).unique().iter_rows():
        try:
            out.append((*key, *convert(*key), None))
        except CarbonacctError as exc:
            out.append((*key, None, None, f"unit: {exc.message}"))
    schema = {k: pl.String for k in keys} | {
        "_label": pl.String,
        "_factor": pl.Float64,
        "_uerr": pl.String,
    }
    return pl.DataFrame(out, schema=schema, orient="row")


def _quantity(unit: str | None, category: str, steam: bool = False) -> tuple[str, float]:
    if not unit:
        raise InputError("no unit for the quantity", file=None, row=None, column="unit")
    return quantity_unit(unit, category, steam)


def _takes_steam(method: RecordMethod) -> bool:
    """Whether the method accounts heat given as a mass of steam (a set with ``enthalpy``)."""
    options = RecordOptions(method.id)
    return any(
        "enthalpy" in ps.parameters
        for c in ("heat", "heat_export")
        if c in method.categories
        for ps in method.requirements(c, options)
    )


def _parameter(parameter: str, unit: str | None, per: str | None) -> tuple[None, float]:
    if not unit and PARAMETERS[parameter].kind != "fraction":
        # 0.5 carbon content: 0.5 tC/t or 0.5 %? a unit is never guessed
        raise InputError(
            f"no unit for {parameter} (write e.g. {canonical_text(parameter, per or 't')})",
            file=None,
            row=None,
            column="unit",
        )
    if per is None and PARAMETERS[parameter].kind == "per_unit":
        raise InputError(
            "no quantity for this material and month, so a per-unit value cannot be read",
            file=None,
            row=None,
            column="unit",
        )
    return None, parameter_factor(parameter, unit or "", per or "t")


def _with_units(rows: pl.DataFrame, per_material: dict[str, str], steam: bool) -> pl.DataFrame:
    """Rows with canonical ``value`` and ``per``, or a unit reject reason."""
    ok = pl.col("reject_reason").is_null()
    qrows = rows.filter(ok & (pl.col("parameter") == "quantity"))
    units = _unit_table(qrows, ("unit", "category"), partial(_quantity, steam=steam))
    quantity = qrows.join(units, on=["unit", "category"], how="left", nulls_equal=True)
    quantity = quantity.rename({"_label": "_per"})
    per = quantity.filter(pl.col("_per").is_not_null()).select(*KEYS, "_per")
    others = rows.filter(~(ok & (pl.col("parameter") == "quantity")))
    others = others.join(per, on=list(KEYS), how="left", nulls_equal=True)
    names = others["material"].unique().drop_nulls().to_list()
    declared = others["material"].replace_strict(
        {m: per_material.get(fold(m)) for m in names}, default=None, return_dtype=pl.String
    )
    others = others.with_columns(pl.coalesce(pl.col("_per"), declared).alias("_per"))
    valid = others.filter(ok)
    units = _unit_table(valid, ("parameter", "unit", "_per"), _parameter).drop("_label")
    others = others.join(units, on=["parameter", "unit", "_per"], how="left", nulls_equal=True)
    rows = pl.concat([quantity, others.select(quantity.columns)]).sort("table", "row")
    rows = _process_hint(rows, quantity)
    return rows.with_columns(
        (pl.col("value") * pl.col("_factor")).alias("value"), pl.col("_per").alias("per")
    ).drop("_uerr", "_factor", "_per")


def _process_hint(rows: pl.DataFrame, quantity: pl.DataFrame) -> pl.DataFrame:
    """The unit error, saying so when the line's quantity is there under another process tag."""
    other = [k for k in KEYS if k != "process"]
    tags = (
        quantity.filter(pl.col("_per").is_not_null())
        .group_by(other)
        .agg(pl.col("process").unique().sort().str.join("', '").alias("_tags"))
    )
    rows = rows.join(tags, on=other, how="left", nulls_equal=True)
    hint = pl.format(
        "no quantity for this material and month under process '{}'; its quantity is under "
        "process '{}': the process (工序) tags differ; give every row of a line the same process",
        pl.col("process"),
        pl.col("_tags"),
    )
    lacks = pl.col("_uerr").str.contains("no quantity for this material and month", literal=True)
    why = pl.when(lacks & pl.col("_tags").is_not_null()).then(hint).otherwise(pl.col("_uerr"))
    return _reject(rows, pl.col("_uerr").is_not_null(), why).drop("_tags")


def checked_rows(
    rows: pl.DataFrame,
    method: RecordMethod,
    per_material: dict[str, str],
) -> pl.DataFrame:
    """Rows with their reject reasons and canonical values (``value``, ``per``).

    ``per_material`` gives the quantity unit label of a material declared in
    materials, for lines whose quantity is not in the record.
    """
    rows = _reject(
        rows, pl.col("category").is_null(), "no category (give it in the record or in materials)"
    )
    rows = _reject(
        rows,
        ~pl.col("category").is_in(list(CATEGORIES)),
        pl.format("unknown category '{}'", pl.col("category")),
    )
    rows = _reject(
        rows,
        ~pl.col("category").is_in(list(method.categories)),
        pl.format("category '{}' is not accounted by {}", pl.col("category"), pl.lit(method.id)),
    )
    rows = _reject(
        rows,
        ~pl.col("parameter").is_in(list(PARAMETERS)),
        pl.format("unknown parameter '{}'", pl.col("parameter")),
    )
    live = pl.col("reject_reason").is_null()
    dup = pl.when(live).then(pl.len().over([*KEYS, "parameter", live])).otherwise(1) > 1
    group = [*KEYS, "parameter", live]
    collided = pl.format(
        "duplicate (month, process, material, parameter): rows {} of {} give {}",
        pl.col("row").cast(pl.String).str.join(", ").over(group),
        pl.col("table"),
        pl.col("value_text").fill_null("<blank>").str.join(" and ").over(group),
    )
    rows = _reject(rows, dup, collided)
    return _with_units(rows, per_material, _takes_steam(method))
