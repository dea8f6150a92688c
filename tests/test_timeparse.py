"""Text timestamps: every accepted spelling read to the same instant, and a large text export
accounted exactly as the same data in typed Parquet.

Electricity at 0.1229 kgce/kWh (GB/T 2589 当量值) and a numeric grid factor of 0.5 tCO2/MWh.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonacct
from carbonacct._timeparse import local_time
from carbonacct.io._tables import PARSE_ONCE_ROWS, Part
from carbonacct.readings import normalise

TZ = "Asia/Shanghai"
# The tz database's Beijing time, not a fixed +08:00: China kept summer time from 1986 to
# 1991 (1991-05-01 00:00 UTC was 09:00 on Beijing's clocks), and the library converts to it.
SHANGHAI = zoneinfo.ZoneInfo(TZ)


# -- every spelling, against a reading by hand -----------------------------------------------

#: (spelling, whether it keeps the seconds), for a naive local time ``t``
_NAIVE = {
    "iso": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S"), True),
    "iso_t": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"), True),
    "iso_minutes": (lambda t: t.strftime("%Y-%m-%d %H:%M"), False),
    "slashes": (lambda t: f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}", False),
    "chinese": (lambda t: f"{t.year}年{t.month}月{t.day}日 {t:%H:%M:%S}", True),
    "compact": (lambda t: t.strftime("%Y%m%d %H%M"), False),
    "compact_seconds": (lambda t: t.strftime("%Y%m%d %H:%M:%S"), True),
    "fraction": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S.250"), True),
}

_instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2150, 12, 31))
_offsets = st.sampled_from([0, 8, -5, 9])


def _case(t: dt.datetime, how: str, offset: int) -> tuple[str, dt.datetime]:
    """(the text, the local Beijing wall-clock time it stands for), written by hand."""
    if how == "date":
        return t.strftime("%Y-%m-%d"), dt.datetime(t.year, t.month, t.day)
    if how == "24:00":  # the end label of a day: the next day's 00:00
        day = dt.datetime(t.year, t.month, t.day)
        return f"{day:%Y-%m-%d} 24:00", day + dt.timedelta(days=1)
    if how in ("offset", "zulu"):  # aware text: the instant, then Beijing's wall clock
        t = t.replace(microsecond=0)
        off = 0 if how == "zulu" else offset
        aware = t.replace(tzinfo=dt.timezone(dt.timedelta(hours=off)))
        text = t.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if how == "zulu" else f"{off:+03d}:00")
        return text, aware.astimezone(SHANGHAI).replace(tzinfo=None)
    spell, seconds = _NAIVE[how]
    t = t.replace(microsecond=250_000 if how == "fraction" else 0)
    if not seconds:
        t = t.replace(second=0)
    return spell(t), t


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            _instants, st.sampled_from([*_NAIVE, "date", "24:00", "offset", "zulu"]), _offsets
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_spelling_reads_as_written_in_one_pass_and_in_stages(
    cases: list[tuple[dt.datetime, str, int]],
) -> None:
    texts, expected = zip(*(_case(*c) for c in cases), strict=True)
    frame = pl.DataFrame({"timestamp": list(texts)})
    one_expression = frame.select(local_time(pl.col("timestamp"), pl.String(), TZ))
    assert one_expression["timestamp"].to_list() == list(expected)
    # as the reader does it: folded once, then parsed from the folded column
    part = Part(frame.with_columns(value=pl.lit("1")).lazy(), "t.csv", "csv", frame.height)
    staged = normalise(part, 0, TZ).collect()
    assert staged["_ts"].to_list() == [e if 1900 <= e.year <= 2199 else None for e in expected]


def test_text_that_no_format_reads_stays_unparsed() -> None:
    frame = pl.DataFrame({"timestamp": ["soon", "2024-13-01 00:00", "2024-01-01 25:00", "", None]})
    got = frame.select(local_time(pl.col("timestamp"), pl.String(), TZ))["timestamp"]
    assert got.null_count() == frame.height


# -- a large GBK export and the same data in typed Parquet --------------------------------------

_METERS = 5
_STEPS = 2400  # 15-minute readings from 2024-01-31 00:00: 96 in January, 2304 in February


def _readings() -> pl.DataFrame:
    """1 kWh a reading; planted in February: a negative value, an unknown unit, a copy of a
    reading (same value) and a conflicting copy (another value)."""
    start = dt.datetime(2024, 1, 31)
    ts = [start + dt.timedelta(minutes=15 * i) for i in range(_STEPS)]
    frame = pl.DataFrame(
        {
            "firm_id": ["F1"] * (_METERS * _STEPS),
            "meter_id": [f"M{m}" for m in range(_METERS) for _ in range(_STEPS)],
            "carrier": ["电力"] * (_METERS * _STEPS),
            "timestamp": ts * _METERS,
            "value": [1.0] * (_METERS * _STEPS),
            "unit": ["kWh"] * (_METERS * _STEPS),
        }
    )
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 500).then(-1.0).otherwise("value").alias("value"),
        pl.when(pl.int_range(pl.len()) == 600)
        .then(pl.lit("千瓦时?"))
        .otherwise("unit")
        .alias("unit"),
    )
    copy = frame[700].with_columns(pl.lit(1.0).alias("value"))  # duplicate_reading
    conflict = frame[800].with_columns(pl.lit(7.0).alias("value"))  # conflicting_duplicate
    return pl.concat([frame, copy, conflict])


def test_a_large_gbk_csv_is_accounted_as_the_same_typed_parquet(tmp_path: Path) -> None:
    data = _readings()
    assert data.height >= PARSE_ONCE_ROWS  # the text is parsed once into a scratch copy
    typed = tmp_path / "readings.parquet"
    data.write_parquet(typed)
    text = data.with_columns(pl.col("timestamp").dt.strftime("%Y/%-m/%-d %-H:%M"))
    csv = tmp_path / "readings.csv"
    header = "企业代码,表计编号,能源品种,采集时间,数量,计量单位"
    body = text.write_csv(include_header=False)
    csv.write_bytes((header + "\n" + body).encode("gbk"))

    firms = pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]})
    method = carbonacct.Method(period="month", grid_factor=0.5)
    run = carbonacct.RunOptions(checksum=False)
    a = carbonacct.footprint(typed, firms=firms, method=method, run=run)
    b = carbonacct.footprint(csv, firms=firms, method=method, run=run)

    # 12 002 rows in; rejected: the negative, the unknown unit, the copy, and both of the
    # conflicting pair. January: 5 meters × 96 readings = 480 kWh; February: 5 × 2 304 = 11 520
    # readings less the 3 rejected originals (negative, unknown unit, conflicting) = 11 517 kWh
    for r in (a, b):
        assert (r.quality.rows_in, r.quality.rows_rejected) == (12_002, 5)
        energy = dict(zip(r.table["period"], r.table["energy_tce"], strict=True))
        assert energy == pytest.approx({"2024-01": 0.480 * 0.1229, "2024-02": 11.517 * 0.1229})
    expected = {"negative_value": 1, "unknown_unit": 1, "duplicate_reading": 1}
    assert a.quality.rejected_by_reason == {**expected, "conflicting_duplicate": 2}
    assert b.quality.rejected_by_reason == a.quality.rejected_by_reason
    cols = ["firm_id", "period", "rows", "rows_rejected"]
    assert b.table.select(cols).equals(a.table.select(cols))
    for c in ("energy_tce", "co2_t", "electricity_in_MWh"):
        assert b.table[c].to_list() == pytest.approx(a.table[c].to_list(), rel=1e-12)
    # the same rows rejected for the same reasons; the CSV's row is its line (header = line 1)
    keep = ["row", "column", "reject_reason"]
    ra = a.rejects.select(keep).with_columns(pl.col("row") + 1).sort("row", "reject_reason")
    rb = b.rejects.select(keep).sort("row", "reject_reason")
    assert rb.equals(ra)
    assert set(b.rejects["file"]) == {str(csv)}


def test_an_unreadable_timestamp_in_a_large_export_is_a_reject_with_its_line(
    tmp_path: Path,
) -> None:
    data = _readings().head(PARSE_ONCE_ROWS + 10)
    text = data.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M"))
    text = text.with_columns(
        pl.when(pl.int_range(pl.len()) == 9000)
        .then(pl.lit("2024-02-3O 10:00"))
        .otherwise("timestamp")
        .alias("timestamp")
    )
    csv = tmp_path / "r.csv"
    text.write_csv(csv)
    r = carbonacct.footprint(
        csv,
        firms=pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]}),
        method=carbonacct.Method(period="month", grid_factor=0.5),
        run=carbonacct.RunOptions(checksum=False),
    )
    bad = r.rejects.filter(pl.col("reject_reason") == "bad_timestamp")
    # data row 9 001 (0-based 9 000) is line 9 002 of the file: the header is line 1
    assert bad.select("file", "row", "column", "value").rows() == [
        (str(csv), 9002, "timestamp", "2024-02-3O 10:00")
    ]
