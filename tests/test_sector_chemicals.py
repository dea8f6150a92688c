"""Chemicals (GB/T 32151.10 on the 2013 NDRC method) through the record engine, by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "examples" / "chemicals" / "月度存证_2025年3-4月.xlsx"
METHOD = "chemicals-gbt32151.10"
CHOICES = (("steam_basis", "enthalpy_above_feedwater"), ("gwp_set", "AR5"))
C = 44 / 12


@pytest.fixture(scope="module")
def result():
    return account_record(RECORD, method=METHOD, choices=CHOICES)


def test_reference_case_through_the_engine() -> None:
    # Sector methods reference §7.3 (D): 100 t naphtha × 0.836 tC/t in, 60 t ethylene
    # × 0.857 tC/t out: (83.6 − 51.42) × 44/12 = 32.18 × 44/12 = 117.9933… → 117.99 t.
    record = pl.DataFrame(
        {
            "月份": ["2025年3月"] * 4,
            "工序": ["乙烯裂解"] * 4,
            "物料": ["石脑油", "石脑油", "乙烯", "乙烯"],
            "类别": ["碳输入", "碳输入", "碳输出", "碳输出"],
            "参数": ["消耗量", "含碳量", "产量", "含碳量"],
            "数值": [100.0, 0.836, 60.0, 0.857],
            "单位": ["t", "tC/t", "t", "tC/t"],
        }
    )
    r = account_record(record, method=METHOD)
    feedstock = r.by_source.filter(
        (pl.col("period") == "2025-03") & (pl.col("source") == "feedstock")
    )["co2_t"].item()
    assert feedstock == pytest.approx(32.18 * C)
    assert round(feedstock, 2) == 117.99
    assert r.total("2025-03", "co2_t", figure="full_precision") == pytest.approx(32.18 * C)


def test_balance_missing_a_stream_is_refused_not_computed_from_the_rest() -> None:
    # 乙烯裂解: ethylene out has no carbon content. Computed from the naphtha alone it would
    # be 83.6 × 44/12 = 306.53 t; the balance is refused instead (its three other rows
    # rejected naming 乙烯). 甲醇合成 is whole: (10 × 0.7 − 5 × 0.375) × 44/12
    # = (7 − 1.875) × 44/12 = 5.125 × 44/12 = 18.79 t, the only feedstock CO2.
    record = pl.DataFrame(
        {
            "月份": ["2025年3月"] * 7,
            "工序": ["乙烯裂解"] * 3 + ["甲醇合成"] * 4,
            "物料": ["石脑油", "石脑油", "乙烯", "原料煤", "原料煤", "甲醇", "甲醇"],
            "类别": ["碳输入", "碳输入", "碳输出", "碳输入", "碳输入", "碳输出", "碳输出"],
            "参数": ["消耗量", "含碳量", "产量", "消耗量", "含碳量", "产量", "含碳量"],
            "数值": [100.0, 0.836, 60.0, 10.0, 0.7, 5.0, 0.375],
            "单位": ["t", "tC/t", "t", "t", "tC/t", "t", "tC/t"],
        }
    )
    r = account_record(record, method=METHOD, strict=False)
    feedstock = r.by_source.filter(pl.col("source") == "feedstock", pl.col("period") == "2025-03")
    assert feedstock["co2_t"].item() == pytest.approx(5.125 * C)
    assert r.rejects.height == 3
    why = dict(zip(r.rejects["material"], r.rejects["reject_reason"], strict=False))
    assert "carbon_content" in why["乙烯"]
    assert "乙烯" in why["石脑油"] and "not computed" in why["石脑油"]
    assert r.quality.rows_accounted + r.quality.rows_rejected == 7


def test_march_sheet_by_hand(result) -> None:
    # Sheet 2025年3月 of the workbook (a 说明 sheet before it is not a record).
    coal = 18_500 * 21.35 * 0.0261 * 0.93 * C  # 394 975 GJ × 26.1 tC/TJ × 93 % → 35 153.17 t
    gas = 120 * 389.31 * 0.0153 * 0.99 * C  # → 2 594.63 t
    # 合成氨: coal 42 000 t × 76.5 % in; urea 52 000 × 20 %, slag 6 800 × 8.5 %,
    # dust 320 × 30 % out: 32 130 − 10 400 − 578 − 96 = 21 056 tC
    feedstock = (42_000 * 0.765 - 52_000 * 0.20 - 6_800 * 0.085 - 320 * 0.30) * C
    carbonate = 200 * 0.415 * 0.98  # = 81.34 t
    # nitric acid 30 000 t × 8.0 kg N2O/t × (1 − 85 % × 95 %) × 265 (AR5) = 240 × 0.1925 × 265
    n2o = 30_000 * 0.0080 * (1 - 0.85 * 0.95) * 265  # = 12 243 t CO2e
    recovered = -1_500 * 0.995  # = −1 492.5 t
    electricity = 62_500 * 0.5703  # 6 250 万kWh → 35 643.75 t
    heat = 2_000 * (2_780 - 83.74) * 1e-3 * 0.11  # 5 392.52 GJ above feed water → 593.18 t
    process = feedstock + carbonate + n2o
    direct = coal + gas + process + recovered
    indirect = electricity + heat

    assert feedstock == pytest.approx(21_056 * C)
    assert n2o == pytest.approx(12_243.0)
    got = {
        k: result.total("2025-03", k, figure="full_precision")
        for k in ("co2_process_t", "co2_direct_t", "co2_indirect_t", "co2_t")
    }
    assert got["co2_process_t"] == pytest.approx(process, abs=0.005)
    assert got["co2_direct_t"] == pytest.approx(direct, abs=0.005)
    assert got["co2_indirect_t"] == pytest.approx(indirect, abs=0.005)
    assert got["co2_t"] == pytest.approx(direct + indirect, abs=0.005)
    assert round(got["co2_t"], 2) == round(direct + indirect, 2)
    march = result.totals.filter(
        (pl.col("period") == "2025-03") & (pl.col("figure") == "full_precision")
    ).row(0, named=True)
    assert march["heat_in_GJ"] == pytest.approx(5_392.52)


def test_gwp_set_is_named_and_changes_only_the_n2o(result) -> None:
    sar = account_record(
        RECORD,
        method=METHOD,
        choices=(("steam_basis", "enthalpy_above_feedwater"), ("gwp_set", "SAR")),
    )
    n2o_tonnes = 30_000 * 0.0080 * (1 - 0.85 * 0.95)  # 46.2 t N2O
    diff = sar.total("2025-03", "co2_t", figure="full_precision") - result.total(
        "2025-03", "co2_t", figure="full_precision"
    )
    assert diff == pytest.approx(n2o_tonnes * (310 - 265))
    with pytest.raises(OptionError, match="gwp_set"):
        account_record(RECORD, method=METHOD, choices=(("steam_basis", "enthalpy"),))
    with pytest.raises(OptionError, match="gwp_set"):
        account_record(RECORD, method=METHOD, choices=(("gwp_set", "AR7"),))


def test_no_default_is_shipped_so_a_missing_factor_is_named(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(RECORD)
    sheet = book["2025年3月"]
    drop = [
        c.row for c in sheet["F"] if c.value == "排放因子" and sheet[f"D{c.row}"].value == "纯碱"
    ]
    assert len(drop) == 1
    sheet.delete_rows(drop[0])
    path = tmp_path / "record.xlsx"
    book.save(path)
    with pytest.raises(InputError) as err:
        account_record(path, method=METHOD, choices=CHOICES)
    for part in ("纯碱", "2025-03", "emission_factor", "E_carb"):
        assert part in str(err.value)


def test_cli_example_from_the_workbook(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from carbonacct.cli import main

    args = ["sector", str(RECORD), "--method", METHOD, "--format", "json"]
    args += ["--choice", "steam_basis=enthalpy_above_feedwater", "--choice", "gwp_set=AR5"]
    try:
        main(args)
    except SystemExit as exc:
        assert not exc.code
    out, err = capsys.readouterr()
    rows = {(r["period"], r["figure"]): r for r in json.loads(out)["tables"]["totals"]}
    march = rows[("2025-03", "full_precision")]
    # process: 21 056 tC × 44/12 + 81.34 + 12 243 = 77 205.333… + 12 324.34 = 89 529.673…
    assert march["co2_process_t"] == pytest.approx(21_056 * C + 81.34 + 12_243)
    year = rows[("2025", "full_precision")]["co2_t"]
    months = (
        rows[("2025-03", "full_precision")]["co2_t"] + rows[("2025-04", "full_precision")]["co2_t"]
    )
    assert year == pytest.approx(months)
    assert "rejected 0" in err


def test_provenance_says_which_text_and_which_gwp(result) -> None:
    prov = result.provenance
    assert "2023 revision's text was not read" in prov["sector_method"]["document"]
    assert "E_N2O" in prov["sector_method"]["clauses"]["n2o"]
    assert prov["gwp_set"] == "AR5"
    assert dict(prov["method"]["choices"])["steam_basis"] == "enthalpy_above_feedwater"
