"""The regulator's summary page: the quality of the data behind it (rows in = accounted +
rejected, by reason; CO2 missing; firms with incomplete data) on the page and in its
provenance; words and statuses in Chinese under ``lang="zh"``; no machine names as headers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import workflows
from carbonacct.reports import summary_report


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Two firms burning diesel in 2020 and 2024; firm B's file has 3 rows value=abc."""
    d: Path = tmp_path_factory.mktemp("summary")
    lines = ["firm_id,carrier,value,unit,period"]
    for firm, t in (("A", 10.0), ("B", 20.0)):
        lines += [f"{firm},diesel,{t},t,2020", f"{firm},diesel,{t * 0.8},t,2024"]
    lines += ["B,diesel,abc,t,2024"] * 3
    (d / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    firms = pl.DataFrame(
        {
            "firm_id": ["A", "B"],
            "name": ["甲厂", "乙厂"],
            "province": ["CN-JS", "CN-JS"],
            "sector": ["3391", "3391"],
        }
    )
    fp = carbonacct.footprint(d / "r.csv", firms=firms)
    actuals = pl.DataFrame(
        {
            "firm_id": ["A", "B"],
            "year": [2020, 2020],
            "metric": ["energy_intensity_va", "energy_intensity_va"],
            "value": [0.1, 0.1],
            "unit": ["tce/万元", "tce/万元"],
        }
    )
    return workflows.check_footprint(fp, firms, actuals=actuals, pathways=["cn-industry-2025"])


def test_the_summary_page_carries_the_quality_of_its_data(check: object) -> None:
    page = html.unescape(summary_report(check, lang="en"))
    # rows in 7 = accounted 4 + rejected 3, the reason in words, on the page and in provenance
    assert "7 rows read: 4 accounted, 3 rejected." in page
    assert "3 rows rejected: value is not a finite number" in page
    prov = page.split("<h2>Provenance</h2>")[1]
    assert "rows in 7 = accounted 4 + rejected 3" in prov
    assert "<h2>Quality</h2>" in page


def _headers(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", page)]


def test_the_summary_page_in_chinese_has_chinese_headers_and_statuses(check: object) -> None:
    page = summary_report(check, lang="zh")
    assert "数据质量" in page and "读入 7 行：计入 4 行，剔除 3 行。" in page
    assert "剔除 3 行：数值不是有限数" in page  # the reason in Chinese too
    assert "数据不足 <b" in page  # the KPI status in words
    body = page.split("<h2>数据来源</h2>")[0]  # the provenance keeps the reason codes
    # what people read: no style sheet, no class or data-value attribute (status codes there
    # name the colours)
    shown = re.sub(r"<style>.*?</style>|(?:data-value|class)='[^']*'", "", body, flags=re.S)
    for word in ("sector_name", "city_code", "insufficient_data", "not_a_number"):
        assert word not in shown, word


def test_the_english_summary_has_one_province_column_and_short_headers(check: object) -> None:
    page = summary_report(check, lang="en")
    first_table = page.split("</table>")[0]
    headers = _headers(first_table)
    assert headers.count("Province") == 1, headers
    assert "insufficient data <b" in page
    headers = _headers(page)
    assert all(len(h) <= 30 for h in headers), [h for h in headers if len(h) > 30]


def test_the_status_chart_counts_firms_in_whole_numbers_and_names_sectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from carbonacct.reports import _charts

    figures = []
    monkeypatch.setattr(_charts, "png", lambda fig: figures.append(fig) or "")
    by_sector = pl.DataFrame(
        {"sector": ["3391"], "sector_name": ["C 制造业 / 33 金属制品业"], "breach": [1]}
    )
    _charts.status_chart(by_sector, ["breach"], "zh")
    ax = figures[0].axes[0]
    assert all(float(t).is_integer() for t in ax.get_xticks()), ax.get_xticks()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["3391 金属制品业"]


def test_every_reject_reason_has_a_chinese_sentence() -> None:
    from carbonacct.readings import REJECT_REASONS
    from carbonacct.reports._reasons import REJECT_REASONS_ZH

    assert set(REJECT_REASONS) == set(REJECT_REASONS_ZH)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in REJECT_REASONS_ZH.values())
