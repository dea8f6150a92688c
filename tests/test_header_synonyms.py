"""Header synonyms of Chinese plant exports: each maps to its column, and two headers of one
table that mean the same column are refused, naming both (which one holds the data cannot be
guessed). The trial's case: a meter under 计量点 in a GB18030 CSV, and a copy of one of its
readings in a typed Parquet file under meter_id, is found as a duplicate, not counted twice."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import carbonacct
from carbonacct.errors import InputError
from carbonacct.io import rename_columns
from carbonacct.vocabulary import COLUMN_FALLBACK, COLUMN_MAP

#: GB/T 2589 equivalent-value coefficient of electricity, tce per kWh
KWH_TCE = 0.1229e-3
FIRMS = pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]})

#: Headers of plant and metering-system exports, by the column each means.
PLANT_HEADERS = {
    "meter_id": ["计量点", "计量点编号", "仪表编号", "测点", "测点编号", "电表编号", "计量表编号"],
    "timestamp": ["抄表时间", "采集时间", "数据时间", "时间戳", "记录时间"],
    "value": ["读数", "示数", "用量", "电量", "数值"],
    "unit": ["单位", "计量单位"],
    "firm_id": ["企业代码", "企业编码", "统一社会信用代码", "社会信用代码"],
}


@pytest.mark.parametrize(
    ("header", "name"), [(h, n) for n, hs in PLANT_HEADERS.items() for h in hs]
)
def test_a_plant_header_is_mapped_to_its_column(header: str, name: str) -> None:
    assert rename_columns([f" {header} "]) == {f" {header} ": name}


#: every pair of headers that mean one column (a second meaning aside)
SAME = sorted(
    (a, b)
    for a, b in itertools.combinations(sorted(COLUMN_MAP), 2)
    if COLUMN_MAP[a] == COLUMN_MAP[b] and a not in COLUMN_FALLBACK and b not in COLUMN_FALLBACK
)


@given(st.sampled_from(SAME), st.booleans())
def test_two_headers_of_one_meaning_are_refused_naming_both(
    pair: tuple[str, str], flip: bool
) -> None:
    a, b = reversed(pair) if flip else pair
    with pytest.raises(InputError) as e:
        rename_columns(["firm_x", a, "其他", b], "r.csv")
    message = str(e.value)
    assert repr(a) in message and repr(b) in message and COLUMN_MAP[a] in message


def _mix(folder: Path, meter_header: str) -> None:
    """January of meter E1 in a GB18030 CSV (2 kWh a quarter hour, labelled by the interval
    end), February in typed Parquet in MWh, with a copy of the 01-20 12:00 reading."""
    folder.mkdir()
    quarter = timedelta(minutes=15)
    jan = [datetime(2024, 1, 1) + quarter * i for i in range(1, 2976 + 1)]  # 31 days × 96
    feb = [datetime(2024, 2, 1) + quarter * i for i in range(1, 2784 + 1)]  # 29 days × 96
    lines = [f"企业代码,{meter_header},能源品种,时间,数量,计量单位"]
    lines += [f"F1,E1,电力,{t:%Y-%m-%d %H:%M},2.0,kWh" for t in jan]
    (folder / "jan.csv").write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    times = [*feb, datetime(2024, 1, 20, 12)]
    pl.DataFrame(
        {
            "firm_id": ["F1"] * len(times),
            "meter_id": "E1",
            "carrier": "电力",
            "timestamp": pl.Series(times, dtype=pl.Datetime("us")),
            "value": 0.002,
            "unit": "MWh",
        }
    ).write_parquet(folder / "feb.parquet")


@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
@pytest.mark.parametrize("header", ["计量点", "测点编号", "表计编号"])
def test_a_copy_across_files_under_a_plant_meter_header_is_a_duplicate(
    tmp_path: Path, engine: str, header: str
) -> None:
    _mix(tmp_path / "mix", header)
    run = carbonacct.RunOptions(engine=engine, checksum=False)  # type: ignore[arg-type]
    fp = carbonacct.footprint(
        str(tmp_path / "mix"), firms=FIRMS, method=carbonacct.Method(period="month"), run=run
    )
    assert fp.quality.rows_in == 2976 + 2784 + 1
    assert fp.quality.rows_rejected == 1  # the MWh copy of the January reading
    assert fp.quality.rejected_by_reason == {"duplicate_reading": 1}
    energy = dict(zip(fp.table["period"], fp.table["energy_tce"], strict=True))
    # January 2976 × 2 kWh = 5 952 kWh (not 5 954); February 2784 × 2 kWh = 5 568 kWh
    assert energy["2024-01"] == pytest.approx(5952 * KWH_TCE, rel=1e-12)
    assert energy["2024-02"] == pytest.approx(5568 * KWH_TCE, rel=1e-12)
    assert not [w for w in fp.quality.warnings if "not used" in w]
