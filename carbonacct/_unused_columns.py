"""Input columns the readings reader does not use, named once per file.

A column is "used" when the reader normalises it (:data:`USED`); any other column is named
in one warning per file, from the header or schema alone. Only when a file has such a column
are its first :data:`SAMPLE_ROWS` values of those columns read, to tell a column that holds
the reading kind under a header the mapping does not accept (``类型``: energy type or reading
type?) from any other: its readings were then taken as interval readings, which for a meter
register sums the register values themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from carbonacct.io._tables import Part
from carbonacct.readings import _KIND, OPTIONAL, REQUIRED

#: The columns the reader normalises (``process`` is ``product`` under its other name).
USED = frozenset((*REQUIRED, *OPTIONAL, "process", "register_capacity"))
#: Rows of an unused column read to see whether it holds reading kinds (never a full scan).
SAMPLE_ROWS = 1000


def _looks_like_kind(part: Part, column: str) -> bool:
    """The column's first values are all (non-empty) reading-kind words of the vocabulary."""
    sample = (
        part.frame.select(pl.col(column).cast(pl.String).str.strip_chars().str.to_lowercase())
        .head(SAMPLE_ROWS)
        .collect()
        .to_series()
        .drop_nulls()
    )
    sample = sample.filter(sample.str.len_bytes() > 0)
    return sample.len() > 0 and bool(sample.is_in(list(_KIND)).all())


def _blank(part: Part, column: str) -> bool:
    """A sheet's column with neither header nor values (the reader names it ``__unnamed__6``)."""
    if not column.startswith("__unnamed__") or part.format != "excel":
        return False
    return bool(part.frame.select(pl.col(column).is_null().all()).collect().item())


def _partition_keys(part: Part) -> set[str]:
    """The hive partition columns of a data set's files (``year=2024/…``): named by its folders."""
    if part.format != "parquet":
        return set()
    files = (*part.files, part.label)
    return {d.split("=", 1)[0].lower() for f in files for d in Path(f).parts[:-1] if "=" in d}


def unused_column_notes(parts: Sequence[Part]) -> tuple[str, ...]:
    """One warning per part naming its columns the reader does not use; a sharper one per
    column that looks like the reading kind."""
    notes: list[str] = []
    for part in parts:
        names = part.frame.collect_schema().names()
        folders = _partition_keys(part)  # once per part, not once per column
        unused = [c for c in names if c not in USED and c not in folders and not _blank(part, c)]
        if not unused:
            continue
        notes.append(
            f"{part.label}: column(s) {', '.join(unused)} not used; the accepted column names "
            "are in the README's table of reading columns (rename a column to have it read)"
        )
        if "kind" in names:
            continue
        for c in unused:
            if _looks_like_kind(part, c):
                words = "/".join(sorted(_KIND))
                notes.append(
                    f"{part.label}: column {c} looks like the reading kind (its values are "
                    f"{words} words) but is not read as it: every row was taken as an interval "
                    "reading. Name the column kind or 读数类型 to have meter registers read as "
                    "registers"
                )
    return tuple(notes)
