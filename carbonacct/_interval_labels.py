"""Interval labels: whether a meter's interval readings are labelled by interval start or end.

Decided per meter — a firm's meter: ids such as M1 or E1 recur from firm to firm, and two firms'
M1 are two series — over all its rows in every file (README: ``auto`` detects it "per meter
where the data shows it"): a meter whose January is in one file and February in another is one
series, labelled one way; a firm's rows of a carrier without meter ids are one series, as the
completeness check measures them. Only rows that can be accounted decide (a row rejected on its
own, a negative value or one without a firm, has no say; nor has a firm the firms table does
not know).
A meter whose data does not show it takes its file's decision, and a file whose data does not
show it is assumed to be labelled by interval start. When a meter's files, each taken alone,
show opposite labels, the meter is labelled one way, as its rows together show (else by start,
assumed), and one warning names it, its files and the choice.

Both the polars path (:func:`meter_labels`) and the typed-Parquet kernel (:func:`kernel_labels`,
from the first and last times :func:`meter_times` gives per row group) decide with
:func:`labels_of`, and apply the result with :func:`is_end`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from carbonacct._timeparse import WRITTEN_24

__all__ = [
    "Decided",
    "PartLabel",
    "decide_label",
    "described",
    "edge_meter",
    "edge_runs",
    "is_end",
    "kernel_labels",
    "labels_of",
    "meter_key",
    "meter_labels",
    "meter_times",
    "other_label",
    "other_warning",
    "parts_end",
    "run_times",
    "series_stats",
    "shifted",
    "shown_meter",
]

#: Between firm and meter in a meter's key.
_SEP = "\x1f"
_DAY = 86_400_000_000  # microseconds

#: A part's convention, how it was decided, and its meters (keys) labelled the other way.
PartLabel = tuple[str, str, list[str]]
#: Every part's label, and the warnings of meters whose parts disagree.
Decided = tuple[list[PartLabel], list[str]]


#: Before the carrier of a series without meter ids, in place of the meter id.
_NO_METER = "\x1e"


def meter_key() -> pl.Expr:
    """A meter's key: its firm and its id; rows without a meter id, a series of their firm's
    carrier (as the completeness check measures them). Null without a firm (or a carrier)."""
    series = pl.col("meter_id").fill_null(_NO_METER + pl.col("carrier"))
    return pl.concat_str([pl.col("firm_id"), series], separator=_SEP)


def shown_meter(key: str) -> str:
    firm, _, meter = key.partition(_SEP)
    if meter.startswith(_NO_METER):
        meter = f"(no meter) {meter[1:]}"
    return f"{meter} of firm {firm}"


def other_label(label: str) -> str:
    return "start" if label == "end" else "end"


def decide_label(first: Any, last: Any, has24: bool) -> tuple[str, str]:
    """(convention, how it was decided) from a series' first and last timestamps."""
    if first is None:
        return "start", "no interval readings"
    if has24:
        return "end", "detected (24:00)"
    midnight = lambda t: (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0)  # noqa: E731
    if midnight(last) and not midnight(first):
        return "end", "detected (data starts after 00:00 and ends at 00:00)"
    if midnight(first) and not midnight(last):
        return "start", "detected (data starts at 00:00 and ends before 00:00)"
    return "start", "assumed"


def is_end(label: str, other: Sequence[str]) -> pl.Expr:
    """Whether a row of a part labelled ``label`` is labelled by its interval's end (its meter
    may be one of ``other``, labelled the other way)."""
    end = pl.lit(label == "end")
    return end ^ meter_key().is_in(list(other)).fill_null(False) if other else end


def shifted(label: str, other: Sequence[str]) -> pl.Expr:
    """``_tp``: the time ``_ts`` a microsecond back for a row labelled by its interval's end,
    so that a reading ending at a period's first instant falls in the period before."""
    back = pl.when(is_end(label, other)).then(pl.duration(microseconds=1))
    return (pl.col("_ts") - back.otherwise(pl.duration(microseconds=0))).alias("_tp")


def described(label: str, how: str, other: Sequence[str]) -> str:
    """A part's labels as the provenance records them."""
    others = f"; {other_label(label)} for {', '.join(map(shown_meter, other))}" if other else ""
    return f"{label} ({how}){others}"


def other_warning(
    name: str, label: str, other: Sequence[str], firms: frozenset[str] | None = None
) -> list[str]:
    """The warning naming a part's meters labelled the other way (the first ten), not those of
    a firm the firms table (``firms``, if given) does not know."""
    other = [m for m in other if _said(firms)(m)]
    if not other:
        return []
    more = f" and {len(other) - 10} more" if len(other) > 10 else ""
    return [
        f"{name}: meter(s) {', '.join(map(shown_meter, other[:10]))}{more} labelled by their "
        f"interval {other_label(label)} (decided per meter, over all its files)"
    ]


def parts_end(labels: Sequence[PartLabel]) -> pl.Expr:
    """:func:`is_end` for a table of several parts (its ``part`` column)."""
    ends = [p for p, (label, _, _) in enumerate(labels) if label == "end"]
    end = pl.col("part").is_in(ends)
    flips = [
        (pl.col("part") == p) & meter_key().is_in(o) for p, (_, _, o) in enumerate(labels) if o
    ]
    return end ^ pl.any_horizontal(*flips).fill_null(False) if flips else end


def _midnight_00() -> pl.Expr:
    """A row at midnight whose time is written 00:00 (not 24:00 of the day before)."""
    at = pl.col("_ts") == pl.col("_ts").dt.truncate("1d")
    return at & ~pl.col("ts_text").str.contains(WRITTEN_24).fill_null(False)


def series_stats(intervals: Sequence[pl.LazyFrame], accountable: pl.Expr) -> pl.DataFrame:
    """First and last time (and a 24:00 seen) per part and meter, of the rows that can be
    accounted (meter null: rows without a meter id): one pass over each part."""
    return pl.concat(
        [
            lf.filter(accountable)
            .group_by("firm_id", meter_key().alias("meter"))
            .agg(
                pl.col("_ts").min().alias("first"),
                pl.col("_ts").max().alias("last"),
                pl.col("ts_text").str.contains(WRITTEN_24).any().alias("has24"),
                _midnight_00().any().alias("has00"),
            )
            .with_columns(pl.lit(i, dtype=pl.UInt32).alias("part"))
            for i, lf in enumerate(intervals)
        ],
        how="vertical",
    ).collect(engine="streaming")


def meter_labels(
    intervals: Sequence[pl.LazyFrame], names: Sequence[str], options: Any, accountable: pl.Expr
) -> tuple[list[PartLabel], list[str]]:
    """Per part (its interval rows with a time), its label and the meters labelled otherwise;
    and the warnings of meters whose files disagree (``options``: a ``ReadingOptions``)."""
    if options.interval_label != "auto":
        return [(options.interval_label, "given", []) for _ in intervals], []
    return labels_of(series_stats(intervals, accountable), names, options.firms)


def labels_of(
    stats: pl.DataFrame, names: Sequence[str], firms: frozenset[str] | None
) -> tuple[list[PartLabel], list[str]]:
    """The labels from per part and meter first and last times (``part``, ``firm_id``,
    ``meter``, ``first``, ``last``, ``has24``, and ``has00``: a midnight written 00:00) of the
    rows that can be accounted: each part's, and the meters labelled otherwise. Every series is
    labelled by its own rows over all its files, else by start (assumed): never by another
    series'. A firm not in ``firms`` (the firms table, if given) has its rows
    rejected: it has no say over any other firm's series, and no warning names it."""
    if "has00" not in stats.columns:
        stats = stats.with_columns(pl.lit(False).alias("has00"))
    stats = stats.with_columns(pl.col("has00").fill_null(False))
    known = stats if firms is None else stats.filter(pl.col("firm_id").is_in(sorted(firms)))
    decided: list[tuple[str, str]] = []
    for i in range(len(names)):
        s = known.filter(pl.col("part") == i)
        first = s["first"].min() if s.height else None
        has24 = bool((s["has24"].fill_null(False) & ~s["has00"]).any())
        decided.append(decide_label(first, s["last"].max(), has24))
    metered = stats.filter(pl.col("meter").is_not_null())
    chosen, warnings = _per_meter(metered, names)
    said = _said(firms)
    warnings += _both_ways(metered, chosen, said) + _unshown(metered, chosen, said)
    out: list[PartLabel] = []
    for i, (label, how) in enumerate(decided):
        meters = known.filter(pl.col("part") == i)["meter"].drop_nulls().to_list()
        theirs = {chosen[m] for m in meters}
        whole_part = len(meters) == known.filter(pl.col("part") == i).height
        if how == "assumed" and meters and whole_part and len(theirs) == 1:
            label, how = theirs.pop(), "detected per meter, over all its files"
        mine = metered.filter(pl.col("part") == i)["meter"].unique(maintain_order=True)
        other = sorted(m for m in mine.to_list() if chosen[m] != label)
        out.append((label, how, other))
    return out, warnings


def _said(firms: frozenset[str] | None) -> Any:
    """Whether a series' warnings are said: not those of a firm the firms table does not know."""
    return lambda key: firms is None or key.partition(_SEP)[0] in firms


def _shown(first: str, last: str) -> pl.Expr:
    """The label a series' first and last times (and a 24:00, if it never writes a midnight
    00:00) show, as :func:`decide_label` detects it; null where they show none."""
    f, t = pl.col(first), pl.col(last)
    first_mid, last_mid = f == f.dt.truncate("1d"), t == t.dt.truncate("1d")
    has24 = pl.col("has24").fill_null(False) & ~pl.col("has00")
    return (
        pl.when(has24 | (last_mid & ~first_mid))
        .then(pl.lit("end"))
        .when(first_mid & ~last_mid)
        .then(pl.lit("start"))
    )


def _per_meter(metered: pl.DataFrame, names: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """The label of each meter its rows show (over all its parts), and the warnings of meters
    whose parts, each alone, show opposite labels."""
    metered = metered.select("meter", "first", "last", "has24", "has00", "part")
    whole = metered.group_by("meter").agg(
        pl.col("first").min(), pl.col("last").max(), pl.col("has24").any(), pl.col("has00").any()
    )
    shows = whole.select("meter", _shown("first", "last").alias("label")).drop_nulls()
    chosen = dict(zip(shows["meter"].to_list(), shows["label"].to_list(), strict=True))
    per_part = metered.with_columns(_shown("first", "last").alias("label")).drop_nulls("label")
    torn = per_part.group_by("meter").agg(pl.col("label").n_unique() > 1).filter("label")
    warnings = []
    for m in sorted(torn["meter"].to_list()):
        row = whole.filter(pl.col("meter") == m).row(0)
        label, how = decide_label(row[1], row[2], bool(row[3]) and not row[4])
        chosen[m] = label  # one label for the meter, even where its rows together show none
        seen = per_part.filter(pl.col("meter") == m).sort("part")
        files = ", ".join(f"{names[p]}: {lab}" for p, lab in seen.select("part", "label").rows())
        warnings.append(
            f"meter {shown_meter(m)}: its files, each taken alone, show opposite interval labels "
            f"({files}); all its readings taken as labelled by their interval {label}, {how} "
            f"over all its rows ({row[1]} to {row[2]}); give interval_label to override"
        )
    return chosen, warnings


def _unshown(metered: pl.DataFrame, chosen: dict[str, str], said: Any) -> list[str]:
    """Label the series whose rows show none (in ``chosen``) by start, assumed, as the README
    says; the warning naming them. Not as the firm's other series show: a daily meter read at
    00:00 shows nothing, and an end-labelled electricity meter of its firm says nothing of it."""
    taken = sorted(m for m in metered["meter"].unique().to_list() if m not in chosen)
    for m in taken:
        chosen[m] = "start"
    ms = [m for m in taken if said(m)]
    if not ms:
        return []
    more = f" and {len(ms) - 10} more" if len(ms) > 10 else ""
    return [
        f"meter(s) {', '.join(map(shown_meter, ms[:10]))}{more}: their own rows show no "
        "interval label; taken as labelled by their interval start (assumed); give "
        "interval_label to override"
    ]


def _both_ways(metered: pl.DataFrame, chosen: dict[str, str], said: Any) -> list[str]:
    """The warnings of series that write a midnight both as 00:00 and as 24:00 (a 24:00 is
    then the next day's 00:00; the label is decided by the series' first and last times)."""
    both = (
        metered.group_by("meter")
        .agg(pl.col("has24").any() & pl.col("has00").any())
        .filter("has24")["meter"]
        .to_list()
    )
    return [
        f"meter {shown_meter(m)} writes midnight both as 00:00 and as 24:00: a 24:00 is taken "
        f"as the next day's 00:00, and its readings as labelled by their interval {chosen[m]} "
        "(as its first and last times show, else start); "
        "give interval_label to override"
        for m in sorted(both)
        if said(m) and m in chosen
    ]


# -- the kernel's side -----------------------------------------------------------------------


def meter_times(
    codes: dict[str, np.ndarray], ts: np.ndarray, ok: np.ndarray | None
) -> dict[str, np.ndarray]:
    """Per firm and meter of a row group (firm, meter and carrier codes), the first and last time
    of the rows ``ok`` (None: all) that can be accounted; rows without a meter id per firm and
    carrier (meter -1, their carrier given; else the carrier is -1)."""
    f, m, c = codes["firm_id"], codes["meter_id"], codes["carrier"]
    if ok is not None:
        f, m, c, ts = f[ok], m[ok], c[ok], ts[ok]
    if not len(ts):
        return _times(f, m, ts, ts)
    series = np.where(m >= 0, m, -2 - c.astype("int64"))  # no meter: -2 - carrier (-1: none)
    key = (f.astype("int64") << 32) | (series & 0xFFFFFFFF)
    starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))  # runs of a meter
    lo, hi = np.minimum.reduceat(ts, starts), np.maximum.reduceat(ts, starts)
    return _reduced(key[starts], lo, hi)


def run_times(
    runs: dict[str, np.ndarray], lo: np.ndarray, hi: np.ndarray, meterless: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """:func:`meter_times` from a row group's runs of one (firm, meter) over its accountable
    rows with a meter id (``firm_id``, ``meter_id``; each run's earliest and latest time ``lo``,
    ``hi``) and :func:`meter_times` of its accountable rows without one (``meterless``): the
    same figures without another pass over every row."""
    key = (runs["firm_id"].astype("int64") << 32) | runs["meter_id"].astype("int64")
    metered = (
        _reduced(key, lo, hi) if len(key) else _times(runs["firm_id"], runs["meter_id"], lo, hi)
    )
    if not len(meterless["first"]):
        return metered
    return {c: np.concatenate((metered[c], meterless[c])) for c in metered}


def _times(f: np.ndarray, m: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict[str, np.ndarray]:
    """No rows: the empty table of :func:`meter_times`."""
    return {"firm_id": f[:0], "meter_id": m[:0], "carrier": m[:0], "first": lo[:0], "last": hi[:0]}


def _reduced(key: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict[str, np.ndarray]:
    """Per distinct key (firm << 32 | meter code, or -2 - carrier without one) of runs, the
    earliest ``lo`` and latest ``hi``."""
    pair, at = np.unique(key, return_inverse=True)
    first = np.full(len(pair), np.iinfo("int64").max)
    last = np.full(len(pair), np.iinfo("int64").min)
    np.minimum.at(first, at, lo)
    np.maximum.at(last, at, hi)
    series = (pair & 0xFFFFFFFF).astype("int64").astype("int32")
    return {
        "firm_id": (pair >> 32).astype("int32"),
        "meter_id": np.maximum(series, -1),
        "carrier": np.where(series < -1, -2 - series, -1).astype("int32"),
        "first": first,
        "last": last,
    }


def edge_runs(change: np.ndarray, edges: np.ndarray, meter: np.ndarray) -> None:
    """Rows at a period's first instant (``edges``, ascending row numbers: run word bit 0)
    start a new run at each change of meter, so that such a run is one meter's: its label
    decides its period."""
    e = edges[1:] if len(edges) and edges[0] == 0 else edges
    if len(e):
        change[e] |= meter[e] != meter[e - 1]


def edge_meter(word: np.ndarray, meter: np.ndarray) -> np.ndarray:
    """Per run (its word and meter code), the meter of a run at a period's first instant, -1
    for the others (whose period no label moves)."""
    return np.where(word & 1 == 1, meter, -1).astype("int32")


def kernel_labels(
    times: pl.DataFrame, names: Sequence[str], options: Any
) -> tuple[list[PartLabel], list[str]]:
    """:func:`meter_labels` from the kernel's per row group times (``part``, ``firm_id``,
    ``meter_id`` as text, ``first``, ``last`` in microseconds; typed times have no 24:00)."""
    if options.interval_label != "auto":
        return [(options.interval_label, "given", []) for _ in names], []
    stats = (
        times.with_columns(meter_key().alias("meter"))
        .group_by("part", "firm_id", "meter")
        .agg(pl.col("first").min(), pl.col("last").max())
        .with_columns(
            pl.col("first", "last").cast(pl.Datetime("us")),
            pl.lit(False).alias("has24"),
            pl.lit(False).alias("has00"),
        )
    )
    return labels_of(stats, names, options.firms)
