"""Where a result's numbers come from: the :class:`Provenance` record and the factors-used table.

Every result carries one :class:`Provenance`: the carbonacct version, the
time, the :class:`~carbonacct.options.Method` record, the factor sets with
their versions, the inputs with their checksums, and the row counts. The
factors-used table lists each factor applied with its value, unit, source,
set and grade (official, secondary, measured, user...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from carbonacct.factors import PROVENANCE_SCHEMA
from carbonacct.io import Source
from carbonacct.periods import period_year

__all__ = ["Provenance", "factors_used", "grid_used"]


class Provenance(dict[str, Any]):
    """The provenance record of a result: a mapping written as JSON beside every output.

    Keys: ``carbonacct``, ``method``, ``factor_sets``,
    ``gwp_set``, ``inputs``, ``quality``.
    """

    @classmethod
    def record(
        cls,
        *,
        method: Mapping[str, Any],
        factor_sets: list[str],
        inputs: Mapping[str, Source | None],
        quality: Mapping[str, Any],
        gwp_set: str | None = None,
    ) -> Provenance:
        """The record of a run made now."""
        from carbonacct import __version__

        return cls(
            carbonacct=__version__,
            method=dict(method),
            factor_sets=factor_sets,
            gwp_set=gwp_set,
            inputs={k: (s.record() if s is not None else None) for k, s in inputs.items()},
            quality=dict(quality),
        )

    @property
    def method(self) -> dict[str, Any]:
        return dict(self["method"])

    @property
    def factor_sets(self) -> list[str]:
        return list(self["factor_sets"])


def _used(
    frame: pl.DataFrame,
    factor: str,
    value: str,
    unit: str | pl.Expr,
    source: pl.Expr | str,
    carrier: pl.Expr | str = "carrier",
    scope: pl.Expr | None = None,
    factor_set: pl.Expr | str = "factor_set",
    grade: pl.Expr | None = None,
) -> pl.DataFrame:
    def col(c: pl.Expr | str) -> pl.Expr:
        return pl.col(c) if isinstance(c, str) else c

    # grade, document, table/clause and data year of every factor
    given = {
        c: pl.col(c) if c in frame.columns else pl.lit(None, dtype=t)
        for c, t in PROVENANCE_SCHEMA.items()
    }
    if grade is not None:
        given["grade"] = grade
    return frame.filter(pl.col(value).is_not_null()).select(
        pl.lit(factor).alias("factor"),
        col(carrier).alias("carrier"),
        (scope if scope is not None else pl.lit(None, dtype=pl.String)).alias("scope"),
        pl.col(value).alias("value"),
        (pl.lit(unit) if isinstance(unit, str) else unit).alias("unit"),
        col(source).alias("source"),
        col(factor_set).alias("factor_set"),
        *(e.cast(PROVENANCE_SCHEMA[c]).alias(c) for c, e in given.items()),
    )


def per_unit(numerator: str, carrier: str = "carrier") -> pl.Expr:
    """The unit of a factor per the canonical unit of its carrier, named (``tce/t``,
    ``tCO2/m3``, ``tce/MWh``); ``<numerator>/unit`` for a carrier outside the vocabulary."""
    from carbonacct.vocabulary import carriers

    table = carriers()
    units = dict(zip(table["code"], table["canonical_unit"], strict=True))
    return pl.concat_str(
        pl.lit(f"{numerator}/"),
        pl.col(carrier).replace_strict(units, default="unit", return_dtype=pl.String),
    )


def grid_used(grid: pl.DataFrame, table: pl.DataFrame, firms: pl.DataFrame | None) -> pl.DataFrame:
    """The grid factors of the (province, year) pairs the table actually used."""
    pairs = table.select("firm_id", period_year().cast(pl.Int32).alias("year"))
    return grid_rows_for(grid, pairs, firms)


def grid_rows_for(
    grid: pl.DataFrame, pairs: pl.DataFrame, firms: pl.DataFrame | None
) -> pl.DataFrame:
    """The grid-table rows of the (firm_id, year) pairs given: their province's, or the one row.

    A grid table with a province in any row is by province (the method's grid
    rule decided so); else it has one row per year.
    """
    by_province = grid["province"].is_not_null().any()
    if firms is not None and by_province:
        pairs = pairs.join(firms.select("firm_id", "province"), on="firm_id", how="left")
    else:
        pairs = pairs.with_columns(pl.lit(None, dtype=pl.String).alias("province"))
    return grid.join(
        pairs.select("province", "year").unique(),
        on=["province", "year"],
        how="semi",
        nulls_equal=True,
    )


def factors_used(
    tables: Mapping[str, pl.DataFrame],
    grid: pl.DataFrame,
    codes: list[str],
    measured: pl.DataFrame | None,
    measured_tce: bool = True,
) -> pl.DataFrame:
    """Every factor applied, one row each: factor, carrier, scope, value, unit, source, set, grade."""
    parts = [
        _used(
            tables["energy"],
            "tce_coefficient",
            "tce_per_unit",
            per_unit("tce"),
            "tce_source",
        ),
        _used(
            tables["combustion"],
            "combustion_co2",
            "co2_per_unit",
            per_unit("tCO2"),
            "co2_source",
        ),
        _used(tables["process"], "process_co2", "process_per_unit", "tCO2/t", "process_source"),
    ]
    if "electricity" in codes:
        scope = pl.concat_str(
            [pl.col("province").fill_null("-"), pl.col("year").cast(pl.String)], separator=" "
        )
        source = pl.concat_str(
            [pl.col("grid_source"), pl.col("grid_fallback")], separator="; ", ignore_nulls=True
        )
        parts.append(
            _used(grid, "grid_co2", "grid_ef", "tCO2/MWh", source, pl.lit("electricity"), scope)
        )
    if {"heat", "steam"} & set(codes):
        parts.append(
            _used(tables["heat"], "heat_co2", "value", "tCO2/GJ", "source", pl.lit("heat"))
        )
    if measured is not None:
        kinds = [("combustion_co2_measured", "co2_per_unit", "tCO2", "source")]
        if measured_tce:
            kinds.append(("tce_coefficient_measured", "tce_per_unit", "tce", "tce_source"))
        parts += [
            _used(
                measured,
                factor,
                value,
                per_unit(unit),
                source,
                scope=pl.col("firm_id"),
                factor_set=pl.lit("measured"),
                grade=pl.lit("measured"),
            ).with_columns(pl.lit("firm's fuel parameters").alias("document"))
            for factor, value, unit, source in kinds
        ]
    # one order for equal runs (equal input, equal bytes)
    used = pl.concat(parts, how="vertical_relaxed")
    return used.sort(pl.all(), nulls_last=True, maintain_order=True)


def factor_sets(used: pl.DataFrame, extra: set[str]) -> list[str]:
    """The sorted factor sets named in the factors used, plus ``extra``."""
    return sorted({s for v in used["factor_set"].drop_nulls() for s in v.split(",")} | extra)
