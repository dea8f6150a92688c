"""The parts of the regulator's summary page: firms by status (in words, sectors named,
columns for people) and the quality of the data behind the check."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from carbonacct.vocabulary import label

from . import _charts
from .html import img, quality_text, status_words, table

__all__ = ["for_people", "quality_of_check", "quality_record", "quality_section", "status_section"]

#: A code column dropped from a page when the column of its name is there.
_CODE_OF_NAME = {"province": "province_name", "city_code": "city"}
_QUALITY_COLUMNS = (
    "firm_id",
    "name",
    "report_year",
    "data_complete",
    "rows_rejected",
    "rows_co2_missing",
)


def for_people(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` as a page shows it: a place by its name only (``province_name`` shown as
    the province), columns empty on every row left out."""
    drop = [c for c, name in _CODE_OF_NAME.items() if c in frame.columns and name in frame.columns]
    out = frame.drop(drop)
    if "province_name" in out.columns:
        out = out.rename({"province_name": "province"})
    if out.height:
        out = out.select(c for c in out.columns if out[c].null_count() < out.height)
    return out


def status_section(check: Any, lang: str) -> list[str]:
    """Firms per status: the counts in words, a chart by sector, the table by sector and place."""
    from carbonacct.compliance import STATUSES

    s = check.summary
    # every status some firm has, worst first (an empty one is no bar and no legend entry)
    statuses = [c for c in STATUSES if c in s.columns and int(s[c].sum()) > 0]
    names = [pl.col("sector_name").first()] if "sector_name" in s.columns else []
    # a firm missing from the firms table has no sector: its bar is named, not None
    named = s.with_columns(pl.col("sector").fill_null(label("not_in_firms", lang)))
    by_sector = named.group_by("sector").agg(*names, pl.col(statuses).sum()).sort("sector")
    total = int(s["firms"].sum())
    kpis = "".join(
        f"<span>{html.escape(status_words(st, lang))} "
        f"<b data-value='{st}'>{int(s[st].sum()):,}</b></span>"
        for st in statuses
    )
    return [
        f"<h2>{label('status_section', lang)}</h2><p class='kpi'><span>{label('firms', lang)} "
        f"<b data-value='firms'>{total:,}</b></span>{kpis}</p>",
        img(_charts.status_chart(by_sector, statuses, lang), "firms by status and sector"),
        table(for_people(s), lang),
    ]


def quality_of_check(check: Any) -> Any:
    """The quality report of the footprint behind ``check`` (None when it was given none)."""
    from carbonacct.quality import QualityReport

    record = (check.provenance.get("footprint") or {}).get("quality")
    return QualityReport.from_record(record) if record else None


def _incomplete(check: Any) -> pl.DataFrame:
    """The firms whose data are incomplete: rows rejected, CO2 missing, or not complete."""
    f = check.firms
    flags = [
        pl.col(c).fill_null(0) > 0 for c in ("rows_rejected", "rows_co2_missing") if c in f.columns
    ]
    if "data_complete" in f.columns:
        flags.append(pl.col("data_complete").not_().fill_null(False))
    if not flags:
        return f.head(0)
    return f.filter(pl.any_horizontal(flags)).select(c for c in _QUALITY_COLUMNS if c in f.columns)


def quality_section(check: Any, quality: Any, lang: str, top: int) -> list[str]:
    """Rows in = accounted + rejected by reason, the notes and warnings (gaps among them),
    rows without a CO2 factor, and the firms whose data are incomplete."""
    lines = quality_text(quality, lang) if quality is not None else []
    co2_missing = (
        int(check.firms["rows_co2_missing"].fill_null(0).sum())
        if ("rows_co2_missing" in check.firms.columns)
        else 0
    )
    if co2_missing:
        lines.append(label("note_co2_missing", lang).format(co2_missing))
    incomplete = _incomplete(check)
    lines.append(label("firms_incomplete_line", lang).format(incomplete.height, check.firms.height))
    out = [
        f"<h2>{label('quality', lang)}</h2><ul>"
        + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        + "</ul>"
    ]
    if incomplete.height:
        out += [f"<h3>{label('incomplete_title', lang)}</h3>", table(incomplete.head(top), lang)]
    return out


def quality_record(check: Any, quality: Any) -> dict[str, str]:
    """The quality in the page's provenance: the row balance and rejects by reason code."""
    if quality is None:
        return {}
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(quality.rejected_by_reason.items()))
    rows = (
        f"rows in {quality.rows_in} = accounted {quality.rows_accounted} "
        f"+ rejected {quality.rows_rejected}" + (f" ({reasons})" if reasons else "")
    )
    return {"quality": rows, "firms with incomplete data": str(_incomplete(check).height)}
