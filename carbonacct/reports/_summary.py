"""The sections of the regulator's summary page, each drawn from a frame of the check (the
tables its terminal and workbook outputs show, never computed again here): firms by status,
one row per firm worst first, the firms to follow up for their data, the status of each year,
counts by sector and place, products, exceptions, and the quality of the data behind it.

A long list shows its first ``top`` rows and says how many more the check's tables hold: a
page of thousands of firms stays small, and nothing is cut without a line saying so."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from carbonacct.benchmarks import product_label
from carbonacct.vocabulary import label

from . import _charts
from .html import img, quality_text, status_words, table

__all__ = [
    "exceptions_section",
    "firms_section",
    "follow_up_section",
    "for_people",
    "history_section",
    "places_section",
    "products_section",
    "quality_of_check",
    "quality_record",
    "quality_section",
    "status_section",
]

#: A code column dropped from a page when the column of its name is there.
_CODE_OF_NAME = {"province": "province_name", "city_code": "city"}
#: The ranked firm table as the page shows it (the others are in the workbook).
_FIRM_COLUMNS = (
    "firm_id",
    "name",
    "sector",
    "sector_name",
    "province",
    "province_name",
    "city",
    "report_year",
    "status",
    "reason",
    "energy_tce",
    "data_complete",
)
#: The exception columns a page shows first.
_EXCEPTION_FIRST = (
    "firm_id",
    "name",
    "status",
    "rule_id",
    "metric",
    "product",
    "check_year",
    "actual",
    "required",
    "unit",
    "gap_rel",
    "missing",
)
#: At most this many sectors are drawn (the table holds every one).
_CHART_SECTORS = 30


def for_people(frame: pl.DataFrame, lang: str = "en") -> pl.DataFrame:
    """``frame`` as a page shows it: a place by its name only (``province_name`` shown as
    the province), a sector as its code and short name in one column, a product and its
    metric by their names (:func:`carbonacct.benchmarks.product_label`), columns empty on
    every row left out."""
    drop = [c for c, name in _CODE_OF_NAME.items() if c in frame.columns and name in frame.columns]
    out = frame.drop(drop)
    if "province_name" in out.columns:
        out = out.rename({"province_name": "province"})
    if {"sector", "sector_name"} <= set(out.columns):
        named = [
            _charts.sector_label(c, n) if c is not None else None
            for c, n in zip(out["sector"], out["sector_name"], strict=True)
        ]
        out = out.with_columns(pl.Series("sector", named, dtype=pl.String)).drop("sector_name")
    out = _products_named(out, lang)
    if out.height:
        out = out.select(c for c in out.columns if out[c].null_count() < out.height)
    return out


def _products_named(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Product and metric codes as people's names (machine formats keep the codes)."""
    from carbonacct.benchmarks import indicator_label, product_label

    out = frame
    products = frame["product"].to_list() if "product" in frame.columns else None
    if "metric" in frame.columns:
        pairs = zip(frame["metric"], products or [None] * frame.height, strict=True)
        names = [None if m is None else indicator_label(m, p, lang) for m, p in pairs]
        out = out.with_columns(pl.Series("metric", names, dtype=pl.String))
    if products is not None:
        names = [None if p is None else product_label(p, lang) for p in products]
        out = out.with_columns(pl.Series("product", names, dtype=pl.String))
    return out


def _more(shown: int, total: int, what: str, sheet: str, lang: str) -> list[str]:
    """The line under a list cut to its first rows: how many more, and where they are."""
    if total <= shown:
        return []
    where = label("where_firms", lang) if sheet == "firms" else label("where_sheet", lang)
    text = label("more_rows", lang).format(
        shown, total, label(f"rows_of_{what}", lang), total - shown, where.format(sheet)
    )
    return [f"<p class='note more'>{html.escape(text)}</p>"]


def _capped(
    frame: pl.DataFrame, top: int, what: str, sheet: str, lang: str, **kw: Any
) -> list[str]:
    """The first ``top`` rows of ``frame`` as a table, and the line saying how many more."""
    return [
        table(frame.head(top), lang, **kw),
        *_more(min(top, frame.height), frame.height, what, sheet, lang),
    ]


def _sentence(key: str, lang: str, *args: Any) -> str:
    return f"<p class='note'>{html.escape(label(key, lang).format(*args))}</p>"


def status_section(check: Any, lang: str) -> list[str]:
    """Firms per status: the counts in words with their colours, and a chart by sector."""
    from carbonacct.compliance import STATUSES

    s = check.summary
    # every status some firm has, worst first (an empty one is no bar and no legend entry)
    statuses = [c for c in STATUSES if c in s.columns and int(s[c].sum()) > 0]
    total = int(s["firms"].sum()) if "firms" in s.columns else 0
    kpis = "".join(
        f"<span><i class='st-{st}'></i>{html.escape(status_words(st, lang))} "
        f"<b data-value='{st}'>{int(s[st].sum()):,}</b></span>"
        for st in statuses
    )
    out = [
        f"<h2>{label('status_section', lang)}</h2><p class='kpi'><span>{label('firms', lang)} "
        f"<b data-value='firms'>{total:,}</b></span>{kpis}</p>"
    ]
    if total == 0 or not statuses:
        return [*out, _sentence("no_status_chart", lang)]
    names = [pl.col("sector_name").first()] if "sector_name" in s.columns else []
    # a firm missing from the firms table has no sector: its bar is named, not None
    named = s.with_columns(pl.col("sector").fill_null(label("not_in_firms", lang)))
    by_sector = (
        named.group_by("sector")
        .agg(*names, pl.col(statuses).sum(), pl.col("firms").sum().alias("_n"))
        .sort(pl.col("_n"), "sector", descending=[True, False])
    )
    out.append(
        img(
            _charts.status_chart(by_sector.head(_CHART_SECTORS), statuses, lang),
            "firms by status and sector",
        )
    )
    if by_sector.height > _CHART_SECTORS:
        out.append(
            _sentence("sectors_left_out", lang, _CHART_SECTORS, by_sector.height - _CHART_SECTORS)
        )
    return out


def firms_section(check: Any, lang: str, top: int) -> list[str]:
    """One row per firm, worst first (the check's firm table, in its order), names not codes."""
    f = check.firms
    shown = for_people(f.head(top).select(c for c in _FIRM_COLUMNS if c in f.columns), lang)
    ranked = shown.with_columns(pl.int_range(1, shown.height + 1).alias("rank")).select(
        "rank", *shown.columns
    )
    return [
        f"<h2>{label('firms_ranked', lang)}</h2>",
        table(ranked, lang),
        *_more(shown.height, f.height, "firms", "firms", lang),
    ]


def follow_up_section(check: Any, lang: str, top: int) -> list[str]:
    """The firms whose status rests on refused, missing or incomplete data (the check's
    follow-up list), worst first."""
    follow = check.follow_up()
    out = [f"<h2>{label('follow_up_title', lang)} ({follow.height:,})</h2>"]
    if follow.height == 0:
        return [*out, _sentence("follow_up_none", lang)]
    return out + _capped(for_people(follow, lang), top, "firms", "firms", lang)


def history_section(check: Any, lang: str, top: int) -> list[str]:
    """Each firm's status in each year checked, one column per year, in the ranked order
    (the firm table's ``history``: ``2021 on_track; 2022 breach``)."""
    f = check.firms
    out = [f"<h2>{label('history_title', lang)}</h2>"]
    if "history" not in f.columns or f["history"].null_count() == f.height:
        return [*out, _sentence("history_none", lang)]
    shown = f.head(top).select("firm_id", "name", "history").with_row_index("_order")
    pairs = (
        shown.with_columns(pl.col("history").str.split("; "))
        .explode("history")
        .drop_nulls("history")
        .with_columns(
            pl.col("history").str.split_exact(" ", 1).struct.rename_fields(["year", "status"])
        )
        .unnest("history")
    )
    wide = (
        pairs.pivot(
            on="year", index=["_order", "firm_id", "name"], values="status", sort_columns=True
        )
        .sort("_order")
        .drop("_order")
    )
    years = [c for c in wide.columns if c not in ("firm_id", "name")]
    grid = shown.select("firm_id", "name").join(wide, on=["firm_id", "name"], how="left")
    return [
        *out,
        table(
            grid.select(c for c in grid.columns if grid[c].null_count() < grid.height),
            lang,
            statuses=years,
        ),
        *_more(shown.height, f.height, "firms", "firms", lang),
    ]


def places_section(check: Any, lang: str, top: int) -> list[str]:
    """Firms per status by sector, province and city (the check's summary), the statuses no
    firm has left out."""
    from carbonacct.compliance import STATUSES

    s = check.summary
    empty = [c for c in STATUSES if c in s.columns and int(s[c].sum()) == 0]
    return [
        f"<h2>{label('by_place_title', lang)}</h2>",
        *_capped(for_people(s.drop(empty), lang), top, "groups", "summary", lang),
    ]


def products_section(check: Any, lang: str) -> list[str]:
    """Output share at 标杆 per product and sector against the target, and firms per level;
    no chart when no output is at its 标杆."""
    ps = check.product_summary
    if ps.height == 0:
        return []
    levels = (
        check.products.group_by("product", "level")
        .agg(pl.len().alias("firms"))
        .sort("product", "level", nulls_last=True)
    )
    chart = _charts.share_chart(ps, lang)
    shown = img(chart, "share at benchmark") if chart else _sentence("no_share_chart", lang)
    return [
        f"<h2>{label('products', lang)}</h2>",
        shown,
        *_no_share(_charts.share_rows(ps)[1], lang),
        table(for_people(ps.drop("target_source", "basis"), lang), lang),
        table(for_people(levels, lang), lang),
    ]


def _no_share(left_out: pl.DataFrame, lang: str) -> list[str]:
    """A sentence naming the products and sectors with no output given (no share, no bar)."""
    if left_out.height == 0:
        return []
    names = "、".join if lang == "zh" else ", ".join
    which = names(
        f"{product_label(p, lang)} {s or ''}".strip()
        for p, s in zip(left_out["product"], left_out["sector"], strict=True)
    )
    return [_sentence("no_share_bar", lang, which)]


def exceptions_section(check: Any, lang: str, top: int) -> list[str]:
    """The rules to follow up in each firm's report year, binding breaches first (the
    check's exceptions), places and sectors by name from the firm table."""
    e = check.exceptions
    names = [c for c in ("province_name", "city", "sector_name") if c in check.firms.columns]
    shown = e.head(top).join(
        check.firms.select("firm_id", *names), on="firm_id", how="left", maintain_order="left"
    )
    # what was found first, where the firm is last (a wide table scrolls to it)
    first = [c for c in _EXCEPTION_FIRST if c in shown.columns]
    shown = shown.select(*first, *(c for c in shown.columns if c not in first))
    return [
        f"<h2>{label('top_exceptions', lang)} ({e.height:,})</h2>",
        table(for_people(shown, lang), lang),
        *_more(shown.height, e.height, "exceptions", "exceptions", lang),
    ]


def quality_of_check(check: Any) -> Any:
    """The quality report of the footprint behind ``check`` (None when it was given none)."""
    from carbonacct.quality import QualityReport

    record = (check.provenance.get("footprint") or {}).get("quality")
    return QualityReport.from_record(record) if record else None


def quality_section(check: Any, quality: Any, lang: str) -> list[str]:
    """Rows in = accounted + rejected by reason, the notes and warnings (gaps among them),
    rows without a CO2 factor, and how many firms have incomplete data (listed under
    follow-up)."""
    lines = quality_text(quality, lang) if quality is not None else []
    co2_missing = (
        int(check.firms["rows_co2_missing"].fill_null(0).sum())
        if ("rows_co2_missing" in check.firms.columns)
        else 0
    )
    if co2_missing:
        lines.append(label("note_co2_missing", lang).format(co2_missing))
    incomplete = _incomplete(check)
    lines.append(label("firms_incomplete_line", lang).format(incomplete, check.firms.height))
    return [
        f"<h2>{label('quality', lang)}</h2><ul>"
        + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        + "</ul>"
    ]


def _incomplete(check: Any) -> int:
    """How many firms have incomplete data in their report year (each is on the follow-up
    list)."""
    from carbonacct.compliance._summary import data_incomplete

    return check.firms.filter(data_incomplete(check.firms)).height


def quality_record(check: Any, quality: Any) -> dict[str, str]:
    """The quality in the page's provenance: the row balance and rejects by reason code."""
    if quality is None:
        return {}
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(quality.rejected_by_reason.items()))
    rows = (
        f"rows in {quality.rows_in} = accounted {quality.rows_accounted} "
        f"+ rejected {quality.rows_rejected}" + (f" ({reasons})" if reasons else "")
    )
    return {"quality": rows, "firms with incomplete data": str(_incomplete(check))}
