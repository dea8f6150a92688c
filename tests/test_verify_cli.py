"""The verifier's report: `reconcile -o` per line with both factors, the policy and provenance; bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from carbonacct.cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "verifier"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("report.csv", "firms.csv", "rounding.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def reconcile_cli(d: Path, *extra: str) -> int:
    args = ["reconcile", str(d / "report.csv"), "--firms", str(d / "firms.csv")]
    args += ["--rounding-file", str(d / "rounding.toml"), *extra]
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_example_report_shows_each_kind_of_explanation(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = reconcile_cli(example, "--format", "json")
    out, err = capsys.readouterr()
    rows = {r["line"]: r for r in json.loads(out)}
    assert code == 1  # one malformed line; the other 15 are reconciled
    assert err.strip() == (
        f"Error: {example / 'report.csv'}, row 17 (数据缺失), column value: '一百' is not a number"
    )
    expected = {
        "外购电力": "agrees",  # 1000 MWh × 0.5827 (江苏 2023) = 582.7
        "外购电力(ETS口径)": "agrees",  # 1000 × 0.5703 = 570.3
        "外购电力(未注明口径)": "different factor: 0.5703 tCO2/MWh of ets-reporting",
        "外购电力(含转供)": "exports not deducted: 100 MWh",  # 1000 × 0.5827, not 900 × 0.5827
        "外购电力(因子笔误)": "reported factor 0.5987 tCO2/MWh matches no publication",
        "锅炉天然气": "rounding: ets_platform_car_2dp",  # 1000 × 5.96 × 0.99 × 44/12 = 21634.80
        "柴油(取整)": "rounding: line_1t",  # 100.4 × 3.09594 = 310.83 → 311
        "柴油(kg记作t)": "unit slip: the reported figure is 1000×",  # 310 829 kg as t
        "柴油(未乘氧化率)": "formula variant: oxidation rate omitted",  # 100 × 42.652 × 0.0202 × 44/12
        "柴油(2013参数)": "different factor set: ndrc-2013",  # 100 × 43.33 × 0.0202 × 0.98 × 44/12
        "叉车柴油": "emission stated without activity",
        "石灰石分解": "agrees",  # 100 × 0.440
        "外购蒸汽": "agrees",  # 2000 × (2780 − 83.74)/1000 × 0.11 = 593.18
        "粗钢固碳": "sign: carbon held in products",
        "其他": "unexplained",
        "数据缺失": f"{example / 'report.csv'}, row 17",
    }
    for line, start in expected.items():
        assert rows[line]["explanation"].startswith(start), (line, rows[line]["explanation"])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json"])
def test_output_carries_both_factors_policy_and_provenance(example: Path, suffix: str) -> None:
    out = example / f"recon{suffix}"
    assert reconcile_cli(example, "-o", str(out), "--format", "csv") == 1
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(out)
        sheet = list(wb["reconciliation"].values)
        first = dict(zip(sheet[0], sheet[1], strict=True))
        prov = {k: v for k, v in wb["provenance"].values}
        units = {(t, c): u for t, c, u in list(wb["units"].values)[1:]}
        assert units["reconciliation", "reported_co2_t"] == "tCO2"  # tonnes of CO2
        rounding = json.loads(prov["rounding"])
        summary = {r[0]: r[2] for r in list(wb["summary"].values)[1:] if not r[1]}
        # 16 lines: 4 agree, 9 explained, 1 not checkable, 1 unexplained, 1 error
        assert summary == {
            "agrees": 4,
            "error": 1,
            "explained": 9,
            "not_checkable": 1,
            "unexplained": 1,
        }
    elif suffix == ".csv":
        first = pl.read_csv(out, infer_schema=False).row(0, named=True)
        doc = json.loads((example / "recon.csv.json").read_text(encoding="utf-8"))
        prov, rounding = doc["provenance"], doc["provenance"]["rounding"]
    else:
        doc = json.loads(out.read_text(encoding="utf-8"))
        first, prov = doc["tables"]["reconciliation"][0], doc["provenance"]
        rounding = prov["rounding"]
    assert float(first["reported_co2_t"]) == float(first["recomputed_co2_t"]) == 582.7
    assert "公告2025年第47号" in first["our_factor_document"]
    assert "公告2025年第47号" in first["reported_factor_document"]  # 0.5827 is that announcement's
    assert first["rounding"] == "full" and rounding["id"] == "full"
    assert "sha256" in str(prov["reported"]) and prov["carbonacct"]


def test_bad_input_is_one_line_and_a_nonzero_exit(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {
        # the library's rounding='nonsense' in the CLI's spelling
        ("--rounding", "nonsense"): "--rounding nonsense is not a known policy",
        ("--grid-factor", "-1"): "-1.0 tCO2/MWh is not a plausible scope-2 grid factor",
        ("--grid-factor", "5"): "5.0 tCO2/MWh is not a plausible",
        ("--grid-factor", "nonsense"): "'nonsense' is not a grid-factor mode",
    }
    for args, message in cases.items():
        assert reconcile_cli(example, *args) == 2  # an option outside its values: usage (README)
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    # an unterminated quote swallows the rest of the file: that row is an error naming its line
    (example / "report.csv").write_text(
        'firm_id,line,carrier,value,unit,year,reported_co2_t\n"JS01,x,电力,1,MWh,2023,1\n',
        encoding="utf-8",
    )
    assert reconcile_cli(example) == 1
    assert "report.csv, row 2: 1 cells where the header has 7" in capsys.readouterr().err
    # headers not understood are named, with the names expected (English and Chinese)
    (example / "report.csv").write_text("firm_id,line,能源\nJS01,x,电力\n", encoding="utf-8")
    assert reconcile_cli(example) == 1
    err = capsys.readouterr().err
    assert "no column for ['carrier', 'value']; headers not understood: ['能源']" in err
    assert "value (数量/实物量/" in err and "/消耗量/活动数据/活动水平" in err


def test_check_factor_of_an_unknown_region_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check-factor", "0.5366", "tCO2/MWh", "公告2024年第33号", "--region", "nosuch"])
    assert exc.value.code == 2
    assert "Unknown region 'nosuch'" in capsys.readouterr().err
