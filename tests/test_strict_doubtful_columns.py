"""``strict`` fails on an unread column that can change the figures, naming file and column: one
that holds the reading kind under another header (类型: registers summed as intervals), or one
whose header names a key (户号, 表号: meters run together, copies across files missed). Without
``strict`` both are warnings, sharper than the plain "not used" one. GBK CSV and typed Parquet."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import cli
from carbonacct.errors import InputError
from tests.conftest import run_cli
from tests.test_unused_columns import FIRMS, KWH_TCE, REGISTERS, WRITERS

#: two meters under a header the reader does not map (表号 is also a statistics form's number)
TWO_METERS = [
    ("A", "2024-01-01 00:00", "interval", "电力", 100.0, "kWh", "F1"),
    ("B", "2024-01-01 00:00", "interval", "电力", 100.0, "kWh", "F1"),
]


def _footprint(path: str, strict: bool) -> carbonacct.Footprint:
    run = carbonacct.RunOptions(strict=strict, checksum=False)
    return carbonacct.footprint(
        path, firms=FIRMS, method=carbonacct.Method(period="month"), run=run
    )


def _with_key_header(path: str, header: str) -> str:
    """The file with its meter_id / 表计编号 column renamed to ``header``."""
    if path.endswith(".parquet"):
        pl.read_parquet(path).rename({"meter_id": header}).write_parquet(path)
    else:
        text = Path(path).read_bytes().decode("gbk").replace("表计编号", header, 1)
        Path(path).write_bytes(text.encode("gbk"))
    return path


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_strict_fails_on_a_column_that_looks_like_the_kind(tmp_path: Path, fmt: str) -> None:
    write, name = WRITERS[fmt]
    path = write(tmp_path / name, "类型")
    with pytest.raises(InputError) as e:
        _footprint(path, strict=True)
    assert e.value.file == path and e.value.column == "类型"
    assert str(e.value).startswith(f"{path}: column 类型 looks like the reading kind")
    assert "strict mode" in str(e.value) and "读数类型" in str(e.value)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("header", ["表号", "户号", "point_id"])
def test_strict_fails_on_an_unread_column_that_looks_like_a_key(
    tmp_path: Path, fmt: str, header: str
) -> None:
    write, name = WRITERS[fmt]
    path = _with_key_header(write(tmp_path / name, "kind", TWO_METERS), header)
    # without strict: A's and B's readings at one time are one series, so B's is taken for a
    # copy of A's (100 kWh instead of 100 + 100): the warning says why
    fp = _footprint(path, strict=False)
    assert fp.quality.rejected_by_reason == {"duplicate_reading": 1}
    assert fp.table["energy_tce"].sum() == pytest.approx(100 * KWH_TCE)
    said = [w for w in fp.quality.warnings if "looks like a key" in w]
    assert said and said[0].startswith(f"{path}: column {header} looks like a key")
    with pytest.raises(InputError) as e:
        _footprint(path, strict=True)
    assert e.value.file == path and e.value.column == header
    assert f"column {header} looks like a key" in str(e.value) and "strict mode" in str(e.value)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("header", ["备注", "No", "序号"])  # a note, a row's serial number
def test_strict_passes_a_file_whose_unread_columns_change_nothing(
    tmp_path: Path, fmt: str, header: str
) -> None:
    write, name = WRITERS[fmt]
    rows = [(*r[:2], str(i + 1), *r[3:]) for i, r in enumerate(REGISTERS)]
    path = write(tmp_path / name, header, rows)
    fp = _footprint(path, strict=True)
    # a note column: the rows are intervals as given, 10 000 + 12 000 + 15 000 kWh
    assert fp.table["energy_tce"].sum() == pytest.approx(37_000 * KWH_TCE)
    assert [w for w in fp.quality.warnings if "not used" in w]
    assert not [w for w in fp.quality.warnings if "looks like" in w]


def test_the_cli_strict_names_file_and_column_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write, name = WRITERS["gbk_csv"]
    path = _with_key_header(write(tmp_path / name, "kind", TWO_METERS), "表号")
    FIRMS.write_csv(tmp_path / "f.csv")
    code, out, err = run_cli(
        capsys, "footprint", path, "--firms", str(tmp_path / "f.csv"), "--strict"
    )
    assert code == 1, out + err
    assert f"{path}: column 表号 looks like a key" in err and "strict mode" in err
    assert "Traceback" not in out + err


def test_the_strict_help_says_what_it_fails_on() -> None:
    words = " ".join(
        CliRunner().invoke(cli, ["footprint", "--help"], terminal_width=200).output.split()
    )
    assert "--strict" in words and "looks like a key or the reading kind" in words
