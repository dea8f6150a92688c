"""What the dual-control accounting leaves out of the energy of an intensity target.

- **Raw-material energy** (原料用能): 发改环资〔2022〕803号 — deducted from the total and from the
  intensity numerator, in the base year and the target year alike (the footprint's
  ``energy_excl_feedstock_tce``).
- **Non-fossil energy**: 发改环资〔2024〕113号 (一) — "非化石能源不纳入能源消耗总量和强度调控",
  with 绿证 as the voucher of renewable electricity (二). It replaced, for the 14th-FYP
  series, 发改运行〔2022〕1258号 (only the *increment* of renewable electricity over 2020, and
  only from the *total*, "仍纳入能耗强度考核"), and the statistics were recomputed on the new
  basis back to the series' base year 2020. A firm's renewable electricity is the 绿证 it holds
  for the year (1258号; sole voucher and 1 绿证 = 1 MWh: 发改能源〔2023〕1044号).

So for an intensity target of a year from 2020 on, the non-fossil electricity evidenced by
绿证 (at most the electricity the firm bought) leaves the numerator at the coefficient the
footprint used for electricity; before 2020 nothing is deducted. Product benchmarks
(标杆/基准, GB quotas) keep comprehensive energy: no exclusion applies to them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

#: The rules applied, each with its document, clause, dates and grade (reference note on the
#: dual-control exclusion rules, §5, rows 5.4-5.8).
EXCLUSION_RULES: tuple[dict[str, Any], ...] = (
    {
        "excludes": "feedstock",
        "document": "发改环资〔2022〕803号",
        "clause": "原料用能消费量从各地区能源消费总量中扣除…同步从基年和目标年度能源消费总量中扣除",
        "published": "2022-11-01",
        "from_year": 2020,
        "grade": "official",
    },
    {
        "excludes": "non_fossil",
        "document": "发改环资〔2024〕113号",
        "clause": "(一) 非化石能源不纳入能源消耗总量和强度调控; (二) 将绿证作为可再生能源电力消费基础凭证",
        "published": "2024-02-02",
        "from_year": 2020,  # recomputed back to the 14th-FYP base year (reference §5.8, 2×sec)
        "grade": "official",
        "voucher": "绿证 held for the year, 1 绿证 = 1 MWh (发改能源〔2023〕1044号, official)",
        "replaces": "发改运行〔2022〕1258号 (increment over 2020, total only)",
    },
)
_NON_FOSSIL = EXCLUSION_RULES[1]


def electricity_coefficient(fp: Any) -> float | None:
    """The tce per MWh the footprint counted electricity at (its ``tce_coefficient``)."""
    used = getattr(fp, "factors_used", None)
    if used is None or "factor" not in used.columns:
        return None
    row = used.filter(
        (pl.col("factor") == "tce_coefficient") & (pl.col("carrier") == "electricity")
    )
    return float(row["value"][0]) if row.height else None


def dual_control_energy(site: pl.DataFrame, coefficient: float | None) -> pl.DataFrame:
    """``_energy_dc`` (energy of the intensity targets) and ``_basis_dc`` (what was left out,
    under which rule) per firm-year of ``site``."""
    base = "site, excl. feedstock (发改环资〔2022〕803号)"
    if coefficient is None or "green_electricity_MWh" not in site.columns:
        return site.with_columns(
            pl.col("energy_excl_feedstock_tce").alias("_energy_dc"), pl.lit(base).alias("_basis_dc")
        )
    bought = pl.col("electricity_in_MWh") if "electricity_in_MWh" in site.columns else None
    green = pl.col("green_electricity_MWh").fill_null(0.0)
    mwh = pl.min_horizontal(green, bought.fill_null(0.0)) if bought is not None else green
    applies = (pl.col("year") >= _NON_FOSSIL["from_year"]) & (mwh > 0)
    tce = mwh * coefficient
    note = pl.format(
        "{}, excl. non-fossil electricity {} MWh (绿证) × {} tce/MWh = {} tce ({} (一)(二); {})",
        pl.lit(base),
        mwh.round(6),
        pl.lit(coefficient),
        tce.round(6),
        pl.lit(_NON_FOSSIL["document"]),
        pl.lit(_NON_FOSSIL["voucher"]),
    )
    return site.with_columns(
        pl.when(applies)
        .then(pl.col("energy_excl_feedstock_tce") - tce)
        .otherwise(pl.col("energy_excl_feedstock_tce"))
        .alias("_energy_dc"),
        pl.when(applies).then(note).otherwise(pl.lit(base)).alias("_basis_dc"),
    )
