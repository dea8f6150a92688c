"""A target letter of the user's own, written as the README describes: a manifest (id, version,
document, data) beside its CSV. A checksum is for the shipped, pinned data: a user's file needs
none; one that is given is checked; `factors rehash` can add one; no traceback on the CLI.

The letter (an outside tester's): firm L1 (sector 3419, 广东) must cut its energy per value
added by 20 % from 2020 to 2025, a binding target that holds after its year; in 2026 it is
0.82 tce/万元 against 1.00 × (1 − 0.20) = 0.80 → breach.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct.cli import cli
from carbonacct.errors import ChecksumError, FactorFileError

DATA = Path(__file__).parent / "data" / "target_letter"
MANIFEST = """id = "gd-letter-L1"
version = "1.0.0"
document = "粤节能目标责任书（测试）"
table = "附件1"
published = "2021-06-01"
grade = "official"
data = "letter.csv"
"""


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    for name in ("letter.csv", "firms_p.csv", "act_p.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    path = tmp_path / "letter.toml"
    path.write_text(MANIFEST, encoding="utf-8")
    return path


def _l1(result: carbonacct.CheckResult) -> dict[str, object]:
    row = result.results.filter(
        (pl.col("firm_id") == "L1") & (pl.col("pathway") == "gd-letter-L1")
    ).row(0, named=True)
    return row


def test_a_letter_without_a_checksum_loads_and_binds(letter: Path) -> None:
    r = carbonacct.check(
        letter.parent / "firms_p.csv",
        actuals=letter.parent / "act_p.csv",
        pathways=["cn-industry-2025", letter],
    )
    row = _l1(r)
    assert row["required"] == pytest.approx(1.00 * (1 - 0.20))
    assert (row["check_year"], row["actual"], row["status"]) == (2026, 0.82, "breach")


def test_a_checksum_given_is_checked(letter: Path) -> None:
    letter.write_text(MANIFEST + 'sha256 = "' + "0" * 64 + '"\n', encoding="utf-8")
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        carbonacct.check(
            letter.parent / "firms_p.csv", actuals=letter.parent / "act_p.csv", pathways=[letter]
        )


def test_a_manifest_without_its_fields_names_them(letter: Path) -> None:
    letter.write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(FactorFileError) as info:
        carbonacct.check(
            letter.parent / "firms_p.csv", actuals=letter.parent / "act_p.csv", pathways=[letter]
        )
    message = str(info.value)
    assert "version" in message and "document" in message and "data" in message
    assert "sha256" not in message.split("lacks")[1].split(".")[0]  # not among the missing


def test_rehash_adds_a_checksum_to_a_letter_without_one(letter: Path) -> None:
    res = CliRunner().invoke(cli, ["factors", "rehash", str(letter)])
    assert res.exit_code == 0, res.output
    from carbonacct._manifest import sha256_of

    digest = sha256_of(letter.parent / "letter.csv")
    assert f'sha256 = "{digest}"' in letter.read_text(encoding="utf-8")
    assert digest in res.output


def test_cli_check_with_the_letter_has_no_traceback(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--firms", str(letter.parent / "firms_p.csv")]
    args += ["--actuals", str(letter.parent / "act_p.csv"), "--pathway", str(letter)]
    res = CliRunner().invoke(cli, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "breach" in res.output
    letter.write_text(MANIFEST.replace('data = "letter.csv"\n', ""), encoding="utf-8")
    from carbonacct.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and "Traceback" not in err
    assert "lacks data" in err
