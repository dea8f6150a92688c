"""Findings of the outside trial of the sector engine and the steel method, one test each.

Fixtures under ``fixtures/`` are the testers' own files (or a line-for-line
variant named for what it changes).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carbonacct.errors import InputError
from carbonacct.sectors import account_record

FIXTURES = Path(__file__).parent / "fixtures"
C = 44 / 12


def _reported(r, period: str) -> dict:  # type: ignore[no-untyped-def]
    return r.totals.filter((pl.col("period") == period) & (pl.col("figure") == "reported")).row(
        0, named=True
    )


@pytest.mark.parametrize("name", ["wide_unit_no_space.csv", "wide_unit_after_space.csv"])
def test_finding_1_a_wide_header_with_a_space_before_its_unit_is_read(name: str) -> None:
    r = account_record(FIXTURES / name, method="steel-cets-2024", oxidation="none")
    # the measured coke values, not the shipped defaults (28.435 GJ/t, 0.02942 tC/GJ):
    # 41 250.5 t × 28.447 GJ/t × 0.02938 tC/GJ × 44/12 = 126 412.18 tCO2
    assert _reported(r, "2025-01")["co2_combustion_t"] == 126412.18
    assert r.quality.rows_in == 4
    coke = r.parameters.filter(pl.col("material") == "焦炭")
    assert set(coke["status"]) == {"record"}


def test_finding_1_a_header_with_a_unit_naming_no_parameter_is_refused() -> None:
    rec = (FIXTURES / "wide_unit_after_space.csv").read_text(encoding="utf-8")
    rec = rec.replace("低位发热量 (GJ/t)", "低位热值量 (GJ/t)")
    with pytest.raises(InputError, match=r"低位热值量.*names no parameter"):
        account_record(pl.read_csv(rec.encode()), method="steel-cets-2024", oxidation="none")


def test_finding_2_a_month_without_output_gives_no_year_intensity_and_is_named() -> None:
    r = account_record(
        FIXTURES / "steel_no_crude_in_march_gbk.csv",
        method="steel-cets-2024",
        oxidation="none",
        materials=FIXTURES / "steel_materials_dolomite.csv",
    )
    jan, feb, mar = (_reported(r, f"2025-0{m}") for m in (1, 2, 3))
    year = _reported(r, "2025")
    # January and February divide like by like: 309 449.69 / 182 000, 290 405.30 / 171 500
    assert jan["intensity_tco2_per_t"] == 1.7003
    assert feb["intensity_tco2_per_t"] == 1.6933
    assert mar["product_t"] is None and mar["intensity_tco2_per_t"] is None
    # three months' emissions over two months' output (931 762.97 / 353 500 = 2.6358) is refused
    assert year["co2_t"] == 931762.97
    assert year["intensity_tco2_per_t"] is None
    (warning,) = [w for w in r.quality.warnings if "product output" in w]
    assert "2025-03" in warning and "2025-01" not in warning and "year 2025" in warning


def _long(*rows: tuple[str, str, str, str, float, str], month: str = "2025-01") -> pl.DataFrame:
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


def _run(*rows: tuple[str, str, str, str, float, str]):  # type: ignore[no-untyped-def]
    return account_record(_long(*rows), method="steel-cets-2024", oxidation="none")


def test_finding_4_measured_elemental_carbon_wins_and_ncv_cc_are_listed_not_dropped() -> None:
    r = account_record(
        FIXTURES / "steel_coke_carbon_measured_gbk.csv",
        method="steel-cets-2024",
        oxidation="none",
        materials=FIXTURES / "steel_materials_dolomite.csv",
    )
    coke = r.lines.filter((pl.col("month") == "2025-01") & (pl.col("material") == "焦炭"))
    assert coke["formula"].to_list() == ["S-1′"]
    # S-1′: 41 250.50 t × 0.8521 tC/t × 44/12 (was 41 250.50 × 28.447 × 0.02938 × 44/12)
    assert coke["co2_t"][0] == pytest.approx(41250.50 * 0.8521 * C, rel=1e-12)
    # the NCV and CC rows of that month are listed with why, counted, never dropped
    assert r.quality.rows_in == r.quality.rows_accounted + r.quality.rows_rejected
    assert sorted(r.rejects["parameter"]) == ["carbon_content_per_heat", "ncv"]
    assert all("S-1′" in w for w in r.rejects["reject_reason"])
    assert r.quality.rows_rejected == 2


def test_finding_4_a_parameter_the_method_does_not_use_is_flagged() -> None:
    r = _run(
        ("电极", "process", "炼钢", "quantity", 355, "t"),
        ("电极", "process", "炼钢", "ash_content", 0.3, "%"),
        ("粗钢", "product_output", "炼钢", "quantity", 10000, "t"),
    )
    (reason,) = r.rejects.filter(pl.col("parameter") == "ash_content")["reject_reason"]
    assert "not used by this method" in reason
    assert (r.quality.rows_in, r.quality.rows_accounted, r.quality.rows_rejected) == (3, 2, 1)
    # 355 t × 3.663 tCO2/t (the shipped electrode factor) = 1 300.365
    assert r.total("2025-01", "co2_process_t", figure="full_precision") == pytest.approx(
        355 * 3.663
    )


def _steel(name: str, **kw: object):  # type: ignore[no-untyped-def]
    return account_record(
        FIXTURES / name,
        method="steel-cets-2024",
        oxidation="none",
        materials=FIXTURES / "steel_materials_dolomite.csv",
        **kw,  # type: ignore[arg-type]
    )


def test_finding_5_a_month_falling_back_to_the_default_is_named() -> None:
    r = _steel("steel_coke_ncv_missing_in_march_gbk.csv")
    march = r.parameters.filter(
        (pl.col("material") == "焦炭")
        & (pl.col("month") == "2025-03")
        & (pl.col("parameter") == "ncv")
    )
    assert march["status"].to_list() == ["default"]
    (warning,) = [w for w in r.quality.warnings if "default ncv" in w]
    assert "焦炭" in warning and "2025-03" in warning and "2025-01" not in warning


def test_finding_5_a_process_without_its_own_values_is_named() -> None:
    r = _steel("steel_coke_sintering_without_params_gbk.csv")
    warnings = [w for w in r.quality.warnings if "焦炭" in w and "sintering" in w]
    assert {w.split("default ")[1].split(" ")[0] for w in warnings} == {
        "ncv",
        "carbon_content_per_heat",
    }


def test_finding_12_an_oxidation_rate_under_oxidation_none_is_noted_not_applied() -> None:
    r = _run(
        ("焦炭", "fuel", "炼铁", "quantity", 1000, "t"),
        ("焦炭", "fuel", "炼铁", "oxidation_rate", 98, "%"),
        ("粗钢", "product_output", "炼钢", "quantity", 10000, "t"),
    )
    (reason,) = r.rejects.filter(pl.col("parameter") == "oxidation_rate")["reject_reason"]
    assert reason == "given but not applied (oxidation none)"
    # 1 000 t × 28.435 GJ/t × 0.02942 tC/GJ × 44/12 (the shipped coke values), no × 0.98
    assert r.total("2025-01", "co2_combustion_t", figure="full_precision") == pytest.approx(
        1000 * 28.435 * 0.02942 * C
    )


def test_finding_3_a_month_100_times_the_median_of_the_others_is_named() -> None:
    r = _steel("steel_coke_in_kg_labelled_t_gbk.csv")
    # January's coke written in kg under "t": 41 250 500 against 38 900.25 and 44 120.75
    (warning,) = [w for w in r.quality.warnings if "median" in w]
    median = (38900.25 + 44120.75) / 2  # 41 510.5
    assert warning.startswith("焦炭 in 2025-01: 41,250,500 t")
    assert f"{41250500 / median:.0f}×" in warning and "41,510.5 t" in warning


def test_finding_9_a_partial_year_says_the_months_it_covers() -> None:
    r = _steel("steel_no_crude_in_march_gbk.csv")
    assert _reported(r, "2025")["months"] == 3
    assert _reported(r, "2025-02")["months"] == 1
    assert any(
        w == "2025 covers 3 of 12 months (2025-01, 2025-02, 2025-03): its year row sums those "
        "months only (column months)"
        for w in r.quality.warnings
    )


def test_finding_11_total_of_a_missing_intensity_is_none_and_of_two_firms_a_ratio() -> None:
    r = _steel("steel_no_crude_in_march_gbk.csv")
    assert r.total("2025-03", "intensity_tco2_per_t") is None  # was a bare TypeError
    assert r.total("2025-01", "intensity_tco2_per_t") == 1.7003
    rec = pl.concat(
        [
            _long(
                ("电极", "process", "", "quantity", 100, "t"),
                ("粗钢", "product_output", "", "quantity", 1000, "t"),
            ),
            _long(
                ("电极", "process", "", "quantity", 300, "t"),
                ("粗钢", "product_output", "", "quantity", 1000, "t"),
            ),
        ]
    ).with_columns(pl.Series("firm_id", ["A", "A", "B", "B"]))
    two = account_record(rec, method="steel-cets-2024", oxidation="none")
    # (100 + 300) × 3.663 / (1 000 + 1 000) = 0.7326, not the sum 0.3663 + 1.0989
    assert two.total("2025-01", "intensity_tco2_per_t") == 0.7326


def test_finding_13_no_carbon_products_is_zero_not_negative_zero() -> None:
    import math

    r = _run(
        ("电极", "process", "", "quantity", 100, "t"),
        ("粗钢", "product_output", "", "quantity", 1000, "t"),
    )
    for value in r.totals["co2_carbon_products_t"]:
        assert value == 0.0 and math.copysign(1.0, value) == 1.0


def test_finding_10_duplicates_name_the_rows_and_values_that_collided() -> None:
    r = _steel("steel_limestone_twice_in_january_gbk.csv", strict=False)
    reasons = set(r.rejects["reject_reason"])
    (reason,) = reasons
    assert reason.endswith(
        "rows 17, 92 of "
        + str(FIXTURES / "steel_limestone_twice_in_january_gbk.csv")
        + " give 30,120.00 and 29000"
    )
    summary = r.quality.summary()
    assert not any(line.rstrip().endswith(":") for line in summary.splitlines())


def test_finding_10_values_under_another_process_tag_say_the_tags_differ() -> None:
    from carbonacct.errors import RejectedRowsError

    with pytest.raises(
        RejectedRowsError,
        match=r"under process ''; its quantity is under process 'ironmaking': the process \(工序\) tags differ",
    ):
        _steel("steel_coke_params_without_process_gbk.csv")


def test_finding_16_the_readme_grades_the_steel_rounding_profile() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    steel = readme[readme.index("E = fuel (S-1") : readme.index("Shipped defaults (`steel")]
    text = " ".join(steel.split())
    assert "secondary (1)" in text and "`full_precision` rows" in text


def test_finding_14_electricity_is_an_auxiliary_amount_not_a_zero_source() -> None:
    r = _run(
        ("电极", "process", "炼钢", "quantity", 100, "t"),
        ("电力", "electricity", "炼钢", "quantity", 5000, "MWh"),
        ("粗钢", "product_output", "炼钢", "quantity", 1000, "t"),
    )
    assert set(r.by_source["source"]) == {"process"}
    assert set(r.by_process["source"]) == {"process"}
    assert _reported(r, "2025-01")["electricity_in_MWh"] == 5000
