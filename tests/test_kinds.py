"""Reading-kind words: the register words Chinese plants write (表码, 示数, 止码 …) are read as
registers, and a kind column under an unmapped header (类型) is found even when some of its
words are not kind words, so a register is never summed as intervals without a word (an
error under ``strict``). GBK CSV and typed Parquet with Chinese headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import carbonacct
from carbonacct._kinds import KIND, kind_share
from carbonacct.errors import InputError
from carbonacct.readings import REJECT_REASONS
from carbonacct.reports._reasons import REJECT_REASONS_ZH
from carbonacct.vocabulary import carrier_names
from tests.test_unused_columns import FIRMS, KWH_TCE, WRITERS


def _rows(words: tuple[str, str, str], intervals: int = 4) -> list[tuple[Any, ...]]:
    """R1: a daily register 10 000, 10 100, 10 400 kWh (kinds ``words``); M1: ``intervals``
    15-minute readings of 0.5 kWh written 间隔."""
    reg = [
        ("R1", f"2024-01-0{d + 1} 00:00", words[d], "电力", v, "kWh", "F1")
        for d, v in enumerate((10_000.0, 10_100.0, 10_400.0))
    ]
    steps = [f"2024-01-01 {q // 4:02d}:{q % 4 * 15:02d}" for q in range(intervals)]
    return reg + [("M1", t, "间隔", "电力", 0.5, "kWh", "F1") for t in steps]


def _footprint(path: str, strict: bool = False) -> carbonacct.Footprint:
    run = carbonacct.RunOptions(strict=strict, checksum=False)
    return carbonacct.footprint(
        path, firms=FIRMS, method=carbonacct.Method(period="month"), run=run
    )


@pytest.mark.parametrize("word", ["表码", "示数", "止码", "起码", "底码", "累积"])
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_plant_register_words_are_registers(tmp_path: Path, fmt: str, word: str) -> None:
    write, name = WRITERS[fmt]
    fp = _footprint(write(tmp_path / name, "读数类型", _rows(("累计", word, word))))
    # register differences (10 100 − 10 000) + (10 400 − 10 100) = 400, plus 4 × 0.5 = 2 kWh
    assert fp.quality.rows_rejected == 0
    assert fp.table["energy_tce"].sum() == pytest.approx(402 * KWH_TCE)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_one_unlisted_word_does_not_hide_a_kind_column(tmp_path: Path, fmt: str) -> None:
    """类型 holding 累计, 间隔 and one word not on the list (估算, "estimated"): still the kind."""
    write, name = WRITERS[fmt]
    path = write(tmp_path / name, "类型", _rows(("累计", "估算", "累计")))
    with pytest.raises(InputError) as e:
        _footprint(path, strict=True)
    assert e.value.file == path and e.value.column == "类型"
    assert "估算 is not among them" in str(e.value) and "表码" in str(e.value)
    fp = _footprint(path)  # without strict: summed as intervals (10 000+10 100+10 400+2), said
    assert fp.table["energy_tce"].sum() == pytest.approx(30_502 * KWH_TCE)
    said = [w for w in fp.quality.warnings if "looks like the reading kind" in w]
    assert len(said) == 1 and said[0].startswith(f"{path}: column 类型 looks like")


def test_the_testers_file_with_a_plant_word_under_another_header(tmp_path: Path) -> None:
    """The outside tester's case: 类型 of 累计 / 间隔 / 表码, typed Parquet, --strict."""
    path = WRITERS["parquet"][0](tmp_path / "k.parquet", "类型", _rows(("累计", "表码", "表码")))
    with pytest.raises(InputError) as e:
        _footprint(path, strict=True)
    assert e.value.column == "类型" and "is not among them" not in str(e.value)


def test_a_rejected_kind_word_lists_the_accepted_ones(tmp_path: Path) -> None:
    path = WRITERS["gbk_csv"][0](tmp_path / "r.csv", "读数类型", _rows(("累计", "估算", "累计")))
    fp = _footprint(path)
    assert fp.rejects.select("row", "reject_reason", "value").rows() == [(3, "bad_kind", "估算")]
    for text in (REJECT_REASONS["bad_kind"], REJECT_REASONS_ZH["bad_kind"]):
        assert "间隔" in text and "累计" in text and "表底" in text and "表码" in text
    # R1 without its 估算 row: 10 400 − 10 000 = 400, plus 2 kWh of intervals
    assert fp.table["energy_tce"].sum() == pytest.approx(402 * KWH_TCE)


def test_kind_share_of_a_sample() -> None:
    carriers = set(carrier_names())
    s = pl.Series(["累计", "间隔", "表码x", None, " ", "间隔"])
    assert kind_share(s, carriers) == (pytest.approx(3 / 4), ["表码x"])
    # a carrier word among them: an energy-type column, not the kind
    assert kind_share(pl.Series(["累计", "电力", "累计"]), carriers)[0] == 0.0
    assert kind_share(pl.Series([None, ""]), carriers) == (0.0, [])


def test_no_kind_word_is_a_carrier_name() -> None:
    from carbonacct.vocabulary import _fold

    assert not {_fold(w) for w in KIND} & set(carrier_names())
