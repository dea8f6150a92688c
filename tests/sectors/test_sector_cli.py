"""`carbonacct sector` from real-looking files: GBK CSV, a workbook of several sheets, Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from carbonacct.cli import main
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "steel" / "月度存证_2025年2-3月.csv"
MATERIALS = ROOT / "examples" / "steel" / "materials.csv"
STEEL = ("--method", "steel-cets-2024", "--oxidation", "none")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_example_record_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "steel.xlsx"
    code, out, err = run(
        capsys, "sector", str(EXAMPLE), *STEEL, "--materials", str(MATERIALS), "-o", str(out_file)
    )
    assert code == 0, err
    # March 2025: 258 484.55 + 28 243.38 − 38 760.00 = 247 967.93 tCO2; / 210 000 t = 1.1808
    assert "247967.93" in out and "1.1808" in out
    assert "rows in 60 = accounted 60 + rejected 0" in err
    sheets = openpyxl.load_workbook(out_file, read_only=True).sheetnames
    assert {"totals", "by_source", "by_process", "lines", "parameters", "quality"} <= set(sheets)


def test_cli_json_carries_both_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "sector", str(EXAMPLE), *STEEL, "--materials", str(MATERIALS), "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["tables"]["totals"]
    march = {r["figure"]: r for r in rows if r["period"] == "2025-03"}
    assert march["reported"]["co2_t"] == 247967.93
    assert march["full_precision"]["co2_t"] == pytest.approx(247967.926423, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (STEEL[:2], 2, "graded C"),  # no --oxidation: the conflict is not settled silently
        (STEEL, 1, "白云石, month 2025-02"),  # dolomite not shipped (0.471 vs 0.476)
        (("--method", "steel"), 2, "is not a sector method"),
    ],
)
def test_cli_errors_are_one_line_with_exit_codes(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, text: str
) -> None:
    got, _, err = run(capsys, "sector", str(EXAMPLE), *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert got == code and len(lines) == 1 and text in lines[0] and "Traceback" not in err


def test_rejected_rows_exit_4_and_no_strict_lists_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = EXAMPLE.read_bytes().decode("gbk").replace("2025年3月,炼钢,废钢", "2025年13月,炼钢,废钢")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text.encode("gbk"))
    code, _, err = run(capsys, "sector", str(bad), *STEEL, "--materials", str(MATERIALS))
    assert code == 4 and "month unreadable" in err
    code, out, err = run(
        capsys, "sector", str(bad), *STEEL, "--materials", str(MATERIALS), "--no-strict"
    )
    assert code == 0 and "rows in 60 = accounted 59 + rejected 1" in err
    # March without scrap: 247 967.93 − 2 405.00 = 245 562.93
    assert "245562.93" in out


def _workbook(path: Path, frame: pl.DataFrame) -> None:
    """The record as a plant exports it: a cover sheet, then one sheet per month with a title row."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.append(["2025年碳排放月度存证", "某钢铁有限公司"])
    header = ["企业代码", "月份", "工序", "物料名称", "类别", "参数", "数值", "单位", "获取方式"]
    for month in ("2025年2月", "2025年3月"):
        ws = wb.create_sheet(month)
        ws.append([f"{month} 钢铁企业月度数据"])
        ws.append(header)
        for row in frame.filter(pl.col("月份") == month).select(header).iter_rows():
            ws.append([float(v.replace(",", "")) if i == 6 else v for i, v in enumerate(row)])
    wb.save(path)


def test_multi_sheet_workbook_and_typed_parquet_give_the_csv_result(tmp_path: Path) -> None:
    frame = pl.read_csv(EXAMPLE, encoding="gbk", infer_schema=False)
    xlsx = tmp_path / "record.xlsx"
    _workbook(xlsx, frame)
    parquet = tmp_path / "record.parquet"
    typed = frame.with_columns(
        pl.col("数值").str.replace_all(",", "").cast(pl.Float64),
        pl.col("月份").str.replace("年", "-").str.replace("月", "-01").str.to_date("%Y-%m-%d"),
    )
    typed.write_parquet(parquet)
    expected = account_record(
        EXAMPLE, method="steel-cets-2024", oxidation="none", materials=MATERIALS
    )
    for source in (xlsx, parquet):
        got = account_record(
            source, method="steel-cets-2024", oxidation="none", materials=MATERIALS
        )
        assert got.total("2025-03") == expected.total("2025-03") == pytest.approx(247967.93)
        assert got.quality.rows_in == 60 and got.quality.balanced
    assert (
        account_record(xlsx, method="steel-cets-2024", oxidation="none", materials=MATERIALS)
        .provenance["inputs"]["record"]["unread"][0]["table"]
        .endswith("#封面")
    )


def test_a_wide_record_with_units_in_the_headers(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(
        "月份,工序,物料,类别,消耗量,单位,低位发热量(GJ/t),单位热值含碳量(tC/GJ),排放因子(tCO2/t)\n"
        "2025-01,炼铁,焦炭,燃料,1000,t,28.5,0.0295,\n"
        "2025-01,炼钢,电极,,50,t,,,\n"
        "2025-01,炼钢,白云石,过程,300,t,,,0.476\n"
        "2025-01,炼钢,粗钢,含碳产品,20000,t,,,\n"
        "2025-01,炼钢,粗钢,,,,,,\n",
        encoding="utf-8",
    )
    r = account_record(wide, method="steel-cets-2024", oxidation="none", strict=False)
    # 1 000 × 28.5 × 0.0295 × 44/12 = 3 082.75; 50 × 3.663 + 300 × 0.476 = 183.15 + 142.80
    assert r.total("2025-01", "co2_combustion_t") == 3082.75
    assert r.total("2025-01", "co2_process_t") == 325.95
    assert r.total("2025-01") == 3082.75 + 325.95 - 20000 * 0.037  # 2 668.70
    # the empty fifth row is rejected, not dropped
    assert r.quality.rows_rejected == 1 and r.rejects["row"].to_list() == [6]
    assert any("wide record" in w for w in r.quality.warnings)


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_finding_7_format_prints_what_o_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    written = tmp_path / f"steel.{suffix}"
    args = (str(EXAMPLE), *STEEL, "--materials", str(MATERIALS))
    code, out, _ = run(capsys, "sector", *args, "--format", suffix, "-o", str(written))
    assert code == 0
    if suffix == "json":
        printed, saved = json.loads(out), json.loads(written.read_text(encoding="utf-8"))
        assert printed == saved and "provenance" in printed
        totals = printed["tables"]["totals"]
        # the reported January figure with no float noise (32410.499999999996 before)
        assert all(len(repr(r["co2_t"])) < 16 for r in totals if r["figure"] == "reported")
    else:
        assert out == written.read_text(encoding="utf-8-sig")
