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
    return r.totals.filter(
        (pl.col("period") == period) & (pl.col("figure") == "reported")
    ).row(0, named=True)


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
