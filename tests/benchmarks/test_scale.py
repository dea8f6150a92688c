"""Scale benchmarks: the carbonacct CLI against DuckDB, pandas + pint-pandas and a bare polars scan.

Run with the README's command (CARBONACCT_BENCH=1). Sizes come from
CARBONACCT_BENCH_ROWS (default "20000000,40000000"), rounds from
CARBONACCT_BENCH_ROUNDS (default 3; pandas runs once, on the first size), approaches from
CARBONACCT_BENCH_APPROACHES (default all five); data sets are
generated once into CARBONACCT_BENCH_DIR (default /tmp/carbonacct-bench).
The memory case runs the default CLI with ``--rejects`` on
CARBONACCT_BENCH_BIG rows (default 100000000; 0 leaves it out) of which 10 %
are rejected (bad values, carriers and units, and appended duplicates).
A run past CARBONACCT_BENCH_TIMEOUT seconds (default 3600) or above
CARBONACCT_BENCH_MAX_MB of memory (default 3072) is stopped and reported as
stopped (its test fails; the summary still prints), so no case hangs the run.
carbonacct's modules are compiled to bytecode once first, as an installed package has them.
Every run is a fresh process, timed from outside
(wall time including interpreter start-up) with its own peak memory and CPU
time (wait4); the approaches alternate within each round so that they share
the machine's load. The summary gives medians (wall time, and CPU time, which
a shared machine disturbs less), the ratios of the speed issue's targets and
the load average, and checks that the results agree (relative difference
below 1e-9 on every firm-month) between carbonacct without the duplicate
check, DuckDB and pandas (with the check, carbonacct also removes the
generator's duplicated rows, which the others count twice).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import carbonacct
from carbonacct.synth import generate

HERE = Path(__file__).parent
SIZES = [int(s) for s in os.environ.get("CARBONACCT_BENCH_ROWS", "20000000,40000000").split(",")]
ROOT = Path(os.environ.get("CARBONACCT_BENCH_DIR", "/tmp/carbonacct-bench"))
ROUNDS = int(os.environ.get("CARBONACCT_BENCH_ROUNDS", "3"))
ALL = "cli,duckdb,cli_no_dup_check,bare_scan,pandas_pint"
APPROACHES = os.environ.get("CARBONACCT_BENCH_APPROACHES", ALL).split(",")
BIG = int(os.environ.get("CARBONACCT_BENCH_BIG", "100000000"))
RESULTS: dict[tuple[int, str], list[dict]] = {}
LOAD: list[str] = []
METERS = 3
INTERVALS = 366 * 96  # 15-minute readings in 2024


def spoiled(rows: int, bad: float) -> Path:
    """``rows`` readings with a fraction ``bad`` spoiled as the generator spoils them (bad
    values, carriers and units, duplicates appended): copies of the 20 M-row set under other
    firm ids, which is much quicker than generating them."""
    import numpy as np
    import polars as pl

    from carbonacct.synth import _spoil

    base = dataset(SIZES[0])
    copies = max(1, round(rows / SIZES[0]))
    path = ROOT / f"copies{copies}-bad{bad:g}"
    if (path / "firms.csv").exists():
        return path
    rng = np.random.default_rng(2)
    firms = pl.read_csv(base / "firms.csv", infer_schema=False)
    for i in range(copies):
        for src in sorted((base / "readings").glob("*/*.parquet")):
            dst = path / "readings" / f"{src.parent.name}-{i}" / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            frame = pl.read_parquet(src).with_columns(
                pl.col("firm_id") + f"-{i}",
                pl.col("meter_id") + f"-{i}",
                pl.col("value").cast(pl.String),
            )
            frame, _ = _spoil(frame, rng, bad)
            frame = frame.with_columns(pl.col("value").cast(pl.Float64, strict=False))
            frame.write_parquet(dst, row_group_size=1_000_000)
    copied = [firms.with_columns(pl.col("firm_id") + f"-{i}") for i in range(copies)]
    pl.concat(copied).write_csv(path / "firms.csv")
    return path


def dataset(rows: int) -> Path:
    """The generated readings as an exporter writes them: typed Parquet (timestamp, float value,
    string keys), row groups of 1 M rows; the generator's unreadable values become nulls."""
    import polars as pl

    firms = max(1, round(rows / (METERS * INTERVALS)))
    raw, path = ROOT / f"firms{firms}-text", ROOT / f"firms{firms}"
    if not (raw / "activity.csv").exists():
        generate(raw, firms=firms, meters_per_firm=METERS, interval="15min", year=2024, seed=1)
    if not (path / "activity.csv").exists():
        for src in sorted((raw / "readings").glob("*/*.parquet")):
            dst = path / "readings" / src.parent.name / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            frame = pl.read_parquet(src).with_columns(
                pl.col("value").cast(pl.Float64, strict=False)
            )
            frame.write_parquet(dst, row_group_size=1_000_000)
        for name in ("firms.csv", "activity.csv"):
            (path / name).write_bytes((raw / name).read_bytes())
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


def compiled() -> None:
    """carbonacct's modules compiled to bytecode once, before any run is timed, as an installed
    package has them (pip compiles at install; a checkout writes them on its first run): with
    PYTHONDONTWRITEBYTECODE set, or a cache older than the sources, every fresh process would
    otherwise compile them again, about 0.1 CPU-s that DuckDB's and polars' runs never pay."""
    import compileall

    import carbonacct.cli

    for package in (carbonacct, carbonacct.cli):
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def command(approach: str, path: Path, out: Path) -> list[str]:
    if approach.startswith("cli"):
        cli = Path(sys.executable).with_name("carbonacct")
        cmd = [str(cli), "footprint", str(path / "readings"), "--firms", str(path / "firms.csv")]
        cmd += ["--period", "month", "-o", str(out)]
        if approach == "cli_rejects":
            cmd += ["--rejects", str(path / "rejects.parquet")]
        return cmd + (["--no-duplicate-check"] if approach == "cli_no_dup_check" else [])
    return [sys.executable, str(HERE / "runner.py"), approach, str(path), str(factors_for(path))]


#: A run is stopped past this many seconds or this peak memory [MB], and reported as stopped,
#: so that no case can hang the benchmark or take the machine.
TIMEOUT = float(os.environ.get("CARBONACCT_BENCH_TIMEOUT", "3600"))
MAX_MB = float(os.environ.get("CARBONACCT_BENCH_MAX_MB", "3072"))


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone, or not Linux
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def _watched(cmd: list[str], stdout: Any) -> tuple[int, Any, float, str]:
    """Run ``cmd``: (status, rusage, wall s, why it was stopped or "")."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout)
    stopped = ""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, usage, time.perf_counter() - start, stopped
        if not stopped:
            rss, wall = _rss_mb(proc.pid), time.perf_counter() - start
            if rss > MAX_MB:
                stopped = f"stopped at {rss:.0f} MB (limit {MAX_MB:.0f})"
            elif wall > TIMEOUT:
                stopped = f"stopped after {wall:.0f} s (limit {TIMEOUT:.0f})"
            if stopped:
                proc.kill()
        time.sleep(0.2)


def run(approach: str, path: Path) -> dict:
    """One fresh process: wall time from outside, its own peak RSS, and its result."""
    out, log = path / f"out-{approach}.parquet", path / f"out-{approach}.json"
    load = os.getloadavg()[0]
    with log.open("w") as stdout:
        status, usage, wall, stopped = _watched(command(approach, path, out), stdout)
    if stopped:
        return {
            "seconds": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024,
            "load": load,
            "stopped": stopped,
            "result": {},
        }
    assert status == 0, f"{approach} failed ({status})"
    if approach.startswith("cli"):
        import polars as pl

        if approach == "cli_rejects":
            rejects = pl.scan_parquet(path / "rejects.parquet").select(pl.len()).collect().item()
        table = pl.read_parquet(out)
        result = {
            f"{a}|{b}": [c, e]
            for a, b, c, e in table.select("firm_id", "period", "co2_t", "energy_tce").iter_rows()
        }
    else:
        result = json.loads(log.read_text().strip().splitlines()[-1])["result"]
    cpu = usage.ru_utime + usage.ru_stime  # less sensitive to a shared machine than wall time
    measured = {"seconds": wall, "cpu_s": cpu, "peak_rss_mb": usage.ru_maxrss / 1024, "load": load}
    if approach == "cli_rejects":
        measured["rejected"] = rejects
    return measured | {"result": result}


@pytest.mark.parametrize("rows", SIZES)
def test_scale(rows: int) -> None:
    path = dataset(rows)
    factors_for(path)
    compiled()
    LOAD.append(f"{rows:,} rows, before: {os.getloadavg()[0]:.1f}")
    for r in range(ROUNDS):
        for approach in APPROACHES:
            if approach == "pandas_pint" and (r > 0 or rows != SIZES[0]):
                continue  # once, on the first size: minutes per run
            result = run(approach, path)
            RESULTS.setdefault((rows, approach), []).append(result)
            brief = {
                k: v if isinstance(v, str) else round(v, 2)
                for k, v in result.items()
                if k != "result"
            }
            print(json.dumps({"rows": rows, "approach": approach, **brief}), flush=True)
    LOAD.append(f"{rows:,} rows, after: {os.getloadavg()[0]:.1f}")


STARTUP = {
    "--help": ["--help"],
    "units convert": ["units", "convert", "1", "tce", "GJ"],
}


def test_startup() -> None:
    """``carbonacct --help`` and ``carbonacct units convert``, fresh processes, 5 each."""
    cli = Path(sys.executable).with_name("carbonacct")
    compiled()
    for _ in range(5):
        for name, args in STARTUP.items():
            start = time.perf_counter()
            subprocess.run([str(cli), *args], check=True, capture_output=True)
            RESULTS.setdefault((0, name), []).append(
                {
                    "seconds": time.perf_counter() - start,
                    "cpu_s": 0.0,
                    "peak_rss_mb": 0.0,
                    "load": 0.0,
                }
            )


@pytest.mark.skipif(BIG == 0, reason="CARBONACCT_BENCH_BIG=0")
def test_memory_with_rejects() -> None:
    """Peak memory of the default CLI writing its rejects, with 10 % of the rows rejected."""
    path = spoiled(BIG, bad=0.1)
    result = run("cli_rejects", path)
    RESULTS.setdefault((BIG, "cli_rejects"), []).append(result)
    brief = {
        k: v if isinstance(v, str) else round(v, 2) for k, v in result.items() if k != "result"
    }
    print(json.dumps({"rows": BIG, "approach": "cli_rejects", **brief}), flush=True)
    assert "stopped" not in result, result["stopped"]


def median(rows: int, approach: str, key: str = "seconds") -> float:
    return statistics.median(r[key] for r in RESULTS[(rows, approach)])


def test_summary() -> None:
    lines = [
        "",
        f"{'rows':>12} {'approach':<18} {'median s':>9} {'min-max s':>13} {'cpu s':>6} "
        f"{'peak MB':>8} {'load (1 min) at each run':>24}",
    ]
    for (rows, approach), runs in sorted(RESULTS.items()):
        if rows == 0:
            continue
        secs = [r["seconds"] for r in runs]
        loads = " ".join(f"{r['load']:.1f}" for r in runs)
        lines.append(
            f"{rows:>12,} {approach:<18} {median(rows, approach):>9.2f} "
            f"{min(secs):>6.2f}-{max(secs):<6.2f} {median(rows, approach, 'cpu_s'):>6.2f} "
            f"{median(rows, approach, 'peak_rss_mb'):>8.0f} "
            f"{loads:>24}"
        )
    targets = [
        ("cli", "duckdb", "cli/duckdb", "≤ 1.0"),
        ("pandas_pint", "cli", "pandas+pint/cli", "≥ 10"),
        ("cli", "bare_scan", "cli/bare scan", "≤ 2.5"),
        ("cli_no_dup_check", "duckdb", "cli without the duplicate check/duckdb", ""),
    ]
    for rows in SIZES:
        said = [
            f"{name} {median(rows, x) / median(rows, y):.2f}"
            + f" (cpu {median(rows, x, 'cpu_s') / median(rows, y, 'cpu_s'):.2f})"
            + (f" (target {aim})" if aim else "")
            for x, y, name, aim in targets
            if (rows, x) in RESULTS and (rows, y) in RESULTS
        ]
        if rows != SIZES[0] and (SIZES[0], "pandas_pint") in RESULTS and (rows, "cli") in RESULTS:
            # pandas runs once, on the first size; at this size it would take at least as long
            ratio = median(SIZES[0], "pandas_pint") / median(rows, "cli")
            said.append(f"pandas+pint at {SIZES[0]:,} rows/cli here {ratio:.2f} (a lower bound)")
        if said:
            lines.append(f"{rows:,} rows: " + "; ".join(said))
        if (rows, "cli_no_dup_check") not in RESULTS:
            continue
        ours = RESULTS[(rows, "cli_no_dup_check")][0]["result"]
        for other in ("duckdb", "pandas_pint"):
            if (rows, other) not in RESULTS:
                continue
            theirs = RESULTS[(rows, other)][0]["result"]
            assert set(theirs) == set(ours), other
            for key, (co2, tce) in ours.items():
                assert theirs[key][0] == pytest.approx(co2, rel=1e-9), (other, key)
                assert theirs[key][1] == pytest.approx(tce, rel=1e-9), (other, key)
    if len(SIZES) >= 2 and all((s, "cli") in RESULTS for s in SIZES[:2]):
        a, b = SIZES[0], SIZES[1]
        lines.append(
            f"cli time {b:,}/{a:,}: {median(b, 'cli') / median(a, 'cli'):.2f} (target ≤ 2); "
            f"peak memory {median(a, 'cli', 'peak_rss_mb'):.0f} → "
            f"{median(b, 'cli', 'peak_rss_mb'):.0f} MB (target < 1024, flat)"
        )
    if (BIG, "cli_rejects") in RESULTS:
        peak = median(BIG, "cli_rejects", "peak_rss_mb")
        rejected = RESULTS[(BIG, "cli_rejects")][0].get("rejected")
        stopped = RESULTS[(BIG, "cli_rejects")][0].get("stopped")
        if stopped:
            lines.append(f"memory case at {BIG:,} rows, 10 % rejected: {stopped}")
        lines.append(
            f"peak memory at {BIG:,} rows, 10 % rejected ({rejected} rows written by --rejects): "
            f"{peak:.0f} MB in {median(BIG, 'cli_rejects'):.1f} s (target < 1024, flat: "
            f"{median(SIZES[0], 'cli', 'peak_rss_mb'):.0f} MB at {SIZES[0]:,} rows)"
            if (SIZES[0], "cli") in RESULTS
            else f"peak memory at {BIG:,} rows, 10 % rejected: {peak:.0f} MB (target < 1024)"
        )
    started = [
        f"{name} {median(0, name):.2f} s (min {min(r['seconds'] for r in RESULTS[(0, name)]):.2f})"
        for name in STARTUP
        if (0, name) in RESULTS
    ]
    if started:
        lines.append("start-up, median of 5 fresh processes: " + "; ".join(started) + " (< 0.3)")
    lines.append("load average (1 min): " + "; ".join(LOAD))
    print("\n".join(lines))
