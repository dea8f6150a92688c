"""The fast path's rejects, named row group by row group (carbonacct._named_rejects), against
the whole input joined to the rejected groups (the polars path).

Same rows, reasons, columns, text and row numbers, in input order, written to
Parquet and CSV and collected; on dirty typed Parquet (bad values, times,
carriers, units and firms, identical and conflicting copies appended out of
order) in a hive-partitioned data set, and beside a text CSV and a GBK CSV.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct import _kernel, _named_rejects
from carbonacct.quality import Batched
from tests.test_kernel import clean_rows, dirty, write

RUN = carbonacct.RunOptions(checksum=False)


def _footprint(data: object, check: bool = True) -> carbonacct.Footprint:
    method = carbonacct.Method(grid_factor="national", period="month", check_duplicates=check)
    return carbonacct.footprint(data, method=method, run=RUN)  # type: ignore[arg-type]


def _hive(rows: list[dict], root: Path) -> Path:
    """The rows in three files under ``part=k`` folders (a partition column polars adds)."""
    size = -(-len(rows) // 3)
    for k in range(3):
        (root / f"part={k}").mkdir(parents=True)
        write(rows[k * size : (k + 1) * size], root / f"part={k}" / "data.parquet", row_group=500)
    return root


@pytest.mark.parametrize("check", [True, False], ids=["dup-check", "no-dup-check"])
def test_named_rejects_equal_the_whole_input_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: bool
) -> None:
    rows = dirty(clean_rows(4, 3, 300, seed=3), seed=4, append=True)
    path = _hive(rows, tmp_path / "readings")
    picked: list[int] = []
    real = _named_rejects.Named._picked

    def counted(self, *a):  # type: ignore[no-untyped-def]
        out = real(self, *a)
        picked.append(0 if out is None else out.height)
        return out

    monkeypatch.setattr(_named_rejects.Named, "_picked", counted)
    fast = _footprint(path, check)
    assert isinstance(fast.reject_plan, Batched)
    with monkeypatch.context() as m:
        m.setattr(_kernel, "try_fast", lambda *a, **k: None)
        slow = _footprint(path, check)
    assert not isinstance(slow.reject_plan, Batched)
    assert fast.quality == slow.quality
    n = fast.quality.rows_rejected
    assert n > 0.05 * len(rows)
    for suffix in ("parquet", "csv"):
        a, b = tmp_path / f"fast.{suffix}", tmp_path / f"slow.{suffix}"
        fast.write_rejects(a)
        slow.write_rejects(b)
        if suffix == "csv":
            assert a.read_bytes() == b.read_bytes()
        else:
            assert_frame_equal(pl.read_parquet(a), pl.read_parquet(b))
            assert pq.read_schema(a).equals(pq.read_schema(b), check_metadata=True)
    # only rows that can be rejected were taken as text: every reject, and not many more
    assert n <= sum(picked) // 2 <= 1.2 * n  # written twice
    assert_frame_equal(fast.rejects, slow.rejects)
    assert fast.rejects.height == n
    assert fast.rejects["row_nr"].is_sorted()


def test_named_rejects_beside_text_and_gbk_csv(tmp_path: Path) -> None:
    """The Parquet file's rejects named by the kernel are the rows the mixed input (Parquet,
    then a UTF-8 and a GBK CSV, read by the polars path) rejects from that file."""
    rows = dirty(clean_rows(3, 3, 200, seed=5), seed=6, append=True)
    parquet = write(rows, tmp_path / "a.parquet", row_group=400)
    text = pl.from_arrow(pq.read_table(parquet)).with_columns(  # type: ignore[union-attr]
        pl.col("timestamp").dt.strftime("%Y/%m/%d %H:%M"), pl.col("value").cast(pl.String)
    )
    text = text.with_columns(pl.col("carrier").replace({"electricity": "电力"}))
    text.write_csv(tmp_path / "b.csv")
    (tmp_path / "c.csv").write_bytes(text.write_csv().encode("gbk"))
    alone = _footprint(parquet)
    assert isinstance(alone.reject_plan, Batched)
    mixed = _footprint([parquet, tmp_path / "b.csv", tmp_path / "c.csv"])
    assert not isinstance(mixed.reject_plan, Batched)
    mine = mixed.rejects.filter(pl.col("file") == alone.rejects["file"][0])
    # the CSV copies of every row make each Parquet reading a duplicate too: compare rows
    # rejected by a row, key or firm check, which do not depend on the other files
    others = ["duplicate_reading", "conflicting_duplicate"]
    keep = ~pl.col("reject_reason").is_in(others)
    assert_frame_equal(alone.rejects.filter(keep), mine.filter(keep))
    assert alone.rejects.filter(keep).height > 0.05 * len(rows)
