"""Chemicals: GB/T 32151.10 (化工生产企业), on the 2013 NDRC chemicals method.

Which text this rests on
------------------------
GB/T 32151.10-2023 (in force 2024-07-01) replaces the 2015 edition, but its
text was not read. The formulas below are those of the 2013 NDRC
《中国化工生产企业温室气体排放核算方法与报告指南（试行）》, which is the
basis of GB/T 32151.10-2015, as the project's reference notes give them
(sector methods §7.1; grade S(1) plus recall). Clause numbers of either text
were not read, so each formula is cited by its term in the guideline's total.
Every result records this in its provenance.

The total (reported without and with net purchased electricity and heat)::

    E = E_fuel + E_proc − R_CO2 + E_elec + E_heat
    E_proc = E_raw + E_carb + E_N2O,nitric + E_N2O,adipic

* ``E_fuel`` (``fuel``): AD × NCV × CC × OF × 44/12, or AD × C × OF × 44/12.
* ``E_raw`` (``carbon_balance_in`` / ``carbon_balance_out``): the carbon mass
  balance by process, [Σ AD_r × CC_r − (Σ Y_p × CC_p + Σ Q_w × CC_w)] × 44/12:
  feedstocks in, products and wastes (炉渣, 粉尘, 污泥) out.
* ``E_carb`` (``carbonate``, and ``sorbent`` for desulfurisation carbonates):
  Σ AD × EF × PUR.
* ``E_N2O`` (``process``, nitric or adipic acid): AD × EF_N2O × (1 − η × μ) ×
  GWP_N2O, with η the abatement efficiency and μ its use rate.
* ``R_CO2`` (``carbon_product``): CO2 recovered and supplied outside the
  boundary, AD [t] × PUR, deducted.
* ``E_elec``, ``E_heat``: net purchased electricity [MWh] and heat [GJ] × their
  factors (exports deducted).

Steam: the 2013 NDRC guidelines convert steam to heat as mass × (enthalpy −
83.74 kJ/kg), i.e. above feed water at 20 °C, but the reference grades that
formula unverified, so no basis is assumed: a steam line needs the option
``steam_basis`` (and, above feed water, the user's ``feedwater_enthalpy``).

No default is shipped: the reference grades none of this method's values
S(2) or better (the N2O factors, abatement efficiencies, GWP 310 and the CO2
density 19.77 t/10^4 Nm3 are S(1) or recalled). Every parameter is the user's,
measured or declared, and the GWP set is named explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods._common import (
    ENERGY,
    account_lines,
    check_common_options,
    check_energy_units,
    choice_in,
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

__all__ = [
    "METHODS",
    "Chemicals",
    "carbonate_co2",
    "co2_recovered",
    "n2o_co2e",
]

DOCUMENT = (
    "GB/T 32151.10 碳排放核算与报告要求 第10部分：化工生产企业 — formulas of GB/T 32151.10-2015 "
    "and of the 2013 NDRC 中国化工生产企业温室气体排放核算方法与报告指南（试行）; the 2023 "
    "revision's text was not read"
)
_C = "GB/T 32151.10-2015 / NDRC 2013 chemicals"

#: Emission source → the term of the guideline's total that accounts it.
CLAUSES: dict[str, str] = {
    "combustion": f"{_C}, E_fuel (fossil fuel combustion)",
    "feedstock": f"{_C}, E_raw (carbon mass balance of feedstocks by process)",
    "carbonate": f"{_C}, E_carb (carbonate use)",
    "n2o": f"{_C}, E_N2O (nitric and adipic acid production)",
    "co2_recovered": f"{_C}, R_CO2 (CO2 recovered and supplied outside, deducted)",
    "electricity": f"{_C}, E_elec (net purchased electricity)",
    "heat": f"{_C}, E_heat (net purchased heat)",
}
_SOURCE: dict[str, str] = {
    "fuel": "combustion",
    BALANCE_IN: "feedstock",
    BALANCE_OUT: "feedstock",
    "carbonate": "carbonate",
    "sorbent": "carbonate",
    "process": "n2o",
    "carbon_product": "co2_recovered",
    "electricity": "electricity",
    "electricity_export": "electricity",
    "heat": "heat",
    "heat_export": "heat",
    "product_output": "",
}
_GWP_SETS = ("SAR", "AR4", "AR5", "AR6")


def carbonate_co2() -> pl.Expr:
    """Carbonate use [tCO2]: AD [t] × EF [tCO2/t carbonate] × PUR [fraction].

    Examples
    --------
    50 t of limestone at 92 % CaCO3 and 0.440 tCO2/t: 50 × 0.440 × 0.92 = 20.24 t.

    >>> import polars as pl
    >>> round(pl.DataFrame({"quantity": [50.0], "emission_factor": [0.440],
    ...     "purity": [0.92]}).select(carbonate_co2()).item(), 6)
    20.24
    """
    return pl.col("quantity") * pl.col("emission_factor") * pl.col("purity")


def n2o_co2e(gwp_n2o: float) -> pl.Expr:
    """Nitric or adipic acid N2O [tCO2e]: AD × EF_N2O × (1 − η × μ) × GWP.

    ``quantity`` is the acid produced [t], ``n2o_factor`` [tN2O/t acid],
    ``abatement_efficiency`` η and ``abatement_use`` μ [fractions].

    Examples
    --------
    10 000 t of nitric acid at 0.0080 tN2O/t, NSCR η = 85 % used μ = 90 %, GWP 310:
    10 000 × 0.0080 × (1 − 0.85 × 0.90) × 310 = 80 × 0.235 × 310 = 5 828 t.

    >>> import polars as pl
    >>> acid = pl.DataFrame({"quantity": [10_000.0], "n2o_factor": [0.0080],
    ...     "abatement_efficiency": [0.85], "abatement_use": [0.90]})
    >>> round(acid.select(n2o_co2e(310)).item(), 6)
    5828.0
    """
    abated = pl.col("abatement_efficiency") * pl.col("abatement_use")
    return pl.col("quantity") * pl.col("n2o_factor") * (1 - abated) * gwp_n2o


def co2_recovered(chosen: str | None) -> pl.Expr:
    """CO2 recovered and supplied outside [tCO2], negative: −AD × PUR, or −AD × EF.

    A quantity in t of recovered gas uses its CO2 purity (set ``purity``); a
    quantity in 10^4 Nm3 needs the user's tCO2 per 10^4 Nm3 (set
    ``emission_factor``).
    """
    if chosen == "purity":
        return -pl.col("quantity") * pl.col("purity")
    return -pl.col("quantity") * pl.col("emission_factor")


def gwp_n2o(gwp_set: str) -> float:
    """The N2O GWP-100 of a named IPCC set, from the library's ``ipcc-gwp100`` data."""
    from carbonacct.factors import default_library

    return default_library().resolve("gwp100", "N2O", variant=gwp_set).value


def _carbon_content_set(clause: str) -> ParameterSet:
    return ParameterSet("carbon_content", ("carbon_content",), clause, "AD × CC × 44/12")


@dataclass(frozen=True)
class Chemicals:
    """GB/T 32151.10 chemicals (on the 2015 edition and the 2013 NDRC method).

    Options (``RecordOptions.choices``): ``steam_basis`` (``enthalpy`` or
    ``enthalpy_above_feedwater``) where steam is given by mass, and
    ``gwp_set`` (``SAR``, ``AR4``, ``AR5``, ``AR6``) where nitric or adipic
    acid N2O is accounted. Neither has a default.
    """

    id: str = "chemicals-gbt32151.10"
    document: str = DOCUMENT
    clauses: Mapping[str, str] = field(default_factory=lambda: dict(CLAUSES))
    categories: tuple[str, ...] = tuple(_SOURCE)
    default_set: str | None = None
    rounding: str | None = None
    product: str | None = None
    sources: tuple[str, ...] = tuple(CLAUSES)

    def check_options(self, options: RecordOptions) -> None:
        check_common_options(self.id, options)
        choice_in(options, "gwp_set", _GWP_SETS, "the 2013 guideline used SAR")

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        clause = self.clauses.get(_SOURCE.get(category, ""), _C)
        if category == "fuel":
            return fuel_sets(clause)
        if category in (BALANCE_IN, BALANCE_OUT):
            return (_carbon_content_set(clause),)
        if category in ("carbonate", "sorbent"):
            return (
                ParameterSet("carbonate", ("emission_factor", "purity"), clause, "AD × EF × PUR"),
            )
        if category == "process":
            return (
                ParameterSet(
                    "n2o",
                    ("n2o_factor", "abatement_efficiency", "abatement_use"),
                    clause,
                    "AD × EF_N2O × (1 − η × μ) × GWP_N2O",
                ),
            )
        if category == "carbon_product":
            return (
                ParameterSet("purity", ("purity",), clause, "−AD × PUR"),
                ParameterSet("emission_factor", ("emission_factor",), clause, "−AD × EF"),
            )
        if category in ENERGY:
            return energy_sets(category, clause, options)
        return (ParameterSet("output", (), f"{_C}, output", "intensity denominator"),)

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        basis = steam_basis(options)
        check_balances(lines, self.id)
        check_energy_units(lines, basis, self.id)
        acid = lines.filter(pl.col("category") == "process")
        gwp_set = options.choice("gwp_set")
        if acid.height and gwp_set is None:
            raise OptionError(
                f"{self.id}: nitric and adipic acid N2O is CO2e only with a named GWP set, and "
                "the reference grades this method's GWP (310, SAR) as recalled; choose the "
                f"option gwp_set ({', '.join(_GWP_SETS)}) for {acid.height} acid line(s) "
                f"(first: {acid['material'][0]!r}, {acid['month'][0]}).",
                option="gwp_set",
                value=None,
            )
        gwp = gwp_n2o(gwp_set) if acid.height and gwp_set else float("nan")
        by_mass = lines.filter(
            (pl.col("category") == "carbon_product")
            & (pl.col("parameter_set") == "purity")
            & (pl.col("unit") != "t")
        )
        if by_mass.height:
            raise InputError(
                f"{self.id}: recovered CO2 given as a volume needs its tCO2 per unit "
                "(emission_factor: the CO2 density at 0 °C × purity), or give its mass "
                f"in t with its purity (R_CO2): {by_mass.height} line(s), first "
                f"{by_mass['material'][0]!r} in {by_mass['month'][0]} ({by_mass['unit'][0]}).",
                rows=by_mass.height,
            )

        def co2(category: str, chosen: str | None) -> pl.Expr:
            if category == "fuel":
                return combustion_co2(chosen)
            if category in (BALANCE_IN, BALANCE_OUT):
                return balance_co2()
            if category in ("carbonate", "sorbent"):
                return carbonate_co2()
            if category == "process":
                return n2o_co2e(gwp)
            if category == "carbon_product":
                return co2_recovered(chosen)
            return energy_co2(category, basis, chosen)

        out = account_lines(lines, lambda c: self.requirements(c, options), co2, _SOURCE)
        return steam_as_heat(out, basis)

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """The guideline's totals [t] from the sums by source.

        ``co2_process_t`` = feedstock balance + carbonates + N2O; ``co2_direct_t`` =
        combustion + process − CO2 recovered (the total without purchased
        energy); ``co2_indirect_t`` = net purchased electricity + heat;
        ``co2_t`` = both.

        Examples
        --------
        >>> t = Chemicals().totals({"combustion": 100.0, "feedstock": 40.0, "carbonate": 10.0,
        ...     "co2_recovered": -20.0, "electricity": 30.0, "heat": 5.5})
        >>> t["co2_process_t"], t["co2_direct_t"], t["co2_indirect_t"], t["co2_t"]
        (50.0, 130.0, 35.5, 165.5)
        """
        process = sum(by_source.get(s, 0.0) for s in ("feedstock", "carbonate", "n2o"))
        direct = by_source.get("combustion", 0.0) + process + by_source.get("co2_recovered", 0.0)
        indirect = by_source.get("electricity", 0.0) + by_source.get("heat", 0.0)
        return {
            "co2_process_t": process,
            "co2_direct_t": direct,
            "co2_indirect_t": indirect,
            "co2_t": direct + indirect,
        }


METHODS = (Chemicals(),)
