"""Side tables of a footprint read once at its top: firms, and rows labelled by period.

(They join the other side-table readers in ``carbonacct.io`` when the reading
layer is rewritten.)
"""

from __future__ import annotations

import polars as pl

from carbonacct.errors import CarbonacctError, InputError, format_rows
from carbonacct.io import Source, TableLike, read_side_table
from carbonacct.readings import Period
from carbonacct.vocabulary import region_code

__all__ = ["period_rows", "raise_first_bad_row", "read_firms", "read_fuel_parameters"]


def _provinces(frame: pl.DataFrame, src: Source) -> pl.Series:
    provinces = []
    rows = frame["row"].to_list()
    for i, value in zip(rows, frame["province"].cast(pl.String).to_list(), strict=True):
        try:
            provinces.append(region_code(value) if value not in (None, "") else None)
        except CarbonacctError as exc:
            raise InputError(
                f"{src.name}, row {i}, column 'province': {exc}",
                file=src.name,
                row=i,
                column="province",
                value=value,
            ) from None
    return pl.Series("province", provinces, dtype=pl.String)


def read_firms(firms: TableLike | None) -> tuple[pl.DataFrame | None, Source | None]:
    """``firm_id``, ``name``, ``province`` (a GB/T 2260 code), ``city``, ``sector`` of each firm.

    A sector written with its section letter (``C3399``) is the same code as ``3399``; each
    firm once.
    """
    if firms is None:
        return None, None
    frame, src = read_side_table(firms, ("firm_id",), "the firms table")
    if not frame.height:  # every reading would be rejected as unknown_firm
        raise InputError(
            f"{src.name}: the firms table has no rows (only a header), so every reading would be "
            "rejected as of an unknown firm. Add a row per firm (firm_id, province).",
            file=src.name,
            row=None,
            column="firm_id",
        )
    for col in ("name", "province", "city", "sector"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    frame = frame.with_columns(
        pl.col("firm_id").cast(pl.String).str.strip_chars(),
        pl.col("sector").cast(pl.String).str.strip_chars().str.replace(r"^[A-Ta-t]", ""),
        _provinces(frame, src),
    )
    dupes = frame.filter(pl.col("firm_id").is_duplicated())
    if dupes.height:
        raise InputError(
            f"{src.name}: firm_id repeated:"
            + format_rows(dupes.select("row", "firm_id").head(5).to_dicts())
            + "\nGive each firm once.",
            file=src.name,
            row=int(dupes["row"][0]),
            column="firm_id",
        )
    columns = ("name", "city", "sector")
    return frame.select("firm_id", "province", *(pl.col(c).cast(pl.String) for c in columns)), src


def period_rows(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Typed firm_id, value, unit, and the period label at ``period`` with its granularity rank."""
    from carbonacct.readings import parse_period

    label, rank = parse_period(pl.col("period"), period)
    return frame.with_columns(
        pl.col("firm_id").cast(pl.String).str.strip_chars(),
        pl.col("value").cast(pl.Float64, strict=False),
        pl.col("unit").cast(pl.String).str.strip_chars(),
        label.alias("period_label"),
        rank.alias("_rank"),
    )


def read_fuel_parameters(data: TableLike) -> tuple[pl.DataFrame, Source]:
    """Measured fuel parameters per firm: ``firm_id``, ``carrier``, ``parameter``, ``value``, ``unit``."""
    frame, src = read_side_table(
        data, ("firm_id", "carrier", "parameter", "value", "unit"), "fuel parameters"
    )
    return frame.with_columns(pl.all().exclude("row").cast(pl.String)), src


def raise_first_bad_row(bad: pl.DataFrame, src: Source, need: str, shown: tuple[str, ...]) -> None:
    """Raise :class:`InputError` naming the first row of ``bad``, if any: what is needed, what came."""
    if not bad.height:
        return
    r = bad.row(0, named=True)
    raise InputError(
        problem=need,
        file=src.name,
        row=r["row"],
        column=shown[0],
        value=r[shown[0]] if len(shown) == 1 else tuple(r[c] for c in shown),
    )
