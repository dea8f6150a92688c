"""Reports people read: one self-contained HTML file per firm, and a regulator's summary.

A report is built once from results (:class:`ReportData`, no data file read
again) and rendered by :mod:`carbonacct.reports.html`; its words come from the
vocabulary registry, in English or Chinese (``lang="zh"``). From readings, the
footprint run once: :func:`carbonacct.workflows.firm_report_from_readings`.

A firm's report also goes to PDF (:func:`carbonacct.reports.pdf.render_pdf`,
laid out with fpdf2, pure Python: ``pip install carbonacct[pdf]``): WeasyPrint,
which would print the HTML page itself, needs system libraries (Pango).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonacct.errors import InputError

from ._charts import chart_font
from ._format import half_up
from ._model import ReportData, build_report_data, target_of
from .html import render_firm, render_summary

__all__ = [
    "ReportData",
    "build_report_data",
    "chart_font",
    "firm_report",
    "half_up",
    "render_firm",
    "render_summary",
    "summary_report",
    "target_of",
    "write_report",
]


def firm_report(
    firm_id: str,
    *,
    monthly: Any,
    yearly: Any = None,
    check: Any | None = None,
    green: Any | None = None,
    lang: str = "en",
    path: str | Path | None = None,
) -> str:
    """One firm's report as a self-contained HTML page.

    Parameters
    ----------
    firm_id : str
    monthly : Footprint
        A footprint by month and carrier (``period="month", by=["carrier"]``).
    yearly : Footprint, optional
        Its yearly figures with intensities (:func:`carbonacct.workflows.rollup`
        of ``monthly`` with the activity); default: ``monthly`` summed to years.
    check : CheckResult, optional
        Pathway and product results; the firm's intensity is drawn against the
        trajectory each pathway requires, with its target year marked.
    green : GreenScore, optional
        Green-factory score by first-level indicator.
    lang : {'en', 'zh'}
        Language of the page text.
    path : path, optional
        Where to write the file.

    Returns
    -------
    str
        The HTML.
    """
    data = build_report_data(firm_id, monthly, yearly=yearly, check=check, green=green, lang=lang)
    text = render_firm(data)
    if path is not None:
        write_report(data, path)
    return text


def write_report(data: ReportData, path: str | Path) -> Path:
    """Write a firm's report in the format ``path``'s suffix names: ``.html`` or ``.pdf``."""
    out = Path(path)
    if out.suffix.lower() == ".pdf":
        from .pdf import render_pdf

        return render_pdf(data, out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(
            f"{out}: a report is written as .html or .pdf, not {out.suffix!r}.", file=str(out)
        )
    out.write_text(data.html or render_firm(data), encoding="utf-8")
    return out


def summary_report(
    check: Any, *, path: str | Path | None = None, top: int = 50, lang: str = "en"
) -> str:
    """A regulator's summary of a batch check as a self-contained HTML page.

    ``top``: the rows each long list shows (firms, follow-up, history, groups, exceptions);
    a line under it says how many more the check's tables hold."""
    text = render_summary(check, lang=lang, top=top)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
