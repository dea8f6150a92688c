"""One benchmark approach, run in its own process so that its peak memory is its own.

Usage: python runner.py APPROACH DATA_DIR FACTORS_JSON
Prints one JSON line: seconds, rows, peak RSS, and the result (firm, month -> co2 and tce).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def carbonacct_run(data: Path, factors: dict, full: bool) -> dict:
    import carbonacct

    r = carbonacct.footprint(
        data / "readings",
        firms=data / "firms.csv",
        method=carbonacct.Method(period="month", check_duplicates=full),
        run=carbonacct.RunOptions(checksum=False),
    )
    t = r.table
    return {
        "rows_in": r.quality.rows_in,
        "rows_ok": r.quality.rows_accounted,
        "result": {
            f"{a}|{b}": [c, e]
            for a, b, c, e in t.select("firm_id", "period", "co2_t", "energy_tce").iter_rows()
        },
    }


def bare_scan(data: Path, factors: dict) -> dict:
    import polars as pl

    lf = pl.scan_parquet(data / "readings" / "**" / "*.parquet")
    out = (
        lf.group_by("firm_id", pl.col("timestamp").dt.month())
        .agg(pl.col("value").cast(pl.Float64, strict=False).sum())
        .collect(engine="streaming")
    )
    return {"rows_in": None, "rows_ok": None, "groups": out.height, "result": {}}


def duckdb_run(data: Path, factors: dict) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    keys = factors["keys"]
    con.execute(
        "CREATE TABLE k (carrier VARCHAR, unit VARCHAR, flow VARCHAR, co2 DOUBLE, co2_grid DOUBLE, tce DOUBLE)"
    )
    con.executemany("INSERT INTO k VALUES (?, ?, ?, ?, ?, ?)", keys)
    con.execute("CREATE TABLE f (firm_id VARCHAR, grid DOUBLE)")
    con.executemany("INSERT INTO f VALUES (?, ?)", factors["firms"])
    rows = con.execute(f"""
        SELECT r.firm_id, strftime(r.timestamp, '%Y-%m') AS period,
               sum(v * (k.co2 + k.co2_grid * f.grid)) AS co2, sum(v * k.tce) AS tce, count(*) AS n
        FROM (SELECT *, TRY_CAST(value AS DOUBLE) AS v FROM read_parquet('{data}/readings/*/*.parquet')) r
        JOIN k ON r.carrier::VARCHAR = k.carrier AND r.unit::VARCHAR = k.unit AND r.flow::VARCHAR = k.flow
        JOIN f ON r.firm_id = f.firm_id
        WHERE v >= 0
        GROUP BY 1, 2
    """).fetchall()
    return {
        "rows_in": None,
        "rows_ok": int(sum(r[4] for r in rows)),
        "result": {f"{a}|{b}": [c, d] for a, b, c, d, _ in rows},
    }


def pandas_pint_run(data: Path, factors: dict) -> dict:
    """The same computation as a user would write it with pandas and pint-pandas, vectorised:
    the needed columns read once, each (carrier, unit, flow) converted by one pint-pandas call,
    the firm × month sums by one group-by on a categorical firm and an integer month."""
    import numpy as np
    import pandas as pd
    import pint
    import pint_pandas

    ureg = pint.UnitRegistry()
    ureg.define("Nm3 = meter ** 3")
    pint_pandas.PintType.ureg = ureg
    columns = ["firm_id", "carrier", "unit", "flow", "timestamp", "value"]
    df = pd.read_parquet(data / "readings", columns=columns)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df = df[df["value"] >= 0]
    firm = df["firm_id"].astype("category")
    month = (df["timestamp"].dt.year * 100 + df["timestamp"].dt.month).to_numpy()
    values = df["value"].to_numpy(dtype=float)
    canonical = {"electricity": "MWh", "natural_gas": "Nm3", "steam": "GJ", "heat": "GJ"}
    scaled = {"万kWh": ("kWh", 1e4)}  # pint has no 万 (10^4): the user rescales by hand
    per = factors["per_canonical"]
    grid = firm.map(dict(factors["firms"])).to_numpy(dtype=float)
    co2, tce = np.zeros(len(df)), np.zeros(len(df))
    keep = np.zeros(len(df), dtype=bool)
    groups = df.groupby(["carrier", "unit", "flow"], observed=True).indices
    for (carrier, unit, flow), idx in groups.items():
        carrier, unit, flow = str(carrier), str(unit), str(flow)
        if carrier not in canonical:
            continue
        pint_unit, scale = scaled.get(unit, (unit, 1.0))
        quantity = pd.Series(pint_pandas.PintArray(values[idx] * scale, dtype=pint_unit))
        try:
            amount = quantity.pint.to(canonical[carrier]).pint.magnitude.to_numpy(dtype=float)
        except pint.DimensionalityError:
            continue
        amount = -amount if flow == "out" else amount
        factor = grid[idx] if carrier == "electricity" else per[carrier]["co2"]
        co2[idx], tce[idx], keep[idx] = amount * factor, amount * per[carrier]["tce"], True
    out = (
        pd.DataFrame(
            {"firm_id": firm[keep], "month": month[keep], "co2": co2[keep], "tce": tce[keep]}
        )
        .groupby(["firm_id", "month"], observed=True)
        .sum()
    )
    return {
        "rows_in": None,
        "rows_ok": int(keep.sum()),
        "result": {
            f"{a}|{m // 100:04d}-{m % 100:02d}": [c, d]
            for (a, m), (c, d) in zip(out.index, out.to_numpy(), strict=True)
        },
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    os.environ.setdefault("POLARS_MAX_CONCURRENT_SCANS", "1")  # as the carbonacct CLI sets it
    approach, data, factors_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    factors = json.loads(factors_path.read_text())
    start = time.perf_counter()
    if approach == "carbonacct":
        out = carbonacct_run(data, factors, full=False)
    elif approach == "carbonacct_full":
        out = carbonacct_run(data, factors, full=True)
    elif approach == "duckdb":
        out = duckdb_run(data, factors)
    elif approach == "pandas_pint":
        out = pandas_pint_run(data, factors)
    elif approach == "bare_scan":
        out = bare_scan(data, factors)
    else:
        raise SystemExit(f"unknown approach {approach}")
    out["seconds"] = time.perf_counter() - start
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
