"""Header synonyms: the column headers met in enterprise, plant and statistics files, mapped to
library column names on read (pvlib's ``VARIABLE_MAP``). Published as
:data:`carbonacct.vocabulary.COLUMN_MAP`; :func:`carbonacct.io.rename_columns` applies it and
refuses two headers of one table that mean the same column."""

from __future__ import annotations

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

#: Headers of metering-system and plant exports (抄表, 能源管理系统), each meaning one column
#: whatever the table. Left out as ambiguous: 表号 (also a statistics form's number, 205-1表),
#: 户号 (a utility account, which may cover several meters), 日期 (a day or a period), 名称
#: words (计量点名称, 测点名称: the name beside the number would clash with it) and
#: 组织机构代码 (filed beside 统一社会信用代码 in the statistics forms: mapping it would refuse
#: those tables). 电量 is mapped: beside a 读数 or 示数 column (a meter-reading sheet's register
#: and consumption) the pair is then refused, where before the register was read as intervals.
PLANT_HEADERS: dict[str, str] = {
    "计量点": "meter_id",
    "计量点编号": "meter_id",
    "计量表编号": "meter_id",
    "电能表编号": "meter_id",
    "仪表编号": "meter_id",
    "测点": "meter_id",
    "测点编号": "meter_id",
    "抄表时间": "timestamp",
    "数据时间": "timestamp",
    "记录时间": "timestamp",
    "读数时间": "timestamp",
    "日期时间": "timestamp",
    "示数": "value",
    "用量": "value",
    "电量": "value",
    "企业编码": "firm_id",
    "社会信用代码": "firm_id",
    "公司名称": "name",
}
COLUMN_MAP |= PLANT_HEADERS

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
