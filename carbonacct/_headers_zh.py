"""Chinese words of column headers the registries have no Chinese for (workbook and terminal
headers under ``--lang zh``); :func:`carbonacct.vocabulary.header` reads them."""

from __future__ import annotations

HEADERS_ZH: dict[str, str] = {
    "item_id": "条款",
    "points_available": "可争取分",
    "factor": "因子",
    "factor_set": "因子集",
    "scope": "适用范围",
    "clause": "条款",
    "source": "来源",
    "data_year": "数据年份",
    # quality sheet
    "item": "项目",
    "detail": "明细",
    "count": "数量",
    # rejects: ``row`` is the spreadsheet row (header = row 1), ``row_nr`` the data row's
    # position among the data rows of all the inputs together (first data row = 1)
    "file": "文件",
    "row": "行号",
    "column": "列",
    "reject_reason": "剔除原因",
    "row_nr": "数据行序号",
    "carrier_raw": "能源品种(原文)",
    "value_raw": "数值(原文)",
    "timestamp_raw": "时间(原文)",
    "period_raw": "统计期(原文)",
    "flow": "流向",
    "use": "用途",
    "kind": "类别",
    # check results
    "output_unit": "产量单位",
    "province_source": "省份来源",
    "city_source": "城市来源",
    "breaches": "超过约束性限值项",
    "history": "历年状态",
    "target_id": "目标编号",
    "base_value": "基期值",
    "basis": "口径",
    "value_type": "数值类型",
    "interpolation": "插值方式",
    "until": "截止年份",
    # units, columns and provenance sheets
    "table": "表",
    "dtype": "数据类型",
    "header": "表头",
    "key": "键",
}
