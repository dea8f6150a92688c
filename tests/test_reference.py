"""The footprint against a pure-Python implementation of the formulas, on 10,000 rows.

The reference below is written from the standards with the published numbers
typed in, one row at a time, with no code shared with the library: GB/T 2589
coefficients, the GB/T 32151 Table C.1 natural-gas and diesel parameters, the
MEE/NBS 2023 provincial grid factors, 0.11 tCO2/GJ for heat.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta

import polars as pl
import pytest

import carbonacct
from carbonacct import footprint
from carbonacct.results import RESULT_COLUMNS

# standard coal, tce per unit: GB/T 2589 (kgce/kWh, kgce/MJ), NBS natural gas 12.1430 tce/10^4 m3
TCE = {"electricity": 0.1229e-3, "natural_gas": 12.1430e-4, "diesel": 1.4571, "heat": 0.03412}
CANON = {"electricity": "kWh", "natural_gas": "Nm3", "diesel": "t", "heat": "GJ"}
TO_CANON = {
    ("electricity", "kWh"): 1.0,
    ("electricity", "MWh"): 1e3,
    ("electricity", "万kWh"): 1e4,
    ("natural_gas", "Nm3"): 1.0,
    ("natural_gas", "万Nm3"): 1e4,
    ("diesel", "t"): 1.0,
    ("diesel", "kg"): 1e-3,
    ("heat", "GJ"): 1.0,
    ("heat", "MJ"): 1e-3,
}
GRID_2023 = {"江苏": 0.5827, "广东": 0.4419}  # tCO2/MWh, MEE/NBS 公告2025年第47号 表3
NG_EF = 389.31 * 15.3e-3 * 0.99 * 44 / 12 / 1e4  # tCO2 per Nm3 (GB/T 32151 Table C.1)
DIESEL_EF = 42.652 * 20.2e-3 * 0.98 * 44 / 12  # tCO2 per t
HEAT_EF = 0.11  # tCO2/GJ

FIRMS = {"A": "江苏", "B": "广东", "C": "江苏"}


def make_rows(n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    start = datetime(2023, 1, 1)
    rows = []
    for i in range(n):
        carrier = rnd.choice(list(CANON))
        unit = rnd.choice([u for (c, u) in TO_CANON if c == carrier])
        firm = rnd.choice(list(FIRMS))
        ts = start + timedelta(minutes=15 * rnd.randrange(0, 35040))
        value = round(rnd.uniform(0, 500), 3)
        flow = "out" if carrier in ("electricity", "heat") and rnd.random() < 0.1 else "in"
        rows.append(
            {
                "firm_id": firm,
                "meter_id": f"{firm}-{i}",
                "carrier": carrier,
                "value": str(value),
                "unit": unit,
                "timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"),
                "flow": flow,
            }
        )
    for i in range(0, n, 97):  # bad rows of several kinds
        bad = dict(rows[i])
        kind = (i // 97) % 4
        if kind == 0:
            bad["value"] = "-" + bad["value"]
        elif kind == 1:
            bad["value"] = "n/a"
        elif kind == 2:
            bad["carrier"] = "unobtanium"
        else:
            bad["unit"] = "kWh" if bad["carrier"] == "diesel" else "t"
        rows[i] = bad
    return rows


def _accepted(r: dict) -> float | None:
    """The row's value, or None when the row is rejected."""
    try:
        value = float(r["value"])
    except ValueError:
        return None
    if r["carrier"] not in CANON or (r["carrier"], r["unit"]) not in TO_CANON:
        return None
    return None if value < 0 or math.isnan(value) else value


def rejected_per_period(rows: list[dict]) -> dict[tuple[str, str], int]:
    """Rejected rows per (firm, month)."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        if _accepted(r) is None:
            out[(r["firm_id"], r["timestamp"][:7])] += 1
    return out


def reference(rows: list[dict]) -> tuple[dict, int]:
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rejected = 0
    for r in rows:
        carrier = r["carrier"]
        value = _accepted(r)
        if value is None:
            rejected += 1
            continue
        amount = value * TO_CANON[(carrier, r["unit"])]
        sign = -1.0 if r["flow"] == "out" else 1.0
        key = (r["firm_id"], r["timestamp"][:7])
        acc = out[key]
        acc["energy_tce"] += sign * amount * TCE[carrier]
        if carrier == "electricity":
            acc["co2_scope2_t"] += sign * amount / 1000 * GRID_2023[FIRMS[r["firm_id"]]]
            acc["electricity_in_MWh" if sign > 0 else "electricity_out_MWh"] += amount / 1000
        elif carrier == "heat":
            acc["co2_scope2_t"] += sign * amount * HEAT_EF
        elif carrier == "natural_gas":
            acc["co2_scope1_t"] += sign * amount * NG_EF
        else:
            acc["co2_scope1_t"] += sign * amount * DIESEL_EF
        acc["rows"] += 1
    return out, rejected


@pytest.fixture(scope="module")
def data() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = make_rows(10_000, seed=2023)
    firms = pl.DataFrame({"firm_id": list(FIRMS), "province": list(FIRMS.values())})
    return pl.DataFrame(rows), firms


def test_matches_the_pure_python_reference(data: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    readings, firms = data
    expected, rejected = reference(readings.to_dicts())
    result = footprint(readings, firms=firms, method=carbonacct.Method(period="month"))
    assert result.quality.rows_rejected == rejected and result.quality.balanced
    table = {(r["firm_id"], r["period"]): r for r in result.table.iter_rows(named=True)}
    assert set(table) == set(expected)
    for key, ref in expected.items():
        got = table[key]
        assert got["rows"] == ref["rows"]
        for column in (
            "energy_tce",
            "co2_scope1_t",
            "co2_scope2_t",
            "electricity_in_MWh",
            "electricity_out_MWh",
        ):
            assert got[column] == pytest.approx(ref[column], rel=1e-9, abs=1e-9), (key, column)
        assert got["co2_t"] == pytest.approx(
            ref["co2_scope1_t"] + ref["co2_scope2_t"], rel=1e-9, abs=1e-9
        )


def test_streaming_and_in_memory_engines_agree(
    data: tuple[pl.DataFrame, pl.DataFrame], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    readings, firms = data
    readings.write_parquet(tmp_path / "r.parquet")
    a = footprint(
        tmp_path / "r.parquet",
        firms=firms,
        method=carbonacct.Method(period="month"),
        run=carbonacct.RunOptions(engine="streaming"),
    ).table
    b = footprint(
        readings,
        firms=firms,
        method=carbonacct.Method(period="month"),
        run=carbonacct.RunOptions(engine="in-memory"),
    ).table
    assert a.select("firm_id", "period").equals(b.select("firm_id", "period"))
    for column in RESULT_COLUMNS:
        for x, y in zip(a[column], b[column], strict=True):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-12), column


def test_the_outside_testers_cases_match_the_reference_on_every_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A month whose every row was rejected (meter E3, tonnes for electricity) keeps its row;
    meters 1 and 001 are two meters (both counted) and are said; on the typed-Parquet fast
    path, the polars path on text and the in-memory engine alike."""
    rows = make_rows(2_000, seed=16)
    stamps = [f"2024-03-01 00:{m:02d}:00" for m in (0, 15, 30)]
    rows += [
        {"firm_id": "A", "meter_id": "E3", "carrier": "electricity", "value": "7.0"}
        | {"unit": "t", "timestamp": t, "flow": "in"}
        for t in stamps
    ]
    rows += [
        {"firm_id": "B", "meter_id": m, "carrier": "electricity", "value": "5.0"}
        | {"unit": "kWh", "timestamp": t, "flow": "in"}
        for m in ("1", "001")
        for t in stamps
    ]
    expected, rejected = reference(rows)
    per_period = rejected_per_period(rows)
    text = pl.DataFrame(rows)
    text.with_columns(
        pl.col("value").cast(pl.Float64, strict=False), pl.col("timestamp").str.to_datetime()
    ).write_parquet(tmp_path / "r.parquet", row_group_size=500)
    firms = pl.DataFrame({"firm_id": list(FIRMS), "province": list(FIRMS.values())})
    method = carbonacct.Method(period="month")
    for readings, engine in (
        (str(tmp_path / "r.parquet"), "streaming"),
        (text, "streaming"),
        (text, "in-memory"),
    ):
        run = carbonacct.RunOptions(engine=engine, checksum=False)  # type: ignore[arg-type]
        result = footprint(readings, firms=firms, method=method, run=run)
        assert result.quality.rows_rejected == rejected and result.quality.balanced
        assert result.table["rows_rejected"].sum() == rejected
        got = {(r["firm_id"], r["period"]): r for r in result.table.iter_rows(named=True)}
        assert set(got) == set(expected) | set(per_period)
        assert got[("A", "2024-03")]["rows"] == 0 and got[("A", "2024-03")]["energy_tce"] is None
        for key, row in got.items():
            assert row["rows_rejected"] == per_period.get(key, 0), key
            if key in expected:
                assert row["rows"] == expected[key]["rows"], key
                assert row["energy_tce"] == pytest.approx(
                    expected[key]["energy_tce"], rel=1e-9, abs=1e-12
                )
        # B's two meters: 6 readings of 5 kWh, all counted
        assert got[("B", "2024-03")]["energy_tce"] == pytest.approx(30 * TCE["electricity"])
        said = [w for w in result.quality.warnings if "leading zeros" in w]
        assert len(said) == 1 and "meters '001'" in said[0] and "of B" in said[0]
