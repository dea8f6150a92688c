"""The benchmark's launcher reports a command's own peak memory and stops a runaway one.

A process started straight from a large parent reports the parent's memory high-water mark
as its own on Linux (the image replaced at exec keeps its peak in ru_maxrss); the benchmark
therefore starts every approach from tests/benchmarks/measured.py. These tests hold the
launcher to that, from a parent that holds 400 MB itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LAUNCHER = Path(__file__).parent / "benchmarks" / "measured.py"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, Linux only")


def _launch(tmp_path: Path, code: str, max_mb: float = 3000, timeout: float = 60) -> dict:
    report = tmp_path / "usage.json"
    cmd = [sys.executable, "-S", str(LAUNCHER), str(report), str(max_mb), str(timeout)]
    subprocess.run([*cmd, "--", sys.executable, "-S", "-c", code], check=True)
    return json.loads(report.read_text(encoding="utf-8"))


def test_a_small_command_from_a_large_parent_reports_its_own_small_peak(tmp_path: Path) -> None:
    held = bytearray(400 * 1024 * 1024)
    held[::4096] = b"\1" * len(held[::4096])  # touch every page: 400 MB resident here
    usage = _launch(tmp_path, "pass")
    assert usage["exit"] == 0
    assert usage["stopped"] == ""
    assert usage["peak_rss_mb"] < 100  # an interpreter's few MB, not the parent's 400
    del held


def test_a_command_that_holds_200_mb_reports_at_least_that(tmp_path: Path) -> None:
    code = "b = bytearray(200 * 1024 * 1024); b[::4096] = b'\\1' * len(b[::4096])"
    usage = _launch(tmp_path, code)
    assert 200 <= usage["peak_rss_mb"] < 300


def test_a_command_past_the_memory_limit_is_stopped_and_says_so(tmp_path: Path) -> None:
    code = (
        "import time\n"
        "b = bytearray(300 * 1024 * 1024); b[::4096] = b'\\1' * len(b[::4096])\n"
        "time.sleep(30)"
    )
    usage = _launch(tmp_path, code, max_mb=150)
    assert usage["stopped"].startswith("stopped at ")
    assert usage["exit"] != 0
    assert usage["seconds"] < 20
