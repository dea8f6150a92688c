"""Every result offers the Result protocol: tables, write (format by suffix), to_pandas, provenance."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.green_factory import score
from carbonacct.results import Result
from carbonacct.verify import reconcile

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "examples" / "jiangsu"


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    fp = carbonacct.footprint(
        [HERE / "electricity_15min.parquet", HERE / "fuels.csv"],
        firms=HERE / "firms.csv",
        activity=HERE / "activity.csv",
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2780),
    )
    lines = pl.DataFrame(
        {
            "firm_id": ["JS"],
            "line": ["diesel"],
            "carrier": ["diesel"],
            "value": ["10"],
            "unit": ["t"],
            "year": ["2023"],
            "reported_co2_t": ["30.96"],
        }
    )
    firms = pl.DataFrame({"firm_id": ["JS"], "province": ["江苏"]})
    return {
        "footprint": fp,
        "check": carbonacct.check(HERE / "firms.csv", fp, pathways=["cn-2024-annual"]),
        "reconciliation": reconcile(lines, firms=firms),
        "green_score": score(
            ROOT / "examples/green_factory/jiangsu-castings-2024.yaml", footprint=fp
        ),
    }


@pytest.mark.parametrize("kind", ["footprint", "check", "reconciliation", "green_score"])
def test_every_result_has_tables_write_to_pandas_and_provenance(
    results: dict[str, Result], kind: str, tmp_path: Path
) -> None:
    result = results[kind]
    assert isinstance(result, Result)
    tables = result.tables()
    assert tables and all(isinstance(t, pl.DataFrame) for t in tables.values())
    main = next(iter(tables.values()))
    frame = result.to_pandas()
    assert list(frame.columns) == main.columns and len(frame) == main.height
    assert result.provenance
    written = result.write(tmp_path / f"{kind}.json")
    record = json.loads(written[0].read_text(encoding="utf-8"))
    assert set(record["tables"]) == set(tables)
    assert record["provenance"]


def test_reconciliation_tables_are_the_lines_and_the_summary(results: dict[str, Result]) -> None:
    r = results["reconciliation"]
    assert list(r.tables()) == ["reconciliation", "summary"]
    # 10 t diesel × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 30.959 t, reported 30.96
    line = r.tables()["reconciliation"].row(0, named=True)
    assert line["recomputed_co2_t"] == pytest.approx(10 * 42.652 * 0.0202 * 0.98 * 44 / 12)
    assert r.to_pandas("summary")["lines"].sum() == 1
