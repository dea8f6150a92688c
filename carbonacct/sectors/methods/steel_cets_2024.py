"""Steel: 企业温室气体排放核算与报告指南 钢铁行业 (CETS—AG—03.01—V01—2024), MEE, 2025.

The enterprise-level emission of the national-ETS steel guideline:

- S-1  ``E_fuel = Σ FC_i × NCV_i × CC_i [× OF_i] × 44/12``: fossil fuel burnt
  [t or 10^4 Nm3] × net calorific value [GJ per unit] × carbon content per
  heat [tC/GJ], or
- S-1′ ``E_fuel = Σ FC_i × C_ar,i [× OF_i] × 44/12`` where the elemental
  carbon [tC per unit] is measured;
- S-2  ``E_proc = Σ M_j × EF_j``: fluxes, electrodes and purchased
  carbon-bearing raw materials (net amount purchased and used, t) × their
  factor [tCO2/t] (or carbon content × 44/12);
- S-3  ``E_prod = Σ P_k × EF_k``: carbon leaving in products (crude steel,
  crude benzene, coal tar …), deducted;
- S-4  ``E_ent = E_fuel + E_proc − E_prod``;
- S-5  ``E_ent = E_process-level + E_captive-power + E_other`` (the
  by-process table: lines tagged with their 工序 sum to the enterprise total);
- S-6  ``I = E_ent / P_crude steel`` [tCO2/t crude steel, 4 dp].

Purchased and exported electricity and heat are auxiliary report items,
outside the ETS total (their amounts are reported, no CO2 is added).

**Oxidation rate.** Whether OF applies at enterprise level is in conflict in
the sources (graded C: one implementation multiplies by 98 %/99 %; the
guideline's mass-balance reading applies none), so the method needs an
explicit ``oxidation="none"`` or ``"applied"`` (the rates then come from the
record or the materials declaration: none is shipped).

References
----------
MEE, 企业温室气体排放核算与报告指南 钢铁行业, CETS—AG—03.01—V01—2024, issued
2025-01-21 (formulas as implemented by independent copies; the text of its
附录A was not read, so its defaults ship as the secondary set
``steel-cets-2024-s2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from carbonacct.errors import OptionError
from carbonacct.sectors._protocol import ParameterSet, RecordOptions

__all__ = ["METHODS", "SteelCETS2024"]

C_TO_CO2 = 44 / 12

#: The guideline's formulas by id.
FORMULAS = {
    "S-1": "E_fuel = Σ FC × NCV × CC [× OF] × 44/12",
    "S-1′": "E_fuel = Σ FC × C_ar [× OF] × 44/12",
    "S-2": "E_proc = Σ M × EF (or M × C × 44/12)",
    "S-3": "E_prod = Σ P × EF (or P × C × 44/12), deducted",
    "S-4": "E_ent = E_fuel + E_proc − E_prod",
    "S-5": "E_ent = E_process-level + E_captive-power + E_other",
    "S-6": "I = E_ent / P_crude steel (4 dp)",
}

_CLAUSES = {
    "combustion": "S-1 / S-1′",
    "process": "S-2",
    "carbon_products": "S-3",
    "total": "S-4",
    "by_process": "S-5",
    "intensity": "S-6",
    "auxiliary": "purchased and exported electricity and heat: auxiliary items outside the ETS total",
}

_SOURCE = {
    "fuel": "combustion",
    "process": "process",
    "carbon_product": "carbon_products",
    # electricity and heat are auxiliary amounts (totals' *_MWh, *_GJ), outside the ETS total:
    # no emission source of their own
}


def _fuel_sets(applied: bool) -> tuple[ParameterSet, ...]:
    of = ("oxidation_rate",) if applied else ()
    return (
        ParameterSet("ncv_cc", ("ncv", "carbon_content_per_heat", *of), "S-1", FORMULAS["S-1"]),
        # S-1′ applies where the elemental carbon content is measured: then it wins over NCV × CC
        ParameterSet(
            "carbon_content", ("carbon_content", *of), "S-1′", FORMULAS["S-1′"], when_given=True
        ),
    )


def _material_sets(clause: str) -> tuple[ParameterSet, ...]:
    return (
        ParameterSet("emission_factor", ("emission_factor",), clause, FORMULAS[clause]),
        ParameterSet("carbon_content", ("carbon_content",), clause, FORMULAS[clause]),
    )


def _col(lines: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in lines.columns else pl.lit(None, dtype=pl.Float64)


@dataclass(frozen=True)
class SteelCETS2024:
    """The MEE steel guideline (CETS—AG—03.01—V01—2024) on a monthly record."""

    id: str = "steel-cets-2024"
    document: str = (
        "企业温室气体排放核算与报告指南 钢铁行业 (CETS—AG—03.01—V01—2024), MEE, issued 2025-01-21"
    )
    clauses: Mapping[str, str] = field(default_factory=lambda: dict(_CLAUSES))
    categories: tuple[str, ...] = (
        "fuel",
        "process",
        "carbon_product",
        "product_output",
        "electricity",
        "heat",
        "electricity_export",
        "heat_export",
    )
    default_set: str | None = "steel-cets-2024-s2"
    rounding: str | None = "steel-cets-2024"
    product: str | None = "crude_steel"
    sources: tuple[str, ...] = ("combustion", "process", "carbon_products")

    def check_options(self, options: RecordOptions) -> None:
        if options.oxidation not in ("none", "applied"):
            raise OptionError(
                f"{self.id}: whether fuel carbon is multiplied by an oxidation rate is not settled "
                "(sources conflict, graded C: one implementation applies 98 %/99 %, a mass-balance "
                "reading of the guideline applies none), so it has no default. Choose "
                "oxidation='none' (--oxidation none) or oxidation='applied' (--oxidation applied; "
                f"the rates then from the record or materials); got {options.oxidation!r}.",
                option="oxidation",
                value=options.oxidation,
            )

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        if category == "fuel":
            return _fuel_sets(options.oxidation == "applied")
        if category == "process":
            return _material_sets("S-2")
        if category == "carbon_product":
            return _material_sets("S-3")
        if category == "product_output":
            return (ParameterSet("amount", (), "S-6", FORMULAS["S-6"]),)
        return (ParameterSet("amount", (), "auxiliary", _CLAUSES["auxiliary"]),)

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        of = _col(lines, "oxidation_rate") if options.oxidation == "applied" else pl.lit(1.0)
        q = pl.col("quantity")
        by_carbon = q * _col(lines, "carbon_content") * C_TO_CO2
        fuel = (
            pl.when(pl.col("parameter_set") == "ncv_cc")
            .then(q * _col(lines, "ncv") * _col(lines, "carbon_content_per_heat") * C_TO_CO2)
            .otherwise(by_carbon)
            * of
        )
        material = (
            pl.when(pl.col("parameter_set") == "emission_factor")
            .then(q * _col(lines, "emission_factor"))
            .otherwise(by_carbon)
        )
        cat = pl.col("category")
        co2 = (
            pl.when(cat == "fuel")
            .then(fuel)
            .when(cat == "process")
            .then(material)
            .when(cat == "carbon_product")
            .then(-material)
            .otherwise(0.0)
        )
        return lines.with_columns(
            cat.replace_strict(_SOURCE, default=None, return_dtype=pl.String).alias("source"),
            co2.alias("co2_t"),
        )

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        fuel = by_source.get("combustion", 0.0)
        process = by_source.get("process", 0.0)
        products = -by_source.get("carbon_products", 0.0)
        return {
            "co2_combustion_t": fuel,
            "co2_process_t": process,
            "co2_carbon_products_t": products,
            "co2_t": fuel + process - products,
        }


METHODS = (SteelCETS2024(),)
