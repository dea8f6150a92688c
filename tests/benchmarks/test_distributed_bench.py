"""Throughput of the footprint on a Dask LocalCluster with 1 and 2 workers (same data as test_scale)."""

from __future__ import annotations

import time

import pytest

import carbonacct

from .test_scale import SIZES, dataset

distributed = pytest.importorskip("distributed")


@pytest.mark.parametrize("workers", [1, 2])
def test_dask_throughput(benchmark, workers: int) -> None:  # type: ignore[no-untyped-def]
    path = dataset(SIZES[0])
    # each worker gets the machine's cores divided among the workers, for polars inside the task
    threads = str(max(1, 2 // workers))
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env={"POLARS_MAX_THREADS": threads},
    )
    with distributed.Client(cluster) as client:
        kw = {
            "firms": path / "firms.csv",
            "period": "month",
            "engine": "dask",
            "client": client,
            "checksum": False,
            "check_duplicates": False,
        }
        carbonacct.footprint(path / "readings", **kw)  # warm the workers (imports, factor library)
        start = time.perf_counter()
        result = benchmark.pedantic(
            carbonacct.footprint, args=(path / "readings",), kwargs=kw, rounds=1, iterations=1
        )
        seconds = time.perf_counter() - start
    cluster.close()
    rate = result.quality.rows_in / seconds / 1e6
    benchmark.extra_info.update(
        {"workers": workers, "rows": result.quality.rows_in, "Mrows_per_s": rate}
    )
    print(
        f"\ndask {workers} worker(s): {result.quality.rows_in:,} rows in {seconds:.2f} s = {rate:.2f} Mrows/s"
    )
