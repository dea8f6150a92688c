"""The kernel's row-group tables decoded to text: each row group has its own dictionary
(its own words, in its own order, with nulls), and one table of text comes out."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from carbonacct._decode import decoded


def _chunk(part: int, firms: list[str], carriers: list[str], firm, carrier, nr):  # type: ignore[no-untyped-def]
    arrays = {
        "firm_id": np.array(firm, "int32"),
        "carrier": np.array(carrier, "int32"),
        "row_nr": np.array(nr, "int64"),
        "_v": np.array(nr, "float64") / 2,
    }
    return SimpleNamespace(part=part, dicts={"firm_id": firms, "carrier": carriers}, runs=arrays)


def test_row_groups_with_their_own_dictionaries_decode_to_the_same_text() -> None:
    chunks = [
        _chunk(0, ["F1", "F2"], ["gas"], [0, 1, -1], [0, -1, 0], [1, 2, 3]),
        _chunk(0, ["F3", "F1"], ["coal", "gas"], [1, 0], [1, 0], [4, 5]),  # F1 is code 1 here
        _chunk(1, [], [], [], [], []),  # an empty row group
        _chunk(1, ["F2"], [], [0, 0], [-1, -1], [6, 7]),
    ]
    got = decoded(chunks, "runs", ("firm_id", "carrier"))
    want = pl.DataFrame(
        {
            "firm_id": ["F1", "F2", None, "F1", "F3", "F2", "F2"],
            "carrier": ["gas", None, "gas", "gas", "coal", None, None],
            "row_nr": [1, 2, 3, 4, 5, 6, 7],
            "_v": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5],
            "part": pl.Series([0, 0, 0, 0, 0, 1, 1], dtype=pl.Int32),
        }
    )
    assert_frame_equal(got, want)
