"""Every unit a result declares (JSON units block, xlsx units sheet, Parquet field metadata)
matches what its column means: a per-tonne-of-product column is per tonne, CO2 is tCO2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from carbonacct.io import column_unit, table_units
from carbonacct.units import parse_unit
from carbonacct.vocabulary import COLUMNS
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
E = ROOT / "examples" / "jiangsu"
READINGS = [str(E / "electricity_15min.parquet"), str(E / "fuels.csv")]
WITH = ["--firms", str(E / "firms.csv"), "--activity", str(E / "activity.csv")]
#: Columns that count or score: no physical unit.
UNITLESS = ("rows", "rows_rejected", "rows_co2_missing", "points", "max_points", "gap_rel", "row")


def _documents(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> dict[str, dict]:
    runs = {
        "footprint": ["footprint", *READINGS, *WITH, "--steam-enthalpy", "2780"],
        "check": [
            "check",
            *(x for r in READINGS for x in ("--readings", r)),
            *WITH,
            "--steam-enthalpy",
            "2780",
        ],
        "green-score": [
            "green-score",
            str(ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"),
            *(x for r in READINGS for x in ("--footprint", r)),
            *WITH,
            "--steam-enthalpy",
            "2780",
        ],
    }
    verifier = ROOT / "examples" / "verifier"
    for name in ("report.csv", "firms.csv", "rounding.toml"):
        shutil.copy(verifier / name, tmp_path / name)
    runs["reconcile"] = [
        "reconcile",
        str(tmp_path / "report.csv"),
        "--firms",
        str(tmp_path / "firms.csv"),
        "--rounding-file",
        str(tmp_path / "rounding.toml"),
    ]
    docs = {}
    for name, args in runs.items():
        out = tmp_path / f"{name}.json"
        code, _, err = run_cli(capsys, *args, "-o", str(out))
        assert code in (0, 1, 3), err  # reconcile exits 1 on unexplained lines
        docs[name] = json.loads(out.read_text(encoding="utf-8"))
    return docs


def _meaning(column: str) -> str | None:
    """The unit the vocabulary gives the column, where it gives one in symbols."""
    term = COLUMNS.get(column)
    return term.unit if term is not None and term.unit and " " not in term.unit else None


def test_every_declared_unit_matches_the_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    docs = _documents(capsys, tmp_path)
    walked = 0
    for result, doc in docs.items():
        for table, units in doc["units"].items():
            assert set(units) <= set(doc["schema"][table]), (result, table)
            for column, unit in units.items():
                walked += 1
                where = (result, table, column, unit)
                parse_unit(unit)  # a unit the library itself reads
                assert column not in UNITLESS, where
                if _meaning(column) is not None:
                    assert unit == _meaning(column), where
                if "co2" in column and column.endswith("_t"):
                    assert unit.startswith("tCO2"), where
    assert walked >= 30
    intensities = docs["footprint"]["units"]["intensities"]
    # castings are given in t in the activity file: per tonne of product
    assert intensities["energy_per_output_kgce"] == "kgce/t"
    assert intensities["co2_per_output_t"] == "tCO2/t"
    assert intensities["output"] == "t"
    recon = docs["reconcile"]["units"]["reconciliation"]
    assert recon["difference_t"] == recon["reported_co2_t"] == "tCO2"


def test_xlsx_units_sheet_says_per_tonne(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "fp.xlsx"
    code, _, err = run_cli(capsys, "footprint", *READINGS, *WITH, "-o", str(out))
    assert code == 0, err
    rows = list(load_workbook(out, read_only=True)["units"].values)[1:]
    units = {(t, c): u for t, c, u in rows}
    assert units["intensities", "energy_per_output_kgce"] == "kgce/t"
    assert units["intensities", "co2_per_output_t"] == "tCO2/t"


def test_several_output_units_keep_the_reference_to_the_row() -> None:
    import polars as pl

    frame = pl.DataFrame(
        {"output_unit": ["t", "m3"], "output": [1.0, 2.0], "energy_per_output_kgce": [3.0, 4.0]}
    )
    assert table_units({"i": frame})["i"] == {
        "output": "output_unit",
        "energy_per_output_kgce": "kgce/output_unit",
    }
    # no output unit to refer to: no unit declared rather than a wrong one
    assert table_units({"i": frame.drop("output_unit")})["i"] == {}
    assert column_unit("cf4_per_t") is None  # kg of CF4 per tonne of aluminium: not "t"
