"""Words of the check's and green-score's terminal views (English, Chinese): a list cut for
the terminal says what it cut and where the rest is. Registered in :data:`carbonacct.vocabulary.LABELS`."""

from __future__ import annotations

CHECK_LABELS: dict[str, tuple[str, str]] = {
    # a green-factory indicator given by hand: the user's figure, not one carbonacct measured
    "user_entered": ("entered by the user", "用户填报"),
    "follow_up": ("follow up", "需跟进事项"),
    "firms_by_status_sector_title": (
        "Firms by status and sector (each firm's latest year with data)",
        "按状态和行业的企业数（各企业有数据的最近年份）",
    ),
    "firms_by_status_sector_year": (
        "Firms by status and sector in {}",
        "{} 年按状态和行业的企业数",
    ),
    "all_sectors": ("all sectors", "全部行业"),
    "no_sector": ("(no sector)", "（无行业）"),
    "by_place_note": ("By province and city: {}.", "按省份和城市的企业数：{}。"),
    "rest_in_sheet": ("the {} sheet of {}", "见 {1} 的 {0} 工作表"),
    "rest_in_file": ("in {}", "见 {}"),
    "rest_with_o": (
        "write them with -o check.xlsx (the {} sheet)",
        "用 -o check.xlsx 写出（{} 工作表）",
    ),
    "all_breaches": ("all {} breaches", "全部 {} 项超过约束性限值"),
    "some_breaches": ("{} of {} breaches", "超过约束性限值 {} 项（共 {} 项）"),
    "exceptions_cut": (
        "{} of {} shown: {}; not shown: {}: {}.",
        "显示 {} 项（共 {} 项）：{}；未显示：{}，{}。",
    ),
    "firms_cut": ("{} of {} firms shown; the rest: {}.", "显示 {} 家（共 {} 家）；其余{}。"),
}
