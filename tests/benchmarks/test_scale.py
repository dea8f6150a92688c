"""Scale benchmarks: carbonacct against DuckDB, pandas + pint-pandas and a bare polars scan.

Run with the README's command (CARBONACCT_BENCH=1). Sizes come from
CARBONACCT_BENCH_ROWS (default "20000000,40000000"); data sets are generated
once into CARBONACCT_BENCH_DIR (default /tmp/carbonacct-bench). Each approach
runs in its own process, so wall time and peak memory are its own; all run in
the same session on the same Parquet files. The summary printed at the end
gives rows per second, the ratios to the targets of issue 6, and checks that
the results agree (relative difference below 1e-9 on every firm-month).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import carbonacct
from carbonacct.synth import generate

HERE = Path(__file__).parent
SIZES = [int(s) for s in os.environ.get("CARBONACCT_BENCH_ROWS", "20000000,40000000").split(",")]
ROOT = Path(os.environ.get("CARBONACCT_BENCH_DIR", "/tmp/carbonacct-bench"))
APPROACHES = ["bare_scan", "carbonacct", "carbonacct_full", "duckdb", "pandas_pint"]
RESULTS: dict[tuple[int, str], dict] = {}
METERS = 3
INTERVALS = 366 * 96  # 15-minute readings in 2024


def dataset(rows: int) -> Path:
    firms = max(1, round(rows / (METERS * INTERVALS)))
    path = ROOT / f"firms{firms}"
    if not (path / "activity.csv").exists():
        generate(path, firms=firms, meters_per_firm=METERS, interval="15min", year=2024, seed=1)
    return path


def factors_for(path: Path) -> Path:
    """The factors carbonacct applies, handed to the other approaches so all compute the same thing."""
    out = path / "factors.json"
    if out.exists():
        return out
    lib = carbonacct.default_library()
    firms = [
        line.split(",")
        for line in (path / "firms.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    grid = {
        f[0]: lib.resolve(
            "co2_factor", "electricity", region=f[2], year=2024, variant="average"
        ).value
        for f in firms
    }
    tce = {
        c: carbonacct.default_library()
        .resolve(
            "tce_coefficient",
            "heat" if c == "steam" else c,
            variant="equivalent" if c in ("electricity", "heat", "steam") else None,
        )
        .value
        for c in ("electricity", "natural_gas", "steam", "heat")
    }
    per_canonical = {  # per MWh, Nm3, GJ
        "electricity": {"co2": 0.0, "tce": tce["electricity"]},  # kgce/kWh = tce/MWh
        "natural_gas": {
            "co2": carbonacct.combustion_factor("natural_gas").to("tCO2/Nm3"),
            "tce": tce["natural_gas"] / 1e4,
        },  # tce/万m3
        "steam": {"co2": 0.11, "tce": tce["steam"]},  # kgce/MJ = tce/GJ
        "heat": {"co2": 0.11, "tce": tce["heat"]},
    }
    scale = {
        ("electricity", "kWh"): 1e-3,
        ("electricity", "MWh"): 1.0,
        ("electricity", "万kWh"): 10.0,
        ("natural_gas", "Nm3"): 1.0,
        ("steam", "GJ"): 1.0,
        ("heat", "GJ"): 1.0,
    }
    keys = []
    for (carrier, unit), k in scale.items():
        for flow, sign in (("in", 1.0), ("out", -1.0)):
            p = per_canonical[carrier]
            keys.append(
                [
                    carrier,
                    unit,
                    flow,
                    sign * k * p["co2"],
                    sign * k if carrier == "electricity" else 0.0,
                    sign * k * p["tce"],
                ]
            )
    out.write_text(
        json.dumps(
            {
                "keys": keys,
                "firms": sorted(grid.items()),
                "per_canonical": per_canonical,
                "by_key": {f"{a}|{b}|{c}": 1 for a, b, c, *_ in keys},
            }
        )
    )
    return out


def run(approach: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(HERE / "runner.py"), approach, str(path), str(factors_for(path))],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("approach", APPROACHES)
def test_throughput(benchmark, approach: str, rows: int) -> None:  # type: ignore[no-untyped-def]
    path = dataset(rows)
    result = benchmark.pedantic(run, args=(approach, path), rounds=1, iterations=1)
    n = sum(1 for _ in (path / "readings").rglob("*.parquet"))
    total = int(
        __import__("polars")
        .scan_parquet(path / "readings" / "**" / "*.parquet")
        .select(__import__("polars").len())
        .collect()
        .item()
    )
    result["rows_total"] = total
    benchmark.extra_info.update({k: v for k, v in result.items() if k != "result"} | {"files": n})
    RESULTS[(rows, approach)] = result


def test_summary() -> None:
    lines = ["", f"{'rows':>12} {'approach':<16} {'seconds':>8} {'Mrows/s':>8} {'peak MB':>8}"]
    for (_rows, approach), r in sorted(RESULTS.items()):
        lines.append(
            f"{r['rows_total']:>12,} {approach:<16} {r['seconds']:>8.2f} "
            f"{r['rows_total'] / r['seconds'] / 1e6:>8.2f} {r['peak_rss_mb']:>8.0f}"
        )
    for rows in SIZES:
        names = ("carbonacct", "duckdb", "pandas_pint", "bare_scan", "carbonacct_full")
        ca, duck, pdp, bare, full = (RESULTS.get((rows, name)) for name in names)
        if not (ca and duck and pdp and bare and full):
            continue
        lines.append(
            f"rows {ca['rows_total']:,}: carbonacct/duckdb {ca['seconds'] / duck['seconds']:.2f} (target ≤ 1.0); "
            f"pandas+pint/carbonacct {pdp['seconds'] / ca['seconds']:.1f}× (target ≥ 10); "
            f"carbonacct/bare scan {ca['seconds'] / bare['seconds']:.2f} (target ≤ 2.5); "
            f"full/standard {full['seconds'] / ca['seconds']:.2f} (target ≤ 1.5)"
        )
        for other in (duck, pdp):
            assert set(other["result"]) == set(ca["result"])
            for key, (co2, tce) in ca["result"].items():
                assert other["result"][key][0] == pytest.approx(co2, rel=1e-9)
                assert other["result"][key][1] == pytest.approx(tce, rel=1e-9)
    if len(SIZES) >= 2 and all((s, "carbonacct") in RESULTS for s in SIZES[:2]):
        a, b = RESULTS[(SIZES[0], "carbonacct")], RESULTS[(SIZES[1], "carbonacct")]
        lines.append(
            f"carbonacct time {SIZES[1]:,}/{SIZES[0]:,}: {b['seconds'] / a['seconds']:.2f} (target ≤ 2.1); "
            f"peak memory {a['peak_rss_mb']:.0f} → {b['peak_rss_mb']:.0f} MB (target < 1024, flat)"
        )
    print("\n".join(lines))
