"""The kernel's row-group tables decoded to text: each row group has its own dictionary
(its own words, in its own order, with nulls), and one table of text comes out."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from carbonacct import _decode
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


def _pairs(part: int, firms: list[str], meters: list[str], firm, meter, nr):  # type: ignore[no-untyped-def]
    arrays = {
        "firm_id": np.array(firm, "int32"),
        "meter_id": np.array(meter, "int32"),
        "row_nr": np.array(nr, "int64"),
    }
    return SimpleNamespace(part=part, dicts={"firm_id": firms, "meter_id": meters}, rows=arrays)


def test_tables_decoded_with_one_shared_dictionary_code_a_pair_alike() -> None:
    """Two tables decoded with one shared dictionary give (firm, meter) the same ``_k``, whatever
    each row group's own codes; ``named`` turns ``_k`` back into the text, a null into nulls."""
    shared: dict[str, dict[str, int]] = {}
    first = [
        _pairs(0, ["F1", "F2"], ["m1", "m2"], [0, 1, 1], [0, 0, 1], [1, 2, 3]),
        _pairs(0, ["F2", "F1"], ["m2"], [1, 0], [0, 0], [4, 5]),  # F1 m2, F2 m2
    ]
    a = decoded(first, "rows", ("firm_id", "meter_id"), shared, as_text=False)
    assert a.columns == ["_k", "row_nr", "part"]
    # a later table meets the same pairs in another order, a new firm F3 and a null meter
    later = [_pairs(1, ["F3", "F2", "F1"], ["m1", "m2"], [2, 1, 0, 2], [1, 1, 0, -1], [6, 7, 8, 9])]
    b = decoded(later, "rows", ("firm_id", "meter_id"), shared)
    # F1 is firm code 0, F2 1, F3 2; m1 meter code 0, m2 1: _k = firm << 32 | meter
    assert a["_k"].to_list() == [0, (1 << 32), (1 << 32) + 1, 1, (1 << 32) + 1]
    assert b["_k"].to_list()[:3] == [1, (1 << 32) + 1, 2 << 32]  # F1 m2, F2 m2, F3 m1
    assert b["_k"][3] == _decode.NO_PAIR
    back = _decode.named(b.select("_k"), shared)
    want = pl.DataFrame(
        {"_k": b["_k"], "firm_id": ["F1", "F2", "F3", None], "meter_id": ["m2", "m2", "m1", None]}
    )
    assert_frame_equal(back, want)
    assert (
        b.select("firm_id", "meter_id").head(3).equals(want.select("firm_id", "meter_id").head(3))
    )


def test_a_table_held_as_codes_gives_the_same_text_for_the_rows_taken() -> None:
    """``as_codes`` keeps the text columns as Int32 codes of the shared dictionary (a table held
    through the duplicate batches stays small); ``texted`` on any slice of it gives the text that
    decoding straight to text gives, nulls included, even after later tables added words."""
    shared: dict[str, dict[str, int]] = {}
    chunks = [
        _pairs(0, ["F1", "F2"], ["m1", "m2"], [0, 1, 1, -1], [0, 0, 1, 1], [1, 2, 3, 4]),
        _pairs(1, ["F3", "F1"], ["m2", "m9"], [1, 0, 0], [1, 0, -1], [5, 6, 7]),
    ]
    held = decoded(chunks, "rows", ("firm_id", "meter_id"), shared, as_codes=True)
    assert held.schema["firm_id"] == pl.Int32 and held.schema["meter_id"] == pl.Int32
    # F1 0, F2 1, F3 2 (met in chunk 1 as its code 0); m1 0, m2 1, m9 2 (chunk 1's code 1)
    assert held["firm_id"].to_list() == [0, 1, 1, -1, 0, 2, 2]
    assert held["meter_id"].to_list() == [0, 0, 1, 1, 2, 1, -1]
    decoded([_pairs(2, ["F4"], ["m7"], [0], [0], [8])], "rows", ("firm_id", "meter_id"), shared)
    text = decoded(chunks, "rows", ("firm_id", "meter_id"), {})
    part = held.filter(pl.col("row_nr") > 2)
    want = text.filter(pl.col("row_nr") > 2)
    assert_frame_equal(_decode.texted(part, shared).drop("_k"), want.drop("_k"))
    assert want["firm_id"].to_list() == ["F2", None, "F1", "F3", "F3"]
    assert want["meter_id"].to_list() == ["m2", "m2", "m9", "m2", None]
