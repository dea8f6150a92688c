"""`check --report page.html`: the regulator's summary page from the same check, in the
language of --lang, with the firm table, the follow-up list and the status by year."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from carbonacct.cli import cli

# GBK, as a department's export: 芜湖熟料's clinker at 104 kgce/t in 2024 (between 标杆 100 and
# 基准 117: on track) and 98 in 2025 (at the 标杆); 合肥无数 with no actual value (no_data)
FIRMS = "firm_id,name,province,sector\nC1,芜湖熟料,34,3011\nC2,合肥无数,34,3011\n"
ACTUALS = (
    "firm_id,year,metric,value,unit,product,output,energy_tce\n"
    "C1,2024,product_energy_intensity,104,kgce/t,cement_clinker,1000000,120000\n"
    "C1,2025,product_energy_intensity,98,kgce/t,cement_clinker,1000000,118000\n"
)


def test_check_writes_the_summary_page_in_the_language_asked(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_bytes(FIRMS.encode("gbk"))
    (tmp_path / "a.csv").write_text(ACTUALS, encoding="utf-8")
    page = tmp_path / "summary.html"
    args = ["check", "--firms", str(tmp_path / "f.csv"), "--actuals", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(cli, ["--lang", "zh", *args, "--report", str(page)])
    assert result.exit_code == 0, result.output
    assert f"wrote {page}" in result.stderr
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "企业排序" in text and "芜湖熟料" in text
    assert "需跟进" in text and "合肥无数" in text  # no data: followed up
    history = text.split("逐年状态")[1].split("<h2>")[0]
    row = re.search(r"<tr><td class='t'>C1</td>.*?</tr>", history).group(0)
    assert re.findall(r"st-(\w+)'>", row) == ["on_track", "on_track"]  # 2024 and 2025


def test_check_refuses_a_report_that_is_not_html(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_bytes(FIRMS.encode("gbk"))
    (tmp_path / "a.csv").write_text(ACTUALS, encoding="utf-8")
    args = ["check", "--firms", str(tmp_path / "f.csv"), "--actuals", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(cli, [*args, "--report", str(tmp_path / "s.pdf")])
    assert result.exit_code == 2 and "written as .html" in result.output
    assert not (tmp_path / "s.pdf").exists()


def test_the_terminal_and_page_name_products_the_files_keep_codes(tmp_path: Path) -> None:
    # 120 kgce/t of clinker is above 基准 117 after its deadline: an exception, named 水泥熟料
    # (the shipped product name) for people; the written file keeps cement_clinker
    (tmp_path / "f.csv").write_bytes(FIRMS.encode("gbk"))
    rows = ACTUALS + "C2,2025,product_energy_intensity,120,kgce/t,cement_clinker,1000000,1\n"
    (tmp_path / "a.csv").write_text(rows, encoding="utf-8")
    out, page = tmp_path / "out.csv", tmp_path / "s.html"
    args = ["check", "--firms", str(tmp_path / "f.csv"), "--actuals", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(cli, ["--lang", "zh", *args, "--report", str(page), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert "水泥熟料" in result.stdout and "cement_clinker" not in result.stdout
    text = page.read_text(encoding="utf-8")  # no table cell holds the code (the reason
    assert "<td class='t'>水泥熟料</td>" in text  # sentences still quote it: not translated)
    assert "<td class='t'>cement_clinker</td>" not in text
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("out*.csv"))
    assert "cement_clinker" in written and "水泥熟料" not in written
