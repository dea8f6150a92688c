"""Find a published factor by its value, and check a factor against the publication it cites.

``find_factor(0.5810, "tCO2/MWh")`` answers "which publication is 0.5810?";
``check_factor(0.5366, "tCO2/MWh", "公告2024年第33号")`` answers "is 0.5366 in
that announcement, and where?" (set, data year, region, variant) — with or
without a region in the citation — and, when it is not, gives the nearest
values the publication does contain and where the value comes from instead.

A citation is recognised by a set id, an announcement number (``2024年第33号``,
``2024 No. 33``), a standard number (``GB/T 32151.34-2024``) or a shipped set's
own document title or title; a region by any province, grid-region word
(华北 东北 华东 华中 西北 南方 西南) or 全国 / national, in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.factors import Factor, FactorLibrary, default_library
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_code, region_code, regions

__all__ = ["FactorCheck", "check_factor", "find_factor", "where"]


def _in_unit(frame: pl.DataFrame, unit: str) -> pl.DataFrame:
    """The rows that convert to ``unit``, with ``value_in_unit``."""
    rows = []
    for r in frame.iter_rows(named=True):
        try:
            rows.append(r | {"value_in_unit": r["value"] * conversion_factor(r["unit"], unit)})
        except CarbonacctError:
            continue
    if not rows:
        return frame.head(0).with_columns(pl.lit(None, dtype=pl.Float64).alias("value_in_unit"))
    return pl.DataFrame(rows, infer_schema_length=None)


def _same(a: float, b: float, rel_tol: float) -> bool:
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12)


def find_factor(
    value: float,
    unit: str,
    *,
    parameter: str = "co2_factor",
    subject: str | None = None,
    library: FactorLibrary | None = None,
    rel_tol: float = 5e-5,
    sets: list[str] | None = None,
) -> pl.DataFrame:
    """Published factors equal to ``value`` [unit], with their set, year, region and variant.

    Values are compared after conversion to ``unit`` and at the published
    precision (a factor printed as 0.5810 matches 0.581).

    Examples
    --------
    >>> hits = find_factor(0.5810, "tCO2/MWh", subject="electricity")
    >>> hits.select("set_id", "variant", "valid_from").row(0)
    ('ets-reporting', 'ets_reporting', datetime.date(2021, 1, 1))
    """
    lib = library or default_library()
    frame = lib.frame(sets).filter(pl.col("parameter") == parameter)
    if subject is not None:
        frame = frame.filter(pl.col("subject") == (carrier_code(subject, strict=False) or subject))
    frame = _in_unit(frame, unit)
    return frame.filter(
        pl.col("value_in_unit").map_elements(
            lambda v: _same(v, value, rel_tol), return_dtype=pl.Boolean
        )
    )


def where(row: dict[str, Any]) -> str:
    """Where a factor row sits: set, data year or validity, region, variant and table."""
    when = row.get("year") or (f"valid from {row['valid_from']}" if row.get("valid_from") else "")
    parts = [f"set {row['set_id']}", f"data year {when}" if row.get("year") else str(when)]
    parts += [f"region {row['region']}" if row.get("region") else ""]
    parts += [f"variant {row['variant']}" if row.get("variant") else ""]
    parts += [str(row.get("source") or "")]
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class FactorCheck:
    """Whether a factor is in the publication it cites.

    ``cited`` is the publication's row that matches (or, when none does, the
    nearest one); ``nearest`` the publication's values closest to the one
    checked; ``matches`` the rows of any publication equal to it.
    """

    value: float
    unit: str
    ok: bool
    cited: Factor | None
    message: str
    matches: pl.DataFrame
    nearest: pl.DataFrame


def _norm(text: str) -> str:
    return re.sub(r"[\s《》<>\"'“”()（）]+", "", text).lower()


def _claimed_sets(claim: str, lib: FactorLibrary) -> tuple[list[str], str]:
    """Set ids a citation points at, and the citation with the matched titles removed."""
    text, folded = claim.strip(), _norm(claim)
    ids = [sid for sid in lib.sets if sid in text]
    for sid, fs in lib.sets.items():
        for title in (fs.manifest.document, fs.manifest.title):
            t = _norm(title)
            # the whole title, or its leading name before a parenthesis (关于发布…的公告)
            head = _norm(re.split(r"[(（]", title)[0])
            if (t and t in folded) or (len(head) >= 8 and head in folded):
                ids.append(sid)
                text = text.replace(re.split(r"[(（]", title)[0].strip(), " ")
    m = re.search(r"(\d{4})\s*(?:年)?\s*(?:No\.?|第|#)\s*(\d+)\s*号?", text, re.I)
    if m:
        tag = f"{m.group(1)}年第{int(m.group(2))}号"
        ids += [sid for sid, fs in lib.sets.items() if tag in fs.manifest.document]
        text = text.replace(m.group(0), " ")
    for std in re.findall(r"GB/?T?\s*[\d.]+-\d{4}", text):
        norm = std.replace(" ", "")
        ids += [
            sid for sid, fs in lib.sets.items() if norm in fs.manifest.document.replace(" ", "")
        ]
    return list(dict.fromkeys(ids)), text


_GRID_WORDS = {
    "全国": "CN",
    "national": "CN",
    "华北": "grid-north",
    "东北": "grid-northeast",
    "华东": "grid-east",
    "华中": "grid-central",
    "西北": "grid-northwest",
    "南方": "grid-south",
    "西南": "grid-southwest",
    "north china": "grid-north",
    "northeast china": "grid-northeast",
    "east china": "grid-east",
    "central china": "grid-central",
    "northwest china": "grid-northwest",
    "south china": "grid-south",
    "southwest china": "grid-southwest",
}


def region_in(text: str) -> str | None:
    """The region a citation names: a province, a grid-region word or 全国, Chinese or English.

    The longest name wins, so 内蒙古 is not read as 蒙, nor "Northeast China" as "East China".

    Examples
    --------
    >>> region_in("公告2024年第33号 华中"), region_in("2023, Jiangsu"), region_in("全国")
    ('grid-central', 'CN-JS', 'CN')
    """
    lower = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    names: dict[str, str] = dict(_GRID_WORDS)
    for r in regions().iter_rows(named=True):
        names[r["name_zh"]] = names[r["short_zh"]] = names[r["name_en"].lower()] = r["code"]
    for name in sorted(names, key=len, reverse=True):
        ascii_word = name.isascii()
        if (ascii_word and f" {name} " in lower) or (not ascii_word and name in text):
            return names[name]
    return None


def _factor(row: dict[str, Any], parameter: str, lib: FactorLibrary) -> Factor:
    """The library's own Factor record of a row (the set, region, year and variant it sits at)."""
    year = row["year"] or (row["valid_from"].year if row["valid_from"] else None)
    return lib.resolve(
        parameter,
        row["subject"],
        region=row["region"],
        year=year,
        variant=row["variant"],
        sets=[row["set_id"]],
        year_fallback="exact",
    )


def _candidates(
    lib: FactorLibrary, sets: list[str], parameter: str, subject: str, unit: str, **keys: Any
) -> pl.DataFrame:
    frame = lib.frame(sets).filter(
        (pl.col("parameter") == parameter)
        & (pl.col("subject") == (carrier_code(subject, strict=False) or subject))
    )
    for column, value in keys.items():
        if value is None:
            continue
        if column == "year":  # a data year, or a validity period that covers the year
            start, end = dt.date(value, 1, 1), dt.date(value, 12, 31)
            undated = pl.col("year").is_null() & (
                pl.col("valid_from").is_null() | (pl.col("valid_from") <= end)
            )
            undated = undated & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= start))
            # ETS reporting rows carry the data year they were issued for and a validity period
            covers = (pl.col("valid_from") <= end) & (
                pl.col("valid_to").is_null() | (pl.col("valid_to") >= start)
            )
            frame = frame.filter((pl.col("year") == value) | undated | covers.fill_null(False))
        else:
            frame = frame.filter(pl.col(column) == value)
    return _in_unit(frame, unit)


def check_factor(
    value: float,
    unit: str,
    claim: str,
    *,
    parameter: str = "co2_factor",
    subject: str = "electricity",
    region: str | None = None,
    year: int | None = None,
    variant: str | None = None,
    library: FactorLibrary | None = None,
    rel_tol: float = 5e-5,
) -> FactorCheck:
    """Check whether ``value`` [unit] is in the publication ``claim`` cites, and where.

    ``claim`` is the citation as written ("公告2024年第33号", "… 2024 No. 33, Jiangsu", a set
    id, a document title); a region narrows the check, else every row counts. When the
    value is not in it, the message gives the nearest values and where the value is.

    Examples
    --------
    >>> c = check_factor(0.5366, "tCO2/MWh", "公告2024年第33号")
    >>> c.ok, c.cited.region, c.cited.year, c.cited.variant
    (True, 'CN', 2022, 'average')
    >>> check_factor(0.5987, "tCO2/MWh", "MEE/NBS announcement 2024 No. 33, Jiangsu").cited.value
    0.5978
    """
    lib = library or default_library()
    if year is not None and not 1900 <= year <= 2100:
        raise InputError(f"year {year} is not a data year (1900–2100).", value=year, column="year")
    sets, rest = _claimed_sets(claim, lib)
    matches = find_factor(
        value, unit, parameter=parameter, subject=subject, library=lib, rel_tol=rel_tol
    )
    elsewhere = "; ".join(where(r) for r in matches.iter_rows(named=True)) or "no shipped factor"
    if not sets:
        msg = f"the citation {claim!r} names no publication in the factor library; {value} {unit} is in: {elsewhere}"
        return FactorCheck(value, unit, False, None, msg, matches, matches.head(0))
    code = region_code(region) if region is not None else region_in(rest)
    cands = _candidates(
        lib, sets, parameter, subject, unit, region=code, year=year, variant=variant
    )
    docs = " / ".join(dict.fromkeys(lib.sets[s].manifest.document for s in sets))
    scope = ", ".join(f"{k} {v}" for k, v in (("region", code), ("year", year)) if v) or "any row"
    if cands.height == 0:
        msg = (
            f"{docs} has no {parameter} of {subject} for {scope}; {value} {unit} is in: {elsewhere}"
        )
        return FactorCheck(value, unit, False, None, msg, matches, cands)
    hit = cands.filter(
        pl.col("value_in_unit").map_elements(
            lambda v: _same(v, value, rel_tol), return_dtype=pl.Boolean
        )
    )
    nearest = (
        cands.with_columns((pl.col("value_in_unit") - value).abs().alias("distance"))
        .sort("distance")
        .head(3)
    )
    if hit.height:
        places = "; ".join(where(r) for r in hit.iter_rows(named=True))
        msg = f"{value} {unit} is in {docs}: {places}"
        return FactorCheck(
            value,
            unit,
            True,
            _factor(hit.row(0, named=True), parameter, lib),
            msg,
            matches,
            nearest,
        )
    near = "; ".join(
        f"{r['value_in_unit']:g} {unit} ({where(r)})" for r in nearest.iter_rows(named=True)
    )
    first = nearest.row(0, named=True)
    gives = "it gives" if cands.height == 1 else "its nearest values are"
    msg = f"{value} {unit} is not in {docs} ({scope}): {gives} {near}. {value} is in: {elsewhere}"
    return FactorCheck(value, unit, False, _factor(first, parameter, lib), msg, matches, nearest)
