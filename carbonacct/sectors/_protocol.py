"""The sector-method protocol: categories, parameters, parameter sets and :class:`RecordMethod`.

A sector method (the MEE steel, cement or aluminium guideline, a GB/T 32151
part) accounts a *monthly record*: one row per (month, process, material,
parameter). The engine (:func:`carbonacct.sectors.account_record`) reads the
record, converts units, resolves every parameter a method needs (record →
materials declaration → the method's default set, never a silent default),
and hands the method one row per (month, process, material) with the
resolved parameters in canonical units. The method returns the emission of
each line with the clause that produced it, and its totals from the sums per
emission source. Rounding, monthly and annual tables, intensity, the
parameter table and provenance are the engine's.

A new method is one module in :mod:`carbonacct.sectors.methods` that defines
``METHODS = (MyMethod(),)``; it is found by id without editing any registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import polars as pl

__all__ = [
    "CATEGORIES",
    "CATEGORY_NAMES",
    "HOW_NAMES",
    "LINE_KEYS",
    "PARAMETERS",
    "PARAMETER_NAMES",
    "PROCESS_NAMES",
    "Category",
    "Parameter",
    "ParameterSet",
    "RecordMethod",
    "RecordOptions",
]


# -- categories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A category of material in a record.

    Attributes
    ----------
    name : str
        The library name (``fuel``, ``process``, ``carbon_product`` …).
    zh : str
        The Chinese label used in reports.
    description : str
        What belongs in it.
    deducted : bool
        Its emissions are subtracted (carbon leaving the boundary, exports).
    """

    name: str
    zh: str
    description: str
    deducted: bool = False


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("fuel", "化石燃料", "fossil fuel burnt (NCV × carbon content, or carbon content)"),
        Category(
            "process",
            "过程排放物料",
            "fluxes, electrodes and carbon-bearing raw materials (EF per t, or carbon content)",
        ),
        Category("carbonate", "碳酸盐", "carbonates decomposed (EF per t × purity × conversion)"),
        Category(
            "carbon_product",
            "含碳产品",
            "carbon leaving the boundary in products (deducted)",
            deducted=True,
        ),
        Category("clinker", "熟料", "clinker produced (cement)"),
        Category("raw_meal", "生料", "raw meal consumed (cement)"),
        Category("kiln_dust", "窑头粉尘", "kiln-head dust (cement)"),
        Category("bypass_dust", "旁路放风粉尘", "bypass dust (cement)"),
        Category("alternative_fuel", "替代燃料", "alternative fuels with a fossil fraction"),
        Category("non_carbonate_raw", "非碳酸盐替代原料", "non-carbonate raw materials (cement)"),
        Category("anode", "炭阳极", "carbon anode consumed (aluminium)"),
        Category("anode_effect", "阳极效应", "anode effects, PFC (aluminium)"),
        Category("carbon_balance_in", "碳输入", "carbon entering a balance (chemicals, carbon)"),
        Category(
            "carbon_balance_out",
            "碳输出",
            "carbon leaving a balance (chemicals, carbon materials)",
            deducted=True,
        ),
        Category("off_gas", "尾气", "off-gas or fume incinerated"),
        Category("sorbent", "脱硫剂", "desulfurisation sorbent (carbonate)"),
        Category("electricity", "净购入电力", "purchased electricity (auxiliary item)"),
        Category(
            "electrolysis_ac",
            "铝电解交流电耗",
            "AC power consumed by aluminium electrolysis (auxiliary item, MWh)",
        ),
        Category("heat", "净购入热力", "purchased heat (auxiliary item)"),
        Category(
            "electricity_export", "输出电力", "electricity exported (deducted)", deducted=True
        ),
        Category("heat_export", "输出热力", "heat exported (deducted)", deducted=True),
        Category("product_output", "产品产量", "product output, the intensity denominator"),
    )
}

#: Category words people write (Chinese and English), folded, → category.
CATEGORY_NAMES: dict[str, str] = {
    **{c: c for c in CATEGORIES},
    **{cat.zh: name for name, cat in CATEGORIES.items()},
    "燃料": "fuel",
    "化石燃料燃烧": "fuel",
    "能源": "fuel",
    "过程": "process",
    "过程排放": "process",
    "熔剂": "process",
    "电极": "process",
    "含碳原料": "process",
    "外购含碳原料": "process",
    "原料": "process",
    "固碳产品": "carbon_product",
    "含碳产品": "carbon_product",
    "产品": "carbon_product",
    "碳产品": "carbon_product",
    "产量": "product_output",
    "产品产量": "product_output",
    "主产品": "product_output",
    "电力": "electricity",
    "购入电力": "electricity",
    "热力": "heat",
    "购入热力": "heat",
    "外供电力": "electricity_export",
    "交流电耗": "electrolysis_ac",
    "铝电解交流电耗": "electrolysis_ac",
    "电解交流电耗": "electrolysis_ac",
    "外供热力": "heat_export",
    # chemicals and carbon materials
    "外购蒸汽": "heat",
    "购入蒸汽": "heat",
    "外供蒸汽": "heat_export",
    "输出蒸汽": "heat_export",
    "上网电量": "electricity_export",
    "沥青烟": "off_gas",
    "烟气焚烧": "off_gas",
    "尾气焚烧": "off_gas",
    "回收二氧化碳": "carbon_product",
    "二氧化碳回收": "carbon_product",
    "原料碳输入": "carbon_balance_in",
    "产品碳输出": "carbon_balance_out",
    "carbonates": "carbonate",
    "product": "product_output",
    "output": "product_output",
    "阳极": "anode",
    "预焙阳极": "anode",
    "阳极消耗": "anode",
    "替代原料": "non_carbonate_raw",
    "非碳酸盐原料": "non_carbonate_raw",
    "窑灰": "kiln_dust",
    "旁路粉尘": "bypass_dust",
    "替代燃料及废弃物": "alternative_fuel",
}


# -- parameters ---------------------------------------------------------------------------------

#: How a parameter's unit relates to the line's quantity.
#: ``amount``: the quantity itself (t, 10^4 Nm3, MWh, GJ); ``per_unit``: ``unit`` per unit of
#: quantity (NCV in GJ per t); ``per_heat``: per GJ; ``fraction``: dimensionless share;
#: ``other``: its own unit, converted to ``unit``.
ParameterKind = Literal["amount", "per_unit", "per_heat", "fraction", "other"]


@dataclass(frozen=True)
class Parameter:
    """A parameter a record can hold, with its canonical unit.

    For ``per_unit`` parameters ``unit`` is the numerator (``GJ`` for NCV); the
    denominator is the line's quantity unit, so NCV is GJ/t for a solid and
    GJ/10^4 Nm3 for a gas. ``decimals`` is how the guideline tables print it
    (``None``: not fixed).
    """

    name: str
    zh: str
    kind: ParameterKind
    unit: str
    description: str


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("quantity", "活动数据", "amount", "", "amount consumed, produced or exported"),
        Parameter("ncv", "低位发热量", "per_unit", "GJ", "net calorific value"),
        Parameter(
            "carbon_content_per_heat", "单位热值含碳量", "per_heat", "tC/GJ", "carbon per heat"
        ),
        Parameter(
            "carbon_content",
            "含碳量",
            "per_unit",
            "tC",
            "carbon per unit of material (a mass fraction for a material in t)",
        ),
        Parameter("oxidation_rate", "碳氧化率", "fraction", "1", "carbon oxidation rate"),
        Parameter("emission_factor", "排放因子", "per_unit", "tCO2", "CO2 per unit of material"),
        Parameter("purity", "纯度", "fraction", "1", "carbonate content of a material"),
        Parameter("conversion_rate", "转化率", "fraction", "1", "share decomposed or converted"),
        Parameter("cao_content", "氧化钙含量", "fraction", "1", "CaO mass fraction"),
        Parameter("mgo_content", "氧化镁含量", "fraction", "1", "MgO mass fraction"),
        Parameter("sulfur_content", "硫分", "fraction", "1", "sulfur mass fraction"),
        Parameter("ash_content", "灰分", "fraction", "1", "ash mass fraction"),
        Parameter("fossil_fraction", "化石碳比例", "fraction", "1", "fossil share of carbon"),
        Parameter("enthalpy", "焓值", "other", "kJ/kg", "specific enthalpy of steam"),
        # chemicals and carbon materials (GB/T 32151.10, .34)
        Parameter("feedwater_enthalpy", "给水焓值", "other", "kJ/kg", "enthalpy of the feed water"),
        Parameter(
            "heat_emission_factor", "热力排放因子", "per_heat", "tCO2/GJ", "CO2 per GJ of heat"
        ),
        Parameter("n2o_factor", "N2O生成因子", "per_unit", "tN2O", "N2O per t of acid produced"),
        Parameter("abatement_efficiency", "尾气处理效率", "fraction", "1", "N2O removal share"),
        Parameter("abatement_use", "处理设备使用率", "fraction", "1", "abatement in-use share"),
        # cement (CETS—AG—02.01 C-1; GB/T 32151.8 C-4)
        Parameter(
            "deduction_coefficient",
            "扣减系数",
            "per_unit",
            "tCO2",
            "CO2 deducted per unit of non-carbonate alternative raw material",
        ),
        Parameter("cao_noncarbonate", "非碳酸盐CaO含量", "fraction", "1", "non-carbonate CaO"),
        Parameter("mgo_noncarbonate", "非碳酸盐MgO含量", "fraction", "1", "non-carbonate MgO"),
        # aluminium (CETS—AG—04.01 A-1′, A-2, A-3)
        Parameter("loss_rate", "阳极损失率", "fraction", "1", "anode lost (not consumed)"),
        Parameter("cf4_per_t", "CF4排放因子", "other", "kg/t", "kg CF4 per t aluminium"),
        Parameter("c2f6_per_t", "C2F6排放因子", "other", "kg/t", "kg C2F6 per t aluminium"),
        Parameter(
            "anode_effect_minutes",
            "阳极效应持续时间",
            "other",
            "1",
            "anode-effect minutes per cell-day (AE-min/cell-day)",
        ),
        Parameter(
            "slope", "斜率系数", "other", "1", "(kg CF4/t Al) per (AE-min/cell-day), IPCC slope"
        ),
        Parameter("c2f6_cf4_ratio", "C2F6与CF4比值", "fraction", "1", "kg C2F6 per kg CF4"),
    )
}

#: Parameter words people write (Chinese and English) → parameter.
PARAMETER_NAMES: dict[str, str] = {
    **{p: p for p in PARAMETERS},
    **{p.zh: name for name, p in PARAMETERS.items()},
    "消耗量": "quantity",
    "消费量": "quantity",
    "用量": "quantity",
    "使用量": "quantity",
    "净购入使用量": "quantity",
    "净消耗量": "quantity",
    "数量": "quantity",
    "产量": "quantity",
    "输出量": "quantity",
    "购入量": "quantity",
    "amount": "quantity",
    "consumption": "quantity",
    "output": "quantity",
    "低位热值": "ncv",
    "平均低位发热量": "ncv",
    "net_calorific_value": "ncv",
    "含碳量(单位热值)": "carbon_content_per_heat",
    "cc": "carbon_content_per_heat",
    "元素碳含量": "carbon_content",
    "收到基元素碳含量": "carbon_content",
    "碳含量": "carbon_content",
    "氧化率": "oxidation_rate",
    "of": "oxidation_rate",
    "ef": "emission_factor",
    "co2排放因子": "emission_factor",
    "二氧化碳排放因子": "emission_factor",
    "碳酸盐含量": "purity",
    "分解率": "conversion_rate",
    "硫含量": "sulfur_content",
    "蒸汽焓值": "enthalpy",
    "热力排放因子(tco2/gj)": "heat_emission_factor",
    "n2o排放因子": "n2o_factor",
    "去除效率": "abatement_efficiency",
    "使用率": "abatement_use",
    "灰分含量": "ash_content",
    "扣减系数": "deduction_coefficient",
    "熟料产量": "quantity",
    "铝液产量": "quantity",
    "阳极净耗量": "quantity",
    "化石电力占比": "fossil_fraction",
    "非碳酸盐氧化钙含量": "cao_noncarbonate",
    "非碳酸盐氧化镁含量": "mgo_noncarbonate",
    "熟料中氧化钙含量": "cao_content",
    "熟料中氧化镁含量": "mgo_content",
    "生料中非燃料碳含量": "carbon_content",
    "非燃料碳含量": "carbon_content",
    "化石碳含量比例": "fossil_fraction",
    "非生物质碳比例": "fossil_fraction",
    "阳极效应分钟数": "anode_effect_minutes",
    "cf4排放系数": "cf4_per_t",
    "c2f6排放系数": "c2f6_per_t",
}

#: Process (工序 / 设施) words → library names. Free text outside this list is kept as written.
PROCESS_NAMES: dict[str, str] = {
    "焦化": "coking",
    "炼焦": "coking",
    "烧结": "sintering",
    "球团": "pelletising",
    "炼铁": "ironmaking",
    "高炉": "ironmaking",
    "炼钢": "steelmaking",
    "转炉": "steelmaking",
    "电炉": "steelmaking",
    "轧钢": "rolling",
    "热轧": "rolling",
    "冷轧": "rolling",
    "自备电厂": "captive_power",
    "发电设施": "captive_power",
    "熟料": "clinker",
    "熟料生产": "clinker",
    "电解": "electrolysis",
    "铝电解": "electrolysis",
    "煅烧": "calcination",
    "焙烧": "baking",
    "石墨化": "graphitisation",
    "其他": "other",
    "企业": "",
    "全厂": "",
}

#: 获取方式 words → how a value was obtained.
HOW_NAMES: dict[str, str] = {
    "measured": "measured",
    "实测": "measured",
    "实测值": "measured",
    "检测": "measured",
    "default": "default",
    "缺省": "default",
    "缺省值": "default",
    "默认": "default",
    "默认值": "default",
    "calculated": "calculated",
    "计算": "calculated",
    "计算值": "calculated",
    "declared": "declared",
}

#: The key of one line handed to a method: (firm, month, process, material).
LINE_KEYS = ("firm_id", "month", "process", "material")


# -- parameter sets and options -----------------------------------------------------------------


@dataclass(frozen=True)
class ParameterSet:
    """One way a method can account a category: the parameters it needs and the clause.

    ``quantity`` is always needed and need not be listed. A method lists the
    sets of a category in order of preference; the engine uses the first set
    the user's values (record, materials) complete, else the first one the
    default set completes, else raises naming the parameters still missing of
    the first set, the material, the month and ``clause``. A set marked
    ``when_given`` (a guideline's "where X is measured" route) comes first
    whenever the user's own values complete it.

    Examples
    --------
    >>> ParameterSet("ncv_cc", ("ncv", "carbon_content_per_heat"), "S-1", "FC×NCV×CC×44/12")
    ... # doctest: +ELLIPSIS
    ParameterSet(name='ncv_cc', parameters=('ncv', 'carbon_content_per_heat'), ...)
    """

    name: str
    parameters: tuple[str, ...]
    clause: str
    formula: str = ""
    when_given: bool = False


@dataclass(frozen=True)
class RecordOptions:
    """What a record run computes, beyond the record itself: the provenance of choices.

    Attributes
    ----------
    method : str
        The method id (``steel-cets-2024`` …).
    default_set : str or None
        The default factor set to complete missing parameters: ``None`` is the
        method's own (:attr:`RecordMethod.default_set`); ``"none"`` uses no
        defaults (every parameter from the record or the materials).
    oxidation : str or None
        Whether fuel carbon is multiplied by an oxidation rate, where the
        method's guideline leaves it open (``"none"`` or ``"applied"``); a
        method for which the reference grades the rule C (sources conflict)
        refuses ``None``.
    rounding : str or None
        A rounding profile id (default: the method's).
    choices : tuple of (str, str)
        Further method-specific choices, e.g. ``(("gwp_set", "AR5"),)``.
    """

    method: str
    default_set: str | None = None
    oxidation: str | None = None
    rounding: str | None = None
    choices: tuple[tuple[str, str], ...] = ()

    def choice(self, name: str, default: str | None = None) -> str | None:
        """A method-specific choice by name."""
        return dict(self.choices).get(name, default)

    def record(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "default_set": self.default_set,
            "oxidation": self.oxidation,
            "rounding": self.rounding,
            "choices": dict(self.choices),
        }


# -- the method protocol ------------------------------------------------------------------------


@runtime_checkable
class RecordMethod(Protocol):
    """A sector guideline that accounts a monthly record.

    Attributes
    ----------
    id : str
        Registry id (``steel-cets-2024``, ``cement-cets-2024`` …).
    document : str
        Full title, identifier and year of the guideline or standard.
    clauses : Mapping[str, str]
        Emission source (or formula id) → clause/formula, e.g. ``{"combustion": "S-1 …"}``.
    categories : tuple of str
        The categories it accepts (a row of another category is rejected).
    default_set : str or None
        The id of its default factor set under ``factors/sectors/`` (``None``: none).
    rounding : str or None
        Its rounding profile id (``factors/sectors/rounding.toml``).
    product : str or None
        The material whose output is the intensity denominator (``crude_steel``).
    sources : tuple of str
        The emission sources it reports, in order (``combustion``, ``process`` …).
    """

    @property
    def id(self) -> str: ...
    @property
    def document(self) -> str: ...
    @property
    def clauses(self) -> Mapping[str, str]: ...
    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def default_set(self) -> str | None: ...
    @property
    def rounding(self) -> str | None: ...
    @property
    def product(self) -> str | None: ...
    @property
    def sources(self) -> tuple[str, ...]: ...

    def check_options(self, options: RecordOptions) -> None:
        """Raise :class:`~carbonacct.errors.OptionError` for a choice the method needs and lacks."""
        ...

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        """The parameter sets that account ``category``, in order of preference."""
        ...

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        """Each line's emission.

        ``lines`` holds one row per (firm_id, month, process, material) with
        ``category``, ``parameter_set`` (the chosen :class:`ParameterSet` name),
        ``unit`` (the canonical quantity unit), a Float64 column per parameter
        of the set in canonical units, and ``<parameter>_source``. Returns the
        same rows plus ``source`` (emission source: ``combustion``, ``process``,
        ``carbon_products`` …), ``formula`` (clause id) and ``co2_t`` (signed:
        deductions negative); a line that emits nothing (product output) has
        ``source`` null and ``co2_t`` 0.
        """
        ...

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """The method's totals from the per-source sums (signed), e.g. ``co2_t`` = E_ent."""
        ...
