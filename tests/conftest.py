"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import carbonacct
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
