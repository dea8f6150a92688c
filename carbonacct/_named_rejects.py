"""The rejected rows of the Parquet fast path, named by the kernel instead of a join of the
whole input.

The footprint's rejects are the rows whose group (``GROUP_KEYS``) was rejected.
The polars path finds them by reading the whole input again as text and
joining every row to the rejected groups. Here each row group is read again
as the kernel reads it (key columns as dictionary codes, values and times as
numbers) and only the rows that can be rejected are picked:

* rows that fail a row check (the kernel's row reason),
* rows the duplicate check rejected (their row numbers are known),
* rows whose firm and keys (carrier, unit, flow, use, kind) are those of a
  group rejected by a key or firm check (unknown carrier, unit of another
  dimension, unknown firm, no factor).

Only those rows are taken from the row group and run through the same plan
as every row of the polars path (:func:`carbonacct._kernel._lazy_scan`), so
the rejects' text, reasons and row numbers are those of the whole-input join,
which then keeps exactly the rejected rows among them. Memory holds one row
group at a time and text for the picked rows only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from carbonacct.io._tables import Part
from carbonacct.readings import KEY_COLUMNS, ReadingOptions, _with_duplicates

__all__ = ["Named", "named_rejects", "rejectable"]

_KEYS = ("firm_id", *KEY_COLUMNS)
#: The columns :func:`carbonacct.readings.normalise` reads.
_READ = {*_KEYS, "meter_id", "site_id", "process", "product", "period", "register_capacity"}
_READ |= {"value", "timestamp"}


def named_rejects(
    tasks: list[Any],
    strip_firm: bool,
    parts: Sequence[Part],
    options: ReadingOptions,
    decided: list[tuple[str, str, list[str]]],
    codes: pl.DataFrame,
    rows: pl.LazyFrame,
) -> Named | None:
    """The rows of the rejected groups, picked row group by row group (None: a column the
    readings are read from is not in every file, such as a hive partition named like one; the
    whole input is joined then; also for text parsed into a copy, whose rows are normalised)."""
    from carbonacct._kernel_inputs import physical

    names = []
    for part in parts:
        if part.parsed:
            return None
        schema = part.frame.collect_schema()
        files = [set(physical(f)) for f in part.files or (part.label,)]
        kept = {c: t for c, t in schema.items() if all(c in f for f in files)}
        if set(schema) - set(kept) & _READ:
            return None
        names.append(pl.Schema(kept))
    return Named(tasks, strip_firm, parts, names, options, decided, codes.sort("row_nr"), rows)


def rejectable(
    named: Named | None, rows: pl.LazyFrame, bad: pl.DataFrame
) -> tuple[pl.LazyFrame, Any]:
    """(The rows that can be in the rejected groups ``bad``, a function giving them frame by
    frame; None when they come from ``rows``, every row.)"""
    if named is None:
        return rows, None
    return named.plan(bad), lambda: named.frames(bad)


@dataclass
class Named:
    """The rows that can be rejected, read row group by row group."""

    tasks: list[Any]
    strip_firm: bool
    parts: Sequence[Part]
    names: list[pl.Schema]
    options: ReadingOptions
    decided: list[tuple[str, str, list[str]]]  # per part: label, how, meters labelled otherwise
    dups: pl.DataFrame  # row_nr, code: the duplicates rejected, by row number
    rows: pl.LazyFrame  # every row (for the schema)

    def frames(self, bad: pl.DataFrame) -> Iterator[pl.DataFrame]:
        """Per row group, its rows that can be in the rejected groups ``bad``, in the plan of
        every row; in row order."""
        from carbonacct._kernel import _lut

        keyed = bad.filter(pl.col("row_reason").is_null()).select(_KEYS).unique()
        words = {c: keyed[c].to_list() for c in _KEYS}
        lut, nrs = _lut(self.options.period), self.dups["row_nr"].cast(pl.Int64).to_numpy()
        for task in self.tasks:
            frame = self._picked(task, lut, words, nrs)
            if frame is not None:
                yield frame

    def plan(self, bad: pl.DataFrame) -> pl.LazyFrame:
        """:meth:`frames` as a lazy frame (polars reads it ahead of its consumer: for
        collecting; write batch by batch from :meth:`frames`)."""
        from polars.io.plugins import register_io_source

        def source(
            with_columns: list[str] | None, predicate: Any, n_rows: int | None, _size: Any
        ) -> Iterator[pl.DataFrame]:
            left = n_rows
            for df in self.frames(bad):
                if predicate is not None:
                    df = df.filter(predicate)
                if with_columns is not None:
                    df = df.select(with_columns)
                if left is not None:
                    df, left = df.head(left), left - min(left, df.height)
                yield df
                if left == 0:
                    return

        return register_io_source(source, schema=lambda: self.rows.collect_schema())

    def _picked(
        self, task: tuple[str, int, int, int], lut: Any, words: dict[str, list[Any]], nrs: Any
    ) -> pl.DataFrame | None:
        """The rows of one row group that can be rejected, as the polars path plans every row."""
        from carbonacct._kernel import _STRINGS, _computed, _lazy_scan
        from carbonacct._kernel_inputs import read_group

        path, group, p, first_row = task
        schema = self.names[p]
        present = [c for c in _STRINGS if c in schema.names()]
        table = read_group(path, group, schema.names(), present)
        r = _computed(table, present, self.strip_firm, lut)
        pick = r.reason != 0
        pick |= _keyed(r.dicts, r.codes, words, r.n)
        lo, hi = np.searchsorted(nrs, [first_row, first_row + r.n])
        pick[nrs[lo:hi] - first_row] = True
        at = np.flatnonzero(pick)
        if not at.size:
            return None
        frame = pl.from_arrow(table.take(at))
        assert isinstance(frame, pl.DataFrame)
        frame = frame.cast(dict(schema))  # type: ignore[arg-type]
        sub = Part(frame.lazy(), self.parts[p].label, "parquet", frame.height)
        out = _lazy_scan([sub], self.options, [self.decided[p]]).rows.collect()
        out = out.with_columns(pl.Series("row_nr", at + first_row).cast(out["row_nr"].dtype))
        mine = self.dups.slice(int(lo), int(hi - lo))
        return _with_duplicates(out.lazy(), mine).collect() if mine.height else out


def _keyed(
    dicts: dict[str, list[str]],
    codes: dict[str, np.ndarray],
    words: dict[str, list[Any]],
    n: int,
) -> np.ndarray:
    """Per row, whether its firm and keys are those of a group rejected by a key or firm check."""
    wanted = len(words["firm_id"])
    if not wanted:
        return np.zeros(n, bool)
    # each key as a number: (code + 1) of each column in mixed radix (the row group's words)
    sizes = [len(dicts[c]) + 1 for c in _KEYS]
    if float(np.prod(sizes, dtype="float64")) >= 2.0**62:  # too many words: by firm alone
        firms = {w for w in words["firm_id"]}
        hit = np.array([w in firms for w in dicts["firm_id"]] + [None in firms], bool)
        return hit[codes["firm_id"]]
    row = np.zeros(n, "int64")
    key = np.zeros(wanted, "int64")
    ok = np.ones(wanted, bool)
    for c, size in zip(_KEYS, sizes, strict=True):
        index = {w: i for i, w in enumerate(dicts[c])}
        mine = np.array([index.get(w, -2) if w is not None else -1 for w in words[c]], "int64")
        ok &= mine > -2
        row = row * size + (codes[c].astype("int64") + 1)
        key = key * size + (mine + 1)
    return np.isin(row, key[ok])
