"""The Parquet kernel's inputs (carbonacct._kernel_inputs): typed Parquet under Chinese
headers, and large CSV (GBK) parsed once into a copy the kernel reads. Each against the same
data as typed Parquet with the library's headers, and against the polars path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct import _kernel, _named_rejects
from carbonacct._timeparse import likely_format, parsed_text, text_stage
from carbonacct.io import _tables, read_readings
from carbonacct.io._tables import PARSE_ONCE_ROWS
from carbonacct.readings import ReadingOptions
from tests.conftest import spy_kernel
from tests.test_kernel import assert_same_footprint, clean_rows, dirty, footprints, write

#: The headers of a Chinese export, mapped to the library's by the reader.
ZH = {
    "firm_id": "企业代码",
    "meter_id": "表计编号",
    "carrier": "能源品种",
    "timestamp": "采集时间",
    "value": "读数",
    "unit": "单位",
}
#: GB/T 2589 equivalent-value coefficient of electricity, tce per kWh
KWH_TCE = 0.1229e-3


def _footprint(path: Path, **kw: Any) -> carbonacct.Footprint:
    method = carbonacct.Method(**({"grid_factor": "national", "period": "month"} | kw))
    return carbonacct.footprint(str(path), method=method, run=carbonacct.RunOptions(checksum=False))


def _same_but_file(a: carbonacct.Footprint, b: carbonacct.Footprint) -> None:
    """The same figures, quality and rejects (rows, columns, reasons, text), files aside."""
    assert_frame_equal(a.table, b.table, rel_tol=1e-9)
    assert (a.quality.rows_in, a.quality.rows_rejected) == (
        b.quality.rows_in,
        b.quality.rows_rejected,
    )
    assert a.quality.rejected_by_reason == b.quality.rejected_by_reason
    assert_frame_equal(a.completeness, b.completeness)
    assert_frame_equal(a.rejects.drop("file"), b.rejects.drop("file"))


def _zh_parquet(rows: list[dict], path: Path, row_group: int) -> Path:
    table = pq.read_table(write(rows, path.with_suffix(".en.parquet"), row_group))
    pq.write_table(table.rename_columns([ZH[c] for c in table.column_names]), path, row_group)
    return path


@pytest.mark.parametrize("check", [True, False], ids=["dup-check", "no-dup-check"])
def test_chinese_headers_take_the_kernel_with_the_english_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: bool
) -> None:
    rows = dirty(clean_rows(3, 3, 300, seed=21), seed=22, append=True)
    en = write(rows, tmp_path / "en.parquet", row_group=500)
    zh = _zh_parquet(rows, tmp_path / "zh.parquet", row_group=500)
    taken = spy_kernel(monkeypatch)
    named: list[bool] = []  # the rejects picked per row group, not by a join of the whole input
    real = _named_rejects.named_rejects
    monkeypatch.setattr(
        _named_rejects, "named_rejects", lambda *a: named.append(bool(out := real(*a))) or out
    )
    a, b = _footprint(en, check_duplicates=check), _footprint(zh, check_duplicates=check)
    assert taken == [True, True] and named == [True, True]
    _same_but_file(a, b)
    assert a.quality.rows_rejected > 0 and set(b.rejects["file"]) == {str(zh)}
    fast, slow = footprints(zh, monkeypatch, check_duplicates=check)  # against the polars path
    assert_same_footprint(fast, slow)


def _registers(path: Path, kind: str, header: str = "读数类型") -> Path:
    """Meter R1's register (cumulative) readings at 00:00 on the 1st, under Chinese headers."""
    times = [dt.datetime(2024, m, 1) for m in (1, 2, 3)]
    frame = pl.DataFrame(
        {
            "表计编号": ["R1"] * 3,
            "采集时间": times,
            header: [kind] * 3,
            "能源品种": ["电力"] * 3,
            "读数": [10_000.0, 12_000.0, 15_000.0],
            "单位": ["kWh"] * 3,
            "企业代码": ["F1"] * 3,
        }
    )
    frame.write_parquet(path)
    return path


def test_a_mapped_kind_column_of_registers_is_not_summed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _registers(tmp_path / "r.parquet", "累计")
    parts, source = read_readings(str(path), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions(period="month")) is None
    # 10 000 is the baseline: 12 000 - 10 000 + 15 000 - 12 000 = 5 000 kWh, not 37 000
    assert _footprint(path).table["energy_tce"].sum() == pytest.approx(5_000 * KWH_TCE)
    # the same readings said to be intervals are summed, on the kernel
    taken = spy_kernel(monkeypatch)
    intervals = _footprint(_registers(tmp_path / "i.parquet", "间隔"))
    assert taken == [True]
    assert intervals.table["energy_tce"].sum() == pytest.approx(37_000 * KWH_TCE)


def test_a_hive_folder_of_kinds_is_left_to_the_polars_path(tmp_path: Path) -> None:
    """kind=register/ as a folder: a column the kernel would not see in the files."""
    frame = pl.read_parquet(_registers(tmp_path / "r.parquet", "累计")).drop("读数类型")
    frame.with_columns(pl.lit("register").alias("kind")).write_parquet(
        tmp_path / "set", partition_by=["kind"]
    )
    parts, source = read_readings(str(tmp_path / "set"), checksum=False)
    assert _kernel.try_fast(parts, source, ReadingOptions(period="month")) is None
    assert _footprint(tmp_path / "set").table["energy_tce"].sum() == pytest.approx(5_000 * KWH_TCE)


# -- text ------------------------------------------------------------------------------------


def _gbk_csv(rows: list[dict], path: Path) -> Path:
    """The rows as a GBK CSV under Chinese headers, times written as an exporter does."""
    frame = pl.DataFrame(
        rows, schema=pl.read_parquet(write(rows, path.with_suffix(".pq"), 10**6)).schema
    )
    text = frame.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S"))
    text = text.rename(ZH)
    path.write_bytes(text.write_csv().encode("gbk"))
    return path


def test_a_large_gbk_csv_takes_the_kernel_with_the_parquet_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = dirty(clean_rows(4, 3, 1_000, seed=31), seed=32, append=True)
    assert len(rows) >= PARSE_ONCE_ROWS  # parsed once into a copy
    typed = write(rows, tmp_path / "r.parquet", row_group=4_000)
    csv = _gbk_csv(rows, tmp_path / "r.csv")
    taken = spy_kernel(monkeypatch)
    before = set(_tables._TRANSCODED)
    a, b = _footprint(typed), _footprint(csv)
    assert taken == [True, True]
    # the GBK file's UTF-8 copy is gone once parsed; the parsed copy stays (the rejects read it)
    made = [d for d in _tables._TRANSCODED if d not in before]
    assert [p.suffix for d in made for p in d.iterdir()] == [".parquet"]
    assert_frame_equal(a.table, b.table, rel_tol=1e-9)
    assert a.quality.rejected_by_reason == b.quality.rejected_by_reason
    assert_frame_equal(a.completeness, b.completeness)
    # the same rows rejected; the CSV's row is its line (the header is line 1)
    keep = ["row", "column", "reject_reason"]
    ra = a.rejects.select(keep).with_columns(pl.col("row") + 1)
    assert_frame_equal(ra.sort(keep), b.rejects.select(keep).sort(keep))
    assert set(b.rejects["file"]) == {str(csv)}
    fast, slow = footprints(csv, monkeypatch)
    assert_same_footprint(fast, slow)


@pytest.mark.parametrize("late", ["23:00", "24:00"])
def test_unreadable_text_is_rejected_with_its_text_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str
) -> None:
    """Text values and times that do not read are rejected with their text and CSV line; a
    time written 24:00 decides the interval labels, which the polars path does (the kernel
    steps aside), with the same result."""
    rows = clean_rows(2, 3, 2_000, seed=41)
    lines = ["企业代码,表计编号,能源品种,采集时间,读数,单位"]
    for r in rows:
        lines.append(
            f"{r['firm_id']},{r['meter_id']},{r['carrier']},{r['timestamp']},{r['value']},{r['unit']}"
        )
    planted = {
        100: "F0,F0-M0,electricity,2024-02-3O 10:00,1.0,kWh",  # bad_timestamp
        200: "F0,F0-M0,electricity,,1.0,kWh",  # missing_time
        300: "F0,F0-M0,electricity,2024-02-01 10:00,一点五,kWh",  # not_a_number
        400: "F0,F0-M0,electricity,2024-02-01 10:00,,kWh",  # missing_value
        500: "F0,F0-M0,electricity,1850-01-01 00:00:00,2.0,kWh",  # bad_timestamp (year)
        600: f'F1,F1-M9,electricity,2024/2/1 {late},"1,234.5",kWh',  # February, 1234.5
    }
    for at, line in planted.items():
        lines[at] = line
    csv = tmp_path / "r.csv"
    csv.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    taken = spy_kernel(monkeypatch)
    fp = _footprint(csv)
    assert taken == [late != "24:00"]
    got = fp.rejects.filter(pl.col("row").is_in([101, 201, 301, 401, 501]))
    assert sorted(got.select("row", "reject_reason", "value").rows()) == [
        (101, "bad_timestamp", "2024-02-3O 10:00"),
        (201, "missing_time", None),
        (301, "not_a_number", "一点五"),
        (401, "missing_value", None),
        (501, "bad_timestamp", "1850-01-01 00:00:00"),
    ]
    assert set(got["file"]) == {str(csv)}
    # meter F1-M9's one reading, 1 February 23:00 or 24:00 (2 February 00:00), is February's
    in_feb = sum(1 for r in rows if r["firm_id"] == "F1" and r["timestamp"].month == 2)
    february = fp.table.filter((pl.col("firm_id") == "F1") & (pl.col("period") == "2024-02"))
    assert february["rows"].item() == in_feb + 1
    fast, slow = footprints(csv, monkeypatch)
    assert_same_footprint(fast, slow)


# -- one format guessed for most of the text -------------------------------------------------

SPELLINGS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d %H%M",
    "%Y-%m-%d %H:%M:%S+08:00",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y年%m月%d日 %H:%M",
    " %Y-%m-%d %H:%M:%S ",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(dt.datetime(1890, 1, 1), dt.datetime(2210, 1, 1)),
            st.sampled_from(SPELLINGS),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_guessed_format_reads_as_the_full_chain(values: list[Any]) -> None:
    """Whatever the mix of spellings (offsets, 24:00, 年月日, padding), the text read with the
    guessed format first is what every format in turn reads."""
    text = []
    for t, spelling, midnight in values:
        t = t.replace(microsecond=0)
        s = t.strftime(spelling)
        if midnight and spelling.startswith("%Y-%m-%d %H:%M") and t.hour == 0:
            s = (t - dt.timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
        text.append(s)
    frame = pl.DataFrame({"timestamp": text})
    full = frame.select(parsed_text(*text_stage(pl.col("timestamp")), "Asia/Shanghai"))
    guessed = likely_format(frame["timestamp"])
    from carbonacct.readings import _text_times

    lf = _text_times(frame.lazy(), {"timestamp": pl.String()}, "Asia/Shanghai")
    got = lf.select(pl.col("_tparsed").alias(full.columns[0])).collect()
    assert_frame_equal(got, full)
    assert guessed is None or isinstance(guessed, str)


def test_the_csv_is_parsed_once_and_the_copy_has_the_kernels_columns(tmp_path: Path) -> None:
    rows = clean_rows(1, 2, PARSE_ONCE_ROWS // 2 + 1, seed=51)
    csv = _gbk_csv(rows, tmp_path / "r.csv")
    parts, _ = read_readings(str(csv), checksum=False)
    from carbonacct._kernel_inputs import fits, parsed_parts

    (part,) = parsed_parts(parts, "Asia/Shanghai")
    assert part.parsed and part.label == str(csv) and part.first == 2
    assert fits(part.parsed, _kernel._STRINGS) is not None
    assert pa.types.is_timestamp(pq.read_schema(part.parsed).field("_ts").type)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 24])
def test_the_utf8_copy_is_the_text_whatever_the_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Blocks of ASCII are copied as they are, the rest decoded, characters split across blocks
    included; a byte that is not GB18030 is named with its line, as before."""
    text = "企业代码,能源品种\nF1,电力\n" + "F2,diesel\n" * 5 + "F3,天然气\r\nF4,𠀀\n"
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode("gb18030"))
    monkeypatch.setattr(_tables, "_CHUNK", chunk)
    assert _tables._utf8_copy(path, "gb18030").read_bytes() == text.encode("utf-8")
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes(text.encode("utf-16"))
    assert _tables._utf8_copy(utf16, "utf-16").read_bytes() == text.encode("utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text.encode("gb18030") + b"F5,\x80\xff\n")
    with pytest.raises(carbonacct.InputError, match=r"line 10: bytes .* are not valid gb18030"):
        read_readings(str(bad), checksum=False)


def test_a_folder_of_a_large_gbk_csv_and_typed_parquet_takes_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = dirty(clean_rows(4, 3, 2_000, seed=61), seed=62, append=False)
    folder = tmp_path / "batch"
    folder.mkdir()
    cut = len(rows) // 2
    assert cut >= PARSE_ONCE_ROWS
    _gbk_csv(rows[:cut], folder / "a.csv").with_suffix(".pq").unlink()
    write(rows[cut:], folder / "b.parquet", row_group=3_000)
    taken = spy_kernel(monkeypatch)
    fp = _footprint(folder)
    assert taken == [True]
    assert fp.quality.rows_in == len(rows)
    fast, slow = footprints(folder, monkeypatch)
    assert_same_footprint(fast, slow)
    assert set(fast.rejects["file"]) == {str(folder / "a.csv"), str(folder / "b.parquet")}
