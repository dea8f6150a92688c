"""Golden outputs of the bundled example (the README's first command).

The CSVs under ``tests/data/golden/`` pin the numbers the code gave when they
were written: a refactoring must leave them equal (relative tolerance 1e-9).
A deliberate change of a number regenerates them (``CARBONACCT_REGOLD=1``)
and names the change in its commit.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

import carbonacct

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangsu"
GOLDEN = Path(__file__).parent / "data" / "golden"
RTOL = 1e-9

#: The columns of the check results pinned here (the text columns naming
#: sources belong to the pathway data and may be reworded).
CHECK_COLUMNS = (
    "firm_id",
    "pathway",
    "metric",
    "check_year",
    "base_year",
    "actual",
    "required",
    "unit",
    "status",
    "gap_abs",
    "gap_rel",
    "target_year",
)


def _footprint(period: str) -> carbonacct.Footprint:
    return carbonacct.footprint(
        [EXAMPLE / "electricity_15min.parquet", EXAMPLE / "fuels.csv"],
        firms=EXAMPLE / "firms.csv",
        activity=EXAMPLE / "activity.csv",
        method=carbonacct.Method(period=period, steam_enthalpy_kJ_per_kg=2780),
    )


@pytest.fixture(scope="module")
def yearly() -> carbonacct.Footprint:
    return _footprint("year")


def assert_golden(frame: pl.DataFrame, name: str) -> None:
    """``frame`` equals the golden CSV ``name``: text exactly, numbers to RTOL."""
    path = GOLDEN / f"{name}.csv"
    # paths in messages are this checkout's: pinned relative to it
    frame = frame.with_columns(
        pl.col(c).str.replace_all(str(ROOT) + "/", "", literal=True)
        for c, t in frame.schema.items()
        if t == pl.String
    )
    if os.environ.get("CARBONACCT_REGOLD"):
        frame.write_csv(path)
    golden = pl.read_csv(path, infer_schema=False)
    assert list(golden.columns) == [c for c in frame.columns if c in golden.columns], name
    missing = set(golden.columns) - set(frame.columns)
    assert not missing, f"{name}: columns gone: {missing}"
    assert frame.height == golden.height, f"{name}: {frame.height} rows, golden {golden.height}"
    for col in golden.columns:
        got = frame[col]
        want = golden[col]
        if got.dtype.is_numeric():
            want_f = want.cast(pl.Float64)
            got_f = got.cast(pl.Float64)
            assert (got_f.is_null() == want_f.is_null()).all(), f"{name}.{col}: nulls differ"
            diff = ((got_f - want_f).abs() <= RTOL * want_f.abs() + 1e-12).fill_null(True)
            assert diff.all(), f"{name}.{col}: {got_f.to_list()} != {want_f.to_list()}"
        else:
            assert got.cast(pl.String).to_list() == want.to_list(), f"{name}.{col}"


def test_footprint_yearly(yearly: carbonacct.Footprint) -> None:
    assert_golden(yearly.table, "footprint_year")
    assert yearly.intensities is not None
    assert_golden(yearly.intensities, "intensities_year")
    assert_golden(yearly.quality.to_frame(), "quality_year")
    assert_golden(
        yearly.factors_used.select(
            "factor", "carrier", "scope", "value", "unit", "factor_set"
        ).sort("factor", "carrier", "scope"),
        "factors_used_year",
    )


def test_footprint_monthly() -> None:
    monthly = _footprint("month")
    assert_golden(monthly.table, "footprint_month")
    assert_golden(monthly.quality.to_frame(), "quality_month")


def test_check(yearly: carbonacct.Footprint) -> None:
    result = carbonacct.check(EXAMPLE / "firms.csv", footprint=yearly)
    assert_golden(result.results.select(CHECK_COLUMNS), "check_results")
    assert_golden(result.summary, "check_summary")
