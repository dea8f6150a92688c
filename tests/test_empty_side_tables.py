"""A 0-byte side table (a failed export) is said to be empty, naming the file, not "needs
column(s) ['firm_id']"; a firms table with a header only is refused (every reading would be
rejected as of an unknown firm, with exit 0). CSV, xlsx and Parquet, library and CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

import carbonacct
from carbonacct.errors import InputError
from tests.conftest import run_cli

READINGS = "企业代码,能源品种,统计期,数量,计量单位\nF1,电力,2024,1000,kWh\n"


def _readings(tmp_path: Path) -> str:
    path = tmp_path / "r.csv"
    path.write_bytes(READINGS.encode("gbk"))
    return str(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("option", ["firms", "activity"])
def test_a_zero_byte_side_table_is_said_to_be_empty(
    tmp_path: Path, suffix: str, option: str
) -> None:
    empty = tmp_path / f"{option}{suffix}"
    empty.write_bytes(b"")
    firms = str(empty) if option == "firms" else None
    given = {"activity": str(empty)} if option == "activity" else {}
    method = carbonacct.Method(grid_factor="national")
    with pytest.raises(InputError) as e:
        carbonacct.footprint(_readings(tmp_path), firms=firms, method=method, **given)
    assert str(e.value).startswith(f"{empty}: the file is empty (0 bytes)")
    assert "needs column" not in str(e.value) and e.value.file == str(empty)


def test_the_cli_says_it_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "firms.csv").write_bytes(b"")
    code, out, err = run_cli(
        capsys, "footprint", _readings(tmp_path), "--firms", str(tmp_path / "firms.csv")
    )
    assert code == 1
    assert f"{tmp_path / 'firms.csv'}: the file is empty (0 bytes)" in err
    assert "Traceback" not in out + err


def test_a_firms_table_with_only_a_header_is_refused(tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    firms.write_bytes("企业代码,所在省份\n".encode("gbk"))
    with pytest.raises(InputError) as e:
        carbonacct.footprint(_readings(tmp_path), firms=str(firms))
    assert str(e.value).startswith(f"{firms}: the firms table has no rows (only a header)")
