"""Invariants of the monthly-record engine (hypothesis)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonacct.sectors import account_record
from carbonacct.sectors._months import parse_month

# (material, category, parameter, unit) of lines the shipped steel set completes, plus a fuel
# whose parameters the line gives itself
_MATERIALS = [
    ("电极", "process"),
    ("废钢", "process"),
    ("石灰石", "process"),
    ("微碳锰铁", "process"),
    ("粗钢", "carbon_product"),
    ("粗苯", "carbon_product"),
]
_PROCESSES = ["炼钢", "烧结", "焦化", ""]

lines = st.lists(
    st.tuples(
        st.sampled_from(_MATERIALS),
        st.sampled_from(_PROCESSES),
        st.integers(1, 12),
        st.floats(0.5, 2e5, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda t: (t[0][0], t[1], t[2]),
)


def _record(
    rows: list[tuple[tuple[str, str], str, int, float]], scale: float = 1.0
) -> pl.DataFrame:
    out = []
    for (material, category), process, month, q in rows:
        out.append((f"2025年{month}月", process, material, category, "quantity", q * scale, "t"))
    out.append(("2025年1月", "炼铁", "焦炭", "fuel", "quantity", 100.0 * scale, "t"))
    out.append(("2025年1月", "炼铁", "焦炭", "fuel", "ncv", 28.435, "GJ/t"))
    out.append(("2025年1月", "炼铁", "焦炭", "fuel", "carbon_content_per_heat", 0.02942, "tC/GJ"))
    cols = ["月份", "工序", "物料", "类别", "参数", "数值", "单位"]
    return pl.DataFrame(out, schema=cols, orient="row")


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(lines)
def test_doubling_every_quantity_doubles_the_emissions(rows: list) -> None:
    one = account_record(_record(rows), method="steel-cets-2024", oxidation="none")
    two = account_record(_record(rows, 2.0), method="steel-cets-2024", oxidation="none")
    full = "full_precision"
    for name in ("co2_combustion_t", "co2_process_t", "co2_carbon_products_t", "co2_t"):
        assert two.total("2025", name, figure=full) == pytest.approx(
            2 * one.total("2025", name, figure=full), rel=1e-12, abs=1e-9
        )
    # the reported figure differs from the full one by at most 0.005 t per line
    n = one.lines.height
    assert abs(one.total("2025") - one.total("2025", figure=full)) <= 0.005 * n + 1e-6


@SETTINGS
@given(lines)
def test_processes_and_months_sum_to_the_year(rows: list) -> None:
    r = account_record(_record(rows), method="steel-cets-2024", oxidation="none")
    year = r.by_process.filter(pl.col("period") == "2025")["co2_reported_t"].sum()
    assert year == pytest.approx(r.total("2025"), abs=1e-6)
    months = r.totals.filter((pl.col("period") != "2025") & (pl.col("figure") == "reported"))
    assert months["co2_t"].sum() == pytest.approx(r.total("2025"), abs=1e-6)


junk = st.lists(
    st.sampled_from(
        [
            ("2025年13月", "", "电极", "process", "quantity", "5", "t"),
            ("2025年2月", "", "电极", "process", "quantity", "abc", "t"),
            ("2025年2月", "", "电极", "bogus", "quantity", "5", "t"),
            ("2025年2月", "", "电极", "process", "quantity", "5", "kWh"),
            ("2025年2月", "", "电极", "process", "colour", "5", "t"),
        ]
    ),
    max_size=6,
)


@SETTINGS
@given(lines, junk)
def test_rows_in_equal_accounted_plus_rejected(rows: list, bad: list) -> None:
    good = _record(rows).with_columns(pl.col("数值").cast(pl.String))
    frame = pl.concat([good, pl.DataFrame(bad, schema=good.columns, orient="row")])
    r = account_record(frame, method="steel-cets-2024", oxidation="none", strict=False)
    q = r.quality
    assert q.rows_in == frame.height == q.rows_accounted + q.rows_rejected
    assert q.rows_rejected == r.rejects.height == sum(q.rejected_by_reason.values())
    assert q.rows_rejected >= len(bad)


@settings(deadline=None)  # the first call loads the date readers: no timing limit
@given(st.integers(1901, 2199), st.integers(1, 12))
def test_months_as_people_write_them(year: int, month: int) -> None:
    label = f"{year:04d}-{month:02d}"
    day = dt.date(year, month, 15)
    serial = (day - dt.date(1899, 12, 30)).days
    written = [
        f"{year}年{month}月",
        f"{year}-{month}",
        f"{year}/{month:02d}/15",
        f"{year}{month:02d}",
    ]
    assert {parse_month(w) for w in written} == {label}
    assert parse_month(day) == label and parse_month(f"{month}月", year=f"{year}年") == label
    if 1990 <= year <= 2099:
        assert parse_month(serial) == label
