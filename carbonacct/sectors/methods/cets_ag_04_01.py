"""Aluminium (铝冶炼行业): the MEE national-ETS guideline CETS—AG—04.01—V01—2024.

Electrolysis process (铝电解工序) and enterprise level:

* fuel combustion: FC × NCV × CC × OF × 44/12;
* A-1 anode (铝电解工序能源作为原材料用途): net anode consumption [t] × (1 − S − A) × 44/12, i.e.
  P_Al × EF_anode with EF_anode = NC × (1 − S − A) × 44/12 and NC = net anode [t] / P_Al; or A-1′
  from the gross anode consumed with a loss rate (only when the user gives the loss rate: its
  15.18 % rests on one low-grade copy);
* A-2/A-3 PFC of anode effects: P_Al × (EF_CF4 × GWP_CF4 + EF_C2F6 × GWP_C2F6) × 10⁻³ [tCO2e], the
  factors given, or from the anode-effect minutes × slope (and C2F6/CF4 ratio). The GWP set is a
  choice (``gwp_set``: AR4, AR5, AR6 from the shipped IPCC table, or the user's own values with
  ``gwp_cf4``/``gwp_c2f6``), never a silent default, and it is written on every PFC line;
* A-4 enterprise carbonates: Q × purity × EF;
* auxiliary items, outside the ETS total and the ETS intensity: AC power consumption of
  electrolysis [MWh] (category ``electrolysis_ac``, 铝电解交流电耗) and net purchased electricity
  [MWh] and heat [GJ], reported as amounts (``electrolysis_ac_MWh``, ``electricity_in_MWh``,
  ``heat_in_GJ``).

The intensity is per tonne of aluminium liquid (铝液) and covers the ETS total only.

GB/T 32151.4-2015 (and the 2013 NDRC guideline) uses the same A-1 and A-2 (S(2)); its own values
(NC 0.42, limestone 0.405, SAR GWPs) are S(1) and are not shipped: pass them as the user's.

References
----------
CETS—AG—04.01—V01—2024 企业温室气体排放核算与报告指南 铝冶炼行业, MEE office notice of 2024-09-13.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from carbonacct.errors import FactorNotFoundError, OptionError
from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods._cets_lines import (
    CO2_PER_C,
    category_expr,
    ensure_columns,
    fuel_co2,
    month_join,
    refuse_lines,
    round_half_up,
    source_sums,
)

__all__ = [
    "C2F6_CF4_MAX",
    "AluminiumCets2024",
    "anode_factor",
    "anode_gross_co2",
    "carbonate_co2",
    "pfc_co2e",
    "pfc_factors_from_slope",
]

GUIDELINE = "CETS—AG—04.01—V01—2024"
_SET = "default_set aluminium-cets-2024-s2"

C2F6_CF4_MAX = 0.2
"""Largest plausible C2F6/CF4 mass ratio (IPCC CWPB 0.121; the guideline's 0.1). A 0.034 C2F6
factor beside 0.034 CF4 is a copy error of the 2013 tables, 10× too high (trap T-A6)."""

_PARAMETERS = (
    "ncv",
    "carbon_content_per_heat",
    "oxidation_rate",
    "sulfur_content",
    "ash_content",
    "loss_rate",
    "cf4_per_t",
    "c2f6_per_t",
    "anode_effect_minutes",
    "slope",
    "c2f6_cf4_ratio",
    "purity",
    "emission_factor",
)


def anode_factor(net_consumption: pl.Expr) -> pl.Expr:
    """A-1 factor EF_anode [tCO2/t Al] = NC [t anode/t Al] × (1 − S − A) × 44/12.

    NC is a mass of anode per tonne of aluminium (some tools label it "tC/t Al"; it is not carbon).

    Examples
    --------
    >>> df = pl.DataFrame({"nc": [0.411], "sulfur_content": [0.02], "ash_content": [0.004]})
    >>> round(df.select(anode_factor(pl.col("nc"))).item(), 6)  # 0.411 × 0.976 × 44/12
    1.470832
    """
    return net_consumption * (1 - pl.col("sulfur_content") - pl.col("ash_content")) * CO2_PER_C


def anode_gross_co2() -> pl.Expr:
    """A-1′ [tCO2]: anode consumed [t] × (1 − loss rate) × (1 − S − A) × 44/12.

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [48_000.0], "loss_rate": [0.1518],
    ...                    "sulfur_content": [0.02], "ash_content": [0.004]})
    >>> round(df.select(anode_gross_co2()).item(), 2)
    145700.4
    """
    return anode_factor(pl.col("quantity") * (1 - pl.col("loss_rate")))


def pfc_factors_from_slope() -> tuple[pl.Expr, pl.Expr]:
    """A-3: EF_CF4 = slope × AEM [kg CF4/t Al]; EF_C2F6 = ratio × EF_CF4 [kg C2F6/t Al].

    Examples
    --------
    >>> df = pl.DataFrame({"anode_effect_minutes": [0.02], "slope": [0.143],
    ...                    "c2f6_cf4_ratio": [0.1]})
    >>> [round(v, 6) for v in df.select(*pfc_factors_from_slope()).row(0)]
    [0.00286, 0.000286]
    """
    cf4 = pl.col("slope") * pl.col("anode_effect_minutes")
    return cf4.alias("cf4_per_t"), (pl.col("c2f6_cf4_ratio") * cf4).alias("c2f6_per_t")


def pfc_co2e(production: pl.Expr, gwp_cf4: float, gwp_c2f6: float) -> pl.Expr:
    """A-2 [tCO2e]: P_Al [t] × (EF_CF4 × GWP_CF4 + EF_C2F6 × GWP_C2F6) [kg/t] × 10⁻³.

    Examples
    --------
    >>> df = pl.DataFrame({"p": [100_000.0], "cf4_per_t": [0.034], "c2f6_per_t": [0.0034]})
    >>> round(df.select(pfc_co2e(pl.col("p"), 6630, 11100)).item(), 2)
    26316.0
    """
    return production * (pl.col("cf4_per_t") * gwp_cf4 + pl.col("c2f6_per_t") * gwp_c2f6) * 1e-3


def carbonate_co2() -> pl.Expr:
    """A-4 [tCO2]: carbonate [t] × purity [fraction] × EF [tCO2/t carbonate].

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [2_000.0], "purity": [0.9], "emission_factor": [0.440]})
    >>> round(df.select(carbonate_co2()).item(), 2)
    792.0
    """
    return pl.col("quantity") * pl.col("purity") * pl.col("emission_factor")


def gwp_values(options: RecordOptions) -> tuple[str, float, float]:
    """The GWP set named by the options: (name, GWP of CF4, GWP of C2F6).

    ``gwp_set`` names it; AR4/AR5/AR6 come from the shipped IPCC table (secondary ≥ 2); any other
    name (e.g. SAR, whose CF4/C2F6 values are not shipped) needs ``gwp_cf4`` and ``gwp_c2f6``.
    """
    name = (options.choice("gwp_set") or "").strip().upper() or None
    own = options.choice("gwp_cf4"), options.choice("gwp_c2f6")
    if not name:
        raise OptionError(
            f"PFC of anode effects ({GUIDELINE} A-2) need a GWP set, and none was chosen: pass "
            "gwp_set=AR5 (the 2024 guideline per one copy, S(1)) or AR4/AR6; for SAR (the 2013 "
            "guideline: CF4 6500, C2F6 9200, not shipped) pass gwp_set=SAR with gwp_cf4 and gwp_c2f6",
            option="gwp_set",
            value=None,
        )
    shipped = _shipped_gwp(name)
    if any(own):
        return _own_gwp(name, own, shipped)
    if shipped is None:
        raise OptionError(
            f"gwp_set {name!r} has no shipped CF4/C2F6 values (shipped: AR4, AR5, AR6; SAR's are "
            "unverified): pass gwp_cf4 and gwp_c2f6 with the values of your set",
            option="gwp_set",
            value=name,
        )
    return name, *shipped


def _shipped_gwp(name: str) -> tuple[float, float] | None:
    from carbonacct.factors import default_library

    try:
        lib = default_library()
        cf4, c2f6 = (lib.resolve("gwp100", g, variant=name).value for g in ("CF4", "C2F6"))
    except FactorNotFoundError:
        return None
    return cf4, c2f6


def _own_gwp(
    name: str, own: tuple[str | None, str | None], shipped: tuple[float, float] | None
) -> tuple[str, float, float]:
    """User-given GWPs: both, numbers, and never under a set whose values are shipped."""
    if shipped is not None:
        raise OptionError(
            f"gwp_cf4/gwp_c2f6 {own!r} were given with gwp_set {name}, whose values are shipped "
            f"(CF4 {shipped[0]:g}, C2F6 {shipped[1]:g}): the result would say {name} and compute "
            "yours. Drop gwp_cf4/gwp_c2f6 to use them, or name the set they come from "
            "(e.g. gwp_set=SAR)",
            option="gwp_set",
            value=name,
        )
    try:
        cf4, c2f6 = float(own[0] or ""), float(own[1] or "")
    except ValueError as err:
        raise OptionError(
            f"gwp_cf4 and gwp_c2f6 must both be given as numbers (got {own!r})",
            option="gwp_cf4",
            value=own,
        ) from err
    return f"{name} (CF4 {cf4:g}, C2F6 {c2f6:g}, user-given)", cf4, c2f6


def _gwp_text(gwp: tuple[str, float, float]) -> str:
    """The GWP set and the values used, as the PFC line's formula states them."""
    name, cf4, c2f6 = gwp
    return name if "CF4" in name else f"{name}: CF4 {cf4:g}, C2F6 {c2f6:g}"


def check_pfc_ratio(lines: pl.DataFrame) -> None:
    """Refuse a C2F6 factor above 0.2 × the CF4 factor (the 0.034 copy error, trap T-A6)."""
    refuse_lines(
        lines,
        (pl.col("category") == "anode_effect")
        & (pl.col("c2f6_per_t") > C2F6_CF4_MAX * pl.col("cf4_per_t")),
        lambda row: (
            f"C2F6 factor {row['c2f6_per_t']} kg/t Al is "
            f"{row['c2f6_per_t'] / row['cf4_per_t']:.2f} × the CF4 factor {row['cf4_per_t']}; above "
            f"{C2F6_CF4_MAX} it is not plausible ({GUIDELINE} A-2; 0.034 for C2F6 is a known copy "
            "error of the 2013 tables, 10× the 0.0034 of the 2024 set): check the value"
        ),
        f"{GUIDELINE} A-2",
    )


def intermediate_decimals(profile_id: str | None) -> dict[str, int]:
    """Decimals the rounding profile gives the anode and anode-effect intermediates (``{}``: none).

    The engine passes ``rounding="full"`` for full-precision figures and the profile's id for the
    reported ones; the profile names what this method computes itself (NC, EF_anode, EF_CF4 …).
    """
    if profile_id in (None, "full"):
        return {}
    from carbonacct.sectors._sets import rounding_profile

    profile = rounding_profile(profile_id)
    names = {
        "anode": ("net_consumption", "sulfur_content", "ash_content", "anode_factor"),
        "anode_effect": ("anode_effect_minutes", "cf4_per_t", "c2f6_per_t"),
    }
    out = {}
    for category, parameters in names.items():
        for name in parameters:
            places = profile.decimals(category, name)
            if places is not None:
                out[name] = places
    return out


def _rounded(decimals: Mapping[str, int], name: str, expr: pl.Expr) -> pl.Expr:
    places = decimals.get(name)
    return expr if places is None else round_half_up(expr, places)


def _anode_net(decimals: Mapping[str, int]) -> pl.Expr:
    """A-1 with the profile's intermediate rounding: P_Al × round(NC × (1 − S − A) × 44/12)."""
    if not decimals:
        return anode_factor(pl.col("quantity"))
    nc = _rounded(decimals, "net_consumption", pl.col("quantity") / pl.col("production_t"))
    s = _rounded(decimals, "sulfur_content", pl.col("sulfur_content"))
    a = _rounded(decimals, "ash_content", pl.col("ash_content"))
    factor = _rounded(decimals, "anode_factor", nc * (1 - s - a) * CO2_PER_C)
    return pl.col("production_t") * factor


def _pfc(decimals: Mapping[str, int], gwp: tuple[str, float, float]) -> pl.Expr:
    slope_cf4, slope_c2f6 = pfc_factors_from_slope()
    by_slope = pl.col("parameter_set") == "slope"
    cf4 = _rounded(decimals, "cf4_per_t", pl.when(by_slope).then(slope_cf4).otherwise("cf4_per_t"))
    c2f6 = _rounded(
        decimals, "c2f6_per_t", pl.when(by_slope).then(slope_c2f6).otherwise("c2f6_per_t")
    )
    _, g_cf4, g_c2f6 = gwp
    return pl.col("quantity") * (cf4 * g_cf4 + c2f6 * g_c2f6) * 1e-3


@dataclass(frozen=True)
class AluminiumCets2024:
    """The MEE 2024 aluminium guideline: anode, anode-effect PFC, carbonates, fuel."""

    id: str = "aluminium-cets-2024"
    document: str = (
        "企业温室气体排放核算与报告指南 铝冶炼行业 CETS—AG—04.01—V01—2024 (MEE, 2024-09-13)"
    )
    clauses: Mapping[str, str] = field(
        default_factory=lambda: {
            "combustion": "fuel: FC × NCV × CC × OF × 44/12",
            "anode": f"{GUIDELINE} A-1: P_Al × NC × (1 − S − A) × 44/12 (A-1′ with a loss rate)",
            "pfc": f"{GUIDELINE} A-2/A-3: P_Al × (EF_CF4 × GWP_CF4 + EF_C2F6 × GWP_C2F6) × 10⁻³",
            "carbonate": f"{GUIDELINE} A-4: Q × purity × EF",
            "electrolysis_ac": "auxiliary (1): AC consumption of electrolysis, MWh",
            "electricity": "auxiliary (2): net purchased electricity, MWh",
            "heat": "auxiliary (2): net purchased heat, GJ",
        }
    )
    categories: tuple[str, ...] = (
        "fuel",
        "anode",
        "anode_effect",
        "carbonate",
        "electrolysis_ac",
        "electricity",
        "heat",
        "product_output",
    )
    default_set: str | None = None
    rounding: str | None = "line_0.01t"
    product: str | None = "aluminium_liquid"
    sources: tuple[str, ...] = ("combustion", "anode", "pfc", "carbonate")

    def check_options(self, options: RecordOptions) -> None:
        """A GWP set given is checked here; its absence only matters when PFC lines exist."""
        if options.choice("gwp_set"):
            gwp_values(options)

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        """The parameter sets of ``category``; an anode needs its sulfur and ash (A-1)."""
        return _REQUIREMENTS.get(category, ())

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        """Each line's CO2 or CO2e [t] by the fuel formula, A-1, A-1′, A-2/A-3 and A-4.

        An anode line's quantity is the net anode consumed [t] (A-1′: the gross anode consumed);
        an anode-effect line's quantity is the aluminium liquid of the cells [t] (A-2's P_Al).
        """
        lines = ensure_columns(lines, _PARAMETERS)
        check_pfc_ratio(lines)
        decimals = intermediate_decimals(options.rounding)
        if decimals.get("anode_factor") is not None or decimals.get("net_consumption") is not None:
            lines = month_join(
                lines,
                pl.col("quantity"),
                of=pl.col("category") == "product_output",
                name="production_t",
                needed_by=(pl.col("category") == "anode") & (pl.col("parameter_set") == "net"),
                what="the aluminium liquid output (product_output), to round NC and EF_anode",
                clause=f"{GUIDELINE} A-1",
                keys=("firm_id", "month"),
            )
        has_pfc = lines.filter(pl.col("category") == "anode_effect").height > 0
        gwp = gwp_values(options) if has_pfc else ("", 0.0, 0.0)
        gross = pl.col("parameter_set") == "gross_loss"
        anode = pl.when(gross).then(anode_gross_co2()).otherwise(_anode_net(decimals))
        terms = {
            "fuel": ("combustion", "fuel S-1", fuel_co2()),
            "anode": ("anode", f"{GUIDELINE} A-1", anode),
            "anode_effect": ("pfc", f"{GUIDELINE} A-2 (GWP {_gwp_text(gwp)})", _pfc(decimals, gwp)),
            "carbonate": ("carbonate", f"{GUIDELINE} A-4", carbonate_co2()),
        }
        out = lines.with_columns(*category_expr(terms))
        return out.with_columns(
            pl.when((pl.col("category") == "anode") & gross)
            .then(pl.lit(f"{GUIDELINE} A-1′"))
            .otherwise("formula")
            .alias("formula")
        )

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """E = fuel + anode + PFC + carbonates (tCO2e); electricity and heat are auxiliary items."""
        return {
            "co2e_t": source_sums(by_source, ("combustion", "anode", "pfc", "carbonate")),
            "co2_t": source_sums(by_source, ("combustion", "anode", "carbonate")),
            "co2_combustion_t": source_sums(by_source, ("combustion",)),
            "co2_anode_t": source_sums(by_source, ("anode",)),
            "co2e_pfc_t": source_sums(by_source, ("pfc",)),
            "co2_carbonate_t": source_sums(by_source, ("carbonate",)),
        }


_REQUIREMENTS: dict[str, tuple[ParameterSet, ...]] = {
    "fuel": (
        ParameterSet(
            "ncv_cc_of",
            ("ncv", "carbon_content_per_heat", "oxidation_rate"),
            f"{GUIDELINE} fuel combustion",
            "FC × NCV × CC × OF × 44/12",
        ),
    ),
    "anode": (
        ParameterSet(
            "gross_loss",
            ("loss_rate", "sulfur_content", "ash_content"),
            f"{GUIDELINE} A-1′ (anode consumed × (1 − loss rate))",
            "M × (1 − L) × (1 − S − A) × 44/12",
        ),
        ParameterSet(
            "net",
            ("sulfur_content", "ash_content"),
            f"{GUIDELINE} A-1 (sulfur S and ash A of the anode; {_SET} gives 2 % and 0.4 %, secondary (2))",
            "net anode × (1 − S − A) × 44/12",
        ),
    ),
    "anode_effect": (
        ParameterSet(
            "slope",
            ("anode_effect_minutes", "slope", "c2f6_cf4_ratio"),
            f"{GUIDELINE} A-3 (anode-effect minutes per cell-day)",
            "EF_CF4 = slope × AEM; EF_C2F6 = ratio × EF_CF4",
        ),
        ParameterSet(
            "factors",
            ("cf4_per_t", "c2f6_per_t"),
            f"{GUIDELINE} A-2 (EF_CF4, EF_C2F6 in kg/t Al; {_SET} gives EF_CF4 0.034, secondary (2); EF_C2F6 is not shipped)",
            "P_Al × (EF_CF4 × GWP + EF_C2F6 × GWP) × 10⁻³",
        ),
    ),
    "carbonate": (
        ParameterSet(
            "purity_ef",
            ("purity", "emission_factor"),
            f"{GUIDELINE} A-4 (purity; EF: {_SET} gives CaCO3 0.440 …, secondary (2))",
            "Q × PUR × EF",
        ),
    ),
    "electrolysis_ac": (ParameterSet("auxiliary", (), f"{GUIDELINE} 辅助参数报告项 (1)"),),
    "electricity": (ParameterSet("auxiliary", (), f"{GUIDELINE} 辅助参数报告项"),),
    "heat": (ParameterSet("auxiliary", (), f"{GUIDELINE} 辅助参数报告项"),),
    "product_output": (ParameterSet("output", (), f"{GUIDELINE} 8 (铝液产量)"),),
}


METHODS = (AluminiumCets2024(),)
