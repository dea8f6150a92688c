"""Names for the regulator's summary: GB/T 4754 industries, provinces, and the division code
of a unified social credit code.

A unified social credit code (GB 32100-2015) has 18 characters: the registering authority
(1), the organisation type (1), the **administrative division code** of the registering
authority (6, GB/T 2260), the organisation code (9) and a check character (1). Its division
digits give the province (first two) and the prefecture-level division (first four). No
GB/T 2260 list of prefecture names is shipped (none is graded in the reference notes), so
a city is *named* only where the firms table gives it; otherwise the summary shows the
prefecture's division code (``city_code``) and says so.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from carbonacct._manifest import verified_data_path

__all__ = ["CITY_NOTE", "industry_names", "with_places"]

#: Characters of a unified social credit code (GB 32100-2015: digits and capitals without I O Z S V).
_USCC = r"^[0-9A-HJ-NPQRTUWXY]{2}(\d{6})[0-9A-HJ-NPQRTUWXY]{10}$"
CITY_NOTE = (
    "city from the division code of the unified social credit code: no GB/T 2260 list of city "
    "names is shipped, so the code is shown (give a city column to name it)"
)


@cache
def industry_names() -> pl.DataFrame:
    """GB/T 4754-2017 sections and divisions of industry: ``code``, ``level``, ``section``,
    ``name_zh``.

    Examples
    --------
    >>> n = industry_names()
    >>> n.filter(pl.col("code") == "31")["name_zh"].item()
    '黑色金属冶炼和压延加工业'
    """
    return pl.read_csv(verified_data_path("vocabulary/gbt4754-2017.csv"), infer_schema=False)


def _sector_name() -> pl.Expr:
    """``C 制造业 / 30 非金属矿物制品业`` from a sector code (``3011``, ``C3011``, ``30``)."""
    return pl.format(
        "{} {} / {} {}",
        pl.col("_section"),
        pl.col("_section_name"),
        pl.col("_division"),
        pl.col("_division_name"),
    )


def with_places(firm_table: pl.DataFrame) -> pl.DataFrame:
    """Add ``sector_name``, ``province`` (from the credit code where none was given),
    ``province_source``, ``city_code`` and ``city_source`` to the per-firm table."""
    from carbonacct.vocabulary import regions

    names = industry_names()
    divisions = names.filter(pl.col("level") == "division").select(
        pl.col("code").alias("_division"),
        pl.col("section").alias("_section"),
        pl.col("name_zh").alias("_division_name"),
    )
    sections = names.filter(pl.col("level") == "section").select(
        pl.col("code").alias("_section"), pl.col("name_zh").alias("_section_name")
    )
    provinces = (
        regions()
        .filter(pl.col("gb2260").is_not_null())
        .select(
            pl.col("gb2260").str.slice(0, 2).alias("_prov2"), pl.col("code").alias("_uscc_province")
        )
    )
    division = pl.col("firm_id").cast(pl.String).str.extract(_USCC, 1)
    out = (
        firm_table.with_columns(
            pl.col("sector").cast(pl.String).str.slice(0, 2).alias("_division"),
            division.alias("_code"),
        )
        .with_columns(pl.col("_code").str.slice(0, 2).alias("_prov2"))
        .join(divisions, on="_division", how="left")
        .join(sections, on="_section", how="left")
        .join(provinces, on="_prov2", how="left")
    )
    from_code = pl.col("province").is_null() & pl.col("_uscc_province").is_not_null()
    city_code = pl.when(pl.col("_uscc_province").is_not_null()).then(
        pl.concat_str(pl.col("_code").str.slice(0, 4), pl.lit("00"))
    )
    return out.with_columns(
        pl.when(pl.col("_division_name").is_not_null())
        .then(_sector_name())
        .otherwise(pl.col("sector"))
        .alias("sector_name"),
        pl.coalesce("province", "_uscc_province").alias("province"),
        pl.when(from_code)
        .then(pl.lit("unified social credit code (division digits 3-4)"))
        .when(pl.col("province").is_not_null())
        .then(pl.lit("firms table"))
        .alias("province_source"),
        city_code.alias("city_code"),
        pl.when(pl.col("city").is_not_null())
        .then(pl.lit("firms table"))
        .when(city_code.is_not_null())
        .then(pl.lit(CITY_NOTE))
        .alias("city_source"),
    ).drop(
        "_division",
        "_code",
        "_prov2",
        "_section",
        "_division_name",
        "_section_name",
        "_uscc_province",
    )
