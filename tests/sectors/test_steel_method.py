"""The steel method (CETS—AG—03.01—V01—2024) on monthly records: worked examples.

Every expected figure is written out as the guideline's formula with the
inputs; factors not graded secondary (2) or better are passed explicitly.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.errors import InputError, OptionError
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "steel" / "月度存证_2025年2-3月.csv"
MATERIALS = ROOT / "examples" / "steel" / "materials.csv"
C = 44 / 12


def record(*rows: tuple[str, str, str, str, float, str], month: str = "2025-01") -> pl.DataFrame:
    """A long record from (material, category, process, parameter, value, unit)."""
    return pl.DataFrame(
        {
            "month": [month] * len(rows),
            "material": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "process": [r[2] for r in rows],
            "parameter": [r[3] for r in rows],
            "value": [float(r[4]) for r in rows],
            "unit": [r[5] for r in rows],
        }
    )


def test_t_s5_eaf_plant_process_and_products_with_the_shipped_set() -> None:
    """Reference §4.6 T-S5 (D, new factor set)."""
    rec = record(
        ("电极", "process", "", "quantity", 1000, "t"),
        ("废钢", "process", "", "quantity", 100000, "t"),
        ("直接还原铁", "process", "", "quantity", 20000, "t"),
        ("石灰石", "process", "", "quantity", 5000, "t"),
        ("粗钢", "carbon_product", "", "quantity", 110000, "t"),
    )
    r = account_record(rec, method="steel-cets-2024", oxidation="none")
    e_proc = 1000 * 3.663 + 100000 * 0.037 + 20000 * 0.073 + 5000 * 0.440
    assert e_proc == pytest.approx(3663.00 + 3700.00 + 1460.00 + 2200.00)  # 11 023.00
    e_prod = 110000 * 0.037  # 4 070.00
    assert r.total("2025-01", "co2_process_t") == pytest.approx(11023.00, abs=1e-9)
    assert r.total("2025-01", "co2_carbon_products_t") == pytest.approx(e_prod, abs=1e-9)
    assert r.total("2025-01", "co2_t") == pytest.approx(6953.00, abs=1e-9)
    # intensity S-6: 6 953.00 / 110 000 = 0.063209… → 0.0632
    assert r.total("2025-01", "intensity_tco2_per_t") == 0.0632
    used = {d["material"]: (d["value"], d["grade"]) for d in r.provenance["defaults_used"]}
    assert used["电极"] == (3.663, "secondary (3)") and used["粗钢"] == (0.037, "secondary (2)")


@pytest.mark.parametrize(
    ("oxidation", "rows", "expected"),
    [
        # 1 000 × 389.31 × 0.01532 × 44/12 = 21 868.8408 → 21 868.84
        ("none", [], 21868.84),
        # × 0.99 = 21 650.1524 → 21 650.15
        ("applied", [("天然气", "fuel", "", "oxidation_rate", 99, "%")], 21650.15),
    ],
)
def test_t_s6_natural_gas_with_and_without_oxidation(
    oxidation: str, rows: list[tuple[str, str, str, str, float, str]], expected: float
) -> None:
    """Reference §4.6 T-S6 (D): NCV and CC passed explicitly (not in the steel set)."""
    rec = record(
        ("天然气", "fuel", "", "quantity", 1000, "万Nm3"),
        ("天然气", "fuel", "", "ncv", 389.31, "GJ/万Nm3"),
        ("天然气", "fuel", "", "carbon_content_per_heat", 0.01532, "tC/GJ"),
        *rows,
    )
    r = account_record(rec, method="steel-cets-2024", oxidation=oxidation)
    assert r.total("2025-01", "co2_combustion_t") == expected
    full = 1000 * 389.31 * 0.01532 * C * (0.99 if rows else 1.0)
    assert r.total("2025-01", "co2_combustion_t", figure="full_precision") == pytest.approx(full)


def test_done_when_integrated_plant_march_2025() -> None:
    """Issue 14's steel case: 5 fuels at measured NCV and CC, 12 process materials, 3 products.

    The example record (GBK CSV, Chinese headers, months written 2025年3月);
    dolomite's factor is declared in materials (0.471 vs 0.476 conflict: never shipped).
    Each line to 0.01 t (reference §4.4), then summed.
    """
    r = account_record(EXAMPLE, method="steel-cets-2024", oxidation="none", materials=MATERIALS)
    combustion = [
        52000 * 28.512 * 0.02951 * C,  # 焦炭 160 424.8589 → 160 424.86
        14000 * 25.024 * 0.02752 * C,  # 无烟煤 35 351.2380 → 35 351.24
        9500 * 23.736 * 0.02573 * C,  # 烟煤 21 273.6669 → 21 273.67
        1850 * 386.20 * 0.01531 * C,  # 天然气 (万Nm3) 40 107.9642 → 40 107.96
        420 * 42.652 * 0.02020 * C,  # 柴油 (420 000 kg) 1 326.8184 → 1 326.82
    ]
    assert [round(x, 2) for x in combustion] == [160424.86, 35351.24, 21273.67, 40107.96, 1326.82]
    e_fuel = 160424.86 + 35351.24 + 21273.67 + 40107.96 + 1326.82  # 258 484.55
    e_proc = (
        38000 * 0.440  # 石灰石 16 720.00
        + 12500 * 0.471  # 白云石 (declared) 5 887.50
        + 420 * 3.663  # 电极 1 538.46
        + 8000 * 0.172  # 生铁 1 376.00
        + 1500 * 0.073  # 直接还原铁 109.50
        + 65000 * 0.037  # 废钢 2 405.00
        + 300 * 0.037  # 镍铁合金 11.10
        + 250 * 0.348  # 高碳铬铁 87.00
        + 40 * 0.018  # 钼铁合金 0.72
        + 900 * 0.007  # 硅铁合金 6.30
        + 1100 * 0.092  # 锰硅合金 101.20
        + 150 * 0.004  # 微碳锰铁 0.60
    )  # 28 243.38
    e_prod = 210000 * 0.037 + 2300 * 3.382 + 8600 * 2.699  # 7 770.00 + 7 778.60 + 23 211.40
    assert r.total("2025-03", "co2_combustion_t") == pytest.approx(258484.55, abs=1e-6)
    assert r.total("2025-03", "co2_combustion_t") == pytest.approx(e_fuel, abs=1e-6)
    assert r.total("2025-03", "co2_process_t") == pytest.approx(e_proc, abs=1e-6)
    assert r.total("2025-03", "co2_carbon_products_t") == pytest.approx(e_prod, abs=1e-6)
    # S-4: 258 484.55 + 28 243.38 − 38 760.00 = 247 967.93
    assert r.total("2025-03", "co2_t") == pytest.approx(247967.93, abs=1e-6)
    # S-6: 247 967.93 / 210 000 = 1.18079… → 1.1808
    assert r.total("2025-03", "intensity_tco2_per_t") == 1.1808
    assert r.quality.rows_in == 60 and r.quality.balanced and r.quality.rows_rejected == 0


def test_s5_processes_sum_to_the_enterprise_total() -> None:
    r = account_record(EXAMPLE, method="steel-cets-2024", oxidation="none", materials=MATERIALS)
    march = r.by_process.filter(pl.col("period") == "2025-03")
    assert set(march["process"]) == {
        "coking",
        "ironmaking",
        "sintering",
        "steelmaking",
        "rolling",
        "other",
    }
    assert march["co2_reported_t"].sum() == pytest.approx(r.total("2025-03"), abs=1e-6)
    # the year is February + March, each from its rounded lines
    assert r.total("2025") == pytest.approx(r.total("2025-02") + r.total("2025-03"), abs=1e-6)


def test_parameter_table_says_what_is_measured_declared_and_default() -> None:
    r = account_record(EXAMPLE, method="steel-cets-2024", oxidation="none", materials=MATERIALS)
    p = r.parameters.filter(pl.col("month") == "2025-03")
    status = {(m, par): s for m, par, s in p.select("material", "parameter", "status").iter_rows()}
    assert status[("焦炭", "ncv")] == "measured"
    assert status[("白云石", "emission_factor")] == "declared"
    assert status[("电极", "emission_factor")] == "default"
    assert status[("生铁", "quantity")] == "calculated"
    dolomite = p.filter(pl.col("material") == "白云石").filter(pl.col("parameter") != "quantity")
    assert dolomite["source"][0].startswith("materials row 2: CETS—AG—03.01")
    assert r.provenance["sector_method"]["id"] == "steel-cets-2024"
    assert r.provenance["default_set"]["grade"] == "secondary"
    assert any("dolomite" in s for s in r.provenance["default_set"]["not_shipped"])


def test_oxidation_has_no_silent_default() -> None:
    with pytest.raises(OptionError, match=r"graded C.*oxidation='none'"):
        account_record(EXAMPLE, method="steel-cets-2024")


def test_dolomite_is_required_from_the_user_naming_material_month_and_clause() -> None:
    with pytest.raises(InputError) as err:
        account_record(EXAMPLE, method="steel-cets-2024", oxidation="none")
    text = str(err.value)
    assert "白云石" in text and "2025-02" in text and "emission_factor" in text and "S-2" in text


def test_applied_oxidation_needs_the_rates() -> None:
    with pytest.raises(InputError, match=r"oxidation_rate \(碳氧化率\).*S-1"):
        account_record(EXAMPLE, method="steel-cets-2024", oxidation="applied", materials=MATERIALS)


def test_bituminous_carbon_content_is_not_shipped() -> None:
    rec = record(
        ("烟煤", "fuel", "", "quantity", 100, "t"),
        ("烟煤", "fuel", "", "ncv", 23.736, "GJ/t"),
    )
    with pytest.raises(InputError, match=r"烟煤.*carbon_content_per_heat"):
        account_record(rec, method="steel-cets-2024", oxidation="none")


def test_plausibility_bound_refuses_a_factor_and_names_the_bound() -> None:
    rec = record(
        ("电极", "process", "", "quantity", 100, "t"),
        ("电极", "process", "", "emission_factor", 36.63, "tCO2/t"),
    )
    with pytest.raises(InputError, match=r"电极, month 2025-01.*36.63.*\[0.0001, 3.6667\]"):
        account_record(rec, method="steel-cets-2024", oxidation="none")


def test_negative_output_is_refused() -> None:
    rec = record(("粗钢", "carbon_product", "", "quantity", -5, "t"))
    with pytest.raises(InputError, match=r"粗钢.*quantity -5 t is outside"):
        account_record(rec, method="steel-cets-2024", oxidation="none")


def test_carbon_product_by_its_carbon_content() -> None:
    # a product without a shipped factor, by its measured carbon: 1 000 t × 0.5 % C × 44/12
    rec = record(
        ("铁合金渣", "carbon_product", "", "quantity", 1000, "t"),
        ("铁合金渣", "carbon_product", "", "carbon_content", 0.5, "%"),
    )
    r = account_record(rec, method="steel-cets-2024", oxidation="none")
    assert r.total("2025-01", "co2_carbon_products_t") == round(1000 * 0.005 * C, 2)  # 18.33
    missing = record(("甲醇", "carbon_product", "", "quantity", 50, "t"))
    with pytest.raises(InputError, match=r"甲醇.*S-3.*carbon_content"):
        account_record(missing, method="steel-cets-2024", oxidation="none")


def test_rejected_rows_are_counted_not_dropped() -> None:
    rec = record(
        ("电极", "process", "", "quantity", 100, "t"),
        ("电极", "process", "", "quantity", 100, "t"),  # duplicate
        ("焦炭", "燃料x", "", "quantity", 5, "t"),  # unknown category
        ("石灰石", "process", "", "quantity", 10, "m3"),  # a volume for a flux
    )
    with pytest.raises(carbonacct.errors.RejectedRowsError, match="4 row"):
        account_record(rec, method="steel-cets-2024", oxidation="none")
    rec = rec.vstack(record(("废钢", "process", "", "quantity", 1000, "t")))
    r = account_record(rec, method="steel-cets-2024", oxidation="none", strict=False)
    assert (r.quality.rows_in, r.quality.rows_accounted, r.quality.rows_rejected) == (5, 1, 4)
    assert r.total("2025-01") == 37.0  # 1 000 × 0.037
    assert r.rejects["reject_reason"].str.contains("duplicate").sum() == 2


def test_default_set_none_requires_every_factor() -> None:
    rec = record(("电极", "process", "", "quantity", 100, "t"))
    with pytest.raises(InputError, match="电极"):
        account_record(rec, method="steel-cets-2024", oxidation="none", default_set="none")


def test_unknown_method_names_the_methods() -> None:
    with pytest.raises(OptionError, match="steel-cets-2024"):
        account_record(EXAMPLE, method="steel")


def test_reported_figures_round_parameters_as_the_guideline_prints_them() -> None:
    """§4.4: NCV to 3 dp and CC to 5 dp before the line, the line to 0.01 t; full precision apart."""
    rec = record(
        ("焦炭", "fuel", "", "quantity", 1000.004, "t"),
        ("焦炭", "fuel", "", "ncv", 28.43549, "GJ/t"),
        ("焦炭", "fuel", "", "carbon_content_per_heat", 0.029424, "tC/GJ"),
    )
    r = account_record(rec, method="steel-cets-2024", oxidation="none")
    # reported: 1 000.00 × 28.435 × 0.02942 × 44/12 = 3 067.3782… → 3 067.38
    assert r.total("2025-01", "co2_combustion_t") == 3067.38
    full = 1000.004 * 28.43549 * 0.029424 * C  # 3 067.8604…
    assert r.total("2025-01", "co2_combustion_t", figure="full_precision") == pytest.approx(full)
    line = account_record(rec, method="steel-cets-2024", oxidation="none", rounding="line_0.01t")
    assert line.total("2025-01", "co2_combustion_t") == round(full, 2) == 3067.86


def test_annual_records_of_two_firms_and_crude_steel_as_output_and_product() -> None:
    rec = pl.DataFrame(
        {
            "企业代码": ["A", "A", "A", "B", "B"],
            "年份": ["2024年", "2024年", "2024年", "2024", "2024"],
            "物料": ["电极", "粗钢", "粗钢", "废钢", "粗钢"],
            "类别": ["过程", "含碳产品", "产品产量", None, None],
            "参数": ["用量", "产量", "产量", "用量", "产量"],
            "数值": ["100", "1000", "1000", "2,000", "5000"],
            "单位": ["t", "t", "t", "吨", "吨"],
        }
    )
    r = account_record(rec, method="steel-cets-2024", oxidation="none")
    a = r.totals.filter((pl.col("firm_id") == "A") & (pl.col("figure") == "reported")).row(
        0, named=True
    )
    b = r.totals.filter((pl.col("firm_id") == "B") & (pl.col("figure") == "reported")).row(
        0, named=True
    )
    # A: 100 × 3.663 − 1 000 × 0.037 = 329.30, per 1 000 t (the output line, counted once)
    assert (a["period"], a["co2_t"], a["product_t"], a["intensity_tco2_per_t"]) == (
        "2024",
        329.30,
        1000.0,
        0.3293,
    )
    # B: 2 000 × 0.037 − 5 000 × 0.037 = −111.00, per 5 000 t (crude steel as the product)
    assert (b["co2_t"], b["product_t"], b["intensity_tco2_per_t"]) == (-111.0, 5000.0, -0.0222)


def test_a_carbon_content_without_its_unit_is_not_guessed() -> None:
    rec = record(
        ("铁合金渣", "carbon_product", "", "quantity", 1000, "t"),
        ("铁合金渣", "carbon_product", "", "carbon_content", 0.5, ""),  # 0.5 tC/t or 0.5 %?
    )
    with pytest.raises(carbonacct.errors.RejectedRowsError, match="no unit for carbon_content"):
        account_record(rec, method="steel-cets-2024", oxidation="none")
