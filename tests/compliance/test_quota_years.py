"""GB quota grades by year: a standard applies from its year in force (the publication year where
the reference gives no implementation date, said in the result); above grade 3 while in force is
always exceeds_limit and breach; the exceptions name the standard and its grade-3 value (issue 13,
outside re-trial 2, new finding 2 and hand-trial 2 #6)."""

from __future__ import annotations

import polars as pl
import pytest

from carbonacct import check

FIRMS = pl.DataFrame(
    {
        "firm_id": ["STL", "GLS"],
        "name": ["冀钢联合厂", "苏玻璃厂"],
        "province": ["河北", "江苏"],
        "sector": ["C3110", "C3041"],
    }
)


def _actuals(*rows: tuple[str, int, str, float, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "firm_id": f,
                "year": y,
                "metric": "product_energy_intensity",
                "product": p,
                "value": v,
                "unit": u,
            }
            for f, y, p, v, u in rows
        ]
    )


def _row(frame: pl.DataFrame, **where: object) -> dict:  # type: ignore[type-arg]
    hit = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert hit.height == 1, hit
    return hit.row(0, named=True)


def test_blast_furnace_above_grade_3_by_year() -> None:
    result = check(
        FIRMS,
        _actuals(
            ("STL", 2022, "blast_furnace_iron", 417.13, "kgce/t"),
            ("STL", 2024, "blast_furnace_iron", 417.07, "kgce/t"),
            ("STL", 2025, "blast_furnace_iron", 417.0, "kgce/t"),
            ("STL", 2026, "blast_furnace_iron", 427.709, "kgce/t"),
        ),
        pathways=[],
    )
    p = result.products
    # GB 21256-2025 表3 grades 361 / 370 / 415; no 标杆/基准 of the blast furnace is shipped.
    # 2022 and 2024: the 2025 standard is not yet applied (from 2025, its publication year):
    # no grade, not_covered with the reason — never on_track for a furnace above every grade
    for year in (2022, 2024):
        early = _row(p, check_year=year)
        assert (early["status"], early["gb_grade"], early["exceeds_limit"]) == (
            "not_covered",
            None,
            False,
        )
        assert "GB 21256-2025 is applied from 2025" in early["missing"]
        assert "publication year" in early["missing"] and str(year) in early["missing"]
    # 2025: 417.0 > 415 while in force: exceeds the limit, breach (gap (417 − 415)/415)
    now = _row(p, check_year=2025)
    assert (now["status"], now["exceeds_limit"], now["gb_grade"]) == ("breach", True, None)
    assert now["gap_rel"] == pytest.approx((417.0 - 415.0) / 415.0)
    assert now["required"] == 415.0 and now["rule"] == "GB 21256-2025 表3 grade 3 (限定值)"
    # hand-trial 2 #6: 427.709 in 2026 > 415: the exceptions row names the rule and the limit
    exc = _row(result.exceptions, firm_id="STL", check_year=2026)
    assert exc["status"] == "breach"
    assert exc["rule_id"] == "GB 21256-2025 表3 grade 3 (限定值)" and exc["required"] == 415.0
    assert "427.709 > 415" in exc["missing"]
    assert "GB 21256-2025 表3, secondary (1)" in exc["source_ref"]  # the source and its grade


def test_flat_glass_grade_3_breach_names_its_standard() -> None:
    # GB 21340-2019 表1, 500–800 t/d: grade 3 = 13.5 kgce/重量箱; 14.0 > 13.5 in 2025
    result = check(
        FIRMS,
        _actuals(("GLS", 2025, "flat_glass_500_800", 14.0, "kgce/重量箱")),
        pathways=[],
    )
    exc = _row(result.exceptions, firm_id="GLS")
    assert exc["status"] == "breach"
    assert exc["rule_id"] == "GB 21340-2019 表1 grade 3 (限定值)" and exc["required"] == 13.5
    assert exc["gap_rel"] == pytest.approx((14.0 - 13.5) / 13.5)


def test_clinker_keeps_its_baseline_as_the_rule_within_grade_3() -> None:
    # 116 kgce/t in 2026: within the 基准 117 (ndrc-1609-2021) and GB 16780-2021 grade 3 (117):
    # on_track; 118 > 117: breach of both, the GB grade 3 is the binding limit cited
    firms = pl.DataFrame(
        {
            "firm_id": ["A", "B"],
            "name": ["a", "b"],
            "province": ["安徽"] * 2,
            "sector": ["C3011"] * 2,
        }
    )
    result = check(
        firms,
        _actuals(
            ("A", 2026, "cement_clinker", 116.0, "kgce/t"),
            ("B", 2026, "cement_clinker", 118.0, "kgce/t"),
        ),
        pathways=[],
    )
    a = _row(result.products, firm_id="A")
    assert (a["status"], a["required"], a["rule"]) == ("on_track", 117.0, "ndrc-1609-2021")
    b = _row(result.exceptions, firm_id="B")
    assert (b["status"], b["required"], b["rule_id"]) == (
        "breach",
        117.0,
        "GB 16780-2021 表2 grade 3 (限定值)",
    )


def test_a_blast_furnace_only_plant_is_not_covered_by_the_crude_steel_target() -> None:
    # STL makes iron only (2024, 2025: 365 kgce/t, GB 21256-2025 grade 2 in 2025); the
    # steel-2024-plan crude-steel target cannot apply to it: not_covered with why, never
    # insufficient_data (which would read as a crude-steel figure it failed to give)
    result = check(
        FIRMS.filter(pl.col("firm_id") == "STL"),
        _actuals(
            ("STL", 2024, "blast_furnace_iron", 365.0, "kgce/t"),
            ("STL", 2025, "blast_furnace_iron", 365.0, "kgce/t"),
        ),
        pathways=["steel-2024-plan"],
    )
    steel = result.results.filter(pl.col("product") == "crude_steel")
    assert steel.height > 0
    for row in steel.iter_rows(named=True):
        assert row["status"] == "not_covered"
        assert "no figure or output of crude_steel in any year" in row["missing"]
    assert _row(result.products, check_year=2025)["gb_grade"] == 2  # 361 < 365 ≤ 370
    assert result.firms.row(0, named=True)["status"] == "on_track"
