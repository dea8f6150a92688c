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
import warnings
from dataclasses import dataclass
from functools import cache

import polars as pl

from carbonacct._manifest import verified_data_path
from carbonacct.errors import InputError

__all__ = [
    "COLUMNS",
    "COLUMN_MAP",
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
    "产品工序": "product",
    "核算边界": "product",
    "流向": "flow",
    "方向": "flow",
    "用途": "use",
    "读数类型": "kind",
    "省份": "province",
    "所在省份": "province",
    "省": "province",
    "行业": "sector",
    "行业代码": "sector",
    "所属行业": "sector",
    "所属行业代码": "sector",
    "价格基准": "price_basis",
    "价格口径": "price_basis",
    "价格基础": "price_basis",
    "行业类别代码": "sector",
    "国民经济行业代码": "sector",
    "城市": "city",
    "所在城市": "city",
    "地市": "city",
    "市": "city",
    "指标": "metric",
    "产品": "metric",
    "指标值": "value",
    # monthly records of the sector methods (carbonacct.sectors)
    "月份": "month",
    "月": "month",
    "年份": "year",
    "年度": "year",
    "物料": "material",
    "物料名称": "material",
    "材料": "material",
    "材料名称": "material",
    "燃料品种": "material",
    "类别": "category",
    "物料类别": "category",
    "排放源类别": "category",
    "参数": "parameter",
    "参数名称": "parameter",
    "数值": "value",
    "参数值": "value",
    "获取方式": "how",
    "数据获取方式": "how",
    "工序": "process",
    "生产工序": "process",
    "设施": "process",
    "支撑材料": "evidence",
    "证明材料": "evidence",
    "数值单位": "value_unit",
    "参数单位": "value_unit",
    "来源": "source",
    "依据": "source",
}

#: A header's second meaning, used when its first is taken by another header of the same
#: table: 产品 is the metric of an activity table, but the product beside 指标 in actuals.
COLUMN_FALLBACK: dict[str, str] = {"产品": "product"}


#: Headers of verification and ETS report tables, mapped on reading a report only
#: (:func:`carbonacct.reconcile`): sector records use some of the same words for their own columns.
REPORT_COLUMN_MAP: dict[str, str] = {
    "燃料品种": "carrier",
    "排放源": "line",
    "排放源名称": "line",
    "源流": "line",
    "燃料种类": "carrier",
    "消耗量": "value",
    "活动数据": "value",
    "活动水平": "value",
    "排放量": "reported_co2_t",
    "二氧化碳排放量": "reported_co2_t",
    "co2排放量": "reported_co2_t",
    "排放因子": "reported_factor",
    "排放因子单位": "reported_factor_unit",
    "数据年份": "year",
    "低位发热量": "ncv",
    "单位热值含碳量": "carbon_per_gj",
    "碳氧化率": "oxidation_rate",
    "纯度": "purity",
    "外供量": "exported",
    "输出量": "exported",
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


# --- controlled names: one name per quantity, with its unit, dtype and Chinese label ---


@dataclass(frozen=True)
class Term:
    """A controlled name: a result column, a checked metric or a status."""

    name: str
    unit: str | None
    dtype: str
    description: str
    zh: str
    aliases: tuple[str, ...] = ()


def _terms(*terms: Term) -> dict[str, Term]:
    return {t.name: t for t in terms}


_F, _U = "Float64", "UInt32"

#: Columns of the footprint and intensity tables.
COLUMNS: dict[str, Term] = _terms(
    Term("firm_id", None, "String", "firm identifier (统一社会信用代码 or own id)", "企业代码"),
    Term("period", None, "String", "period label: 2024, 2024Q1 or 2024-01", "统计期"),
    Term("energy_tce", "tce", _F, "comprehensive energy consumption (GB/T 2589)", "综合能耗"),
    Term("energy_feedstock_tce", "tce", _F, "energy used as feedstock", "原料用能"),
    Term(
        "energy_excl_feedstock_tce", "tce", _F, "energy less feedstock use", "扣除原料用能后的能耗"
    ),
    Term("energy_media_tce", "tce", _F, "energy-consuming media", "耗能工质能耗"),
    Term("co2_combustion_t", "tCO2", _F, "CO2 from fuel combustion", "化石燃料燃烧排放"),
    Term("co2_process_t", "tCO2", _F, "process CO2 (carbonates)", "工业生产过程排放"),
    Term("co2_scope1_t", "tCO2", _F, "direct CO2 (combustion + process)", "直接排放"),
    Term("co2_electricity_t", "tCO2", _F, "CO2 of purchased electricity", "购入电力排放"),
    Term("co2_heat_t", "tCO2", _F, "CO2 of purchased heat", "购入热力排放"),
    Term("co2_scope2_t", "tCO2", _F, "indirect CO2 (electricity + heat)", "间接排放"),
    Term("co2_t", "tCO2", _F, "total CO2", "二氧化碳排放总量"),
    Term("ch4_t", "t", _F, "CH4 from combustion", "甲烷排放"),
    Term("n2o_t", "t", _F, "N2O from combustion", "氧化亚氮排放"),
    Term("co2e_t", "tCO2e", _F, "CO2 equivalent (GWP100)", "二氧化碳当量"),
    Term("electricity_in_MWh", "MWh", _F, "electricity received", "购入电量"),
    Term("electricity_out_MWh", "MWh", _F, "electricity delivered out", "输出电量"),
    Term("heat_in_GJ", "GJ", _F, "heat received", "购入热力"),
    Term("heat_out_GJ", "GJ", _F, "heat delivered out", "输出热力"),
    Term("green_electricity_MWh", "MWh", _F, "contracted green electricity", "绿色电力"),
    Term("co2_electricity_market_t", "tCO2", _F, "market-based electricity CO2", "市场法电力排放"),
    Term("co2_scope2_market_t", "tCO2", _F, "market-based indirect CO2", "市场法间接排放"),
    Term("value_added_cny10k", "万元", _F, "industrial value added", "工业增加值"),
    Term(
        "energy_intensity_tce_per_cny10k",
        "tce/万元",
        _F,
        "energy_tce per value added (feedstock included; the checked metric is "
        "energy_intensity_va)",
        "单位增加值能耗",
    ),
    Term(
        "co2_intensity_t_per_cny10k",
        "tCO2/万元",
        _F,
        "co2_t per value added",
        "单位增加值二氧化碳排放",
        ("co2_intensity_va",),
    ),
    Term("output", None, _F, "product output, in output_unit", "产量"),
    Term(
        "energy_per_output_kgce",
        "kgce per output unit",
        _F,
        "energy per unit of product",
        "单位产品能耗",
    ),
    Term(
        "co2_per_output_t", "tCO2 per output unit", _F, "CO2 per unit of product", "单位产品碳排放"
    ),
    Term("rows", None, _U, "input rows accounted", "计入行数"),
    Term("rows_rejected", None, _U, "input rows rejected", "剔除行数"),
    Term(
        "rows_co2_missing",
        None,
        _U,
        "rows accounted for energy without a CO2 factor",
        "缺排放因子行数",
    ),
)

#: Metrics the checks read (long ``actuals``, pathway and benchmark files), under the names
#: those files use. ``energy_intensity_va`` is its own quantity: raw-material energy (原料用能)
#: is outside its numerator (发改环资〔2022〕803号), unlike the footprint's
#: ``energy_intensity_tce_per_cny10k``; ``co2_intensity_va`` is the footprint's
#: ``co2_intensity_t_per_cny10k`` under its metric name.
METRICS: dict[str, Term] = _terms(
    Term(
        "energy_intensity_va",
        "tce/万元",
        _F,
        "energy_excl_feedstock_tce per value added (发改环资〔2022〕803号: feedstock excluded)",
        "单位工业增加值能耗",
    ),
    COLUMNS["energy_tce"],
    COLUMNS["co2_t"],
    Term("product_energy_intensity", "kgce/t", _F, "energy per t of product", "单位产品综合能耗"),
    Term("product_co2_intensity", "tCO2/t", _F, "CO2 per t of product", "单位产品碳排放强度"),
) | {"co2_intensity_va": COLUMNS["co2_intensity_t_per_cny10k"]}

#: Statuses of a compliance check, worst first: a firm's status is the worst of its rows.
#: The one list (the checks rank by it; people's tables label with ``zh``).
STATUSES: dict[str, Term] = _terms(
    Term(
        "breach",
        None,
        "String",
        "a binding obligation missed: a firm's own target at or after its year, a 基准 after "
        "its deadline, a GB quota limit",
        "超过约束性限值",
    ),
    Term(
        "off_track",
        None,
        "String",
        "a binding target missed before its year, or below the 基准 before its deadline",
        "偏离路径",
    ),
    Term("invalid_input", None, "String", "a refused input row, with the reason", "输入无效"),
    Term("insufficient_data", None, "String", "base-year or current data missing", "数据不足"),
    Term(
        "above_path",
        None,
        "String",
        "above a sector-average, regional or expected path (binds no single firm)",
        "高于路径",
    ),
    Term("no_data", None, "String", "no figure for the firm in the year", "无数据"),
    Term(
        "below_path",
        None,
        "String",
        "at or below a sector-average, regional or expected path",
        "低于路径",
    ),
    Term("on_track", None, "String", "at or below the required value", "符合要求"),
    Term("not_covered", None, "String", "no target applies to the firm", "不适用"),
)

#: Statuses of a green-factory indicator (a different thing from a check status).
INDICATOR_STATUSES: dict[str, Term] = _terms(
    Term("met", None, "String", "the indicator is met", "满足"),
    Term("partly", None, "String", "the indicator is partly met", "部分满足"),
    Term("not_met", None, "String", "the indicator is not met", "不满足"),
    Term("not_applicable", None, "String", "the indicator does not apply", "不适用"),
)

_ALIASES = {a: t.name for t in COLUMNS.values() for a in t.aliases}


def canonical_name(name: str) -> str:
    """The controlled name of a column or metric, old names mapped.

    >>> canonical_name("co2_intensity_va")
    'co2_intensity_t_per_cny10k'
    >>> canonical_name("co2_t")
    'co2_t'
    """
    return _ALIASES.get(name, name)


def term(name: str) -> Term:
    """The registry entry of a column, metric or status (old names accepted)."""
    name = canonical_name(name)
    for registry in (COLUMNS, METRICS, STATUSES, INDICATOR_STATUSES):
        if name in registry:
            return registry[name]
    raise InputError(
        f"{name!r} is not a controlled name; see carbonacct.vocabulary.COLUMNS, METRICS and "
        "STATUSES.",
        column=name,
    )


def canonical_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with old column names renamed to the controlled ones, with a DeprecationWarning.

    >>> canonical_columns(pl.DataFrame({"co2_t": [1.0]})).columns
    ['co2_t']
    """
    renames = {c: _ALIASES[c] for c in frame.columns if c in _ALIASES}
    clash = [new for new in renames.values() if new in frame.columns]
    if clash:
        raise InputError(
            f"column {clash[0]!r} is given twice, under its name and an old alias; keep one.",
            column=clash[0],
        )
    if renames:
        warnings.warn(
            "column name(s) "
            + ", ".join(f"{old!r} (now {new!r})" for old, new in renames.items())
            + " are deprecated and will not be read in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
    return frame.rename(renames)


# --- words people read (table headers, statuses, report text), English and Chinese ---

#: name -> (English, Chinese): words that are not a column, metric or status of the
#: registries above. :func:`label` looks in the registries first.
LABELS: dict[str, tuple[str, str]] = {
    # statuses and levels the checks write besides STATUSES
    "above_path": ("above the path", "高于路径"),
    "below_path": ("below the path", "低于路径"),
    "invalid_input": ("invalid input", "输入无效"),
    "no_data": ("no data", "无数据"),
    "exceeds_limit": ("exceeds the limit", "超过限额标准"),
    "benchmark": ("benchmark", "标杆"),
    "baseline": ("baseline", "基准"),
    "between": ("between benchmark and baseline", "标杆与基准之间"),
    "below_baseline": ("below baseline", "未达基准"),
    # table words
    "name": ("name", "名称"),
    "year": ("year", "年份"),
    "site_id": ("site", "厂区"),
    "meter_id": ("meter", "计量器具"),
    "carrier": ("carrier", "能源品种"),
    "status": ("status", "状态"),
    "field": ("field", "项目"),
    "value": ("value", "数值"),
    "value_text": ("value", "内容"),
    "unit": ("unit", "单位"),
    "pathway": ("pathway", "路径"),
    "metric": ("metric", "指标"),
    "product": ("product", "产品"),
    "grade": ("grade", "等级"),
    "document": ("document", "文件"),
    "sector": ("sector", "行业"),
    "sectors": ("sectors", "行业"),
    "region": ("region", "地区"),
    "indicator": ("indicator", "指标名称"),
    "deadline": ("deadline", "期限"),
    "edition": ("edition", "版本"),
    "standard": ("standard", "标准"),
    "code": ("code", "代码"),
    "name_zh": ("Chinese name", "中文名称"),
    "name_en": ("English name", "英文名称"),
    "aliases": ("aliases", "别名"),
    "category": ("category", "类别"),
    "canonical_unit": ("unit", "计量单位"),
    "measures": ("measures", "计量对象"),
    "grade1": ("grade 1", "1级"),
    "grade2": ("grade 2", "2级"),
    "grade3": ("grade 3", "3级"),
    "obligation": ("obligation", "约束性质"),
    "base_year": ("base year", "基准年"),
    "target_year": ("target year", "目标年"),
    "check_year": ("year checked", "核查年份"),
    "report_year": ("report year", "报告年份"),
    "reason": ("reason", "原因"),
    "missing": ("missing", "缺少"),
    "city": ("city", "城市"),
    "province_name": ("province", "省份名称"),
    "sector_name": ("sector name", "行业名称"),
    "city_code": ("city code", "城市代码"),
    "rule_id": ("rule", "规则"),
    "gap_rel": ("gap", "差距"),
    "firms_data_incomplete": ("firms with incomplete data", "数据不全企业数"),
    "energy_share_breach": ("energy share in breach", "超过约束性限值企业能耗占比"),
    "data_complete": ("data complete", "数据完整"),
    "level": ("level", "水平"),
    "gb_grade": ("GB grade", "国标等级"),
    "output": ("output", "产量"),
    "none": ("(none)", "（无）"),
    "firms_by_status_title": ("Firms by status", "按状态的企业数"),
    "products_title": (
        "Products: output share at benchmark (output as the capacity proxy)",
        "产品：达到标杆的产量占比（以产量代产能）",
    ),
    "exceptions_title": ("Top exceptions", "重点例外"),
    "incomplete_title": ("Firms whose data are incomplete: follow up", "数据不全的企业：需跟进"),
    "firms_incomplete_line": (
        "{:,} of {:,} firms have incomplete data in the year checked (rows rejected, CO2 "
        "missing or a period missing).",
        "{:,} 家企业（共 {:,} 家）核查年份数据不全（有剔除行、缺排放或缺期间）。",
    ),
    "province": ("province", "省份"),
    "firms": ("firms", "企业数"),
    # report text
    "report_title": ("energy and carbon report", "能耗与碳排放报告"),
    "summary_title": ("regulator summary", "监管汇总"),
    "energy_and_co2": ("Energy and CO2", "能耗与排放"),
    "energy_by_month": ("Energy by carrier and month", "分品种逐月综合能耗"),
    "co2_by_month": ("CO2 by carrier and month", "分品种逐月二氧化碳排放"),
    "by_year": ("Year by year", "逐年对比"),
    "per_product": ("Per unit of product", "单位产品能耗与排放"),
    "energy_unit": ("energy unit", "能耗单位"),
    "co2_unit": ("CO2 unit", "排放单位"),
    "yoy": ("change on the year before", "同比变化"),
    "no_earlier_year": (
        "The data hold one year: no year-on-year change.",
        "数据只有一年，无同比变化。",
    ),
    "periods": ("periods", "统计期"),
    "pathway_section": ("Pathway", "路径"),
    "required": ("required", "要求"),
    "actual": ("actual", "实际"),
    "target": ("target", "目标"),
    "products": ("Products against benchmark and baseline", "产品能效：标杆与基准"),
    "green_factory": ("Green factory", "绿色工厂"),
    "green_score": ("green-factory score", "绿色工厂评分"),
    "score_only": ("score only (no pass mark given)", "仅评分（未给出合格线）"),
    "measured_incomplete": ("measured (incomplete footprint)", "已测算（数据不完整）"),
    "verdict_withheld": ("verdict withheld", "不作结论"),
    "points": ("points", "得分"),
    "max_points": ("maximum", "满分"),
    "quality": ("Quality", "数据质量"),
    "factors": ("Factors used", "所用因子"),
    "notes": ("Sources and grades", "来源与等级"),
    "provenance": ("Provenance", "数据来源"),
    "status_section": ("Status", "状态"),
    "firms_by_status": ("firms by status and sector", "按行业的企业状态"),
    "not_in_firms": ("(not in the firms table)", "（不在企业表中）"),
    "share_at_benchmark": ("output share at benchmark", "标杆产量占比"),
    "share_chart_title": ("output share at benchmark against the target", "标杆产量占比与目标"),
    "top_exceptions": ("Top exceptions", "重点例外"),
    "value_added_note": (
        "value added from the activity file of the firm",
        "工业增加值取自企业的活动数据文件",
    ),
    "grades_of": ("grades of the factors behind it", "所用因子的等级"),
    "figure": ("figure", "指标"),
    # green-factory table words
    "item_id": ("item", "条款"),
    "level1": ("first-level indicator", "一级指标"),
    "type": ("type", "类型"),
    "blocks_pass": ("blocks the pass", "影响通过"),
    "points_available": ("points still available", "可争取分"),
    "quantitative": ("quantitative", "定量"),
    "optional": ("optional", "选做"),
    "mandatory": ("mandatory", "必选"),
    "veto": ("veto", "否决项"),
    "measured": ("measured", "已测算"),
    "yes": ("yes", "是"),
    "points_unit": ("points", "分"),
    "no": ("no", "否"),
    "green_by_indicator": ("Points by first-level indicator", "各一级指标得分"),
    "green_gap": (
        "Gap: failed vetoes and mandatory items, then unmet items by the points they would add",
        "差距：未通过的否决项和必选项，其后按可增加分数排列的未满足条款",
    ),
    "footprint_title": ("Footprint", "能耗与碳排放核算"),
    "rejects_once_note": (
        "rows_rejected counts a firm's rejected rows per firm and period (a rejected row's "
        "carrier may be unreadable): shown once, on the period's first row.",
        "剔除行数按企业和统计期计（被剔除行的能源品种可能无法识别）：只在该统计期的第一行显示。",
    ),
    "pass": ("PASS", "通过"),
    "fail": ("FAIL", "未通过"),
    "against_pass_mark": ("against a pass mark of", "合格线"),
    "weights": ("weights", "权重"),
    "weights_user": ("supplied by the user", "用户提供"),
    "weights_shipped": ("shipped with the model", "模型自带"),
    "warning": ("warning", "警告"),
    # the quality report in words ({} the counts)
    "rows_balance": (
        "{:,} rows read: {:,} accounted, {:,} rejected.",
        "读入 {:,} 行：计入 {:,} 行，剔除 {:,} 行。",
    ),
    "rows_rejected_because": ("{:,} rows rejected: {}.", "剔除 {:,} 行：{}。"),
    "note_register_baseline": (
        "{:,} meter register readings were a meter's first reading (its baseline): "
        "accounted, with no consumption of their own.",
        "{:,} 条累计表读数是计量器具的首次读数（起点）：计入，但本身不计消耗量。",
    ),
    "note_register_rollover": (
        "{:,} meter register readings came after the register rolled over: counted with the "
        "wrapped difference.",
        "{:,} 条累计表读数在表计归零（翻转）之后：按翻转后的差值计入。",
    ),
    "note_register_split": (
        "{:,} meter register intervals spanned a month end: split pro rata by time.",
        "{:,} 个累计表读数区间跨月：按时间比例分摊到各月。",
    ),
    "note_co2_missing": (
        "{:,} rows have no CO2 factor: their energy is counted, their CO2 is missing.",
        "{:,} 行缺少二氧化碳排放因子：计入能耗，排放缺失。",
    ),
    "no_pathway": (
        "No pathway chart: the pathway check needs the firm's base-year figures (the "
        "readings or --actuals of the base year); status {}.",
        "无路径图：路径核查需要企业基准年的数据（基准年的读数或 --actuals）；状态：{}。",
    ),
}


from carbonacct._labels_check import CHECK_LABELS  # noqa: E402
from carbonacct._labels_summary import SUMMARY_LABELS  # noqa: E402

LABELS.update(SUMMARY_LABELS | CHECK_LABELS)


def label(name: str, lang: str = "en") -> str:
    """The word people read for a controlled name, in ``lang`` (``en`` or ``zh``).

    Columns, metrics and statuses come from their registries (with the unit in
    Chinese headers); other words from :data:`LABELS`. English keeps the
    controlled names of columns, as the machine formats do.

    >>> label("energy_tce", "zh"), label("breach", "zh"), label("energy_tce")
    ('综合能耗 tce', '超过约束性限值', 'energy_tce')
    >>> label("above_path", "zh"), label("report_title")
    ('高于路径', 'energy and carbon report')
    """
    found = None
    for registry in (COLUMNS, METRICS, STATUSES, INDICATOR_STATUSES):
        found = registry.get(canonical_name(name)) or found
        if found is not None:
            break
    if lang == "zh":
        if found is not None:
            unit = found.unit if found.unit and found.unit != "String" else None
            return f"{found.zh} {unit}" if unit and " " not in unit else found.zh
        return LABELS[name][1] if name in LABELS else name
    return name if found is not None or name not in LABELS else LABELS[name][0]


#: Short English words of the columns a person reads in a report or workbook header
#: (the registries' descriptions are sentences); the unit is added by :func:`header`.
HEADERS_EN: dict[str, str] = {
    "firm_id": "Firm",
    "period": "Period",
    "energy_tce": "Energy",
    "co2_t": "CO2",
    "co2e_t": "CO2e",
    "value_added_cny10k": "Value added",
    "energy_intensity_tce_per_cny10k": "Energy intensity",
    "co2_intensity_t_per_cny10k": "CO2 intensity",
    "energy_intensity_va": "Energy intensity, feedstock excluded",
    "co2_intensity_va": "CO2 intensity",
    "item_id": "Item",
    "points": "Points",
    "max_points": "Maximum",
    "points_available": "Points still available",
    "factor": "Factor",
    "factor_set": "Factor set",
    "scope": "Scope",
    "clause": "Clause",
    "gb_grade": "GB grade",
}
#: Chinese words for the same headers where the registries have none.
from carbonacct._headers_zh import HEADERS_ZH as _HEADERS_ZH  # noqa: E402


def header(name: str, lang: str = "en") -> str:
    """A column header for people: a word and the unit in brackets, in ``lang``.

    Machine formats keep the controlled name; reports and workbooks read this.

    >>> header("energy_tce"), header("energy_tce", "zh"), header("points_available")
    ('Energy (tce)', '综合能耗 (tce)', 'Points still available')
    >>> header("energy_intensity_tce_per_cny10k", "zh")
    '单位增加值能耗 (tce/万元)'
    """
    found = COLUMNS.get(name) or METRICS.get(name)
    unit = found.unit if found is not None and found.unit and " " not in found.unit else None
    if lang == "zh":
        word = found.zh if found is not None else _HEADERS_ZH.get(name) or label(name, "zh")
    elif name in HEADERS_EN:
        word = HEADERS_EN[name]
    elif name in LABELS:
        word = LABELS[name][0]
        word = word[:1].upper() + word[1:]
    elif found is not None:
        word = found.description[:1].upper() + found.description[1:]
    else:
        word = name.replace("_", " ").capitalize()
    return f"{word} ({unit})" if unit else word
