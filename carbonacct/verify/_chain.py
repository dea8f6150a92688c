"""Our factor for a reported line, as a chain of quantities that a rounding policy can round.

Fuels (GB/T 32150 formula (2)): EF = NCV × CC × OF × 44/12, with C_ar = NCV × CC
the received-basis carbon content. Electricity: the grid factor of the mode and
data year the report used. Heat and steam: 0.11 tCO2/GJ; steam given by mass
becomes heat as t × (h − h_fw) / 1000 GJ. Carbonates: the GB/T 32151.34 表C.2
factor. Other process lines and carbon in products: the line's carbon content
[tC/t] × 44/12 (products are deducted, so their CO2 is negative).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from carbonacct.emissions import (
    INNER_MONGOLIA,
    combustion_factor,
    heat_factor,
    resolve_grid_factor,
)
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.factors import Factor, FactorLibrary
from carbonacct.units import conversion_factor
from carbonacct.verify.rounding import RoundingPolicy
from carbonacct.vocabulary import grid_region

__all__ = ["GRID_CHOICES", "Chain", "dec", "grid_chain", "line_chain"]

C_PER_CO2 = Decimal(44) / Decimal(12)
#: Grid-factor modes a report may have used; ``legacy`` is the NDRC 2012 regional set.
GRID_CHOICES = ("provincial", "regional", "national", "national_excl_market", "ets", "legacy")
_FIRST_MEE_NBS_YEAR = 2021


def dec(x: float | int | str | Decimal) -> Decimal:
    """A Decimal of a float as it was written (12 significant digits; no binary noise)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, str):
        return Decimal(x)
    return Decimal(format(x, ".12g"))


@dataclass(frozen=True)
class Chain:
    """The factor side of a line, per unit of ``unit`` (the activity's unit for the factor).

    Fuels carry ``ncv``, ``cc`` and ``of``; the others carry ``ef`` directly.
    ``sign`` is −1 for carbon held in products (deducted).
    """

    unit: str
    document: str
    factor_set: str
    grade: str
    ncv: Decimal | None = None
    cc: Decimal | None = None
    of: Decimal | None = None
    ef: Decimal | None = None
    note: str = ""
    sign: int = 1
    per_activity: Decimal = Decimal(1)

    def factor(self, policy: RoundingPolicy) -> Decimal:
        """The emission factor [tCO2/unit] with the policy's intermediate rounding."""
        if self.ef is not None:
            return policy.round("emission_factor", self.ef)
        assert self.ncv is not None and self.cc is not None and self.of is not None
        ncv = policy.round("ncv", self.ncv)
        cc = policy.round("carbon_content", self.cc)
        car = policy.round("carbon_content_ar", ncv * cc)
        return policy.round("emission_factor", car * self.of * 44 / 12)

    def co2(self, activity: Decimal, policy: RoundingPolicy) -> Decimal:
        """The line's CO2 [t]: activity [unit] × factor, rounded as the policy says."""
        act = policy.round("activity", activity * self.per_activity)
        return policy.round("co2_t", self.sign * act * self.factor(policy))

    def float_factor(self) -> float:
        """The unrounded factor [tCO2/unit], for explanations."""
        return float(self.factor(RoundingPolicy("full", "")))


def _cite(f: Factor) -> str:
    where = ", ".join(str(x) for x in (f.region, f.year, f.variant) if x)
    return f"{f.document}, {f.source}" + (f" ({where})" if where else "")


def grid_chain(
    mode: str, province: str | None, year: int, lib: FactorLibrary, grid_set: str | None
) -> Chain:
    """The grid factor a report used: mode (or set) and data year, never silently the newest.

    The lookup is the footprint's (:func:`carbonacct.emissions.resolve_grid_factor`);
    ``legacy`` (NDRC 2012 regional values, old boundaries) is the verifier's own mode.

    Raises
    ------
    InputError
        The mode needs a province the firm lacks, or no factor exists for the
        year (before 2021 the legacy or ETS set must be chosen explicitly).
    """
    if mode not in ("ets", "legacy") and year < _FIRST_MEE_NBS_YEAR and grid_set is None:
        raise InputError(
            f"data year {year}: MEE/NBS factors start with data year {_FIRST_MEE_NBS_YEAR}; for "
            "earlier years choose the set the report used: --grid-factor ets (0.6101 for 2019–2020) "
            "or --grid-factor legacy (NDRC 2012 regional factors).",
            value=year,
            column="year",
        )
    sets = [grid_set] if grid_set is not None else None
    try:
        if mode == "legacy":
            f, notes = (
                _legacy(province, lib),
                [f"NDRC 2012 regional values chosen for data year {year}"],
            )
        else:
            f, notes = resolve_grid_factor(province, year, mode, library=lib, sets=sets)
    except InputError:
        raise
    except CarbonacctError as exc:
        raise InputError(
            f"grid factor {mode!r}, data year {year}: {exc}", value=mode, column="year"
        ) from None
    return Chain(
        unit="MWh",
        document=_cite(f),
        factor_set=f.set_label,
        grade=f.grade,
        ef=dec(f.to("tCO2/MWh")),
        note="; ".join(notes),
    )


def _legacy(province: str | None, lib: FactorLibrary) -> Factor:
    """The NDRC 2012 regional factor: old boundaries (no 西南; 川渝 were in 华中)."""
    region = province if province is None or province.startswith("grid-") else grid_region(province)
    if region is None:
        why = INNER_MONGOLIA if province else "no province: give the firm's province (--firms)"
        raise InputError(f"grid factor 'legacy': {why}.", value=province, column="province")
    region = "grid-central" if region == "grid-southwest" else region
    return lib.resolve(
        "co2_factor", "electricity", region=region, variant="legacy_regional",
        sets=["ndrc-2012-regional"],
    )  # fmt: skip


def user_grid_chain(value: float, source: str | None) -> Chain:
    """A numeric grid factor the user gives, recorded as the user's with the document named."""
    return Chain(
        unit="MWh",
        document=f"user: {value} tCO2/MWh" + (f" ({source})" if source else " (no document given)"),
        factor_set="user",
        grade="user",
        ef=dec(value),
    )


def fuel_chain(carrier: str, lib: FactorLibrary, sets: list[str] | None = None) -> Chain:
    """A fuel's NCV, carbon content and oxidation rate, per unit of the NCV's denominator."""
    cf = combustion_factor(carrier, library=lib, sets=sets)
    per = cf.unit.split("/", 1)[1]
    doc = "; ".join(dict.fromkeys(f"{p.document}, {p.source}" for p in cf.parameters))
    if cf.carbon_content is None or cf.ncv is None:
        return Chain(
            unit=per, document=doc, factor_set=", ".join(cf.sets), grade="", ef=dec(cf.value)
        )
    return Chain(
        unit=per,
        document=doc,
        factor_set=", ".join(cf.sets),
        grade=cf.carbon_content.grade,
        ncv=dec(cf.ncv.to(f"GJ/{per}")),
        cc=dec(cf.carbon_content.to("tC/GJ")),
        of=dec(cf.oxidation_rate.to("1")),
    )


def _by_content(line: Any, unit: str, what: str, sign: int) -> Chain:
    if line.carbon_content is None:
        raise InputError(
            f"{what} line {line.subject!r} has no shipped factor: give its carbon_content [tC/t] "
            "on the line.",
            value=line.subject,
            column="carbon_content",
        )
    return Chain(
        unit=unit,
        document=f"line's carbon content {line.carbon_content} tC/t × 44/12",
        factor_set="reported",
        grade="reported",
        ef=dec(line.carbon_content) * C_PER_CO2,
        sign=sign,
    )


def line_chain(line: Any, run: Any) -> Chain:
    """Our factor chain for one parsed line (``kind`` decides the route)."""
    lib = run.library
    if line.kind == "electricity":
        if isinstance(line.grid_factor, float):
            return user_grid_chain(line.grid_factor, run.grid_factor_source)
        return grid_chain(line.grid_factor, line.province, line.year, lib, run.grid_set)
    if line.kind in ("heat", "steam"):
        h = heat_factor(lib)
        chain = Chain(
            unit="GJ",
            document=_cite(h),
            factor_set=h.set_label,
            grade=h.grade,
            ef=dec(h.to("tCO2/GJ")),
        )
        if line.kind == "steam" and line.unit_dimension == "mass":
            if line.steam_enthalpy is None:
                raise InputError(
                    f"steam line {line.line!r} is given by mass: give steam_enthalpy [kJ/kg] on the "
                    "line or --steam-enthalpy.",
                    value=line.unit,
                    column="steam_enthalpy",
                )
            dh = dec(line.steam_enthalpy) - dec(line.feedwater_enthalpy or 0)
            # heat [GJ] = mass [t] × Δh [kJ/kg] × 1000 kg/t ÷ 10^6 kJ/GJ
            note = (
                f"steam by mass: Δh = {line.steam_enthalpy} − {line.feedwater_enthalpy or 0} kJ/kg"
            )
            return replace(chain, unit="t", per_activity=dh / 1000, note=note)
        return chain
    if line.kind == "carbonate":
        f = lib.resolve("process_co2_factor", line.subject)
        purity = dec(line.purity) if line.purity is not None else Decimal(1)
        return Chain(
            unit="t",
            document=_cite(f),
            factor_set=f.set_label,
            grade=f.grade,
            ef=dec(f.to("tCO2/t")) * purity,
            note=f"× the report's purity {line.purity:g}" if line.purity is not None else "",
        )
    if line.kind == "process":
        return _by_content(line, "t", "process", 1)
    if line.kind == "carbon_product":
        return _by_content(line, "t", "carbon-product", -1)
    return _reported_parameters(fuel_chain(line.subject, lib), line)


def _reported_parameters(chain: Chain, line: Any) -> Chain:
    """The fuel chain with the report's own NCV, carbon content and oxidation rate, where given."""
    ncv = line.ncv
    if ncv is not None and line.ncv_unit:  # per the header's unit, to per the chain's unit
        ncv *= conversion_factor(line.ncv_unit, f"GJ/{chain.unit}")
    given = {
        k: dec(v)
        for k, v in (("ncv", ncv), ("cc", line.carbon_per_gj), ("of", line.oxidation_rate))
        if v is not None
    }
    if not given:
        return chain
    if chain.ncv is None:  # a fuel known by its EF only: the report's parameters must be whole
        if len(given) < 3:
            raise InputError(
                f"fuel line {line.line!r}: {line.subject} has no shipped NCV × CC × OF; give all "
                "three (ncv, carbon_per_gj, oxidation_rate) or none.",
                value=line.subject,
                column="ncv",
            )
        chain = replace(chain, ef=None)
    names = {"ncv": "NCV", "cc": "CC", "of": "OF"}
    used = ", ".join(f"{names[k]} {v}" for k, v in given.items())
    return replace(
        chain,
        document=f"the report's {used}; shipped: {chain.document}",
        factor_set=f"reported ({', '.join(names[k] for k in given)}) + {chain.factor_set}",
        note=f"the report's {used} used; shipped EF {chain.float_factor():.6g} tCO2/{chain.unit}",
        ncv=given.get("ncv", chain.ncv),
        cc=given.get("cc", chain.cc),
        of=given.get("of", chain.of),
    )


def to_chain_unit(amount: float, unit: str, chain: Chain) -> Decimal:
    """The activity in the chain's unit (t, 万Nm3, MWh, GJ)."""
    return dec(amount) * dec(conversion_factor(unit, chain.unit))
