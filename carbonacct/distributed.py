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

Partition the data by firm or province (``firm=…/``, ``province=…/``): then
a meter's readings, and so its duplicates, never span two partitions, and the
per-partition duplicate check is the global one. Each task also returns the
meters it read; when a meter appears in more than one partition (files split
by row or by year), the duplicate check is run over the whole data set on the
client (one more pass, bounded like one machine's) and the partitions are
aggregated again with its result, so the figures stay those of one machine.
A register (cumulative) meter cannot be differenced across partitions: one
spread over several is an error naming it and its files.

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
from carbonacct.readings import (
    GROUP_KEYS,
    ReadingOptions,
    _is_register,
    aggregate_readings,
    reading_duplicates,
    scan_readings,
)

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
    path: str,
    options: ReadingOptions,
    by: tuple[str, ...],
    offset: int = 0,
    duplicates: dict[int, int] | None = None,
) -> tuple[pl.DataFrame, dict[int, int], pl.DataFrame]:
    """Read, check and aggregate one partition (runs in a Dask worker).

    Returns the group sums, the duplicate codes of its rows, numbered from
    ``offset`` (the rows of the data set's earlier files), and its meters
    (``firm_id``, ``meter_id``, ``register``). ``duplicates`` (the data
    set's, by row number) replace the partition's own check.
    """
    try:
        parts, source = read_parts(path, checksum=False)
        scan = scan_readings(_shifted(parts, offset), source, options, duplicates=duplicates)
        groups, dups, meters = pl.collect_all(
            [
                aggregate_readings(scan.rows, by),
                scan.rows.filter(pl.col("row_reason").is_in(_duplicate_reason_codes())).select(
                    "row_nr", "row_reason"
                ),
                scan.rows.filter(pl.col("firm_id").is_not_null())  # else rejected on its own
                .group_by("firm_id", "meter_id")
                .agg(_is_register().any().alias("register")),
            ],
            engine="streaming",
        )
        codes = dict(zip(dups["row_nr"].to_list(), dups["row_reason"].to_list(), strict=True))
        return groups, codes, meters
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


def _spread(results: list[Any], files: list[str]) -> pl.DataFrame:
    """The meters read in more than one partition, with their files."""
    meters = pl.concat(
        [
            m.with_columns(pl.lit(f).alias("file"))
            for (_, _, m), f in zip(results, files, strict=True)
        ],
        how="vertical_relaxed",
    )
    return (
        meters.group_by("firm_id", "meter_id")
        .agg(pl.col("register").any(), pl.col("file").sort())
        .filter(pl.col("file").list.len() > 1)
        .sort("firm_id", "meter_id", nulls_last=True)
    )


def _registers_spread(spread: pl.DataFrame) -> None:
    regs = spread.filter(pl.col("register"))
    if not regs.height:
        return
    firm, meter, files = regs.row(0)[0], regs.row(0)[1], regs.row(0)[3]
    raise InputError(
        f"register meter {meter} of {firm} has readings in {len(files)} partitions "
        f"({', '.join(files)}){f' ({regs.height} such meters)' if regs.height > 1 else ''}: "
        "a register is differenced reading by reading, which the cluster cannot do across "
        "partitions. Partition the data by firm (firm=…/), or run on one machine.",
        file=files[0],
        row=None,
        column="meter_id",
    )


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
    parts, source = read_parts(dataset, checksum=False)
    files = list(parts[0].files) or partitions(dataset)
    sizes = list(parts[0].file_rows) or [parts[0].rows]
    offsets = [sum(sizes[:i]) for i in range(len(files))]
    n = len(files)
    results = client.gather(
        client.map(aggregate_partition, files, [options] * n, [by] * n, offsets, pure=False)
    )
    spread = _spread(results, files)
    if spread.height:
        _registers_spread(spread)
    if spread.height and options.check_duplicates:
        # a meter's duplicates may lie in other partitions: the data set's check, then again
        codes = reading_duplicates(parts, source, options)
        results = client.gather(
            client.map(
                aggregate_partition,
                files,
                [options] * n,
                [by] * n,
                offsets,
                [codes] * n,
                pure=False,
            )
        )
    keys = [*GROUP_KEYS, *by]
    frames = [g for g, _, _ in results if g.height]
    dups = {r: c for _, d, _ in results for r, c in d.items()}
    if not frames:
        return results[0][0], dups
    groups = (
        pl.concat(frames, how="vertical_relaxed")
        .group_by(keys)
        .agg(pl.col("_sum").sum(), pl.col("rows").sum())
    )
    return groups, dups
