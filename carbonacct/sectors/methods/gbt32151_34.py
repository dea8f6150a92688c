"""Carbon materials: GB/T 32151.34-2024 (炭素材料生产企业).

GB/T 32151.34-2024 碳排放核算与报告要求 第34部分：炭素材料生产企业 (issued
2024-08-23, in force 2025-03-01). The project's reference notes hold its
附录C rows (表C.1 natural gas, secondary (3); 表C.2 carbonates, secondary (1))
but not its clause text; the clause numbers below (5.2.1–5.2.7) are those one third-party
implementation cites and were not read in the standard itself.

Direct emissions (直接排放)::

    E_direct = E_fuel + E_calcination + E_baking + E_graphitisation + E_fume + E_FGD

* ``E_fuel`` (``fuel``, 5.2.1): AD × NCV × CC × OF × 44/12 or AD × C × OF × 44/12.
* ``E_calcination``, ``E_baking``, ``E_graphitisation`` (``carbon_balance_in``
  / ``carbon_balance_out`` lines tagged with the process 煅烧 / 焙烧 / 石墨化,
  5.2.2–5.2.4): the carbon balance of each process, (Σ carbon in − Σ carbon
  out) × 44/12 (raw coke, pitch, green and baked products, packing coke in;
  calcined coke, baked and graphitised products, dust and losses that keep
  their carbon out). A volatile-matter methane term, where one is applied, is
  a ``carbon_balance_in`` line of the volatile matter with its carbon content
  (the methane share × 12/16).
* ``E_fume`` (``off_gas``, 5.2.5.1): the carbon of the incinerated fume (沥青烟)
  burnt, mass [t] × C × OF × 44/12 or mass × NCV × CC × OF × 44/12; the mass is
  flow [Nm3/h] × concentration [mg/Nm3] × hours × 10^-9.
* ``E_FGD`` (``sorbent``, 5.2.5.2): desulfurisation sorbent, AD × I × EF × TR:
  carbonate content I, the carbonate's factor from 表C.2 and the conversion rate
  TR (the opt-in default set gives I 90 % and TR 100 %).

Indirect emissions (间接排放, 5.2.6–5.2.7)::

    E_indirect = E_elec,purchased + E_heat,purchased − E_elec,exported − E_heat,exported

Electricity [MWh] × its factor (the user's: the standard's grid factor was not
read); heat [GJ] × its factor (for purchased heat named 热力/蒸汽 the opt-in default
set gives 0.11 tCO2/GJ, the GB/T 32150-2025 default; exported heat needs the user's).
Steam given by mass becomes heat as mass × enthalpy or as mass × (enthalpy −
feed-water enthalpy); which one this part uses is not graded in the reference,
so a steam line needs the option ``steam_basis`` chosen explicitly.
``E_total = E_direct + E_indirect``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import polars as pl

from carbonacct.errors import InputError, format_rows
from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods._common import (
    ENERGY,
    account_lines,
    check_common_options,
    check_energy_units,
    combustion_co2,
    energy_co2,
    energy_sets,
    fuel_sets,
    steam_as_heat,
    steam_basis,
)
from carbonacct.sectors.methods.carbon_balance import (
    BALANCE_IN,
    BALANCE_OUT,
    balance_co2,
    check_balances,
)

__all__ = ["BALANCE_PROCESSES", "METHODS", "CarbonMaterials", "sorbent_co2"]

DOCUMENT = (
    "GB/T 32151.34-2024 碳排放核算与报告要求 第34部分：炭素材料生产企业 (issued 2024-08-23, "
    "in force 2025-03-01)"
)
_C = "GB/T 32151.34-2024"
#: The opt-in default set (never applied unless named), as a missing value's error names it.
DEFAULT_SET = "carbon-materials-gbt32151.34-2024"
_OPT_IN = f"or opt in: --default-set {DEFAULT_SET}"

#: The processes accounted by a carbon balance (the engine maps 煅烧, 焙烧, 石墨化 to them).
BALANCE_PROCESSES: dict[str, tuple[str, ...]] = {
    "calcination": ("calcination", "煅烧", "煅烧工序"),
    "baking": ("baking", "焙烧", "焙烧工序", "roasting"),
    "graphitisation": ("graphitisation", "graphitization", "石墨化", "石墨化工序"),
}

#: Emission source → clause (numbers as one third-party implementation cites them; see above).
CLAUSES: dict[str, str] = {
    "combustion": f"{_C} 5.2.1 (fuel combustion; 附录C 表C.1)",
    "calcination": f"{_C} 5.2.2 (calcination carbon balance)",
    "baking": f"{_C} 5.2.3 (baking carbon balance)",
    "graphitisation": f"{_C} 5.2.4 (graphitisation carbon balance)",
    "fume_incineration": f"{_C} 5.2.5.1 (fume / off-gas incineration)",
    "desulfurisation": f"{_C} 5.2.5.2 (desulfurisation sorbent; 附录C 表C.2)",
    "electricity": f"{_C} 5.2.6 (purchased electricity)",
    "heat": f"{_C} 5.2.7 (purchased heat)",
    "electricity_export": f"{_C} 5.2.6 (exported electricity, deducted)",
    "heat_export": f"{_C} 5.2.7 (exported heat, deducted)",
}
DIRECT = (
    "combustion",
    "calcination",
    "baking",
    "graphitisation",
    "fume_incineration",
    "desulfurisation",
)
INDIRECT = ("electricity", "heat", "electricity_export", "heat_export")
_SOURCE: dict[str, str | pl.Expr] = {
    "fuel": "combustion",
    BALANCE_IN: pl.col("_balance"),
    BALANCE_OUT: pl.col("_balance"),
    "off_gas": "fume_incineration",
    "sorbent": "desulfurisation",
    "electricity": "electricity",
    "electricity_export": "electricity_export",
    "heat": "heat",
    "heat_export": "heat_export",
    "product_output": "",
}


def sorbent_co2() -> pl.Expr:
    """Desulfurisation sorbent [tCO2]: AD [t] × I × EF [tCO2/t carbonate] × TR.

    Examples
    --------
    400 t of limestone at the default 90 % CaCO3, 0.440 tCO2/t (表C.2) and
    100 % conversion: 400 × 0.90 × 0.440 × 1 = 158.4 t.

    >>> import polars as pl
    >>> round(pl.DataFrame({"quantity": [400.0], "purity": [0.90], "emission_factor": [0.440],
    ...     "conversion_rate": [1.0]}).select(sorbent_co2()).item(), 6)
    158.4
    """
    return (
        pl.col("quantity")
        * pl.col("purity")
        * pl.col("emission_factor")
        * pl.col("conversion_rate")
    )


def _balance(lines: pl.DataFrame, document: str) -> pl.DataFrame:
    """Each balance line's process (calcination, baking, graphitisation) in ``_balance``."""
    col = pl.col("process").cast(pl.String).str.strip_chars().str.to_lowercase()
    name = pl.lit(None, dtype=pl.String)
    for process, aliases in reversed(BALANCE_PROCESSES.items()):
        name = pl.when(col.is_in(list(aliases))).then(pl.lit(process)).otherwise(name)
    out = lines.with_columns(name.alias("_balance"))
    bad = out.filter(
        pl.col("category").is_in([BALANCE_IN, BALANCE_OUT]) & pl.col("_balance").is_null()
    )
    if bad.height:
        cols = [c for c in ("table", "row", "month", "process", "material") if c in bad.columns]
        raise InputError(
            f"{document}: a carbon balance line needs its process, 煅烧 (calcination), 焙烧 "
            "(baking) or 石墨化 (graphitisation), in the 工序 column (5.2.2–5.2.4):"
            + format_rows(bad.select(cols).to_dicts()),
            rows=bad.height,
        )
    return out


@dataclass(frozen=True)
class CarbonMaterials:
    """GB/T 32151.34-2024 carbon materials (炭素材料生产企业).

    Options (``RecordOptions.choices``): ``steam_basis`` (``enthalpy`` or
    ``enthalpy_above_feedwater``) where steam is given by mass; no default.
    The default set ``carbon-materials-gbt32151.34-2024`` (表C.1/表C.2 values,
    graded secondary) is opt-in: applied only when named (``default_set=``).
    """

    id: str = "carbon-materials-gbt32151.34"
    document: str = DOCUMENT
    clauses: Mapping[str, str] = field(default_factory=lambda: dict(CLAUSES))
    categories: tuple[str, ...] = tuple(_SOURCE)
    default_set: str | None = None
    rounding: str | None = None
    product: str | None = None
    sources: tuple[str, ...] = DIRECT + INDIRECT

    def check_options(self, options: RecordOptions) -> None:
        check_common_options(self.id, options)

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        if category == "fuel":
            first, *others = fuel_sets(CLAUSES["combustion"])
            opt_in = f"{first.clause}; {_OPT_IN} (表C.1, secondary (2)/(3))"
            return (replace(first, clause=opt_in), *others)
        if category == "off_gas":
            return fuel_sets(CLAUSES["fume_incineration"])
        if category in (BALANCE_IN, BALANCE_OUT):
            sign = "" if category == BALANCE_IN else "−"
            return (
                ParameterSet(
                    "carbon_content",
                    ("carbon_content",),
                    f"{_C} 5.2.2–5.2.4 (carbon balance)",
                    f"{sign}AD × C × 44/12",
                ),
            )
        if category == "sorbent":
            return (
                ParameterSet(
                    "sorbent",
                    ("purity", "emission_factor", "conversion_rate"),
                    f"{CLAUSES['desulfurisation']}; {_OPT_IN} (表C.2 EF, I 90 %, TR 100 %, "
                    "secondary (1))",
                    "AD × I × EF × TR",
                ),
            )
        if category in ENERGY:
            opt_in = f"; {_OPT_IN} (0.11 tCO2/GJ, secondary (2))" if category == "heat" else ""
            return energy_sets(category, CLAUSES[category] + opt_in, options)
        return (ParameterSet("output", (), f"{_C}, output", "intensity denominator"),)

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        basis = steam_basis(options)
        check_energy_units(lines, basis, self.id)
        framed = _balance(lines, self.id)
        check_balances(framed, self.id, by=("_balance",))

        def co2(category: str, chosen: str | None) -> pl.Expr:
            if category in ("fuel", "off_gas"):
                return combustion_co2(chosen)
            if category in (BALANCE_IN, BALANCE_OUT):
                return balance_co2()
            if category == "sorbent":
                return sorbent_co2()
            return energy_co2(category, basis, chosen)

        out = account_lines(framed, lambda c: self.requirements(c, options), co2, _SOURCE)
        return steam_as_heat(out.drop("_balance"), basis)

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """Direct, indirect and total emissions [t] from the sums by source.

        Exports are negative sums already, so indirect = purchased − exported.

        Examples
        --------
        >>> t = CarbonMaterials().totals({"combustion": 10.0, "baking": 5.0,
        ...     "electricity": 8.0, "electricity_export": -3.0, "heat_export": -1.0})
        >>> t["co2_direct_t"], t["co2_indirect_t"], t["co2_t"]
        (15.0, 4.0, 19.0)
        """
        direct = sum(by_source.get(s, 0.0) for s in DIRECT)
        indirect = sum(by_source.get(s, 0.0) for s in INDIRECT)
        return {"co2_direct_t": direct, "co2_indirect_t": indirect, "co2_t": direct + indirect}


METHODS = (CarbonMaterials(),)
