"""Arrow columns of a Parquet row group as numpy arrays, without copies where possible.

pyarrow would import pandas on a first ``to_numpy``; these read the buffers directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["NUMERIC", "as_numpy", "codes", "column", "validity"]

NUMERIC = {
    "int8": "i1",
    "int16": "i2",
    "int32": "i4",
    "int64": "i8",
    "uint8": "u1",
    "uint16": "u2",
    "uint32": "u4",
    "uint64": "u8",
    "float": "f4",
    "double": "f8",
}
TS_SCALE = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": -1_000}


def as_numpy(arr: Any, dtype: str) -> np.ndarray:
    """A primitive Arrow array's values as numpy, zero-copy (nulls hold arbitrary values)."""
    size = np.dtype(dtype).itemsize
    return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * size)


def validity(arr: Any) -> np.ndarray | None:
    """The validity of an Arrow array as booleans, or None when it has no nulls."""
    if arr.null_count == 0:
        return None
    bits = np.unpackbits(np.frombuffer(arr.buffers()[0], dtype="u1"), bitorder="little")
    return bits[arr.offset : arr.offset + len(arr)].astype(bool)


def codes(col: Any, strip: bool, seen: dict[str, int]) -> np.ndarray:
    """Per row, a code into ``seen`` (normalised text: stripped, empty is null); -1 for null."""
    out = []
    for chunk in col.chunks:
        if not hasattr(chunk, "indices"):
            chunk = chunk.dictionary_encode()
        words = chunk.dictionary.to_pylist()
        remap = np.full(len(words) + 1, -1, dtype="int32")
        for i, word in enumerate(words):
            text = word.strip() if strip and word is not None else word
            if text:
                remap[i] = seen.setdefault(text, len(seen))
        idx = chunk.indices
        raw = as_numpy(idx, NUMERIC[str(idx.type)])
        if (remap[:-1] == np.arange(len(words))).all():  # each word new, as written: codes as read
            mapped = raw.astype("int32", copy=False) if len(words) < 2**31 else remap[raw]
        else:
            mapped = remap[raw]
        ok = validity(idx)
        if ok is not None:
            mapped = np.where(ok, mapped, -1)
        out.append(mapped)
    return np.concatenate(out) if len(out) != 1 else out[0]


def column(col: Any, kind: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, validity) of the timestamp [µs] or value [float64] column (None: no nulls)."""
    vals, valid = [], []
    for chunk in col.chunks:
        if kind == "ts":
            v = as_numpy(chunk, "i8")
            scale = TS_SCALE[chunk.type.unit]
            v = v if scale == 1 else v * scale if scale > 0 else v // -scale
        else:
            v = as_numpy(chunk, NUMERIC[str(chunk.type)]).astype("f8", copy=False)
        vals.append(v)
        valid.append(validity(chunk))
    if len(vals) == 1:
        return vals[0], valid[0]
    mask = [np.ones(len(v), bool) if ok is None else ok for v, ok in zip(vals, valid, strict=True)]
    merged = np.concatenate(mask) if mask else np.ones(0, bool)
    values = np.concatenate(vals) if vals else np.zeros(0, "f8" if kind != "ts" else "i8")
    return values, None if merged.all() else merged
