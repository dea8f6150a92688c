"""Pieces the cement and aluminium methods share: fuel combustion, auxiliary items, line helpers.

Fuel combustion is S-1 of every sector guideline (FC × NCV × CC × OF × 44/12); the auxiliary items
are purchased electricity and heat, reported beside the ETS total and never in it (CETS—AG—02.01 and
CETS—AG—04.01, 辅助参数报告项).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from carbonacct.errors import InputError

__all__ = [
    "CO2_PER_C",
    "category_expr",
    "ensure_columns",
    "fuel_co2",
    "month_join",
    "refuse_lines",
    "round_half_up",
    "source_sums",
]

CO2_PER_C = 44 / 12
"""tCO2 per tC, as the guidelines write it (44/12 exactly)."""


def fuel_co2() -> pl.Expr:
    """S-1 [tCO2]: FC [t or 10^4 Nm3] × NCV [GJ/unit] × CC [tC/GJ] × OF × 44/12.

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [1000.0], "ncv": [20.0], "carbon_content_per_heat": [0.0261],
    ...                    "oxidation_rate": [0.99]})
    >>> round(df.select(fuel_co2()).item(), 2)  # 1000 × 20 × 0.0261 × 0.99 × 44/12
    1894.86
    """
    return (
        pl.col("quantity")
        * pl.col("ncv")
        * pl.col("carbon_content_per_heat")
        * pl.col("oxidation_rate")
        * CO2_PER_C
    )


def round_half_up(expr: pl.Expr, decimals: int) -> pl.Expr:
    """``expr`` rounded half-up (away from zero) to ``decimals`` places, as Chinese reports round.

    The product is first cleaned to 9 significant places so 1.005 stored as 1.00499… rounds up.

    Examples
    --------
    >>> pl.DataFrame({"x": [1.005, 1.470832, -0.125]}).select(round_half_up(pl.col("x"), 2))["x"].to_list()
    [1.01, 1.47, -0.13]
    """
    scale = 10.0**decimals
    return ((expr * scale).round(6).round(0, mode="half_away_from_zero")) / scale


def ensure_columns(lines: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """``lines`` with a null Float64 column for every parameter no line of it carries."""
    missing = [n for n in names if n not in lines.columns]
    return lines.with_columns(pl.lit(None, pl.Float64).alias(n) for n in missing)


def category_expr(
    by_category: Mapping[str, tuple[str, str, pl.Expr]], *, column: str = "category"
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``source``, ``formula`` and ``co2_t`` expressions chosen by each line's category.

    ``by_category`` maps a category to (source, formula id, CO2 expression); other categories get a
    null source and formula and 0 t (product output, auxiliary quantities).
    """
    source: Any = None
    formula: Any = None
    co2: Any = None
    for name, (src, clause, expr) in by_category.items():
        hit = pl.col(column) == name
        source = (pl if source is None else source).when(hit).then(pl.lit(src))
        formula = (pl if formula is None else formula).when(hit).then(pl.lit(clause))
        co2 = (pl if co2 is None else co2).when(hit).then(expr)
    if co2 is None:
        return (
            pl.lit(None, pl.String).alias("source"),
            pl.lit(None, pl.String).alias("formula"),
            pl.lit(0.0).alias("co2_t"),
        )
    return (
        source.otherwise(pl.lit(None, pl.String)).alias("source"),
        formula.otherwise(pl.lit(None, pl.String)).alias("formula"),
        co2.otherwise(pl.lit(0.0)).cast(pl.Float64).alias("co2_t"),
    )


def month_join(
    lines: pl.DataFrame,
    value: pl.Expr,
    *,
    of: pl.Expr,
    name: str,
    needed_by: pl.Expr,
    what: str,
    clause: str,
    keys: tuple[str, ...] = ("firm_id", "month", "process"),
) -> pl.DataFrame:
    """``lines`` with column ``name``: ``value`` summed over the lines ``of`` selects, same month and process.

    Raises :class:`~carbonacct.errors.InputError` naming the month, process and ``clause`` when a
    line ``needed_by`` selects has no such line (e.g. kiln dust in a month without clinker).
    """
    keys_ = [k for k in keys if k in lines.columns]
    sums = lines.filter(of).group_by(keys_).agg(value.sum().alias(name))
    out = lines.join(sums, on=keys_, how="left", nulls_equal=True)
    orphan = out.filter(needed_by & pl.col(name).is_null())
    if orphan.height:
        row = orphan.row(0, named=True)
        where = ", ".join(f"{k} {row[k]!r}" for k in keys_ if row.get(k) not in (None, ""))
        raise InputError(
            f"{row['material']!r} ({row['category']}, {where}) needs {what} of the same month and "
            f"process ({clause}), and the record has none; add it, or tag the rows with the same "
            f"month and process ({orphan.height} line(s) affected)",
            material=row["material"],
            month=row.get("month"),
            clause=clause,
        )
    return out


def source_sums(by_source: Mapping[str, float], names: Iterable[str]) -> float:
    """The sum of ``by_source`` over ``names`` (absent sources count 0)."""
    return float(sum(by_source.get(n, 0.0) for n in names))


def refuse_lines(
    lines: pl.DataFrame, mask: pl.Expr, message: Callable[[dict[str, Any]], str], clause: str
) -> None:
    """Raise :class:`~carbonacct.errors.InputError` for the first line ``mask`` selects.

    ``message`` composes the text from that line (material and month are prefixed); the error
    carries the material, month, clause and how many lines are affected.
    """
    hit = lines.filter(mask)
    if not hit.height:
        return
    row = hit.row(0, named=True)
    more = f" ({hit.height} lines affected)" if hit.height > 1 else ""
    raise InputError(
        f"{row['material']!r} (month {row.get('month')!r}): {message(row)}{more}",
        material=row["material"],
        month=row.get("month"),
        clause=clause,
        lines=hit.height,
    )
