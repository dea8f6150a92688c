"""Fuel emission factors as the guidelines derive them: EF = NCV × CC × OF × 44/12.

A report or a verifier often quotes a fuel's EF (3.0959 tCO2/t for diesel)
that no table prints: the GB/T 32151 and MEE/NDRC guidelines give NCV, the
carbon content per unit heat and the oxidation rate, and the EF is their
product. These rows let :func:`~carbonacct.verify.find_factor` and
:func:`~carbonacct.verify.check_factor` find such a value and say which
parameters combine to it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from carbonacct.emissions import combustion_factor
from carbonacct.errors import CarbonacctError
from carbonacct.factors import FactorLibrary

__all__ = ["DERIVED", "derived_factors"]

#: The variant of a derived row.
DERIVED = "derived: NCV × CC × OF × 44/12"


def _formula(cf: Any) -> str:
    ncv, of = cf.ncv, cf.oxidation_rate
    if cf.carbon_content is not None:
        cc = f"CC {cf.carbon_content.value:g} {cf.carbon_content.unit}"
    else:
        cc = f"EF per heat {cf.co2_per_energy.value:g} {cf.co2_per_energy.unit}"
    source = "; ".join(dict.fromkeys(p.source for p in cf.parameters if p.source))
    return (
        f"NCV {ncv.value:g} {ncv.unit} × {cc} × OF {of.value:g} {of.unit.replace('percent', '%')}"
        + (" × 44/12" if cf.carbon_content is not None else "")
        + (f" ({source})" if source else "")
    )


def derived_factors(
    lib: FactorLibrary, sets: list[str] | None = None, subject: str | None = None
) -> pl.DataFrame:
    """One row per fuel and set that has NCV, CC (or CO2 per heat) and OF: the EF they make.

    Columns as :meth:`FactorLibrary.frame` (``parameter`` ``co2_factor``, ``variant``
    :data:`DERIVED`, ``source`` the formula with its values), in tCO2 per the NCV's unit.
    """
    frame = lib.frame(sets).filter(pl.col("parameter") == "ncv")
    if subject is not None:
        frame = frame.filter(pl.col("subject") == subject)
    rows = []
    for sid, fuel in frame.select("set_id", "subject").unique().sort(pl.all()).iter_rows():
        try:
            cf = combustion_factor(fuel, library=lib, sets=[sid])
        except (CarbonacctError, LookupError):
            continue
        grades = sorted({p.grade for p in cf.parameters})
        rows.append(
            {
                "parameter": "co2_factor",
                "subject": fuel,
                "variant": DERIVED,
                "value": cf.value,
                "unit": cf.unit,
                "source": _formula(cf),
                "grade": "; ".join(grades) or None,
                "set_id": sid,
                "set_version": lib.sets[sid].manifest.version,
                "document": lib.sets[sid].manifest.document,
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
