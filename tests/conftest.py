"""Shared fixtures."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import carbonacct
from carbonacct import _kernel
from carbonacct._manifest import data_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def library() -> carbonacct.FactorLibrary:
    """A private copy of the shipped library, safe to register sets into."""
    return carbonacct.default_library().copy()


@pytest.fixture
def factors_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped factors/ tree."""
    dst = tmp_path / "factors"
    shutil.copytree(data_dir(), dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


# Benchmarks generate tens of millions of rows: collected only when asked for
# (CARBONACCT_BENCH=1, see README), never in the default test run.
collect_ignore = [] if os.environ.get("CARBONACCT_BENCH") else ["benchmarks"]


# --- builders: small frames in the library's vocabulary, for worked examples ---


def make_readings(*rows: tuple[str, str, float, str], period: str = "2024") -> pl.DataFrame:
    """Readings from (firm_id, carrier, value, unit) tuples, all in one period."""
    return pl.DataFrame(
        {
            "firm_id": [r[0] for r in rows],
            "carrier": [r[1] for r in rows],
            "value": [float(r[2]) for r in rows],
            "unit": [r[3] for r in rows],
            "period": [period] * len(rows),
        }
    )


def make_activity(*rows: tuple[str, str, str, float, str]) -> pl.DataFrame:
    """Activity from (firm_id, period, metric, value, unit) tuples."""
    cols = ("firm_id", "period", "metric", "value", "unit")
    return pl.DataFrame({c: [r[i] for r in rows] for i, c in enumerate(cols)})


def one(fp: carbonacct.Footprint, column: str, firm: str = "F1") -> float:
    """The value of ``column`` in the single row of ``firm``."""
    rows = fp.table.filter(pl.col("firm_id") == firm)
    assert rows.height == 1, rows
    return float(rows[column][0])


def spy_kernel(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each footprint from now on took the typed kernel fast path (one entry a try)."""
    taken: list[bool] = []
    real = _kernel.try_fast

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(_kernel, "try_fast", spy)
    return taken


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI with ``args``: (exit code, stdout, stderr)."""
    from carbonacct.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


requires_dask = pytest.mark.skipif(_missing("distributed"), reason="needs dask.distributed")
requires_pint_pandas = pytest.mark.skipif(_missing("pint_pandas"), reason="needs pint-pandas")
requires_matplotlib = pytest.mark.skipif(_missing("matplotlib"), reason="needs matplotlib")
