"""How a query finds exactly one factor: parameter, subject, region, variant, data year, precedence.

The only fall-back is explicit: the newest data year not after the one asked,
and the answer says when it was applied. A query that matches nothing names
the nearest candidates; one that matches several in the same set names them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from carbonacct._factor_record import Factor
from carbonacct._factor_schema import PARAMETERS
from carbonacct.errors import AmbiguousFactorError, FactorNotFoundError, format_rows

__all__ = [
    "check_parameter",
    "factor_from_row",
    "matching_rows",
    "not_found",
    "pick",
    "query_of",
    "refuse_footprint",
    "select_year",
]


def check_parameter(parameter: str) -> None:
    """Refuse a parameter that is not one of :data:`PARAMETERS`, naming the nearest."""
    if parameter not in PARAMETERS:
        near = difflib.get_close_matches(parameter, list(PARAMETERS), n=3)
        raise FactorNotFoundError(
            f"Unknown parameter {parameter!r}. Nearest: {near}. Known: {sorted(PARAMETERS)}.",
            query={"parameter": parameter},
            candidates=near,
        )


def query_of(
    parameter: str, subject: str, region: str | None, year: int | None, variant: str | None
) -> dict[str, Any]:
    """The keys a query gave, for messages and error fields."""
    keys = dict(parameter=parameter, subject=subject, region=region, year=year, variant=variant)
    return {k: v for k, v in keys.items() if v is not None}


def refuse_footprint(parameter: str, footprint: Sequence[str]) -> None:
    """Carbon-footprint sets answer only footprint queries (never scope 2)."""
    if footprint and parameter != "co2e_footprint_factor":
        raise FactorNotFoundError(
            f"Set(s) {list(footprint)} hold electricity carbon-footprint factors (life-cycle CO2e, "
            "for product footprints); they are refused for scope 2 and every other "
            f"{parameter!r} query. Use a grid factor set (mee-nbs-*) for scope 2.",
            query={"parameter": parameter, "sets": list(footprint)},
            candidates=[],
        )


def matching_rows(
    rows: pl.DataFrame,
    subject: str,
    region: str | None,
    variant: str | None,
    year: int | None,
    year_fallback: str,
) -> tuple[pl.DataFrame, str | None]:
    """The rows of one parameter that match the query, and the year fall-back applied."""
    rows = rows.filter(pl.col("subject") == subject)
    if region is not None:
        rows = rows.filter(pl.col("region") == region)
    if variant is not None:
        rows = rows.filter(pl.col("variant") == variant)
    if year is not None and rows.height:
        return select_year(rows, year, year_fallback)
    return rows, None


def pick(rows: pl.DataFrame, order: Sequence[str], query: dict[str, Any]) -> dict[str, Any]:
    """The one row of the first set (in precedence order) that has any; several is ambiguous."""
    hit, sid = rows.clear(), ""
    for sid in order:
        hit = rows.filter(pl.col("set_id") == sid)
        if hit.height:
            break
    if hit.height > 1:
        keys = hit.select("region", "year", "variant", "set_id").to_dicts()
        raise AmbiguousFactorError(
            f"{hit.height} factors match {query} in set {sid!r}; narrow the query "
            f"(region, year or variant):{format_rows(keys)}",
            query=query,
            matches=keys,
        )
    return hit.row(0, named=True)


def factor_from_row(
    parameter: str, subject: str, r: dict[str, Any], fallback: str | None
) -> Factor:
    """A :class:`Factor` from a row of :meth:`FactorLibrary.frame`."""
    return Factor(
        parameter=parameter,
        subject=subject,
        value=r["value"],
        unit=r["unit"],
        region=r["region"],
        year=r["year"],
        variant=r["variant"],
        set_id=r["set_id"],
        set_version=r["set_version"],
        document=r["document"],
        source=r["source"] or "",
        grade=r["grade"] or "",
        note=r["note"] or "",
        valid_from=str(r["valid_from"]) if r["valid_from"] else None,
        valid_to=str(r["valid_to"]) if r["valid_to"] else None,
        fallback=fallback,
    )


def not_found(
    query: dict[str, Any],
    rows: pl.DataFrame,
    subject: str,
    region: str | None,
    variant: str | None,
    year: int | None,
) -> FactorNotFoundError:
    subjects = rows["subject"].unique().to_list()
    if subject not in subjects:
        near = difflib.get_close_matches(subject, subjects, n=3, cutoff=0.4)
        hint = f"no {query['parameter']} for {subject!r}; nearest subjects: {near}"
        cands: list[Any] = near
    else:
        same = rows.filter(pl.col("subject") == subject).select(
            "region", "year", "variant", "set_id"
        )
        score = (  # rows sharing more of the query's keys come first
            pl.col("region").eq_missing(pl.lit(region, pl.String)).cast(pl.Int8)
            + pl.col("year").eq_missing(pl.lit(year, pl.Int32)).cast(pl.Int8)
            + pl.col("variant").eq_missing(pl.lit(variant, pl.String)).cast(pl.Int8)
        )
        cands = (
            same.unique()
            .with_columns(score.alias("_score"))
            .sort("_score", "year", "region", descending=[True, True, False], nulls_last=True)
            .drop("_score")
            .head(8)
            .to_dicts()
        )
        hint = f"no row with this region/year/variant; candidates:{format_rows(cands, 8)}"
    return FactorNotFoundError(
        f"No factor for {query}: {hint}. `carbonacct factors search` lists what is shipped; "
        "register your own with FactorLibrary.register().",
        query=query,
        candidates=cands,
    )


def select_year(rows: pl.DataFrame, year: int, mode: str) -> tuple[pl.DataFrame, str | None]:
    """Keep the rows valid for ``year``: its own data year, a validity period, or no year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    undated = rows.filter(pl.col("year").is_null())
    in_period = undated.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= end))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= start))
    )
    dated = rows.filter(pl.col("year").is_not_null())
    exact = dated.filter(pl.col("year") == year)
    if exact.height:
        return pl.concat([exact, in_period]), None
    earlier = dated.filter(pl.col("year") < year)
    if mode == "previous" and earlier.height:
        newest = int(earlier["year"].max())  # type: ignore[arg-type]
        note = f"data year {newest} used for {year} (newest published not after it)"
        return pl.concat([earlier.filter(pl.col("year") == newest), in_period]), note
    return in_period, None
