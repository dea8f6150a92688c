"""The shipped factor library, in a fresh process, is loaded on a thread while the pass reads
the data (it is needed only after): the same footprint as with the library loaded first, and
a library that cannot be loaded still stops the run with its own error."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

import carbonacct
from carbonacct import _accounting
from carbonacct.errors import FactorFileError
from tests.test_kernel import clean_rows, write

_FRESH = """
import json, sys, threading
import carbonacct
from carbonacct.factors import FactorLibrary

loaded_on = []
real = FactorLibrary.load.__func__
def load(cls, *a, **k):
    loaded_on.append(threading.current_thread().name)
    return real(cls, *a, **k)
FactorLibrary.load = classmethod(load)
method = carbonacct.Method(period="month", grid_factor="national")
run = carbonacct.RunOptions(checksum=False)
first = carbonacct.footprint(sys.argv[1], method=method, run=run)  # loaded on the thread
again = carbonacct.footprint(sys.argv[1], method=method, run=run)  # loaded already
print(json.dumps([loaded_on, first.table.equals(again.table), first.quality.rows_in,
                  first.provenance["factor_sets"] == again.provenance["factor_sets"]]))
"""


def test_a_fresh_process_loads_the_library_on_a_thread_with_the_same_result(
    tmp_path: Path,
) -> None:
    path = write(clean_rows(2, 3, 50, seed=3), tmp_path / "r.parquet", row_group=100)
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded_on, same, rows, same_sets = json.loads(done.stdout.splitlines()[-1])
    assert [name.rsplit("_", 1)[0] for name in loaded_on] == ["carbonacct-factors"]  # once
    assert (same, rows, same_sets) == (True, 300, True)


def test_a_library_that_cannot_be_loaded_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(clean_rows(1, 1, 20, seed=4), tmp_path / "r.parquet", row_group=100)

    @functools.cache
    def broken() -> carbonacct.FactorLibrary:
        raise FactorFileError("factors.csv: row 3 fails the schema", file="factors.csv")

    monkeypatch.setattr(_accounting, "default_library", broken)
    with pytest.raises(FactorFileError, match="row 3"):
        carbonacct.footprint(path, method=carbonacct.Method(grid_factor="national"))
