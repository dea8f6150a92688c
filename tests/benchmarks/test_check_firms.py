"""A regulator's batch from `carbonacct synth --level firm`: 10 000 firms over six years
(2020-2025) checked with `carbonacct check` in under a minute and 2 GB, every firm out.

Collected only with CARBONACCT_BENCH=1 (see tests/conftest.py). Each command is a fresh
process timed from outside: wall time, CPU time (user + system, which a shared machine
disturbs less) and peak memory (wait4), printed as one JSON line per run. Sizes come from
CARBONACCT_BENCH_FIRMS (default 10000) and CARBONACCT_BENCH_YEARS (default 6).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

FIRMS = int(os.environ.get("CARBONACCT_BENCH_FIRMS", "10000"))
YEARS = int(os.environ.get("CARBONACCT_BENCH_YEARS", "6"))
CLI = [str(Path(sys.executable).with_name("carbonacct"))]


def measured(args: list[str]) -> dict[str, float]:
    """Run ``args`` in a child process: wall and CPU seconds, peak RSS [MB]."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    err = child.stderr.read().decode() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, err
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def test_synthetic_firms_over_six_years(tmp_path: Path) -> None:
    size = ["--firms", str(FIRMS), "--years", str(YEARS), "--year", "2025"]
    synth = measured([*CLI, "synth", "--level", "firm", *size, "-o", str(tmp_path)])
    firms, actuals = tmp_path / "firms.csv", tmp_path / "actuals.csv"
    rows = pl.scan_csv(actuals).select(pl.len()).collect().item()
    runs = {"synth": synth}
    for suffix in ("parquet", "xlsx"):
        out = tmp_path / f"check.{suffix}"
        runs[f"check -o .{suffix}"] = measured(
            [*CLI, "check", "--firms", str(firms), "--actuals", str(actuals), "-o", str(out)]
        )
    load = os.getloadavg()[0]
    for name, run in runs.items():
        print(json.dumps({"run": name, "firms": FIRMS, "rows": rows, "load": load} | run))
    given = pl.read_csv(firms, infer_schema=False)["firm_id"]
    # the .parquet output is the firms table (one row per firm); the .xlsx holds every table
    out = pl.read_parquet(tmp_path / "check.parquet")
    assert out.height == FIRMS and set(out["firm_id"]) == set(given)  # every input firm out
    assert out["status"].is_not_null().all()
    for name, run in runs.items():
        if name.startswith("check"):
            # the bounds: a minute and 2 GB; CPU time, which the other processes of a
            # shared machine disturb less, for every run, and wall time for the check itself
            # (the .xlsx run adds ~8 s of CPU for writing 200 000 result rows)
            assert run["cpu_s"] < 60 and run["max_rss_mb"] < 2048, run
    assert runs["check -o .parquet"]["wall_s"] < 60, runs
