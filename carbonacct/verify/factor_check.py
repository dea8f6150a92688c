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
import difflib
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError, OptionError
from carbonacct.factors import Factor, FactorLibrary, default_library
from carbonacct.units import conversion_factor
from carbonacct.verify._citations import claimed, only_sources
from carbonacct.verify._derived import DERIVED, derived_factors
from carbonacct.verify._factor_units import factor_unit
from carbonacct.vocabulary import carrier_code, region_code, regions

__all__ = [
    "NOT_SCOPE2_VARIANTS",
    "FactorCheck",
    "check_factor",
    "find_factor",
    "not_scope2",
    "where",
]

#: Published kinds of electricity factor that are not location-based scope-2 factors.
NOT_SCOPE2_VARIANTS = ("operating_margin", "build_margin", "combined_margin")


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


def _with_derived(
    frame: pl.DataFrame, lib: FactorLibrary, sets: list[str] | None, subject: str | None
) -> pl.DataFrame:
    """Fuel EFs derived from NCV × CC × OF × 44/12 added to a frame of co2_factor rows."""
    if subject in ("electricity", "heat", "steam") or (
        frame.height and frame["parameter"][0] != "co2_factor"
    ):
        return frame
    derived = derived_factors(lib, sets, subject)
    if not derived.height:
        return frame
    return pl.concat([frame, derived], how="diagonal_relaxed") if frame.height else derived


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
    code = carrier_code(subject, strict=False) or subject if subject is not None else None
    frame = _with_derived(lib.frame(sets).filter(pl.col("parameter") == parameter), lib, sets, code)
    if code is not None:
        frame = frame.filter(pl.col("subject") == code)
    frame = _in_unit(frame, unit)
    return frame.filter(_matches(frame, value, rel_tol))


def _half_digit(value: float) -> float:
    """Half a unit of the last digit of a value as written (3.0959 → 0.00005)."""
    exponent = Decimal(repr(value)).as_tuple().exponent
    return float(Decimal(5).scaleb(int(exponent) - 1)) if isinstance(exponent, int) else 0.0


def _matches(frame: pl.DataFrame, value: float, rel_tol: float) -> pl.Series:
    """Rows equal to ``value``: a tabulated one at ``rel_tol``, a derived one (never printed,
    so quoted rounded) within half a unit of the quoted value's last digit."""
    half = _half_digit(value)
    variants = frame["variant"] if "variant" in frame.columns else [None] * frame.height
    return pl.Series(
        [
            _same(v, value, rel_tol) or (kind == DERIVED and abs(v - value) <= half)
            for v, kind in zip(frame["value_in_unit"], variants, strict=True)
        ],
        dtype=pl.Boolean,
    )


def not_scope2(
    value: float, unit: str, *, library: FactorLibrary | None = None, rel_tol: float = 5e-5
) -> pl.DataFrame:
    """Published electricity factors of another kind equal to ``value`` [unit], with ``kind``.

    CDM/CCER baseline factors (operating, build or combined margin) and carbon-footprint
    (life-cycle CO2e) factors: a figure computed with one of them is not a scope-2 figure.

    Examples
    --------
    >>> not_scope2(0.5777, "tCO2/MWh").select("kind", "year").row(0)
    ('carbon-footprint (life-cycle CO2e) factor', 2024)
    """
    lib = library or default_library()
    om = find_factor(value, unit, subject="electricity", library=lib, rel_tol=rel_tol)
    om = om.filter(pl.col("variant").is_in(NOT_SCOPE2_VARIANTS)).with_columns(
        kind=pl.lit("CDM/CCER baseline (") + pl.col("variant") + pl.lit(") factor")
    )
    unit_e = unit if "CO2e" in unit else unit.replace("CO2", "CO2e", 1)
    lca = find_factor(
        value,
        unit_e,
        parameter="co2e_footprint_factor",
        subject="electricity",
        library=lib,
        rel_tol=rel_tol,
    ).with_columns(kind=pl.lit("carbon-footprint (life-cycle CO2e) factor"))
    return pl.concat([om, lca], how="diagonal_relaxed")


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
    #: False when the cited publication is known but none of its values are shipped.
    checkable: bool = True


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


def _region(rest: str) -> str | None:
    """The region of the citation's remaining words; a word that looks like one and is not is
    refused (a city, a misspelt province), never ignored."""
    code = region_in(rest)
    if code is not None:
        return code
    names = {**_GRID_WORDS}
    for r in regions().iter_rows(named=True):
        names[r["short_zh"]] = names[r["name_en"].lower()] = r["code"]
    for word in re.findall(r"[A-Za-z]{4,}|[\u4e00-\u9fff]{2,}", rest):
        near = difflib.get_close_matches(word.lower(), list(names), n=3, cutoff=0.75)
        if near or re.search(r"(省|市|自治区|电网|区域|地区)$", word):
            raise InputError(
                f"citation: {word!r} is not a province, grid region (华北 东北 华东 华中 西北 南方 "
                f"西南) or 全国{f'; nearest: {near}' if near else ''}. Write the region as one of "
                "these, or leave it out to check the whole publication.",
                value=word,
                column="region",
            )
    return None


def _factor(row: dict[str, Any], parameter: str, lib: FactorLibrary) -> Factor:
    """The library's own Factor record of a row (the set, region, year and variant it sits at)."""
    if row.get("variant") == DERIVED:  # not a row of the set: the product of three of its rows
        return Factor(
            parameter, row["subject"], row["value"], row["unit"], None, None, DERIVED,
            row["set_id"], row["set_version"], row["document"], row["source"], row["grade"] or "",
        )  # fmt: skip
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
    code = carrier_code(subject, strict=False) or subject
    frame = _with_derived(lib.frame(sets).filter(pl.col("parameter") == parameter), lib, sets, code)
    frame = frame.filter(pl.col("subject") == code) if frame.height else frame
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


def _elsewhere(
    value: float, unit: str, parameter: str, subject: str, lib: FactorLibrary, rel_tol: float
) -> tuple[pl.DataFrame, str]:
    """Every shipped row equal to the value, and where they are (factors of another kind named)."""
    matches = find_factor(
        value, unit, parameter=parameter, subject=subject, library=lib, rel_tol=rel_tol
    )
    found = [where(r) for r in matches.iter_rows(named=True)]
    if subject == "electricity" and parameter == "co2_factor":
        other = not_scope2(value, unit, library=lib, rel_tol=rel_tol)
        found += [f"{where(r)} ({r['kind']}, not scope 2)" for r in other.iter_rows(named=True)]
    return matches, "; ".join(dict.fromkeys(found)) or "no shipped factor"


def _answer(
    value: float,
    unit: str,
    cands: pl.DataFrame,
    docs: str,
    scope: str,
    elsewhere: str,
    parameter: str,
    lib: FactorLibrary,
    rel_tol: float,
    matches: pl.DataFrame,
) -> FactorCheck:
    """Whether the value is among the cited publication's candidate rows, or the nearest ones."""
    hit = cands.filter(_matches(cands, value, rel_tol))
    nearest = (
        cands.with_columns((pl.col("value_in_unit") - value).abs().alias("distance"))
        .sort("distance")
        .head(3)
    )
    if hit.height:
        places = "; ".join(where(r) for r in hit.iter_rows(named=True))
        msg = f"{value} {unit} is in {docs}: {places}"
        if parameter == "co2e_footprint_factor":
            msg += " (a carbon-footprint factor: for product footprints, never for scope 2)"
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


def _process_parameter(parameter: str, subject: str, lib: FactorLibrary) -> str:
    """``process_co2_factor`` for a CO2 factor of a carbonate (石灰石, CaCO3...): the only
    CO2 factor the library holds for it."""
    code = carrier_code(subject, strict=False) or subject
    if parameter != "co2_factor":
        return parameter
    frame = lib.frame().filter(pl.col("subject") == code)
    params = set(frame["parameter"].to_list())
    return (
        "process_co2_factor"
        if "process_co2_factor" in params and parameter not in params
        else parameter
    )


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
    c = claimed(claim, lib)
    sets = c.sets
    if (
        sets
        and parameter == "co2_factor"
        and all(lib.sets[s].manifest.kind == "footprint" for s in sets)
    ):
        parameter = "co2e_footprint_factor"  # a footprint publication holds nothing else
    parameter = _process_parameter(parameter, subject, lib)
    gas = {"co2_factor": "CO2", "process_co2_factor": "CO2", "co2e_footprint_factor": "CO2e"}
    unit = factor_unit(unit, gas=gas.get(parameter))
    matches, elsewhere = _elsewhere(value, unit, parameter, subject, lib, rel_tol)
    if c.guideline is not None:
        msg = (
            f"{c.guideline} is an ETS guideline whose default values carbonacct "
            f"does not ship (not verified); {value} {unit} is in: {elsewhere}"
        )
        return FactorCheck(value, unit, False, None, msg, matches, matches.head(0), False)
    if not sets:
        msg = f"the citation {claim!r} names no publication in the factor library; {value} {unit} is in: {elsewhere}"
        return FactorCheck(value, unit, False, None, msg, matches, matches.head(0))
    try:
        code = region_code(region) if region is not None else _region(c.rest)
    except CarbonacctError as exc:  # an option or citation word outside the known regions
        raise OptionError(str(exc), option="region", value=region) from None
    cands = only_sources(
        _candidates(lib, sets, parameter, subject, unit, region=code, year=year, variant=variant),
        c.sources,
    )
    docs = " / ".join(dict.fromkeys(c.sources or [lib.sets[s].manifest.document for s in sets]))
    scope = ", ".join(f"{k} {v}" for k, v in (("region", code), ("year", year)) if v) or "any row"
    if cands.height == 0:
        msg = (
            f"{docs} has no {parameter} of {subject} for {scope}; {value} {unit} is in: {elsewhere}"
        )
        return FactorCheck(value, unit, False, None, msg, matches, cands)
    return _answer(value, unit, cands, docs, scope, elsewhere, parameter, lib, rel_tol, matches)
