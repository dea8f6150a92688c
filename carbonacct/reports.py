"""Reports people read: one self-contained HTML file per firm, and a regulator's summary.

Charts are drawn with matplotlib (Agg) and inlined as PNG, so the file opens
offline; Chinese labels use the WenQuanYi Micro Hei font shipped with the
package (Apache-2.0, see ``carbonacct/_fonts/NOTICE.txt``), so they render on
machines without a CJK font. Every number shown comes from the result objects
passed in; the provenance (factor sets, documents, versions) is the footnote.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.pathways import required_value

__all__ = ["chart_font", "firm_report", "summary_report"]


@cache
def chart_font() -> Any:
    """The CJK font for chart labels, registered with matplotlib once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = str(resources.files("carbonacct") / "_fonts" / "wqy-microhei.ttc")
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams["font.family"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return font_manager.FontProperties(fname=path)


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _figure(title: str) -> tuple[Any, Any]:
    chart_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.set_title(title)
    return fig, ax


def _stacked(frame: pl.DataFrame, value: str, title: str, ylabel: str) -> str:
    """Stacked bars of ``value`` by period, one colour per carrier."""
    fig, ax = _figure(title)
    wide = frame.pivot(on="carrier", index="period", values=value, aggregate_function="sum").sort(
        "period"
    )
    bottom = [0.0] * wide.height
    for carrier in [c for c in wide.columns if c != "period"]:
        heights = wide[carrier].fill_null(0.0).to_list()
        ax.bar(wide["period"].to_list(), heights, bottom=bottom, label=carrier)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))  # outside: never over a bar
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _png(fig)


def _table(frame: pl.DataFrame, digits: int = 4) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.iter_rows():
        cells = []
        for v in row:
            text = "" if v is None else (f"{v:.{digits}g}" if isinstance(v, float) else str(v))
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;max-width:60rem;margin:2rem auto;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;border-bottom:1px solid #ccc;margin-top:2rem}
table{border-collapse:collapse;font-size:.8rem} td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}
th{background:#f3f3f3} img{max-width:100%} .note{font-size:.75rem;color:#555} .kpi span{display:inline-block;
margin-right:2rem} .kpi b{font-size:1.2rem}
"""


def _page(title: str, sections: Iterable[str], provenance: dict[str, Any]) -> str:
    prov = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(str(v))}</li>" for k, v in provenance.items()
    )
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{''.join(sections)}"
        f"<h2>Provenance</h2><ul class='note'>{prov}</ul></body></html>"
    )


def _img(b64: str, alt: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{b64}'>"


def firm_report(
    firm_id: str,
    *,
    monthly: Any,
    check: Any | None = None,
    green: Any | None = None,
    path: str | Path | None = None,
) -> str:
    """One firm's report as a self-contained HTML page.

    Parameters
    ----------
    firm_id : str
    monthly : Footprint
        A footprint by month and carrier (``period="month", by=["carrier"]``).
    check : CheckResult, optional
        Pathway and product results; the firm's intensity is drawn against the
        trajectory each pathway requires, with its target year marked.
    green : GreenScore, optional
        Green-factory score by first-level indicator.
    path : path, optional
        Where to write the file.

    Returns
    -------
    str
        The HTML.
    """
    t = monthly.table.filter(pl.col("firm_id") == firm_id)
    if t.height == 0:
        raise InputError(
            f"No footprint rows for firm {firm_id!r}: check the firm id against the readings.",
            column="firm_id",
            value=firm_id,
        )
    energy, co2 = float(t["energy_tce"].sum()), float(t["co2_t"].sum())
    sections = [
        "<h2>能耗与排放 Energy and CO2</h2><p class='kpi'>"
        f"<span>综合能耗 energy <b data-value='energy_tce'>{energy:,.1f}</b> tce</span>"
        f"<span>CO2 <b data-value='co2_t'>{co2:,.1f}</b> t</span>"
        f"<span>periods {t['period'].min()} – {t['period'].max()}</span></p>",
        _img(
            _stacked(t, "energy_tce", "综合能耗 by carrier and month", "tce"),
            "energy by carrier and month",
        ),
        _img(_stacked(t, "co2_t", "CO2 by carrier and month", "tCO2"), "CO2 by carrier and month"),
    ]
    if check is not None:
        sections += _pathway_section(firm_id, check)
        sections += _product_section(firm_id, check)
    if green is not None:
        fig, ax = _figure(f"绿色工厂评分 green-factory score: {green.score_pct:.1f} %")
        b = green.by_indicator
        ax.barh(b["level1"].to_list(), b["max_points"].to_list(), color="#ddd", label="max")
        ax.barh(b["level1"].to_list(), b["points"].to_list(), color="#2a9d8f", label="points")
        ax.legend(fontsize=8)
        verdict = green.verdict or "score only (no pass mark given)"
        sections += [
            f"<h2>绿色工厂 Green factory ({html.escape(green.model)}): {verdict}</h2>",
            _img(_png(fig), "green-factory score by indicator"),
            _table(
                green.gap.head(8).select(
                    "item_id", "name", "points", "max_points", "points_available"
                )
            ),
        ]
    q = monthly.quality
    sections += [
        f"<h2>数据质量 Quality</h2><p>{html.escape(q.summary()).replace(chr(10), '<br>')}</p>",
        _table(
            monthly.factors_used.select(
                "factor", "carrier", "scope", "value", "unit", "factor_set", "grade", "clause"
            )
        ),
    ]
    html_text = _page(
        f"{firm_id} — carbonacct report",
        sections,
        {
            "factor sets": ", ".join(monthly.provenance["factor_sets"]),
            "method": monthly.provenance["method"]["label"],
            "carbonacct": monthly.provenance["carbonacct"],
            **({"pathways": ", ".join(check.provenance["pathways"])} if check is not None else {}),
            **({"green-factory model": green.provenance["model"]} if green is not None else {}),
        },
    )
    if path is not None:
        Path(path).write_text(html_text, encoding="utf-8")
    return html_text


def _pathway_section(firm_id: str, check: Any) -> list[str]:
    rows = check.results.filter(
        (pl.col("firm_id") == firm_id)
        & pl.col("required").is_not_null()
        & pl.col("base_value").is_not_null()
    )
    out = []
    for r in rows.iter_rows(named=True):
        fig, ax = _figure(f"{r['pathway']}: {r['metric']} ({r['unit']})")
        years = list(range(int(r["base_year"]), int(r["target_year"]) + 1))
        change, interp = _target_of(check, r)
        req = [
            required_value(r["base_value"], change, r["base_year"], r["target_year"], y, interp)
            for y in years
        ]
        ax.plot(years, req, "--", color="#555", label="required 要求")
        ax.plot(
            [r["base_year"], r["check_year"]],
            [r["base_value"], r["actual"]],
            "o-",
            color="#e76f51",
            label="actual 实际",
        )
        ax.axvline(r["target_year"], color="#999", linewidth=0.8)
        ax.annotate(f"target {r['target_year']}", (r["target_year"], req[-1]), fontsize=8)
        ax.legend(fontsize=8)
        out += [
            f"<h2>路径 Pathway {html.escape(r['pathway'])}: {html.escape(r['status'])}</h2>",
            _img(_png(fig), f"{r['pathway']} trajectory"),
            f"<p class='note'>{html.escape(r['rule'] or '')}; {html.escape(r['source_ref'] or '')}</p>",
        ]
    return out


def _target_of(check: Any, row: dict[str, Any]) -> tuple[float, str]:
    """The relative change and interpolation of the target a result row was checked against,
    from the definitions the check carries (so a pathway file of the user's works too)."""
    t = check.targets.filter(pl.col("target_id") == row["target_id"])
    return float(t["value"][0]), str(t["interpolation"][0])


def _product_section(firm_id: str, check: Any) -> list[str]:
    p = check.products.filter(
        (pl.col("firm_id") == firm_id)
        & pl.col("actual").is_not_null()
        & pl.col("level").is_not_null()
    )
    if p.height == 0:
        return []
    fig, ax = _figure("产品能效 products between benchmark 标杆 and baseline 基准")
    for i, r in enumerate(p.iter_rows(named=True)):
        ax.plot([r["benchmark"], r["baseline"]], [i, i], color="#bbb", linewidth=6)
        ax.plot([r["actual"]], [i], "o", color="#e76f51")
        ax.annotate(
            f"{r['actual']:g} {r['unit']} ({r['level']})", (r["actual"], i + 0.15), fontsize=8
        )
    ax.set_yticks(range(p.height), p["product"].to_list())
    return [
        "<h2>标杆/基准 Products</h2>",
        _img(_png(fig), "products against benchmark and baseline"),
        _table(
            p.select(
                "product", "actual", "unit", "benchmark", "baseline", "level", "gb_grade", "status"
            )
        ),
    ]


def summary_report(check: Any, *, path: str | Path | None = None, top: int = 20) -> str:
    """A regulator's summary of a batch check as a self-contained HTML page."""
    sections = []
    s = check.summary
    statuses = [
        c
        for c in ("breach", "off_track", "insufficient_data", "on_track", "not_covered")
        if c in s.columns
    ]
    by_sector = s.group_by("sector").agg(pl.col(statuses).sum()).sort("sector")
    fig, ax = _figure("企业状态 firms by status and sector")
    left = [0] * by_sector.height
    for status in statuses:
        counts = by_sector[status].to_list()
        ax.barh(by_sector["sector"].to_list(), counts, left=left, label=status)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.legend(fontsize=8)
    total = int(s["firms"].sum())
    sections += [
        f"<h2>状态 Status</h2><p class='kpi'><span>firms <b data-value='firms'>{total:,}</b></span>"
        + "".join(
            f"<span>{st} <b data-value='{st}'>{int(s[st].sum()):,}</b></span>" for st in statuses
        )
        + "</p>",
        _img(_png(fig), "firms by status and sector"),
        _table(s),
    ]
    ps = check.product_summary
    if ps.height:
        fig, ax = _figure("标杆产能占比 output share at benchmark vs target")
        labels = [f"{a} {b}" for a, b in zip(ps["product"], ps["sector"], strict=True)]
        ax.barh(
            labels,
            (ps["share_at_benchmark"] * 100).to_list(),
            color="#2a9d8f",
            label="at benchmark %",
        )
        for i, target in enumerate(ps["target_share"].to_list()):
            if target is not None:
                ax.plot([target * 100], [i], "k|", markersize=18)
        ax.legend(fontsize=8)
        levels = (
            check.products.group_by("product", "level")
            .agg(pl.len().alias("firms"))
            .sort("product", "level")
        )
        sections += [
            "<h2>标杆/基准 Products</h2>",
            _img(_png(fig), "share at benchmark"),
            _table(ps.drop("target_source", "basis")),
            _table(levels),
        ]
    sections += [
        f"<h2>例外 Top exceptions ({check.exceptions.height})</h2>",
        _table(check.exceptions.head(top)),
    ]
    html_text = _page(
        "carbonacct — regulator summary",
        sections,
        {
            "year": check.provenance["year"],
            "pathways": ", ".join(check.provenance["pathways"]),
            "benchmarks": ", ".join(check.provenance["benchmarks"]),
        },
    )
    if path is not None:
        Path(path).write_text(html_text, encoding="utf-8")
    return html_text
