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
from typing import Any, Literal

import polars as pl

from carbonacct.errors import CarbonacctError
from carbonacct.factors import PROVENANCE_SCHEMA, FactorLibrary, default_library, provenance_fields
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_info

__all__ = ["EnergyBasis", "standard_coal_table"]

EnergyBasis = Literal["equivalent", "equal"]

_SCHEMA = {
    "carrier": pl.String,
    "tce_per_unit": pl.Float64,
    "tce_source": pl.String,
    "factor_set": pl.String,
    **PROVENANCE_SCHEMA,
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
        raise ValueError(
            "basis='equal' needs electricity_equal_value [kgce/kWh], the year's coal consumption "
            "of thermal power supply (NBS 供电标准煤耗); GB/T 2589 gives no constant for it."
        )
    lib = library or default_library()
    rows = [
        _coefficient_row(code, lib, sets, basis, electricity_equal_value, tce_from_ncv)
        for code in dict.fromkeys(carriers)
    ]
    return pl.DataFrame(rows, schema=_SCHEMA)


def _coefficient_row(
    code: str,
    lib: FactorLibrary,
    sets: list[str] | None,
    basis: EnergyBasis,
    electricity_equal_value: float | None,
    tce_from_ncv: bool,
) -> dict[str, Any]:
    """One carrier's coefficient [tce per canonical unit] with its source and provenance."""
    info = carrier_info(code)
    unit = "GJ" if code == "steam" else info["canonical_unit"]
    lookup = "heat" if code == "steam" else code
    variant = "equivalent" if lookup in ("electricity", "heat") else None
    row: dict[str, Any] = {
        "carrier": code,
        "tce_per_unit": None,
        "tce_source": None,
        "factor_set": None,
        **provenance_fields([]),
    }
    if code == "electricity" and basis == "equal":
        row.update(
            tce_per_unit=float(electricity_equal_value)  # type: ignore[arg-type]
            * conversion_factor("kgce/kWh", "tce/MWh"),
            tce_source=f"user: electricity equal value {electricity_equal_value} kgce/kWh (等价值)",
            **provenance_fields([], grade="user"),
        )
        row["document"] = "user-supplied coal rate of thermal power supply"
        return row
    try:
        f = lib.resolve("tce_coefficient", lookup, variant=variant, sets=sets)
    except CarbonacctError:
        if tce_from_ncv and info["category"] in ("solid_fuel", "liquid_fuel", "gas_fuel"):
            try:
                ncv = lib.resolve("ncv", code)
            except CarbonacctError:
                return row
            row.update(
                tce_per_unit=ncv.to(f"GJ/{unit}") / conversion_factor("tce", "GJ"),
                tce_source=f"NCV / 29.3076 GJ/tce from {ncv.set_label}: {ncv.citation}",
                factor_set=ncv.set_label,
                **provenance_fields([ncv]),
            )
        return row
    row.update(
        tce_per_unit=f.to(f"tce/{unit}"),
        tce_source=f"{f.set_label}: {f.citation}",
        factor_set=f.set_label,
        **provenance_fields([f]),
    )
    return row
