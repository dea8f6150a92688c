"""Comprehensive energy consumption in standard coal (GB/T 2589-2020).

综合能耗 is the sum over energy carriers of the physical amount consumed times
the carrier's standard-coal coefficient, less the energy delivered outside the
boundary. carbonacct uses the *tabulated* coefficients of GB/T 2589 Appendix
A/B (0.1229 kgce/kWh, 0.7143 kgce/kg raw coal), not a recomputation from the
calorific value, through the factor library.

Electricity and heat are converted on the equivalent-value basis (当量值) by
default, as energy statistics and the dual-control rules report them; the
equal-value basis (等价值) uses the year's coal rate of thermal power, which
the user gives (``electricity_equal_value`` [kgce/kWh]), since it is not a
constant of the standard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import polars as pl

from carbonacct.errors import CarbonacctError, OptionError
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_info

__all__ = ["EnergyBasis", "standard_coal_table"]

EnergyBasis = Literal["equivalent", "equal"]

_SCHEMA = {
    "carrier": pl.String,
    "tce_per_unit": pl.Float64,
    "tce_source": pl.String,
    "factor_set": pl.String,
}


def standard_coal_table(
    carriers: Iterable[str],
    *,
    basis: EnergyBasis = "equivalent",
    electricity_equal_value: float | None = None,
    tce_from_ncv: bool = True,
    library: FactorLibrary | None = None,
    sets: list[str] | None = None,
) -> pl.DataFrame:
    """Standard-coal coefficient of each carrier per its canonical unit [tce/unit].

    Steam is converted as heat (its amount is in GJ once its enthalpy is
    applied). A carrier with no tabulated coefficient gets NCV / 29.3076
    GJ/tce from the default combustion set when ``tce_from_ncv`` (the rule is
    named in ``tce_source``); otherwise its coefficient is null and its rows
    are rejected with ``missing_factor``.

    Parameters
    ----------
    carriers : iterable of str
        Carrier codes.
    basis : {'equivalent', 'equal'}
        当量值 (default) or 等价值 for electricity.
    electricity_equal_value : float, optional
        Coal consumed per kWh supplied [kgce/kWh], required for ``basis='equal'``.

    Returns
    -------
    polars.DataFrame
        ``carrier``, ``tce_per_unit`` [tce per canonical unit], ``tce_source``.

    References
    ----------
    GB/T 2589-2020, 3.9 and Appendix A/B.

    Examples
    --------
    >>> t = standard_coal_table(["electricity", "raw_coal", "diesel"])
    >>> dict(zip(t["carrier"], t["tce_per_unit"]))
    {'electricity': 0.1229, 'raw_coal': 0.7143, 'diesel': 1.4571}
    """
    if basis == "equal" and electricity_equal_value is None:
        raise OptionError(
            "basis='equal' needs electricity_equal_value [kgce/kWh], the year's coal consumption "
            "of thermal power supply (NBS 供电标准煤耗); GB/T 2589 gives no constant for it.",
            option="electricity_equal_value",
            value=None,
        )
    lib = library or default_library()
    rows = []
    for code in dict.fromkeys(carriers):
        info = carrier_info(code)
        unit = "GJ" if code == "steam" else info["canonical_unit"]
        lookup = "heat" if code == "steam" else code
        variant = "equivalent" if lookup in ("electricity", "heat") else None
        value, source, set_label = None, None, None
        if code == "electricity" and basis == "equal":
            value = float(electricity_equal_value) * conversion_factor("kgce/kWh", "tce/MWh")  # type: ignore[arg-type]
            source = f"user: electricity equal value {electricity_equal_value} kgce/kWh (等价值)"
        else:
            try:
                f = lib.resolve("tce_coefficient", lookup, variant=variant, sets=sets)
                value, source = f.to(f"tce/{unit}"), f"{f.set_label}: {f.citation}"
                set_label = f.set_label
            except CarbonacctError:
                if tce_from_ncv and info["category"] in ("solid_fuel", "liquid_fuel", "gas_fuel"):
                    try:
                        ncv = lib.resolve("ncv", code)
                        value = ncv.to(f"GJ/{unit}") / conversion_factor("tce", "GJ")
                        source = f"NCV / 29.3076 GJ/tce from {ncv.set_label}: {ncv.citation}"
                        set_label = ncv.set_label
                    except CarbonacctError:
                        pass
        rows.append(
            {"carrier": code, "tce_per_unit": value, "tce_source": source, "factor_set": set_label}
        )
    return pl.DataFrame(rows, schema=_SCHEMA)


#: Carrier categories burnt as fuel.
FUEL_CATEGORIES = ("solid_fuel", "liquid_fuel", "gas_fuel")


def signed_amount() -> pl.Expr:
    """One unit of a row's value in the carrier's canonical unit, negative when delivered out."""
    return pl.when(pl.col("flow_n") == "out").then(-1.0).otherwise(1.0) * pl.col("to_canonical")


def counts_as_energy(include_media: bool) -> pl.Expr:
    """Whether a key's rows count in ``energy_tce`` (GB/T 2589-2020, 4.1 boundary).

    Fuels, electricity, heat and steam always; energy-consuming media (water,
    compressed air, oxygen) only when ``include_media``.
    """
    cat = pl.col("category")
    media = (cat == "medium") & include_media
    return cat.is_in(FUEL_CATEGORIES) | cat.is_in(["electricity", "heat", "steam"]) | media


def energy_terms(include_media: bool) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Per key: (applies, contribution of one unit of value) for each energy column.

    Exports (``flow = out``) are deducted; feedstock use is reported apart
    (``energy_feedstock_tce``) and media always in ``energy_media_tce``.
    Needs ``category``, ``flow_n``, ``use_n``, ``to_canonical`` and
    ``tce_per_unit`` on the key table.
    """
    cat = pl.col("category")
    elec, media, heat = cat == "electricity", cat == "medium", cat.is_in(["heat", "steam"])
    counts = counts_as_energy(include_media)
    into, out = pl.col("flow_n") == "in", pl.col("flow_n") == "out"
    amount = pl.col("to_canonical")
    tce = signed_amount() * pl.col("tce_per_unit")
    return {
        "energy_tce": (counts, tce),
        "energy_feedstock_tce": (counts & (pl.col("use_n") == "feedstock"), tce),
        "energy_media_tce": (media, tce),
        "electricity_in_MWh": (elec & into, amount),
        "electricity_out_MWh": (elec & out, amount),
        "heat_in_GJ": (heat & into, amount),
        "heat_out_GJ": (heat & out, amount),
    }


def energy_missing(include_media: bool) -> pl.Expr:
    """A key that counts as energy but whose tce cannot be computed."""
    return pl.col("tce_per_unit").is_null() & counts_as_energy(include_media)


def ncv_warnings(energy: pl.DataFrame) -> list[str]:
    """A warning for each carrier whose tce came from its NCV, not GB/T 2589's table."""
    rows = energy.filter(pl.col("tce_source").str.starts_with("NCV"))
    return [
        f"{r['carrier']}: no tabulated GB/T 2589 coefficient; {r['tce_source']}"
        for r in rows.iter_rows(named=True)
    ]
