"""The firm's report as a PDF, laid out with fpdf2 (pure Python: ``pip install carbonacct[pdf]``).

The same :class:`ReportData` as the HTML page: headline figures with their
footnotes, the figures by year with the change on the year before, the charts,
the quality report, the sources and grades, the provenance. Text is set in the
WenQuanYi Micro Hei font shipped with the package (embedded, subset by fpdf2),
so Chinese prints on any machine. Equal input gives equal bytes (the creation
date is fixed).
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from carbonacct.errors import InputError
from carbonacct.vocabulary import label

from . import _charts
from ._model import HEADLINE, ReportData

__all__ = ["render_pdf"]

_FONT = "wqy"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def verdict_word(green: Any, lang: str) -> str:
    """PASS or FAIL, else why there is none: withheld (an incomplete footprint) or no pass mark."""
    if green.verdict:
        return str(green.verdict)
    withheld = getattr(green, "verdict_withheld", None)
    return label("verdict_withheld" if withheld else "score_only", lang)


def _document() -> Any:
    try:
        from fpdf import FPDF
    except ImportError:
        raise InputError(
            "a .pdf report needs fpdf2: pip install 'carbonacct[pdf]' (or write .html and "
            "print it from a browser)."
        ) from None
    pdf = FPDF()
    pdf.set_creation_date(_EPOCH)
    pdf.add_font(_FONT, fname=str(resources.files("carbonacct") / "_fonts" / "wqy-microhei.ttc"))
    pdf.set_font(_FONT, size=10)
    pdf.add_page()
    return pdf


def _heading(pdf: Any, text: str, size: int = 13) -> None:
    pdf.set_font(_FONT, size=size)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=9)


def _text(pdf: Any, text: str, size: int = 9) -> None:
    pdf.set_font(_FONT, size=size)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def _image(pdf: Any, b64: str) -> None:
    pdf.image(io.BytesIO(base64.b64decode(b64)), w=pdf.epw)


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        from .html import number

        return number(value)
    return str(value)


def _years(pdf: Any, data: ReportData, marks: dict[str, int]) -> None:
    """One line per year and figure: value, change on the year before, footnote."""
    lang = data.lang
    for row in data.years.iter_rows(named=True):
        for name in HEADLINE:
            if row.get(name) is None:
                continue
            change = row.get(f"{name}_change_pct")
            shown = label(name, lang) if lang == "zh" else name
            extra = f"  ({label('yoy', lang)} {change:+.1f} %)" if change is not None else ""
            _text(pdf, f"{row['period']}  {shown}: {_number(row[name])}{extra}  [{marks[name]}]")
    if data.years.height < 2:
        _text(pdf, label("no_earlier_year", lang))


def render_pdf(data: ReportData, path: str | Path) -> Path:
    """Write the firm's report as a PDF at ``path``."""
    lang, pdf = data.lang, _document()
    marks = {name: i for i, name in enumerate(data.notes, start=1)}
    _heading(pdf, f"{data.name or data.firm_id} — {label('report_title', lang)}", 15)
    _text(pdf, data.firm_id)
    _heading(pdf, label("energy_and_co2", lang))
    _years(pdf, data, marks)
    t = data.monthly
    _image(pdf, _charts.stacked(t, "energy_tce", label("energy_by_month", lang), "tce"))
    _image(pdf, _charts.stacked(t, "co2_t", label("co2_by_month", lang), "tCO2"))
    if data.green is not None:
        verdict = verdict_word(data.green, lang)
        _heading(pdf, f"{label('green_factory', lang)} ({data.green.model}): {verdict}")
        if getattr(data.green, "verdict_withheld", None):
            _text(pdf, data.green.verdict_withheld, 8)
        _image(pdf, _charts.green_chart(data.green, lang))
    _heading(pdf, label("quality", lang))
    _text(pdf, data.footprint.quality.summary(), 8)
    _heading(pdf, label("notes", lang))
    for i, note in enumerate(data.notes.values(), start=1):
        _text(pdf, f"[{i}] {note}", 8)
    prov = data.footprint.provenance
    _heading(pdf, label("provenance", lang))
    _text(pdf, f"factor sets: {', '.join(prov['factor_sets'])}", 8)
    _text(pdf, f"method: {prov['method']['label']}; carbonacct {prov['carbonacct']}", 8)
    out = Path(path)
    pdf.output(str(out))
    return out
