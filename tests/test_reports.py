"""Reports: every chart present, Chinese glyphs in the font, numbers equal to the results."""

from __future__ import annotations

import base64
import re
import warnings
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import cli
from carbonacct.green_factory import score
from carbonacct.reports import firm_report, summary_report
from carbonacct.synth import generate

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "examples" / "jiangsu"
FIRM = "91320500EXAMPLE0001"
SOURCES = [HERE / "electricity_15min.parquet", HERE / "fuels.csv"]


def images(text: str) -> list[bytes]:
    return [base64.b64decode(b) for b in re.findall(r"base64,([A-Za-z0-9+/=]+)'", text)]


def test_the_shipped_font_has_every_chinese_glyph_we_draw() -> None:
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(resources.files("carbonacct") / "_fonts" / "wqy-microhei.ttc")).fonts[0]
    cmap = font.getBestCmap()
    labels = (
        "综合能耗 by carrier and month 要求 实际 绿色工厂评分 产品能效 标杆 基准 企业状态 标杆产能占比 万元 "
        "能源低碳化 资源高效化 生产洁净化 产品绿色化 用地集约化 数据质量 路径 例外"
    )
    missing = {ch for ch in labels if not ch.isspace() and ord(ch) not in cmap}
    assert not missing


def test_firm_report() -> None:
    yearly = carbonacct.footprint(
        SOURCES,
        firms=HERE / "firms.csv",
        activity=HERE / "activity.csv",
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2780),
    )
    monthly = carbonacct.footprint(
        SOURCES,
        firms=HERE / "firms.csv",
        by=["carrier"],
        method=carbonacct.Method(period="month", steam_enthalpy_kJ_per_kg=2780),
    )
    actuals = pl.DataFrame(
        {
            "firm_id": [FIRM],
            "year": [2020],
            "metric": ["energy_intensity_va"],
            "value": [0.06],
            "unit": ["tce/万元"],
        }
    )
    check = carbonacct.check(
        pl.read_csv(HERE / "firms.csv"),
        footprint=yearly,
        actuals=actuals,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    green = score(
        ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml", footprint=yearly
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on a missing glyph
        text = firm_report(FIRM, monthly=monthly, check=check, green=green)
    pngs = images(text)
    assert len(pngs) == 4 and all(
        p.startswith(b"\x89PNG") for p in pngs
    )  # energy, CO2, pathway, green
    for alt in (
        "energy by carrier and month",
        "CO2 by carrier and month",
        "cn-industry-2025 trajectory",
        "green-factory score by indicator",
    ):
        assert f"alt='{alt}'" in text
    energy = float(re.search(r"data-value='energy_tce'>([\d,.]+)<", text).group(1).replace(",", ""))
    assert energy == pytest.approx(float(monthly.table["energy_tce"].sum()), abs=0.05)
    assert energy == pytest.approx(float(yearly.table["energy_tce"][0]), abs=0.05)
    assert "gbt32151-2024@1.0.0" in text and "mee-nbs-2025-47@1.0.0" in text  # provenance footnote
    assert "official" in text and "表3 省级电力平均二氧化碳排放因子" in text  # grade and table
    assert "http" not in text.replace("http://www.w3", "")  # self-contained: nothing fetched


def test_summary_report_for_1000_firms(tmp_path: Path) -> None:
    generate(
        tmp_path,
        firms=1000,
        meters_per_firm=1,
        interval="1h",
        year=2024,
        seed=5,
        firms_per_part=250,
    )
    yearly = carbonacct.footprint(
        tmp_path / "readings",
        firms=tmp_path / "firms.csv",
        activity=tmp_path / "activity.csv",
        run=carbonacct.RunOptions(checksum=False),
    )
    firms = pl.read_csv(tmp_path / "firms.csv")
    actuals = yearly.table.select(
        "firm_id",
        pl.lit(2020).alias("year"),
        pl.lit("energy_intensity_va").alias("metric"),
        (pl.col("energy_intensity_tce_per_cny10k") * 1.2).alias("value"),
        pl.lit("tce/万元").alias("unit"),
    )
    check = carbonacct.check(
        firms, footprint=yearly, actuals=actuals, pathways=["cn-industry-2025"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = summary_report(check, path=tmp_path / "summary.html")
    assert len(images(text)) >= 1 and (tmp_path / "summary.html").exists()
    shown = int(re.search(r"data-value='firms'>([\d,]+)<", text).group(1).replace(",", ""))
    assert shown == 1000 == int(check.summary["firms"].sum())
    assert f"Top exceptions ({check.exceptions.height})" in text


def test_report_cli(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            *map(str, SOURCES),
            "--firms",
            str(HERE / "firms.csv"),
            "--firm",
            FIRM,
            "--steam-enthalpy",
            "2780",
            "-o",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert len(images(out.read_text(encoding="utf-8"))) == 2


def test_report_headline_counts_quarterly_and_yearly_readings() -> None:
    """Readings for a quarter or a year are in the yearly figures (the footprint by year),
    only the monthly chart leaves them out; yearly data alone still makes a report."""
    from carbonacct import workflows

    firms = pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]})
    readings = pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "carrier": ["electricity", "diesel"],
            "value": [1000.0, 2.0],
            "unit": ["kWh", "t"],
            "period": ["2024-01", "2024Q1"],
        }
    )
    data = workflows.firm_report_from_readings(readings, firms, "F1")
    # 1000 kWh × 0.1229 kgce/kWh = 0.1229 tce; 2 t diesel × 1.4571 tce/t = 2.9142 tce
    assert data.years["energy_tce"].to_list() == pytest.approx([0.1229 + 2.9142], rel=1e-4)
    yearly = carbonacct.footprint(readings, firms=firms, method=carbonacct.Method(period="year"))
    assert data.footprint.quality.rows_rejected == yearly.quality.rows_rejected == 0
    only_year = readings.filter(pl.col("carrier") == "diesel").with_columns(period=pl.lit("2024"))
    data = workflows.firm_report_from_readings(only_year, firms, "F1")
    assert data.years["energy_tce"].to_list() == pytest.approx([2.9142], rel=1e-4)
    assert "<img" in data.html


def test_report_tables_write_numbers_in_full() -> None:
    """No scientific notation, no lost digits: thousands separated, one decimal from 10 up,
    four significant digits below (a factor of 0.0001229 tce/kWh stays whole)."""
    from carbonacct.reports.html import number, table

    frame = pl.DataFrame({"co2_t": [909_612.34, 1911.12, 0.0001229, 0.5, 0.0]})
    cells = re.findall(r"<td>([^<]*)</td>", table(frame))
    assert cells == ["909,612.3", "1,911.1", "0.0001229", "0.5000", "0.0"]
    assert number(-12_345.67) == "-12,345.7"


def test_green_section_lists_every_unmet_item(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten items short of their points: ten rows in the page's table, none dropped."""
    from types import SimpleNamespace

    from carbonacct.reports import _charts, html

    monkeypatch.setattr(_charts, "green_chart", lambda green, lang: "")
    gap = pl.DataFrame(
        {
            "item_id": [f"L1.{i}" for i in range(10)],
            "name": [f"item {i}" for i in range(10)],
            "points": [0.0] * 10,
            "max_points": [2.0] * 10,
            "points_available": [2.0] * 10,
        }
    )
    green = SimpleNamespace(model="GB/T 36132-2018", verdict=None, gap=gap)
    data = SimpleNamespace(green=green, lang="en")
    page = "".join(html._green_section(data))  # type: ignore[arg-type]
    assert page.count("<tr>") == 1 + 10  # header and one row per unmet item


def test_summary_draws_a_firm_missing_from_the_firms_table(tmp_path: Path) -> None:
    """A firm of the actuals that the firms table lacks has no sector: its bar is labelled, not None."""
    firms = pl.DataFrame(
        {"firm_id": ["91320200MA1KNOWN01"], "name": ["甲厂"], "sector": ["C30"], "province": ["32"]}
    )
    actuals = pl.DataFrame(
        {
            "firm_id": ["91320200MA1KNOWN01", "91320200MA1XXX0133"],
            "year": [2025, 2025],
            "metric": ["energy_tce", "energy_tce"],
            "value": [100.0, 50.0],
            "unit": ["tce", "tce"],
        }
    )
    check = carbonacct.check(firms, actuals=actuals, pathways=["cn-industry-2025"])
    assert None in check.summary["sector"].to_list()
    text = summary_report(check, path=tmp_path / "summary.html")
    assert len(images(text)) >= 1
