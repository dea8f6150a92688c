"""Every shipped factor value against a golden transcribed from the reference notes.

``tests/data/golden_factors.csv`` is generated from the reference notes by
``tests/tools/golden_from_reference.py`` (each row names its section), never from the
shipped files. The comparison goes both ways: every shipped value has a golden, and
every golden is shipped or listed as not shipped with the reason. It reads the CSVs
directly, not through the loader, so neither a rehash nor a loader change hides a value.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carbonacct._manifest import Manifest, data_dir, write_checksum
from carbonacct.units import conversion_factor

GOLDEN = Path(__file__).resolve().parent / "data" / "golden_factors.csv"
KEY = ["set_id", "parameter", "subject", "region", "year", "variant"]
FACTOR_FOLDERS = ("standard_coal", "combustion", "grid", "heat", "gwp", "process")


def shipped_values(root: Path) -> pl.DataFrame:
    """Every value of the factor sets under ``root``, keyed by set id, read as plain CSV."""
    parts = []
    for folder in FACTOR_FOLDERS:
        for toml in sorted((root / folder).glob("*.toml")):
            m = Manifest.from_toml(toml)
            raw = pl.read_csv(toml.parent / m.data, infer_schema=False)
            parts.append(raw.with_columns(pl.lit(m.id).alias("set_id")))
    frame = pl.concat(parts, how="diagonal")
    return frame.select(*[pl.col(c).fill_null("") for c in KEY], "value", "unit")


def golden() -> pl.DataFrame:
    return pl.read_csv(GOLDEN, infer_schema=False).with_columns(
        [pl.col(c).fill_null("") for c in KEY]
    )


def differences(root: Path) -> list[str]:
    """Every disagreement between the shipped values under ``root`` and the goldens."""
    shipped, gold = shipped_values(root), golden()
    joined = shipped.join(gold, on=KEY, how="full", coalesce=True, suffix="_golden")
    out = []
    for r in joined.iter_rows(named=True):
        where = " ".join(f"{k}={r[k]}" for k in KEY if r[k])
        if r["section"] is None:
            out.append(f"shipped without a golden: {where} value={r['value']}")
        elif r["value"] is None:
            if r["shipped"] == "yes":
                out.append(f"golden ({r['section']}) not shipped: {where}")
        elif r["shipped"] != "yes":
            out.append(f"shipped although the reference says {r['shipped']!r}: {where}")
        else:
            value = float(r["value"]) * conversion_factor(r["unit"], r["unit_golden"])
            if value != pytest.approx(float(r["value_golden"]), rel=1e-9):
                out.append(
                    f"{where}: shipped {r['value']} {r['unit']}, reference ({r['section']}) "
                    f"{r['value_golden']} {r['unit_golden']}"
                )
    return out


def test_every_shipped_value_equals_its_golden_and_every_golden_is_accounted_for() -> None:
    assert differences(data_dir()) == []


def test_golden_coverage() -> None:
    gold = golden()
    shipped = shipped_values(data_dir())
    assert (
        shipped.height == gold.filter(pl.col("shipped") == "yes").height == 534
    )  # 533 + the CCER baseline OM (§3.3)
    not_shipped = gold.filter(pl.col("shipped") != "yes")
    assert sorted(not_shipped["subject"].to_list()) == [
        "coke_oven_gas",  # a range in GB/T 2589 Appendix A
        "coke_oven_gas",
        "lng",  # §9: the printed 1.7572 is unconfirmed
        "steam",  # §9: 0.1286 unconfirmed
    ]
    # every golden cites its section of the reference notes
    assert gold["section"].str.starts_with("§").all()


def test_a_changed_and_rehashed_value_fails_the_goldens(factors_copy: Path) -> None:
    csv = factors_copy / "grid" / "mee-nbs-2025-47.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_text(text.replace("CN-ZJ,2023,average,0.4974", "CN-ZJ,2023,average,0.3974"))
    write_checksum(csv.with_suffix(".toml"))
    assert differences(factors_copy) == [
        "set_id=mee-nbs-2025-47 parameter=co2_factor subject=electricity region=CN-ZJ "
        "year=2023 variant=average: shipped 0.3974 tCO2/MWh, reference (§3.3) 0.4974 tCO2/MWh"
    ]


def test_an_added_row_fails_the_goldens(factors_copy: Path) -> None:
    csv = factors_copy / "grid" / "mee-nbs-2025-47.csv"
    with csv.open("a", encoding="utf-8") as f:
        f.write("co2_factor,electricity,CN-JS,2024,average,0.5500,tCO2/MWh,,,表3,official,\n")
    assert differences(factors_copy) == [
        "shipped without a golden: set_id=mee-nbs-2025-47 parameter=co2_factor "
        "subject=electricity region=CN-JS year=2024 variant=average value=0.5500"
    ]
