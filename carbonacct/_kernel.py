"""The fast path for the common large input: typed Parquet of interval readings.

Where it applies — Parquet files (one or a data set) with naive typed
timestamps, numeric values and string (or dictionary) key columns, interval
readings only, no period column — the readings are not run through the
polars plan: each row group is read by pyarrow with the key columns as
dictionary codes and reduced with numpy to runs of equal (firm, period, key,
row check). The runs sum to exactly the ``groups`` table of
:func:`carbonacct.readings.aggregate_readings` (same groups, sums and row
counts), in one pass.

Duplicates are found by an *order screen* in the same loop: among the rows
that can be duplicates (row checks passed, meter given), a meter whose
timestamps strictly increase and that forms one contiguous run has none.
Equal neighbours are the only candidates; they are resolved exactly by
:func:`carbonacct._duplicates.duplicate_codes` on that tiny table. Meters that
fail the screen (out of order, or in several places) go through the same
bucketed hash, restricted to those meters. The same loop gives the
interval-label detection (first and last time) and, per meter, the first and
last reading, count and step of :func:`carbonacct.completeness.meter_gaps`;
meters with irregular steps or duplicates are measured by ``meter_gaps``
itself.

Anything else (CSV, Excel, registers, text values or times, time zones in
the data, grouping by extra columns) returns None and the polars path runs.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from carbonacct import _arrowcols as ac
from carbonacct import _decode, _kernel_inputs, _named_rejects, _prefetch, _screen
from carbonacct import _interval_labels as _labels
from carbonacct._decode import decoded
from carbonacct._timeparse import label_table, label_warning, year_sub
from carbonacct.completeness import meter_gaps
from carbonacct.io._rejects import release_freed
from carbonacct.io._tables import Part, Source
from carbonacct.readings import (
    KEY_COLUMNS,
    MAX_VALUE,
    REASON_CODES,
    ReadingOptions,
    Scan,
    _key_table,
    _layout,
    _register_aliases,
    _row_reason,
    _with_duplicates,
    normalise,
)

__all__ = ["FastScan", "try_fast"]

_DAY = 86_400_000_000  # microseconds
_EPOCH_DAY0 = (_dt.date(1899, 12, 31) - _dt.date(1970, 1, 1)).days  # LUT starts a day early
_NDAYS = (_dt.date(2200, 1, 1) - _dt.date(1899, 12, 31)).days
_STRINGS = ("firm_id", "meter_id", *KEY_COLUMNS)
_R = REASON_CODES


class _NotFast(Exception):
    """The data turned out not to suit the fast path (registers, unsorted keys)."""


_FREE_RUNS, _ROWS_PER_RUN = 50_000, 8  # meter runs held before the budget applies; rows per run


@dataclass
class FastScan(Scan):
    """A scan whose completeness per meter the kernel measured."""

    gaps: pl.DataFrame | None = None
    named: _named_rejects.Named | None = None

    def rejectable(self, bad: pl.DataFrame) -> tuple[pl.LazyFrame, Any]:
        return _named_rejects.rejectable(self.named, self.rows, bad)


@dataclass
class _Chunk:
    """One row group reduced: runs, meter runs, candidate rows and dictionaries."""

    part: int
    first_row: int  # row_nr of the row group's first row
    dicts: dict[str, list[str]]
    runs: dict[str, np.ndarray]
    meters: dict[str, np.ndarray]
    rows: dict[str, np.ndarray]  # candidates and meter-run edges
    candidates: np.ndarray
    ts_min: int | None
    ts_max: int | None
    times: dict[str, np.ndarray]  # per firm and meter, first and last accountable time (labels)
    unmetered: int  # accepted rows without a meter id (completeness per firm and carrier)
    picked: dict[str, np.ndarray]  # rows with a wanted key (see carbonacct._prefetch)


def _lut(period: str) -> tuple[np.ndarray, np.ndarray]:
    """Per day from 1899-12-31: the run word's period bits, (year*16 + sub + 1) << 16, and
    whether the day starts a period."""
    days = np.arange(_NDAYS, dtype="int64") + _EPOCH_DAY0
    dates = days.astype("datetime64[D]")
    year = dates.astype("datetime64[Y]").astype("int64") + 1970
    month = dates.astype("datetime64[M]").astype("int64") % 12 + 1
    first = dates == dates.astype("datetime64[M]").astype("datetime64[D]")
    if period == "year":
        sub, first = np.zeros_like(month), first & (month == 1)
    elif period == "quarter":
        sub, first = (month - 1) // 3 + 1, first & ((month - 1) % 3 == 0)
    else:
        sub = month
    return ((year * 16 + sub + 1) << 16).astype("int64"), first


def _previous(code: pl.Expr, period: str) -> pl.Expr:
    """The period before a period code (an interval ending at its first instant belongs there)."""
    year, sub = code // 16, code % 16
    if period == "year":
        return (year - 1) * 16
    last = 4 if period == "quarter" else 12
    return pl.when(sub == 1).then((year - 1) * 16 + last).otherwise(code - 1)


# -- applicability -------------------------------------------------------------------------


def _files(part: Part) -> list[str]:
    if part.parsed:
        return [part.parsed]
    return list(part.files) if part.files else [part.label]


def _plan(
    parts: Sequence[Part], by: tuple[str, ...], label: str = "auto"
) -> tuple[list[Any], bool] | None:
    """(file, row group, part index, first row_nr) for every row group, and whether firm_id is
    stripped (a dictionary column is, as polars reads it as a category); None if not applicable."""
    if by or not parts or (label == "auto" and _kernel_inputs.shows_24(parts)):
        return None
    import pyarrow.parquet as pq

    tasks, offset, layouts = [], 0, set()
    for p, part in enumerate(parts):
        if part.format not in ("parquet", _kernel_inputs.PARSED):
            return None
        lazy_names = set(part.frame.collect_schema().names())
        for name in _files(part):
            meta = pq.ParquetFile(name)
            # read under the library's names (a mapped 读数类型 is the kind checked for registers)
            fits = _kernel_inputs.fits(name, _STRINGS)
            if fits is None or not _kernel_inputs.holds(name, lazy_names):
                return None
            if not part.parsed:  # a parsed copy's firm_id is stripped already: either way
                layouts.add(fits["firm_id"])
            for g in range(meta.metadata.num_row_groups):
                tasks.append((name, g, p, offset + 1))
                offset += meta.metadata.row_group(g).num_rows
    if len(layouts) > 1 or offset != sum(p.rows for p in parts):
        return None
    return tasks, layouts.pop() if layouts else False


# -- one row group ---------------------------------------------------------------------------


def _reasons(codes: dict[str, np.ndarray], v: np.ndarray, vok: Any, tok: Any, ok_day: Any):
    """Row reason codes (0: passed), the first failing check winning, as in ``_row_reason``
    (the smallest code of the checks that fail)."""
    reason = np.full(len(v), 255, dtype="u1")
    firm = codes["firm_id"]

    def fail(mask: Any, name: str) -> None:
        np.minimum(reason, np.where(mask, np.uint8(_R[name]), np.uint8(255)), out=reason)

    fail(v < 0, "negative_value")
    if not ok_day.all():
        fail(~ok_day, "bad_timestamp")
    if tok is not None:
        fail(~tok, "missing_time")
    fail(np.abs(v) >= MAX_VALUE, "implausible_value")
    finite = np.isfinite(v)
    if not finite.all():
        fail(~finite, "not_a_number")
    if vok is not None:
        fail(~vok, "missing_value")
    nofirm = firm < 0
    if nofirm.any():
        fail(nofirm, "missing_firm_id")
        if vok is not None and tok is not None:
            empty = nofirm & (codes["carrier"] < 0) & (codes["unit"] < 0) & ~vok & ~tok
            fail(empty, "empty_row")
    reason[reason == 255] = 0
    return reason


def _row_reasons(
    codes: dict[str, np.ndarray], v: np.ndarray, vok: Any, tok: Any, ok_day: np.ndarray
) -> tuple[np.ndarray, bool]:
    """(row reason codes, whether every row passed): the checks run on the rows that fail one."""
    ok = v >= 0  # false for a NaN too
    ok &= v < MAX_VALUE
    ok &= codes["firm_id"] >= 0
    if vok is not None:
        ok &= vok
    if not ok_day.all():
        ok &= ok_day
    bad = np.flatnonzero(~ok)
    reason = np.zeros(len(v), "u1")
    if len(bad):
        pick = {c: codes[c][bad] for c in ("firm_id", "carrier", "unit")}
        reason[bad] = _reasons(
            pick,
            v[bad],
            vok[bad] if vok is not None else None,
            tok[bad] if tok is not None else None,
            ok_day[bad],
        )
    return reason, not len(bad)


_METER_RUN_COLUMNS = "first_nr last_nr first_ts last_ts count dmin dpos npos nzero".split()


def _meter_runs(
    firm: np.ndarray, meter: np.ndarray, ts: np.ndarray, k: np.ndarray | None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Runs of one (firm, meter) among the rows ``k`` that can be duplicates (None: all rows),
    and candidate rows.

    Per run: its first and last row and time, row count, the smallest step (a step of 0 is
    a pair of candidates, below 0 a descent), the smallest positive step and how many.
    """
    idx = np.flatnonzero(k) if k is not None else None
    f, m, t = (firm, meter, ts) if idx is None else (firm[idx], meter[idx], ts[idx])
    n = len(t)
    if not n:
        runs = {c: np.zeros(0, "int64") for c in _METER_RUN_COLUMNS}
        return runs | {"firm_id": f, "meter_id": m}, np.zeros(0, "int64")
    where = (lambda a: a) if idx is None else (lambda a: idx[a])
    change = np.empty(n, bool)
    change[:1] = True
    np.not_equal(f[1:], f[:-1], out=change[1:])
    change[1:] |= m[1:] != m[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n).astype("int64")
    count = ends - starts
    # the step to the next row, in the run's last row set to what each reduction ignores
    step = np.empty(n, "int64")
    np.subtract(t[1:], t[:-1], out=step[:-1])
    last = ends - 1
    big = np.iinfo("int64").max
    step[last] = big
    dmin = np.minimum.reduceat(step, starts)
    if (dmin > 0).all():
        dpos, nzero = dmin, np.zeros(len(starts), "int64")
    else:
        dpos = np.minimum.reduceat(np.where(step > 0, step, big), starts)
        step[last] = -1
        nzero = np.add.reduceat((step == 0).view("u1"), starts, dtype="int64")
    step[last] = -1
    npos = np.add.reduceat((step == np.repeat(dpos, count)).view("u1"), starts, dtype="int64")
    candidates = starts[:0]
    if (dmin == 0).any():
        e = np.flatnonzero(step == 0)
        candidates = np.unique(np.concatenate((where(e), where(e + 1))))
    short = count <= _prefetch.SHORT  # every row of a short run is kept: a straggler's keys
    if short.any():
        kept = where(np.flatnonzero(np.repeat(short, count)))
        candidates = np.union1d(candidates, kept)
    runs = {
        "firm_id": f[starts],
        "meter_id": m[starts],
        "first_nr": where(starts),
        "last_nr": where(last),
        "first_ts": t[starts],
        "last_ts": t[last],
        "count": count,
        "dmin": dmin,
        "dpos": dpos,
        "npos": npos,
        "nzero": nzero,
    }
    return runs, candidates


@dataclass
class _Read:
    """One row group as numpy: string codes, value, time, row reason and the run word."""

    n: int
    present: list[str]
    dicts: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    v: np.ndarray
    ts: np.ndarray
    ok_day: np.ndarray
    reason: np.ndarray
    word: np.ndarray
    clean: bool  # no row failed a row check
    span: tuple[int, int] | None  # the first and last valid time
    edges: np.ndarray  # the rows at a period's first instant (run word bit 0), ascending

    @cached_property
    def k(self) -> np.ndarray | None:
        """The rows that can be duplicates: row checks passed, meter given (None: all rows)."""
        meter = self.codes["meter_id"]
        if self.clean and (not self.n or meter.min() >= 0):
            return None
        return (self.reason == 0) & (meter >= 0) if not self.clean else meter >= 0


def _read(task: tuple[str, int, int, int], strip_firm: bool, lut: Any) -> _Read:
    """Read one row group with the key columns as dictionary codes (pyarrow and numpy release
    the GIL, so two row groups are read at a time)."""
    path, group, _, _ = task
    table = _kernel_inputs.read_group(path, group, _COLUMNS, _STRINGS)
    present = [c for c in _STRINGS if c in table.column_names]
    return _computed(table, present, strip_firm, lut)


#: The columns the kernel reads, under library names (the flags: of a parsed copy of text).
_COLUMNS = (*_STRINGS, "value", "timestamp", *_kernel_inputs.FLAGS)


def _computed(table: Any, present: list[str], strip_firm: bool, lut: Any) -> _Read:
    """Codes, values, times, row reasons and run words of an Arrow table of readings."""
    n = table.num_rows
    dicts: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for c in _STRINGS:
        seen: dict[str, int] = {}
        codes[c] = (
            ac.codes(table[c], strip_firm or c != "firm_id", seen)
            if c in present
            else np.broadcast_to(np.int32(-1), n)
        )
        dicts[c] = list(seen)
    if any(w.lower() in _register_aliases() for w in dicts["kind"]):
        raise _NotFast("register readings")
    v, vok = ac.column(table["value"], "value")
    ts, tok = ac.column(table["timestamp"], "ts")
    text = _kernel_inputs.unreadable(table, vok, tok)  # parsed text: given, but not read
    if text is not None:
        v, vok, ts, tok = text.v, text.vok, text.ts, text.tok
    elif vok is not None:
        v = np.where(vok, v, 0.0)
    words_lut, first_lut = lut
    day = ts // _DAY  # by a scalar: np.divmod costs several times more
    midnight = np.flatnonzero(ts == day * _DAY)  # only a midnight can start a period
    day -= _EPOCH_DAY0
    lo, hi = (int(day.min()), int(day.max())) if n else (1, 1)
    if tok is None and lo >= 1 and hi < _NDAYS:  # every time valid, within the table
        ok_day = np.broadcast_to(True, n)
        word = words_lut[day]
    else:
        ok_day = (day >= 1) & (day < _NDAYS) & (tok if tok is not None else True)
        day[~ok_day] = 0
        word = np.where(ok_day, words_lut[day], 0)  # no period: 0
    reason, clean = _row_reasons(codes, v, vok, tok, ok_day)
    if text is not None and text.nan is not None:
        v = np.where(text.nan, 0.0, v)  # summed as the polars path sums an unread value: 0
    if not clean:
        word |= reason.astype("int64") << 8
    word |= (tok << 1) if tok is not None else 2
    edges = midnight[first_lut[day[midnight]] & ok_day[midnight]]  # a period's first instant
    word[edges] |= 1
    valid = ts if ok_day.all() else ts[ok_day]
    span = (int(valid.min()), int(valid.max())) if valid.size else None
    return _Read(n, present, dicts, codes, v, ts, ok_day, reason, word, clean, span, edges)


def _accountable(r: _Read) -> np.ndarray | None:
    """The rows that passed the row checks (None: all), which alone decide interval labels."""
    return None if r.clean else r.reason == 0


def _times(
    r: _Read, meters: dict[str, np.ndarray], meterless: np.ndarray | None
) -> dict[str, np.ndarray]:
    """Per firm and meter, the first and last accountable time (interval labels): from the
    meter runs (over the accountable rows with a meter id) when no run's time goes back, else
    from every row; rows without a meter id (``meterless``: None if none) counted apart."""
    if not (meters["dmin"] >= 0).all():
        return _labels.meter_times(r.codes, r.ts, _accountable(r))
    alone = _labels.meter_times(r.codes, r.ts, meterless) if meterless is not None else None
    empty = {"first": np.zeros(0, "int64")}
    return _labels.run_times(meters, meters["first_ts"], meters["last_ts"], alone or empty)


def _rows(r: _Read, at: np.ndarray, first_row: int) -> dict[str, np.ndarray]:
    """The rows ``at`` as the small tables take them (codes, row_nr, time, value, word)."""
    rows = {c: r.codes[c][at] for c in _STRINGS}
    return rows | {"row_nr": at + first_row, "_ts": r.ts[at], "_v": r.v[at], "word": r.word[at]}


#: Above this many runs in a row group, runs of one group are added up before they are kept.
_COMPACT = 4096


def _compact(runs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The runs of each distinct (firm, keys, word) added up, in the order of the rows (so the
    sums are the same from run to run)."""
    names = ["firm_id", "meter_id", *KEY_COLUMNS, "word"]
    table = np.empty(len(runs["word"]), dtype=[(c, runs[c].dtype) for c in names])
    for c in names:
        table[c] = runs[c]
    keys, first, inverse = np.unique(table, return_index=True, return_inverse=True)
    out = {c: keys[c] for c in names}
    out["_sum"] = np.bincount(inverse, weights=runs["_sum"], minlength=len(keys))
    out["rows"] = np.bincount(inverse, weights=runs["rows"], minlength=len(keys)).astype("int64")
    order = np.argsort(first, kind="stable")
    return {c: a[order] for c, a in out.items()}


class _Budget:
    """Meter runs held against rows read over all row groups (a tail of late copies is fine)."""

    def __init__(self) -> None:
        self.rows, self.runs, self._lock = 0, 0, threading.Lock()

    def add(self, rows: int, runs: int) -> None:
        with self._lock:
            self.rows, self.runs = self.rows + rows, self.runs + runs
            if self.runs > max(_FREE_RUNS, self.rows // _ROWS_PER_RUN):
                raise _NotFast("rows not grouped by meter and time")


def _scan(
    task: tuple[str, int, int, int],
    strip_firm: bool,
    lut: Any,
    wanted: _prefetch.Wanted | None,
    budget: _Budget,
) -> _Chunk:
    """Read one row group and reduce it to runs, meter runs and candidate rows."""
    r = _read(task, strip_firm, lut)
    n, codes, word, first_row = r.n, r.codes, r.word, task[3]
    change = np.empty(n, bool)
    change[:1] = True
    change[1:] = word[1:] != word[:-1]
    for c in ("firm_id", *KEY_COLUMNS):
        if c in r.present:
            change[1:] |= codes[c][1:] != codes[c][:-1]
    _labels.edge_runs(change, r.edges, codes["meter_id"])
    starts = np.flatnonzero(change)
    runs = {c: codes[c][starts] for c in ("firm_id", *KEY_COLUMNS)}
    runs["word"] = word[starts]
    runs["meter_id"] = _labels.edge_meter(runs["word"], codes["meter_id"][starts])
    runs["_sum"] = np.add.reduceat(r.v, starts) if n else r.v
    runs["rows"] = np.diff(np.append(starts, n))
    if len(starts) > _COMPACT:  # rejected rows scattered through the data: one run per group
        runs = _compact(runs)
    meters, candidates = _meter_runs(codes["firm_id"], codes["meter_id"], r.ts, r.k)
    budget.add(n, len(meters["count"]))
    keep = np.unique(np.concatenate((candidates, meters["first_nr"], meters["last_nr"])))
    picked = wanted.pick(r.dicts, codes, r.ts, r.k, meters) if wanted else keep[:0]
    meters["first_nr"] += first_row
    meters["last_nr"] += first_row
    meterless = None if r.k is None else (r.reason == 0) & (codes["meter_id"] < 0)
    unmetered = 0 if meterless is None else np.count_nonzero(meterless)
    times = _times(r, meters, meterless if unmetered else None)
    return _Chunk(
        task[2],
        first_row,
        r.dicts,
        runs,
        meters,
        _rows(r, keep, first_row),
        candidates + first_row,
        r.span[0] if r.span else None,
        r.span[1] if r.span else None,
        times,
        int(unmetered),
        _rows(r, picked, first_row),
    )


@dataclass
class _Fetched:
    """Rows of one row group picked by their keys, for the small tables."""

    part: int
    dicts: dict[str, list[str]]
    rows: dict[str, np.ndarray]


def _fetch(
    task: tuple[str, int, int, int], strip_firm: bool, lut: Any, keys: dict[Any, pl.DataFrame]
) -> _Fetched | None:
    """The rows of a row group that can be duplicates and whose (firm, meter[, time]) is in
    ``keys``: the second, bounded look at the meters the order screen could not settle. Only
    the firm, meter and time columns are read whole; the rest for the few rows that match."""
    path, group, part, first_row = task
    present = [c for c in _STRINGS if c in _kernel_inputs.physical(path)]
    ids = [c for c in ("firm_id", "meter_id") if c in present]
    head = _kernel_inputs.read_group(path, group, [*ids, "timestamp"], ids)
    dicts: dict[str, dict[str, int]] = {c: {} for c in ("firm_id", "meter_id")}
    codes = {c: ac.codes(head[c], strip_firm or c != "firm_id", dicts[c]) for c in ids}
    mine = [keys[(m,)] for m in dicts["meter_id"] if (m,) in keys]  # keys by meter
    if not mine or len(ids) < 2:
        return None
    local = (
        pl.concat(mine)
        .with_columns(
            pl.col(c).replace_strict(dicts[c], default=-1, return_dtype=pl.Int32) for c in ids
        )
        .filter(pl.all_horizontal(pl.col(c) >= 0 for c in ids))
    )
    if local.is_empty():
        return None
    if "_ts" in local.columns:
        ts = ac.column(head["timestamp"], "ts")[0]
        wanted = np.unique(local["_ts"].to_numpy())
        at = np.minimum(np.searchsorted(wanted, ts), len(wanted) - 1)
        near = np.flatnonzero(wanted[at] == ts)
        frame = pl.DataFrame({"i": near, "_ts": ts[near]})
    else:
        near = np.flatnonzero(np.isin(codes["meter_id"], local["meter_id"].to_numpy()))
        frame = pl.DataFrame({"i": near})
    frame = frame.with_columns(pl.Series(c, codes[c][near]) for c in ids)
    picked = np.sort(frame.join(local, on=local.columns, how="semi")["i"].to_numpy())
    if not len(picked):
        return None
    rest = [c for c in present if c not in ids]
    table = _kernel_inputs.read_group(path, group, [*rest, "value", *_kernel_inputs.FLAGS], rest)
    table = table.take(picked)
    for name, column in zip(head.column_names, head.take(picked).columns, strict=True):
        table = table.append_column(name, column)
    r = _computed(table, present, strip_firm, lut)
    k = np.arange(r.n) if r.k is None else np.flatnonzero(r.k)
    return _Fetched(part, r.dicts, _rows(r, k, 0) | {"row_nr": picked[k] + first_row})


# -- merging the row groups ------------------------------------------------------------------


def _periods(frame: pl.DataFrame, is_end: pl.Expr, period: str) -> pl.DataFrame:
    """year, sub and the other group columns from a run word (period, reason, has_ts, edge);
    ``is_end``: whether a row's part and meter are labelled by interval end
    (:func:`carbonacct._interval_labels.parts_end`)."""
    word = pl.col("word")
    code = word // 65536 - 1
    edge = (word % 2 == 1) & is_end
    code = pl.when(edge).then(_previous(code, period)).otherwise(code)
    reason = (word // 256 % 256).cast(pl.UInt8)
    return frame.with_columns(
        pl.when(code >= 0).then(code // 16).cast(pl.Int32).alias("year"),
        # a row without a time: as the label table has a missing period (sub 0 for years)
        pl.when(code >= 0)
        .then(code % 16)
        .when(pl.lit(period == "year"))
        .then(0)
        .cast(pl.Int8)
        .alias("sub"),
        (word // 2 % 2 == 1).alias("has_ts"),
        pl.when(reason > 0).then(reason).alias("row_reason"),
        pl.lit(None, dtype=pl.UInt8).alias("note"),
    )


def _reduce(
    tasks: list[Any], strip_firm: bool, period: str, wanted: _prefetch.Wanted | None
) -> list[_Chunk] | None:
    """Every row group through the kernel, two at a time (pyarrow and numpy release the GIL)."""
    lut, budget = _lut(period), _Budget()
    try:
        with ThreadPoolExecutor(2) as pool:
            chunks = list(pool.map(lambda t: _scan(t, strip_firm, lut, wanted, budget), tasks))
    except _NotFast:
        return None
    release_freed()  # the row groups read, kept by malloc for the next: not needed again
    return chunks


def try_fast(
    parts: Sequence[Part], source: Source, options: ReadingOptions, by: tuple[str, ...] = ()
) -> tuple[pl.DataFrame, FastScan] | None:
    """The groups table (as ``aggregate_readings``) and the scan, with completeness; None if
    the fast path does not apply to these parts."""
    plan = _plan(parts, by, options.interval_label) if not source.unread else None
    wanted = _prefetch.wanted(*plan) if plan else None
    chunks = _reduce(plan[0], plan[1], options.period, wanted) if plan else None
    if chunks is None or plan is None:
        return None
    names = [p.label for p in parts]
    times = decoded(chunks, "times", ("firm_id", "meter_id", "carrier"))
    labelled, disagree = _labels.kernel_labels(times, names, options)
    scan = _lazy_scan(parts, options, labelled)
    scan.warnings += disagree + list(source.notes)
    ends = _labels.parts_end(labelled)
    flips = any(other for _, _, other in labelled)  # runs then need their meters as text
    runs = decoded(chunks, "runs", ("firm_id", *(("meter_id",) if flips else ()), *KEY_COLUMNS))
    runs = _periods(runs, ends, options.period)
    pairs: dict[str, dict[str, int]] = {}  # firm and meter coded alike in both tables (_k)
    meters = decoded(chunks, "meters", _screen.PAIR, pairs, as_text=False)
    for c in chunks:  # in the tables now: let go before the screen's work
        c.runs, c.meters = {}, {}
    segs, per, seams = _screen.segments(meters, lambda f: _decode.named(f, pairs))
    stray = ~segs["main"].to_numpy()  # short segments: the kernel kept all their rows
    ends_nr = (segs[c].to_numpy()[stray] for c in ("first_nr", "last_nr"))
    named = np.unique(np.concatenate([seams, *ends_nr, *(c.candidates for c in chunks)]))
    del meters, stray
    release_freed()  # the segments' working arrays
    for c in chunks:  # only the rows named are decoded; the rest of each chunk is let go
        at = _named(c.rows["row_nr"], named)
        c.rows = {k: a[at] for k, a in c.rows.items()}
    kept = decoded(chunks, "rows", _STRINGS, pairs, as_codes=True)  # text only for the rows used
    texted = lambda f: _decode.texted(f, pairs)  # noqa: E731
    if flips:  # a meter labelled the other way is known by its text
        named_end = texted(kept.select("firm_id", "meter_id", "carrier", "part")).select(ends)
        kept = _periods(kept, pl.lit(named_end.to_series()), options.period)
    else:
        kept = _periods(kept, ends, options.period)
    for c in chunks:  # in the table now
        c.rows, c.candidates = {}, c.candidates[:0]
    release_freed()  # the row groups' arrays, kept by malloc, are not polars' to reuse
    fetch = _fetcher(plan[0], plan[1], options.period, ends, texted(kept.clear()).drop("_k"))
    keys_of = (lambda distinct: _key_table(distinct, options)) if options.check_duplicates else None
    if keys_of is None:
        # nothing rejected: equal neighbours stay, so their meters are measured row by row
        flat = pl.col("nzero") == 0
        how = pl.when(flat).then(pl.col("how")).otherwise(pl.lit("hash"))
        per = per.with_columns(how.alias("how"))
    picked = _periods(decoded(chunks, "picked", _STRINGS), ends, options.period)
    for c in chunks:
        c.picked = {}
    early = (wanted.keys, picked) if wanted else None
    coded = _screen.Coded(kept, texted)
    settled, held = _screen.duplicates(per, segs, coded, fetch, scan.rows, keys_of, early)
    del kept, coded, picked, early  # settled: not needed by the steps below
    if keys_of and any(c.unmetered for c in chunks):
        alone = _screen.unmetered(scan.rows, per, keys_of, held.clear())
        settled = _screen.Settled.concat([settled, alone])
    scan.rows = _with_duplicates(scan.rows, settled.codes)
    args = (plan[0], plan[1], parts, options, labelled, settled.codes, scan.rows)
    scan.named = _named_rejects.named_rejects(*args)
    scan.gaps = _screen.completeness(per, segs, settled, held, fetch, scan.rows)
    if any(c.unmetered for c in chunks):  # series of a firm's carrier without meter ids
        unmetered = meter_gaps(scan.rows.filter(pl.col("meter_id").is_null()))
        scan.gaps = pl.concat([scan.gaps, unmetered]).sort(_screen.PAIR)
    return _screen.book(runs, settled.booked), scan


def _named(rows: np.ndarray, named: np.ndarray) -> np.ndarray:
    """Which ``rows`` are in ``named`` (sorted, distinct): one search per row, where
    ``np.isin`` would sort every name again for each row group (11 CPU seconds of the 20 M
    spoiled run)."""
    if not named.size:
        return np.zeros(rows.size, bool)
    at = np.searchsorted(named, rows).clip(max=named.size - 1)
    return named[at] == rows


def _fetcher(
    tasks: list[Any], strip_firm: bool, period: str, ends: pl.Expr, empty: pl.DataFrame
) -> _screen.Fetch:
    """Reads the rows of given keys again, only from the row groups that hold the given row
    ranges (the main segments of the meters the screen could not settle)."""
    starts = np.array([t[3] for t in tasks], dtype="int64")
    stops = np.append(starts[1:], np.iinfo("int64").max)

    def fetch(keys: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
        lo, hi = ranges["first_nr"].to_numpy(), ranges["last_nr"].to_numpy()
        order = np.argsort(lo)
        lo, hi = lo[order], np.maximum.accumulate(hi[order])
        # a row group [start, stop) is needed when some range starting before stop ends >= start
        before = np.searchsorted(lo, stops, side="left")
        needed = [t for t, b, s in zip(tasks, before, starts, strict=True) if b and hi[b - 1] >= s]
        lut = _lut(period)
        by_meter = keys.partition_by("meter_id", as_dict=True)
        with ThreadPoolExecutor(2) as pool:
            got = [f for f in pool.map(lambda t: _fetch(t, strip_firm, lut, by_meter), needed) if f]
        if not got:
            return empty
        return _periods(decoded(got, "rows", _STRINGS), ends, period)

    return fetch


def _lazy_scan(
    parts: Sequence[Part], options: ReadingOptions, labelled: list[_labels.PartLabel]
) -> FastScan:
    """The rows as :func:`scan_readings` plans them for interval readings without periods,
    without its pre-passes (the labels were decided by the kernel; nothing is a register)."""
    frames, offset = [], 0
    for part, (label, _, other) in zip(parts, labelled, strict=True):
        lf = normalise(part, offset, options.timezone)
        frames.append(lf.with_columns(_labels.shifted(label, other)))
        offset += part.rows
    lf = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")
    empty = label_table(
        pl.DataFrame({"period": [None]}, schema={"period": pl.String}), options.period
    )
    lf = lf.with_columns(
        pl.lit(v, dtype=t).alias(c)
        for c, v, t in zip(empty.columns, empty.row(0), empty.dtypes, strict=True)
        if c != "period"
    )
    lf = lf.with_columns(
        _row_reason(pl.col("_lgiven").fill_null(False), pl.col("_lrank"), options.period).alias(
            "row_reason"
        ),
        pl.lit(None, dtype=pl.UInt8).alias("note"),
        pl.lit(1, dtype=pl.UInt32).alias("_n"),
    )
    ts_year, ts_sub = year_sub(pl.col("_tp"), options.period)
    has_time = pl.col("_tp").is_not_null()
    rows = lf.with_columns(
        pl.when(has_time).then(ts_year).otherwise(pl.col("_ly")).alias("year"),
        pl.when(has_time).then(ts_sub).otherwise(pl.col("_lsub")).alias("sub"),
    )
    scan = FastScan(rows, _layout(parts), ordered=True)
    _relabel(scan, parts, labelled, options.firms)
    return scan


def _relabel(
    scan: Scan,
    parts: Sequence[Part],
    labelled: list[_labels.PartLabel],
    firms: frozenset[str] | None,
) -> None:
    """The labels and warnings as the polars path words them (``firms``: the firms table's)."""
    scan.labels, said = {}, []
    for part, (label, how, other) in zip(parts, labelled, strict=True):
        scan.labels[part.label] = _labels.described(label, how, other)
        said += label_warning(part.label, label, how) + _labels.other_warning(
            part.label, label, other, firms
        )
    scan.warnings = said + scan.warnings
