"""The schema of a factor file: its columns, the parameters and the units and values each admits.

A factor file is refused with its name and row when a unit does not parse in
:data:`carbonacct.ureg`, has another dimension than its parameter demands, or a
value lies outside the parameter's plausible range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from carbonacct import vocabulary
from carbonacct._manifest import file_error as _file_error
from carbonacct._manifest import typed_frame
from carbonacct.errors import CarbonacctError
from carbonacct.units import conversion_factor, parse_unit

__all__ = [
    "FACTOR_COLUMNS",
    "PARAMETERS",
    "REQUIRED",
    "SCHEMA",
    "ParameterSpec",
    "check_factors",
    "validate_frame",
]

#: Columns of every factor file, in order.
FACTOR_COLUMNS = (
    "parameter",
    "subject",
    "region",
    "year",
    "variant",
    "value",
    "unit",
    "valid_from",
    "valid_to",
    "source",
    "grade",
    "note",
)
REQUIRED = ("parameter", "subject", "value", "unit")


@dataclass(frozen=True)
class ParameterSpec:
    """What a factor parameter means and which units and values it admits.

    ``ranges`` lists (reference unit, low, high): a factor's unit must have the
    dimension of one reference unit, and its value, converted to that unit,
    must lie in [low, high]. ``per_carrier`` names the quantity that the factor
    times one canonical unit of its carrier must give (e.g. energy for an NCV).
    """

    description: str
    ranges: tuple[tuple[str, float, float], ...]
    per_carrier: str | None = None


PARAMETERS: dict[str, ParameterSpec] = {
    "tce_coefficient": ParameterSpec(
        "standard-coal coefficient (GB/T 2589)",
        (("kgce/kg", 1e-5, 3.0), ("kgce/m3", 0.01, 10.0), ("kgce/kWh", 0.05, 1.0)),
        per_carrier="GJ",
    ),
    "reference_ncv": ParameterSpec(
        "reference net calorific value (GB/T 2589)",
        (("kJ/kg", 1000, 60000), ("kJ/m3", 1000, 60000)),
        per_carrier="GJ",
    ),
    "ncv": ParameterSpec(
        "net calorific value", (("GJ/t", 1, 60), ("GJ/Nm3", 0.001, 0.1)), per_carrier="GJ"
    ),
    "carbon_content": ParameterSpec("carbon content per unit heat", (("tC/TJ", 5, 100),)),
    "oxidation_rate": ParameterSpec("carbon oxidation rate", (("1", 0.5, 1.0),)),
    "co2_per_energy": ParameterSpec("CO2 per unit of heat", (("kgCO2/TJ", 10_000, 400_000),)),
    "ch4_per_energy": ParameterSpec("CH4 per unit of heat", (("kgCH4/TJ", 0, 1000),)),
    "n2o_per_energy": ParameterSpec("N2O per unit of heat", (("kgN2O/TJ", 0, 100),)),
    "co2_factor": ParameterSpec(
        "CO2 per unit of carrier",
        (
            ("tCO2/MWh", 0.0, 2.0),
            ("tCO2/GJ", 0.0, 0.5),
            ("tCO2/t", 0.0, 5.0),
            ("tCO2/Nm3", 0, 0.01),
        ),
        per_carrier="tCO2",
    ),
    "co2e_footprint_factor": ParameterSpec(
        "life-cycle (carbon-footprint) CO2e per unit, for product footprints only",
        (("tCO2e/MWh", 0.0, 2.0),),
    ),
    "gwp100": ParameterSpec("100-year global warming potential", (("1", 1, 100_000),)),
    # 44/12 tCO2 per t of pure carbon is the ceiling; wide enough for electrodes (3.663) and
    # micro-carbon ferromanganese (0.004), the published extremes
    "process_co2_factor": ParameterSpec(
        "process CO2 per t of material", (("tCO2/t", 0.0001, 3.6667),)
    ),
}


SCHEMA = {
    "parameter": pl.String,
    "subject": pl.String,
    "region": pl.String,
    "year": pl.Int32,
    "variant": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}


def validate_frame(raw: pl.DataFrame, file: str) -> pl.DataFrame:
    """Cast and check a factor frame; ``row`` in errors is the spreadsheet row (header: 1)."""
    return check_factors(typed_frame(raw, SCHEMA, REQUIRED, file), file)


def check_factors(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """Units, dimensions, ranges and unique keys of a typed factor frame."""
    carriers = vocabulary.carriers()
    for i, row in enumerate(frame.iter_rows(named=True), start=2):  # header: row 1
        _check_row(row, file, i, carriers)
    dupes = frame.filter(
        pl.struct("parameter", "subject", "region", "year", "variant", "valid_from").is_duplicated()
    )
    if dupes.height:
        first = dupes.row(0, named=True)
        raise _file_error(
            file,
            None,
            None,
            f"duplicate factor for the same key: {first['parameter']} {first['subject']}",
        )
    return frame


def _check_row(row: dict[str, Any], file: str, i: int, carriers: pl.DataFrame) -> None:
    spec = PARAMETERS.get(row["parameter"])
    if spec is None:
        raise _file_error(
            file,
            i,
            "parameter",
            f"unknown parameter {row['parameter']!r}; known: {sorted(PARAMETERS)}",
        )
    unit = row["unit"]
    try:
        q = parse_unit(unit)
    except CarbonacctError as exc:
        raise _file_error(file, i, "unit", exc.message) from None
    for ref_unit, lo, hi in spec.ranges:
        ref = parse_unit(ref_unit)
        if q.dimensionality == ref.dimensionality:
            value = row["value"] * conversion_factor(unit, ref_unit)
            if not lo <= value <= hi:
                raise _file_error(
                    file,
                    i,
                    "value",
                    f"{row['value']} {unit} ({value:.6g} {ref_unit}) is outside the plausible range "
                    f"[{lo}, {hi}] {ref_unit} of a {spec.description}",
                )
            break
    else:
        wanted = " or ".join(r[0] for r in spec.ranges)
        raise _file_error(
            file,
            i,
            "unit",
            f"unit {unit!r} has the wrong dimension for a {spec.description}; expected a unit like {wanted}",
        )
    if spec.per_carrier:
        match = carriers.filter(pl.col("code") == row["subject"])
        if match.height:
            _check_carrier_unit(match.row(0, named=True), unit, spec.per_carrier, file, i)


def _check_carrier_unit(
    carrier: dict[str, Any], unit: str, numerator: str, file: str, i: int
) -> None:
    """A per-carrier factor times one unit of the carrier must give ``numerator``."""
    target = parse_unit(numerator).dimensionality
    bases = [carrier["canonical_unit"]]
    if carrier["category"] in ("gas_fuel", "steam"):
        bases.append(
            "t" if carrier["dimension"] != "mass" else "GJ"
        )  # IPCC mass basis; steam as heat
    if carrier["category"] == "electricity":
        bases.append("GJ")
    for base in bases:
        if (parse_unit(unit) * parse_unit(base)).dimensionality == target:
            return
    raise _file_error(
        file,
        i,
        "unit",
        f"unit {unit!r} does not apply to {carrier['code']}, which is measured in "
        f"{carrier['canonical_unit']} ({carrier['dimension']})",
    )
