"""CO2 from fuel combustion, purchased electricity and heat, and carbonates (GB/T 32150).

Fuel combustion (GB/T 32150-2015 / GB/T 32151.x, NDRC guidelines)::

    E_CO2 = AD × NCV × CC × OF × 44/12

with AD the fuel consumed [t or 10^4 Nm3], NCV its net calorific value
[GJ/t or GJ/10^4 Nm3], CC the carbon content per unit heat [tC/GJ] and OF the
oxidation rate. This module composes the per-carrier emission factor
``EF = NCV × CC × OF × 44/12`` once per carrier with pint, so that the column
of activity data is multiplied by one float.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import polars as pl

from carbonacct import vocabulary
from carbonacct.energy import GAS_VOLUME_BASIS
from carbonacct.errors import CarbonacctError, InputError, OptionError
from carbonacct.factors import (
    PROVENANCE_SCHEMA,
    Factor,
    FactorLibrary,
    default_library,
    provenance_fields,
)
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_info, grid_region, region_code

__all__ = [
    "CO2_PER_C",
    "GRID_MODES",
    "INNER_MONGOLIA",
    "CombustionFactor",
    "combustion_factor",
    "combustion_table",
    "grid_table",
    "heat_factor",
    "process_table",
    "resolve_grid_factor",
]

#: Molar-mass ratio of CO2 to C used by GB/T 32150 and IPCC, kept exact.
CO2_PER_C = Fraction(44, 12)


@dataclass(frozen=True)
class CombustionFactor:
    """A fuel's composite CO2 emission factor and the parameters it came from.

    ``value`` is in ``unit`` (tCO2 per the unit of the NCV's denominator,
    e.g. tCO2/t or tCO2/万Nm3).
    """

    carrier: str
    value: float
    unit: str
    ncv: Factor | None
    carbon_content: Factor | None
    oxidation_rate: Factor
    co2_per_energy: Factor | None = None

    @property
    def parameters(self) -> tuple[Factor, ...]:
        return tuple(
            f
            for f in (self.ncv, self.carbon_content, self.oxidation_rate, self.co2_per_energy)
            if f
        )

    def to(self, unit: str) -> float:
        """The factor in another unit, e.g. ``"kgCO2/Nm3"``."""
        return self.value * conversion_factor(self.unit, unit)

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.set_label for f in self.parameters))


def combustion_factor(
    carrier: str,
    *,
    library: FactorLibrary | None = None,
    sets: Sequence[str] | None = None,
) -> CombustionFactor:
    """The CO2 emission factor of a fuel, EF = NCV × CC × OF × 44/12.

    With the default sets this is GB/T 32151.x-2024 Appendix C Table C.1.
    A set that gives CO2 per unit of heat (IPCC 2006) is used as
    EF = NCV × EF_energy × OF.

    Parameters
    ----------
    carrier : str
        Fuel code or name (``diesel``, ``柴油``).
    library : FactorLibrary, optional
        Library to resolve in (default: the shipped sets).
    sets : sequence of str, optional
        Sets to search, e.g. ``["ndrc-2013"]`` or ``["ipcc-2006"]``.

    Returns
    -------
    CombustionFactor
        ``value`` in tCO2 per the NCV's carrier unit [tCO2/t or tCO2/万Nm3].

    References
    ----------
    GB/T 32150-2015, formula (2); GB/T 32151.22-2024, 5.2.2 and Table C.1.

    Examples
    --------
    Diesel, 42.652 GJ/t × 20.2 tC/TJ × 98 % × 44/12:

    >>> ef = combustion_factor("diesel")
    >>> round(ef.value, 4), ef.unit, ef.sets
    (3.0959, 'tCO2/t', ('gbt32151-2024@1.0.0',))

    Natural gas per 10^4 Nm3 (389.31 GJ × 15.3 tC/TJ × 99 % × 44/12):

    >>> round(combustion_factor("天然气").value, 3)
    21.622
    """
    lib = library or default_library()
    ncv = lib.resolve("ncv", carrier, sets=sets)
    of = lib.resolve("oxidation_rate", carrier, sets=sets)
    per = _denominator(ncv.unit)
    of_value = of.to("1")
    try:
        cc = lib.resolve("carbon_content", carrier, sets=sets)
    except LookupError:
        cc = None
    if cc is not None:
        # [GJ/unit] × [tC/GJ] × 1 × [tCO2/tC]
        value = ncv.value * cc.to("tC/GJ") * of_value * float(CO2_PER_C)
        unit_ncv_energy = conversion_factor(_numerator(ncv.unit), "GJ")
        return CombustionFactor(ncv.subject, value * unit_ncv_energy, f"tCO2/{per}", ncv, cc, of)
    co2 = lib.resolve("co2_per_energy", carrier, sets=sets)
    value = ncv.value * conversion_factor(_numerator(ncv.unit), "GJ") * co2.to("tCO2/GJ") * of_value
    return CombustionFactor(ncv.subject, value, f"tCO2/{per}", ncv, None, of, co2)


def _numerator(unit: str) -> str:
    return unit.split("/", 1)[0]


def _denominator(unit: str) -> str:
    return unit.split("/", 1)[1]


GridFactor = Literal["provincial", "regional", "national", "national_excl_market", "ets"]
GRID_MODES: tuple[str, ...] = ("provincial", "regional", "national", "national_excl_market", "ets")

_COMBUSTION_SCHEMA = {
    "carrier": pl.String,
    "co2_per_unit": pl.Float64,
    "ch4_per_unit": pl.Float64,
    "n2o_per_unit": pl.Float64,
    "co2_source": pl.String,
    "factor_set": pl.String,
    **PROVENANCE_SCHEMA,
}


def combustion_table(
    carriers: Iterable[str],
    *,
    library: FactorLibrary | None = None,
    sets: Sequence[str] | None = None,
    non_co2: bool = False,
) -> pl.DataFrame:
    """Combustion factors of each fuel per its canonical unit [tCO2, tCH4, tN2O per unit].

    CH4 and N2O (``non_co2=True``) use IPCC 2006 Vol.2 Table 2.3 (manufacturing
    industries) per unit of heat times the fuel's NCV of the CO2 set; a fuel
    without an IPCC row gets null there.

    Examples
    --------
    >>> t = combustion_table(["diesel", "natural_gas"])
    >>> [round(v, 6) for v in t["co2_per_unit"]]  # tCO2/t, tCO2/Nm3
    [3.09591, 0.002162]
    """
    lib = library or default_library()
    rows = []
    for code in dict.fromkeys(carriers):
        unit = carrier_info(code)["canonical_unit"]
        row: dict[str, Any] = {
            "carrier": code,
            "co2_per_unit": None,
            "ch4_per_unit": None,
            "n2o_per_unit": None,
            "co2_source": None,
            "factor_set": None,
            **provenance_fields([]),
        }
        # GB/T 2589 splits natural gas by origin; the CO2 tables have one natural-gas row
        lookup = carrier_info(code).get("combustion_as") or code
        try:
            cf = combustion_factor(lookup, library=lib, sets=sets)
            row["co2_per_unit"] = cf.to(f"tCO2/{unit}")
            row["factor_set"] = ",".join(cf.sets)
            used = list(cf.parameters)
            row["co2_source"] = (
                ("" if lookup == code else f"as {lookup}: ")
                + "; ".join(
                    f"{f.parameter} {f.value} {f.unit} ({f.set_label}: {f.citation})"
                    for f in cf.parameters
                )
                + (f"; {GAS_VOLUME_BASIS}" if unit == "Nm3" else "")
            )
            if non_co2 and cf.ncv is not None:
                ncv = cf.ncv.to(f"GJ/{unit}")
                for gas in ("ch4", "n2o"):
                    try:
                        f = lib.resolve(f"{gas}_per_energy", lookup)
                        row[f"{gas}_per_unit"] = ncv * f.to(f"t{gas.upper()}/GJ")
                        if f.set_label not in row["factor_set"]:
                            row["factor_set"] += f",{f.set_label}"
                        used.append(f)
                    except CarbonacctError:
                        pass
            row.update(provenance_fields(used))
        except CarbonacctError:
            pass
        rows.append(row)
    return pl.DataFrame(rows, schema=_COMBUSTION_SCHEMA)


_GRID_SCHEMA = {
    "province": pl.String,
    "year": pl.Int32,
    "grid_ef": pl.Float64,
    "grid_source": pl.String,
    "grid_fallback": pl.String,
    "factor_set": pl.String,
    **PROVENANCE_SCHEMA,
}


def grid_table(
    provinces: Iterable[str | None],
    years: Iterable[int],
    mode: GridFactor | float,
    *,
    library: FactorLibrary | None = None,
) -> pl.DataFrame:
    """Location-based grid factor for each (province, data year) [tCO2/MWh].

    ``mode``: ``provincial`` (the province's MEE/NBS average, the default of
    GB/T 32150 practice), ``regional`` (its grid region), ``national``
    (national average), ``national_excl_market`` (national average excluding
    market-traded non-fossil power, for firms that deduct green power),
    ``ets`` (the ETS reporting factor for the data year), or a number.
    A year not yet published takes the newest earlier data year, in every
    mode (``ets`` included); the ``grid_fallback`` column says so. A province
    with no provincial factor at all (西藏) takes its grid region's in the
    provincial mode, with the fall-back stated. 内蒙古 spans two grid regions:
    the regional mode needs 蒙东 or 蒙西 as the province (``grid_source``
    says so). A pair without a factor gets a null ``grid_ef``.

    Examples
    --------
    >>> t = grid_table(["CN-JS"], [2022, 2024], "provincial")
    >>> t["grid_ef"].to_list(), t["grid_fallback"].to_list()[1]
    ([0.5978, 0.5827], 'data year 2023 used for 2024 (newest published not after it)')
    """
    if isinstance(mode, str) and mode not in GRID_MODES:
        raise OptionError(
            f"grid_factor {mode!r} is not one of {GRID_MODES} or a number.",
            option="grid_factor",
            value=mode,
        )
    lib = library or default_library()
    rows = []
    for province in dict.fromkeys(provinces):
        for year in dict.fromkeys(years):
            row: dict[str, Any] = {
                "province": province,
                "year": year,
                "grid_ef": None,
                "grid_source": None,
                "grid_fallback": None,
                "factor_set": None,
                **provenance_fields([]),
            }
            if not isinstance(mode, str):
                row.update(
                    grid_ef=float(mode),
                    grid_source=f"user: {float(mode)} tCO2/MWh",
                    grade="user",
                    document="user-supplied grid factor",
                )
            else:
                row.update(_grid_factor(province, year, mode, lib))
            rows.append(row)
    return pl.DataFrame(rows, schema=_GRID_SCHEMA)


INNER_MONGOLIA = (
    "内蒙古 (CN-NM) spans two grid regions: 蒙西 is in 华北 (grid-north), 蒙东 (赤峰, 通辽, "
    "呼伦贝尔, 兴安盟) in 东北 (grid-northeast); give the firm's province as 蒙东 or 蒙西 (firms "
    "table or the line's province), or use the provincial mode (内蒙古's own factor)"
)


def resolve_grid_factor(
    province: str | None,
    year: int,
    mode: str,
    *,
    library: FactorLibrary | None = None,
    sets: list[str] | None = None,
) -> tuple[Factor, list[str]]:
    """The grid factor of one (province, data year) in ``mode`` [tCO2/MWh], and its fall-backs.

    The one lookup of the location-based grid factor (:func:`grid_table` and the
    verifier use it). A province without any provincial factor (西藏) takes its
    grid region's in the provincial mode, and the fall-back says so; 蒙东/蒙西
    take 内蒙古's provincial factor and their own grid region.

    Raises
    ------
    InputError
        No province where the mode needs one, 内蒙古 in the regional mode, an unknown
        region, or no factor for the year in the sets searched.
    """
    lib = library or default_library()
    query: dict[str, Any] = {"year": year, "variant": "average"}
    region_fallback = None
    code = region_code(province, strict=False) if province is not None else None
    if mode in ("provincial", "regional") and code is None:
        why = f"{province!r} is not a province or grid region" if province else "no province"
        raise InputError(
            f"grid factor {mode!r}: {why}; it needs the firm's province (a province column in "
            "the firms table or on the line), or use the national mode.",
            value=province,
            column="province",
        )
    if mode == "provincial" and code is not None:
        info = vocabulary.regions().filter(pl.col("code") == code)
        query["region"] = (info["parent"][0] if info.height else None) or code
        if not code.startswith("grid-") and not _has_rows(lib, query["region"]):
            query["region"] = grid_region(code)
            name = info["short_zh"][0] if info.height else code
            region_fallback = (
                f"{code} ({name}) has no published provincial factor; its grid region "
                f"{query['region']} used"
            )
    elif mode == "regional" and code is not None:
        query["region"] = code if code.startswith("grid-") else grid_region(code)
        if query["region"] is None:
            raise InputError(
                f"grid factor 'regional': {INNER_MONGOLIA}.", value=province, column="province"
            )
    elif mode == "ets":
        query = {"year": year, "region": "CN", "sets": ["ets-reporting"]}
    else:
        query["region"] = "CN"
        if mode == "national_excl_market":
            query["variant"] = "excl_market_nonfossil"
    if sets is not None:
        query["sets"] = sets
    f = lib.resolve("co2_factor", "electricity", **query)
    return f, [n for n in (region_fallback, f.fallback) if n]


def _grid_factor(province: str | None, year: int, mode: str, lib: FactorLibrary) -> dict[str, Any]:
    """The grid factor of one (province, year) in ``mode``, or the reason there is none."""
    if mode in ("provincial", "regional") and province is None:
        return {}
    if mode == "regional" and region_code(province or "", strict=False) == "CN-NM":
        return {"grid_source": INNER_MONGOLIA}
    try:
        f, notes = resolve_grid_factor(province, year, mode, library=lib)
    except CarbonacctError:
        return {}
    return {
        "grid_ef": f.to("tCO2/MWh"),
        "grid_source": f"{f.set_label}: {f.citation}",
        "grid_fallback": "; ".join(notes) or None,
        "factor_set": f.set_label,
        **provenance_fields([f]),
    }


def _has_rows(lib: FactorLibrary, region: str | None) -> bool:
    """Whether any searched set has an average grid factor for ``region`` (any year)."""
    frame = lib.frame(lib.search_order("co2_factor"))
    return bool(
        frame.height
        and frame.filter(
            (pl.col("subject") == "electricity")
            & (pl.col("region") == region)
            & (pl.col("variant") == "average")
        ).height
    )


def process_table(
    materials: Iterable[str], *, library: FactorLibrary | None = None
) -> pl.DataFrame:
    """Process CO2 of each carbonate per t of pure carbonate (100 % calcination) [tCO2/t].

    The reading is the mass of carbonate decomposed; apply the material's
    carbonate content before (GB/T 32151.34 uses 90 % when it is not measured).

    Examples
    --------
    >>> process_table(["CaCO3"])["process_per_unit"].to_list()
    [0.44]
    """
    lib = library or default_library()
    rows = []
    for code in dict.fromkeys(materials):
        try:
            f = lib.resolve("process_co2_factor", code)
            rows.append(
                {
                    "carrier": code,
                    "process_per_unit": f.to("tCO2/t"),
                    "process_source": f"{f.set_label}: {f.citation}",
                    "factor_set": f.set_label,
                    **provenance_fields([f]),
                }
            )
        except CarbonacctError:
            rows.append(
                {
                    "carrier": code,
                    "process_per_unit": None,
                    "process_source": None,
                    "factor_set": None,
                    **provenance_fields([]),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "carrier": pl.String,
            "process_per_unit": pl.Float64,
            "process_source": pl.String,
            "factor_set": pl.String,
            **PROVENANCE_SCHEMA,
        },
    )


def heat_factor(library: FactorLibrary | None = None) -> Factor:
    """Default CO2 factor of purchased heat, 0.11 tCO2/GJ (GB/T 32150-2025 7.5.6)."""
    return (library or default_library()).resolve("co2_factor", "heat", variant="default")


def heat_table(library: FactorLibrary | None = None) -> pl.DataFrame:
    """:func:`heat_factor` as a one-row table: ``value`` [tCO2/GJ], ``source``, ``factor_set``, ``grade``."""
    heat = heat_factor(library)
    return pl.DataFrame(
        {
            "value": [heat.to("tCO2/GJ")],
            "source": [f"{heat.set_label}: {heat.citation}"],
            "factor_set": [heat.set_label],
            **{k: [v] for k, v in provenance_fields([heat]).items()},
        },
        schema_overrides=PROVENANCE_SCHEMA,
    )


def emission_terms(heat_ef: float) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Per key: (applies, contribution of one unit of value) for each CO2 column.

    Fuels burnt (``use = fuel``) emit NCV × CC × OF × 44/12 per unit; feedstock
    does not. Carbonates emit their process factor; heat and steam
    ``heat_ef`` per GJ; electricity 1 per MWh, multiplied by the firm-year
    grid factor after aggregation. A null contribution means a missing factor.
    """
    from carbonacct.energy import signed_amount

    cat = pl.col("category")
    burns = burns_fuel()
    signed = signed_amount()
    return {
        "co2_combustion_t": (burns, signed * pl.col("co2_per_unit")),
        "co2_process_t": (cat == "carbonate", signed * pl.col("process_per_unit")),
        "co2_electricity_t": (cat == "electricity", signed),
        "co2_heat_t": (cat.is_in(["heat", "steam"]), signed * heat_ef),
        "ch4_t": (burns, signed * pl.col("ch4_per_unit").fill_null(0.0)),
        "n2o_t": (burns, signed * pl.col("n2o_per_unit").fill_null(0.0)),
    }


def burns_fuel() -> pl.Expr:
    """A key whose rows are fuel burnt (not feedstock)."""
    from carbonacct.energy import FUEL_CATEGORIES

    return pl.col("category").is_in(FUEL_CATEGORIES) & (pl.col("use_n") == "fuel")


def process_missing() -> pl.Expr:
    """A carbonate key without a process factor: nothing of its rows can be accounted."""
    return (pl.col("category") == "carbonate") & pl.col("process_per_unit").is_null()


def grid_warnings(grid: pl.DataFrame) -> list[str]:
    """A warning for each grid factor taken from another data year, and each one missing."""
    warn = [f"grid factor: {f}" for f in grid["grid_fallback"].drop_nulls().unique().sort()]
    missing = grid.filter(pl.col("grid_ef").is_null())["grid_source"]
    return warn + [f"no grid factor: {r}" for r in missing.drop_nulls().unique().sort()]


def add_co2e(table: pl.DataFrame, gwp_set: str, lib: FactorLibrary) -> pl.DataFrame:
    """``co2e_t`` = CO2 + CH4 × GWP100(CH4) + N2O × GWP100(N2O) of ``gwp_set``."""
    gwp = {g: lib.resolve("gwp100", g, variant=gwp_set).value for g in ("CH4", "N2O")}
    return table.with_columns(
        (pl.col("co2_t") + pl.col("ch4_t") * gwp["CH4"] + pl.col("n2o_t") * gwp["N2O"]).alias(
            "co2e_t"
        )
    )


def add_totals(table: pl.DataFrame) -> pl.DataFrame:
    """Scope 1 (combustion + process − carbon products, where declared), scope 2 (electricity
    + heat) and their sum ``co2_t``."""
    scope1 = pl.col("co2_combustion_t") + pl.col("co2_process_t")
    if "co2_carbon_products_t" in table.columns:
        scope1 = scope1 - pl.col("co2_carbon_products_t")
    return table.with_columns(
        scope1.alias("co2_scope1_t"),
        (pl.col("co2_electricity_t") + pl.col("co2_heat_t")).alias("co2_scope2_t"),
    ).with_columns((pl.col("co2_scope1_t") + pl.col("co2_scope2_t")).alias("co2_t"))


_MEASURED_SCHEMA = {
    "firm_id": pl.String,
    "carrier": pl.String,
    "co2_per_unit": pl.Float64,
    "tce_per_unit": pl.Float64,
    "source": pl.String,
    "tce_source": pl.String,
}


def _measured_row(
    firm: str, code: str, group: pl.DataFrame, source: str, lib: FactorLibrary, sets: list[str]
) -> dict[str, Any]:
    """One firm's fuel: CO2 factor (if its parameters complete one) and tce from a measured NCV."""
    from carbonacct.errors import FactorNotFoundError

    set_id = f"measured:{firm}:{code}"
    local = lib.copy()
    unit = carrier_info(code)["canonical_unit"]
    row: dict[str, Any] = {"firm_id": firm, "carrier": code}
    ncv = None
    try:
        local.register(
            group.select(
                "parameter",
                pl.lit(code).alias("subject"),
                "value",
                "unit",
                pl.lit(source).alias("source"),
            ),
            set_id=set_id,
            document=f"measured by {firm} ({source})",
        )
        ncv = local.resolve("ncv", code, sets=[set_id]) if "ncv" in group["parameter"] else None
        if ncv is not None:
            gj = ncv.to(f"GJ/{unit}")
            row["tce_per_unit"] = gj / conversion_factor("tce", "GJ")
            row["tce_source"] = f"measured NCV {ncv.value} {ncv.unit} ({set_id}) / 29.3076 GJ/tce"
        cf = combustion_factor(code, library=local, sets=[set_id, *sets])
    except FactorNotFoundError:
        if ncv is None:  # nothing measured that this run can use: say what is missing
            raise
        return row  # energy from the measured NCV; CO2 stays missing (and is reported so)
    row["co2_per_unit"] = cf.to(f"tCO2/{unit}")
    row["source"] = "; ".join(
        f"{f.parameter} {f.value} {f.unit} ({f.set_id})" for f in cf.parameters
    )
    return row


def measured_factors(
    frame: pl.DataFrame, source: str, lib: FactorLibrary, sets: Sequence[str] | None
) -> pl.DataFrame:
    """Per firm and fuel, factors from measured parameters (GB/T 32150-2015, 6.3).

    ``frame``: ``firm_id``, ``carrier``, ``parameter`` (``ncv``,
    ``carbon_content``, ``oxidation_rate``), ``value``, ``unit``, ``row``;
    a parameter not measured keeps the default of ``sets``. Returns the
    composite CO2 factor ``co2_per_unit`` [tCO2/unit] and, where the NCV was
    measured, ``tce_per_unit`` = NCV / 29.3076 GJ/tce (GB/T 2589-2020: a fuel
    with a measured calorific value is converted by it).

    Examples
    --------
    Raw coal measured at 21.0 GJ/t: 21.0 / 29.3076 = 0.71654 tce/t.
    """
    from carbonacct.errors import InputError
    from carbonacct.vocabulary import carrier_code

    rows = []
    for (firm, carrier), group in frame.group_by(["firm_id", "carrier"], maintain_order=True):
        code = str(carrier_code(str(carrier)))
        try:
            rows.append(
                _measured_row(str(firm), code, group, source, lib, list(sets or ["gbt32151-2024"]))
            )
        except CarbonacctError as exc:
            raise InputError(
                f"{source}, firm {firm}, carrier {carrier}: {exc}",
                file=source,
                row=int(group["row"][0]),
                column="parameter",
            ) from None
    return pl.DataFrame(rows, schema=_MEASURED_SCHEMA)
