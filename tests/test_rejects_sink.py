"""Rejected rows written batch by batch: the same files as the whole table written at once."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct import _kernel
from carbonacct.cli import main
from carbonacct.io import _rejects, read_result, write_result
from carbonacct.quality import Batched
from tests.test_kernel import clean_rows, dirty, write


@pytest.fixture(scope="module")
def dirty_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = dirty(clean_rows(3, 2, 400, seed=21), seed=22, append=True)
    return write(rows, tmp_path_factory.mktemp("rj") / "r.parquet", row_group=300)


def _footprint(path: Path) -> carbonacct.Footprint:
    return carbonacct.footprint(
        str(path), method=carbonacct.Method(period="month", grid_factor="national")
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".json"])
def test_streamed_rejects_equal_the_table_written_whole(
    dirty_parquet: Path, tmp_path: Path, suffix: str
) -> None:
    result = _footprint(dirty_parquet)
    streamed = result.write_rejects(tmp_path / f"s{suffix}")
    whole = write_result({"rejects": result.rejects}, tmp_path / f"w{suffix}", result.provenance)
    assert [p.name[1:] for p in streamed] == [p.name[1:] for p in whole]
    assert result.rejects.height == result.quality.rows_rejected > 100
    for a, b in zip(streamed, whole, strict=True):
        if a.suffix == ".parquet":
            assert_frame_equal(pl.read_parquet(a), pl.read_parquet(b))
            assert pq.read_schema(a).metadata == pq.read_schema(b).metadata
        else:
            assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("fast", [True, False], ids=["named-by-row-group", "whole-input"])
def test_rejects_are_read_in_batches(
    dirty_parquet: Path, tmp_path: Path, monkeypatch, fast
) -> None:  # type: ignore[no-untyped-def]
    """The writer never holds the whole table: it takes the batches one by one (on the fast
    path, the rejects of one row group of 300 rows at a time)."""
    seen: list[int] = []
    real, sink = pl.LazyFrame.collect_batches, _rejects._batches

    def batches(plan):  # type: ignore[no-untyped-def]
        for b in sink(plan):
            seen.append(b.height)
            yield b

    monkeypatch.setattr(_rejects, "_batches", batches)
    monkeypatch.setattr(
        pl.LazyFrame, "collect_batches", lambda self, *a, **k: real(self, *a, chunk_size=50, **k)
    )
    if not fast:
        monkeypatch.setattr(_kernel, "try_fast", lambda *a, **k: None)
    result = _footprint(dirty_parquet)
    assert isinstance(result.reject_plan, Batched) == fast
    result.write_rejects(tmp_path / "r.parquet")
    assert len(seen) > 1 and max(seen) <= (300 if fast else 50)
    assert sum(seen) == result.quality.rows_rejected
    assert pl.read_parquet(tmp_path / "r.parquet").height == result.quality.rows_rejected


def test_cli_rejects_csv_is_inert_text_with_bom_and_sidecar(
    dirty_parquet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rejects.csv"
    main(["footprint", str(dirty_parquet), "--grid-factor", "national", "--rejects", str(out)])
    text = out.read_bytes()
    # as Footprint.write_rejects writes it: the BOM Excel needs, the provenance beside it
    assert text.startswith(b"\xef\xbb\xbf") and (tmp_path / "rejects.csv.json").exists()
    table = pl.read_csv(out, infer_schema=False)
    assert table.height == _footprint(dirty_parquet).quality.rows_rejected


def test_no_rejects_still_written_with_their_columns(tmp_path: Path) -> None:
    path = write(clean_rows(1, 1, 20, seed=23), tmp_path / "c.parquet", row_group=10)
    result = _footprint(path)
    assert result.quality.rows_rejected == 0
    result.write_rejects(tmp_path / "none.parquet")
    back = pl.read_parquet(tmp_path / "none.parquet")
    assert back.height == 0 and back.columns == result.rejects.columns
    meta = pq.read_schema(tmp_path / "none.parquet").metadata
    assert json.loads(meta[b"carbonacct.provenance"])["method"] == result.provenance["method"]
    assert read_result is not None
