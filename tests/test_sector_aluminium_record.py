"""Aluminium through the record engine and the CLI: a workbook of several sheets, Chinese headers.

The example (examples/aluminium/) is a smelter's 月度存证 for March and April 2025: a notes sheet, the
electrolysis sheet (铝液, 预焙阳极, 阳极效应, 交流电耗) and the enterprise sheet (石灰石, 天然气,
购入电力), months written 2025年3月, amounts in t, 万kWh and 万Nm3, fractions in %.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from conftest import run_cli as run

from carbonacct.errors import InputError, OptionError
from carbonacct.io import column_unit
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "examples" / "aluminium" / "月度存证_铝电解_2025年3-4月.xlsx"
AL = ("--method", "aluminium-cets-2024", "--default-set", "aluminium-cets-2024-s2")


def test_example_workbook_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "sector", str(RECORD), *AL, "--choice", "gwp_set=AR5", "--format", "json"
    )
    assert code == 0, err
    rows = {(r["period"], r["figure"]): r for r in json.loads(out)["tables"]["totals"]}
    march = rows[("2025-03", "reported")]
    # 15 010 t net anode × (1 − 1.85 % − 0.42 %) × 44/12 = 15 010 × 0.9773 × 3.666667 = 53 787.33
    assert 15_010 * (1 - 0.0185 - 0.0042) * 44 / 12 == pytest.approx(53_787.33, abs=0.005)
    assert march["co2_anode_t"] == pytest.approx(53_787.33, abs=0.005)
    # A-2 (AR5): 36 520 t × (0.034 [set, secondary (2)] × 6 630 + 0.0034 [record] × 11 100) × 10⁻³
    #          = 36.52 × (225.42 + 37.74) = 36.52 × 263.16 = 9 610.60 tCO2e
    assert march["co2e_pfc_t"] == pytest.approx(9_610.60, abs=0.005)
    # 420 t × 92 % × 0.440 [set] = 170.02;  fuel: 86.4 万Nm3 × 389.31 × 0.0153 × 0.99 × 44/12
    #      = 1 868.13
    assert 420 * 0.92 * 0.440 == pytest.approx(170.02, abs=0.005)
    assert 86.4 * 389.31 * 0.0153 * 0.99 * 44 / 12 == pytest.approx(1_868.13, abs=0.005)
    # E = 1 868.13 + 53 787.33 + 9 610.60 + 170.02 = 65 436.08 tCO2e; / 36 520 t Al = 1.7918
    assert march["co2e_t"] == pytest.approx(65_436.08, abs=0.005)
    assert march["co2_t"] == pytest.approx(65_436.08 - 9_610.60, abs=0.005)  # CO2 alone
    assert march["intensity_tco2e_per_t"] == 1.7918
    # April by the slope: EF_CF4 = 0.143 × 0.021 = 0.003003; EF_C2F6 = 0.1 × 0.003003
    # 35 380.5 × (0.003003 × 6 630 + 0.0003003 × 11 100) × 10⁻³ = 35.3805 × 23.24322 = 822.36
    assert rows[("2025-04", "reported")]["co2e_pfc_t"] == pytest.approx(822.36, abs=0.005)
    assert "rows in 30 = accounted 30 + rejected 0" in err


def test_ac_power_is_an_auxiliary_item_never_in_the_intensity() -> None:
    # Trap 11.9: the ETS intensity is the ETS total per t Al; AC power is reported beside it.
    result = account_record(
        RECORD,
        method="aluminium-cets-2024",
        default_set="aluminium-cets-2024-s2",
        choices=(("gwp_set", "AR5"),),
    )
    march = result.totals.filter((pl.col("period") == "2025-03") & (pl.col("figure") == "reported"))
    row = march.row(0, named=True)
    # 48 936.8 万kWh = 489 368 MWh of AC power; 489 368 / 36 520 = 13.400 MWh/t (13 400 kWh/t)
    assert row["electrolysis_ac_MWh"] == pytest.approx(489_368.0)
    assert row["electricity_in_MWh"] == pytest.approx(496_200.0)
    assert row["electrolysis_ac_MWh"] / row["product_t"] == pytest.approx(13.400, abs=5e-4)
    assert row["intensity_tco2e_per_t"] == pytest.approx(row["co2e_t"] / 36_520, abs=5e-5)
    assert "electricity" not in result.by_source["source"].to_list()
    assert result.provenance["gwp_set"] == "AR5"
    # written outputs declare the intensity's unit as CO2e, not the "t" of its suffix
    assert column_unit("intensity_tco2e_per_t") == "tCO2e/t"
    defaults = {
        (d["material"], d["parameter"]): d["grade"] for d in result.provenance["defaults_used"]
    }
    assert defaults[("阳极效应", "cf4_per_t")] == "secondary (2)"
    assert defaults[("石灰石", "emission_factor")] == "secondary (2)"


def test_without_a_gwp_set_the_cli_stops(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sector", str(RECORD), *AL)
    assert code == 2 and "gwp_set" in err


def anode_record(tmp_path: Path, *parameters: tuple[str, float, str]) -> Path:
    """A one-month GBK record: aluminium liquid and a net anode with ``parameters``."""
    head = "企业代码,月份,工序,物料名称,类别,参数,数值,单位,获取方式,支撑材料"
    rows = [
        head,
        'F1,2025年3月,铝电解,铝液,产品产量,铝液产量,"100,000.00",t,实测,产量统计.xlsx',
        'F1,2025年3月,铝电解,预焙阳极,炭阳极,阳极净耗量,"41,100.00",t,实测,阳极台账.xlsx',
        *(
            f"F1,2025年3月,铝电解,预焙阳极,炭阳极,{p},{v},{u},实测,阳极化验.pdf"
            for p, v, u in parameters
        ),
    ]
    path = tmp_path / "阳极.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    return path


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ((), "sulfur_content (硫分), ash_content (灰分)"),
        ((("硫分", 2.0, "%"),), "ash_content (灰分)"),
    ],
)
def test_an_anode_without_sulfur_or_ash_is_an_error_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, given: tuple, named: str
) -> None:
    code, _, err = run(
        capsys, "sector", str(anode_record(tmp_path, *given)), "--method", "aluminium-cets-2024"
    )
    assert code == 1
    assert "预焙阳极, month 2025-03" in err and f"no {named}" in err
    assert "A-1 (sulfur S and ash A of the anode" in err and "aluminium-cets-2024-s2" in err


def test_t_a1_through_the_engine_full_and_platform_rounding(tmp_path: Path) -> None:
    # T-A1: 41 100 / 100 000 = NC 0.411; EF = 0.411 × 0.976 × 44/12 = 1.470832
    # full precision 147 083.20; platform profile (S(1), EF_anode to 2 dp first) 147 000.00
    record = anode_record(tmp_path, ("硫分", 2.0, "%"), ("灰分", 0.4, "%"))
    plain = account_record(record, method="aluminium-cets-2024")
    assert plain.total("2025-03", "co2_anode_t") == pytest.approx(147_083.20, abs=0.005)
    assert plain.total("2025-03", "intensity_tco2e_per_t") == 1.4708
    platform = account_record(
        record, method="aluminium-cets-2024", rounding="aluminium-cets-2024-platform"
    )
    assert platform.total("2025-03", "co2_anode_t") == pytest.approx(147_000.00, abs=0.005)
    full = platform.total("2025-03", "co2_anode_t", figure="full_precision")
    assert full == pytest.approx(147_083.20, abs=0.005)
    assert platform.provenance["rounding"]["grade"] == "secondary (1)"


def test_the_anode_defaults_apply_only_when_chosen(tmp_path: Path) -> None:
    record = anode_record(tmp_path)
    with pytest.raises(InputError, match="sulfur_content"):
        account_record(record, method="aluminium-cets-2024")
    chosen = account_record(
        record, method="aluminium-cets-2024", default_set="aluminium-cets-2024-s2"
    )
    assert chosen.total("2025-03", "co2_anode_t") == pytest.approx(147_083.20, abs=0.005)


def test_c2f6_copy_error_in_a_record_is_refused(tmp_path: Path) -> None:
    # Trap 11.5 / T-A6: C2F6 0.034 kg/t (10× the 0.0034) beside CF4 0.034.
    head = "企业代码,月份,工序,物料名称,类别,参数,数值,单位"
    rows = [
        head,
        "F1,2025年3月,铝电解,阳极效应,阳极效应,铝液产量,100000,t",
        "F1,2025年3月,铝电解,阳极效应,阳极效应,CF4排放因子,0.034,kg/t",
        "F1,2025年3月,铝电解,阳极效应,阳极效应,C2F6排放因子,0.034,kg/t",
    ]
    path = tmp_path / "pfc.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    with pytest.raises(InputError, match=r"阳极效应.*C2F6.*copy error"):
        account_record(path, method="aluminium-cets-2024", choices=(("gwp_set", "AR5"),))
    with pytest.raises(OptionError, match="no shipped CF4/C2F6"):
        account_record(path, method="aluminium-cets-2024", choices=(("gwp_set", "SAR"),))


def test_anode_effect_minutes_by_the_slope_and_their_unit(tmp_path: Path) -> None:
    # T-A5 from a record: AEM 0.02, slope 0.143, ratio 10 % → EF_CF4 0.00286, EF_C2F6 0.000286
    # E = 100 000 × (0.00286 × 6 630 + 0.000286 × 11 100) × 10⁻³ = 100 × 22.1364 = 2 213.64 tCO2e
    head = "企业代码,月份,工序,物料名称,类别,参数,数值,单位"
    rows = [
        head,
        "F1,2025年3月,铝电解,阳极效应,阳极效应,铝液产量,100000,t",
        "F1,2025年3月,铝电解,阳极效应,阳极效应,阳极效应持续时间,0.02,1",
        "F1,2025年3月,铝电解,阳极效应,阳极效应,斜率系数,0.143,1",
        "F1,2025年3月,铝电解,阳极效应,阳极效应,C2F6与CF4比值,10,%",
    ]
    path = tmp_path / "aem.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    result = account_record(path, method="aluminium-cets-2024", choices=(("gwp_set", "ar5"),))
    assert result.total("2025-03", "co2e_pfc_t") == pytest.approx(2_213.64, abs=0.005)
    # "min/d" would be read by pint as 1/1440: a unit on the minutes is refused, never converted.
    path.write_bytes("\r\n".join(rows).replace("0.02,1", "0.02,min/d").encode("gbk"))
    with pytest.raises(InputError, match="write 1 as its unit"):
        account_record(path, method="aluminium-cets-2024", choices=(("gwp_set", "AR5"),))
