"""The kernel's row-group tables, in dictionary codes, as one polars table of text.

Each row group (:mod:`carbonacct._kernel`) comes back with its own dictionary
per key column: its own words, in its own order. The codes of every row group
are mapped into one dictionary per column in numpy, so each column is turned
into text once, not once per row group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

__all__ = ["NO_PAIR", "decoded", "named", "text", "texted"]


def text(codes: np.ndarray, words: list[str]) -> pl.Series:
    """Codes back to text (-1: null)."""
    table = pl.Series(values=[*words, None], dtype=pl.String)
    return table.gather(np.where(codes < 0, len(words), codes))


#: The pair code of a row whose firm or meter is null.
NO_PAIR = np.iinfo("uint64").max


def decoded(
    chunks: Sequence[Any],
    name: str,
    columns: Sequence[str],
    shared: dict[str, dict[str, int]] | None = None,
    as_text: bool = True,
    as_codes: bool = False,
) -> pl.DataFrame:
    """One table of every chunk's ``name`` arrays (a dict of equal-length arrays), the code
    columns ``columns`` as text through the chunk's ``dicts``, with the chunk's ``part``.

    With ``shared`` (one dictionary per column, filled as words are met), every table decoded
    with it codes its words alike, and ``_k``, firm and meter as one UInt64 (firm code in the
    high half), joins and groups them by integer instead of by text; without ``as_text`` the
    columns are left out (:func:`named` gives them to the few rows that need them); with
    ``as_codes`` (and ``shared``) they stay as Int32 codes, :func:`texted` turns them into text
    for the rows that need it (a table held for long, as the kernel's rows, stays small)."""
    arrays = [getattr(ch, name) for ch in chunks]
    cols: dict[str, pl.Series] = {}
    codes: dict[str, np.ndarray] = {}
    for c in columns:
        words: dict[str, int] = {} if shared is None else shared.setdefault(c, {})
        coded = []
        for ch, a in zip(chunks, arrays, strict=True):
            remap = np.array([*(words.setdefault(w, len(words)) for w in ch.dicts[c]), -1], "int64")
            coded.append(remap[a[c]])  # -1 (null) stays -1
        codes[c] = np.concatenate(coded)
        if as_codes:
            cols[c] = pl.Series(c, codes[c], pl.Int32)
        elif as_text:
            cols[c] = text(codes[c], list(words))
    if shared is not None:
        f, m = codes["firm_id"], codes["meter_id"]
        pair = (f.astype("uint64") << np.uint64(32)) | m.astype("uint64")
        cols["_k"] = pl.Series("_k", np.where((f < 0) | (m < 0), NO_PAIR, pair), pl.UInt64)
    for k in (k for k in arrays[0] if k not in columns):
        cols[k] = pl.Series(values=np.concatenate([a[k] for a in arrays]))
    part = np.repeat(
        np.array([ch.part for ch in chunks], "int32"), [len(a[columns[0]]) for a in arrays]
    )
    return pl.DataFrame(cols).with_columns(pl.Series("part", part))


def named(frame: pl.DataFrame, shared: dict[str, dict[str, int]]) -> pl.DataFrame:
    """``frame`` with ``firm_id`` and ``meter_id`` as text from its ``_k`` (see :func:`decoded`)."""
    k = frame["_k"].to_numpy()
    none = k == NO_PAIR
    f = np.where(none, -1, k >> np.uint64(32)).astype("int64")
    m = np.where(none, -1, k & np.uint64(0xFFFFFFFF)).astype("int64")
    firms, meters = (list(shared[c]) for c in ("firm_id", "meter_id"))
    return frame.with_columns(text(f, firms).alias("firm_id"), text(m, meters).alias("meter_id"))


def texted(frame: pl.DataFrame, shared: dict[str, dict[str, int]]) -> pl.DataFrame:
    """``frame``'s Int32 code columns (see ``as_codes`` of :func:`decoded`) as text."""
    return frame.with_columns(
        text(frame[c].to_numpy(), list(shared[c])).alias(c)
        for c in frame.columns
        if c in shared and frame.schema[c] == pl.Int32
    )
