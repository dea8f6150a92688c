"""The firm report from readings: one footprint run, rolled up to years, checked, in en or zh."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import workflows
from carbonacct.reports import build_report_data, firm_report

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "examples" / "jiangsu"
SOURCES = [HERE / "electricity_15min.parquet", HERE / "fuels.csv"]
FIRM = "91320500EXAMPLE0001"
TCE_DIESEL = 1.4571  # tce/t, GB/T 2589-2020 Appendix A


def _diesel(months: dict[str, float], firm: str = "A") -> pl.DataFrame:
    """Diesel in t per month, plus one row of an unknown carrier in the first month."""
    periods = [*months, next(iter(months))]
    return pl.DataFrame(
        {
            "firm_id": [firm] * len(periods),
            "carrier": ["diesel"] * len(months) + ["unobtainium"],
            "value": [*months.values(), 1.0],
            "unit": ["t"] * len(periods),
            "period": periods,
        }
    )


def test_rollup_of_the_monthly_footprint_equals_the_yearly_one() -> None:
    method = carbonacct.Method(steam_enthalpy_kJ_per_kg=2780)
    firms, activity = HERE / "firms.csv", HERE / "activity.csv"
    yearly = carbonacct.footprint(SOURCES, firms=firms, activity=activity, method=method)
    monthly = carbonacct.footprint(
        SOURCES, firms=firms, by=["carrier"], method=method.replace(period="month")
    )
    rolled = workflows.rollup(monthly, activity=activity, method=method)
    assert rolled.table["period"].to_list() == ["2024"]
    for column in ("energy_tce", "co2_t", "co2_scope2_t", "energy_intensity_tce_per_cny10k"):
        assert rolled.table[column][0] == pytest.approx(yearly.table[column][0], rel=1e-9)
    assert rolled.table["rows"][0] == yearly.table["rows"][0] == 105445
    assert rolled.provenance["method"]["period"] == "year"
    assert rolled.intensities is not None and rolled.intensities["product"][0] == "castings"


def test_rollup_counts_rejected_rows_once_and_sums_two_years() -> None:
    # 2023: 10 t in Jan, 20 t in Feb; 2024: 12 t in Jan; an unknown carrier in 2023-01
    readings = pl.concat([_diesel({"2023-01": 10.0, "2023-02": 20.0}), _diesel({"2024-01": 12.0})])
    monthly = carbonacct.footprint(
        readings, by=["carrier"], method=carbonacct.Method(period="month")
    )
    yearly = workflows.rollup(monthly).table
    assert yearly["period"].to_list() == ["2023", "2024"]
    assert yearly["energy_tce"].to_list() == pytest.approx([30 * TCE_DIESEL, 12 * TCE_DIESEL])
    assert yearly["rows_rejected"].to_list() == [1, 1]  # one bad row in 2023-01 and 2024-01
    data = build_report_data("A", monthly)
    # 12 t against 30 t: 12/30 - 1 = -60 %
    assert data.years["energy_tce_change_pct"].to_list() == pytest.approx(
        [None, -60.0], nan_ok=True
    )


def test_the_report_runs_the_footprint_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = []
    real = carbonacct.footprint

    def counting(*args: object, **kwargs: object) -> carbonacct.Footprint:
        calls.append(kwargs.get("method"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(carbonacct, "footprint", counting)
    data = workflows.firm_report_from_readings(
        SOURCES,
        HERE / "firms.csv",
        FIRM,
        activity=HERE / "activity.csv",
        assessment=ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml",
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2780),
        path=tmp_path / "r.html",
    )
    assert len(calls) == 1
    assert data.green is not None and data.check is not None
    energy = float(
        re.search(r"data-value='energy_tce'>([\d,.]+)<", data.html).group(1).replace(",", "")
    )
    assert energy == pytest.approx(1911.1, abs=0.05)
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == data.html


def _pathway_firm(
    price_basis: str | None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    firms = pl.DataFrame(
        {"firm_id": ["A"], "name": ["甲厂"], "province": ["广东"], "sector": ["3011"]}
    )
    readings = _diesel({"2025-01": 20.0, "2025-02": 20.0}).filter(pl.col("carrier") == "diesel")
    activity = pl.DataFrame(
        {
            "firm_id": ["A"],
            "period": ["2025"],
            "metric": ["value_added"],
            "value": [100.0],
            "unit": ["万元"],
        }
    )
    if price_basis is not None:
        activity = activity.with_columns(pl.lit(price_basis).alias("price_basis"))
    actuals = pl.DataFrame(
        {"firm_id": ["A"], "year": [2020], "metric": ["energy_intensity_va"], "value": [0.80],
         "unit": ["tce/万元"], "price_basis": ["constant:2020"]}
    )  # fmt: skip
    return readings, firms, activity, actuals


def test_the_price_basis_of_the_activity_is_honoured() -> None:
    rows = {}
    for basis in ("constant:2020", None):
        readings, firms, activity, actuals = _pathway_firm(basis)
        data = workflows.firm_report_from_readings(
            readings, firms, "A", activity=activity, actuals=actuals, pathways=["cn-industry-2025"]
        )
        r = data.check.results.filter(pl.col("metric") == "energy_intensity_va")
        rows[basis] = r.row(0, named=True)
    # 40 t diesel × 1.4571 = 58.284 tce over 100 万元 = 0.58284 tce/万元, required 0.80 × 0.865 = 0.692
    assert rows["constant:2020"]["actual"] == pytest.approx(40 * TCE_DIESEL / 100)
    assert rows["constant:2020"]["required"] == pytest.approx(0.692)
    assert rows["constant:2020"]["status"] != "insufficient_data"
    assert rows[None]["status"] == "insufficient_data"  # value added at unknown prices


def test_the_page_in_chinese_with_footnotes() -> None:
    method = carbonacct.Method(steam_enthalpy_kJ_per_kg=2780)
    data = workflows.firm_report_from_readings(
        SOURCES, HERE / "firms.csv", FIRM, activity=HERE / "activity.csv", method=method, lang="zh"
    )
    text = data.html
    assert "<html lang='zh-CN'>" in text
    for words in (
        "能耗与碳排放报告",
        "逐年对比",
        "同比变化",
        "来源与等级",
        "单位增加值能耗 (tce/万元)",
    ):
        assert words in text
    assert "Energy and CO2" not in text and "Year by year" not in text
    assert "苏州示例精密铸造有限公司" in text  # the firm's name, from the firms table
    notes = re.findall(r"<li>(.*?)</li>", text.split("来源与等级")[1].split("</ol>")[0])
    assert len(notes) == 5  # energy, CO2, value added, two intensities
    assert (
        "official" in notes[1] and "表3 省级电力平均二氧化碳排放因子" in notes[1]
    )  # CO2: the grid
    assert "GB/T 2589-2020" in notes[0] and "official" not in notes[0]  # energy: coefficients
    english = firm_report(FIRM, monthly=data.footprint, yearly=None)
    assert "Energy and CO2" in english and "能耗与排放" not in english


def test_the_page_text_is_set_in_the_embedded_font() -> None:
    import base64
    import io

    from fontTools.ttLib import TTFont

    readings = _diesel({"2024-01": 1.0})
    monthly = carbonacct.footprint(
        readings, by=["carrier"], method=carbonacct.Method(period="month")
    )
    text = firm_report("A", monthly=monthly, lang="zh")
    face = re.search(
        r"@font-face\{font-family:'carbonacct-cjk';src:url\(data:font/ttf;base64,([^)]+)\)", text
    )
    assert face is not None and 'body{font-family:"carbonacct-cjk"' in text
    font = TTFont(io.BytesIO(base64.b64decode(face.group(1))))
    cmap = font.getBestCmap()
    shown = re.sub(r"<style>.*?</style>|data:image/png;base64,[^']+", "", text, flags=re.S)
    missing = {ch for ch in shown if ord(ch) > 0x7F and ord(ch) not in cmap}
    assert not missing  # every Chinese character of the page has its glyph in the page
    assert len(face.group(1)) < 400_000  # a subset, not the 5 MB font


def test_the_firm_page_shows_its_code_product_intensity_and_targets_beside_the_figures() -> None:
    """The heading names the firm and its code; the per-product intensity the activity gives
    is shown; the headline intensity carries the target of its year checked beside it."""
    readings, firms, activity, actuals = _pathway_firm("constant:2020")
    activity = pl.concat(
        [
            activity,
            pl.DataFrame(
                {"firm_id": ["A"], "period": ["2025"], "metric": ["castings"], "value": [400.0],
                 "unit": ["t"], "price_basis": [None]}
            ),
        ],
        how="diagonal_relaxed",
    )  # fmt: skip
    data = workflows.firm_report_from_readings(
        readings, firms, "A", activity=activity, actuals=actuals, pathways=["cn-industry-2025"]
    )
    text = html.unescape(data.html)
    assert "<h1>甲厂 (A) — energy and carbon report</h1>" in text
    # 40 t diesel × 1.4571 tce/t = 58.284 tce over 400 t castings: 145.71 kgce/t
    assert "castings" in text and "145.7" in text and "kgce/t" in text
    # headline energy intensity 0.58284 tce/万元, required 0.80 × (1 - 13.5 %) = 0.692 in 2025
    kpi = text.split("class='kpi'>")[1].split("</p>")[0]
    assert "0.5828" in kpi and "target 0.692" in kpi
