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
CARBONACCT_BENCH_MAX_MB of memory (default 8192: pandas + pint-pandas needs about
3.1 GB at 20 M rows) is stopped and reported as
stopped (its test fails; the summary still prints), so no case hangs the run.
carbonacct's modules are compiled to bytecode once first, as an installed package has them.
Every run is a fresh process started from the small launcher measured.py, timed
from outside (wall time including interpreter start-up) with its own peak memory
and CPU time (wait4); the approaches alternate within each round so that they share
the machine's load. The summary gives medians (wall time, and CPU time, which
a shared machine disturbs less), the ratios of the speed issue's targets and
the load average, and checks that the results agree (relative difference
below 1e-9 on every firm-month) between carbonacct without the duplicate
check, DuckDB and pandas (with the check, carbonacct also removes the
generator's duplicated rows, which the others count twice).
"""

from __future__ import annotations

import functools
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


@functools.cache
def rows_in(path: Path) -> int:
    """The rows of a data set's readings, from the Parquet footers."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in (path / "readings").rglob("*.parquet"))


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
MAX_MB = float(os.environ.get("CARBONACCT_BENCH_MAX_MB", "8192"))


def _measured(cmd: list[str], stdout: Any, report: Path) -> dict:
    """Run ``cmd`` from the small launcher ``measured.py`` (its own peak memory, the watchdog)."""
    launcher = [sys.executable, "-S", str(HERE / "measured.py"), str(report), str(MAX_MB)]
    subprocess.run([*launcher, str(TIMEOUT), "--", *cmd], stdout=stdout, check=True)
    return json.loads(report.read_text(encoding="utf-8"))


def run(approach: str, path: Path) -> dict:
    """One fresh process: wall time from outside, its own peak RSS, and its result."""
    out, log = path / f"out-{approach}.parquet", path / f"out-{approach}.json"
    load = os.getloadavg()[0]
    with log.open("w") as stdout:
        m = _measured(command(approach, path, out), stdout, path / f"usage-{approach}.json")
    measured = {k: m[k] for k in ("seconds", "cpu_s", "peak_rss_mb")} | {"load": load}
    measured["rows_actual"] = rows_in(path)  # the generator rounds to whole firms
    if m["stopped"]:
        return measured | {"stopped": m["stopped"], "result": {}}
    assert m["exit"] == 0, f"{approach} failed ({m['exit']})"
    if approach.startswith("cli"):
        import polars as pl

        if approach == "cli_rejects":
            rejects = pl.scan_parquet(path / "rejects.parquet").select(pl.len()).collect().item()
        table = pl.read_parquet(out)
        result = {
            f"{a}|{b}": [c, e]
            for a, b, c, e in table.select("firm_id", "period", "co2_t", "energy_tce").iter_rows()
        }
        measured["accounted"] = int(table["rows"].sum())
        measured["rejected_rows"] = int(table["rows_rejected"].sum())
    else:
        result = json.loads(log.read_text().strip().splitlines()[-1])["result"]
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
@pytest.mark.parametrize("rows", sorted({SIZES[0], BIG}))
def test_memory_with_rejects(rows: int) -> None:
    """Peak memory of the default CLI writing its rejects, with 10 % of the rows rejected, at
    the first size and at CARBONACCT_BENCH_BIG rows (flat between them)."""
    path = spoiled(rows, bad=0.1)
    result = run("cli_rejects", path)
    RESULTS.setdefault((rows, "cli_rejects"), []).append(result)
    brief = {
        k: v if isinstance(v, str) else round(v, 2) for k, v in result.items() if k != "result"
    }
    print(json.dumps({"rows": rows, "approach": "cli_rejects", **brief}), flush=True)
    assert "stopped" not in result, result["stopped"]


def median(rows: int, approach: str, key: str = "seconds") -> float:
    return statistics.median(r[key] for r in RESULTS[(rows, approach)])


def verdict(value: float, target: float, most: bool = True) -> str:
    """ "met", or by how much the target is missed (``most``: the value must not exceed it)."""
    if (value <= target) if most else (value >= target):
        return "met"
    return f"MISSED by {abs(value / target - 1):.0%}"


def _table() -> list[str]:
    lines = [
        "",
        f"{'rows (labelled)':>15} {'rows (actual)':>13} {'approach':<18} {'median s':>9} "
        f"{'min-max s':>13} {'cpu s':>6} {'peak MB':>8} {'load (1 min) at each run':>24}",
    ]
    for (rows, approach), runs in sorted(RESULTS.items()):
        if rows == 0:
            continue
        secs = [r["seconds"] for r in runs]
        loads = " ".join(f"{r['load']:.1f}" for r in runs)
        lines.append(
            f"{rows:>15,} {runs[0]['rows_actual']:>13,} {approach:<18} {median(rows, approach):>9.2f} "
            f"{min(secs):>6.2f}-{max(secs):<6.2f} {median(rows, approach, 'cpu_s'):>6.2f} "
            f"{median(rows, approach, 'peak_rss_mb'):>8.0f} {loads:>24}"
        )
    return lines


TARGETS = [  # (numerator, denominator, name, target, at most)
    ("cli", "duckdb", "cli/duckdb", 1.0, True),
    ("pandas_pint", "cli", "pandas+pint/cli", 10.0, False),
    ("cli", "bare_scan", "cli/bare scan", 2.5, True),
    ("cli_no_dup_check", "duckdb", "cli without the duplicate check/duckdb", None, True),
]


def _ratios(rows: int) -> list[str]:
    said = []
    for x, y, name, aim, most in TARGETS:
        if (rows, x) not in RESULTS or (rows, y) not in RESULTS:
            continue
        ratio = median(rows, x) / median(rows, y)
        cpu = median(rows, x, "cpu_s") / median(rows, y, "cpu_s")
        mark = (
            f" (target {'≤' if most else '≥'} {aim:g}: {verdict(ratio, aim, most)})" if aim else ""
        )
        if any(r.get("stopped") for r in RESULTS[(rows, x)] + RESULTS[(rows, y)]):
            mark = " (a run was stopped early: not a measurement)"
        said.append(f"{name} {ratio:.2f} (cpu {cpu:.2f}){mark}")
    if rows != SIZES[0] and (SIZES[0], "pandas_pint") in RESULTS and (rows, "cli") in RESULTS:
        # pandas runs once, on the first size; at this size it would take at least as long
        ratio = median(SIZES[0], "pandas_pint") / median(rows, "cli")
        said.append(f"pandas+pint at {SIZES[0]:,} rows/cli here {ratio:.2f} (a lower bound)")
    return [f"{rows:,} rows: " + "; ".join(said)] if said else []


def _agreement(rows: int) -> list[str]:
    """The results compared: carbonacct without the duplicate check against the others (the
    same sums, relative difference below 1e-9), and what the default's check removed."""
    if (rows, "cli_no_dup_check") not in RESULTS:
        return []
    ours = RESULTS[(rows, "cli_no_dup_check")][0]["result"]
    agreed = []
    lines = []
    for other in ("duckdb", "pandas_pint"):
        if (rows, other) not in RESULTS:
            continue
        if RESULTS[(rows, other)][0].get("stopped"):
            lines.append(
                f"{rows:,} rows: {other} not compared, it was {RESULTS[(rows, other)][0]['stopped']}"
            )
            continue
        theirs = RESULTS[(rows, other)][0]["result"]
        assert set(theirs) == set(ours), other
        for key, (co2, tce) in ours.items():
            assert theirs[key][0] == pytest.approx(co2, rel=1e-9), (other, key)
            assert theirs[key][1] == pytest.approx(tce, rel=1e-9), (other, key)
        agreed.append(other)
    if agreed:
        lines.append(
            f"{rows:,} rows: results agree within 1e-9 on all {len(ours):,} firm-months: "
            f"cli --no-duplicate-check, {', '.join(agreed)}"
        )
    if (rows, "cli") in RESULTS:
        default, plain = RESULTS[(rows, "cli")][0], RESULTS[(rows, "cli_no_dup_check")][0]
        worst = max(abs(default["result"][k][1] / v[1] - 1) for k, v in ours.items() if v[1])
        lines.append(
            f"{rows:,} rows: the default cli (duplicate check on) accounted "
            f"{default['accounted']:,} rows and rejected {default['rejected_rows']:,} "
            f"(without the check: {plain['accounted']:,} and {plain['rejected_rows']:,}); "
            f"its energy differs from the others' by up to {worst:.1e} relative, the "
            "generator's duplicated rows, which DuckDB and pandas count twice"
        )
    return lines


def _growth() -> list[str]:
    if len(SIZES) < 2 or not all((s, "cli") in RESULTS for s in SIZES[:2]):
        return []
    a, b = SIZES[0], SIZES[1]
    time_ratio = median(b, "cli") / median(a, "cli")
    rows_ratio = RESULTS[(b, "cli")][0]["rows_actual"] / RESULTS[(a, "cli")][0]["rows_actual"]
    pa, pb = median(a, "cli", "peak_rss_mb"), median(b, "cli", "peak_rss_mb")
    cpu_ratio = median(b, "cli", "cpu_s") / median(a, "cli", "cpu_s")
    return [
        f"cli time {b:,}/{a:,}: {time_ratio:.2f} (cpu {cpu_ratio:.2f}) for {rows_ratio:.2f}× "
        f"the rows (target ≤ 2: {verdict(time_ratio, 2.0)}); peak memory {pa:.0f} → {pb:.0f} MB "
        f"(target < 1024: {verdict(max(pa, pb), 1024)}; {flat(pa, pb)})"
    ]


#: "Flat" memory: the larger data set's peak at most this fraction above the smaller's.
FLAT = 0.10


def flat(smaller: float, larger: float) -> str:
    growth = larger / smaller - 1
    return f"{growth:+.0%}, flat (target ≤ +{FLAT:.0%}): " + ("met" if growth <= FLAT else "MISSED")


def _memory_case() -> list[str]:
    lines = []
    done = sorted(rows for rows, approach in RESULTS if approach == "cli_rejects")
    for rows in done:
        first = RESULTS[(rows, "cli_rejects")][0]
        peak = median(rows, "cli_rejects", "peak_rss_mb")
        if first.get("stopped"):
            lines.append(f"memory case at {rows:,} rows: {first['stopped']}")
        lines.append(
            f"peak memory at {rows:,} rows, 10 % rejected ({first.get('rejected')} rows written "
            f"by --rejects): {peak:.0f} MB in {median(rows, 'cli_rejects'):.1f} s "
            f"(target < 1024: {verdict(peak, 1024)})"
        )
    if len(done) == 2:
        a, b = (median(r, "cli_rejects", "peak_rss_mb") for r in done)
        lines.append(f"peak memory with rejects {done[0]:,} → {done[1]:,} rows: {flat(a, b)}")
    return lines


def test_summary() -> None:
    lines = _table()
    for rows in SIZES:
        lines += _ratios(rows) + _agreement(rows)
    lines += _growth() + _memory_case()
    started = [
        f"{name} {median(0, name):.2f} s (min {min(r['seconds'] for r in RESULTS[(0, name)]):.2f}, "
        f"target < 0.3: {verdict(median(0, name), 0.3)})"
        for name in STARTUP
        if (0, name) in RESULTS
    ]
    if started:
        lines.append("start-up, median of 5 fresh processes: " + "; ".join(started))
    lines.append("load average (1 min): " + "; ".join(LOAD))
    print("\n".join(lines))
