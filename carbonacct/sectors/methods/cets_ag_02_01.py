"""Cement (水泥行业): the MEE national-ETS guideline CETS—AG—02.01—V01—2024.

Clinker production facility (熟料生产设施, per line) and enterprise level:

* C-2 fuel combustion: FC × NCV × CC × OF × 44/12 (OF by equipment is S(1): required);
* C-1 clinker process emission: clinker [t] × EF of its clinker type [tCO2/t] − Σ non-carbonate
  alternative raw material [t] × its 扣减系数 [tCO2/t];
* alternative fuels, fossil (non-biomass) carbon only (C-6 of GB/T 32151.8, see
  :mod:`carbonacct.sectors.methods.gbt32151_8`; whether the 2024 guideline has its own line is R);
* C-3 auxiliary item 购入净电（化石）和净热: net purchased electricity × its fossil share × the grid
  factor the reporting year prescribes, and net heat × its factor. Outside the ETS total.

Intensity per tonne of clinker. The EF by clinker type (Portland 0.535, white 0.550 …) and the
deduction coefficients (0.600 … 0.055) rest on one implementation (S(1)) and are **not shipped**:
every clinker line needs its ``emission_factor`` and every substitute its ``deduction_coefficient``
from the user, with the clause (C-1) named when missing. The CaO/MgO inputs of the older method do
not enter here (trap: deducting twice).

References
----------
CETS—AG—02.01—V01—2024 企业温室气体排放核算与报告指南 水泥行业, MEE office notice of 2024-09-13, in force
on issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods._cets_lines import (
    category_expr,
    ensure_columns,
    fuel_co2,
    refuse_lines,
    source_sums,
)
from carbonacct.sectors.methods.gbt32151_8 import alternative_fuel_co2

__all__ = [
    "CEMENT_AUXILIARY",
    "CementCets2024",
    "auxiliary_electricity_co2",
    "auxiliary_heat_co2",
    "clinker_type_co2",
    "non_carbonate_deduction",
]

GUIDELINE = "CETS—AG—02.01—V01—2024"

#: The parameter sets every cement route shares (fuel, alternative fuel, auxiliary items).
CEMENT_AUXILIARY: dict[str, tuple[ParameterSet, ...]] = {
    "fuel": (
        ParameterSet(
            "ncv_cc_of",
            ("ncv", "carbon_content_per_heat", "oxidation_rate"),
            f"{GUIDELINE} C-2",
            "FC × NCV × CC × OF × 44/12",
        ),
    ),
    "alternative_fuel": (
        ParameterSet(
            "ncv_cc_fossil",
            ("ncv", "carbon_content_per_heat", "fossil_fraction"),
            "GB/T 32151.8-2015 C-6",
            "Q × NCV × CC × 44/12 × fossil share",
        ),
    ),
    "electricity": (
        ParameterSet(
            "fossil_grid",
            ("fossil_fraction", "emission_factor"),
            f"{GUIDELINE} C-3 (auxiliary 购入净电（化石）: the fossil share and the grid factor the reporting year prescribes; none is shipped)",
            "net purchased MWh × fossil share × grid factor",
        ),
    ),
    "heat": (
        ParameterSet(
            "heat_factor",
            ("emission_factor",),
            f"{GUIDELINE} C-3 (auxiliary 净热; default_set cement-cets-2024-s2 gives 0.11 tCO2/GJ, secondary (2))",
            "net purchased GJ × factor",
        ),
    ),
}


def clinker_type_co2() -> pl.Expr:
    """C-1, first term [tCO2]: clinker [t] × the EF of its clinker type [tCO2/t clinker].

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [1_000_000.0], "emission_factor": [0.535]})
    >>> df.select(clinker_type_co2()).item()
    535000.0
    """
    return pl.col("quantity") * pl.col("emission_factor")


def non_carbonate_deduction() -> pl.Expr:
    """C-1, second term [tCO2, negative]: substitute [t] × its 扣减系数 [tCO2/t].

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [50_000.0], "deduction_coefficient": [0.480]})
    >>> df.select(non_carbonate_deduction()).item()
    -24000.0
    """
    return -(pl.col("quantity") * pl.col("deduction_coefficient"))


def auxiliary_electricity_co2() -> pl.Expr:
    """C-3 [tCO2]: net purchased electricity [MWh] × fossil share × grid factor [tCO2/MWh].

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [10_000.0], "fossil_fraction": [0.8],
    ...                    "emission_factor": [0.5366]})
    >>> round(df.select(auxiliary_electricity_co2()).item(), 2)
    4292.8
    """
    return pl.col("quantity") * pl.col("fossil_fraction") * pl.col("emission_factor")


def auxiliary_heat_co2() -> pl.Expr:
    """C-3 [tCO2]: net purchased heat [GJ] × factor [tCO2/GJ].

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [5_000.0], "emission_factor": [0.11]})
    >>> round(df.select(auxiliary_heat_co2()).item(), 2)
    550.0
    """
    return pl.col("quantity") * pl.col("emission_factor")


AUXILIARY_SOURCES = ("electricity", "heat")


def auxiliary_terms() -> dict[str, tuple[str, str, pl.Expr]]:
    """Category → (source, formula, CO2) for fuel, alternative fuel and the auxiliary items."""
    return {
        "fuel": ("combustion", f"{GUIDELINE} C-2", fuel_co2()),
        "alternative_fuel": ("alternative_fuel", "GB/T 32151.8-2015 C-6", alternative_fuel_co2()),
        "electricity": ("electricity", f"{GUIDELINE} C-3", auxiliary_electricity_co2()),
        "heat": ("heat", f"{GUIDELINE} C-3", auxiliary_heat_co2()),
    }


def cement_totals(by_source: Mapping[str, float]) -> dict[str, float]:
    """ETS total (combustion + alternative fuels + process) and the auxiliary items apart."""
    direct = ("combustion", "alternative_fuel", "process")
    return {
        "co2_t": source_sums(by_source, direct),
        "co2_combustion_t": source_sums(by_source, ("combustion", "alternative_fuel")),
        "co2_process_t": source_sums(by_source, ("process",)),
        "co2_auxiliary_electricity_t": source_sums(by_source, ("electricity",)),
        "co2_auxiliary_heat_t": source_sums(by_source, ("heat",)),
    }


AUXILIARY_PARAMETERS = (
    "ncv",
    "carbon_content_per_heat",
    "oxidation_rate",
    "fossil_fraction",
    "emission_factor",
)


@dataclass(frozen=True)
class CementCets2024:
    """The MEE 2024 cement guideline: clinker type × EF − non-carbonate substitutes × coefficient."""

    id: str = "cement-cets-2024"
    document: str = (
        "企业温室气体排放核算与报告指南 水泥行业 CETS—AG—02.01—V01—2024 (MEE, 2024-09-13)"
    )
    clauses: Mapping[str, str] = field(
        default_factory=lambda: {
            "combustion": f"{GUIDELINE} C-2: FC × NCV × CC × OF × 44/12",
            "process": f"{GUIDELINE} C-1: Q_cl × EF_cl(type) − Σ Q_alt × F",
            "alternative_fuel": "GB/T 32151.8-2015 C-6: Q × NCV × CC × 44/12 × fossil share",
            "electricity": f"{GUIDELINE} C-3 auxiliary: MWh × fossil share × grid factor",
            "heat": f"{GUIDELINE} C-3 auxiliary: GJ × factor",
        }
    )
    categories: tuple[str, ...] = (
        "fuel",
        "alternative_fuel",
        "clinker",
        "non_carbonate_raw",
        "electricity",
        "heat",
    )
    default_set: str | None = None
    rounding: str | None = "line_0.01t"
    product: str | None = "clinker"
    sources: tuple[str, ...] = ("combustion", "alternative_fuel", "process", *AUXILIARY_SOURCES)

    def check_options(self, options: RecordOptions) -> None:
        """Nothing to choose: the C-1 factors come from the record or the materials."""

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        """The parameter sets of ``category`` (C-1 needs the EF of the clinker type, required)."""
        own = {
            "clinker": (
                ParameterSet(
                    "clinker_type_ef",
                    ("emission_factor",),
                    f"{GUIDELINE} C-1 (EF of the clinker type)",
                    "Q_cl × EF_cl",
                ),
            ),
            "non_carbonate_raw": (
                ParameterSet(
                    "deduction",
                    ("deduction_coefficient",),
                    f"{GUIDELINE} C-1 (扣减系数 of the non-carbonate raw material)",
                    "− Q_alt × F",
                ),
            ),
        }
        return {**CEMENT_AUXILIARY, **own}.get(category, ())

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        """Each line's CO2 [t] by C-1, C-2, C-6 and C-3 (deductions negative)."""
        lines = ensure_columns(
            lines, (*AUXILIARY_PARAMETERS, "deduction_coefficient", "cao_content", "mgo_content")
        )
        _refuse_oxides(lines)
        terms = {
            **auxiliary_terms(),
            "clinker": ("process", f"{GUIDELINE} C-1", clinker_type_co2()),
            "non_carbonate_raw": ("process", f"{GUIDELINE} C-1", non_carbonate_deduction()),
        }
        return lines.with_columns(*category_expr(terms))

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """E = combustion + alternative fuels + clinker process; electricity and heat apart."""
        return cement_totals(by_source)


def _refuse_oxides(lines: pl.DataFrame) -> None:
    """CaO/MgO contents belong to the GB/T 32151.8 route: with C-1 they would correct twice."""
    refuse_lines(
        lines,
        pl.col("cao_content").is_not_null() | pl.col("mgo_content").is_not_null(),
        lambda _: (
            f"CaO/MgO contents are not used by {GUIDELINE} C-1: its clinker EF by type "
            "already covers calcination and its substitutes are deducted by coefficient. Use method "
            "'cement-gbt32151.8-2015' for the CaO/MgO route, or drop these rows"
        ),
        f"{GUIDELINE} C-1",
    )


METHODS = (CementCets2024(),)
