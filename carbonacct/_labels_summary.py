"""Words of the regulator's summary page (English, Chinese), registered in
:data:`carbonacct.vocabulary.LABELS`."""

from __future__ import annotations

SUMMARY_LABELS: dict[str, tuple[str, str]] = {
    "rank": ("rank", "排序"),
    "firms_ranked": (
        "Firms, worst first (binding breaches first, then by energy)",
        "企业排序（先列超过约束性限值的企业，再按能耗）",
    ),
    "follow_up_title": (
        "Follow up: firms whose status rests on missing or incomplete data",
        "需跟进：状态基于缺失或不完整数据的企业",
    ),
    "follow_up_none": (
        "No firm's status rests on missing or incomplete data.",
        "没有企业的状态基于缺失或不完整的数据。",
    ),
    "history_title": ("Status by year", "逐年状态"),
    "history_none": ("No year was checked: no history to show.", "没有核查年份，无逐年状态。"),
    "by_place_title": ("Firms by sector, province and city", "按行业、省份和城市的企业数"),
    "more_rows": (
        "Shown: the first {:,} of {:,} {}. The other {:,} are in the check's tables: {}.",
        "仅显示前 {:,} 条（共 {:,} 条{}）。其余 {:,} 条见核查结果表：{}。",
    ),
    "where_firms": (
        "sheet firms of carbonacct check -o result.xlsx (or .json), or the whole of -o firms.csv",
        "carbonacct check -o result.xlsx（或 .json）的 firms 表，或 -o firms.csv 的全部",
    ),
    "where_sheet": (
        "sheet {} of carbonacct check -o result.xlsx (or .json)",
        "carbonacct check -o result.xlsx（或 .json）的 {} 表",
    ),
    "rows_of_firms": ("firms", "企业"),
    "rows_of_groups": ("rows", "分组"),
    "rows_of_exceptions": ("exceptions", "例外"),
    "no_status_chart": ("No chart: the batch holds no firm.", "无图：本批次没有企业。"),
    "no_share_chart": (
        "No chart: no output is at its benchmark (every share at benchmark is 0 %, or no "
        "output was given); the counts are in the table below.",
        "无图：没有产量达到标杆（标杆产量占比均为 0 %，或未给出产量）；数量见下表。",
    ),
    "no_share_bar": (
        "No bar for {}: no output was given, so there is no share at benchmark (not 0 %).",
        "{} 无柱：未给出产量，故无标杆产量占比（不是 0 %）。",
    ),
    "target_share": ("target share", "目标占比"),
    "sectors_left_out": (
        "The chart shows the {:,} sectors with the most firms; {:,} more are in the table.",
        "图中显示企业数最多的 {:,} 个行业；其余 {:,} 个见下表。",
    ),
    # the product summary's columns
    "firms_without_output": ("firms without output", "无产量企业数"),
    "firms_at_benchmark": ("firms at benchmark", "达标杆企业数"),
    "firms_below_baseline": ("firms below baseline", "未达基准企业数"),
    "share_below_baseline": ("output share below baseline", "未达基准产量占比"),
    "target_deadline": ("target deadline", "目标期限"),
    "meets_target": ("meets the target", "达到目标"),
}
