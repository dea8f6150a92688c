"""Controlled names: one name per quantity, with its unit, dtype and Chinese label (the
footprint's columns, the checked metrics, the statuses). Published by
:mod:`carbonacct.vocabulary`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import polars as pl

from carbonacct.errors import InputError


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
