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
    grid_table,
    grid_warnings,
    heat_table,
    measured_factors,
    process_missing,
    process_table,
)
from carbonacct.energy import (
    FUEL_CATEGORIES,
    energy_missing,
    energy_terms,
    ncv_warnings,
    standard_coal_table,
)
from carbonacct.errors import InputError
from carbonacct.factors import FactorLibrary
from carbonacct.options import Method
from carbonacct.provenance import factors_used
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


def carrier_codes(keys: pl.DataFrame) -> list[str]:
    """The carriers among the reading keys."""
    return keys["carrier"].drop_nulls().unique().to_list()


def apply_measured(t: pl.DataFrame, measured: pl.DataFrame, method: Method) -> pl.DataFrame:
    """A firm's measured parameters replace the defaults, before any CO2 factor is found missing.

    References
    ----------
    GB/T 32150-2015, 6.3 (measured NCV and carbon content); GB/T 2589-2020
    (a fuel with a measured calorific value is converted by it).
    """
    sign = pl.when(pl.col("flow_n") == "out").then(-1.0).otherwise(1.0)
    per_unit = sign * pl.col("to_canonical")
    t = t.join(
        measured.select(
            "firm_id",
            "carrier",
            pl.col("co2_per_unit").alias("_ef"),
            pl.col("tce_per_unit").alias("_tce"),
        ),
        on=["firm_id", "carrier"],
        how="left",
    ).with_columns(
        pl.when(pl.col("_ef").is_not_null() & pl.col("_burns"))
        .then(per_unit * pl.col("_ef"))
        .otherwise(pl.col("k_co2_combustion_t"))
        .alias("k_co2_combustion_t")
    )
    if not method.tce_from_measured_ncv:
        return t
    measured_tce = pl.col("_tce").is_not_null() & pl.col("_fuel")
    return t.with_columns(
        pl.when(measured_tce)
        .then(per_unit * pl.col("_tce"))
        .otherwise(pl.col("k_energy_tce"))
        .alias("k_energy_tce"),
        pl.when(measured_tce & (pl.col("use_n") == "feedstock"))
        .then(per_unit * pl.col("_tce"))
        .otherwise(pl.col("k_energy_feedstock_tce"))
        .alias("k_energy_feedstock_tce"),
    )


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

    def label(self, method: Method) -> str:
        return (
            f"energy=GB/T 2589-2020 {method.energy_basis}; co2=GB/T 32150 combustion "
            f"NCV×CC×OF×44/12; scope2=location-based {method.grid_factor}; period={method.period}"
        )

    def key_constants(
        self, keys: pl.DataFrame, method: Method, library: FactorLibrary
    ) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
        carriers = dict(keys.select("carrier", "category").drop_nulls().unique().iter_rows())
        tables = self.factor_tables(carriers, method, library)
        return self.constants(keys, tables, method), tables

    def grid(
        self,
        keys: pl.DataFrame,
        years: Sequence[int],
        firms: pl.DataFrame | None,
        method: Method,
        library: FactorLibrary,
        where: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Location-based grid factors per (province, year), and per firm and year.

        The mode is ``Method.grid_factor`` (see :func:`carbonacct.emissions.grid_table`);
        a provincial or regional factor needs each firm's province.
        """
        needs_province = method.needs_province
        if needs_province and "electricity" in carrier_codes(keys) and firms is None:
            raise InputError(
                f"grid_factor={method.grid_factor!r} needs each firm's province: pass firms= (a table "
                "with firm_id and province), or choose grid_factor='national'.",
                file=where,
                row=None,
                column="province",
            )
        provinces = firms["province"].unique().to_list() if firms is not None else [None]
        grid = grid_table(
            provinces if needs_province else [None], years, method.grid_factor, library=library
        )
        by_year = grid.select(pl.col("province"), pl.col("year").cast(pl.Int32), "grid_ef")
        if firms is None:
            return grid, by_year.drop("province")
        frame = firms.select("firm_id", "province").join(
            pl.DataFrame({"year": list(years)}, schema={"year": pl.Int32}), how="cross"
        )
        if needs_province:
            frame = frame.join(by_year, on=["province", "year"], how="left", nulls_equal=True)
        else:
            frame = frame.join(by_year.drop("province"), on="year", how="left")
        return grid, frame.select("firm_id", "year", "grid_ef", pl.lit(True).alias("_known"))

    def measured(
        self, frame: pl.DataFrame, where: str, method: Method, library: FactorLibrary
    ) -> pl.DataFrame:
        return measured_factors(frame, where, library, method.combustion_sets)

    def apply_measured(
        self, rows: pl.DataFrame, measured: pl.DataFrame, method: Method
    ) -> pl.DataFrame:
        return apply_measured(rows, measured, method)

    def factors_used(
        self,
        tables: Mapping[str, pl.DataFrame],
        grid: pl.DataFrame,
        keys: pl.DataFrame,
        measured: pl.DataFrame | None,
        method: Method,
    ) -> pl.DataFrame:
        codes = carrier_codes(keys)
        return factors_used(tables, grid, codes, measured, method.tce_from_measured_ncv)

    def warnings(self, tables: Mapping[str, pl.DataFrame], grid: pl.DataFrame) -> list[str]:
        return grid_warnings(grid) + ncv_warnings(tables["energy"])

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

    def constants(
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
