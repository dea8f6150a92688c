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


def _width(line: str) -> int:
    return len(line) + sum(ord(c) > 0x2E80 for c in line)


def _table(*args: str, columns: int) -> list[str]:
    result = CliRunner().invoke(cli, ["--lang", "en", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_carriers_is_one_table_of_code_chinese_name_and_unit_at_80_columns() -> None:
    """Was 592 lines at 80 columns (a transposed box per carrier): one row per carrier now."""
    from carbonacct.vocabulary import carriers

    n = carriers().height
    for columns in (80, 100):
        lines = _table("carriers", columns=columns)
        assert max(map(_width, lines)) <= columns
        # title, top border, header (two lines at most), header rule, one line per carrier, bottom border
        assert len(lines) <= n + 8, len(lines)
        coal = next(line for line in lines if " raw_coal " in line)
        assert "原煤" in coal and " t " in coal  # code, Chinese name, unit on one line
    zh = CliRunner().invoke(cli, ["--lang", "zh", "carriers"], env={"COLUMNS": "80"}).stdout
    assert all(word in zh for word in ("代码", "中文名称", "计量单位"))  # headers in Chinese
    verbose = _table("carriers", "--verbose", columns=100)
    assert any("煤|coal" in line for line in verbose)  # the aliases, only with --verbose


def test_benchmarks_and_pathways_list_are_compact_tables_with_every_number_whole() -> None:
    """Was 1,154 lines at 100 columns; each row on one line, the numbers of the CSV all shown."""
    levels = _csv("benchmarks", "list")
    for columns in (80, 100):
        lines = _table("benchmarks", "list", columns=columns)
        assert max(map(_width, lines)) <= columns
        # one line per row, at most 8 (title, borders, header) per document or standard
        tables = levels["document"].n_unique() + levels["standard"].n_unique()
        assert len(lines) <= levels.height + 8 * tables, len(lines)
        ferro = next(line for line in lines if "ferrosilicon" in line and "1770" in line)
        assert "1850" in ferro  # benchmark and baseline on the product's line
        clinker = [line for line in lines if "cement_clinker" in line]
        assert any("100" in x and "107" in x and "117" in x for x in clinker)  # grades 1-3
    paths = _csv("pathways", "list")
    for columns in (80, 100):
        lines = _table("pathways", "list", columns=columns)
        assert max(map(_width, lines)) <= columns
        # one table per pathway, titled with its id and document
        assert len(lines) <= paths.height + 8 * paths["pathway"].n_unique(), len(lines)
        text = "\n".join(lines)
        part = text[text.index("cn-industry-2025") :]
        part = part[: part.index("└")]  # its table
        # a relative target in percent against its base year: -0.135 is -13.5% vs 2020
        assert "-13.5% vs 2020" in part
        # TPI holds one pathway per product: the product is on each line with its full value
        for row in paths.filter(pl.col("value_type") == "absolute").iter_rows(named=True):
            shown = f"{row['value']} {row['unit']}"
            assert any(str(row["product"] or "") in x and shown in x for x in lines), shown


def test_listing_output_file_holds_what_format_prints(tmp_path: Path) -> None:
    """Every field in -o and --format, the same content; .xlsx also written."""
    import json

    for args in (("carriers",), ("pathways", "list"), ("benchmarks", "list")):
        printed = CliRunner().invoke(cli, [*args, "--format", "json"])
        assert printed.exit_code == 0, printed.output
        out = tmp_path / f"{args[0]}.json"
        written = CliRunner().invoke(cli, [*args, "-o", str(out)])
        assert written.exit_code == 0, written.output
        assert json.loads(out.read_text(encoding="utf-8")) == json.loads(printed.stdout)
        csv_out = tmp_path / f"{args[0]}.csv"
        assert CliRunner().invoke(cli, [*args, "-o", str(csv_out)]).exit_code == 0
        text = csv_out.read_text(encoding="utf-8-sig")
        assert text == CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout
    assert "aliases" in json.loads((tmp_path / "carriers.json").read_text(encoding="utf-8"))[0]
    xlsx = tmp_path / "c.xlsx"
    assert CliRunner().invoke(cli, ["carriers", "-o", str(xlsx)]).exit_code == 0
    assert pl.read_excel(xlsx)["name_zh"].to_list()[0] == "原煤"


def test_benchmarks_list_shows_no_row_twice() -> None:
    """Two indicators of one product (clinker energy and clinker coal, both kgce/t; the pot
    line's AC power and the comprehensive AC power, both kWh/t) read as the same row printed
    twice when the table shows product and unit only: each row names what it measures."""
    rows = _csv("benchmarks", "list")
    key = ["kind", "product", "metric", "edition", "standard"]
    assert "metric" in rows.columns
    assert rows.select(key).is_duplicated().sum() == 0
    for columns in (80, 100):
        lines = _table("benchmarks", "list", columns=columns)
        seen: set[tuple[str, ...]] = set()
        for line in lines:
            if line.startswith(("┏", "┡", "└")):
                seen = set()  # a new table
            cells = tuple(c.strip() for c in line.strip("│┃ ").split("│"))
            if line.startswith("│") and cells[0]:
                assert cells[:2] not in seen, (columns, line)  # product and what it measures
                seen.add(cells[:2])
        ferro = [line for line in lines if line.startswith("│ ferrosilicon ")]
        assert len(ferro) == 2  # the 723号 level, then the GB 21341-2022 grades: one row each
