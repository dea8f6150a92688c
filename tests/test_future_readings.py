"""A reading dated after today is named on every path, whatever the shape of its meter: a meter
with that one reading, a reading appended out of order after the meter's past ones, one in a
second file whose other rows are all in the past, a row without a meter id. On a GBK CSV and
typed Parquet, the fast path, the streaming and in-memory engines, and Dask."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import carbonacct
from tests.test_unused_columns import FIRMS, WRITERS, _run

#: GB/T 2589 equivalent-value coefficient of electricity, tce per kWh
KWH_TCE = 0.1229e-3
PAST = [
    ("M1", f"2024-01-01 {h:02d}:{m:02d}", "interval", "电力", 10.0, "kWh", "F1")
    for h in range(2)
    for m in (0, 15, 30, 45)
]
#: each shape: the rows of each file, and the rows dated after today (2099) in each file
SHAPES: dict[str, list[list[tuple[Any, ...]]]] = {
    # the trial's case: F2's meter M9 has this one reading, among other meters' readings
    "one_reading": [[*PAST, ("M9", "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1")]],
    # appended after the meter's past readings, then more of them: a straggler
    "out_of_order": [
        [*PAST[:4], ("M1", "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1"), *PAST[4:]]
    ],
    # the meter's readings in one file, its future one in a second with other meters' past ones
    "second_file": [
        PAST,
        [
            ("M2", "2024-01-01 00:00", "interval", "电力", 5.0, "kWh", "F1"),
            ("M2", "2024-01-01 00:15", "interval", "电力", 5.0, "kWh", "F1"),
            ("M1", "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1"),
        ],
    ],
    # an exact copy of the one reading in a second file: one copy is kept, and named
    "copied": [
        [*PAST, ("M9", "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1")],
        [("M9", "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1")],
    ],
    # a row of no meter (the firm's carrier as its series)
    "no_meter_id": [[*PAST, (None, "2099-01-15 00:00", "interval", "电力", 123.0, "kWh", "F1")]],
}


def _write(tmp_path: Path, fmt: str, shape: str) -> list[str]:
    write, name = WRITERS[fmt]
    return [
        write(
            tmp_path / f"{i}{name}",
            "kind",
            [tuple("" if v is None else v for v in r) for r in rows],
        )
        if fmt == "gbk_csv"
        else write(tmp_path / f"{i}{name}", "kind", rows)
        for i, rows in enumerate(SHAPES[shape])
    ]


def _said(fp: Any, paths: list[str]) -> None:
    """The one line naming the file of the reading (1 row, 2099-01-15), and the row counted
    once: the last file's, or of an exact copy, either file's (the one kept)."""
    said = [w for w in fp.quality.warnings if "after today" in w]
    assert said in (
        [
            f"readings dated after today ({date.today():%Y-%m-%d}) were accounted: {path} "
            "(1 row, latest 2099-01-15 00:00); check the year of their timestamps"
        ]
        for path in paths
    )
    future = fp.table.filter(fp.table["period"] == "2099-01")
    assert future["energy_tce"].sum() == pytest.approx(123 * KWH_TCE)


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize(
    ("fmt", "engine"), [(f, e) for f in sorted(WRITERS) for e in ("streaming", "in-memory")]
)
def test_a_reading_after_today_is_named(
    tmp_path: Path, fmt: str, engine: str, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _write(tmp_path, fmt, shape)
    fp, fast = _run(paths, engine, monkeypatch)  # type: ignore[arg-type]
    if fmt == "parquet" and engine == "streaming":
        assert fast == [True]  # typed Parquet: the kernel's fast path
    assert fp.quality.rows_rejected == (shape == "copied")  # the copy: duplicate_reading
    _said(fp, paths[-1:] if shape != "copied" else paths)


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from carbonacct.cli.footprint import _dask_client

    with _dask_client("local:1") as c:  # the CLI's --scheduler local:1
        yield c


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_on_dask_too(tmp_path: Path, shape: str, client: Any) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    paths = _write(folder, "parquet", shape)
    run = carbonacct.RunOptions(engine="dask", client=client, checksum=False)
    fp = carbonacct.footprint(
        str(folder),
        firms=FIRMS,
        method=carbonacct.Method(period="month"),
        run=run,
    )
    _said(fp, paths[-1:] if shape != "copied" else paths)
