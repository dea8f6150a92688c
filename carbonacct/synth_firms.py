"""Synthetic firm-level yearly actuals: a regulator-sized batch for :func:`carbonacct.check`.

:func:`generate_firms` writes ``firms`` and ``actuals`` tables (CSV, Parquet or xlsx) in the
layout ``carbonacct check --firms … --actuals …`` reads, one row per firm, year, metric and
product, over several years with the base year 2020 included:

- ``energy_intensity_va`` [tce/万元]: comprehensive energy excluding feedstock (原料用能) ÷ value
  added at constant 2020 prices (``price_basis`` ``constant:2020``), with the firm's whole
  energy in ``energy_tce`` (the weight of the regulator's shares);
- ``co2_intensity_va`` [tCO2/万元]: CO2 scope 1+2 ÷ the same value added;
- product rows against the shipped 标杆/基准 levels and GB quota grades (clinker, refining
  per t·能量因数, electrolytic aluminium AC power, ferrosilicon, silicomanganese, blast furnace,
  BOF, coke, calcium carbide, caustic soda), with the product's ``output`` [t].

Firms carry a unified social credit code as ``firm_id`` (GB 32100-2015, with valid check
characters; division digits of Jiangsu's prefectures, a few of Zhejiang's and Shandong's), a
GB/T 4754-2017 sector code (some written with the section letter), a Chinese name, and a
province for most (the others are named from the credit code). The mix is meant to make a
batch check meaningful: firms at the 标杆, between, above the 基准 (``breach`` once its
deadline passes) or converging; pathways met or missed; a few firm-years with rows rejected
or CO2 missing, base-year CO2 missing, late reporters whose latest year is 2023, two invalid
rows (a unit of another indicator, a negative value) and two firms without any data.
Product positions are drawn relative to the shipped levels, so no level is restated here.
Deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from carbonacct.compliance._places import USCC_CHARS as _USCC_CHARS
from carbonacct.compliance._places import uscc_check_char
from carbonacct.errors import OptionError

__all__ = ["FirmSynthSummary", "generate_firms", "uscc_check_char"]


@dataclass(frozen=True)
class _Sector:
    code: str  # GB/T 4754-2017 class
    share: float  # of firms
    word: str  # in the firm's name
    intensity: float  # energy excl. feedstock per value added in 2020 [tce/万元]
    feedstock: float  # share of the firm's energy used as feedstock
    products: tuple[tuple[str, str, str], ...]  # (product, metric, unit)


_E, _EL = "product_energy_intensity", "product_electricity_intensity"
_SECTORS = (
    _Sector("3011", 0.12, "水泥", 3.0, 0.0, (("cement_clinker", _E, "kgce/t"),)),
    _Sector(
        "2511",
        0.04,
        "石化",
        1.2,
        0.35,
        (("refining", "refining_energy_factor_intensity", "kgoe/(t·能量因数)"),),
    ),
    _Sector("3216", 0.04, "铝业", 4.0, 0.0, (("electrolytic_aluminium", _EL, "kWh/t"),)),
    _Sector(
        "3140",
        0.05,
        "铁合金",
        5.0,
        0.0,
        (("ferrosilicon", _E, "kgce/t"), ("silicomanganese", _E, "kgce/t")),
    ),
    _Sector("3110", 0.04, "钢铁", 3.5, 0.0, (("blast_furnace_iron", _E, "kgce/t"),)),
    _Sector("3120", 0.04, "特钢", 1.5, 0.0, (("bof_steel", _E, "kgce/t"),)),
    _Sector("2521", 0.03, "焦化", 2.5, 0.6, (("coke_top_charging", _E, "kgce/t"),)),
    _Sector("2612", 0.03, "氯碱", 1.8, 0.1, (("caustic_soda_30", _E, "kgce/t"),)),
    _Sector("2619", 0.02, "电石", 4.5, 0.2, (("calcium_carbide", _EL, "kWh/t"),)),
    _Sector("2614", 0.08, "化工", 1.0, 0.4, ()),
    _Sector("3391", 0.15, "铸造", 0.4, 0.0, ()),
    _Sector("1713", 0.12, "印染", 0.3, 0.0, ()),
    _Sector("3670", 0.13, "汽车部件", 0.05, 0.0, ()),
    _Sector("3982", 0.11, "电子", 0.03, 0.0, ()),
)
#: Prefecture-level divisions (GB/T 2260) by province, and the share of firms in each province.
_PROVINCES = (("320000", 0.88), ("330000", 0.06), ("370000", 0.06))
_WORDS = "华恒盛瑞鑫宏金永泰新丰源润达隆昌兴远通德"
#: tCO2 per tce of the energy excl. feedstock, by the firm (scope 1+2, a broad spread)
_CO2_PER_TCE = (1.8, 2.9)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_FORMATS = ("csv", "parquet", "xlsx")
#: Where a firm's product stands in 2020, as a position between the level (0) and the limit (1).
_POSITIONS = {
    "leader": (-0.08, 0.0),
    "between": (0.1, 0.9),
    "laggard": (1.03, 1.3),
    "converging": (1.05, 1.25),
}


@dataclass(frozen=True)
class FirmSynthSummary:
    """What :func:`generate_firms` wrote: paths, counts, and the firms given each special case."""

    directory: Path
    firms_path: Path
    actuals_path: Path
    firms: int
    rows: int
    years: tuple[int, ...]
    cases: dict[str, list[str]]


def _org_code(body: str) -> str:
    """An organisation code (GB 11714-1997): 8 characters and their check character."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _credit_codes(rng: np.random.Generator, divisions: list[str]) -> list[str]:
    """One unique unified social credit code per division given (91 = an enterprise)."""
    seen: set[str] = set()
    out = []
    letters = _USCC_CHARS[10:]
    for division in divisions:
        while True:
            body = "MA" + "".join(rng.choice(list(_USCC_CHARS), 6)) if rng.random() < 0.6 else ""
            if not body:
                body = "".join(rng.choice(list("0123456789"), 7)) + rng.choice(list(letters))
            first17 = "91" + division + _org_code(body)
            code = first17 + uscc_check_char(first17)
            if code not in seen:
                break
        seen.add(code)
        out.append(code)
    return out


def _levels() -> dict[tuple[str, str], tuple[float, float]]:
    """(product, metric) → (the better level, the limit): 标杆 and 基准 where shipped, else the GB
    quota grades 1 and 3, each in the unit of its source."""
    from carbonacct.benchmarks import benchmark_levels, quota_grades

    out = {
        (p, m): (g1, g3)
        for p, m, g1, g3 in quota_grades().select("product", "metric", "grade1", "grade3").rows()
    }
    for p, m, bench, base in (
        benchmark_levels().select("product", "metric", "benchmark", "baseline").rows()
    ):
        out[(p, m)] = (bench, base)
    return out


def _firms_table(rng: np.random.Generator, n: int) -> tuple[pl.DataFrame, np.ndarray]:
    """Credit codes, names, provinces, sectors; and each firm's sector index."""
    from carbonacct.compliance._places import prefectures

    pref = prefectures()
    province = rng.choice(len(_PROVINCES), size=n, p=[s for _, s in _PROVINCES])
    cities = [
        pref.filter(pl.col("province_gb2260") == code).select("code", "name_zh").rows()
        for code, _ in _PROVINCES
    ]
    pick = [cities[p][int(rng.integers(len(cities[p])))] for p in province]
    sector_of = rng.choice(len(_SECTORS), size=n, p=[s.share for s in _SECTORS])
    words = rng.choice(list(_WORDS), size=(n, 2))
    kind = np.where(rng.random(n) < 0.2, "股份有限公司", "有限公司")
    names = [
        f"{city.removesuffix('市')}{a}{b}{_SECTORS[s].word}{k}"
        for (_, city), (a, b), s, k in zip(pick, words, sector_of, kind, strict=True)
    ]
    # most firms give their province; the others are placed by the credit code
    given = rng.random(n) < 0.7
    prov_names = {"320000": "江苏", "330000": "浙江", "370000": "山东"}
    letter = rng.random(n) < 0.1  # a sector written with its section letter (C3011)
    return pl.DataFrame(
        {
            "firm_id": _credit_codes(rng, [code for code, _ in pick]),
            "name": names,
            "province": [
                prov_names[_PROVINCES[p][0]] if g else None
                for p, g in zip(province, given, strict=True)
            ],
            "sector": [
                ("C" if lt else "") + _SECTORS[s].code
                for s, lt in zip(sector_of, letter, strict=True)
            ],
        }
    ), sector_of


def _site_rows(
    rng: np.random.Generator, sector_of: np.ndarray, years: np.ndarray
) -> tuple[pl.DataFrame, np.ndarray]:
    """Each firm-year's value added, energy and CO2 as the two value-added intensities; and
    each firm's yearly rate of change of its energy intensity."""
    n, k = len(sector_of), years - years[0]
    base = np.array([_SECTORS[s].intensity for s in sector_of]) * rng.lognormal(0, 0.3, n)
    feed = np.array([_SECTORS[s].feedstock for s in sector_of])
    # on the path (−3 … −7 %/yr), near it (−1 … −3 %/yr), or off it (0 … +4 %/yr)
    band = rng.choice(3, size=n, p=[0.5, 0.25, 0.25])
    rate = np.choose(
        band, [rng.uniform(-0.07, -0.03, n), rng.uniform(-0.03, -0.01, n), rng.uniform(0, 0.04, n)]
    )
    va0 = np.round(rng.lognormal(np.log(30_000), 1.0, n), 1)  # 万元 at 2020 prices
    growth = rng.uniform(0.0, 0.08, n)
    co2_per_tce = rng.uniform(*_CO2_PER_TCE, n)
    va = va0[:, None] * (1 + growth[:, None]) ** k[None, :]
    intensity = base[:, None] * (1 + rate[:, None]) ** k[None, :]
    energy_dc = intensity * va  # tce, excl. feedstock
    co2 = energy_dc * co2_per_tce[:, None] * rng.normal(1, 0.01, (n, len(years)))
    grid = {
        "firm": np.repeat(np.arange(n), len(years)),
        "year": np.tile(years, n),
        "energy_intensity_va": (energy_dc / va).ravel(),
        "co2_intensity_va": (co2 / va).ravel(),
        "energy_tce": (energy_dc / (1 - feed[:, None])).ravel(),
    }
    frame = pl.DataFrame(grid).unpivot(
        ["energy_intensity_va", "co2_intensity_va"],
        index=["firm", "year", "energy_tce"],
        variable_name="metric",
    )
    return frame.with_columns(
        pl.when(pl.col("metric") == "energy_intensity_va")
        .then(pl.lit("tce/万元"))
        .otherwise(pl.lit("tCO2/万元"))
        .alias("unit"),
        pl.lit("constant:2020").alias("price_basis"),
    ), rate


def _product_rows(
    rng: np.random.Generator, sector_of: np.ndarray, years: np.ndarray, laggards: set[int]
) -> pl.DataFrame:
    """Each product's intensity and output per firm-year, placed against its shipped levels."""
    levels = _levels()
    k = years - years[0]
    rows: dict[str, list] = {c: [] for c in ("firm", "year", "product", "metric", "unit")}
    rows |= {"value": [], "output": []}
    names = list(_POSITIONS)
    for firm, s in enumerate(sector_of):
        for product, metric, unit in _SECTORS[s].products:
            better, limit = levels[(product, metric)]
            case = names[int(rng.choice(4, p=[0.3, 0.45, 0.12, 0.13]))]
            case = "laggard" if firm in laggards else case
            pos0 = rng.uniform(*_POSITIONS[case])
            # a converging firm reaches the limit's good side by the last year
            step = (
                (rng.uniform(0.75, 0.95) - pos0) / max(k[-1], 1)
                if case == "converging"
                else rng.uniform(0.0, 0.01)
                if firm in laggards
                else rng.uniform(-0.03, 0.01)
            )
            pos = pos0 + step * k
            output = rng.lognormal(np.log(5e5), 0.8) * (1 + rng.uniform(-0.05, 0.08, len(k))) ** k
            rows["firm"] += [firm] * len(k)
            rows["year"] += years.tolist()
            rows["product"] += [product] * len(k)
            rows["metric"] += [metric] * len(k)
            rows["unit"] += [unit] * len(k)
            rows["value"] += (better + pos * (limit - better)).tolist()
            rows["output"] += np.round(output, 0).tolist()
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int64, "firm": pl.Int64})


def _cases(rng: np.random.Generator, sector_of: np.ndarray, years: int) -> dict[str, np.ndarray]:
    """The firms given each special case (distinct firms, at least one or two of each); late
    reporters (latest year two years before the last) only over three years or more."""
    n, late = len(sector_of), years >= 3
    order = rng.permutation(n)
    refinery = order[np.array([_SECTORS[s].code == "2511" for s in sector_of[order]])]
    # a refinery above the 基准 whose latest report is 2023: off_track (deadline end-2025)
    out = {"late_above_baseline": refinery[: int(late)]}
    order = order[~np.isin(order, out["late_above_baseline"])]
    sizes = {
        "no_data": 2,
        "late_reporter": max(2, n // 25) if late else 0,
        "incomplete": max(2, n // 50),
        "base_co2_missing": max(1, n // 100),
        "negative_value": 1,
    }
    at = 0
    for case, size in sizes.items():
        out[case] = order[at : at + size]
        at += size
    # the unit of another indicator is given on a product row
    rest = order[at:]
    out["wrong_unit"] = rest[np.array([bool(_SECTORS[s].products) for s in sector_of[rest]])][:1]
    return out


def _spoil(frame: pl.DataFrame, cases: dict[str, np.ndarray], last: int) -> pl.DataFrame:
    """Apply the special cases to the long frame of actuals (``firm`` is the firm's index)."""
    firm, year, metric = pl.col("firm"), pl.col("year"), pl.col("metric")
    is_in = {c: firm.is_in(ids.tolist()) for c, ids in cases.items()}
    first = frame["year"].min()
    frame = frame.filter(
        ~is_in["no_data"],
        ~((is_in["late_reporter"] | is_in["late_above_baseline"]) & (year > last - 2)),
        ~(is_in["base_co2_missing"] & (year == first) & (metric == "co2_intensity_va")),
    )
    site = metric.is_in(["energy_intensity_va", "co2_intensity_va"])
    return frame.with_columns(
        pl.when(is_in["incomplete"] & site & (year == last))
        .then(pl.lit(37))
        .when(is_in["base_co2_missing"] & site & (year == first))
        .then(pl.lit(8760))
        .otherwise(0)
        .alias("rows_co2_missing"),
        pl.lit(0).alias("rows_rejected"),
        pl.when(is_in["negative_value"] & (metric == "energy_intensity_va") & (year == last))
        .then(-pl.col("value"))
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.when(is_in["wrong_unit"] & pl.col("product").is_not_null() & (year == last))
        .then(pl.lit("tCO2e/t"))
        .otherwise(pl.col("unit"))
        .alias("unit"),
    )


def generate_firms(
    directory: str | Path,
    *,
    firms: int = 100,
    year: int = 2025,
    years: int = 6,
    seed: int = 0,
    fmt: str = "csv",
) -> FirmSynthSummary:
    """Write synthetic firm-level yearly actuals and the firms table for :func:`carbonacct.check`.

    Parameters
    ----------
    directory : path
        Output folder (created): ``firms.<fmt>`` and ``actuals.<fmt>``.
    firms : int
        Firms in the firms table (two of them get no data).
    year : int
        The last year written.
    years : int
        How many years, ending at ``year`` (6 with 2025: 2020–2025, the base year included).
    seed : int
    fmt : str
        ``csv`` (UTF-8), ``parquet`` (typed) or ``xlsx``.

    Returns
    -------
    FirmSynthSummary

    Examples
    --------
    >>> import tempfile, carbonacct
    >>> s = generate_firms(tempfile.mkdtemp(), firms=40, seed=1)
    >>> r = carbonacct.check(s.firms_path, actuals=s.actuals_path)
    >>> r.firms.height == s.firms       # every firm of the table has a status
    True
    """
    if fmt not in _FORMATS:
        raise OptionError(
            f"fmt {fmt!r} is not one of {', '.join(_FORMATS)}.", option="fmt", value=fmt
        )
    if years < 1 or firms < 10:
        raise OptionError(
            f"firms must be 10 or more and years 1 or more (got {firms}, {years}).",
            option="firms" if firms < 10 else "years",
            value=firms if firms < 10 else years,
        )
    rng = np.random.default_rng(seed)
    span = np.arange(year - years + 1, year + 1, dtype=np.int64)
    table, sector_of = _firms_table(rng, firms)
    cases = _cases(rng, sector_of, years)
    site, _ = _site_rows(rng, sector_of, span)
    products = _product_rows(rng, sector_of, span, set(cases["late_above_baseline"].tolist()))
    actuals = _spoil(pl.concat([site, products], how="diagonal_relaxed"), cases, year)
    ids = table["firm_id"]
    actuals = actuals.select(
        ids.gather(actuals["firm"]).alias("firm_id"),
        pl.col("year").cast(pl.Int32),
        "metric",
        "product",
        pl.col("value").round_sig_figs(6),
        "unit",
        "output",
        "price_basis",
        pl.col("energy_tce").round_sig_figs(6),
        "rows_rejected",
        "rows_co2_missing",
    ).sort("firm_id", "year", "metric", "product", nulls_last=True)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _write(frame, out / f"{name}.{fmt}")
        for name, frame in (("firms", table), ("actuals", actuals))
    ]
    named = {c: sorted(ids.gather(idx.tolist()).to_list()) for c, idx in cases.items()}
    return FirmSynthSummary(
        out, paths[0], paths[1], firms, actuals.height, tuple(span.tolist()), named
    )


def _write(frame: pl.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.write_csv(path)
    elif path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        from carbonacct.io.writers.xlsx import write_workbook

        write_workbook({path.stem: frame}, path)
    return path
