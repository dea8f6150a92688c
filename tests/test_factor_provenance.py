"""Grades, documents, clauses and data years travel with every factor used (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import carbonacct
from carbonacct.emissions import combustion_table, grid_table, process_table
from carbonacct.energy import standard_coal_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangsu"
PROVENANCE = ("grade", "document", "clause", "data_year")


def test_every_row_of_the_example_factors_used_table_has_a_grade() -> None:
    fp = carbonacct.footprint(
        [EXAMPLE / "electricity_15min.parquet", EXAMPLE / "fuels.csv"],
        firms=EXAMPLE / "firms.csv",
    )
    used = fp.factors_used
    assert set(PROVENANCE) <= set(used.columns)
    assert used.height > 0
    assert used["grade"].null_count() == 0, used.filter(pl.col("grade").is_null())
    assert used["document"].null_count() == 0
    grid = used.filter(pl.col("factor") == "grid_co2")
    # the Jiangsu example is a 2024 account: the 2023 data year of 公告2025年第47号 is used
    assert grid["grade"].to_list() == ["official"] * grid.height
    assert set(grid["data_year"].to_list()) == {2023}
    assert grid["clause"].str.starts_with("表3").all()


def test_each_builder_carries_grade_document_clause_and_year() -> None:
    energy = standard_coal_table(["electricity", "raw_coal"])
    assert energy["grade"].to_list() == ["secondary (>=2)", "secondary (3)"]
    assert energy["document"].str.starts_with("GB/T 2589").all()
    combustion = combustion_table(["diesel"])
    row = combustion.row(0, named=True)
    assert (row["grade"], row["clause"]) == ("secondary (2)", "附录C 表C.1")
    grid = grid_table(["CN-ZJ"], [2022], "provincial")
    row = grid.row(0, named=True)
    assert (row["grid_ef"], row["grade"], row["data_year"]) == (0.5153, "secondary (2)", 2022)
    assert row["clause"].startswith("表3")
    process = process_table(["CaCO3"])
    assert process["clause"].to_list() == ["附录C 表C.2"]
    user = grid_table([None], [2024], 0.6)
    assert user["grade"].to_list() == ["user"]
    missing = grid_table(["CN-JS"], [2010], "provincial")
    assert missing["grade"].to_list() == [None]


def _one_firm(province: str, year: int = 2024, mwh: float = 1000.0) -> tuple[Any, Any]:
    readings = pl.DataFrame(
        {
            "firm_id": ["A"],
            "carrier": ["electricity"],
            "period": [str(year)],
            "value": [mwh],
            "unit": ["MWh"],
        }
    )
    return readings, pl.DataFrame({"firm_id": ["A"], "province": [province]})


@pytest.mark.parametrize(
    ("mode", "value", "used"),
    [
        ("ets", 0.5703, 2022),
        ("provincial", 0.5827, 2023),
        ("regional", 0.5500, 2023),
        ("national", 0.5306, 2023),
        ("national_excl_market", 0.6096, 2023),
    ],
)
def test_every_grid_mode_states_its_data_year_fallback(mode: str, value: float, used: int) -> None:
    readings, firms = _one_firm("江苏")
    fp = carbonacct.footprint(readings, firms=firms, method=carbonacct.Method(grid_factor=mode))  # type: ignore[arg-type]
    grid = fp.factors_used.filter(pl.col("factor") == "grid_co2").row(0, named=True)
    note = f"data year {used} used for 2024 (newest published not after it)"
    assert (grid["value"], grid["data_year"]) == (value, used)
    assert note in grid["source"]
    assert f"grid factor: {note}" in fp.quality.warnings
    # 1000 MWh × the factor
    assert fp.table["co2_electricity_t"].to_list() == pytest.approx([1000 * value])


def test_tibet_falls_back_to_its_grid_region_with_the_fallback_stated() -> None:
    readings, firms = _one_firm("西藏", year=2023)
    fp = carbonacct.footprint(readings, firms=firms)  # provincial, the default
    grid = fp.factors_used.filter(pl.col("factor") == "grid_co2").row(0, named=True)
    note = "CN-XZ (西藏) has no published provincial factor; its grid region grid-southwest used"
    # 西南 2023: 0.2472 tCO2/MWh (公告2025年第47号 表2); 1000 MWh × 0.2472
    assert (grid["value"], grid["clause"][:2]) == (0.2472, "表2")
    assert note in grid["source"]
    assert f"grid factor: {note}" in fp.quality.warnings
    assert fp.table["co2_electricity_t"].to_list() == pytest.approx([247.2])


@pytest.mark.parametrize(("province", "value"), [("蒙东", 0.5122), ("蒙西", 0.6361)])
def test_inner_mongolia_east_and_west_take_their_own_grid_region(
    province: str, value: float
) -> None:
    readings, firms = _one_firm(province, year=2023)
    fp = carbonacct.footprint(
        readings, firms=firms, method=carbonacct.Method(grid_factor="regional")
    )
    assert fp.table["co2_electricity_t"].to_list() == pytest.approx([1000 * value])
    # provincially both take 内蒙古's published factor, 0.6479 (2023)
    fp = carbonacct.footprint(readings, firms=firms)
    assert fp.table["co2_electricity_t"].to_list() == pytest.approx([647.9])


def test_inner_mongolia_in_regional_mode_asks_for_east_or_west() -> None:
    readings, firms = _one_firm("内蒙古", year=2023)
    fp = carbonacct.footprint(
        readings, firms=firms, method=carbonacct.Method(grid_factor="regional")
    )
    # no CO2 without the half of the grid; the energy is kept and the CO2 flagged missing
    assert fp.quality.rows_rejected == 0 and fp.quality.notes.get("co2_missing") == 1
    assert any("give the firm's province as 蒙东 or 蒙西" in w for w in fp.quality.warnings)


def test_corrected_labels() -> None:
    lib = carbonacct.default_library()
    grid = lib.get("mee-nbs-2025-47").data.filter(pl.col("region") == "CN")
    source = dict(zip(grid["variant"], grid["source"], strict=True))
    assert source["average"].startswith("表1 ")
    assert source["excl_market_nonfossil"].startswith("表4 ")
    assert source["fossil_only"].startswith("表5 ")
    # the GB/T 2589 set carries the 2008 table's values under the 2020 label: each row says so
    coal = lib.get("gbt2589-2020").data.filter(pl.col("subject") != "lng")
    assert coal["source"].str.contains("value of the 2008 table", literal=True).all()
    assert lib.get("mee-nbs-2024-12").manifest.source_url.endswith(
        "/202404/W020240412827267566470.pdf"
    )


def test_raw_coal_has_no_unverified_co2_default() -> None:
    lib = carbonacct.default_library()
    for parameter in ("ncv", "carbon_content", "oxidation_rate"):
        with pytest.raises(LookupError):
            lib.resolve(parameter, "原煤")
    assert any(
        n.startswith("原煤 (raw_coal) CO2 default")
        for n in lib.get("gbt32151-2024").manifest.not_shipped
    )
    assert combustion_table(["raw_coal"])["co2_per_unit"].to_list() == [None]


def test_electricity_footprint_factors_are_their_own_set_and_refused_for_scope2() -> None:
    lib = carbonacct.default_library()
    f = lib.resolve(
        "co2e_footprint_factor", "electricity", region="CN", year=2024, variant="average"
    )
    assert (f.value, f.unit, f.grade, f.set_id) == (
        0.5777,
        "kgCO2e/kWh",
        "official",
        "electricity-footprint",
    )
    hydro = lib.resolve(
        "co2e_footprint_factor", "electricity", region="CN", year=2023, variant="hydro"
    )
    assert (hydro.value, hydro.grade) == (0.0143, "secondary (1)")
    with pytest.raises(LookupError, match="refused for scope 2"):
        lib.resolve(
            "co2_factor", "electricity", region="CN", year=2024, sets=["electricity-footprint"]
        )
    # the default scope-2 search never reaches it: 2024 data takes the 2023 grid factor
    assert (
        lib.resolve("co2_factor", "electricity", region="CN", year=2024, variant="average").value
        == 0.5306
    )
