"""What the Parquet kernel reads: files under their own headers, and text parsed once.

:mod:`carbonacct._kernel` works on the library's column names. Two kinds of
input reach it with other physical names:

* typed Parquet exported with foreign headers (企业代码, 表计编号, 采集时间,
  读数, 读数类型 …): each file's headers are mapped by the reader's own rule
  (:func:`carbonacct.io._tables.rename_columns`), its columns read under
  their physical names and named canonically, so a mapped ``读数类型`` is the
  ``kind`` the kernel checks for registers like any other;
* text (CSV) of :data:`~carbonacct.io._tables.PARSE_ONCE_ROWS` rows or more,
  parsed once (:func:`parsed_parts`) into a scratch Parquet copy of the
  normalised rows (:func:`carbonacct.readings.normalise`): the number ``_v``
  is read as ``value``, the local time ``_ts`` as ``timestamp``, and
  ``_vgiven`` and ``has_ts`` tell an empty cell from text that does not read
  (``missing_value`` against ``not_a_number``, ``missing_time`` against
  ``bad_timestamp``). The copy keeps the text (``value_text``, ``ts_text``)
  and the part keeps the CSV's name and first line, so the rejects name the
  CSV file, its line and the text as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from carbonacct import _arrowcols as ac
from carbonacct._timeparse import WRITTEN_24
from carbonacct.io._tables import PARSE_ONCE_ROWS, Part, parse_once, release, rename_columns

__all__ = [
    "FLAGS",
    "PARSED",
    "Text",
    "fits",
    "holds",
    "parsed_parts",
    "physical",
    "read_group",
    "unreadable",
]

#: The format of a part whose text was parsed into a scratch copy (its frame is normalised).
PARSED = "parsed"
#: Columns of a parsed copy telling an empty cell from unreadable text.
FLAGS = ("_vgiven", "has_ts")
#: A parsed copy's columns under the names the kernel reads.
_PARSED_NAMES = {"value": "_v", "timestamp": "_ts"}
_NEEDED = {"firm_id", "carrier", "unit", "value", "timestamp"}


def physical(path: str) -> dict[str, str]:
    """Library name -> the file's own column name, for the columns a file holds."""
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    if str(path) in _COPIES:
        out = {n: n for n in names if n not in _PARSED_NAMES.values()}
        return out | _PARSED_NAMES
    mapping = rename_columns(names, path)
    return {mapping.get(n, n): n for n in names}


#: The parsed copies made by :func:`parsed_parts` (known by path, not guessed from columns).
_COPIES: set[str] = set()


def read_group(path: str, group: int, columns: Sequence[str], dictionary: Sequence[str]) -> Any:
    """Row group ``group`` of ``path``: ``columns`` (library names, those the file holds) as an
    Arrow table under library names, ``dictionary`` ones as dictionary codes."""
    import pyarrow.parquet as pq

    named = physical(path)
    wanted = [named[c] for c in columns if c in named]
    pf = pq.ParquetFile(path, read_dictionary=[named[c] for c in dictionary if c in named])
    table = pf.read_row_group(group, columns=wanted, use_threads=False)
    back = {v: k for k, v in named.items()}
    return table.rename_columns([back[n] for n in table.column_names])


def fits(path: str, strings: Sequence[str]) -> dict[str, bool] | None:
    """Which string columns are dictionary-typed, if a file's columns suit the kernel, else None
    (under library names: a mapped header is its column)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    named = physical(path)
    meta = pq.ParquetFile(path)
    schema = meta.schema_arrow
    if not _NEEDED <= set(named) or _has_periods(meta, named):
        return None
    ts, value = schema.field(named["timestamp"]).type, schema.field(named["value"]).type
    if not pa.types.is_timestamp(ts) or ts.tz is not None:
        return None
    if str(value) not in ac.NUMERIC:
        return None
    dict_typed = {}
    for c in strings:
        if c not in named:
            continue
        t = schema.field(named[c]).type
        is_dict = pa.types.is_dictionary(t)
        inner = t.value_type if is_dict else t
        if not (pa.types.is_string(inner) or pa.types.is_large_string(inner)):
            return None
        dict_typed[c] = is_dict
    return dict_typed


def _has_periods(meta: Any, named: dict[str, str]) -> bool:
    """Whether a file has a period column with a value (a parsed copy has one, often empty)."""
    if "period" not in named:
        return False
    md = meta.metadata
    at = meta.schema_arrow.names.index(named["period"])
    for g in range(md.num_row_groups):
        stats = md.row_group(g).column(at).statistics
        if (
            stats is None
            or not stats.has_null_count
            or stats.null_count != md.row_group(g).num_rows
        ):
            return True
    return False


def parsed_parts(parts: Sequence[Part], timezone: str) -> list[Part]:
    """The parts, each text part of :data:`PARSE_ONCE_ROWS` rows or more parsed once into a
    scratch Parquet copy of its normalised rows (the kernel and the polars path both read it).
    The parts given must not be read after this (a UTF-8 copy they read is removed)."""
    from carbonacct.readings import _has_text, missing_columns, normalise

    out, offset = [], 0
    for part in parts:
        names = part.frame.collect_schema().names()
        if part.rows >= PARSE_ONCE_ROWS and _has_text(part) and not missing_columns(names):
            copy = parse_once(normalise(part, offset, timezone))
            _COPIES.add(str(copy))
            release(part)  # its UTF-8 copy, if any: the parsed copy is read from now on
            frame = pl.scan_parquet(copy)
            out.append(replace(part, frame=frame, format=PARSED, parsed=str(copy), scratch=None))
        else:
            out.append(part)
        offset += part.rows
    return out


def holds(path: str, names: set[str]) -> bool:
    """Whether a part's columns ``names`` are its file's, mapped: every column of the file is
    one, and no column the readings are read from comes from elsewhere (a hive folder
    ``kind=register/`` would be missed by the kernel). A parsed copy is its part's frame."""
    if str(path) in _COPIES:
        return True
    named = physical(path)
    return set(named) <= names and not (names - set(named)) & _READ


#: The columns :func:`carbonacct.readings.normalise` reads from a part.
_READ = {"firm_id", "meter_id", "carrier", "unit", "flow", "use", "kind", "value", "timestamp"}
_READ |= {"period", "site_id", "product", "process", "register_capacity"}


@dataclass
class Text:
    """A parsed copy's values and times as the kernel checks them: given (``vok``, ``tok``)
    where the text had something; a value that did not read is NaN (``not_a_number``), a time
    that did not read lies before 1900 (``bad_timestamp``); ``nan``: those values."""

    v: np.ndarray
    vok: np.ndarray | None
    ts: np.ndarray
    tok: np.ndarray | None
    nan: np.ndarray | None


_LONG_AGO = -(1 << 62)  # µs: a time no day table holds


def unreadable(table: Any, vok: np.ndarray | None, tok: np.ndarray | None) -> Text | None:
    """For a parsed copy of text (its flags read along), the values and times to check
    (see :class:`Text`); None for typed input."""
    if FLAGS[0] not in table.column_names:
        return None
    v, _ = ac.column(table["value"], "value")
    ts, _ = ac.column(table["timestamp"], "ts")
    vgiven, tgiven = _bools(table[FLAGS[0]]), _bools(table[FLAGS[1]])
    nan = None
    if vok is not None:
        nan = vgiven & ~vok
        v = np.where(vok, v, np.where(nan, np.nan, 0.0))
        nan = nan if nan.any() else None
    if tok is not None:
        ts = np.where(tgiven & ~tok, _LONG_AGO, ts)
    return Text(
        v,
        None if vgiven.all() else vgiven,
        ts,
        None if tgiven.all() else tgiven,
        nan,
    )


def _bools(col: Any) -> np.ndarray:
    """A Boolean Arrow column as numpy (null: False)."""
    out = []
    for chunk in col.chunks:
        bits = np.unpackbits(np.frombuffer(chunk.buffers()[1], dtype="u1"), bitorder="little")
        values = bits[chunk.offset : chunk.offset + len(chunk)].astype(bool)
        ok = ac.validity(chunk)
        out.append(values if ok is None else values & ok)
    return np.concatenate(out) if out else np.zeros(0, bool)


def shows_24(parts: Sequence[Part]) -> bool:
    """Whether a parsed part has an interval reading's time written as 24:00, which decides its
    interval labels (:mod:`carbonacct._interval_labels`; the kernel sees the times only)."""
    from carbonacct.readings import _is_register

    for part in parts:
        if part.parsed:
            intervals = part.frame.filter(~_is_register() & pl.col("_ts").is_not_null())
            has24 = intervals.select(pl.col("ts_text").str.contains(WRITTEN_24).any())
            if has24.collect(engine="streaming").item():
                return True
    return False
