"""Stragglers found before the pass: rows appended out of order are read first.

The order screen (:mod:`carbonacct._screen`) settles a meter whose readings
form one strictly increasing run. Rows appended later (corrections at the
end of a file) form short extra segments, the *stragglers*, whose originals
lie in the main run; finding those originals took a second read of the row
groups of the main runs. Here the row groups that can hold stragglers are told
apart before the pass by their Parquet statistics: a row group whose
``meter_id`` range strictly contains another row group's range is out of
order. Only their firm, meter and time columns are read first; the times of
every short run of one meter there are the *wanted* keys, and the kernel's one
pass keeps every row with a wanted key. The screen answers its second look
from these rows when every straggler it asks about was wanted, and reads
again as before otherwise, so the result never depends on the guess.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from carbonacct import _arrowcols as ac

__all__ = ["SHORT", "Wanted", "out_of_order", "wanted"]

#: A run of at most this many rows of one meter, in a row group out of order, is read first.
SHORT = 16
#: More wanted keys than this and the second look reads again instead (memory stays bounded).
MAX_WANTED = 1_000_000


@dataclass
class Wanted:
    """Per (firm, meter), the sorted times whose rows the pass keeps."""

    times: dict[tuple[str, str], np.ndarray]

    @property
    def keys(self) -> pl.DataFrame:
        """One row per wanted key: firm_id, meter_id, _ts [µs]."""
        pairs = list(self.times)
        sizes = [len(self.times[p]) for p in pairs]
        return pl.DataFrame(
            {
                "firm_id": [f for (f, _), n in zip(pairs, sizes, strict=True) for _ in range(n)],
                "meter_id": [m for (_, m), n in zip(pairs, sizes, strict=True) for _ in range(n)],
                "_ts": np.concatenate([self.times[p] for p in pairs]) if pairs else [],
            },
            schema={"firm_id": pl.String, "meter_id": pl.String, "_ts": pl.Int64},
        )

    def pick(
        self,
        dicts: dict[str, list[str]],
        codes: dict[str, np.ndarray],
        ts: np.ndarray,
        k: np.ndarray | None,
        meters: dict[str, np.ndarray],
    ) -> np.ndarray:
        """The rows (of ``k``, positions in the row group) with a wanted key, found within the
        meter runs of the row group."""
        firms, names = dicts["firm_id"], dicts["meter_id"]
        found = []
        for f, m, lo, hi in zip(
            meters["firm_id"],
            meters["meter_id"],
            meters["first_nr"],
            meters["last_nr"],
            strict=True,
        ):
            times = self.times.get((firms[f], names[m])) if f >= 0 and m >= 0 else None
            if times is None:
                continue
            span = ts[lo : hi + 1]
            at = np.minimum(np.searchsorted(times, span), len(times) - 1)
            hit = times[at] == span
            if k is not None:
                hit &= k[lo : hi + 1]
            hit &= (codes["meter_id"][lo : hi + 1] == m) & (codes["firm_id"][lo : hi + 1] == f)
            found.append(np.flatnonzero(hit) + lo)
        return np.concatenate(found) if found else np.zeros(0, "int64")


def out_of_order(tasks: Sequence[Any]) -> list[int]:
    """The row groups whose ``meter_id`` range (from the statistics) strictly contains another
    row group's range: in a file sorted by meter, only rows appended out of order do that."""
    import pyarrow.parquet as pq

    from carbonacct._kernel_inputs import physical

    ranges: list[tuple[str, str, int]] = []
    meta: dict[str, Any] = {}
    meters: dict[str, str | None] = {}
    for i, (path, group, _, _) in enumerate(tasks):
        md = meta.setdefault(path, pq.ParquetFile(path).metadata)
        names = [md.schema.column(j).name for j in range(md.num_columns)]
        if path not in meters:
            meters[path] = physical(path).get("meter_id")  # under the file's own header
        meter = meters[path]
        if meter not in names:
            return []
        stats = md.row_group(group).column(names.index(meter)).statistics
        if stats is not None and stats.has_min_max:
            ranges.append((str(stats.min), str(stats.max), i))
    ranges.sort()
    lows = [lo for lo, _, _ in ranges]
    # the smallest upper end among the ranges from position j on
    tail: list[str | None] = [None] * (len(ranges) + 1)
    for j in range(len(ranges) - 1, -1, -1):
        later = tail[j + 1]
        tail[j] = ranges[j][1] if later is None or ranges[j][1] < later else later
    out = []
    for lo, hi, i in ranges:
        j = bisect.bisect_right(lows, lo)  # ranges starting strictly after this one
        inner = tail[j]
        if inner is not None and inner < hi:
            out.append(i)
    return sorted(out)


def wanted(tasks: Sequence[Any], strip_firm: bool) -> Wanted | None:
    """The wanted keys: times of the short meter runs in the row groups out of order; None
    when there are none, or too many."""
    from carbonacct._kernel_inputs import read_group

    found: dict[tuple[str, str], list[np.ndarray]] = {}
    total = 0
    for i in out_of_order(tasks):
        path, group, _, _ = tasks[i]
        ids = ["firm_id", "meter_id"]
        table = read_group(path, group, [*ids, "timestamp"], ids)
        seen: dict[str, dict[str, int]] = {"firm_id": {}, "meter_id": {}}
        firm = ac.codes(table["firm_id"], strip_firm, seen["firm_id"])
        meter = ac.codes(table["meter_id"], True, seen["meter_id"])
        ts, tok = ac.column(table["timestamp"], "ts")
        ok = (firm >= 0) & (meter >= 0) & (tok if tok is not None else True)
        rows = np.flatnonzero(ok)
        f, m = firm[rows], meter[rows]
        new = np.ones(len(rows), bool)
        new[1:] = (f[1:] != f[:-1]) | (m[1:] != m[:-1])
        run = np.cumsum(new) - 1
        short = (np.bincount(run) <= SHORT)[run] if len(rows) else new
        total += int(short.sum())
        if total > MAX_WANTED:
            return None
        firms, meters = list(seen["firm_id"]), list(seen["meter_id"])
        pairs = f[short].astype("int64") * (len(meters) + 1) + m[short]
        order = np.argsort(pairs, kind="stable")
        pairs, times = pairs[order], ts[rows[short]][order]
        cuts = np.flatnonzero(pairs[1:] != pairs[:-1]) + 1
        heads = pairs[np.r_[0, cuts]] if len(pairs) else pairs
        for pair, part in zip(heads, np.split(times, cuts) if len(pairs) else [], strict=True):
            key = (firms[pair // (len(meters) + 1)], meters[pair % (len(meters) + 1)])
            found.setdefault(key, []).append(part)
    if not found:
        return None
    return Wanted({key: np.unique(np.concatenate(parts)) for key, parts in found.items()})
