"""A firm's reason is its deciding rule's own, and the same bytes on every run (issue 13,
hand-trial 2 #7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from carbonacct import check
from carbonacct._manifest import write_checksum

HEAD = "metric,region,sectors,product,base_year,year,value,value_type,unit,interpolation,obligation,source\n"


def _letter(tmp_path: Path) -> Path:
    # the firm's own target letter: −20 % energy per value added 2020 → 2025, binding
    (tmp_path / "letter.csv").write_text(
        HEAD + "energy_intensity_va,CN-GD,3419,,2020,2025,-0.20,relative,tce/万元,"
        "constant_rate,binding,粤节能目标责任书\n",
        encoding="utf-8",
    )
    toml = tmp_path / "letter.toml"
    toml.write_text(
        'id = "gd-letter"\nversion = "1"\ndocument = "粤节能目标责任书"\ndata = "letter.csv"\n'
        'sha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(toml)
    return toml


def _actuals() -> pl.DataFrame:
    rows = []
    for firm in ("L1", "B1", "B2", "B3", "R1"):
        rows += [
            (firm, 2020, "energy_intensity_va", 1.00, "tce/万元"),
            (firm, 2026, "energy_intensity_va", 0.82, "tce/万元"),
            (firm, 2020, "co2_intensity_va", 2.00, "tCO2/万元"),  # no 2026 CO2: another gap
        ]
    return pl.DataFrame(
        rows, schema=["firm_id", "year", "metric", "value", "unit"], orient="row"
    ).with_columns(pl.lit("constant:2020").alias("price_basis"))


def test_a_letter_breach_is_the_reason_and_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    firms = pl.DataFrame(
        {
            "firm_id": ["L1", "B1", "B2", "B3", "R1"],
            "name": ["目标责任厂"] * 5,
            "province": ["广东"] * 5,
            "sector": ["3419"] * 5,
        }
    )
    toml = _letter(tmp_path)
    outputs = []
    for run in range(2):
        result = check(firms, actuals=_actuals(), pathways=["cn-industry-2025", toml])
        # 2026 after the target year 2025: required 1.00 × (1 − 0.20) = 0.80; 0.82 > 0.80 breach
        l1 = result.firms.filter(pl.col("firm_id") == "L1").row(0, named=True)
        assert l1["status"] == "breach"
        assert "gd-letter" in l1["reason"] and "co2" not in l1["reason"]
        assert "0.82" in l1["reason"] and "0.8" in l1["reason"]
        path = tmp_path / f"run{run}.csv"
        result.firms.write_csv(path)
        outputs.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert outputs[0] == outputs[1]
