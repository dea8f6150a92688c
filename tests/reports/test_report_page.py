"""The firm report as a person reads it: headers are words with units, tables keep inside the
page, points to 0.01, the verdict names who supplied the pass mark and weights, the quality
report in sentences, factor units named, carriers named in Chinese."""

from __future__ import annotations

import re
from types import SimpleNamespace

import polars as pl
import pytest

import carbonacct
from carbonacct.reports import _charts, firm_report, html
from carbonacct.vocabulary import header

MACHINE_NAMES = (
    "energy_tce",
    "co2_t",
    "value_added_cny10k",
    "energy_intensity_tce_per_cny10k",
    "item_id",
    "points_available",
    "factor_set",
)


@pytest.fixture(scope="module")
def monthly() -> carbonacct.Footprint:
    """Diesel in two years (2023: 10 t, 2024: 8 t) and natural gas, by month and carrier."""
    readings = pl.DataFrame(
        {
            "firm_id": ["A"] * 4,
            "carrier": ["diesel", "diesel", "natural_gas", "natural_gas"],
            "value": [10.0, 8.0, 1000.0, 1000.0],
            "unit": ["t", "t", "m3", "m3"],
            "period": ["2023-01", "2024-01", "2023-01", "2024-01"],
        }
    )
    return carbonacct.footprint(readings, by=["carrier"], method=carbonacct.Method(period="month"))


def _headers(page: str) -> list[str]:
    return [
        re.sub(r"<sup>.*?</sup>", "", h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", page)
    ]


def test_headers_are_words_with_units_in_en_and_zh(monthly: carbonacct.Footprint) -> None:
    for lang, energy in (("en", "Energy (tce)"), ("zh", "综合能耗 (tce)")):
        page = firm_report("A", monthly=monthly, lang=lang)
        headers = _headers(page)
        assert not set(headers) & set(MACHINE_NAMES), headers
        # the figures by year: one row per figure, labelled with the word and unit
        assert re.search(rf"<td class='t'>{re.escape(energy)}<sup>", page)
    assert header("points_available") == "Points still available"
    assert header("co2_intensity_t_per_cny10k", "zh") == "单位增加值二氧化碳排放 (tCO2/万元)"


def test_every_table_is_inside_a_scrolling_box_and_the_page_css_keeps_it(
    monthly: carbonacct.Footprint,
) -> None:
    page = firm_report("A", monthly=monthly)
    assert page.count("<table>") >= 2
    assert page.count("<div class='tw'><table>") == page.count("<table>")
    css = re.search(r"<style>.*</style>", page, re.S).group(0)  # type: ignore[union-attr]
    assert ".tw{max-width:100%;overflow-x:auto}" in css
    assert "th{background:#f3f3f3;white-space:normal" in css  # headers wrap


def test_the_year_table_has_one_column_per_year_and_the_change(
    monthly: carbonacct.Footprint,
) -> None:
    """Diesel 10 t -> 8 t with gas unchanged: energy 2024 on 2023 is (8·1.4571 + g)/(10·1.4571
    + g) − 1 with g the gas tce; the table shows it in its last column."""
    page = firm_report("A", monthly=monthly)
    table = page.split("<h3>Year by year</h3>")[1].split("</table>")[0]
    assert _headers(table) == ["Figure", "2023", "2024", "change on the year before (%)"]
    gas = 1000 * 0.001214  # tce/m3 (NBS 各种能源折标准煤参考系数, as the factors used say)
    change = ((8 * 1.4571 + gas) / (10 * 1.4571 + gas) - 1) * 100
    row = re.search(r"Energy \(tce\).*?</tr>", table).group(0)  # type: ignore[union-attr]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[-1] == html.number(change)  # -18.5: from 10 up, one decimal


def test_carriers_named_in_chinese_and_factor_units_named(monthly: carbonacct.Footprint) -> None:
    page = firm_report("A", monthly=monthly, lang="zh")
    factors = page.split("所用因子")[1].split("</table>")[0]
    assert "<td class='t'>柴油</td>" in factors and "<td class='t'>天然气</td>" in factors
    assert "canonical" not in page
    units = dict(
        zip(
            monthly.factors_used["factor"] + "/" + monthly.factors_used["carrier"],
            monthly.factors_used["unit"],
            strict=True,
        )
    )
    assert units["tce_coefficient/diesel"] == "tce/t"
    assert units["combustion_co2/natural_gas"] == "tCO2/Nm3"


def test_the_quality_report_is_written_in_sentences(monthly: carbonacct.Footprint) -> None:
    quality = carbonacct.QualityReport(
        7, 5, 2, {"unknown_carrier": 2}, {"register_baseline": 3}, []
    )
    lines = html.quality_text(quality, "en")
    assert lines[0] == "7 rows read: 5 accounted, 2 rejected."
    assert lines[1] == "2 rows rejected: carrier is not a known code or name."
    assert lines[2].startswith("3 meter register readings were a meter's first reading")
    assert not any("register_baseline" in line for line in lines)
    assert html.quality_text(quality, "zh")[0] == "读入 7 行：计入 5 行，剔除 2 行。"


def _green(passed: bool | None) -> SimpleNamespace:
    gap = pl.DataFrame(
        {
            "item_id": ["L4.1", "L1.3"],
            "name": ["绿色设计案例", "可再生能源利用率"],
            "points": [0.0, 3.0232],
            "max_points": [8.0, 8.0],
            "points_available": [8.0, 4.9768],
        }
    )
    origins = pl.DataFrame(
        {"points": [30.0, 70.0], "weight_source": ["gbt36132-2025 (secondary)", "user: mine"]}
    )
    return SimpleNamespace(
        model="gbt36132-2025",
        verdict=None if passed is None else ("PASS" if passed else "FAIL"),
        score_pct=65.7,
        gap=gap,
        weight_origins=origins,
        provenance={"pass_mark": 60.0 if passed is not None else None, "pass_mark_source": "our"},
    )


def test_green_points_to_two_decimals_and_the_verdict_names_who_supplied_what(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_charts, "green_chart", lambda green, lang: "")
    page = "".join(html._green_section(SimpleNamespace(green=_green(True), lang="en")))  # type: ignore[arg-type]
    assert "<td>0.00</td><td>8.00</td><td>8.00</td>" in page
    assert "<td>3.02</td><td>8.00</td><td>4.98</td>" in page
    assert "<td class='t'>绿色设计案例</td>" in page  # names left-aligned
    assert "PASS: 65.7 % against a pass mark of 60 % (our)" in page
    assert "70.00 points: supplied by the user (user: mine)" in page
    assert "30.00 points: shipped with the model" in page
    alone = html.verdict(_green(None), "en")
    assert alone.startswith("score only (no pass mark given) 65.7 %")
    assert html.verdict(_green(False), "zh").startswith("未通过: 65.7 % 合格线 60 %")


def test_a_report_without_base_year_says_why_there_is_no_pathway_chart() -> None:
    check = SimpleNamespace(
        results=pl.DataFrame(
            {
                "firm_id": ["A"],
                "status": ["insufficient_data"],
                "missing": ["no base-year value (2020)"],
            }
        )
    )
    text = "".join(html._no_pathway(check, "A", "en"))
    assert "needs the firm's base-year figures" in html.html.unescape(text)
    assert "insufficient data; no base-year value (2020)" in text


def test_two_identical_runs_give_the_same_page_bytes() -> None:
    readings = pl.DataFrame(
        {
            "firm_id": ["A", "A"],
            "carrier": ["diesel", "natural_gas"],
            "value": [10.0, 1000.0],
            "unit": ["t", "m3"],
            "period": ["2024-01", "2024-02"],
        }
    )
    pages = [
        firm_report(
            "A",
            monthly=carbonacct.footprint(
                readings, by=["carrier"], method=carbonacct.Method(period="month")
            ),
            lang="zh",
        ).encode()
        for _ in range(2)
    ]
    assert pages[0] == pages[1]


def test_a_withheld_verdict_gives_its_reason_not_no_pass_mark() -> None:
    """An incomplete footprint withholds the verdict: the report says so and why (in HTML and
    in the PDF heading), not "score only (no pass mark given)"."""
    from carbonacct.reports import pdf

    green = _green(None)
    green.verdict_withheld = "co2 of 2 rows missing (no CO2 factor for steam)"
    green.provenance["pass_mark"] = 60.0
    for lang, word in (("en", "verdict withheld"), ("zh", "不作结论")):
        text = html.verdict(green, lang)
        assert text.startswith(f"{word} (co2 of 2 rows missing (no CO2 factor for steam))"), text
        assert "65.7 %" in text and "no pass mark" not in text and "未给出合格线" not in text
        assert pdf.verdict_word(green, lang) == word
    assert pdf.verdict_word(_green(None), "en") == "score only (no pass mark given)"
    assert pdf.verdict_word(_green(True), "en") == "PASS"


_REPORT_SCRIPT = """
import sys
import polars as pl
import carbonacct
from carbonacct.reports import firm_report
readings = pl.DataFrame({"firm_id": ["A", "A"], "carrier": ["diesel", "natural_gas"],
    "value": [10.0, 1000.0], "unit": ["t", "m3"], "period": ["2024-01", "2024-02"]})
fp = carbonacct.footprint(readings, by=["carrier"], method=carbonacct.Method(period="month"))
sys.stdout.write(firm_report("A", monthly=fp, lang="zh"))
"""


def test_two_report_runs_in_two_processes_at_different_times_give_the_same_bytes() -> None:
    """The embedded CJK font subset carries no time of its making: two processes, their
    clocks a year apart (fontTools stamps ``head`` from SOURCE_DATE_EPOCH or the clock),
    write the same page byte for byte."""
    import os
    import subprocess
    import sys

    pages = []
    for epoch in ("1700000000", "1731536000"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
        done = subprocess.run(
            [sys.executable, "-c", _REPORT_SCRIPT], env=env, capture_output=True, check=True
        )
        pages.append(done.stdout)
    assert b"@font-face{font-family:'carbonacct-cjk'" in pages[0]
    assert pages[0] == pages[1]
