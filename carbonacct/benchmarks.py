"""Energy-efficiency benchmark (标杆) and baseline (基准) levels, and GB quota grades.

The NDRC levels (发改产业〔2021〕1609号, 〔2023〕723号) say, per product, the
energy intensity at the benchmark (the advanced level new plants must reach
and 30 % of capacity should reach by 2025) and at the baseline (below which a
plant must be retrofitted or exit: end-2025 for the 25 original areas,
end-2026 for the 11 added in 2023). The mandatory GB energy-consumption quota
standards grade the same intensities 1 (best) to 3 (the limit for existing
plants). Lower is better for every indicator shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import polars as pl

from carbonacct._manifest import Manifest, data_dir, read_dataset

__all__ = [
    "BENCHMARK_SCHEMA",
    "GRADE_SCHEMA",
    "benchmark_levels",
    "classify_levels",
    "indicator_label",
    "indicators",
    "product_aliases",
    "product_label",
    "quota_grades",
    "share_targets",
]

BENCHMARK_SCHEMA = {
    "product": pl.String,
    "metric": pl.String,
    "boundary": pl.String,
    "area": pl.String,
    "indicator": pl.String,
    "unit": pl.String,
    "benchmark": pl.Float64,
    "baseline": pl.Float64,
    "deadline": pl.Date,
    "sectors": pl.String,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
GRADE_SCHEMA = {
    "product": pl.String,
    "metric": pl.String,
    "boundary": pl.String,
    "standard": pl.String,
    "indicator": pl.String,
    "unit": pl.String,
    "grade1": pl.Float64,
    "grade2": pl.Float64,
    "grade3": pl.Float64,
    "table": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
INDICATOR_SCHEMA = {
    "metric": pl.String,
    "numerator": pl.String,
    "boundary": pl.String,
    "denominator": pl.String,
    "unit": pl.String,
    "excludes": pl.String,
    "exclusion_source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
#: Fields a file of each kind must give (a file of yours lacking one is refused, naming it).
BENCHMARK_REQUIRED = ("product", "metric", "unit", "benchmark", "baseline", "deadline", "source")
#: Grade 3 (the limit) is always published; grades 1 and 2 are not for every class
#: (GB 21340-2019 flat glass <=500 t/d publishes the limit only).
GRADE_REQUIRED = ("product", "metric", "standard", "unit", "grade3")
INDICATOR_REQUIRED = ("metric", "numerator", "boundary", "denominator", "unit")
SHARE_SCHEMA = {
    "sectors": pl.String,
    "share_at_benchmark": pl.Float64,
    "share_below_baseline": pl.Float64,
    "deadline": pl.Date,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}

#: The edition a product's levels come from when several editions list it: the newest.
EDITIONS = ("ndrc-723-2023", "ndrc-1609-2021")


def _read(
    name: str, schema: Mapping[str, Any], required: tuple[str, ...]
) -> tuple[Manifest, pl.DataFrame]:
    return read_dataset(data_dir() / "benchmarks" / f"{name}.toml", schema, required)


@cache
def benchmark_levels() -> pl.DataFrame:
    """标杆/基准 levels per product, newest edition first, with ``edition`` and ``document``.

    Examples
    --------
    >>> b = benchmark_levels().filter(pl.col("product") == "cement_clinker")
    >>> b.select("benchmark", "baseline", "unit", "edition").row(0)
    (100.0, 117.0, 'kgce/t', 'ndrc-1609-2021')
    """
    parts = []
    for name in EDITIONS:
        manifest, frame = _read(name, BENCHMARK_SCHEMA, BENCHMARK_REQUIRED)
        parts.append(
            frame.with_columns(
                pl.lit(name).alias("edition"), pl.lit(manifest.document).alias("document")
            )
        )
    # one row per product and metric: the newest edition that lists it
    return pl.concat(parts).unique(["product", "metric"], keep="first", maintain_order=True)


@cache
def quota_grades() -> pl.DataFrame:
    """Grades 1/2/3 of the GB energy-consumption quota standards per product."""
    return _read("gb-quota-grades", GRADE_SCHEMA, GRADE_REQUIRED)[1]


@cache
def indicators() -> pl.DataFrame:
    """What each checked metric counts: numerator, boundary, denominator, unit, exclusions.

    Examples
    --------
    >>> i = indicators().filter(pl.col("metric") == "energy_intensity_va").row(0, named=True)
    >>> i["unit"], "803号" in i["exclusion_source"]
    ('tce/万元', True)
    """
    return _read("indicators", INDICATOR_SCHEMA, INDICATOR_REQUIRED)[1]


@cache
def share_targets() -> pl.DataFrame:
    """Targets for the share of capacity at benchmark (30 %) and below baseline (0) per sector."""
    return _read(
        "benchmark-share-targets",
        SHARE_SCHEMA,
        ("sectors", "share_at_benchmark", "deadline", "source"),
    )[1]


def classify_levels(value: pl.Expr, benchmark: pl.Expr, baseline: pl.Expr) -> pl.Expr:
    """``benchmark`` (≤ 标杆), ``between``, or ``below_baseline`` (> 基准), lower being better.

    A value exactly at a level reaches it.
    """
    return (
        pl.when(value.is_null() | benchmark.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(value <= benchmark)
        .then(pl.lit("benchmark"))
        .when(value <= baseline)
        .then(pl.lit("between"))
        .otherwise(pl.lit("below_baseline"))
    )


def classify_grade(value: pl.Expr) -> pl.Expr:
    """The best GB quota grade reached (1, 2, 3) or null when the limit (grade 3) is exceeded."""
    return (
        pl.when(value <= pl.col("grade1"))
        .then(1)
        .when(pl.col("grade2").is_not_null() & (value <= pl.col("grade2")))
        .then(2)
        .when(value <= pl.col("grade3"))
        .then(3)
        .otherwise(None)
    )


@cache
def product_aliases() -> dict[str, str]:
    """Chinese names of checked products and processes mapped to their codes (``铝液``,
    ``电解`` → ``electrolytic_aluminium``; ``熟料`` → ``cement_clinker``).

    Examples
    --------
    >>> product_aliases()["铝液"], product_aliases()["高炉工序"]
    ('electrolytic_aluminium', 'blast_furnace_iron')
    """
    from carbonacct._manifest import verified_data_path

    names = pl.read_csv(verified_data_path("vocabulary/product-names.csv"), infer_schema=False)
    out: dict[str, str] = {}
    for code, aliases in names.select("product", "aliases").iter_rows():
        for alias in aliases.split("|"):
            out[alias.strip()] = code
    # an output as people name it: 熟料产量 is the output of 熟料; a process word (电解 of a
    # caustic-soda plant or of a pot line, 高炉工序) names no one product's output
    for alias, code in list(out.items()):
        if alias != code and alias not in _PROCESS_WORDS and not alias.endswith("工序"):
            out.setdefault(f"{alias}产量", code)
    return out


#: Process names that are no product's output name (several products have them).
_PROCESS_WORDS = ("电解",)


@cache
def _product_names_zh() -> dict[str, str]:
    from carbonacct._manifest import verified_data_path

    names = pl.read_csv(verified_data_path("vocabulary/product-names.csv"), infer_schema=False)
    return dict(names.select("product", "name_zh").iter_rows())


@cache
def _indicator_names_zh() -> dict[tuple[str, str], str]:
    """The indicator as the shipped documents name it, per product and metric (GB grades
    first: their names carry the product, 熟料单位产品综合电耗; then the 标杆/基准 lists)."""
    out: dict[tuple[str, str], str] = {}
    for frame in (quota_grades(), benchmark_levels()):
        for product, metric, name in frame.select("product", "metric", "indicator").iter_rows():
            out.setdefault((product, metric), name)
    return out


def product_label(code: str, lang: str = "en") -> str:
    """A product as people read it: its Chinese name from the shipped names (zh), its code
    in words (en); a product without a shipped name keeps its code. Machine formats keep
    the code.

    >>> product_label("cement_clinker", "zh"), product_label("cement_clinker")
    ('水泥熟料', 'cement clinker')
    """
    if lang == "zh":
        return _product_names_zh().get(code, code)
    return code.replace("_", " ")


def indicator_label(metric: str, product: str | None = None, lang: str = "en") -> str:
    """A metric as people read it: in zh the indicator the shipped 723号/1609号/GB data name
    for this product (``熟料单位产品综合电耗``), else the metric's word in the vocabulary; in en
    the vocabulary's header word, else the code in words. Machine formats keep the code.

    >>> indicator_label("product_electricity_intensity", "cement_clinker", "zh")
    '熟料单位产品综合电耗'
    >>> indicator_label("product_electricity_intensity")
    'product electricity intensity'
    """
    if lang == "zh":
        if product is not None and (product, metric) in _indicator_names_zh():
            return _indicator_names_zh()[(product, metric)]
        from carbonacct.vocabulary import METRICS

        found = METRICS.get(metric)
        return found.zh if found is not None else metric
    from carbonacct.vocabulary import HEADERS_EN

    return HEADERS_EN.get(metric, metric.replace("_", " "))
