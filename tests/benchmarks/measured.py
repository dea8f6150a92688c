"""Run one benchmark command as the child of this small process and report its own resources.

A process started straight from the benchmark's pytest process would report that process's
memory as its own: Linux keeps the memory high-water mark of the image a process replaces
at ``exec`` in its ``ru_maxrss``, and the replaced image is the (large) parent's. Started from
here, the replaced image is this small interpreter's (about 10 MB), so the peak reported is
the command's own. The watchdog lives here too: past ``MAX_MB`` of resident memory or
``TIMEOUT`` seconds the command is killed and the report says why.

Usage: python -S measured.py REPORT_JSON MAX_MB TIMEOUT -- COMMAND...
Writes one JSON object to REPORT_JSON: exit code, wall and CPU seconds, peak RSS in MB,
the highest resident memory seen while it ran, and why it was stopped (or "").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            line = next((x for x in status if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    except OSError:  # gone, or not Linux
        return 0.0
    return int(line.split()[1]) / 1024


def main(report: str, max_mb: float, timeout: float, cmd: list[str]) -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    stopped, seen = "", 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss, wall = resident_mb(proc.pid), time.perf_counter() - start
        seen = max(seen, rss)
        if not stopped and rss > max_mb:
            stopped = f"stopped at {rss:.0f} MB (limit {max_mb:.0f})"
        elif not stopped and wall > timeout:
            stopped = f"stopped after {wall:.0f} s (limit {timeout:.0f})"
        if stopped:
            proc.kill()
        time.sleep(0.05)
    with open(report, "w", encoding="utf-8") as out:
        json.dump(
            {
                "exit": os.waitstatus_to_exitcode(status),
                "seconds": time.perf_counter() - start,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "peak_rss_mb": usage.ru_maxrss / 1024,
                "rss_seen_mb": seen,
                "stopped": stopped,
            },
            out,
        )


if __name__ == "__main__":
    at = sys.argv.index("--")
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[at + 1 :])
