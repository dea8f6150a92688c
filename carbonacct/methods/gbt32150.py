"""The generic method: GB/T 2589-2020 energy and GB/T 32150 CO2 for any industrial firm.

Energy: each carrier's amount × its GB/T 2589 coefficient (当量值 or
等价值), exports deducted, feedstock and media reported apart. CO2: fuel
burnt × NCV × CC × OF × 44/12, carbonates × their process factor,
purchased electricity × the grid factor of the firm's province and year,
purchased heat × 0.11 tCO2/GJ; CH4 and N2O by IPCC 2006 when a GWP set is
chosen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from carbonacct.emissions import (
    add_co2e,
    add_totals,
    burns_fuel,
    combustion_table,
    emission_terms,
    heat_table,
    process_missing,
    process_table,
)
from carbonacct.energy import FUEL_CATEGORIES, energy_missing, energy_terms, standard_coal_table
from carbonacct.factors import FactorLibrary
from carbonacct.options import Method
from carbonacct.readings import _code

__all__ = ["GBT32150"]


def _combustion(fuels: list[str], method: Method, library: FactorLibrary) -> pl.DataFrame:
    """Combustion factors; a declared coal type (``Method.coal_types``) lends its defaults."""
    from carbonacct.errors import OptionError
    from carbonacct.vocabulary import carrier_code, carrier_info

    declared = {}
    for fuel, kind in method.coal_types:
        code = carrier_code(kind, strict=False)
        if code is None or carrier_info(code)["category"] != "solid_fuel":
            raise OptionError(
                f"coal_types: {kind!r} (declared for {fuel!r}) is not a solid fuel; use e.g. "
                "'bituminous_coal' (烟煤), 'anthracite' (无烟煤) or 'lignite' (褐煤).",
                option="coal_types",
                value=kind,
            )
        declared[carrier_code(fuel)] = code

    def table(codes: list[str]) -> pl.DataFrame:
        return combustion_table(
            codes, library=library, sets=method.combustion_sets, non_co2=method.gwp_set is not None
        )

    own = table([f for f in fuels if f not in declared])
    lent = [
        table([declared[f]]).with_columns(
            pl.lit(f).alias("carrier"),
            (f"declared coal type {declared[f]}: " + pl.col("co2_source")).alias("co2_source"),
        )
        for f in fuels
        if f in declared
    ]
    return pl.concat([own, *lent], how="vertical_relaxed")


@dataclass(frozen=True)
class GBT32150:
    """The generic GB/T 2589 + GB/T 32150 method (numbers as before the method protocol)."""

    id: str = "gbt32150"
    document: str = "GB/T 32150-2015 and GB/T 32151.x (CO2); GB/T 2589-2020 (energy)"
    clauses: tuple[str, ...] = (
        "GB/T 2589-2020 4.1-4.3, Appendix A/B",
        "GB/T 32150-2015 6.1-6.3 (combustion, process, purchased electricity and heat)",
    )
    sources: tuple[str, ...] = ("gbt2589-2020", "gbt32151-2024", "gbt32150-2025", "mee-nbs")
    required_parameters: tuple[str, ...] = (
        "tce_coefficient",
        "ncv",
        "carbon_content",
        "oxidation_rate",
        "process_co2_factor",
        "co2_factor",
    )
    rounding: str | None = None

    def factor_tables(
        self, carriers: Mapping[str, str], method: Method, library: FactorLibrary
    ) -> dict[str, pl.DataFrame]:
        codes = list(carriers)
        fuels = [c for c, cat in carriers.items() if cat in FUEL_CATEGORIES]
        return {
            "energy": standard_coal_table(
                codes,
                basis=method.energy_basis,
                electricity_equal_value=method.electricity_equal_value_kgce_per_kWh,
                tce_from_ncv=method.tce_from_ncv,
                library=library,
            ),
            "combustion": _combustion(fuels, method, library),
            "process": process_table(
                [c for c, cat in carriers.items() if cat == "carbonate"], library=library
            ),
            "heat": heat_table(library),
        }

    def key_constants(
        self, keys: pl.DataFrame, tables: Mapping[str, pl.DataFrame], method: Method
    ) -> pl.DataFrame:
        """Per key: what one unit of the row's value adds to each result column.

        Every contribution is linear in the value: value × to_canonical × sign
        × factor, the factor depending only on the key; the grid factor, which
        depends on firm and year, is applied after aggregation
        (``k_co2_electricity_t`` is per tCO2/MWh of grid factor).
        """
        k = (
            keys.join(tables["energy"].select("carrier", "tce_per_unit"), on="carrier", how="left")
            .join(
                tables["combustion"].select(
                    "carrier", "co2_per_unit", "ch4_per_unit", "n2o_per_unit"
                ),
                on="carrier",
                how="left",
            )
            .join(tables["process"].select("carrier", "process_per_unit"), on="carrier", how="left")
        )
        heat_ef = float(tables["heat"]["value"][0])
        parts = energy_terms(method.include_media) | emission_terms(heat_ef)
        # a missing CO2 factor never removes energy: only what cannot be computed at all
        # (energy without tce, a carbonate without a process factor) is rejected here
        missing = energy_missing(method.include_media) | process_missing()
        return k.with_columns(
            *(
                pl.when(c).then(e).otherwise(0.0).alias(f"k_{name}")
                for name, (c, e) in parts.items()
            ),
            pl.when(missing.fill_null(False))
            .then(_code("missing_factor"))
            .otherwise(None)
            .alias("r_factor"),
            (pl.col("category") == "electricity").fill_null(False).alias("_needs_grid"),
            burns_fuel().fill_null(False).alias("_burns"),
            pl.col("category").is_in(FUEL_CATEGORIES).fill_null(False).alias("_fuel"),
        )

    def finalize(self, table: pl.DataFrame, method: Method, library: FactorLibrary) -> pl.DataFrame:
        table = add_totals(table).with_columns(
            (pl.col("energy_tce") - pl.col("energy_feedstock_tce")).alias(
                "energy_excl_feedstock_tce"
            )
        )
        if method.gwp_set is None:
            return table.drop("ch4_t", "n2o_t")
        return add_co2e(table, method.gwp_set, library)

    def result_columns(self, method: Method) -> Sequence[str]:
        return ("ch4_t", "n2o_t", "co2e_t") if method.gwp_set is not None else ()
