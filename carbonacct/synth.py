"""Synthetic meter data at scale, to try carbonacct (and benchmark it) on a regulator-sized input.

:func:`generate` writes a hive-partitioned Parquet data set of interval
readings (``DIR/readings/part=NNNN/data.parquet``) plus ``firms.csv`` and
``activity.csv``. Firms get a sector and a province, a carrier mix by sector
(electricity everywhere; natural gas, steam or heat for process industries;
rooftop PV exports at some), daily and weekly load shapes, meters that report
in kWh, MWh or 万kWh, and a sprinkling of bad rows of each kind (negative,
missing or non-numeric values, unknown carriers, units of the wrong
dimension, repeated readings). Memory stays bounded: firms are written a
chunk at a time. Deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from carbonacct.errors import OptionError

__all__ = ["SynthSummary", "generate"]

# sector (GB/T 4754-2017), share of firms, extra carriers beyond electricity
_SECTORS = [
    ("3391", 0.30, ("natural_gas",)),  # 黑色金属铸造
    ("3670", 0.25, ()),  # 汽车零部件及配件制造
    ("2614", 0.10, ("steam", "natural_gas")),  # 有机化学原料制造
    ("3011", 0.05, ("natural_gas",)),  # 水泥制造
    ("1713", 0.15, ("steam",)),  # 棉印染精加工
    ("3982", 0.15, ("heat",)),  # 电子元件制造
]
_PROVINCES = ["江苏", "浙江", "广东", "山东", "上海", "安徽"]
_ELEC_UNITS = [("kWh", 1.0), ("MWh", 1e-3), ("万kWh", 1e-4)]
_BAD_KINDS = ("negative", "missing", "text", "carrier", "unit", "duplicate")


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    directory: Path
    firms: int
    meters: int
    rows: int
    bad_rows: dict[str, int]


def _shape(
    ts_hour: np.ndarray, weekday: np.ndarray, rng: np.random.Generator, n_meters: int
) -> np.ndarray:
    """Load per interval and meter: two shifts on weekdays, a low weekend, noise. Shape (n_meters, n)."""
    on = (ts_hour >= 8) & (ts_hour < 24) & (weekday < 5)
    base = rng.uniform(50, 400, size=(n_meters, 1))
    peak = base * rng.uniform(2.5, 6.0, size=(n_meters, 1))
    load = np.where(on[None, :], peak, base)
    return load * rng.normal(1.0, 0.06, size=load.shape).clip(0.7, 1.3)


def generate(
    directory: str | Path,
    *,
    firms: int = 100,
    meters_per_firm: int = 3,
    interval: str = "15min",
    year: int = 2024,
    years: int = 1,
    bad_fraction: float = 1e-4,
    seed: int = 0,
    firms_per_part: int = 50,
) -> SynthSummary:
    """Write a synthetic data set of ``firms × meters_per_firm`` meters over one or more years.

    Parameters
    ----------
    directory : path
        Output folder (created).
    firms, meters_per_firm : int
        Size: rows ≈ firms × meters_per_firm × intervals in the year × years.
    interval : str
        Reading interval: ``15min``, ``30min``, ``1h``.
    year : int
        The last year written.
    years : int
        How many years, ending at ``year`` (``years=6, year=2025`` writes 2020–2025, so a
        base year is included): each firm's energy changes by its own yearly rate and its
        value added (at constant 2020 prices, ``price_basis`` in the activity) grows.
    bad_fraction : float
        Share of rows made bad (split over the kinds of bad row).
    seed : int

    Returns
    -------
    SynthSummary
    """
    minutes = _minutes(interval)
    if years < 1:
        raise OptionError(f"years must be 1 or more (got {years}).", option="years", value=years)
    out = Path(directory)
    (out / "readings").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    firm_ids, sector_of = _write_firms(out, rng, firms)
    first = year - years + 1
    # energy falls by −2 % … +6 % a year per firm; value added grows 0 … 6 % a year
    saving = rng.uniform(-0.02, 0.06, size=firms)
    growth = rng.uniform(0.0, 0.06, size=firms)
    share = rng.uniform(0.2, 1.5, size=firms)
    total_rows, total_meters = 0, 0
    bad = dict.fromkeys(_BAD_KINDS, 0)
    activity = []
    for y in range(first, year + 1):
        scale = (1 - saving) ** (y - first)
        rows, meters, counts, energy = _write_year(
            out,
            y,
            firm_ids,
            sector_of,
            rng,
            meters_per_firm,
            minutes,
            firms_per_part,
            bad_fraction,
            scale,
        )
        total_rows, total_meters = total_rows + rows, meters
        for kind, count in counts.items():
            bad[kind] += count
        if y == first:
            base_energy = energy
        va = np.round(share * base_energy / 1e3 * (1 + growth) ** (y - first), 2)  # 万元
        activity.append(_value_added(firm_ids, y, va))
    pl.concat(activity).write_csv(out / "activity.csv")
    return SynthSummary(out, firms, total_meters, total_rows, bad)


def _minutes(interval: str) -> int:
    """The reading interval [min] of ``15min``, ``30min`` or ``1h``."""
    minutes = {"15min": 15, "30min": 30, "1h": 60, "60min": 60}.get(interval)
    if minutes is None:
        raise OptionError(
            f"interval {interval!r} is not one of 15min, 30min, 1h.",
            option="interval",
            value=interval,
        )
    return minutes


def _write_firms(out: Path, rng: np.random.Generator, firms: int) -> tuple[list[str], np.ndarray]:
    """The firms table (id, name, province, sector drawn by share); the ids and sector indices."""
    sector_codes = [s[0] for s in _SECTORS]
    sector_of = rng.choice(len(_SECTORS), size=firms, p=[s[1] for s in _SECTORS])
    firm_ids = [f"F{i:06d}" for i in range(firms)]
    pl.DataFrame(
        {
            "firm_id": firm_ids,
            "name": [f"Synthetic firm {i}" for i in range(firms)],
            "province": [_PROVINCES[i % len(_PROVINCES)] for i in range(firms)],
            "sector": [sector_codes[k] for k in sector_of],
        }
    ).write_csv(out / "firms.csv")
    return firm_ids, sector_of


def _value_added(firm_ids: list[str], year: int, va: np.ndarray) -> pl.DataFrame:
    """One year's value added [万元] at constant 2020 prices, as activity rows."""
    return pl.DataFrame(
        {
            "firm_id": firm_ids,
            "period": str(year),
            "metric": "value_added",
            "value": va,
            "unit": "万元",
            "price_basis": "constant:2020",
        }
    )


def _write_year(
    out: Path,
    year: int,
    firm_ids: list[str],
    sector_of: np.ndarray,
    rng: np.random.Generator,
    meters_per_firm: int,
    minutes: int,
    firms_per_part: int,
    bad_fraction: float,
    scale: np.ndarray,
) -> tuple[int, int, dict[str, int], np.ndarray]:
    """One year of readings in Parquet parts; returns rows, meters, bad rows, energy per firm."""
    firms = len(firm_ids)
    start = datetime(year, 1, 1)
    n = int((datetime(year + 1, 1, 1) - start) / timedelta(minutes=minutes))
    offsets = np.arange(n, dtype=np.int64) * minutes
    stamps = np.datetime64(start, "m") + offsets.astype("timedelta64[m]")
    hour = (offsets // 60) % 24
    weekday = (stamps.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    total_rows, total_meters = 0, 0
    bad = dict.fromkeys(_BAD_KINDS, 0)
    energy_proxy = np.zeros(firms)
    for part, lo in enumerate(range(0, firms, firms_per_part)):
        frames = []
        for f in range(lo, min(lo + firms_per_part, firms)):
            meters = _firm_meters(
                firm_ids[f],
                _SECTORS[sector_of[f]][2],
                meters_per_firm,
                hour,
                weekday,
                rng,
                minutes / 60 * scale[f],
                stamps,
            )
            energy_proxy[f] += sum(e for _, e in meters)
            frames += [m for m, _ in meters]
            total_meters += len(meters)
        chunk = pl.concat(frames).with_columns(pl.col("value").cast(pl.String))
        chunk, counts = _spoil(chunk, rng, bad_fraction)
        for kind, count in counts.items():
            bad[kind] += count
        total_rows += chunk.height
        part_dir = out / "readings" / f"part={year}{part:04d}"
        part_dir.mkdir(parents=True, exist_ok=True)
        chunk.with_columns(
            pl.col(c).cast(pl.Categorical) for c in ("carrier", "unit", "flow")
        ).write_parquet(
            part_dir / "data.parquet", compression="zstd", statistics=True, row_group_size=1_000_000
        )
    return total_rows, total_meters, bad, energy_proxy


def _firm_meters(
    firm_id: str,
    extra: Sequence[str],
    meters_per_firm: int,
    hour: np.ndarray,
    weekday: np.ndarray,
    rng: np.random.Generator,
    hours_per_interval: float,
    stamps: np.ndarray,
) -> list[tuple[pl.DataFrame, float]]:
    """One firm's meters for a year: each a frame of readings and its energy proxy."""
    n = len(stamps)
    carriers = ["electricity"] * meters_per_firm
    for k, c in enumerate(extra[: max(meters_per_firm - 1, 0)]):
        carriers[-1 - k] = c
    exports = meters_per_firm > 1 and rng.random() < 0.2
    load = _shape(hour, weekday, rng, meters_per_firm) * hours_per_interval  # kWh per interval
    out = []
    for m, carrier in enumerate(carriers):
        flow = "in"
        if carrier == "electricity":
            unit, scale = _ELEC_UNITS[int(rng.integers(0, 3)) if rng.random() < 0.3 else 0]
            values = load[m]
            if exports and m == 1:
                flow = "out"
                sun = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None)
                values = values * 0.3 * sun
        elif carrier == "natural_gas":
            unit, scale = "Nm3", 1.0
            values = load[m] / 10.0  # Nm3 per interval
        elif carrier == "steam":
            unit, scale = "GJ", 1.0
            values = load[m] * 0.0036 * 2
        else:
            unit, scale = "GJ", 1.0
            values = load[m] * 0.0036
        frame = pl.DataFrame(
            {
                "firm_id": np.full(n, firm_id),
                "meter_id": np.full(n, f"{firm_id}-M{m}"),
                "carrier": np.full(n, carrier),
                "timestamp": stamps.astype("datetime64[us]"),
                "value": np.round(values * scale, 6),
                "unit": np.full(n, unit),
                "flow": np.full(n, flow),
            }
        )
        out.append((frame, float(values.sum())))
    return out


def _spoil(
    chunk: pl.DataFrame, rng: np.random.Generator, fraction: float
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Make a few rows bad, of each kind; duplicates are appended copies of good rows."""
    n = chunk.height
    k = int(n * fraction / len(_BAD_KINDS))
    counts = dict.fromkeys(_BAD_KINDS, 0)
    if k == 0:
        return chunk, counts
    picks = rng.choice(n, size=k * (len(_BAD_KINDS) - 1), replace=False)
    groups = np.array_split(picks, len(_BAD_KINDS) - 1)
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    value, carrier, unit = (
        pl.col("value"),
        pl.col("carrier").cast(pl.String),
        pl.col("unit").cast(pl.String),
    )
    neg, missing, text, bad_carrier, bad_unit = (pl.Series(g, dtype=pl.Int64) for g in groups)
    chunk = chunk.with_columns(
        pl.when(idx.is_in(neg.implode()))
        .then(pl.lit("-1.5"))
        .when(idx.is_in(missing.implode()))
        .then(pl.lit(None, dtype=pl.String))
        .when(idx.is_in(text.implode()))
        .then(pl.lit("n/a"))
        .otherwise(value)
        .alias("value"),
        pl.when(idx.is_in(bad_carrier.implode()))
        .then(pl.lit("unobtanium"))
        .otherwise(carrier)
        .alias("carrier"),
        pl.when(idx.is_in(bad_unit.implode())).then(pl.lit("t")).otherwise(unit).alias("unit"),
    )
    for name, g in zip(("negative", "missing", "text", "carrier", "unit"), groups, strict=True):
        counts[name] = len(g)
    dupes = chunk[rng.choice(n, size=k, replace=False).tolist()]
    counts["duplicate"] = k
    return pl.concat([chunk, dupes]), counts
