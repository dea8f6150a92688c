"""Interval labels: whether a meter's interval readings are labelled by interval start or end.

Decided per meter over all its rows, in every file (README: ``auto`` detects it "per meter
where the data shows it"): a meter whose January is in one file and February in another is one
series, labelled one way. A meter whose data does not show it takes its file's decision, and a
file whose data does not show it is assumed to be labelled by interval start. When a meter's
files, each taken alone, show opposite labels, the meter is labelled one way, as its rows
together show (else by start, assumed), and one warning names it, its files and the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

__all__ = ["decide_label", "meter_labels", "other_label"]

#: A part's convention, how it was decided, and its meters labelled the other way.
PartLabel = tuple[str, str, list[str]]


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


def _stats(intervals: Sequence[pl.LazyFrame]) -> pl.DataFrame:
    """First and last time (and a 24:00 seen) per part and meter: one pass over each part."""
    return pl.concat(
        [
            lf.group_by("meter_id")
            .agg(
                pl.col("_ts").min().alias("first"),
                pl.col("_ts").max().alias("last"),
                pl.col("ts_text").str.contains(r"24:00(:00)?$").any().alias("has24"),
            )
            .with_columns(pl.lit(i, dtype=pl.UInt32).alias("part"))
            for i, lf in enumerate(intervals)
        ],
        how="vertical",
    ).collect(engine="streaming")


def meter_labels(
    intervals: Sequence[pl.LazyFrame], names: Sequence[str], option: str
) -> tuple[list[PartLabel], list[str]]:
    """Per part (its interval rows with a time), its label and the meters labelled otherwise;
    and the warnings of meters whose files disagree."""
    if option != "auto":
        return [(option, "given", []) for _ in intervals], []
    stats = _stats(intervals)
    decided: list[tuple[str, str]] = []
    for i in range(len(intervals)):
        s = stats.filter(pl.col("part") == i)
        first = s["first"].min() if s.height else None
        decided.append(decide_label(first, s["last"].max(), bool(s["has24"].any())))
    metered = stats.filter(pl.col("meter_id").is_not_null())
    chosen, warnings = _per_meter(metered, names)
    out: list[PartLabel] = []
    for i, (label, how) in enumerate(decided):
        meters = metered.filter(pl.col("part") == i)["meter_id"].to_list()
        theirs = {chosen.get(m) for m in meters}
        whole_part = len(meters) == stats.filter(pl.col("part") == i).height  # no meterless rows
        if how == "assumed" and meters and whole_part and len(theirs) == 1 and None not in theirs:
            label, how = theirs.pop() or label, "detected per meter, over all its files"
        other = [m for m in meters if m in chosen and chosen[m] != label]
        out.append((label, how, other))
    return out, warnings


def _per_meter(metered: pl.DataFrame, names: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """The label of each meter its rows show (over all its parts), and the warnings of meters
    whose parts, each alone, show opposite labels."""
    whole = metered.group_by("meter_id").agg(
        pl.col("first").min(), pl.col("last").max(), pl.col("has24").any()
    )
    chosen: dict[str, str] = {}
    for m, first, last, has24 in whole.iter_rows():
        label, how = decide_label(first, last, bool(has24))
        if how != "assumed":
            chosen[m] = label
    shown: dict[str, dict[int, str]] = {}
    for m, first, last, has24, part in metered.iter_rows():
        label, how = decide_label(first, last, bool(has24))
        if how != "assumed":
            shown.setdefault(m, {})[part] = label
    warnings = []
    for m, seen in sorted(shown.items()):
        if len(set(seen.values())) < 2:
            continue
        row = whole.filter(pl.col("meter_id") == m).row(0)
        label, how = decide_label(row[1], row[2], bool(row[3]))
        chosen[m] = label  # one label for the meter, even where its rows together show none
        files = ", ".join(f"{names[p]}: {lab}" for p, lab in sorted(seen.items()))
        warnings.append(
            f"meter {m}: its files, each taken alone, show opposite interval labels ({files}); "
            f"all its readings taken as labelled by their interval {label}, {how} over all its "
            f"rows ({row[1]} to {row[2]}); give interval_label to override"
        )
    return chosen, warnings
