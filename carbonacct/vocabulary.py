"""The controlled vocabulary: carrier codes, provinces, grid regions, column names.

One name per quantity across code, files and outputs (pvlib's ``ghi``,
``temp_air``). Foreign names are mapped into it on read: the Chinese names of
the statistics forms (电力, 天然气, 原煤...) become carrier codes
(``electricity``, ``natural_gas``, ``raw_coal``), provinces given by Chinese or
English name or GB/T 2260 code become ISO 3166-2:CN codes (``CN-JS``), and
Chinese column headers become library column names (:data:`COLUMN_MAP`).

The concepts live in their own modules and are published here: header synonyms
(``_header_synonyms``), controlled names (``_terms``), words people read (``_words``).
"""

from __future__ import annotations

import difflib
from functools import cache

import polars as pl

from carbonacct._header_synonyms import COLUMN_FALLBACK, COLUMN_MAP, REPORT_COLUMN_MAP
from carbonacct._manifest import verified_data_path
from carbonacct._terms import (
    COLUMNS,
    INDICATOR_STATUSES,
    METRICS,
    STATUSES,
    Term,
    canonical_columns,
    canonical_name,
    term,
)
from carbonacct._words import HEADERS_EN, LABELS, header, label
from carbonacct.errors import InputError

__all__ = [
    "COLUMNS",
    "COLUMN_FALLBACK",
    "COLUMN_MAP",
    "HEADERS_EN",
    "INDICATOR_STATUSES",
    "LABELS",
    "METRICS",
    "REPORT_COLUMN_MAP",
    "STATUSES",
    "Term",
    "canonical_columns",
    "canonical_name",
    "carrier_code",
    "carrier_info",
    "carrier_label",
    "carrier_names",
    "carriers",
    "carriers_matching",
    "grid_region",
    "header",
    "label",
    "region_code",
    "region_names",
    "regions",
    "regions_matching",
    "term",
]


@cache
def carriers() -> pl.DataFrame:
    """The carrier table: code, names, category, dimension and canonical unit."""
    return pl.read_csv(
        verified_data_path("vocabulary/carriers.csv"), infer_schema=False
    ).with_columns(pl.col("aliases").fill_null(""))


@cache
def regions() -> pl.DataFrame:
    """Provinces: ISO 3166-2:CN code, GB/T 2260 code, names, grid region."""
    return pl.read_csv(verified_data_path("vocabulary/regions.csv"), infer_schema=False)


@cache
def _grid_regions() -> pl.DataFrame:
    return pl.read_csv(verified_data_path("vocabulary/grid_regions.csv"), infer_schema=False)


def _fold(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("-", "").replace("_", "")


@cache
def carrier_names() -> dict[str, str]:
    """Every accepted carrier name (folded case) mapped to its code."""
    names: dict[str, str] = {}
    for row in carriers().iter_rows(named=True):
        for name in [row["code"], row["name_zh"], row["name_en"], *row["aliases"].split("|")]:
            if name:
                names[_fold(name)] = row["code"]
    return names


_CARRIER_HINT = "See carbonacct.vocabulary.carriers() for the codes and names accepted."
_REGION_HINT = (
    "Give a province name (江苏, Jiangsu), a GB/T 2260 code (320000) or an ISO code (CN-JS)."
)


def _lookup(
    names: dict[str, str],
    name: object,
    strict: bool,
    what: str,
    hint: str,
    column: str,
    known: bool = True,
) -> str | None:
    """The code of ``name`` in a table of folded names, or an error naming the nearest ones."""
    code = names.get(_fold(str(name))) if known else None
    if code is None and strict:
        near = difflib.get_close_matches(_fold(str(name)), list(names), n=3, cutoff=0.5)
        raise InputError(
            f"Unknown {what} {name!r}. Nearest: {list(dict.fromkeys(names[n] for n in near))}. {hint}",
            value=name,
            column=column,
        )
    return code


def carrier_code(name: str, *, strict: bool = True) -> str | None:
    """The carrier code for a code, Chinese or English name or alias.

    Examples
    --------
    >>> carrier_code("天然气"), carrier_code("Diesel"), carrier_code("electricity")
    ('natural_gas', 'diesel', 'electricity')
    """
    # only text names a carrier (a number in a carrier column is an error, not a code)
    known = isinstance(name, str)
    return _lookup(carrier_names(), name, strict, "carrier", _CARRIER_HINT, "carrier", known)


def carrier_info(code: str) -> dict[str, str]:
    """The carrier's row of the carrier table (``code`` a carrier code, see :func:`carrier_code`)."""
    rows = carriers().filter(pl.col("code") == code)
    if not rows.height:
        raise InputError(
            f"{code!r} is not a carrier code; map a name with carrier_code() first "
            "(see carbonacct.vocabulary.carriers()).",
            column="carrier",
            value=code,
        )
    return rows.row(0, named=True)


def carrier_label(code: str, lang: str = "en") -> str:
    """A carrier's name for people (原煤, 天然气, 电力 in Chinese); the code itself if unknown.

    >>> carrier_label("natural_gas", "zh"), carrier_label("natural_gas"), carrier_label("x")
    ('天然气', 'natural gas', 'x')
    """
    names = _carrier_words()
    return names.get(code, (code, code))[1 if lang == "zh" else 0]


@cache
def _carrier_words() -> dict[str, tuple[str, str]]:
    t = carriers()
    return {c: (en, zh) for c, en, zh in zip(t["code"], t["name_en"], t["name_zh"], strict=True)}


@cache
def region_names() -> dict[str, str]:
    """Every accepted region name or code (folded) mapped to its code."""
    names: dict[str, str] = {}
    for row in regions().iter_rows(named=True):
        for name in (
            row["code"],
            row["gb2260"],
            (row["gb2260"] or "")[:2],
            row["name_zh"],
            row["short_zh"],
            row["name_en"],
        ):
            if name:  # 蒙东/蒙西 have no GB/T 2260 code of their own
                names[_fold(name)] = row["code"]
    for row in _grid_regions().iter_rows(named=True):
        zh = row["name_zh"]  # 华东, as reports also write it: 华东电网, 华东区域电网
        for name in (row["code"], zh, row["name_en"], f"{zh}电网", f"{zh}区域电网"):
            names[_fold(name)] = row["code"]
    names[_fold("national")] = names[_fold("China")] = names[_fold("中国")] = "CN"
    return names


def region_code(name: str | int, *, strict: bool = True) -> str | None:
    """The region code for a province or grid region, by name or code.

    Provinces become ISO 3166-2:CN codes, grid regions ``grid-*``, the
    country ``CN``.

    Examples
    --------
    >>> region_code("江苏"), region_code(320000), region_code("Jiangsu"), region_code("华东")
    ('CN-JS', 'CN-JS', 'CN-JS', 'grid-east')
    """
    return _lookup(region_names(), name, strict, "region", _REGION_HINT, "province")


def grid_region(province: str) -> str | None:
    """The power-grid region of a province (None for 内蒙古, which spans two)."""
    code = region_code(province)
    row = regions().filter(pl.col("code") == code)
    return row["grid_region"][0] if row.height else None


def carriers_matching(text: str) -> list[str]:
    """Carrier codes whose names contain ``text``."""
    t = _fold(text)
    return sorted({code for name, code in carrier_names().items() if t and t in name})


def regions_matching(text: str) -> list[str]:
    """Region codes whose names contain ``text``."""
    t = _fold(text)
    return sorted({code for name, code in region_names().items() if t and t in name})
