"""The firm's report as PDF: the shipped CJK font embedded, the charts in, equal bytes twice."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.reports import build_report_data, write_report

pytest.importorskip("fpdf", reason="the [pdf] extra (fpdf2) is in the test extra")


def _streams(pdf: bytes) -> str:
    """The file's text with every deflated stream decompressed, as Latin-1 text."""
    out = [pdf.decode("latin-1")]
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def test_a_chinese_report_as_pdf(tmp_path: Path) -> None:
    readings = pl.DataFrame(
        {
            "firm_id": ["A"] * 3,
            "carrier": ["diesel"] * 3,
            "value": [1.0, 2.0, 3.0],
            "unit": ["t"] * 3,
            "period": ["2023-01", "2024-01", "2024-02"],
        }
    )
    monthly = carbonacct.footprint(
        readings, by=["carrier"], method=carbonacct.Method(period="month")
    )
    data = build_report_data("A", monthly, lang="zh")
    first, second = write_report(data, tmp_path / "a.pdf"), write_report(data, tmp_path / "b.pdf")
    pdf = first.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == second.read_bytes()  # equal input, equal bytes
    assert b"/FontFile2" in pdf and b"WenQuanYi" in pdf  # the shipped font, embedded
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 2  # energy and CO2 by month
    cmap = _streams(pdf).upper()
    for ch in "能耗与碳排放报告同比":  # the page text's glyphs map back to these characters
        assert f"<{ord(ch):04X}>" in cmap, ch
    # 5 t in 2024 against 1 t in 2023: +400 %
    assert data.years["energy_tce_change_pct"].to_list()[1] == pytest.approx(400.0)


def test_a_report_name_with_another_suffix_is_refused(tmp_path: Path) -> None:
    readings = pl.DataFrame(
        {
            "firm_id": ["A"],
            "carrier": ["diesel"],
            "value": [1.0],
            "unit": ["t"],
            "period": ["2024-01"],
        }
    )
    monthly = carbonacct.footprint(
        readings, by=["carrier"], method=carbonacct.Method(period="month")
    )
    with pytest.raises(carbonacct.InputError, match=r"\.html or \.pdf"):
        write_report(build_report_data("A", monthly), tmp_path / "r.docx")
