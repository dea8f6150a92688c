"""Period-only readings of one series given both whole and in parts are refused (the activity
table's rule): summed, a year total beside its months counts the same energy twice."""

from __future__ import annotations

from pathlib import Path

import pytest

import carbonacct
from carbonacct.errors import InputError

METHOD = carbonacct.Method(grid_factor=0.5, period="year")
HEADER = "企业代码,计量点,能源品种,统计期,数量,计量单位\n"


def _csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "periods.csv"
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode("gbk"))
    return path


def _months(meter: str, months: range, mwh: float) -> list[str]:
    return [f"FA,{meter},电力,2024-{m:02d},{mwh},MWh" for m in months]


@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_a_year_total_beside_its_months_is_refused(tmp_path: Path, engine: str) -> None:
    # 12 months of 10 MWh and the year's 120 MWh: summed, 240 MWh (29.496 tce) instead of 120
    path = _csv(tmp_path, [*_months("E1", range(1, 13), 10.0), "FA,E1,电力,2024,120,MWh"])
    with pytest.raises(
        InputError, match=r"both whole and in parts.*FA, meter E1, 2024: 2024, 2024-01"
    ):
        carbonacct.footprint(path, method=METHOD, run=carbonacct.RunOptions(engine=engine))


def test_a_quarter_beside_one_of_its_months_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["FA,E1,电力,2024Q1,30,MWh", "FA,E1,电力,2024-03,10,MWh"])
    with pytest.raises(InputError, match=r"2024: 2024-03, 2024Q1"):
        carbonacct.footprint(path, method=METHOD)


def test_parts_that_do_not_overlap_are_summed(tmp_path: Path) -> None:
    # 2024Q1 (30 MWh) and April … December (9 × 10 MWh) cover the year once: 120 MWh, and
    # another meter's year total (50 MWh) is its own series: 170 MWh × 0.1229 tce/MWh = 20.893
    lines = ["FA,E1,电力,2024Q1,30,MWh", *_months("E1", range(4, 13), 10.0)]
    path = _csv(tmp_path, [*lines, "FA,E2,电力,2024,50,MWh"])
    result = carbonacct.footprint(path, method=METHOD)
    assert result.table["energy_tce"].sum() == pytest.approx(170 * 0.1229, rel=1e-12)
