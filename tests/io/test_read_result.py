"""What write() wrote reads back as the same result, with units, provenance and grades."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct.compliance import CheckResult

FORMATS = (".csv", ".json", ".parquet", ".xlsx")


@pytest.fixture(scope="module")
def footprint() -> carbonacct.Footprint:
    readings = pl.DataFrame(
        {
            "firm_id": ["A", "A", "A", "A"],
            "carrier": ["electricity", "diesel", "diesel", "神秘燃料"],
            "value": [1000.0, 2.0, 3.0, 1.0],
            "unit": ["MWh", "t", "t", "t"],
            "period": ["2024", "2024", "2024", "2024"],
            "meter_id": ["=cmd|' /C calc'!A0", "D1", "D2", "X"],  # formula-like text
        }
    )
    firms = pl.DataFrame(
        {"firm_id": ["A"], "name": ["甲"], "province": ["江苏"], "sector": ["3391"]}
    )
    return carbonacct.footprint(readings, firms=firms, by=["meter_id"])


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_footprint_reads_back(
    footprint: carbonacct.Footprint, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"fp{suffix}"
    footprint.write(out)
    back = carbonacct.read_result(out)
    assert isinstance(back, carbonacct.Footprint)
    assert_frame_equal(back.table, footprint.table, check_exact=False, rel_tol=1e-12)
    assert back.table["meter_id"][0] == "=cmd|' /C calc'!A0"  # the inert quote is the writer's
    assert back.quality == footprint.quality  # counts, reasons and warnings
    assert back.quality.rows_rejected == 1 and back.quality.warnings
    assert back.provenance["method"] == footprint.provenance["method"]
    assert back.provenance["factor_sets"] == footprint.provenance["factor_sets"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_every_format_carries_the_grade_of_each_factor(
    footprint: carbonacct.Footprint, tmp_path: Path, suffix: str
) -> None:
    """Issue 18: the grade of the factors behind a result travels in every output."""
    out = tmp_path / f"fp{suffix}"
    footprint.write(out)
    used = carbonacct.read_result(out).factors_used
    grades = {(r["factor"], r["carrier"]): r["grade"] for r in used.iter_rows(named=True)}
    assert grades[("grid_co2", "electricity")] == "official"  # MEE/NBS announcement, table 3
    assert grades[("tce_coefficient", "diesel")] == "secondary (3)"
    assert grades == {
        (r["factor"], r["carrier"]): r["grade"]
        for r in footprint.factors_used.iter_rows(named=True)
    }


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_check_reads_back(tmp_path: Path, suffix: str) -> None:
    firms = pl.DataFrame(
        {"firm_id": ["A"], "name": ["a"], "province": ["广东"], "sector": ["3011"]}
    )
    actuals = pl.DataFrame(
        {
            "firm_id": ["A", "A"],
            "year": [2020, 2025],
            "metric": ["energy_intensity_va", "energy_intensity_va"],
            "value": [0.80, 0.70],
            "unit": ["tce/万元", "tce/万元"],
        }
    )
    result = carbonacct.check(firms, actuals, price_basis="constant:2020")
    out = tmp_path / f"check{suffix}"
    result.write(out)
    back = carbonacct.read_result(out)
    assert isinstance(back, CheckResult)
    assert_frame_equal(back.firms, result.firms)
    assert back.provenance["pathways"] == result.provenance["pathways"]
    # the targets' grades travel in every format (in the provenance of csv and parquet)
    assert back.targets["grade"].to_list() == result.targets["grade"].to_list()
    if suffix in (".json", ".xlsx"):
        assert_frame_equal(back.results, result.results)
    assert list(back.to_pandas()["status"]) == list(result.firms["status"])


def test_a_file_that_is_not_a_result_is_one_input_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(carbonacct.InputError, match=r"plain\.csv\.json"):
        carbonacct.read_result(plain)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not a zip")
    with pytest.raises(ValueError, match=r"broken\.xlsx: cannot be read"):
        carbonacct.read_result(broken)
