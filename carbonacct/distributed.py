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

Interval labels are decided once, on the client, as on one machine: a first
round of tasks returns, per partition, each firm's meter's first and last
time (of the rows that can be accounted) and whether a 24:00 was seen; the
client decides every meter's label over all its files
(:func:`carbonacct._interval_labels.labels_of`), and the partitions are
aggregated with it. A meter whose files lie in several partitions is so
labelled one way, not per worker.

Failure handling is Dask's: a task whose worker dies is re-run on another
(``distributed.scheduler.allowed-failures``); a partition that cannot be read
is reported with its path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._interval_labels import Decided, PartLabel, labels_of
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import read_parts
from carbonacct.readings import (
    GROUP_KEYS,
    ReadingOptions,
    _is_register,
    aggregate_readings,
    label_stats,
    reading_duplicates,
    scan_readings,
)

__all__ = ["aggregate_partition", "dask_groups", "partition_stats", "partitions"]


def partitions(dataset: str | Path) -> list[str]:
    """The Parquet files of a data set (a directory, hive-partitioned or not, or one file)."""
    path = Path(dataset)
    if path.is_file():
        return [str(path)]
    files = sorted(str(p) for p in path.rglob("*.parquet"))
    if not files:
        raise InputError(f"{path}: no Parquet files found.", file=str(path), row=None, column=None)
    return files


@contextmanager
def _partition(path: str) -> Iterator[None]:
    """A corrupt or unreadable partition reported with its path."""
    try:
        yield
    except CarbonacctError:
        raise
    except Exception as exc:
        raise InputError(
            f"{path}: cannot read this partition ({type(exc).__name__}: {exc}).",
            file=path,
            row=None,
            column=None,
        ) from None


def partition_stats(path: str, options: ReadingOptions) -> pl.DataFrame:
    """Per meter of one partition, the first and last time of its rows that can be accounted
    and whether a 24:00 was seen (runs in a Dask worker; the client decides the labels)."""
    with _partition(path):
        parts, _ = read_parts(path, checksum=False)
        return label_stats(parts, options)


def aggregate_partition(
    path: str,
    options: ReadingOptions,
    by: tuple[str, ...],
    offset: int = 0,
    duplicates: dict[int, int] | None = None,
    label: PartLabel | None = None,
) -> tuple[pl.DataFrame, dict[int, int], pl.DataFrame]:
    """Read, check and aggregate one partition (runs in a Dask worker).

    Returns the group sums, the duplicate codes of its rows, numbered from
    ``offset`` (the rows of the data set's earlier files), and its meters
    (``firm_id``, ``meter_id``, ``register``). ``duplicates`` (the data
    set's, by row number) replace the partition's own check; ``label`` (the
    interval label of the partition's part, decided by the client) its own.
    """
    with _partition(path):
        parts, source = read_parts(path, checksum=False)
        shifted = _shifted(parts, offset)
        lead: list[PartLabel] = [("start", "given", [])] * (len(shifted) - len(parts))
        labels: Decided | None = None
        if label is not None:
            labels = (lead + [label] * len(parts), [])
        scan = scan_readings(shifted, source, options, duplicates=duplicates, labels=labels)
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


def _part_of(parts: list[Any]) -> list[int]:
    """The part of each file, in the order the files are listed."""
    return [p for p, part in enumerate(parts) for _ in part.files or (part.label,)]


def _labels(client: Any, files: list[str], parts: list[Any], options: ReadingOptions) -> Decided:
    """The interval labels of the data set's parts, decided once from every partition's first
    and last times per meter, as one machine decides them over all the files."""
    if options.interval_label != "auto":
        return [(options.interval_label, "given", []) for _ in parts], []
    part_of = _part_of(parts)
    stats = client.gather(client.map(partition_stats, files, [options] * len(files), pure=False))
    table = pl.concat(
        [
            s.with_columns(pl.lit(p, pl.UInt32).alias("part"))
            for s, p in zip(stats, part_of, strict=True)
        ],
        how="vertical_relaxed",
    )
    return labels_of(table, [p.label for p in parts], options.firms)


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
) -> tuple[pl.DataFrame, dict[int, int], Decided]:
    """Per-partition group sums computed on the cluster, added up on the client.

    Also returns the duplicate codes of all partitions, by data-set row number, and the
    interval labels of the data set's parts (decided once, on the client).
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
    # a folder whose files' types differ comes as one part per file
    files = [f for p in parts for f in (p.files or (p.label,))]
    sizes = [r for p in parts for r in (p.file_rows or (p.rows,))]
    offsets = [sum(sizes[:i]) for i in range(len(files))]
    labels = _labels(client, files, parts, options)
    each = [labels[0][p] for p in _part_of(parts)]  # the label of each file's part
    n = len(files)
    args = (files, [options] * n, [by] * n, offsets)
    results = client.gather(client.map(aggregate_partition, *args, [None] * n, each, pure=False))
    spread = _spread(results, files)
    if spread.height:
        _registers_spread(spread)
    if spread.height and options.check_duplicates:
        # a meter's duplicates may lie in other partitions: the data set's check, then again
        codes = reading_duplicates(parts, source, options, labels)
        results = client.gather(
            client.map(aggregate_partition, *args, [codes] * n, each, pure=False)
        )
    keys = [*GROUP_KEYS, *by]
    frames = [g for g, _, _ in results if g.height]
    dups = {r: c for _, d, _ in results for r, c in d.items()}
    if not frames:
        return results[0][0], dups, labels
    groups = (
        pl.concat(frames, how="vertical_relaxed")
        .group_by(keys)
        .agg(pl.col("_sum").sum(), pl.col("rows").sum())
    )
    return groups, dups, labels
