"""Grades, documents, clauses and data years travel with every factor used (issue 18)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

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
