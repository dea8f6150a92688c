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

__all__ = ["decoded", "text"]


def text(codes: np.ndarray, words: list[str]) -> pl.Series:
    """Codes back to text (-1: null)."""
    table = pl.Series(values=[*words, None], dtype=pl.String)
    return table.gather(np.where(codes < 0, len(words), codes))


def decoded(chunks: Sequence[Any], name: str, columns: Sequence[str]) -> pl.DataFrame:
    """One table of every chunk's ``name`` arrays (a dict of equal-length arrays), the code
    columns ``columns`` as text through the chunk's ``dicts``, with the chunk's ``part``."""
    arrays = [getattr(ch, name) for ch in chunks]
    cols: dict[str, pl.Series] = {}
    for c in columns:
        words: dict[str, int] = {}
        coded = []
        for ch, a in zip(chunks, arrays, strict=True):
            remap = np.array([*(words.setdefault(w, len(words)) for w in ch.dicts[c]), -1], "int64")
            coded.append(remap[a[c]])  # -1 (null) stays -1
        cols[c] = text(np.concatenate(coded), list(words))
    for k in (k for k in arrays[0] if k not in columns):
        cols[k] = pl.Series(values=np.concatenate([a[k] for a in arrays]))
    part = np.repeat(
        np.array([ch.part for ch in chunks], "int32"), [len(a[columns[0]]) for a in arrays]
    )
    return pl.DataFrame(cols).with_columns(pl.Series("part", part))
