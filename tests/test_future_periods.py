"""Readings dated by a period label alone (no timestamp) after the current period are named, as
readings timestamped after today are: 2099-03 typed for 2024-03 is a plausible label, and
counted. GBK CSV and typed Parquet, fast path and in-memory; the edge by a fixed today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.completeness import future_periods

KWH_TCE = 0.1229e-3  # GB/T 2589 equivalent-value coefficient of electricity, tce per kWh
FIRMS = pl.DataFrame({"firm_id": ["F1", "F2"], "province": ["江苏", "浙江"]})
ROWS = [
    ("F1", "电力", "2024-03", 100.0, "kWh"),
    ("F1", "电力", "2099-03", 200.0, "kWh"),
    ("F2", "电力", "2099年4月", 300.0, "kWh"),
    ("F2", "电力", "2099-05", -1.0, "吨"),  # rejected (unit of the wrong dimension)
]


def _write(path: Path) -> str:
    if path.suffix == ".csv":
        lines = ["企业代码,能源品种,统计期,数量,计量单位"] + [",".join(map(str, r)) for r in ROWS]
        path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    else:
        names = ["firm_id", "carrier", "period", "value", "unit"]
        pl.DataFrame(ROWS, schema=names, orient="row").write_parquet(path)
    return str(path)


@pytest.mark.parametrize("name", ["r.csv", "r.parquet"])
@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_periods_after_the_current_one_are_said(tmp_path: Path, name: str, engine: str) -> None:
    run = carbonacct.RunOptions(engine=engine, checksum=False)  # type: ignore[arg-type]
    method = carbonacct.Method(period="month")
    fp = carbonacct.footprint(_write(tmp_path / name), firms=FIRMS, method=method, run=run)
    assert fp.quality.rows_rejected == 1
    # counted all the same: 100 + 200 + 300 kWh
    assert fp.table["energy_tce"].sum() == pytest.approx(600 * KWH_TCE, rel=1e-12)
    said = [w for w in fp.quality.warnings if "period after the current one" in w]
    assert said == [
        f"readings dated by a period after the current one ({date.today():%Y-%m}) were "
        "accounted: F1 2099-03 (1 row), F2 2099-04 (1 row); check the year of their period labels"
    ]


def _groups(*periods: tuple[int, int, bool, int | None]) -> pl.DataFrame:
    names = ["year", "sub", "has_ts", "reason"]
    g = pl.DataFrame(list(periods), schema=names, orient="row")
    return g.with_columns(pl.lit("F1").alias("firm_id"), pl.lit(2, dtype=pl.UInt32).alias("rows"))


@pytest.mark.parametrize(
    ("period", "current", "next_one", "now", "later"),
    [
        ("month", 12, 1, "2026-12", "2027-01"),
        ("quarter", 4, 1, "2026Q4", "2027Q1"),
        ("year", 0, 0, "2026", "2027"),
    ],
)
def test_the_current_period_is_not_after_itself(
    period: str, current: int, next_one: int, now: str, later: str
) -> None:
    today = date(2026, 12, 7)
    groups = _groups(
        (2026, current, False, None),  # the current period: not named
        (2027, next_one, False, None),  # the next one
        (2027, next_one, True, None),  # timestamped: future_readings' matter
        (2028, next_one, False, 5),  # rejected
    )
    assert future_periods(groups, period, today) == [
        f"readings dated by a period after the current one ({now}) were accounted: "
        f"F1 {later} (2 rows); check the year of their period labels"
    ]
    assert future_periods(groups.filter(pl.col("year") == 2026), period, today) == []
