"""Pinned shipped data: a changed shipped set cannot be passed off, however it was rehashed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from test_factors import _edit

import carbonacct
from carbonacct import _manifest
from carbonacct._manifest import (
    PINS_FILE,
    data_dir,
    pin_status,
    pinned_path,
    pins,
    sha256_of,
    write_checksum,
    write_pins,
)
from carbonacct.cli import cli
from carbonacct.data import read_data_file
from carbonacct.errors import ChecksumError
from carbonacct.factors import FactorLibrary, read_factor_set

ZJ_2023 = "electricity,CN-ZJ,2023,average,0.4974"


def _tamper_zhejiang(root: Path) -> Path:
    """The issue's case: Zhejiang 2023 0.4974 → 0.3974, then `factors rehash`."""
    csv = root / "grid" / "mee-nbs-2025-47.csv"
    _edit(csv, ZJ_2023, "electricity,CN-ZJ,2023,average,0.3974")
    write_checksum(csv.with_suffix(".toml"))
    return csv


def test_the_pinned_table_covers_every_shipped_file_and_matches_it() -> None:
    root = data_dir()
    on_disk = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name not in (PINS_FILE, "__init__.py") and "__pycache__" not in p.parts
    }
    pinned = pins()
    assert "rounding/policies.toml" in pinned
    assert on_disk == set(pinned), "run `carbonacct factors pin` after a reviewed data change"
    stale = [p for p, pin in pinned.items() if sha256_of(root / p) != pin.sha256]
    assert stale == [], "run `carbonacct factors pin` after a reviewed data change"
    # every set's manifest and data file are pinned under its id
    assert {p.path for p in pinned.values() if p.set_id == "mee-nbs-2025-47"} == {
        "grid/mee-nbs-2025-47.toml",
        "grid/mee-nbs-2025-47.csv",
    }


def test_tampered_and_rehashed_set_is_refused(factors_copy: Path) -> None:
    csv = _tamper_zhejiang(factors_copy)
    read_factor_set(csv, verify=True, allow_modified=True)  # its own checksum now agrees
    with pytest.raises(ChecksumError, match="differ from the pinned checksums") as info:
        FactorLibrary.load(factors_copy)
    assert info.value.file.endswith("mee-nbs-2025-47.toml")
    with pytest.raises(ChecksumError, match="pinned"):
        read_data_file(csv)


def test_an_allowed_modified_set_is_labelled_modified_in_every_result(factors_copy: Path) -> None:
    _tamper_zhejiang(factors_copy)
    lib = FactorLibrary.load(factors_copy, allow_modified=True)
    assert lib.sets["mee-nbs-2025-47"].status == "modified"
    assert lib.sets["mee-nbs-2024-33"].status == "shipped"  # an unchanged copy stays shipped
    f = lib.resolve("co2_factor", "electricity", region="浙江", year=2023, variant="average")
    assert (f.value, f.set_label, f.grade) == (
        0.3974,
        "mee-nbs-2025-47@1.0.0+modified",
        "modified: official",
    )
    fp = carbonacct.footprint(
        pl.DataFrame(
            {
                "firm_id": ["A"],
                "carrier": ["electricity"],
                "period": ["2023"],
                "value": [1000.0],
                "unit": ["MWh"],
            }
        ),
        firms=pl.DataFrame({"firm_id": ["A"], "province": ["浙江"]}),
        library=lib,
    )
    grid = fp.factors_used.filter(pl.col("factor") == "grid_co2").row(0, named=True)
    assert grid["value"] == 0.3974
    assert grid["factor_set"].endswith("+modified") and grid["grade"].startswith("modified")
    # 1000 MWh × 0.3974 tCO2/MWh
    assert fp.table["co2_electricity_t"].to_list() == pytest.approx([397.4])


def test_a_moved_manifest_pointing_at_another_sets_csv_is_modified(factors_copy: Path) -> None:
    toml = factors_copy / "grid" / "mee-nbs-2025-47.toml"
    _edit(toml, 'data = "mee-nbs-2025-47.csv"', 'data = "mee-nbs-2024-33.csv"')
    write_checksum(toml)
    with pytest.raises(ChecksumError, match="pinned"):
        read_factor_set(toml)


def test_a_users_set_is_labelled_the_users_with_its_own_document(tmp_path: Path) -> None:
    csv = tmp_path / "plant-grid.csv"
    csv.write_text(
        "parameter,subject,region,year,variant,value,unit,source,grade\n"
        "co2_factor,electricity,CN-ZJ,2023,average,0.41,tCO2/MWh,supplier letter,official\n",
        encoding="utf-8",
    )
    csv.with_suffix(".toml").write_text(
        'id = "plant-grid"\nversion = "2024"\ndocument = "supplier letter 2024-02"\n'
        'data = "plant-grid.csv"\nsha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(csv.with_suffix(".toml"))
    fs = read_factor_set(csv)
    assert fs.status == "user" and fs.manifest.grade == "user"
    assert fs.data["grade"].to_list() == ["user (official)"]
    lib = FactorLibrary(sets={"plant-grid": fs}, overrides=["plant-grid"])
    f = lib.resolve("co2_factor", "electricity", region="CN-ZJ", year=2023, variant="average")
    assert (f.document, f.grade) == ("supplier letter 2024-02", "user (official)")


def test_a_copy_of_a_shipped_set_under_its_own_id_is_the_users(factors_copy: Path) -> None:
    toml = factors_copy / "grid" / "mee-nbs-2025-47.toml"
    _edit(toml, 'id = "mee-nbs-2025-47"', 'id = "my-grid-2023"')
    _tamper_zhejiang(factors_copy)
    fs = read_factor_set(toml)
    assert fs.status == "user" and set(fs.data["grade"]) == {"user (official)"}


def test_crlf_copy_loads_as_the_shipped_set(factors_copy: Path) -> None:
    """Decision: checksums hash the canonical text (CRLF read as LF), so a copy whose line
    ends were converted (core.autocrlf=true on a clone made before .gitattributes) still
    loads as the shipped set with the same values; .gitattributes keeps checkouts exact."""
    for path in factors_copy.rglob("*"):
        if path.suffix in (".csv", ".toml"):
            raw = path.read_bytes()
            path.write_bytes(raw.replace(b"\n", b"\r\n"))
    assert b"\r\n" in (factors_copy / "grid" / "mee-nbs-2025-47.csv").read_bytes()
    lib = FactorLibrary.load(factors_copy)
    shipped = carbonacct.default_library()
    for sid, fs in lib.sets.items():
        assert fs.status == "shipped", sid
        assert fs.data.equals(shipped.sets[sid].data), sid
    f = lib.resolve("co2_factor", "electricity", region="浙江", year=2023, variant="average")
    assert f.value == 0.4974


def test_gitattributes_keeps_the_data_byte_exact() -> None:
    text = (Path(__file__).resolve().parent.parent / ".gitattributes").read_text()
    assert "factors/** -text" in text.splitlines()


def test_pin_release_step_and_pinned_single_files(
    factors_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_manifest, "data_dir", lambda: factors_copy)
    pins.cache_clear()
    try:
        assert pinned_path("rounding/policies.toml").name == "policies.toml"
        policies = factors_copy / "rounding" / "policies.toml"
        policies.write_text(policies.read_text(encoding="utf-8") + "\n# edited\n")
        with pytest.raises(ChecksumError, match="pinned checksum"):
            pinned_path("rounding/policies.toml")
        _tamper_zhejiang(factors_copy)
        with pytest.raises(ChecksumError):
            FactorLibrary.load(factors_copy)
        result = CliRunner().invoke(cli, ["factors", "pin"])
        assert result.exit_code == 0 and "files pinned" in result.output
        # after the release step the reviewed change is the shipped data
        assert pinned_path("rounding/policies.toml").exists()
        lib = FactorLibrary.load(factors_copy)
        assert lib.sets["mee-nbs-2025-47"].status == "shipped"
    finally:
        pins.cache_clear()


def test_write_pins_lists_data_files_under_their_set(tmp_path: Path) -> None:
    shutil.copytree(data_dir() / "heat", tmp_path / "heat")
    (tmp_path / "rounding").mkdir()
    (tmp_path / "rounding" / "policies.toml").write_text("[p]\nx = 1\n")
    table = pl.read_csv(write_pins(tmp_path)).fill_null("")
    pins.cache_clear()
    assert table.rows() == [
        ("heat/gbt32150-2025.csv", sha256_of(tmp_path / "heat/gbt32150-2025.csv"), "gbt32150-2025"),
        (
            "heat/gbt32150-2025.toml",
            sha256_of(tmp_path / "heat/gbt32150-2025.toml"),
            "gbt32150-2025",
        ),
        ("rounding/policies.toml", sha256_of(tmp_path / "rounding/policies.toml"), ""),
    ]
    assert (
        pin_status(read_factor_set(tmp_path / "heat" / "gbt32150-2025.toml").manifest) == "shipped"
    )


def test_rehash_writes_only_the_checksum_line(tmp_path: Path) -> None:
    """A placeholder checksum ("x") was replaced wherever an "x" occurred in the manifest
    (shipped indicators.toml read "e<sha>clusions" for "exclusions"); only its line changes now."""
    csv = tmp_path / "mine.csv"
    csv.write_text("parameter,subject,value,unit\nncv,diesel,42.652,GJ/t\n", encoding="utf-8")
    toml = tmp_path / "mine.toml"
    toml.write_text(
        'id = "mine"\nversion = "1"\nkind = "combustion"\ntitle = "exclusions text"\n'
        'publisher = "x"\ndocument = "d"\ntable = "t"\npublished = ""\nvalid_from = ""\n'
        'source_url = ""\ngrade = "user"\nlicence = ""\ndata = "mine.csv"\nsha256 = "x"\n',
        encoding="utf-8",
    )
    digest = write_checksum(toml)
    text = toml.read_text(encoding="utf-8")
    assert 'title = "exclusions text"' in text
    assert 'publisher = "x"' in text
    assert f'sha256 = "{digest}"' in text
    assert text.count(digest) == 1


def test_no_shipped_manifest_carries_a_checksum_outside_its_sha256_line() -> None:
    for manifest in data_dir().rglob("*.toml"):
        lines = manifest.read_text(encoding="utf-8").splitlines()
        stray = [ln for ln in lines if not ln.startswith("sha256") and _HEX64.search(ln)]
        assert stray == [], manifest


_HEX64 = re.compile(r"[0-9a-f]{64}")
