"""Multi-step recipes over the public API: each stage's result feeds the next, none re-run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.io import TableLike

__all__ = ["check_from_readings"]


def check_from_readings(
    readings: TableLike | Sequence[TableLike],
    firms: TableLike,
    activity: TableLike,
    *,
    pathways: Iterable[str | Path] | None = None,
    year: int | None = None,
    price_basis: str | None = None,
    deflator: TableLike | None = None,
    actuals: TableLike | None = None,
    **footprint_options: Any,
) -> Any:
    """Run the yearly footprint on meter readings, then check it.

    Readings may carry a ``product`` column (the product or process boundary each
    serves: ``cement_clinker``, ``blast_furnace_iron``, ``bof_steel``...): a tagged
    product is checked on the energy and electricity of its own readings per its output,
    never on whole-site energy. ``activity`` gives value added and outputs; a ``price_basis`` column in it
    (``constant:2020``, ``current``) says at which prices each value added is, else
    ``price_basis`` here. ``footprint_options`` go to :func:`carbonacct.footprint`.

    Returns
    -------
    CheckResult
    """
    from dataclasses import replace

    import carbonacct
    from carbonacct.io import read_side_table

    method = replace(footprint_options.pop("method", carbonacct.Method()), period="year")
    if footprint_options.get("green_electricity") is None:
        # readings tagged with a product or process boundary give that product's own energy
        footprint_options.setdefault("by", ("product",))
    fp = carbonacct.footprint(
        readings, firms=firms, activity=activity, method=method, **footprint_options
    )
    basis: str | pl.DataFrame | None = price_basis
    table, _ = read_side_table(activity, ("firm_id", "period", "metric"), "activity")
    if "price_basis" in table.columns:
        basis = table.filter(
            pl.col("metric").cast(pl.String).str.strip_chars() == "value_added"
        ).select(
            pl.col("firm_id").cast(pl.String),
            pl.col("period")
            .cast(pl.String)
            .str.slice(0, 4)
            .cast(pl.Int32, strict=False)
            .alias("year"),
            pl.coalesce(pl.col("price_basis").cast(pl.String), pl.lit(price_basis)).alias(
                "price_basis"
            ),
        )
    return carbonacct.check(
        firms,
        fp,
        actuals=actuals,
        pathways=pathways,
        year=year,
        price_basis=basis,
        deflator=deflator,
    )
