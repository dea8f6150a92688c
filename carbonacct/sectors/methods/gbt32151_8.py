"""Cement: GB/T 32151.8-2015 温室气体排放核算与报告要求 第8部分：水泥生产企业 (the CaO/MgO route).

The route of GB/T 32151.8-2015 and the 2013 NDRC cement guideline (structure S(2)):

* C-2 fuel combustion, as :mod:`carbonacct.sectors.methods.cets_ag_02_01`;
* C-6 alternative fuels and wastes: Q × NCV × CC × 44/12 × fossil (non-biomass) share;
* C-4 raw-material calcination, clinker-based: (Q_clinker + Q_kiln-head dust + Q_bypass dust) ×
  [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40], the dust counted at the clinker's
  composition. The copies of the standard write **44/40** (S(2)); 44/40.3 (MgO's molar mass) is
  the choice ``mgo_factor="44/40.3"``, named on every line it produces;
* C-5 non-fuel carbon of raw meal: Q_raw meal × FR0 × 44/12 (FR0 required: its 0.1–0.3 % default
  is R);
* purchased electricity and heat reported apart, as in the 2024 guideline's auxiliary items.

Non-carbonate alternative raw materials (扣减系数) belong to CETS—AG—02.01 C-1; with this formula
they would deduct twice (CaO_nc already removes them), so a record carrying them is refused.

References
----------
GB/T 32151.8-2015 (issued 2015-11-19, in force 2016-06-01), replaced by GB/T 32151.8-2023 whose
formulas were not reached; 中国水泥生产企业温室气体排放核算方法与报告指南（试行）(NDRC, 2013).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from carbonacct.errors import OptionError
from carbonacct.sectors._protocol import ParameterSet, RecordOptions
from carbonacct.sectors.methods._cets_lines import (
    CO2_PER_C,
    category_expr,
    ensure_columns,
    month_join,
    refuse_lines,
    round_half_up,
)

__all__ = [
    "CO2_PER_CAO",
    "CO2_PER_MGO",
    "CementGBT32151_8",
    "alternative_fuel_co2",
    "clinker_factor_from_oxides",
    "raw_meal_co2",
]

STANDARD = "GB/T 32151.8-2015"

CO2_PER_CAO = 44 / 56
"""tCO2 per t CaO in C-4 as GB/T 32151.8-2015 writes it (S(2)); 0.7857, not a CaO content."""

CO2_PER_MGO = {"44/40": 44 / 40, "44/40.3": 44 / 40.3}
"""tCO2 per t MgO in C-4: the copies of the standard write 44/40 (S(2)); 44/40.3 is MgO's molar mass."""

CAO_MAX = 0.75
"""Largest plausible CaO mass fraction of clinker (Portland clinker is about 0.62–0.68; C3S itself
0.737). Above it the value is most likely the CaO→CO2 coefficient 0.785 taken for a content."""

_OXIDES = ("cao_content", "cao_noncarbonate", "mgo_content", "mgo_noncarbonate")


def clinker_factor_from_oxides(mgo_factor: str = "44/40") -> pl.Expr:
    """C-4 factor [tCO2/t clinker]: (CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × ``mgo_factor``.

    Contents are mass fractions of the clinker; ``_nc`` is the part not from carbonates.

    Examples
    --------
    >>> df = pl.DataFrame({"cao_content": [0.65], "cao_noncarbonate": [0.005],
    ...                    "mgo_content": [0.02], "mgo_noncarbonate": [0.002]})
    >>> round(df.select(clinker_factor_from_oxides()).item(), 6)  # 0.645×44/56 + 0.018×44/40
    0.526586
    >>> round(df.select(clinker_factor_from_oxides("44/40.3")).item(), 6)
    0.526438
    """
    ratio = CO2_PER_MGO[mgo_factor]
    cao = pl.col("cao_content") - pl.col("cao_noncarbonate")
    return cao * CO2_PER_CAO + (pl.col("mgo_content") - pl.col("mgo_noncarbonate")) * ratio


def raw_meal_co2() -> pl.Expr:
    """C-5 [tCO2]: raw meal [t] × its non-fuel carbon FR0 [mass fraction] × 44/12.

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [1_550_000.0], "carbon_content": [0.002]})
    >>> round(df.select(raw_meal_co2()).item(), 2)
    11366.67
    """
    return pl.col("quantity") * pl.col("carbon_content") * CO2_PER_C


def alternative_fuel_co2() -> pl.Expr:
    """C-6 [tCO2]: fuel [t] × NCV [GJ/t] × CC [tC/GJ] × 44/12 × fossil share [fraction].

    Only the fossil (non-biomass) carbon counts.

    Examples
    --------
    >>> df = pl.DataFrame({"quantity": [1000.0], "ncv": [25.0],
    ...                    "carbon_content_per_heat": [0.02], "fossil_fraction": [0.6]})
    >>> round(df.select(alternative_fuel_co2()).item(), 2)  # 1000×25×0.02×44/12×0.6
    1100.0
    """
    return (
        pl.col("quantity")
        * pl.col("ncv")
        * pl.col("carbon_content_per_heat")
        * CO2_PER_C
        * pl.col("fossil_fraction")
    )


def _mgo_factor(options: RecordOptions) -> str:
    value = options.choice("mgo_factor", "44/40") or "44/40"
    if value not in CO2_PER_MGO:
        raise OptionError(
            f"mgo_factor {value!r} is not one of {sorted(CO2_PER_MGO)}: {STANDARD} C-4 writes "
            "44/40 (the default); 44/40.3 uses the molar mass of MgO",
            option="mgo_factor",
            value=value,
        )
    return value


@dataclass(frozen=True)
class CementGBT32151_8:
    """GB/T 32151.8-2015: clinker-based CaO/MgO calcination with kiln-head and bypass dust."""

    id: str = "cement-gbt32151.8-2015"
    document: str = (
        "GB/T 32151.8-2015 温室气体排放核算与报告要求 第8部分：水泥生产企业 "
        "(and the 2013 NDRC cement guideline)"
    )
    clauses: Mapping[str, str] = field(
        default_factory=lambda: {
            "combustion": "C-2: FC × NCV × CC × OF × 44/12",
            "alternative_fuel": f"{STANDARD} C-6: Q × NCV × CC × 44/12 × fossil share",
            "process": f"{STANDARD} C-4: (Q_cl + Q_ckd + Q_bpd) × [(CaO − CaO_nc) × 44/56 + "
            "(MgO − MgO_nc) × 44/40]; C-5: Q_rm × FR0 × 44/12",
            "electricity": "auxiliary: MWh × fossil share × grid factor",
            "heat": "auxiliary: GJ × factor",
        }
    )
    categories: tuple[str, ...] = (
        "fuel",
        "alternative_fuel",
        "clinker",
        "kiln_dust",
        "bypass_dust",
        "raw_meal",
        "non_carbonate_raw",
        "electricity",
        "heat",
    )
    default_set: str | None = None
    rounding: str | None = "line_0.01t"
    product: str | None = "clinker"
    sources: tuple[str, ...] = ("combustion", "alternative_fuel", "process", "electricity", "heat")

    def check_options(self, options: RecordOptions) -> None:
        """Refuse an ``mgo_factor`` other than 44/40 or 44/40.3."""
        _mgo_factor(options)

    def requirements(self, category: str, options: RecordOptions) -> tuple[ParameterSet, ...]:
        """The parameter sets of ``category`` (clinker: its four oxide contents, C-4)."""
        from carbonacct.sectors.methods.cets_ag_02_01 import CEMENT_AUXILIARY

        dust = (ParameterSet("clinker_composition", (), f"{STANDARD} C-4", "Q × EF_cl"),)
        own = {
            "clinker": (
                ParameterSet(
                    "oxides", _OXIDES, f"{STANDARD} C-4 (CaO, MgO and their non-carbonate parts)"
                ),
            ),
            "kiln_dust": dust,
            "bypass_dust": dust,
            "raw_meal": (
                ParameterSet(
                    "fr0", ("carbon_content",), f"{STANDARD} C-5 (FR0)", "Q × FR0 × 44/12"
                ),
            ),
            "non_carbonate_raw": (ParameterSet("refused", (), f"{STANDARD} C-4"),),
        }
        return {**CEMENT_AUXILIARY, **own}.get(category, ())

    def line_emissions(self, lines: pl.DataFrame, options: RecordOptions) -> pl.DataFrame:
        """Each line's CO2 [t] by C-2, C-6, C-4, C-5 and the auxiliary items."""
        from carbonacct.sectors.methods.cets_ag_02_01 import AUXILIARY_PARAMETERS, auxiliary_terms

        ratio = _mgo_factor(options)
        lines = ensure_columns(lines, ("carbon_content", *_OXIDES, *AUXILIARY_PARAMETERS))
        _refuse_substitutes(lines)
        _check_cao(lines)
        dusty = pl.col("category").is_in(["clinker", "kiln_dust", "bypass_dust"])
        lines = month_join(
            lines,
            clinker_factor_from_oxides(ratio),
            of=pl.col("category") == "clinker",
            name="clinker_factor",
            needed_by=dusty,
            what="the clinker's CaO/MgO contents",
            clause=f"{STANDARD} C-4",
        )
        calcination = pl.col("quantity") * pl.col("clinker_factor")
        clause = f"{STANDARD} C-4 (MgO × {ratio})"
        terms = {
            **auxiliary_terms(),
            "clinker": ("process", clause, calcination),
            "kiln_dust": ("process", clause, calcination),
            "bypass_dust": ("process", clause, calcination),
            "raw_meal": ("process", f"{STANDARD} C-5", raw_meal_co2()),
        }
        return c4_rounded_once(lines.with_columns(*category_expr(terms)), options.rounding)

    def totals(self, by_source: Mapping[str, float]) -> dict[str, float]:
        """E = combustion + alternative fuels + process; electricity and heat apart."""
        from carbonacct.sectors.methods.cets_ag_02_01 import cement_totals

        return cement_totals(by_source)


def c4_rounded_once(lines: pl.DataFrame, profile_id: str | None) -> pl.DataFrame:
    """C-4 is one term, (Q_cl + Q_ckd + Q_bpd) × EF: in the reported pass it is rounded once.

    Each clinker and dust line keeps its own rounded CO2, and the first clinker line of
    the firm's month takes the difference to the term rounded once, so the lines sum to
    the term as the standard writes it (not to the sum of lines rounded one by one).
    The full-precision pass (``rounding`` "full" or none) is left as it is.
    """
    if profile_id in (None, "full") or lines.is_empty():
        return lines
    from carbonacct.sectors._sets import rounding_profile

    places = rounding_profile(profile_id).line_decimals
    if places < 0:
        return lines
    keys = [k for k in ("firm_id", "month") if k in lines.columns]
    c4 = pl.col("category").is_in(["clinker", "kiln_dust", "bypass_dust"])
    own = round_half_up(pl.col("co2_t"), places)
    term = round_half_up(pl.when(c4).then(pl.col("co2_t")).sum().over(keys), places)
    rounded_sum = pl.when(c4).then(own).sum().over(keys)
    clinker = pl.col("category") == "clinker"
    first = clinker & (pl.col("_i") == pl.when(clinker).then(pl.col("_i")).min().over(keys))
    co2 = pl.when(first).then(own + term - rounded_sum).when(c4).then(own).otherwise("co2_t")
    return (
        lines.with_row_index("_i")
        .with_columns(round_half_up(co2, places).alias("co2_t"))
        .drop("_i")
    )


def _refuse_substitutes(lines: pl.DataFrame) -> None:
    refuse_lines(
        lines,
        pl.col("category") == "non_carbonate_raw",
        lambda _: (
            "a non-carbonate alternative raw material's deduction coefficient belongs to "
            f"CETS—AG—02.01—V01—2024 C-1. Under {STANDARD} C-4 the non-carbonate CaO/MgO (CaO_nc, "
            "MgO_nc) already remove it, and deducting both corrects twice. Use method "
            "'cement-cets-2024', or give CaO_nc/MgO_nc and drop these rows"
        ),
        f"{STANDARD} C-4",
    )


def _check_cao(lines: pl.DataFrame) -> None:
    refuse_lines(
        lines,
        pl.col("cao_content") > CAO_MAX,
        lambda row: (
            f"CaO content {row['cao_content']} is above {CAO_MAX}, which no clinker "
            f"reaches; 0.785 is the CaO→CO2 coefficient (44/56), not a CaO content ({STANDARD} C-4). "
            "Give the clinker's CaO mass fraction (e.g. 0.65)"
        ),
        f"{STANDARD} C-4",
    )


METHODS = (CementGBT32151_8(),)
