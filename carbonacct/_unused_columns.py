"""Input columns the readings reader does not use, named once per file.

A column is "used" when the reader normalises it (:data:`USED`); any other column is named
in one warning per file, from the header or schema alone. Only when a file has such a column
are its first :data:`SAMPLE_ROWS` values of those columns read, to tell a column that holds
the reading kind under a header the mapping does not accept (``类型``: energy type or reading
type?) from any other: its readings were then taken as interval readings, which for a meter
register sums the register values themselves. A column whose header names a key (计量点, 户号)
is said too: unread, it lets different meters run together and copies across files through.
Under ``strict`` either is an error naming the file and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from carbonacct._kinds import KIND_SHARE, kind_share, kind_words
from carbonacct.errors import InputError
from carbonacct.io._tables import Part
from carbonacct.readings import OPTIONAL, REQUIRED
from carbonacct.vocabulary import carrier_names

#: The columns the reader normalises (``process`` is ``product`` under its other name).
USED = frozenset((*REQUIRED, *OPTIONAL, "process", "register_capacity"))
#: Rows of an unused column read to see whether it holds reading kinds (never a full scan).
SAMPLE_ROWS = 1000


def _kind_like(part: Part, column: str) -> list[str] | None:
    """The column's other words when at least :data:`KIND_SHARE` of its first values are
    reading-kind words (one unknown word such as 表码 must not hide the column), else None."""
    sample = part.frame.select(pl.col(column)).head(SAMPLE_ROWS).collect().to_series()
    share, others = kind_share(sample, set(carrier_names()))
    return others if share >= KIND_SHARE else None


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


#: Words of a header that names a key: a meter, site or firm id (计量点, 户号, site_code).
_KEY_WORDS = re.compile(
    r"编号|编码|代码|计量点|测点|表计|电表|户号|表号|厂区|(^|[_\s])(id|code|meter|site|firm)($|[_\s])"
)


def _doubts(part: Part, unused: Sequence[str], kind_read: bool) -> list[tuple[str, str]]:
    """(column, what it looks like) for the unused columns whose being unread can change a
    figure: a key (readings of different meters or firms run together, copies across files
    missed) or, when no column is read as the kind, the reading kind."""
    doubts: list[tuple[str, str]] = []
    for c in unused:
        if _KEY_WORDS.search(c.lower()):
            doubts.append((c, "key"))
        elif not kind_read and (others := _kind_like(part, c)) is not None:
            doubts.append((c, "kind" + "".join(f"|{w}" for w in others)))
    return doubts


def _doubt_note(label: str, column: str, what: str) -> str:
    if what == "key":
        return (
            f"{label}: column {column} looks like a key (a meter, site or firm id) but is not "
            "read: readings are told apart and matched across files by firm_id, meter_id and "
            "site_id only. Name it meter_id (表计编号), site_id (厂区) or firm_id (企业代码) to "
            "have it read"
        )
    _, *others = what.split("|")
    unknown = (
        f"; {', '.join(others[:5])} {'is' if len(others) == 1 else 'are'} not among them and "
        "would be rejected as bad_kind"
        if others
        else ""
    )
    return (
        f"{label}: column {column} looks like the reading kind (its values are mostly reading-"
        f"kind words, {kind_words()}{unknown}) but is not read as it: every row was taken as an "
        "interval reading. Name the column kind or 读数类型 to have meter registers read as "
        "registers"
    )


def unused_column_notes(parts: Sequence[Part], *, strict: bool = False) -> tuple[str, ...]:
    """One warning per part naming its columns the reader does not use; a sharper one per
    column that looks like a key or the reading kind, which ``strict`` makes an error."""
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
        doubts = _doubts(part, unused, "kind" in names)
        if strict and doubts:
            column, what = doubts[0]
            raise InputError(
                _doubt_note(part.label, column, what) + " (strict mode: a column that may "
                "change the figures must be read or removed).",
                file=part.label,
                row=1,
                column=column,
            )
        notes += [_doubt_note(part.label, c, what) for c, what in doubts]
    return tuple(notes)
