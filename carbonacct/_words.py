"""Words people read (table headers, statuses, report text), in English and Chinese:
:func:`label` and :func:`header`, published by :mod:`carbonacct.vocabulary`."""

from __future__ import annotations

from carbonacct._headers_zh import HEADERS_ZH as _HEADERS_ZH
from carbonacct._labels_check import CHECK_LABELS
from carbonacct._labels_summary import SUMMARY_LABELS
from carbonacct._terms import COLUMNS, INDICATOR_STATUSES, METRICS, STATUSES, canonical_name

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
