"""Why a reported figure differs from ours: the first known cause that reproduces it.

Each cause recomputes the line another way and compares at the reported
precision: another rounding policy (shipped or the user's), exports not
deducted, a unit slip (×1000, ×10^4), a sign flipped on carbon held in
products, another published factor (named with set, year, region and
variant), the oxidation rate omitted, another fuel factor set, or a reported
factor that matches no publication.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError
from carbonacct.factors import FactorLibrary
from carbonacct.units import conversion_factor
from carbonacct.verify._chain import Chain, fuel_chain
from carbonacct.verify._lines import Line
from carbonacct.verify.factor_check import find_factor, not_scope2, where
from carbonacct.verify.rounding import RoundingPolicy

__all__ = ["explain", "reported_factor_document"]

_UNIT_SLIPS = {
    Decimal(1000): "unit slip: the reported figure is 1000× the recomputed one (on one side a "
    "value in kWh taken as MWh, or kg as t)",
    Decimal("0.001"): "unit slip: the reported figure is 1/1000 of the recomputed one (on one "
    "side a value in MWh taken as kWh, or t as kg)",
    Decimal(10): "decimal slip: the reported figure is 10× the recomputed one (a decimal point "
    "moved one place on one side)",
    Decimal("0.1"): "decimal slip: the reported figure is 1/10 of the recomputed one (a decimal "
    "point moved one place on one side)",
    Decimal(10000): "unit slip: the reported figure is 10^4× the recomputed one (a 10^4 "
    "multiplier added on one side, e.g. Nm3 read as 万Nm3)",
    Decimal("0.0001"): "unit slip: the reported figure is 1/10^4 of the recomputed one (a 10^4 "
    "multiplier lost on one side, e.g. 万Nm3 read as Nm3)",
}
_FULL = RoundingPolicy("full", "full precision")


def _other_factor(
    line: Line, net: Decimal, chain: Chain, tol: Decimal, lib: FactorLibrary
) -> str | None:
    """A published grid or heat factor that reproduces the figure."""
    if line.kind not in ("electricity", "heat", "steam") or not net:
        return None
    implied = float(line.reported / (net * chain.per_activity))
    rel = max(5e-5, float(tol / abs(line.reported))) if line.reported else 5e-5
    subject = "electricity" if line.kind == "electricity" else "heat"
    hits = find_factor(
        implied,
        f"tCO2/{'MWh' if subject == 'electricity' else 'GJ'}",
        subject=subject,
        library=lib,
        rel_tol=rel,
    )
    if not hits.height:
        return None
    # of several published factors that fit a figure, the data year's and the line's region's first
    hits = hits.sort(
        (pl.col("year") != line.year).fill_null(True),
        (pl.col("region") != (line.province or "")).fill_null(True),
        maintain_order=True,
    )
    h = hits.row(0, named=True)
    when = h["year"] or f"valid from {h['valid_from']}"
    return f"different factor: {h['value']} {h['unit']} of {h['set_id']} ({h['region']}, {when}, {h['variant']})"


#: The feed-water enthalpy of the NDRC steam formula, AD = M × (En − 83.74) × 10^-3 GJ [kJ/kg]
#: (water at 20 °C; the formula's attribution is unverified in the reference notes).
FEEDWATER_KJ_PER_KG = Decimal("83.74")
#: The carbonate content GB/T 32151.34 applies when it is not measured [1] (secondary (1)).
DEFAULT_CARBONATE_PURITY = Decimal("0.9")


def _wrong_kind(line: Line, net: Decimal, tol: Decimal, lib: FactorLibrary) -> str | None:
    """A figure computed with a CDM/CCER baseline or a carbon-footprint factor."""
    if line.kind != "electricity" or not net:
        return None
    implied = float(line.reported / net)
    rel = max(5e-5, float(tol / abs(line.reported))) if line.reported else 5e-5
    hits = not_scope2(implied, "tCO2/MWh", library=lib, rel_tol=rel)
    if not hits.height:
        return None
    h = hits.row(0, named=True)
    return (
        f"wrong kind of factor: {line.reported} t = {float(net):g} MWh × {h['value']:g} {h['unit']}, "
        f"the {h['kind']} of {h['document']} ({h['region']} {h['year'] or ''}, {h['variant']}); "
        "that is not a scope-2 grid factor: use the grid average of the data year"
    )


def _steam_variants(line: Line, net: Decimal, chain: Chain, close: Any) -> str | None:
    """Steam by mass with the feed-water enthalpy deducted where we did not, or not where we did."""
    if line.kind != "steam" or line.unit_dimension != "mass" or line.steam_enthalpy is None:
        return None
    h = Decimal(format(line.steam_enthalpy, ".12g"))
    ours = Decimal(format(line.feedwater_enthalpy or 0, ".12g"))
    for fw in (FEEDWATER_KJ_PER_KG, Decimal(0)):
        if fw == ours:
            continue
        alt = replace(chain, per_activity=(h - fw) / 1000)
        if close(alt.co2(net, _FULL)):
            if fw:
                return (
                    f"steam formula variant: the report deducts feed water, Δh = {h} − {fw} kJ/kg "
                    "(the NDRC guideline's water at 20 °C); give steam_feedwater_enthalpy 83.74 "
                    "to follow it"
                )
            return (
                f"steam formula variant: the report takes the whole enthalpy {h} kJ/kg, without "
                f"deducting the feed water ({ours} kJ/kg)"
            )
    return None


def _carbonate_purity(line: Line, net: Decimal, chain: Chain, close: Any) -> str | None:
    """A carbonate figure at the standard's default 90 % content, or at 100 % where one is given."""
    if line.kind != "carbonate" or chain.ef is None:
        return None
    purity = Decimal(format(line.purity, ".12g")) if line.purity is not None else Decimal(1)
    pure = chain.ef / purity
    if purity != DEFAULT_CARBONATE_PURITY and close(net * pure * DEFAULT_CARBONATE_PURITY):
        return (
            "carbonate purity: the report applies the default carbonate content of 90 % "
            "(GB/T 32151.34, when the content is not measured); give the line's purity (e.g. 0.9) "
            "or the measured one"
        )
    if purity != 1 and close(net * pure):
        return f"carbonate purity: the report takes the carbonate as pure (100 %), not {purity}"
    return None


def _fuel_variants(
    line: Line, net: Decimal, chain: Chain, close: Any, lib: FactorLibrary
) -> str | None:
    if line.kind != "combustion" or chain.of is None or chain.of == 1:
        return None
    full = chain.co2(net, _FULL)
    if close(full / chain.of):
        return (
            f"formula variant: oxidation rate omitted (OF {float(chain.of) * 100:g} % not applied)"
        )
    for sets in (["ndrc-2013"], ["ipcc-2006"]):
        try:
            alt = fuel_chain(line.subject, lib, sets)
        except CarbonacctError:
            continue
        if close(alt.co2(net, _FULL)):
            return f"different factor set: {sets[0]} parameters"
    return None


def explain(
    line: Line,
    chain: Chain,
    gross: Decimal,
    net: Decimal,
    policies: Mapping[str, RoundingPolicy],
    lib: FactorLibrary,
    tol: Decimal,
) -> str:
    """The first known cause that reproduces the reported figure within ``tol`` [t], or ``unexplained``."""

    def close(x: Decimal, scale: Decimal = Decimal(1)) -> bool:
        return abs(x - line.reported) <= max(tol * scale, abs(line.reported) * Decimal("1e-9"))

    for p in policies.values():
        if p.steps and close(chain.co2(net, p)):
            return f"rounding: {p.id} ({p.description})"
    if line.exported and close(chain.co2(gross, _FULL)):
        return f"exports not deducted: {line.exported:g} {line.unit} delivered outside were left in"
    full = chain.co2(net, _FULL)
    # a zero on either side matches every multiple: no slip can explain it
    slips = _UNIT_SLIPS.items() if line.reported != 0 and full != 0 else ()
    # the slip may have been applied to a figure already rounded at the written precision
    # (309.59 × 10 = 3095.90): the rounding error is then scaled by the slip factor too
    for k, why in slips:
        if close(full * k, max(k, Decimal(1))):
            return why
    if chain.sign < 0 and close(-full):
        return "sign: carbon held in products reported as an emission instead of a deduction"
    if chain.sign > 0 and full and close(-full):
        return "sign: an emission reported as a negative figure (a deduction)"
    found = (
        _wrong_kind(line, net, tol, lib)
        or _other_factor(line, net, chain, tol, lib)
        or _fuel_variants(line, net, chain, close, lib)
        or _steam_variants(line, net, chain, close)
        or _carbonate_purity(line, net, chain, close)
    )
    if found:
        return found
    rf = _reported_factor_value(line, chain)
    if rf is not None and close(chain.sign * net * chain.per_activity * rf):
        return (
            f"reported factor {line.reported_factor} {line.reported_factor_unit or ''} matches no "
            f"publication (mistyped?); ours is {chain.float_factor():g} tCO2/{chain.unit}"
        )
    return "unexplained"


def _reported_factor_value(line: Line, chain: Chain) -> Decimal | None:
    """The line's stated factor in tCO2 per the chain's unit, if it converts."""
    if line.reported_factor is None:
        return None
    heat_unit = "GJ" if chain.per_activity != 1 else chain.unit
    try:
        k = conversion_factor(line.reported_factor_unit or f"tCO2/{heat_unit}", f"tCO2/{heat_unit}")
    except CarbonacctError:
        return None
    return Decimal(format(line.reported_factor * k, ".12g"))


def reported_factor_document(line: Line, chain: Chain, lib: FactorLibrary) -> str | None:
    """The publications the line's stated factor is, or why none."""
    if line.reported_factor is None:
        return None
    unit = line.reported_factor_unit or (
        "tCO2/MWh" if line.kind == "electricity" else f"tCO2/{chain.unit}"
    )
    subject = {"electricity": "electricity", "heat": "heat", "steam": "heat"}.get(line.kind)
    if subject == "electricity":
        try:
            wrong = not_scope2(line.reported_factor, unit, library=lib)
        except CarbonacctError:
            wrong = None
        if wrong is not None and wrong.height:
            h = wrong.row(0, named=True)
            return (
                f"wrong kind of factor: the {h['kind']} of {h['document']} ({where(h)}), not a "
                "scope-2 grid factor"
            )
    try:
        hits = (
            find_factor(line.reported_factor, unit, subject=subject, library=lib)
            if subject
            else None
        )
    except CarbonacctError as exc:
        return f"not comparable: {exc}"
    if hits is not None and hits.height:
        return "; ".join(f"{h['document']} ({where(h)})" for h in hits.iter_rows(named=True))
    rf = _reported_factor_value(line, chain)
    if rf is not None and abs(float(rf) - chain.float_factor()) <= 5e-5 * chain.float_factor():
        return f"ours: {chain.document}"
    return "no shipped publication gives this value (the reporter's own or mistyped)"
