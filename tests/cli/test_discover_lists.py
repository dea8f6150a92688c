"""`carbonacct pathways list` and `carbonacct benchmarks list`: what is shipped, with grade and document."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from carbonacct.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _csv(*args: str) -> pl.DataFrame:
    result = CliRunner().invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return pl.read_csv(io.StringIO(result.stdout), infer_schema=False)


def test_pathways_list_names_every_shipped_pathway_with_grade_and_document() -> None:
    rows = _csv("pathways", "list")
    shipped = {p.stem for p in (ROOT / "factors" / "pathways").glob("*.toml")}
    assert set(rows["pathway"]) == shipped
    assert rows["grade"].null_count() == 0 and rows["document"].null_count() == 0
    national = rows.filter(
        (pl.col("pathway") == "cn-industry-2025") & (pl.col("metric") == "energy_intensity_va")
    ).row(0, named=True)
    assert (national["base_year"], national["year"], national["value"]) == (
        "2020",
        "2025",
        "-0.135",
    )
    assert national["grade"] == "official" and "工信部联节〔2022〕88号" in national["document"]


def test_benchmarks_list_gives_levels_and_quota_grades_with_their_sources() -> None:
    rows = _csv("benchmarks", "list")
    ferrosilicon = rows.filter(pl.col("product") == "ferrosilicon").row(0, named=True)
    assert (ferrosilicon["benchmark"], ferrosilicon["baseline"]) == ("1770.0", "1850.0")
    assert "723号" in ferrosilicon["document"] and ferrosilicon["grade"] == "secondary (1)"
    clinker = rows.filter(
        (pl.col("product") == "cement_clinker") & (pl.col("kind") == "quota_grade")
    )
    assert clinker.select("grade1", "grade2", "grade3").row(0) == ("100.0", "107.0", "117.0")
    assert clinker["standard"][0] == "GB 16780-2021"


def test_the_lists_fit_a_100_column_terminal_in_chinese() -> None:
    result = CliRunner().invoke(cli, ["--lang", "zh", "benchmarks", "list"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "标杆" in result.stdout and "基准" in result.stdout and "1770" in result.stdout
    assert (
        max(len(line) + sum(ord(c) > 0x2E80 for c in line) for line in result.stdout.splitlines())
        <= 100
    )


def test_template_assessment_yaml_and_xlsx_read_back_the_same(tmp_path: Path) -> None:
    """The workbook is made from the YAML: both read back to the same answers, levels, weights,
    inputs and pass mark; a .csv name is refused."""
    from carbonacct.green_factory import read_assessment

    read = {}
    for name in ("a.yaml", "a.xlsx"):
        result = CliRunner().invoke(cli, ["template", "assessment", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        read[name] = read_assessment(tmp_path / name)
    y, x = read["a.yaml"], read["a.xlsx"]
    assert {k: float(v) for k, v in x["inputs"].items()} == {
        k: float(v) for k, v in y["inputs"].items()
    }
    assert {k: float(v) for k, v in x["weights"].items()} == {
        k: float(v) for k, v in y["weights"].items()
    }
    assert {k: {n: float(v) for n, v in lv.items()} for k, lv in x["levels"].items()} == {
        k: {n: float(v) for n, v in lv.items()} for k, lv in y["levels"].items()
    }
    assert {k: a["status"] for k, a in x["answers"].items()} == {
        k: a["status"] for k, a in y["answers"].items()
    }
    assert float(x["pass_mark"]) == float(y["pass_mark"]) == 60.0
    assert x["firm_id"] == y["firm_id"] and x["model"] == y["model"] == "gbt36132-2025"
    bad = CliRunner().invoke(cli, ["template", "assessment", "-o", str(tmp_path / "a.csv")])
    assert bad.exit_code == 2 and ".yaml or .xlsx" in bad.output
