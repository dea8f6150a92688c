"""A CSV that breaks while it is read is named with its line: a row with more fields than the
header (an unquoted 1,234.5), or a quote never closed, in a GBK file of many thousand rows, as a
bad byte is. A row with fewer fields is read with the missing values empty (rejected or read by
the usual rules, at its line). Also one file of a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import carbonacct
from carbonacct._read_errors import csv_break
from carbonacct.errors import InputError
from tests.conftest import run_cli
from tests.test_unused_columns import FIRMS

HEADER = "企业代码,能源品种,数量,计量单位,统计期\n"
ROWS = 30_000


def _gbk(path: Path, bad_line: int, bad: str) -> str:
    """A GBK CSV of ``ROWS`` rows (F1, 电力, 1 kWh, 2024-01) whose line ``bad_line`` is ``bad``."""
    lines = [HEADER] + ["F1,电力,1,kWh,2024-01\n"] * ROWS
    lines[bad_line - 1] = bad
    path.write_bytes("".join(lines).encode("gbk"))
    return str(path)


@pytest.mark.parametrize(
    ("bad", "what"),
    [
        ("F1,电力,1,234.5,kWh,2024-01\n", "more fields than the header"),
        ('F1,"电力,1,kWh,2024-01\n', "not closed"),
    ],
)
def test_a_broken_row_is_named_by_file_and_line(tmp_path: Path, bad: str, what: str) -> None:
    path = _gbk(tmp_path / "g.csv", 15_001, bad)
    with pytest.raises(InputError) as e:
        carbonacct.footprint(path, firms=FIRMS)
    assert e.value.file == path and e.value.row == 15_001
    assert str(e.value).startswith(f"{path}, line 15001: a row ") and what in str(e.value)


def test_the_cli_names_the_line_of_one_file_in_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d").mkdir()
    _gbk(tmp_path / "d" / "a.csv", 2, "F1,电力,1,kWh,2024-01\n")
    bad = _gbk(tmp_path / "d" / "b.csv", 7, "F1,电力,1,234.5,kWh,2024-01\n")
    FIRMS.write_csv(tmp_path / "f.csv")
    code, out, err = run_cli(
        capsys, "footprint", str(tmp_path / "d"), "--firms", str(tmp_path / "f.csv")
    )
    assert code == 1 and "Traceback" not in out + err
    assert f"{bad}, line 7: a row has more fields than the header" in err


def test_a_row_with_fewer_fields_is_rejected_at_its_line(tmp_path: Path) -> None:
    text = HEADER + "F1,电力,1,kWh,2024-01\nF1,电力,2,kWh\nF1,电力,4,kWh,2024-03\n"
    (tmp_path / "g.csv").write_bytes(text.encode("gbk"))
    fp = carbonacct.footprint(str(tmp_path / "g.csv"), firms=FIRMS)
    assert fp.rejects.select("row", "reject_reason").rows() == [(3, "missing_time")]
    # 1 + 4 kWh in 2024 [tce]: 5 × 0.1229e-3
    assert fp.table["energy_tce"].sum() == pytest.approx(5 * 0.1229e-3)


def test_csv_break_counts_lines_of_quoted_line_breaks(tmp_path: Path) -> None:
    """A quoted value over two lines is one record: the line named is the one that breaks."""
    text = 'a,b\n"x\ny",1\n2,3\n4,5,6\n'
    (tmp_path / "q.csv").write_bytes(text.encode("gbk"))
    assert csv_break(tmp_path / "q.csv") == (5, csv_break(tmp_path / "q.csv")[1])  # type: ignore[index]
    (tmp_path / "ok.csv").write_bytes("a,b\n1,2\n3\n".encode("gbk"))
    assert csv_break(tmp_path / "ok.csv") is None
