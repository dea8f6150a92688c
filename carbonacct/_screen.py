"""The order screen of the Parquet fast path: duplicates and completeness from meter runs.

The kernel (:mod:`carbonacct._kernel`) reports, per row group, the runs of
one (firm, meter) among the rows that can be duplicates (row checks passed,
meter given): first and last row and time, rows, and the smallest and smallest
positive step between neighbours, with the counts of those and of zero steps.
Here the runs are stitched across row groups into *segments* and each meter
is judged:

* one segment, steps all positive: no duplicates; completeness from the
  first time, the step and the count when the step is regular;
* one segment with zero steps: the equal neighbours are the candidates,
  already in hand;
* several segments, the longest strictly ordered: every duplicate involves a
  row of the shorter segments (the *stragglers*, e.g. corrected readings
  appended to the file), so their times are the candidate keys, read again
  from the row groups that hold the main segments only (memory grows with
  the stragglers, not the file);
* anything else (a descent inside the main segment, long straggler
  segments): every row of those meters read again the same way and resolved
  by the bucketed hash of :mod:`carbonacct._duplicates`; when they hold more
  than :data:`MAX_FETCHED` rows, the hash runs over the streamed input.

Candidates are resolved exactly by :func:`carbonacct._duplicates.duplicate_codes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from carbonacct._duplicates import duplicate_codes
from carbonacct._prefetch import SHORT
from carbonacct.completeness import _SCHEMA as _GAPS_SCHEMA
from carbonacct.completeness import _human, meter_gaps
from carbonacct.io._rejects import release_freed
from carbonacct.readings import KEY_COLUMNS, REASON_CODES

__all__ = [
    "BATCH_KEYS",
    "Coded",
    "Fetch",
    "Settled",
    "book",
    "completeness",
    "duplicates",
    "segments",
    "unmetered",
]

PAIR = ["firm_id", "meter_id"]
#: Firm and meter as one integer (see :func:`carbonacct._decode.decoded`): joins and groups
#: of the screen's tables, whose rows number with the file, by integer instead of by text.
K = "_k"
_MAX = np.iinfo("int64").max
_COLS = ["row_nr", "firm_id", "meter_id", "_ts", "_lnorm", "_v", *KEY_COLUMNS]
_GROUP = ["year", "sub", "has_ts"]


def segments(
    meters: pl.DataFrame, names: Callable[[pl.DataFrame], pl.DataFrame]
) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """(segments, per meter, row numbers of equal times where a segment crosses a row group).

    ``meters`` has firm and meter as one code, ``_k``; ``names`` adds them as text to the
    segments (one row per meter and straggler run, not per run of each row group).

    Per meter: ``runs`` (segments), the main (longest) segment's first time,
    rows, steps and zero steps, and ``how``: ``clean``, ``stragglers`` or
    ``hash``.
    """
    segs, steps, seams = _joined(meters)
    main = names(segs.filter("main").hstack(steps)).select(
        K,
        *PAIR,
        "first_nr",
        "last_nr",
        "first_ts",
        "last_ts",
        "count",
        "dmin",
        "d",
        "npos",
        "nzero",
    )
    strays = (
        segs.select(K, "count", "main")
        .filter(~pl.col("main"))
        .group_by(K)
        .agg((pl.col("count") > SHORT).any().alias("long"), pl.len().alias("strays"))
    )
    per = main.join(strays, on=K, how="left").with_columns(
        (pl.col("strays").fill_null(0) + 1).alias("runs"),
        pl.when((pl.col("dmin") < 0) | pl.col("long").fill_null(False))
        .then(pl.lit("hash"))
        .when(pl.col("strays").is_not_null())
        .then(pl.lit("stragglers"))
        .otherwise(pl.lit("clean"))
        .alias("how"),
    )
    return segs, per, seams


_SEGMENT_COLUMNS = "first_nr last_nr first_ts last_ts count dmin dpos npos nzero".split()
_STEPS = ["dmin", "d", "npos", "nzero"]


def _joined(meters: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """(The meter runs joined across row groups into segments, each meter's ``main`` one
    marked; the main segments' steps: ``dmin``, ``d``, ``npos``, ``nzero``; the row numbers on
    either side of a seam between equal times). In numpy: the runs number with the stray rows,
    and polars' windows over them held several copies."""
    k = meters[K].to_numpy()
    r = {c: meters[c].to_numpy().astype("int64", copy=False) for c in _SEGMENT_COLUMNS}
    n = len(k)
    new = np.ones(n, bool)
    new[1:] = k[1:] != k[:-1]
    inner = ~new  # a run continuing the one before it, in the next row group
    seam = np.full(n, _MAX)
    seam[1:] = r["first_ts"][1:] - r["last_ts"][:-1]
    seam[new] = _MAX  # no seam (the stand-in for none in every minimum below)
    zero = np.flatnonzero(inner & (seam == 0))
    seams = np.concatenate((r["last_nr"][zero - 1], r["first_nr"][zero]))
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)[: len(starts)] - 1
    total = lambda a: np.add.reduceat(a.astype("int64", copy=False), starts) if n else a  # noqa: E731
    count = total(r["count"])
    # each meter's main segment: its longest, the first of equally long ones
    ks = k[starts]
    order = np.lexsort((np.arange(len(starts)), -count, ks))
    head = np.ones(len(order), bool)
    head[1:] = ks[order][1:] != ks[order][:-1]
    main = np.zeros(len(order), bool)
    main[order[head]] = True
    segs = pl.DataFrame(
        {
            K: pl.Series(ks, dtype=pl.UInt64),
            "first_nr": r["first_nr"][starts],
            "last_nr": r["last_nr"][ends],
            "first_ts": r["first_ts"][starts],
            "last_ts": r["last_ts"][ends],
            "count": count,
            "main": main,
        }
    )
    if not n:
        return segs, pl.DataFrame(schema=dict.fromkeys(_STEPS, pl.Int64)), seams
    low = lambda a: np.minimum.reduceat(a, starts)  # noqa: E731
    d = np.minimum(low(r["dpos"]), low(np.where(seam > 0, seam, _MAX)))
    d_row = np.repeat(d, np.diff(np.append(starts, n)))
    steps = {
        "dmin": np.minimum(low(r["dmin"]), low(seam)),
        "d": d,
        "npos": total(np.where(r["dpos"] == d_row, r["npos"], 0)) + total(inner & (seam == d_row)),
        "nzero": total(r["nzero"]) + total(seam == 0),
    }
    return segs, pl.DataFrame({c: steps[c][main] for c in _STEPS}), seams


@dataclass
class Coded:
    """The kernel's rows with their text columns as codes (held through every batch) and the
    function that gives the few rows in use their text."""

    rows: pl.DataFrame
    texted: Callable[[pl.DataFrame], pl.DataFrame]


#: Rows of one look at the unsettled meters: (keys, row ranges) -> rows as the kernel keeps them.
Fetch = Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]


def _as_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Kernel rows in the form the duplicate check reads."""
    return frame.with_columns(
        pl.col("row_nr").cast(pl.UInt32),
        pl.from_epoch("_ts", "us").alias("_ts"),
        pl.lit(None, dtype=pl.String).alias("_lnorm"),
    )


#: Above this many rows, the meters out of order are checked by the bucketed hash over the
#: streamed input instead of being read into memory.
MAX_FETCHED = 2_000_000


def _meter_rows(meters: pl.DataFrame, segs: pl.DataFrame, fetch: Fetch) -> pl.DataFrame | None:
    """Every row of these meters that can be a duplicate (None: too many to hold)."""
    mine = segs.join(meters.select(K), on=K)
    if mine["count"].sum() > MAX_FETCHED:
        return None
    ranges = mine.select("first_nr", "last_nr")
    return _as_rows(fetch(meters.select(PAIR), ranges)).select(*_COLS, *_GROUP)


def duplicates(
    per: pl.DataFrame,
    segs: pl.DataFrame,
    coded: Coded,
    fetch: Fetch,
    rows: pl.LazyFrame,
    keys_of: Callable[[pl.DataFrame], pl.DataFrame] | None,
    early: tuple[pl.DataFrame, pl.DataFrame] | None = None,
) -> tuple[Settled, pl.DataFrame]:
    """(the duplicates settled: rejected row numbers, their sums per group, per-meter
    changes; the hashed meters' rows with ``code``, for their completeness). Without ``keys_of`` (no duplicate
    check) the same rows are gathered, for completeness, and nothing is rejected.

    ``coded`` holds the equal neighbours, seams and meter-run edges the
    kernel kept, with the group columns, their text as codes until a batch uses them. ``fetch`` reads again only the row
    groups where the unsettled meters' main segments lie, and only the rows
    asked for, so memory grows with the stragglers, not the file. ``early``
    (wanted keys, the rows of the pass with those keys; see
    :mod:`carbonacct._prefetch`) answers instead when every straggler was wanted.
    """
    kernel_rows, texted = coded.rows, coded.texted
    clean = kernel_rows.join(per.filter(pl.col("how") == "clean").select(K), on=K, how="semi")
    clean = _as_rows(texted(clean)).select(*_COLS, *_GROUP)
    settled = [_settle(clean, per, keys_of)]
    strays = segs.filter(~segs["main"]).select(K, "first_ts", "last_ts")
    plan = _batches(per, kernel_rows, strays, BATCH_KEYS)
    of_rows, of_strays = (_batch_of(t, plan) for t in (kernel_rows, strays))
    names = per.select(K, *PAIR)
    for b, mains in enumerate(plan.partition_by("_b", include_key=False, maintain_order=True)):
        known = _as_rows(texted(kernel_rows.filter(of_rows == b))).select(*_COLS, *_GROUP)
        mine = strays.filter(of_strays == b).join(names, on=K)
        keys = pl.concat(
            [
                mine.select(*PAIR, pl.col("first_ts").alias("_ts")),
                mine.select(*PAIR, pl.col("last_ts").alias("_ts")),
                known.select(*PAIR, pl.col("_ts").dt.epoch("us")),
            ]
        ).unique(maintain_order=True)
        answered = _answered(early, mine, keys)
        fetched = _as_rows(answered if answered is not None else fetch(keys, mains))
        both = pl.concat([f.select(*_COLS, *_GROUP) for f in (fetched, known)], how="vertical")
        both = both.cast(clean.schema).unique("row_nr", keep="first").sort("row_nr")
        settled.append(_settle(both, per, keys_of))
        del known, mine, keys, answered, fetched, both
        release_freed()  # the batch's row groups, read by pyarrow in threads with own arenas
    hashed = per.filter(pl.col("how") == "hash").select(K, *PAIR)
    empty = clean.clear().with_columns(pl.lit(None, dtype=pl.UInt8).alias("code"))
    found = held = empty
    if hashed.height:
        all_rows = _meter_rows(hashed, segs, fetch)
        if all_rows is None:
            if keys_of:
                found = _hashed_streaming(hashed, rows, keys_of, held)
        else:
            n = all_rows.height
            codes = duplicate_codes(all_rows.lazy(), keys_of, REASON_CODES, n) if keys_of else {}
            held = all_rows.with_columns(_coded(codes))
            found = held.filter(pl.col("code").is_not_null())
    settled.append(Settled(found.select("row_nr", "code"), _booked(found), _mods(empty, per)))
    return Settled.concat(settled), held


#: Straggler keys settled at once: their rows are read again and resolved in batches of about
#: this many keys, whole meters each, so memory stays bounded however many rows were appended.
BATCH_KEYS = 64_000


def _batches(
    per: pl.DataFrame, kernel_rows: pl.DataFrame, strays: pl.DataFrame, size: int
) -> pl.DataFrame:
    """The meters with stragglers (``_k``), their main segment's rows (``first_nr``,
    ``last_nr``) and batch ``_b``: whole meters in the order of their main segments in the
    input, about ``size`` keys each (a meter's keys: at most its kernel rows and its stray
    segments' two ends). The batches' meters lie together, so each batch reads again only the
    few row groups that hold them; the batches are the same, in the same order, in every run."""
    counts = [
        t.group_by(K).agg(pl.len().cast(pl.Int64).alias(c))
        for t, c in ((kernel_rows, "n_rows"), (strays, "n_strays"))
    ]
    table = per.filter(pl.col("how") == "stragglers").select(K, "first_nr", "last_nr")
    for c in counts:
        table = table.join(c, on=K, how="left")
    weight = pl.col("n_rows").fill_null(0) + 2 * pl.col("n_strays").fill_null(0)
    start = weight.cum_sum() - weight  # keys before this meter's
    return (
        table.sort("first_nr")
        .with_columns((start // size).alias("_b"))
        .with_columns(pl.col("_b").rank("dense").cast(pl.Int64) - 1)
        .select(K, "first_nr", "last_nr", "_b")
    )


def _batch_of(table: pl.DataFrame, plan: pl.DataFrame) -> pl.Series:
    """Per row of ``table``, the batch of its meter (null: not a meter with stragglers)."""
    return table.select(K).join(plan, on=K, how="left", maintain_order="left")["_b"]


@dataclass
class Settled:
    """Candidates resolved, reduced to what later steps need (bounded by groups and meters)."""

    codes: pl.DataFrame  # row_nr, code: the rejected candidates
    booked: pl.DataFrame  # the rejected candidates summed per group and code
    mods: pl.DataFrame  # per meter: times removed and added (see completeness)

    @staticmethod
    def concat(parts: list[Settled]) -> Settled:
        return Settled(
            *(pl.concat([getattr(p, f) for p in parts]) for f in ("codes", "booked", "mods"))
        )


def _settle(
    cands: pl.DataFrame, per: pl.DataFrame, keys_of: Callable[[pl.DataFrame], pl.DataFrame] | None
) -> Settled:
    """One batch of candidate rows (every row of each of their keys) resolved."""
    n = cands.height
    codes = duplicate_codes(cands.lazy(), keys_of, REASON_CODES, n) if n and keys_of else {}
    coded = cands.with_columns(_coded(codes))
    out = coded.filter(pl.col("code").is_not_null())
    return Settled(out.select("row_nr", "code"), _booked(out), _mods(coded, per))


def _booked(rejected: pl.DataFrame) -> pl.DataFrame:
    """Rejected rows summed per group and code (what the groups table moves)."""
    group = ["firm_id", *_GROUP[:2], *KEY_COLUMNS, "has_ts", "code"]
    return rejected.group_by(group).agg(pl.col("_v").sum(), pl.len().cast(pl.Int64).alias("rows"))


def _mods(cands: pl.DataFrame, per: pl.DataFrame) -> pl.DataFrame:
    """Per meter: the times all of whose copies were rejected in its main segment (removed)
    and the times kept only outside it (added)."""
    in_main = pl.col("row_nr").is_between(pl.col("first_nr"), pl.col("last_nr"))
    touched = (
        cands.join(per.select(*PAIR, "first_nr", "last_nr"), on=PAIR)
        .with_columns(pl.col("_ts").dt.epoch("us"))
        .group_by(*PAIR, "_ts")
        .agg(pl.col("code").is_null().any().alias("kept"), in_main.any().alias("main"))
    )
    removed, added = pl.col("main") & ~pl.col("kept"), ~pl.col("main") & pl.col("kept")
    return touched.group_by(PAIR).agg(
        removed.sum().alias("n_removed"),
        added.sum().alias("n_added"),
        pl.col("_ts").filter(added).min().alias("add_first"),
        pl.col("_ts").filter(added).max().alias("add_last"),
        pl.col("_ts").filter(removed).alias("gone"),
    )


def _answered(
    early: tuple[pl.DataFrame, pl.DataFrame] | None, strays: pl.DataFrame, keys: pl.DataFrame
) -> pl.DataFrame | None:
    """The rows of ``keys`` kept by the pass, if every straggler's time was a wanted key.

    Then each key's rows are all in hand: a straggler's key was wanted, so the
    pass kept every row with it; any other key (equal neighbours in the main
    segment) has its rows next to each other there, kept by the kernel, and no
    straggler with it, or that straggler's key would be wanted too.
    """
    if early is None:
        return None
    wanted, rows = early
    key = [*PAIR, "_ts"]
    ends = pl.concat(
        [strays.select(*PAIR, pl.col(c).alias("_ts")) for c in ("first_ts", "last_ts")]
    )
    if ends.join(wanted, on=key, how="anti").height:
        return None
    return rows.join(keys.select(key), on=key, how="semi")


def _hashed_streaming(
    hashed: pl.DataFrame,
    rows: pl.LazyFrame,
    keys_of: Callable[[pl.DataFrame], pl.DataFrame],
    empty: pl.DataFrame,
) -> pl.DataFrame:
    """The bucketed hash over the streamed input, for more meters out of order than fit."""
    ok = pl.col("row_reason").is_null() & pl.col("meter_id").is_not_null()
    return _streamed(rows.filter(ok).join(hashed.lazy(), on=PAIR, how="semi"), rows, keys_of, empty)


def unmetered(
    rows: pl.LazyFrame,
    per: pl.DataFrame,
    keys_of: Callable[[pl.DataFrame], pl.DataFrame],
    empty: pl.DataFrame,
) -> Settled:
    """Repeated readings among the accepted rows without a meter id (each firm's one unnamed
    meter, which the order screen does not see), by the bucketed hash over the streamed input."""
    ok = pl.col("row_reason").is_null() & pl.col("meter_id").is_null()
    found = _streamed(rows.filter(ok), rows, keys_of, empty)
    return Settled(found.select("row_nr", "code"), _booked(found), _mods(empty, per))


def _streamed(
    picked: pl.LazyFrame,
    rows: pl.LazyFrame,
    keys_of: Callable[[pl.DataFrame], pl.DataFrame],
    empty: pl.DataFrame,
) -> pl.DataFrame:
    """The rejected rows among ``picked`` with ``code``, by the bucketed hash (bounded)."""
    n = int(picked.select(pl.len()).collect(engine="streaming").item())
    codes = duplicate_codes(picked, keys_of, REASON_CODES, n)
    if not codes:
        return empty
    nrs = pl.Series(list(codes), dtype=pl.UInt32)
    return (
        rows.filter(pl.col("row_nr").is_in(nrs.implode()))
        .select(*_COLS, *_GROUP)
        .collect(engine="streaming")
        .with_columns(_coded(codes))
    )


def _coded(codes: dict[int, int]) -> pl.Expr:
    return pl.col("row_nr").replace_strict(codes, default=None, return_dtype=pl.UInt8).alias("code")


def completeness(
    per: pl.DataFrame,
    segs: pl.DataFrame,
    settled: Settled,
    held: pl.DataFrame,
    fetch: Fetch,
    rows: pl.LazyFrame,
) -> pl.DataFrame:
    """:func:`carbonacct.completeness.meter_gaps` from the screen; ``meter_gaps`` itself (one
    filtered pass) for the meters the screen cannot settle.

    A meter's main segment holds ``n`` distinct times from ``first_ts`` to
    ``last_ts``, ``npos`` of its ``n - 1`` steps equal to its smallest
    positive step ``d``. Duplicates resolved remove some times (all copies
    rejected) and stragglers add some: each change alters at most two steps,
    so ``d`` stays the most frequent step while ``npos - 2k`` exceeds the
    other steps plus ``2k`` (k changes). Otherwise, or when the first or last
    time is removed, or for hashed meters, ``meter_gaps`` decides.
    """
    mods = settled.mods  # one row per meter: the batches hold whole meters
    n = pl.col("count") - pl.col("nzero")
    k = pl.col("n_removed").fill_null(0) + pl.col("n_added").fill_null(0)
    ends_gone = pl.col("gone").list.contains(pl.col("first_ts")) | pl.col("gone").list.contains(
        pl.col("last_ts")
    )
    majority = pl.col("npos") - 2 * k > (n - 1 - pl.col("npos")) + 2 * k
    ok = (pl.col("how") != "hash") & (
        ((n == 1) & (k == 0)) | ((n > 1) & majority & ~ends_gone.fill_null(False))
    )
    table = per.join(mods, on=PAIR, how="left").with_columns(ok.alias("settled"))
    done = table.filter("settled").select(
        *PAIR,
        pl.min_horizontal("first_ts", "add_first").alias("first"),
        pl.max_horizontal("last_ts", "add_last").alias("last"),
        (n - pl.col("n_removed").fill_null(0) + pl.col("n_added").fill_null(0)).alias("present"),
        pl.when(n > 1).then(pl.col("d")).alias("step"),
    )
    out = _format(done)
    rest = table.filter(~pl.col("settled")).select(K, *PAIR)
    if rest.height:
        out = pl.concat(
            [out, _unsettled(rest, segs, held, settled.codes, fetch, rows)], how="vertical_relaxed"
        )
    return (
        out.with_columns((pl.col("expected") - pl.col("present")).clip(0).alias("missing"))
        .cast(_GAPS_SCHEMA)  # type: ignore[arg-type]
        .sort(PAIR)
    )


def _unsettled(
    rest: pl.DataFrame,
    segs: pl.DataFrame,
    held: pl.DataFrame,
    codes: pl.DataFrame,
    fetch: Fetch,
    rows: pl.LazyFrame,
) -> pl.DataFrame:
    """``meter_gaps`` of the meters the screen cannot settle, on their rows in hand (or read
    again for them), else over the streamed input."""
    have = held.join(rest, on=PAIR, how="semi").select(*_COLS, *_GROUP, "code")
    missing = rest.join(have.select(PAIR).unique(), on=PAIR, how="anti")
    more = _meter_rows(missing, segs, fetch) if missing.height else have.clear()
    if more is None:
        return meter_gaps(rows.join(rest.lazy(), on=PAIR, how="semi")).drop("missing")
    if "code" not in more.columns:  # duplicates among them were settled with the candidates
        more = more.join(codes, on="row_nr", how="left")
    table = pl.concat([have, more.select(have.columns)], how="vertical_relaxed")
    picked = table.with_columns(
        pl.col("code").alias("row_reason"), pl.lit(1, dtype=pl.UInt32).alias("_n")
    )
    return meter_gaps(picked.lazy()).drop("missing")


def _format(table: pl.DataFrame) -> pl.DataFrame:
    """Times as text, the step in words, readings expected, as ``meter_gaps`` words them."""
    stamp = lambda c: pl.from_epoch(c, "us").dt.to_string("%Y-%m-%d %H:%M")  # noqa: E731
    step = pl.col("step")
    span = pl.col("last") - pl.col("first")
    return table.select(
        *PAIR,
        stamp(pl.col("first")).alias("first"),
        stamp(pl.col("last")).alias("last"),
        _human(step // 1_000_000).alias("step"),
        pl.when(step > 0).then(span // step + 1).otherwise(pl.col("present")).alias("expected"),
        pl.col("present").cast(pl.Int64),
    )


def book(runs: pl.DataFrame, booked: pl.DataFrame) -> pl.DataFrame:
    """The groups table: runs summed, each duplicate moved from its group to its reason's."""
    from carbonacct.readings import GROUP_KEYS

    cols = [*GROUP_KEYS, "_sum", "rows"]
    moved = booked.select(
        "firm_id", *_GROUP[:2], *KEY_COLUMNS, "has_ts", pl.col("_v").alias("_sum"), "rows", "code"
    )
    note = pl.lit(None, dtype=pl.UInt8).alias("note")
    out = moved.with_columns(pl.col("code").alias("row_reason"), note)
    back = moved.with_columns(
        pl.lit(None, dtype=pl.UInt8).alias("row_reason"), note, -pl.col("_sum"), -pl.col("rows")
    )
    frames = [runs.select(cols), out.select(cols), back.select(cols)]
    table = pl.concat([f.cast(frames[0].schema) for f in frames], how="vertical")
    return (
        table.group_by(GROUP_KEYS)
        .agg(pl.col("_sum").sum(), pl.col("rows").sum())
        .filter(pl.col("rows") > 0)
        .with_columns(pl.col("rows").cast(pl.UInt32))
    )
