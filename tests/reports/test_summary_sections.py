"""The regulator's summary page on a hand-made batch: one row per firm ranked by severity, the
follow-up list, the status of each year, no empty chart, a long list cut with a line saying
how many more, status colours, and the same bytes on every run."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import polars as pl
import pytest

import carbonacct
from carbonacct.reports import _charts, _summary, summary_report

FIRMS = pl.DataFrame(
    {
        "firm_id": ["small", "big", "ok", "gap", "steel", "bad", "empty"],
        "name": ["小厂", "大厂", "好厂", "缺数厂", "钢厂", "错厂", "空厂"],
        "province": ["江苏"] * 7,
        "city": ["苏州", "苏州", "无锡", "无锡", "无锡", "南京", "南京"],
        "sector": ["3391", "3391", "3391", "3391", "3110", "3391", "3391"],
    }
)


def _va(firm: str, year: int, value: float, energy: float, complete: bool | None = True) -> dict:
    return {
        "firm_id": firm,
        "year": year,
        "metric": "energy_intensity_va",
        "value": value,
        "unit": "tce/万元",
        "energy_tce": energy,
        "data_complete": complete,
        "rows_rejected": 4 if complete is False else 0,
    }


# cn-industry-2025 (energy per value added, −13.5 % from 2020 to 2025, compound, a national
# path: above it is above_path, not a breach). From 0.80 in 2020 it requires
# 0.80 × 0.865 = 0.692 in 2025 and 0.80 × 0.865^(3/5) = 0.80 × 0.9167 = 0.7333 in 2023.
ROWS = [
    _va("small", 2020, 0.80, 100.0, None),  # quality not given: not followed up for that alone
    _va("small", 2025, 0.75, 100.0, None),  # 0.75 > 0.692: above the path
    _va("big", 2020, 0.80, 9000.0),
    _va("big", 2023, 0.70, 9000.0),  # 0.70 ≤ 0.7333: below the path in 2023
    _va("big", 2025, 0.74, 9000.0),  # 0.74 > 0.692: above the path in 2025, 90× small's energy
    _va("ok", 2020, 0.80, 500.0),
    _va("ok", 2025, 0.60, 500.0),  # 0.60 ≤ 0.692: below the path
    _va("gap", 2020, 0.80, 700.0),
    _va("gap", 2025, 0.60, 700.0, False),  # below the path, but 4 rows rejected: follow up
    _va("bad", 2020, 0.80, 50000.0),
    _va("bad", 2025, -0.1, 50000.0),  # refused: invalid_input, the biggest energy of all
    {  # 420 > GB 21256-2025 grade 3 (415 kgce/t): a binding breach, with 400 tce only
        "firm_id": "steel",
        "year": 2025,
        "metric": "product_energy_intensity",
        "product": "blast_furnace_iron",
        "value": 420.0,
        "unit": "kgce/t",
        "output": 1e6,
        "energy_tce": 400.0,
        "data_complete": True,
        "rows_rejected": 0,
    },
]
#: Worst first, and why:
RANKED = [
    "steel",  # breach (binding: a GB quota limit) comes first, whatever its energy (400 tce)
    "bad",  # invalid_input comes next (a refused row), though it has the most energy
    "big",  # above_path, 9000 tce
    "small",  # above_path, 100 tce: the same status, less energy
    "empty",  # no_data (in the firms table, no actual value): after above_path
    "gap",  # below_path, 700 tce
    "ok",  # below_path, 500 tce
]


@pytest.fixture(scope="module")
def check() -> carbonacct.CheckResult:
    actuals = pl.DataFrame(ROWS, infer_schema_length=None)
    return carbonacct.check(
        FIRMS, actuals, pathways=["cn-industry-2025"], price_basis="constant:2020"
    )


def _section(page: str, title: str) -> str:
    """The HTML from the heading that starts with ``title`` to the next h2."""
    start = page.index(f"<h2>{title}")
    end = page.find("<h2>", start + 4)
    return page[start:end]


def _first_cells(section: str) -> list[str]:
    """The firm column of each body row (the first text cell)."""
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])
    return [re.findall(r"<td class='t'>(.*?)</td>", r)[0] for r in rows]


def test_firms_are_ranked_binding_breach_first_then_by_energy(check: object) -> None:
    assert check.firms["firm_id"].to_list() == RANKED  # the check's own order
    page = summary_report(check, lang="en")
    section = _section(page, "Firms, worst first")
    assert _first_cells(section) == RANKED  # the page shows that order, ranked 1..7
    ranks = re.findall(r"<tr><td>(\d+)</td>", section)
    assert ranks == [str(i) for i in range(1, 8)]
    # names, not codes: the sector with its name, the province by name, the status in words
    text = html.unescape(section)
    assert "3110 黑色金属冶炼和压延加工业" in text and "江苏省" in text
    assert "<td class='t st st-breach'>breach</td>" in section
    assert "invalid input</td>" in section and "invalid_input</td>" not in section


def test_follow_up_lists_firms_resting_on_missing_or_incomplete_data(check: object) -> None:
    follow = check.follow_up()
    # bad: a refused row (invalid_input); empty: no data at all; gap: 4 rows rejected in its
    # report year. small gave no quality columns (not known incomplete), big and ok complete.
    assert follow["firm_id"].to_list() == ["bad", "empty", "gap"]
    assert follow["status"].to_list() == ["invalid_input", "no_data", "below_path"]
    section = _section(summary_report(check, lang="zh"), "需跟进")
    assert "(3)" in section
    assert _first_cells(section) == ["bad", "empty", "gap"]
    assert "<td class='t st st-no_data'>无数据</td>" in section


def test_history_gives_each_firm_its_status_per_year_in_the_ranked_order(
    check: object,
) -> None:
    section = _section(summary_report(check, lang="en"), "Status by year")
    head = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", section)
    assert head == ["Firm", "Name", "2023", "2025"]  # 2020 is the base year, not checked
    assert _first_cells(section) == RANKED
    big = re.search(r"<tr><td class='t'>big</td>.*?</tr>", section).group(0)
    # big: 0.70 ≤ 0.7333 in 2023, 0.74 > 0.692 in 2025
    cells = re.findall(r"<td class='t st st-(\w+)'>", big)
    assert cells == ["below_path", "above_path"]
    small = re.search(r"<tr><td class='t'>small</td>.*?</tr>", section).group(0)
    assert "<td class='t'>—</td>" in small  # no 2023 figure: no status, not a colour


def test_a_long_list_shows_its_first_rows_and_says_how_many_more(check: object) -> None:
    page = html.unescape(summary_report(check, lang="en", top=2))
    section = _section(page, "Firms, worst first")
    assert _first_cells(section) == RANKED[:2]
    assert "Shown: the first 2 of 7 firms. The other 5 are in the check's tables" in section
    assert "sheet firms of carbonacct check -o result.xlsx" in section
    follow = _section(page, "Follow up")
    assert "Shown: the first 2 of 3 firms. The other 1 are" in follow
    exceptions = _section(page, "Top exceptions")
    n = check.exceptions.height
    assert f"Shown: the first 2 of {n} exceptions. The other {n - 2} are" in exceptions
    # a list that fits is shown whole, with no such line
    assert "Shown: the first" not in summary_report(check, lang="en", top=1000)


def test_no_empty_chart_a_sentence_says_why(check: object) -> None:
    # a clinker line between 标杆 100 and 基准 117 kgce/t: every share at benchmark is 0
    firms = pl.DataFrame(
        {"firm_id": ["C"], "name": ["水泥厂"], "province": ["江苏"], "sector": ["3011"]}
    )
    actuals = pl.DataFrame(
        {
            "firm_id": ["C"],
            "year": [2025],
            "metric": ["product_energy_intensity"],
            "product": ["cement_clinker"],
            "value": [105.0],
            "unit": ["kgce/t"],
            "output": [1e6],
        }
    )
    r = carbonacct.check(firms, actuals, pathways=[])
    assert r.product_summary["share_at_benchmark"].to_list() == [0.0]
    assert _charts.share_chart(r.product_summary, "en") is None
    section = _section(summary_report(r, lang="en"), "Products against")
    assert "<img" not in section and "No chart: no output is at its benchmark" in section
    assert "无图：没有产量达到标杆" in _section(summary_report(r, lang="zh"), "产品能效")
    # no firm at all: the status section says so instead of an empty axis
    empty = SimpleNamespace(summary=pl.DataFrame(schema={"sector": pl.String, "firms": pl.UInt32}))
    status = "".join(_summary.status_section(empty, "en"))
    assert "<img" not in status and "No chart: the batch holds no firm." in status


def test_status_colours_are_the_same_in_charts_tables_and_both_languages(check: object) -> None:
    for lang in ("en", "zh"):
        page = summary_report(check, lang=lang)
        css = re.search(r"<style>.*</style>", page, re.S).group(0)
        for status, colour in _charts.STATUS_COLOURS.items():
            assert f"td.st-{status}{{box-shadow:inset .35rem 0 0 {colour}}}" in css
        assert "<i class='st-breach'></i>" in page  # the KPI key beside the count


def test_two_runs_give_the_same_summary_page_bytes(check: object) -> None:
    pages = [summary_report(check, lang="zh").encode() for _ in range(2)]
    assert pages[0] == pages[1]


def test_the_page_uses_a_1280_px_window_and_reasons_read_in_lines(check: object) -> None:
    page = summary_report(check, lang="en")
    # 76rem = 1216 px plus 2 × 1rem padding: inside a 1280 px window; wider tables scroll
    assert "<body class=wide>" in page and "body.wide{max-width:76rem}" in page
    assert page.count("<div class='tw'><table>") == page.count("<table>")
    assert "<td class='t w'>above the GB quota limit" in page  # a sentence, not a word a line


def test_products_and_metrics_read_as_the_shipped_names_not_codes(check: object) -> None:
    # zh: 高炉工序 (炼铁) is the product's name in the shipped product names, and
    # 高炉工序单位产品能耗 the indicator GB 21256-2025 (表3) names for this product and metric
    zh = _section(summary_report(check, lang="zh"), "重点例外")
    assert "高炉工序 (炼铁)" in zh and "高炉工序单位产品能耗" in zh
    assert "blast_furnace_iron" not in zh and "product_energy_intensity" not in zh
    en = _section(summary_report(check, lang="en"), "Top exceptions").lower()
    assert "blast furnace iron" in en and "product energy intensity" in en
    assert "energy intensity, feedstock excluded" in en  # energy_intensity_va
    assert "blast_furnace_iron" not in en
    # a clinker line: its electricity metric in the words of GB 16780-2021
    firms = pl.DataFrame({"firm_id": ["C"], "province": ["江苏"], "sector": ["3011"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["C", "C"],
            "year": [2025, 2025],
            "metric": ["product_energy_intensity", "product_electricity_intensity"],
            "product": ["cement_clinker", "cement_clinker"],
            "value": [105.0, 80.0],
            "unit": ["kgce/t", "kWh/t"],
            "output": [1e6, 1e6],
        }
    )
    r = carbonacct.check(firms, actuals, pathways=[])
    page = summary_report(r, lang="zh")
    assert "水泥熟料" in page and "cement_clinker" not in page
    assert "product_electricity_intensity" not in page
    # machine formats keep the codes
    assert set(r.products["product"]) == {"cement_clinker"}
    assert "blast_furnace_iron" in check.exceptions["product"].to_list()


def test_a_product_without_output_has_no_bar_and_the_page_says_so() -> None:
    """A clinker line at 95 kgce/t (标杆 100) with 1 000 000 t: share 1 000 000 / 1 000 000 =
    100 %. Refineries giving no output have no share (not 0 %): no bar, a sentence names them."""
    firms = pl.DataFrame(
        {
            "firm_id": ["C", "R"],
            "name": ["水泥厂", "炼油厂"],
            "province": ["江苏", "江苏"],
            "sector": ["3011", "2511"],
        }
    )
    actuals = pl.DataFrame(
        {
            "firm_id": ["C", "R"],
            "year": [2025, 2025],
            "metric": ["product_energy_intensity", "refining_energy_factor_intensity"],
            "product": ["cement_clinker", "refining"],
            "value": [95.0, 8.0],
            "unit": ["kgce/t", "kgoe/(t·能量因数)"],
            "output": [1e6, None],
        }
    )
    r = carbonacct.check(firms, actuals, pathways=[])
    ps = r.product_summary
    shares = dict(zip(ps["product"], ps["share_at_benchmark"], strict=True))
    assert shares == {"cement_clinker": 1.0, "refining": None}
    outputs = dict(zip(ps["product"], ps["output"], strict=True))
    assert outputs == {"cement_clinker": 1e6, "refining": None}  # none given: empty, not 0
    charted, left_out = _charts.share_rows(ps)
    assert charted["product"].to_list() == ["cement_clinker"]
    assert left_out["product"].to_list() == ["refining"]
    en = html.unescape(_section(summary_report(r, lang="en"), "Products against"))
    assert "<img" in en and "No bar for refining 2511: no output was given" in en
    zh = html.unescape(_section(summary_report(r, lang="zh"), "产品能效"))
    assert "炼油 2511" in zh and "未给出产量" in zh
