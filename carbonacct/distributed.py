"""Footprint on a Dask cluster: each Parquet partition is aggregated where it lives.

The footprint's only pass over the data ends in sums per group (firm, period,
carrier, unit, flow, use, kind and row-level reason); sums add, so each
partition of a hive-partitioned Parquet data set is scanned and aggregated by
polars in its own Dask task, and the partial sums are added on the client —
exactly the groups the single-machine run forms. Everything after (factors,
decisions per group, the result table) runs on that small table, as on one
machine.

Partition the data by firm, province or year (``firm=…/``, ``province=…/``):
then a meter's readings, and so its duplicates, never span two partitions,
and the per-partition duplicate check is the global one. Register readings
need every reading of a meter in one partition (partition by firm or
province, not by year).

Failure handling is Dask's: a task whose worker dies is re-run on another
(``distributed.scheduler.allowed-failures``); a partition that cannot be read
is reported with its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import Source
from carbonacct.readings import GROUP_KEYS, ReadingOptions, aggregate_readings, scan_readings

__all__ = ["aggregate_partition", "dask_groups", "partitions"]


def partitions(dataset: str | Path) -> list[str]:
    """The Parquet files of a data set (a directory, hive-partitioned or not, or one file)."""
    path = Path(dataset)
    if path.is_file():
        return [str(path)]
    files = sorted(str(p) for p in path.rglob("*.parquet"))
    if not files:
        raise InputError(f"{path}: no Parquet files found.", file=str(path), row=None, column=None)
    return files


def aggregate_partition(path: str, options: ReadingOptions, by: tuple[str, ...]) -> pl.DataFrame:
    """Scan and aggregate one partition (runs in a Dask worker)."""
    try:
        lf = pl.scan_parquet(path, hive_partitioning="=" in str(Path(path).parent))
        rows = scan_readings(lf, Source(path, None, "parquet"), options)
        return aggregate_readings(rows, by).collect(engine="streaming")
    except CarbonacctError:
        raise
    except Exception as exc:  # a corrupt or unreadable partition
        raise InputError(
            f"{path}: cannot read this partition ({type(exc).__name__}: {exc}).",
            file=path,
            row=None,
            column=None,
        ) from None


def dask_groups(
    dataset: Any, options: ReadingOptions, by: tuple[str, ...], client: Any
) -> pl.DataFrame:
    """Per-partition group sums computed on the cluster, added up on the client."""
    if client is None:
        raise ValueError("engine='dask' needs client= (a distributed.Client).")
    if isinstance(dataset, (list, tuple)):
        if len(dataset) != 1:
            raise ValueError("engine='dask' reads one Parquet data set (a directory or file).")
        dataset = dataset[0]
    files = partitions(dataset)
    futures = client.map(aggregate_partition, files, options=options, by=by, pure=False)
    parts = client.gather(futures)
    keys = [*GROUP_KEYS, *by]
    frames = [p for p in parts if p.height]
    if not frames:
        return parts[0]
    return (
        pl.concat(frames, how="vertical_relaxed")
        .group_by(keys)
        .agg(pl.col("_sum").sum(), pl.col("rows").sum())
    )
