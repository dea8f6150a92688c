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

from carbonacct.errors import CarbonacctError, OptionError
from carbonacct.factors import PROVENANCE_SCHEMA, FactorLibrary, default_library, provenance_fields
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_info

__all__ = ["GAS_VOLUME_BASIS", "EnergyBasis", "normal_volume", "standard_coal_table"]

#: How gas volumes are read, stated on every gas row of the factor tables (provenance).
GAS_VOLUME_BASIS = (
    "per Nm3 (0 °C, 101.325 kPa); a reading in m3 is taken as Nm3; gas metered at 20 °C "
    "is given in Sm3 and converted × 273.15/293.15"
)


def normal_volume(volume: float, temperature_c: float = 20.0) -> float:
    """Gas volume at 0 °C of a volume metered at ``temperature_c`` and equal pressure [Nm3].

    The fuel tables (GB/T 32151, GB/T 2589) give gas NCVs and coefficients per
    Nm3 at 0 °C and 101.325 kPa; meters often read at 20 °C, about 7 % more
    volume for the same gas: V0 = V_T × 273.15 / (273.15 + T) (ideal gas).
    The unit ``Sm3`` applies this to readings at 20 °C.

    Parameters
    ----------
    volume : float
        Volume at ``temperature_c`` and 101.325 kPa [m3].
    temperature_c : float
        Metering temperature [°C].

    Examples
    --------
    >>> round(normal_volume(10_000.0), 1)
    9317.8
    >>> from carbonacct.units import conversion_factor
    >>> round(conversion_factor("Sm3", "Nm3") * 10_000, 1)
    9317.8
    """
    return volume * 273.15 / (273.15 + temperature_c)


EnergyBasis = Literal["equivalent", "equal"]

_SCHEMA = {
    "carrier": pl.String,
    "tce_per_unit": pl.Float64,
    "tce_source": pl.String,
    "tce_missing": pl.String,
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
    applied). The tabulated coefficient comes first, also for a carrier the
    table files under another row (烟煤, 无烟煤, 褐煤 as 原煤: ``tce_as`` in the
    carrier table). A fuel the table lacks gets NCV / 29.3076 GJ/tce from the
    default combustion set when ``tce_from_ncv`` and the NCV is graded (not
    unverified); a fuel the table has with an unconfirmed value (``withheld``,
    e.g. LNG) gets none. The rule used is named per row in ``tce_source``; a
    null coefficient rejects the rows with ``missing_factor`` and ``tce_missing``
    says why (:func:`coefficient_warnings` turns it into a warning). Gas rows state
    their volume basis (:data:`GAS_VOLUME_BASIS`).

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
        ``carrier``, ``tce_per_unit`` [tce per canonical unit], ``tce_source``,
        ``tce_missing`` (why a carrier has no coefficient), the factor set and provenance.

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
    # a carrier without a row of its own takes the row the table files it under (烟煤 → 原煤)
    lookup = "heat" if code == "steam" else (info.get("tce_as") or code)
    as_row = f"as {lookup} (GB/T 2589 tabulates it under that row): " if lookup != code else ""
    variant = "equivalent" if lookup in ("electricity", "heat") else None
    row: dict[str, Any] = {
        "carrier": code,
        "tce_per_unit": None,
        "tce_source": None,
        "tce_missing": None,
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
        if info["category"] not in (*FUEL_CATEGORIES, "electricity", "heat", "steam", "medium"):
            return row  # not energy (a carbonate): nothing is missing
        row["tce_missing"] = f"no tabulated coefficient in {_searched(lib, sets)}"
        if info["category"] not in FUEL_CATEGORIES:
            return row
        if tce_from_ncv:
            row.update(_from_ncv(code, unit, lib))
        else:
            row["tce_missing"] += "; NCV-derived coefficients are off (tce_from_ncv=False)"
        return row
    row.update(
        tce_per_unit=f.to(f"tce/{unit}"),
        tce_source=f"{as_row}{f.set_label}: {f.citation}"
        + (f" ({f.note})" if f.note else "")
        + (f"; {GAS_VOLUME_BASIS}" if unit == "Nm3" else ""),
        factor_set=f.set_label,
        **provenance_fields([f]),
    )
    return row


def _searched(lib: FactorLibrary, sets: list[str] | None) -> str:
    """The standard-coal sets a coefficient query searched, for messages."""
    return ", ".join(lib.search_order("tce_coefficient", sets)) or "no set"


def _withheld_by(code: str, lib: FactorLibrary) -> str | None:
    """The document that tabulates ``code`` with a value carbonacct withholds (unconfirmed)."""
    for fs in lib.sets.values():
        if fs.manifest.kind == "standard_coal" and code in fs.manifest.withheld:
            return fs.manifest.document
    return None


def _from_ncv(code: str, unit: str, lib: FactorLibrary) -> dict[str, Any]:
    """NCV / 29.3076 GJ/tce, only for a fuel the table lacks and from a graded NCV.

    A fuel the table tabulates with an unconfirmed value (``withheld`` in a
    standard-coal manifest, e.g. LNG) gets no derived value: its rows need the
    firm's measured NCV. Without a coefficient, ``tce_missing`` says why.
    """
    document = _withheld_by(code, lib)
    if document is not None:
        return {
            "tce_missing": f"{document} tabulates it, but the printed coefficient is "
            "unconfirmed, so carbonacct does not ship it (nor derive one from the NCV)"
        }
    try:
        ncv = lib.resolve("ncv", code)
    except CarbonacctError:
        return {"tce_missing": "no tabulated coefficient and no NCV to derive one from"}
    if not ncv.grade or "unverified" in ncv.grade or ncv.grade.startswith("modified"):
        return {
            "tce_missing": f"no tabulated coefficient, and its NCV ({ncv.set_label}) is graded "
            f"{ncv.grade!r}, so no coefficient is derived from it"
        }
    return {
        "tce_per_unit": ncv.to(f"GJ/{unit}") / conversion_factor("tce", "GJ"),
        "tce_source": f"NCV / 29.3076 GJ/tce (no tabulated GB/T 2589 row for {code}) from "
        f"{ncv.set_label}: {ncv.citation}" + (f"; {GAS_VOLUME_BASIS}" if unit == "Nm3" else ""),
        "tce_missing": None,
        "factor_set": ncv.set_label,
        **provenance_fields([ncv]),
    }


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


def coefficient_warnings(energy: pl.DataFrame) -> list[str]:
    """A warning for each carrier whose tce came from its NCV, or that has no coefficient.

    The rows of a carrier without a coefficient are rejected ``missing_factor``
    (unless the firm's measured NCV gives one); the warning says why and what to do.
    """
    derived = energy.filter(pl.col("tce_source").str.starts_with("NCV").fill_null(False))
    missing = energy.filter(pl.col("tce_per_unit").is_null() & pl.col("tce_missing").is_not_null())
    return [
        f"{r['carrier']}: no tabulated GB/T 2589 coefficient; {r['tce_source']}"
        for r in derived.iter_rows(named=True)
    ] + [
        f"{r['carrier']} ({_name_zh(r['carrier'])}): no standard-coal coefficient: "
        f"{r['tce_missing']}. Its rows without the firm's measured NCV are rejected as "
        "missing_factor; give the measured NCV (fuel parameters) or register a coefficient "
        "from a document you checked (FactorLibrary.register)."
        for r in missing.iter_rows(named=True)
    ]


def _name_zh(code: str) -> str:
    try:
        return str(carrier_info(code)["name_zh"])
    except CarbonacctError:
        return code


#: The former name, still imported by the accounting engine.
ncv_warnings = coefficient_warnings
