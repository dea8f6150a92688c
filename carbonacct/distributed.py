"""Footprint on a Dask cluster: each Parquet partition is aggregated where it lives.

The footprint's only pass over the data ends in sums per group (firm, period,
carrier, unit, flow, use, kind and row-level reason); sums add, so each
partition of a hive-partitioned Parquet data set is read by the same table
reader as on one machine (header map, types, hive columns such as
``firm=…/``), checked and aggregated by polars in its own Dask task, and the
partial sums are added on the client — exactly the groups the
single-machine run forms. Everything after (factors, decisions per group, the
result table) runs on that small table, as on one machine. Each task also
returns the rows it found duplicated, numbered as the client numbers the data
set, so the rejected-row listing of a Dask run is complete.

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
from carbonacct.io import read_parts
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


def aggregate_partition(
    path: str, options: ReadingOptions, by: tuple[str, ...], offset: int = 0
) -> tuple[pl.DataFrame, dict[int, int]]:
    """Read, check and aggregate one partition (runs in a Dask worker).

    Returns the group sums and the duplicate codes of its rows, numbered
    from ``offset`` (the rows of the data set's earlier files).
    """
    try:
        parts, source = read_parts(path, checksum=False)
        scan = scan_readings(_shifted(parts, offset), source, options)
        groups = aggregate_readings(scan.rows, by).collect(engine="streaming")
        dups = (
            scan.rows.filter(pl.col("row_reason").is_in(_duplicate_reason_codes()))
            .select("row_nr", "row_reason")
            .collect(engine="streaming")
        )
        return groups, dict(
            zip(dups["row_nr"].to_list(), dups["row_reason"].to_list(), strict=True)
        )
    except CarbonacctError:
        raise
    except Exception as exc:  # a corrupt or unreadable partition
        raise InputError(
            f"{path}: cannot read this partition ({type(exc).__name__}: {exc}).",
            file=path,
            row=None,
            column=None,
        ) from None


def _shifted(parts: list[Any], offset: int) -> list[Any]:
    """The partition's parts numbered after ``offset`` rows (an empty leading part)."""
    if offset == 0:
        return parts
    first = parts[0]
    empty = first.__class__(first.frame.clear(), "<earlier partitions>", first.format, offset)
    return [empty, *parts]


def _duplicate_reason_codes() -> list[int]:
    from carbonacct.readings import REASON_CODES

    return [REASON_CODES["duplicate_reading"], REASON_CODES["conflicting_duplicate"]]


def dask_groups(
    dataset: Any, options: ReadingOptions, by: tuple[str, ...], client: Any
) -> tuple[pl.DataFrame, dict[int, int]]:
    """Per-partition group sums computed on the cluster, added up on the client.

    Also returns the duplicate codes of all partitions, by data-set row number.
    """
    if client is None:
        raise InputError(
            "engine='dask' needs client= (a distributed.Client).", file=None, row=None, column=None
        )
    if isinstance(dataset, (list, tuple)):
        if len(dataset) != 1:
            raise InputError(
                "engine='dask' reads one Parquet data set (a directory or file).",
                file=None,
                row=None,
                column=None,
            )
        dataset = dataset[0]
    parts, _ = read_parts(dataset, checksum=False)
    files = list(parts[0].files) or partitions(dataset)
    sizes = list(parts[0].file_rows) or [parts[0].rows]
    offsets = [sum(sizes[:i]) for i in range(len(files))]
    futures = client.map(
        aggregate_partition, files, [options] * len(files), [by] * len(files), offsets, pure=False
    )
    results = client.gather(futures)
    keys = [*GROUP_KEYS, *by]
    frames = [g for g, _ in results if g.height]
    dups = {r: c for _, d in results for r, c in d.items()}
    if not frames:
        return results[0][0], dups
    groups = (
        pl.concat(frames, how="vertical_relaxed")
        .group_by(keys)
        .agg(pl.col("_sum").sum(), pl.col("rows").sum())
    )
    return groups, dups
