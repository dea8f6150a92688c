"""The controlled vocabulary: carrier codes, provinces, grid regions, column names.

One name per quantity across code, files and outputs (pvlib's ``ghi``,
``temp_air``). Foreign names are mapped into it on read: the Chinese names of
the statistics forms (电力, 天然气, 原煤...) become carrier codes
(``electricity``, ``natural_gas``, ``raw_coal``), provinces given by Chinese or
English name or GB/T 2260 code become ISO 3166-2:CN codes (``CN-JS``), and
Chinese column headers become library column names (:data:`COLUMN_MAP`).
"""

from __future__ import annotations

import difflib
from functools import cache

import polars as pl

from carbonacct._manifest import verified_data_path
from carbonacct.errors import InputError

__all__ = [
    "COLUMN_MAP",
    "carrier_code",
    "carrier_info",
    "carrier_names",
    "carriers",
    "carriers_matching",
    "grid_region",
    "region_code",
    "region_names",
    "regions",
    "regions_matching",
]

#: Column headers met in enterprise and statistics files, mapped to library names.
COLUMN_MAP: dict[str, str] = {
    "企业代码": "firm_id",
    "企业编号": "firm_id",
    "统一社会信用代码": "firm_id",
    "企业id": "firm_id",
    "firm": "firm_id",
    "企业名称": "name",
    "单位名称": "name",
    "能源品种": "carrier",
    "能源名称": "carrier",
    "能源种类": "carrier",
    "品种": "carrier",
    "数量": "value",
    "实物量": "value",
    "消费量": "value",
    "读数": "value",
    "计量单位": "unit",
    "单位": "unit",
    "时间": "timestamp",
    "时间戳": "timestamp",
    "采集时间": "timestamp",
    "统计期": "period",
    "期间": "period",
    "报告期": "period",
    "计量器具编号": "meter_id",
    "表计编号": "meter_id",
    "电表编号": "meter_id",
    "厂区": "site_id",
    "厂区编号": "site_id",
    "流向": "flow",
    "方向": "flow",
    "用途": "use",
    "读数类型": "kind",
    "省份": "province",
    "所在省份": "province",
    "行业代码": "sector",
    "所属行业": "sector",
    "指标": "metric",
    "产品": "metric",
    "指标值": "value",
}


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


def carrier_code(name: str, *, strict: bool = True) -> str | None:
    """The carrier code for a code, Chinese or English name or alias.

    Examples
    --------
    >>> carrier_code("天然气"), carrier_code("Diesel"), carrier_code("electricity")
    ('natural_gas', 'diesel', 'electricity')
    """
    code = carrier_names().get(_fold(name)) if isinstance(name, str) else None
    if code is None and strict:
        near = difflib.get_close_matches(_fold(str(name)), list(carrier_names()), n=3, cutoff=0.5)
        raise InputError(
            f"Unknown carrier {name!r}. Nearest: {[carrier_names()[n] for n in near]}. "
            "See carbonacct.vocabulary.carriers() for the codes and names accepted.",
            value=name,
            column="carrier",
        )
    return code


def carrier_info(code: str) -> dict[str, str]:
    """The carrier's row of the carrier table."""
    return carriers().filter(pl.col("code") == code).row(0, named=True)


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
        for name in (row["code"], row["name_zh"], row["name_en"]):
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
    code = region_names().get(_fold(str(name)))
    if code is None and strict:
        near = difflib.get_close_matches(_fold(str(name)), list(region_names()), n=3, cutoff=0.5)
        raise InputError(
            f"Unknown region {name!r}. Nearest: {[region_names()[n] for n in near]}. Give a province "
            "name (江苏, Jiangsu), a GB/T 2260 code (320000) or an ISO code (CN-JS).",
            value=name,
            column="province",
        )
    return code


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
