"""Why a reading row was rejected, in Chinese: one sentence per reason code of
:data:`carbonacct.readings.REJECT_REASONS` (their English sentences live there)."""

from __future__ import annotations

from carbonacct._kinds import kind_words

__all__ = ["REJECT_REASONS_ZH", "reason_words"]

REJECT_REASONS_ZH: dict[str, str] = {
    "empty_row": "整行为空",
    "missing_firm_id": "企业代码为空",
    "missing_carrier": "能源品种为空",
    "unknown_carrier": "能源品种不是已知的代码或名称",
    "missing_value": "数值为空",
    "not_a_number": "数值不是有限数（文字、NaN 或无穷大）",
    "implausible_value": "数值达到 10^15 或以上：不是读数",
    "missing_unit": "单位为空",
    "unknown_unit": "单位不是已知单位",
    "ambiguous_unit": "单位仅大小写与多个已知单位不同（mwh：MWh 还是 mWh？）",
    "unit_dimension": "单位不适用于该能源品种（如柴油用 kWh）",
    "missing_time": "时间戳和统计期均未给出",
    "bad_timestamp": "时间戳无法读取，或年份不在 1900–2199 之间",
    "bad_period": "统计期格式不是 2024、2024Q1 或 2024-03",
    "period_coarser_than_requested": "读数覆盖的期间长于所要求的统计期",
    "bad_flow": "流向不是 in/out",
    "bad_use": "用途不是 fuel/feedstock",
    "bad_kind": f"读数类型不是可接受的词（{kind_words()}）",
    "register_without_timestamp": "累计表读数需要时间戳",
    "register_without_meter": "累计表读数需要计量器具编号（不同表的累计值不相连）",
    "negative_value": "读数为负",
    "duplicate_reading": "同一计量器具同一时间重复出现，数值相同",
    "conflicting_duplicate": "同一计量器具同一时间重复出现，数值不同",
    "register_misread": "累计表读数低于前一读数，而下一读数又回到其上（误读）",
    "register_reset": "累计表读数倒退且不像是翻转（清零或换表）",
    "unknown_firm": "企业代码不在企业名录中",
    "steam_needs_enthalpy": "按质量给出的蒸汽需要蒸汽焓值才能折算为热量",
    "missing_factor": "该能源品种、地区和年份没有能源折算系数",
}


def reason_words(reason: str, lang: str) -> str:
    """The sentence saying why rows were rejected for ``reason``, in ``lang``."""
    from carbonacct.readings import REJECT_REASONS

    if lang == "zh" and reason in REJECT_REASONS_ZH:
        return REJECT_REASONS_ZH[reason]
    return REJECT_REASONS.get(reason, reason)
