"""What people and machines get from the command line: whole numbers, inert text, equal bytes."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import cli
from carbonacct.cli._output import people_number, render
from carbonacct.io.writers import FORMULA_START, write_tables
from carbonacct.io.writers.csv import to_csv

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
JIANGSU = ROOT / "examples" / "jiangsu"
EXAMPLE = [
    str(JIANGSU / "fuels.csv"),
    str(JIANGSU / "electricity_15min.parquet"),
    "--firms",
    str(JIANGSU / "firms.csv"),
    "--activity",
    str(JIANGSU / "activity.csv"),
    "--steam-enthalpy",
    "2800",
]


def invoke(*args: str, columns: int = 100) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def display_width(line: str) -> int:
    return len(line) + sum(1 for ch in line if ord(ch) > 0x2E80)


# -- tables for people -------------------------------------------------------------------
def test_people_numbers_by_unit() -> None:
    assert people_number(1911.17634, "energy_tce") == "1911.2"  # 0.1 tce
    assert people_number(5.15349, "energy_tce") == "5.15"  # 3 significant figures below 10
    assert people_number(0.0495123, "energy_intensity_tce_per_cny10k") == "0.0495"
    assert people_number(0.002685494901) == "0.00269"
    assert people_number(22.9404732739, "points") == "22.94"  # points to 0.01
    assert people_number(-412.46) == "-412.5"
    assert people_number(0.0) == "0"


@pytest.mark.parametrize("period", ["year", "month"])
def test_a_100_column_terminal_shows_every_headline_number_whole(period: str) -> None:
    out = invoke("footprint", *EXAMPLE, "--period", period, "--by", "carrier")
    assert max(map(display_width, out.splitlines())) <= 100
    result = carbonacct.footprint(
        EXAMPLE[:2],
        firms=EXAMPLE[3],
        activity=EXAMPLE[5],
        by=["carrier"],
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2800, period=period),
    )
    cells = set(out.replace("│", " ").replace("┃", " ").split())
    for column in ("energy_tce", "co2_t", "co2_scope2_t", "rows"):
        for value in result.table[column].to_list():
            text = people_number(value, column) if isinstance(value, float) else str(value)
            assert text in cells, (column, value)


def test_render_switches_to_records_when_even_one_number_column_does_not_fit() -> None:
    frame = pl.DataFrame({"firm_id": ["X" * 60], "energy_tce": [123456.789], "co2_t": [98765.4]})
    from rich.console import Console

    console = Console(width=70, record=True, file=io.StringIO())
    for part in render(frame, width=70):
        console.print(part)
    text = console.export_text()
    assert "123456.8" in text and "98765.4" in text
    assert max(map(display_width, text.splitlines())) <= 70


def test_chinese_headers_and_statuses() -> None:
    out = invoke("--lang", "zh", "footprint", *EXAMPLE, columns=160)
    assert "企业代码" in out and "综合能耗" in out
    frame = pl.DataFrame({"firm_id": ["A"], "status": ["breach"], "energy_tce": [1.0]})
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    for part in render(frame, width=100, lang="zh"):
        console.print(part)
    text = console.export_text()
    assert "企业代码" in text and "综合能耗" in text
    # statuses in the words of the vocabulary registry (one place for Chinese labels)
    from carbonacct.vocabulary import STATUSES

    assert STATUSES["breach"].zh in text and "breach" not in text


def test_every_chinese_word_comes_from_the_vocabulary_registry() -> None:
    from carbonacct.vocabulary import COLUMNS, LABELS, STATUSES, label

    frame = pl.DataFrame(
        {
            "firm_id": ["A", "B"],
            "status": ["above_path", "on_track"],
            "co2_intensity_t_per_cny10k": [0.5, 0.25],
        }
    )
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    for part in render(frame, width=100, lang="zh"):
        console.print(part)
    text = console.export_text()
    assert COLUMNS["co2_intensity_t_per_cny10k"].zh in text and "tCO2/万元" in text
    assert LABELS["above_path"][1] in text and STATUSES["on_track"].zh in text
    assert label("co2_intensity_va", "zh") == label("co2_intensity_t_per_cny10k", "zh")


# -- formula-like text --------------------------------------------------------------------
def live_formulas(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet would run."""
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_START)
    ]


def test_csv_text_is_inert_and_numbers_stay_numbers() -> None:
    frame = pl.DataFrame(
        {"text": ["=1+2", "+x", "-x", "@SUM(A1)", "\t=1", "ok"], "value": [-3.5, 1, 2, 3, 4, 5]}
    )
    text = to_csv(frame)
    assert [c for c in live_formulas(text) if not _number(c)] == []
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=1+2", "-3.5"]  # the text prefixed, the negative number untouched
    assert [r[0] for r in rows[2:]] == ["'+x", "'-x", "'@SUM(A1)", "'\t=1", "ok"]


def test_every_csv_output_has_no_live_formula(tmp_path: Path) -> None:
    readings = str(DATA / "readings_zh.csv")
    rejects, out = tmp_path / "rejects.csv", tmp_path / "out.csv"
    args = ("footprint", readings, "--grid-factor", "national")
    CliRunner().invoke(cli, [*args, "--rejects", str(rejects), "-o", str(out)])
    stdout = invoke(*args, "--format", "csv")
    text = rejects.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text  # the input's formula is kept, as text
    for written in (text, out.read_text(encoding="utf-8"), stdout):
        assert [c for c in live_formulas(written) if not _number(c)] == []


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_xlsx_keeps_formula_text_as_text_and_escapes_control_characters(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = pl.DataFrame(
        {"carrier_raw": ["电力\x01", '=HYPERLINK("http://x")'], "co2_t": [1.5, -2.0]}
    )
    (path,) = write_tables(
        {"rejects": frame}, tmp_path / "r.xlsx", {"rejects": {"co2_t": "tCO2"}}, {}
    )
    ws = load_workbook(path)["rejects"]
    assert ws["A2"].value == "电力\\x01"  # visible, not dropped, not a broken workbook
    assert ws["A3"].value == '=HYPERLINK("http://x")' and ws["A3"].data_type == "s"
    assert ws["B3"].value == -2.0 and ws["B3"].data_type == "n"


def test_a_control_character_with_xlsx_output_is_no_traceback(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("firm_id,carrier,value,unit,period\nA,电\x01力,1,kWh,2024\nA,电力,1,kWh,2024\n")
    result = CliRunner().invoke(
        cli, ["footprint", str(src), "--grid-factor", "national", "-o", str(tmp_path / "o.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert pl.read_excel(tmp_path / "o.xlsx", sheet_name="rejects")["carrier_raw"][0] == "电\\x01力"


# -- machine formats ----------------------------------------------------------------------
def test_identical_runs_give_identical_bytes(tmp_path: Path) -> None:
    runs = [
        carbonacct.footprint(
            EXAMPLE[:2],
            firms=EXAMPLE[3],
            activity=EXAMPLE[5],
            method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2800),
        )
        for _ in range(2)
    ]
    for suffix in ("json", "csv", "xlsx", "parquet"):
        first, second = (run.write(tmp_path / f"{i}.{suffix}")[0] for i, run in enumerate(runs))
        assert first.read_bytes() == second.read_bytes(), suffix


def test_format_json_prints_the_document_that_o_json_writes(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    CliRunner().invoke(cli, ["footprint", *EXAMPLE, "-o", str(out)], catch_exceptions=False)
    printed = invoke("--lang", "zh", "footprint", *EXAMPLE, "--format", "json")
    assert printed == out.read_text(encoding="utf-8")  # machine formats keep the names
    doc = json.loads(printed)
    assert doc["units"]["footprint"]["energy_tce"] == "tce"
    assert doc["provenance"]["inputs"]["readings"]["sha256"]
    csv_out = tmp_path / "x.csv"
    CliRunner().invoke(cli, ["footprint", *EXAMPLE, "-o", str(csv_out)], catch_exceptions=False)
    # the file starts with the UTF-8 BOM that Excel needs for Chinese text; stdout does not
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert invoke("footprint", *EXAMPLE, "--format", "csv") == csv_out.read_text(
        encoding="utf-8-sig"
    )


def test_xlsx_reads_back_with_numeric_dtypes(tmp_path: Path) -> None:
    import pandas as pd
    from openpyxl import load_workbook

    out = tmp_path / "x.xlsx"
    CliRunner().invoke(cli, ["footprint", *EXAMPLE, "-o", str(out)], catch_exceptions=False)
    frame = pd.read_excel(out, sheet_name="footprint")
    assert frame["energy_tce"].dtype.kind == "f" and frame["rows"].dtype.kind == "i"
    result = carbonacct.footprint(
        EXAMPLE[:2], firms=EXAMPLE[3], method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2800)
    )
    assert frame["energy_tce"][0] == pytest.approx(result.table["energy_tce"][0], rel=1e-11)
    wb = load_workbook(out)
    assert {"footprint", "quality", "factors", "units", "provenance"} <= set(wb.sheetnames)
    ws = wb["footprint"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.cell(2, 3).number_format == "#,##0.0##"


def test_xlsx_under_lang_zh_has_chinese_headers_and_reads_back(tmp_path: Path) -> None:
    """Under --lang zh the sheets' one header row is in Chinese with units; pandas reads the
    numbers as numbers, and read_result maps the headers back to the controlled names."""
    import pandas as pd

    out = tmp_path / "zh.xlsx"
    CliRunner().invoke(
        cli, ["--lang", "zh", "footprint", *EXAMPLE, "-o", str(out)], catch_exceptions=False
    )
    frame = pd.read_excel(out, sheet_name="footprint")
    assert {"企业代码", "综合能耗 (tce)", "二氧化碳排放总量 (tCO2)"} <= set(frame.columns)
    assert frame["综合能耗 (tce)"].dtype.kind == "f"
    assert "因子集" in pd.read_excel(out, sheet_name="factors").columns
    back = carbonacct.read_result(out)
    assert back.table["energy_tce"][0] == pytest.approx(frame["综合能耗 (tce)"][0], rel=1e-12)
    assert back.factors_used.columns[:3] == ["factor", "carrier", "scope"]
    english = tmp_path / "en.xlsx"
    CliRunner().invoke(
        cli, ["--lang", "en", "footprint", *EXAMPLE, "-o", str(english)], catch_exceptions=False
    )
    assert "energy_tce" in pd.read_excel(english, sheet_name="footprint").columns


@pytest.mark.slow
def test_50000_rows_of_xlsx_in_seconds(tmp_path: Path) -> None:
    n = 50_000
    frame = pl.DataFrame(
        {
            "firm_id": [f"913205{i:012d}" for i in range(n)],
            "period": ["2024-01"] * n,
            **{c: [i * 0.37 for i in range(n)] for c in ("energy_tce", "co2_t", "co2_scope2_t")},
            "rows": list(range(n)),
            "note": ["=1+1" if i % 1000 == 0 else "ok" for i in range(n)],
        }
    )
    start = time.perf_counter()
    (path,) = write_tables({"footprint": frame}, tmp_path / "big.xlsx", {"footprint": {}}, {})
    assert time.perf_counter() - start < 10
    back = pl.read_excel(path, sheet_name="footprint")
    assert back.height == n and back.schema["energy_tce"] == pl.Float64
    assert back["co2_t"][49_999] == pytest.approx(49_999 * 0.37)
    assert back["note"][0] == "=1+1"
    import pandas as pd

    head = pd.read_excel(path, sheet_name="footprint", nrows=100)
    assert head["energy_tce"].dtype.kind == "f" and head["rows"].dtype.kind == "i"


# -- compliance findings ------------------------------------------------------------------
def test_fail_on_breach_exits_3(tmp_path: Path) -> None:
    from carbonacct._manifest import write_checksum

    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name,province,sector\nA,a,广东,3391\n", encoding="utf-8")
    # a binding target letter: −10 % from 2020 to 2025, so 1.00 → at most 0.90 in 2026
    (tmp_path / "letter.csv").write_text(
        "metric,region,sectors,product,base_year,year,value,value_type,unit,interpolation,"
        "obligation,source\n"
        "energy_intensity_va,CN,3391,,2020,2025,-0.10,relative,tce/万元,linear,binding,letter\n",
        encoding="utf-8",
    )
    letter = tmp_path / "letter.toml"
    letter.write_text(
        'id = "letter"\nversion = "1"\ndocument = "target letter"\ndata = "letter.csv"\n'
        'sha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(letter)
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "firm_id,year,metric,product,value,unit,output\n"
        "A,2020,energy_intensity_va,,1.00,tce/万元,\n"
        "A,2026,energy_intensity_va,,0.95,tce/万元,\n",  # 0.95 > 0.90: breach
        encoding="utf-8",
    )
    args = ["check", "--firms", str(firms), "--actuals", str(actuals), "--pathway", str(letter)]
    args += ["--price-basis", "constant:2020"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    failed = CliRunner().invoke(cli, [*args, "--fail-on", "breach"])
    assert failed.exit_code == 3 and "breach" in failed.stderr
    assert CliRunner().invoke(cli, [*args, "--fail-on", "exceeds_limit"]).exit_code == 0
    as_json = CliRunner().invoke(cli, [*args, "--format", "json", "--fail-on", "breach"])
    assert as_json.exit_code == 3 and json.loads(as_json.stdout)["tables"]["results"]


# -- discovery ----------------------------------------------------------------------------
def test_templates_are_inputs_the_footprint_accepts(tmp_path: Path) -> None:
    for suffix in ("csv", "xlsx"):
        paths = {}
        for kind in ("readings", "firms", "activity", "fuel-parameters"):
            paths[kind] = str(tmp_path / f"{kind}.{suffix}")
            CliRunner().invoke(cli, ["template", kind, "-o", paths[kind]], catch_exceptions=False)
        assert "企业代码" in pl.read_excel(paths["firms"]).columns if suffix == "xlsx" else True
        result = carbonacct.footprint(
            [paths["readings"]],
            firms=paths["firms"],
            activity=paths["activity"],
            fuel_parameters=paths["fuel-parameters"],
        )
        assert result.quality.rows_rejected == 0
        assert result.table["rows"].sum() == 5
        # the measured parameters are read: the coal's CO2 follows them
        plain = carbonacct.footprint([paths["readings"]], firms=paths["firms"])
        assert result.table["co2_scope1_t"][0] != pytest.approx(plain.table["co2_scope1_t"][0])


def test_carriers_lists_codes_and_chinese_names() -> None:
    rows = json.loads(invoke("carriers", "--format", "json"))
    by_code = {r["code"]: r for r in rows}
    assert by_code["raw_coal"]["name_zh"] == "原煤" and by_code["electricity"]["name_zh"] == "电力"


# -- interop ------------------------------------------------------------------------------
def test_to_pandas_units_match_the_column_names_and_the_cli() -> None:
    result = carbonacct.footprint(
        EXAMPLE[:2],
        firms=EXAMPLE[3],
        activity=EXAMPLE[5],
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2800),
    )
    df = result.to_pandas(units=True)
    intensity = df["energy_intensity_tce_per_cny10k"]
    # per 万元 stays per 万元: the magnitude is the table's (and the CLI's) number
    assert intensity.pint.magnitude.iloc[0] == result.table["energy_intensity_tce_per_cny10k"][0]
    assert df["value_added_cny10k"].pint.magnitude.iloc[0] == 38600.0
    # and the unit converts: x tce/万元 = x / 10 000 tce/yuan
    per_yuan = intensity.pint.to("tce/CNY").pint.magnitude.iloc[0]
    assert per_yuan == pytest.approx(intensity.pint.magnitude.iloc[0] / 1e4)
    cli_json = json.loads(invoke("footprint", *EXAMPLE, "--format", "json"))
    row = cli_json["tables"]["footprint"][0]
    assert row["energy_intensity_tce_per_cny10k"] == pytest.approx(
        intensity.pint.magnitude.iloc[0], rel=1e-11
    )


def test_chinese_text_is_measured_at_two_columns_a_character() -> None:
    from rich.cells import cell_len
    from rich.console import Console

    frame = pl.DataFrame(
        {
            "item_id": ["L4.2", "L1.3"],
            "name": ["开展碳足迹核算的产品类别占比", "可再生能源利用率"],
            "points": [4.0, 3.0235],
            "max_points": [8.0, 8.0],
            "points_available": [4.0, 4.9765],
        }
    )
    console = Console(width=60, record=True, file=io.StringIO())
    for part in render(frame, width=60):
        console.print(part)
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= 60
    assert "3.02" in text and "4.98" in text and "开展碳足迹核算的产品类别占比" in text


def test_rejects_are_written_in_the_format_their_suffix_names(tmp_path: Path) -> None:
    data = tmp_path / "r.csv"
    data.write_text(
        "firm_id,carrier,value,unit,timestamp\nF1,electricity,-5,kWh,2024-01-01\n"
        "F1,=1+1,1,kWh,2024-01-01\nF1,electricity,1,kWh,2024-01-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "rejects.xlsx"
    args = ["footprint", str(data), "--grid-factor", "0.5", "--rejects", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    back = pl.read_excel(out, sheet_name="rejects")
    assert back.select("row", "column", "value", "reject_reason").rows() == [
        (2, "value", "-5", "negative_value"),
        (3, "carrier", "=1+1", "unknown_carrier"),
    ]


def test_rejects_csv_is_written_as_the_api_writes_it_bom_and_sidecar(tmp_path: Path) -> None:
    data = tmp_path / "读数.csv"
    lines = [
        "企业代码,能源品种,数量,计量单位,时间",
        "F1,电力,-5,kWh,2024-01-01",
        "F1,火星能,1,吨,2024-01-01",
    ]
    data.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    cli_out, api_out = tmp_path / "cli.csv", tmp_path / "api.csv"
    args = ["footprint", str(data), "--grid-factor", "0.5", "--rejects", str(cli_out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    carbonacct.footprint(data, method=carbonacct.Method(grid_factor=0.5)).write_rejects(api_out)
    raw = cli_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel on a Chinese system needs
    assert "火星能" in raw.decode("utf-8-sig")
    sidecar = json.loads(Path(f"{cli_out}.json").read_text(encoding="utf-8"))
    assert sidecar.keys() == json.loads(Path(f"{api_out}.json").read_text("utf-8")).keys()
    assert raw == api_out.read_bytes()
    back = pl.read_csv(cli_out)
    # row: the line in the file (header = row 1); row_nr: the data row among all inputs' rows
    assert back.select("row", "row_nr", "column", "reject_reason").rows() == [
        (2, 1, "value", "negative_value"),
        (3, 2, "carrier", "unknown_carrier"),
    ]


def test_fail_on_breach_fires_on_a_gb_quota_limit(tmp_path: Path) -> None:
    """A firm whose status is breach (clinker over the GB 16780-2021 grade-3 limit) fails
    --fail-on breach, though no pathway result is a breach."""
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name,province,sector\nA,甲水泥,广东,3011\n", encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "firm_id,year,metric,product,value,unit\n"
        "A,2025,product_energy_intensity,cement_clinker,200.0,kgce/t\n",  # 200 > 117 kgce/t
        encoding="utf-8",
    )
    args = ["check", "--firms", str(firms), "--actuals", str(actuals), "--format", "json"]
    args += ["--price-basis", "constant:2020", "--pathway", "cement-2024-plan"]
    ok = CliRunner().invoke(cli, args)
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["tables"]["firms"][0]["status"] == "breach"
    failed = CliRunner().invoke(cli, [*args, "--fail-on", "breach"])
    assert failed.exit_code == 3 and "1 breach" in failed.stderr


def test_fail_on_invalid_input_and_a_broken_project_file(tmp_path: Path) -> None:
    """--fail-on invalid_input fires on a refused input row; a broken carbonacct.toml is
    an input error: one line, exit 1, no usage banner."""
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name,province,sector\nA,a,广东,3391\n", encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "firm_id,year,metric,product,value,unit\n"
        "A,2020,energy_intensity_va,,abc,tce/万元\n"  # not a number: invalid_input
        "A,2025,energy_intensity_va,,0.9,tce/万元\n",
        encoding="utf-8",
    )
    args = ["check", "--firms", str(firms), "--actuals", str(actuals)]
    args += ["--price-basis", "constant:2020"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    failed = CliRunner().invoke(cli, [*args, "--fail-on", "invalid_input"])
    assert failed.exit_code == 3 and "invalid_input" in failed.stderr
    broken = tmp_path / "carbonacct.toml"
    broken.write_text("[method\nperiod = 'year'\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--config", str(broken), "units"])
    assert res.exit_code == 1 and "Usage" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1 and "carbonacct.toml" in res.stderr


def test_template_materials_is_a_declaration_the_library_reads(tmp_path: Path) -> None:
    from carbonacct.materials import MATERIAL_COLUMNS, read_materials

    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"materials.{suffix}"
        res = CliRunner().invoke(cli, ["template", "materials", "-o", str(path)])
        assert res.exit_code == 0, res.output
        table, _ = read_materials(str(path))
        assert set(MATERIAL_COLUMNS) <= set(table.columns)
        assert table["value"].to_list() == [3.663, 0.0101]


def test_rejects_csv_writes_a_negative_number_as_written(tmp_path: Path) -> None:
    """A GBK CSV's −5 and −5.2e3 (negative_value) and =1+2 (not_a_number) rejected: the numbers
    are written as they were (a spreadsheet reads them as numbers, not formulas), the formula
    prefixed with ' as before."""
    text = "企业代码,能源品种,数量,计量单位,统计期\n" + "".join(
        f"F1,电力,{v},kWh,2024-{m:02d}\n" for m, v in enumerate(["-5", "-5.2e3", "=1+2", "7"], 1)
    )
    (tmp_path / "r.csv").write_bytes(text.encode("gbk"))
    rejects = tmp_path / "rejects.csv"
    args = ["footprint", str(tmp_path / "r.csv"), "--grid-factor", "national"]
    res = CliRunner().invoke(cli, [*args, "--rejects", str(rejects)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert [(r["row"], r["value"], r["value_raw"]) for r in rows] == [
        ("2", "-5", "-5"),
        ("3", "-5.2e3", "-5.2e3"),
        ("4", "'=1+2", "'=1+2"),
    ]
    assert [c for c in live_formulas(rejects.read_text("utf-8-sig")) if not _number(c)] == []
