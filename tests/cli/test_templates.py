"""Templates: Chinese headers read back, no assumption on the readings, no silent overwrite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import carbonacct
from carbonacct.cli.discover import TEMPLATES
from tests.conftest import run_cli


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_template_header_is_chinese(kind: str) -> None:
    headers, _ = TEMPLATES[kind]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_round_trip_without_assumption(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    paths = {}
    for kind in ("readings", "firms", "activity", "fuel-parameters", "materials"):
        paths[kind] = str(tmp_path / f"{kind}.{suffix}")
        code, _, err = run_cli(capsys, "template", kind, "-o", paths[kind])
        assert code == 0, err
    result = carbonacct.footprint(
        [paths["readings"]],
        firms=paths["firms"],
        activity=paths["activity"],
        fuel_parameters=paths["fuel-parameters"],
    )
    q = result.quality
    assert (q.rows_in, q.rows_rejected) == (5, 0)
    assert not [w for w in q.warnings if "assumed" in w or "missing" in w], q.warnings
    from carbonacct.materials import read_materials

    table, _ = read_materials(paths["materials"])
    assert table["parameter"].to_list() == ["emission_factor", "carbon_content"]
    assert table["value_unit"].to_list() == ["tCO2/t", "tC/t"]


def test_template_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name\nMINE,filled in by hand\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "template", "firms", "-o", str(firms))
    assert code == 1 and "exists; give --force" in err
    assert "MINE" in firms.read_text(encoding="utf-8")
    code, _, _ = run_cli(capsys, "template", "firms", "-o", str(firms), "--force")
    assert code == 0 and "MINE" not in firms.read_text(encoding="utf-8")
