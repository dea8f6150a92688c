"""Line formulas shared by the chemicals and carbon-materials methods.

Fuel combustion, electricity and heat (steam) as parameter sets and polars
expressions over the lines table of the sector engine (one row per month,
process and material; resolved parameters in canonical units; the chosen set
in ``parameter_set``), and the dispatch that gives each line its source,
formula and CO2. Each method cites its own clause for each set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

import polars as pl

from carbonacct.errors import InputError, OptionError, format_rows
from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods.carbon_balance import CO2_PER_C

__all__ = [
    "ENERGY",
    "STEAM_BASES",
    "SteamBasis",
    "account_lines",
    "check_common_options",
    "check_energy_units",
    "choice_in",
    "combustion_co2",
    "energy_co2",
    "energy_sets",
    "fuel_sets",
    "heat_gj",
    "steam_as_heat",
    "steam_basis",
]

SteamBasis = Literal["enthalpy", "enthalpy_above_feedwater"]
STEAM_BASES: tuple[str, ...] = ("enthalpy", "enthalpy_above_feedwater")
"""How steam becomes heat: mass × enthalpy, or mass × (enthalpy − feed-water enthalpy)."""

#: Line categories of purchased and exported energy.
ENERGY = ("electricity", "electricity_export", "heat", "heat_export")


def fuel_sets(clause: str) -> tuple[ParameterSet, ...]:
    """The parameter sets of a fuel (or a burnt off-gas), in order of preference."""
    return (
        ParameterSet("emission_factor", ("emission_factor",), clause, "AD × EF"),
        ParameterSet(
            "carbon_content",
            ("carbon_content", "oxidation_rate"),
            clause,
            "AD × C × OF × 44/12",
        ),
        ParameterSet(
            "ncv_cc",
            ("ncv", "carbon_content_per_heat", "oxidation_rate"),
            clause,
            "AD × NCV × CC × OF × 44/12",
        ),
    )


def energy_sets(category: str, clause: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
    """The parameter sets of electricity or heat; steam's follows the option ``steam_basis``."""
    sign = "−" if category.endswith("_export") else ""
    if category.startswith("electricity"):
        return (ParameterSet("electricity", ("emission_factor",), clause, f"{sign}AD × EF"),)
    if options.choice("steam_basis") == "enthalpy_above_feedwater":
        steam = ParameterSet(
            "steam",
            ("enthalpy", "feedwater_enthalpy", "heat_emission_factor"),
            clause,
            f"{sign}Ma × (En − En_w) × 10^-3 × EF",
        )
    else:
        steam = ParameterSet(
            "steam", ("enthalpy", "heat_emission_factor"), clause, f"{sign}Ma × En × 10^-3 × EF"
        )
    return (steam, ParameterSet("heat", ("heat_emission_factor",), clause, f"{sign}AD × EF"))


def choice_in(options: RecordOptions, name: str, allowed: Sequence[str], hint: str) -> str | None:
    """A method-specific choice, refused with the allowed values when it is not one of them."""
    value = options.choice(name)
    if value is not None and value not in allowed:
        raise OptionError(
            f"{name} {value!r} is not allowed; choose one of {list(allowed)} ({hint}).",
            option=name,
            value=value,
        )
    return value


def steam_basis(options: RecordOptions) -> SteamBasis | None:
    """The option ``steam_basis``, checked."""
    hint = "mass × enthalpy, or mass × (enthalpy − feed-water enthalpy)"
    return choice_in(options, "steam_basis", STEAM_BASES, hint)  # type: ignore[return-value]


def check_common_options(method_id: str, options: RecordOptions) -> None:
    """The options both methods share: the steam basis, and an oxidation rate always applied."""
    steam_basis(options)
    if options.oxidation == "none":
        raise OptionError(
            f"{method_id}: fuel carbon is multiplied by its oxidation rate in this standard "
            "(AD × NCV × CC × OF × 44/12); leave the oxidation option unset.",
            option="oxidation",
            value=options.oxidation,
        )


def combustion_co2(chosen: str | None) -> pl.Expr:
    """Fuel CO2 [t] by the line's parameter set (see :func:`fuel_sets`).

    Examples
    --------
    Diesel, 100 t × 42.652 GJ/t × 0.0202 tC/GJ × 98 % × 44/12 = 309.59 t:

    >>> import polars as pl
    >>> line = pl.DataFrame({"quantity": [100.0], "ncv": [42.652],
    ...     "carbon_content_per_heat": [0.0202], "oxidation_rate": [0.98]})
    >>> round(line.select(combustion_co2("ncv_cc")).item(), 2)
    309.59
    """
    q = pl.col("quantity")
    if chosen == "emission_factor":
        return q * pl.col("emission_factor")
    if chosen == "carbon_content":
        return q * pl.col("carbon_content") * pl.col("oxidation_rate") * CO2_PER_C
    return (
        q * pl.col("ncv") * pl.col("carbon_content_per_heat") * pl.col("oxidation_rate") * CO2_PER_C
    )


def heat_gj(basis: SteamBasis | None, chosen: str | None) -> pl.Expr:
    """Heat of a line [GJ]: the quantity in GJ, or steam mass × enthalpy.

    A line of the ``steam`` set has its ``quantity`` as steam mass [t] and an
    ``enthalpy`` [kJ/kg]: 1 t × 1 kJ/kg = 1 000 kJ = 10^-3 GJ. ``basis`` says
    whether the feed-water enthalpy (``feedwater_enthalpy`` [kJ/kg], the
    user's) is deducted first.

    Examples
    --------
    2 000 t of steam at 2 780 kJ/kg: 5 560 GJ gross; above feed water at
    83.74 kJ/kg: 2 000 × (2 780 − 83.74) × 10^-3 = 5 392.52 GJ.

    >>> import polars as pl
    >>> steam = pl.DataFrame({"quantity": [2000.0], "enthalpy": [2780.0],
    ...                       "feedwater_enthalpy": [83.74]})
    >>> steam.select(heat_gj("enthalpy", "steam")).item()
    5560.0
    >>> round(steam.select(heat_gj("enthalpy_above_feedwater", "steam")).item(), 2)
    5392.52
    """
    q = pl.col("quantity")
    if chosen != "steam":
        return q
    per_kg = pl.col("enthalpy")
    if basis == "enthalpy_above_feedwater":
        per_kg = per_kg - pl.col("feedwater_enthalpy")
    return q * per_kg * 1e-3


def energy_co2(category: str, basis: SteamBasis | None, chosen: str | None) -> pl.Expr:
    """CO2 [t] of an electricity or heat line; exports come out negative.

    Electricity [MWh] × ``emission_factor`` [tCO2/MWh]; heat [GJ] (or steam
    by :func:`heat_gj`) × ``heat_emission_factor`` [tCO2/GJ].
    """
    sign = -1.0 if category.endswith("_export") else 1.0
    if category.startswith("heat"):
        return sign * heat_gj(basis, chosen) * pl.col("heat_emission_factor")
    return sign * pl.col("quantity") * pl.col("emission_factor")


def steam_as_heat(lines: pl.DataFrame, basis: SteamBasis | None) -> pl.DataFrame:
    """Steam lines restated in GJ (their mass kept in ``steam_t``), once their CO2 is known.

    The engine's auxiliary items (heat purchased and exported, GJ) then count
    steam as heat, not as tonnes.
    """
    if "enthalpy" not in lines.columns:
        return lines.with_columns(pl.lit(None, dtype=pl.Float64).alias("steam_t"))
    steam = pl.col("category").is_in(["heat", "heat_export"]) & (pl.col("parameter_set") == "steam")
    return lines.with_columns(
        pl.when(steam).then(pl.col("quantity")).otherwise(None).alias("steam_t"),
        pl.when(steam)
        .then(heat_gj(basis, "steam"))
        .otherwise(pl.col("quantity"))
        .alias("quantity"),
        pl.when(steam).then(pl.lit("GJ")).otherwise(pl.col("unit")).alias("unit"),
    )


def _where(frame: pl.DataFrame) -> str:
    cols = [
        c for c in ("table", "row", "month", "process", "material", "unit") if c in frame.columns
    ]
    return format_rows(frame.select(cols).to_dicts())


def check_energy_units(lines: pl.DataFrame, basis: SteamBasis | None, document: str) -> None:
    """Refuse energy lines whose quantity unit does not fit their formula.

    Heat accounted as heat must be in GJ; steam (a line with an enthalpy) in
    t, with a steam basis chosen; electricity in MWh.
    """
    cat, chosen, unit = pl.col("category"), pl.col("parameter_set"), pl.col("unit")
    is_heat = cat.is_in(["heat", "heat_export"])
    checks = (
        (
            is_heat & (chosen == "heat") & (unit != "GJ"),
            "steam counted by mass (t) is heat only through the steam formula, which needs "
            + (
                "enthalpy (焓值) and feedwater_enthalpy (给水焓值) in kJ/kg, as steam_basis "
                "'enthalpy_above_feedwater' asks,"
                if basis == "enthalpy_above_feedwater"
                else "enthalpy (焓值, kJ/kg)"
            )
            + " and heat_emission_factor (tCO2/GJ); give them, or the heat in GJ",
        ),
        (
            is_heat & (chosen == "steam") & (unit != "t"),
            "steam with an enthalpy needs its mass in t",
        ),
        (
            cat.is_in(["electricity", "electricity_export"]) & (unit != "MWh"),
            "electricity needs an energy unit (MWh, kWh)",
        ),
    )
    for cond, problem in checks:
        bad = lines.filter(cond)
        if bad.height:
            raise InputError(f"{document}: {problem}:{_where(bad)}", rows=bad.height)
    steam = lines.filter(is_heat & (chosen == "steam"))
    if steam.height and basis is None:
        raise OptionError(
            f"{document}: steam is converted to heat either as mass × enthalpy or as mass × "
            "(enthalpy − feed-water enthalpy), and the reference does not grade which this "
            "standard uses; choose the option steam_basis ('enthalpy' or "
            f"'enthalpy_above_feedwater') for the steam lines:{_where(steam)}",
            option="steam_basis",
            value=None,
        )


def account_lines(
    lines: pl.DataFrame,
    sets: Callable[[str], Iterable[ParameterSet]],
    co2: Callable[[str, str | None], pl.Expr],
    source: Mapping[str, str | pl.Expr],
) -> pl.DataFrame:
    """Each line with ``source``, ``formula`` and signed ``co2_t``.

    ``sets(category)`` gives a category's parameter sets (for the formula
    text and the parameter columns), ``co2(category, set name)`` its CO2
    expression and ``source[category]`` its emission source (a name or an
    expression; ``""`` for a line that emits nothing).
    """
    pairs = lines.select("category", "parameter_set").unique(maintain_order=True).rows()
    known = {(c, s.name): s for c in {p[0] for p in pairs} for s in sets(c)}
    needed = {p for s in known.values() for p in s.parameters} | {"quantity"}
    frame = lines.with_columns(
        pl.lit(None, dtype=pl.Float64).alias(p) for p in sorted(needed - set(lines.columns))
    )
    co2_t: pl.Expr = pl.lit(None, dtype=pl.Float64)
    formula: pl.Expr = pl.lit(None, dtype=pl.String)
    src: pl.Expr = pl.lit(None, dtype=pl.String)
    for category, chosen in pairs:
        cond = (pl.col("category") == category) & pl.col("parameter_set").eq_missing(chosen)
        spec = known.get((category, chosen))
        text = f"{spec.clause}: {spec.formula}" if spec else "no emission"
        named = source.get(category, "")
        emits = not (isinstance(named, str) and named == "")
        line_co2 = co2(category, chosen) if emits else pl.lit(0.0)
        line_src = (pl.lit(named) if isinstance(named, str) else named) if emits else None
        co2_t = pl.when(cond).then(line_co2).otherwise(co2_t)
        if line_src is not None:
            src = pl.when(cond).then(line_src).otherwise(src)
        formula = pl.when(cond).then(pl.lit(text)).otherwise(formula)
    return frame.with_columns(
        src.alias("source"), formula.alias("formula"), co2_t.cast(pl.Float64).alias("co2_t")
    )
