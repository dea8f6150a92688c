"""Self-contained HTML pages: a firm's report and a regulator's summary.

Charts are inlined as PNG, so a file opens offline. Every number shown comes
from the results passed in; each headline figure has a footnote naming the
grade, document and clause of the factors behind it, and the provenance
(factor sets, method, versions) closes the page. Words come from the
vocabulary registry (:func:`carbonacct.vocabulary.label`), in English or Chinese.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from typing import Any

import polars as pl

from carbonacct.vocabulary import LABELS, carrier_label, header, label

from . import _charts
from ._charts import status_words
from ._format import half_up
from ._model import HEADLINE, ReportData, target_of
from ._webfont import font_face

__all__ = ["render_firm", "render_summary"]

_CSS = """
body{font-family:"carbonacct-cjk","Microsoft YaHei","PingFang SC",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;border-bottom:1px solid #ccc;margin-top:2rem}
.tw{max-width:100%;overflow-x:auto} table{border-collapse:collapse;font-size:.8rem;max-width:100%}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:right} td{white-space:nowrap}
th{background:#f3f3f3;white-space:normal;vertical-align:bottom} td.t,th.t{text-align:left} td.t{white-space:normal}
img{max-width:100%} .note{font-size:.75rem;color:#555} .kpi span{display:inline-block;
margin-right:2rem} .kpi b{font-size:1.2rem} td.t{min-width:4rem;max-width:26rem}
td.st{white-space:nowrap;padding-left:.7rem} td.w{min-width:14rem} body.wide{max-width:76rem} .kpi i{display:inline-block;width:.8rem;height:.8rem;
margin-right:.3rem;vertical-align:-.05rem} div.tw{margin-bottom:.8rem}
"""
#: A status cell carries its colour as a bar on its left edge (the colours of the charts).
_STATUS_CSS = "".join(
    f"td.st-{s}{{box-shadow:inset .35rem 0 0 {c}}} i.st-{s}{{background:{c}}}"
    for s, c in _charts.STATUS_COLOURS.items()
)
#: Columns of sentences: wide enough to read in a few lines, not one word per line.
_LONG_TEXT = ("reason", "missing")
#: Columns written to two decimals (points, 0.01 as GB/T 36132 scores are read).
_TWO_DECIMALS = ("points", "max_points", "points_available")


def _header(name: str, lang: str) -> str:
    """A header for people: a word and its unit (``Energy (tce)``, ``综合能耗 (tce)``)."""
    return header(name, lang)


def number(value: float) -> str:
    """A figure as the page writes it: thousands separated, one decimal from 10 up, four
    significant digits below, never in scientific notation.

    >>> number(909612.34), number(1911.12), number(0.0001229)
    ('909,612.3', '1,911.1', '0.0001229')
    """
    if value == 0 or not math.isfinite(value) or abs(value) >= 10:
        return half_up(value, 1, thousands=True)
    return half_up(value, max(4, 3 - math.floor(math.log10(abs(value)))))


def _text(value: Any, column: str, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return half_up(value, 2, thousands=True) if column in _TWO_DECIMALS else number(value)
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if column == "status":
        return status_words(str(value), lang)
    if column == "level":
        return label(str(value), lang)
    if column == "metric":  # in words; its unit is in the unit column
        return header(str(value), lang).split(" (")[0]
    if column == "carrier":
        return carrier_label(str(value), lang)
    return str(value)


def _align(column: str, numeric: set[str]) -> str:
    return "" if column in numeric else " class='t'"


def _cell(value: Any, column: str, lang: str, numeric: set[str], statuses: set[str]) -> str:
    """A cell: text left, numbers right; a status in its words with its colour."""
    if column in statuses and value in _charts.STATUS_COLOURS:
        text = status_words(str(value), lang)
        return f"<td class='t st st-{value}'>{html.escape(text)}</td>"
    if column in _LONG_TEXT:
        return f"<td class='t w'>{html.escape(_text(value, column, lang))}</td>"
    return f"<td{_align(column, numeric)}>{html.escape(_text(value, column, lang))}</td>"


def table(
    frame: pl.DataFrame,
    lang: str = "en",
    marks: dict[str, int] | None = None,
    statuses: Iterable[str] = ("status",),
) -> str:
    """An HTML table that keeps inside the page (it scrolls sideways, never past the margin);
    headers are words with units, text left-aligned, numbers right-aligned, the ``statuses``
    columns in words with their colour; ``marks`` puts a footnote number on a column's header."""
    marks = marks or {}
    status_cols = set(statuses)
    numeric = {c for c, t in frame.schema.items() if t.is_numeric()}
    head = "".join(
        f"<th{_align(c, numeric)}>{html.escape(_header(c, lang))}"
        + (f"<sup>[{marks[c]}]</sup>" if c in marks else "")
        + "</th>"
        for c in frame.columns
    )
    rows = [
        "<tr>"
        + "".join(
            _cell(v, c, lang, numeric, status_cols) for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.iter_rows()
    ]
    return (
        f"<div class='tw'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def page(
    title: str, sections: Iterable[str], provenance: dict[str, Any], lang: str, wide: bool = False
) -> str:
    """The self-contained page; ``wide``: as wide as a 1280 px window allows (a regulator's
    tables), else a reading width."""
    prov = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(str(v))}</li>" for k, v in provenance.items()
    )
    body = (
        f"<h1>{html.escape(title)}</h1>{''.join(sections)}"
        f"<h2>{label('provenance', lang)}</h2><ul class='note'>{prov}</ul>"
    )
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", title + body)
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{font_face(text)}{_CSS}{_STATUS_CSS}</style></head>"
        f"<body{' class=wide' if wide else ''}>{body}</body></html>"
    )


def img(b64: str, alt: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{b64}'>"


def _kpis(data: ReportData, marks: dict[str, int]) -> str:
    """The latest year's figures, each with its footnote number."""
    latest = data.years.tail(1).row(0, named=True)
    spans = []
    for name in HEADLINE:
        value = latest.get(name)
        if value is None:
            continue
        text = number(value)
        spans.append(
            f"<span>{html.escape(header(name, data.lang))} "
            f"<b data-value='{name}'>{text}</b><sup>[{marks[name]}]</sup>"
            f"{_target_beside(data, name, latest['period'])}</span>"
        )
    return f"<p class='kpi'>{latest['period']}: {''.join(spans)}</p>"


#: The pathway metric a headline intensity is checked as.
_CHECKED_AS = {
    "energy_intensity_tce_per_cny10k": "energy_intensity_va",
    "co2_intensity_t_per_cny10k": "co2_intensity_va",
}


def _target_beside(data: ReportData, name: str, period: Any) -> str:
    """`` (cn-industry-2025 target 0.692, below the path)``: the requirement of the year
    checked by each pathway, if any."""
    if data.check is None or name not in _CHECKED_AS:
        return ""
    r = data.check.results
    rows = r.filter(
        (pl.col("firm_id") == data.firm_id)
        & (pl.col("metric") == _CHECKED_AS[name])
        & (pl.col("check_year").cast(pl.String) == str(period))
        & pl.col("required").is_not_null()
    )
    if rows.height == 0:
        return ""
    parts = [
        f"{x['pathway']} {label('target', data.lang)} {number(x['required'])}, "
        f"{status_words(str(x['status']), data.lang)}"
        for x in rows.sort("target_id").iter_rows(named=True)
    ]
    return f" <small>({html.escape('; '.join(parts))})</small>"


def _per_product_section(data: ReportData) -> list[str]:
    """Energy and CO2 per unit of product, by year, from the activity's output."""
    p = data.products
    if p is None or p.height == 0:
        return []
    unit = pl.col("output_unit").fill_null("?")
    shown = p.select(
        "period",
        "product",
        "output",
        pl.col("output_unit").alias("unit"),
        "energy_per_output_kgce",
        ("kgce/" + unit).alias("energy_unit"),
        "co2_per_output_t",
        ("tCO2/" + unit).alias("co2_unit"),
    ).sort("period", "product")
    return [f"<h3>{label('per_product', data.lang)}</h3>", table(shown, data.lang)]


def years_table(data: ReportData, marks: dict[str, int]) -> str:
    """The figures by year, one row per figure and one column per year (so the table keeps
    its width however many figures), and the latest change on the year before [%]."""
    years, lang = data.years, data.lang
    periods = [str(p) for p in years["period"]]
    change = years.height >= 2
    head = f"<th class='t'>{html.escape(header('figure', lang))}</th>" + "".join(
        f"<th>{html.escape(p)}</th>" for p in periods
    )
    if change:
        head += f"<th>{html.escape(label('yoy', lang))} (%)</th>"
    rows = []
    for name in (c for c in HEADLINE if c in years.columns):
        cells = [f"<td>{html.escape(_text(v, name, lang))}</td>" for v in years[name]]
        if change:
            cells.append(
                f"<td>{html.escape(_text(years[f'{name}_change_pct'][-1], '', lang))}</td>"
            )
        mark = f"<sup>[{marks[name]}]</sup>" if name in marks else ""
        rows.append(
            f"<tr><td class='t'>{html.escape(header(name, lang))}{mark}</td>{''.join(cells)}</tr>"
        )
    return (
        f"<div class='tw'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _energy_section(data: ReportData, marks: dict[str, int]) -> list[str]:
    lang, t = data.lang, data.monthly
    out = [f"<h2>{label('energy_and_co2', lang)}</h2>", _kpis(data, marks)]
    out += [f"<h3>{label('by_year', lang)}</h3>", years_table(data, marks)]
    if data.years.height < 2:
        out.append(f"<p class='note'>{label('no_earlier_year', lang)}</p>")
    out += _per_product_section(data)
    out += [
        img(
            _charts.stacked(t, "energy_tce", label("energy_by_month", lang), "tce", lang),
            "energy by carrier and month",
        ),
        img(
            _charts.stacked(t, "co2_t", label("co2_by_month", lang), "tCO2", lang),
            "CO2 by carrier and month",
        ),
    ]
    return out


def _pathway_section(data: ReportData) -> list[str]:
    check, lang = data.check, data.lang
    rows = check.results.filter(
        (pl.col("firm_id") == data.firm_id)
        & pl.col("required").is_not_null()
        & pl.col("base_value").is_not_null()
    )
    # one chart per target: the latest year checked (the chart runs from the base year to it)
    rows = rows.sort("check_year").unique("target_id", keep="last", maintain_order=True)
    out = _no_pathway(check, data.firm_id, lang) if rows.height == 0 else []
    for r in rows.sort("target_id").iter_rows(named=True):
        change, interp = target_of(check, r)
        out += [
            f"<h2>{label('pathway_section', lang)} {html.escape(r['pathway'])}, "
            f"{html.escape(header(r['metric'], lang))}, {r['check_year']}: "
            f"{html.escape(status_words(r['status'], lang))}</h2>",
            img(_charts.pathway_chart(r, change, interp, lang), f"{r['pathway']} trajectory"),
            f"<p class='note'>{html.escape(r['rule'] or '')}; "
            f"{html.escape(r['source_ref'] or '')}</p>",
        ]
    return out


def _no_pathway(check: Any, firm_id: str, lang: str) -> list[str]:
    """Why the page draws no pathway: the statuses of the firm's pathway rows, and what to give."""
    mine = check.results.filter(pl.col("firm_id") == firm_id)
    statuses = sorted({status_words(str(s), lang) for s in mine["status"].drop_nulls()})
    missing = sorted({str(m) for m in mine["missing"].drop_nulls()}) if "missing" in mine else []
    said = "; ".join(statuses + missing) or label("none", lang)
    return [
        f"<h2>{label('pathway_section', lang)}</h2>",
        f"<p class='note'>{html.escape(label('no_pathway', lang).format(said))}</p>",
    ]


def _product_section(data: ReportData) -> list[str]:
    p = data.check.products.filter(
        (pl.col("firm_id") == data.firm_id)
        & pl.col("actual").is_not_null()
        & pl.col("level").is_not_null()
    )
    if p.height == 0:
        return []
    columns = ("product", "actual", "unit", "benchmark", "baseline", "level", "gb_grade", "status")
    return [
        f"<h2>{label('products', data.lang)}</h2>",
        img(_charts.product_chart(p, data.lang), "products against benchmark and baseline"),
        table(p.select(columns), data.lang),
    ]


def verdict(green: Any, lang: str) -> str:
    """The green-factory verdict in words, naming the pass mark and the weights and who
    supplied them (GB/T 36132 ships neither a pass mark nor every weight)."""
    prov = getattr(green, "provenance", None) or {}
    mark, source = prov.get("pass_mark"), prov.get("pass_mark_source")
    score = getattr(green, "score_pct", None)
    said = f"{score:.1f} %" if score is not None else ""
    withheld = getattr(green, "verdict_withheld", None)  # an incomplete footprint: say why
    if withheld:
        text = f"{label('verdict_withheld', lang)} ({withheld}) {said}"
    elif green.verdict is None or mark is None:
        text = f"{label('score_only', lang)} {said}"
    else:
        word = label("pass" if green.verdict == "PASS" else "fail", lang)
        text = f"{word}: {said} {label('against_pass_mark', lang)} {mark:g} % ({source})"
    origins = getattr(green, "weight_origins", None)
    if origins is not None and origins.height:
        parts = [
            f"{half_up(r['points'], 2)} {label('points_unit', lang)}: "
            f"{label('weights_user' if str(r['weight_source']).startswith('user') else 'weights_shipped', lang)}"
            f" ({r['weight_source']})"
            for r in origins.iter_rows(named=True)
        ]
        text += f"; {label('weights', lang)}: " + "; ".join(parts)
    return text


def _green_section(data: ReportData) -> list[str]:
    green, lang = data.green, data.lang
    word = green.verdict if green.verdict is None else label(green.verdict.lower(), lang)
    return [
        f"<h2>{label('green_factory', lang)} ({html.escape(green.model)})"
        f"{': ' + html.escape(word) if word else ''}</h2>",
        f"<p>{html.escape(verdict(green, lang))}</p>",
        img(_charts.green_chart(green, lang), "green-factory score by indicator"),
        table(
            green.gap.select("item_id", "name", "points", "max_points", "points_available"),
            lang,
        ),
    ]


def quality_text(quality: Any, lang: str) -> list[str]:
    """The quality report in sentences: rows in, accounted and rejected, each reason and note
    in words, and the warnings."""
    from ._reasons import reason_words

    lines = [
        label("rows_balance", lang).format(
            quality.rows_in, quality.rows_accounted, quality.rows_rejected
        )
    ]
    for reason, n in sorted(quality.rejected_by_reason.items(), key=lambda kv: -kv[1]):
        lines.append(label("rows_rejected_because", lang).format(n, reason_words(reason, lang)))
    for note, n in sorted(quality.notes.items()):
        lines.append(
            label(f"note_{note}", lang).format(n) if f"note_{note}" in LABELS else f"{n}: {note}"
        )
    lines += [f"{label('warning', lang)}: {w}" for w in quality.warnings]
    return lines


def _quality_section(data: ReportData) -> list[str]:
    fp, lang = data.footprint, data.lang
    columns = ("factor", "carrier", "scope", "value", "unit", "factor_set", "grade", "clause")
    lines = "".join(f"<li>{html.escape(x)}</li>" for x in quality_text(fp.quality, lang))
    return [
        f"<h2>{label('quality', lang)}</h2><ul>{lines}</ul>",
        f"<h3>{label('factors', lang)}</h3>",
        table(fp.factors_used.select(columns), lang),
    ]


def render_firm(data: ReportData) -> str:
    """The HTML page of a firm's :class:`ReportData`."""
    lang = data.lang
    marks = {name: i for i, name in enumerate(data.notes, start=1)}
    sections = _energy_section(data, marks)
    if data.check is not None:
        sections += _pathway_section(data) + _product_section(data)
    if data.green is not None:
        sections += _green_section(data)
    sections += _quality_section(data)
    sections.append(
        f"<h2>{label('notes', lang)}</h2><ol class='note'>"
        + "".join(f"<li>{html.escape(n)}</li>" for n in data.notes.values())
        + "</ol>"
    )
    prov = data.footprint.provenance
    record = {
        "firm_id": data.firm_id,
        "factor sets": ", ".join(prov["factor_sets"]),
        "method": prov["method"]["label"],
        "carbonacct": prov["carbonacct"],
    }
    if "config" in prov:
        record["config"] = prov["config"]
    if data.check is not None:
        record["pathways"] = ", ".join(data.check.provenance["pathways"])
    if data.green is not None:
        record["green-factory model"] = data.green.provenance["model"]
    who = f"{data.name} ({data.firm_id})" if data.name else data.firm_id
    title = f"{who} — {label('report_title', lang)}"
    return page(title, sections, record, lang)


def render_summary(check: Any, *, lang: str = "en", top: int = 50) -> str:
    """A regulator's summary of a batch check: firms by status, one row per firm worst
    first, the firms to follow up for their data, each firm's status by year, counts by
    sector and place, products, exceptions, and the quality of the data behind it (rows in
    = accounted + rejected, by reason). A long list shows its first ``top`` rows and says how
    many more the check's tables hold."""
    from . import _summary

    quality = _summary.quality_of_check(check)
    sections = [
        *_summary.status_section(check, lang),
        *_summary.firms_section(check, lang, top),
        *_summary.follow_up_section(check, lang, top),
        *_summary.history_section(check, lang, top),
        *_summary.places_section(check, lang, top),
        *_summary.products_section(check, lang),
        *_summary.exceptions_section(check, lang, top),
        *_summary.quality_section(check, quality, lang),
    ]
    record = {
        "year": check.provenance["year"],
        "pathways": ", ".join(check.provenance["pathways"]),
        "benchmarks": ", ".join(check.provenance["benchmarks"]),
        **({"config": check.provenance["config"]} if "config" in check.provenance else {}),
        **_summary.quality_record(check, quality),
    }
    return page(f"carbonacct — {label('summary_title', lang)}", sections, record, lang, wide=True)
