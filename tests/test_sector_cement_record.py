"""Cement through the record engine and the CLI: a GBK monthly record with Chinese headers.

The example (examples/cement/) is a clinker plant's 月度存证 for March and April 2025 as a reporting
platform exports it: GBK, months written 2025年3月, thousands separators, 万kWh, % fractions.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import run_cli as run

from carbonacct.errors import InputError
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "examples" / "cement" / "月度存证_熟料_2025年3-4月.csv"
MEE = ("--method", "cement-cets-2024", "--default-set", "cement-cets-2024-s2")


def without(tmp_path: Path, *parameters: str) -> Path:
    """The example record, still GBK, without the rows of ``parameters`` (参数 column)."""
    text = RECORD.read_bytes().decode("gbk")
    kept = [line for line in text.splitlines() if line.split(",")[5] not in parameters]
    out = tmp_path / "record.csv"
    out.write_bytes("\r\n".join(kept).encode("gbk"))
    return out


def test_example_record_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sector", str(RECORD), *MEE, "--format", "json")
    assert code == 0, err
    rows = {(r["period"], r["figure"]): r for r in json.loads(out)["tables"]["totals"]}
    march = rows[("2025-03", "reported")]
    # C-2 烟煤: 18 650 t × 22.315 GJ/t × 0.02618 tC/GJ × 0.99 × 44/12 = 39 550.50
    # C-2 柴油: 38.5 t × 42.652 × 0.0202 × 0.98 × 44/12                  =    119.19
    # C-6 废轮胎: 1 200 t × 28.5 × 0.0235 × 44/12 × 0.70 fossil            =  2 062.83
    # C-1: 152 300 t × 0.535 − 9 800 × 0.480 − 4 350 × 0.215
    #    = 81 480.50 − 4 704.00 − 935.25                                  = 75 841.25
    # E = 39 550.50 + 119.19 + 2 062.83 + 75 841.25 = 117 573.77 tCO2
    assert 18_650 * 22.315 * 0.02618 * 0.99 * 44 / 12 == pytest.approx(39_550.50, abs=0.005)
    assert 38.5 * 42.652 * 0.0202 * 0.98 * 44 / 12 == pytest.approx(119.19, abs=0.005)
    assert 1_200 * 28.5 * 0.0235 * 44 / 12 * 0.70 == pytest.approx(2_062.83, abs=0.005)
    assert march["co2_process_t"] == pytest.approx(75_841.25, abs=0.005)
    assert march["co2_combustion_t"] == pytest.approx(39_550.50 + 119.19 + 2_062.83, abs=0.005)
    assert march["co2_t"] == pytest.approx(117_573.77, abs=0.005)
    # intensity per t clinker: 117 573.77 / 152 300 = 0.7720
    assert march["product_t"] == 152_300
    assert march["intensity_tco2_per_t"] == 0.7720
    # auxiliary items, outside the total (§3): 1 182.5 万kWh = 11 825 MWh × 92 % fossil × 0.5366
    # = 5 837.67 t; 860 GJ × 0.11 (default set, secondary (2)) = 94.60 t
    assert march["co2_auxiliary_electricity_t"] == pytest.approx(5_837.67, abs=0.005)
    assert march["co2_auxiliary_heat_t"] == pytest.approx(94.60, abs=0.005)
    assert march["electricity_in_MWh"] == 11_825
    # the year is the sum of the months
    year = rows[("2025", "reported")]
    assert year["co2_t"] == pytest.approx(march["co2_t"] + rows[("2025-04", "reported")]["co2_t"])
    assert "rows in 44 = accounted 44 + rejected 0" in err


def test_table_output_and_provenance(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "cement.xlsx"
    code, out, err = run(capsys, "sector", str(RECORD), *MEE, "-o", str(out_file))
    assert code == 0, err
    assert "117573.77" in out and "0.7720" in out
    assert {"totals", "lines", "parameters"} <= set(openpyxl.load_workbook(out_file).sheetnames)
    result = account_record(RECORD, method="cement-cets-2024", default_set="cement-cets-2024-s2")
    prov = result.provenance
    assert prov["sector_method"]["document"].startswith("企业温室气体排放核算与报告指南 水泥行业")
    used = {(d["material"], d["parameter"], d["grade"]) for d in prov["defaults_used"]}
    assert used == {("购入热力", "emission_factor", "secondary (2)")}
    assert any("EF by clinker type" in n for n in prov["default_set"]["not_shipped"])


def test_heat_without_the_default_set_is_an_error_naming_the_clause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "sector", str(RECORD), "--method", "cement-cets-2024")
    assert code == 1
    assert "购入热力, month 2025-03" in err and "C-3" in err and "cement-cets-2024-s2" in err


def test_clinker_without_its_ef_is_required_not_defaulted(tmp_path: Path) -> None:
    # The EF by clinker type (0.535 …) is S(1): never shipped, always the user's.
    record = without(tmp_path, "排放因子")
    with pytest.raises(InputError, match=r"硅酸盐水泥熟料, month 2025-03.*emission_factor.*C-1"):
        account_record(record, method="cement-cets-2024", default_set="cement-cets-2024-s2")


def test_grid_factor_and_fossil_share_are_never_silent(tmp_path: Path) -> None:
    # Trap 11.8: the auxiliary item counts fossil electricity only, and 0.5366 (2022) is not
    # applied to 2025 unless the record says so.
    with pytest.raises(InputError, match=r"购入电力, month 2025-03.*fossil_fraction"):
        account_record(
            without(tmp_path, "化石电力占比"),
            method="cement-cets-2024",
            default_set="cement-cets-2024-s2",
        )
    lines = RECORD.read_bytes().decode("gbk").splitlines()
    path = tmp_path / "no_grid.csv"
    path.write_bytes("\r\n".join(x for x in lines if ",0.5366," not in x).encode("gbk"))
    with pytest.raises(InputError, match=r"购入电力.*emission_factor.*none is shipped"):
        account_record(path, method="cement-cets-2024", default_set="cement-cets-2024-s2")


def gbt_record() -> pl.DataFrame:
    """A GB/T 32151.8 record (T-C4 and T-C5) as a wide frame: a column per parameter."""
    base = {"firm_id": "F1", "month": "2025-03", "process": "熟料生产"}
    rows = [
        {
            **base,
            "material": "熟料",
            "category": "熟料",
            "quantity (t)": 1_000_000.0,
            "cao_content (%)": 65.0,
            "cao_noncarbonate (%)": 0.5,
            "mgo_content (%)": 2.0,
            "mgo_noncarbonate (%)": 0.2,
        },
        {**base, "material": "窑头粉尘", "category": "窑灰", "quantity (t)": 12_000.0},
        {**base, "material": "旁路放风粉尘", "category": "旁路粉尘", "quantity (t)": 8_000.0},
        {
            **base,
            "material": "生料",
            "category": "生料",
            "quantity (t)": 1_550_000.0,
            "carbon_content (%)": 0.2,
        },
    ]
    return pl.DataFrame(rows)


def test_gbt32151_8_route_through_the_engine() -> None:
    # T-C4: (1 000 000 + 12 000 + 8 000) × [0.645 × 44/56 + 0.018 × 44/40] = 537 117.43
    # T-C5: 1 550 000 × 0.2 % × 44/12 = 11 366.67;  E = 548 484.10 tCO2
    # intensity: 548 484.10 / 1 000 000 t clinker = 0.5485
    result = account_record(gbt_record(), method="cement-gbt32151.8-2015")
    assert result.total("2025-03", "co2_process_t") == pytest.approx(
        537_117.43 + 11_366.67, abs=0.01
    )
    assert result.total("2025-03") == pytest.approx(548_484.10, abs=0.01)
    assert result.total("2025-03", "intensity_tco2_per_t") == 0.5485
    with_403 = account_record(
        gbt_record(), method="cement-gbt32151.8-2015", choices=(("mgo_factor", "44/40.3"),)
    )
    # 1 020 000 × (0.645 × 44/56 + 0.018 × 44/40.3) = 536 967.09; + 11 366.67 = 548 333.76
    assert with_403.total("2025-03") == pytest.approx(548_333.76, abs=0.01)
    assert with_403.provenance["method"]["choices"] == {"mgo_factor": "44/40.3"}


def test_c4_is_one_term_rounded_once() -> None:
    # C-4 is (Q_cl + Q_ckd + Q_bpd) × EF, one term: EF = 0.645 × 44/56 + 0.018 × 44/40
    # = 0.506785714… + 0.0198 = 0.526585714…; 1 020 000 × EF = 537 117.4286 → 537 117.43.
    # Rounded line by line it would be 526 585.71 (clinker) + 10 531.71 (dust) = 537 117.42.
    m = "2025年3月"
    rows = [
        ("熟料", "熟料", "熟料产量", 1e6, "t"),
        ("熟料", "熟料", "氧化钙含量", 65.0, "%"),
        ("熟料", "熟料", "非碳酸盐氧化钙含量", 0.5, "%"),
        ("熟料", "熟料", "氧化镁含量", 2.0, "%"),
        ("熟料", "熟料", "非碳酸盐氧化镁含量", 0.2, "%"),
        ("窑头粉尘", "窑头粉尘", "产量", 20_000.0, "t"),
    ]
    record = pl.DataFrame(
        [(m, *r) for r in rows],
        schema=["month", "material", "category", "parameter", "value", "unit"],
        orient="row",
    )
    result = account_record(record, method="cement-gbt32151.8-2015")
    ef = 0.645 * 44 / 56 + 0.018 * 44 / 40
    assert 1_020_000 * ef == pytest.approx(537_117.4286, abs=1e-4)
    assert result.total("2025-03", "co2_t") == pytest.approx(537_117.43, abs=1e-6)
    full = result.total("2025-03", "co2_t", figure="full_precision")
    assert full == pytest.approx(1_020_000 * ef, rel=1e-12)


def test_a_substitute_deduction_in_the_gbt_route_is_refused() -> None:
    # Trap 11.7: no double correction.
    frame = pl.concat(
        [
            gbt_record(),
            pl.DataFrame(
                {
                    "firm_id": ["F1"],
                    "month": ["2025-03"],
                    "process": ["熟料生产"],
                    "material": ["电石渣"],
                    "category": ["非碳酸盐替代原料"],
                    "quantity (t)": [50_000.0],
                    "deduction_coefficient (tCO2/t)": [0.48],
                }
            ),
        ],
        how="diagonal",
    )
    with pytest.raises(InputError, match=r"电石渣.*corrects twice"):
        account_record(frame, method="cement-gbt32151.8-2015")


def test_gbk_bytes_are_what_the_example_holds() -> None:
    # The example is a real GBK export (no UTF-8 BOM): its headers read only as GBK.
    raw = RECORD.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = io.BytesIO(raw).readline().decode("gbk")
    assert header.startswith("企业代码,月份,工序,物料名称,类别,参数,数值,单位")
