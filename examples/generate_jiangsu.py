"""Generate the bundled example: one year of data of a (fictional) Jiangsu manufacturer.

A precision-castings plant in Suzhou (sector C3391, 黑色金属铸造) with two
incoming electricity feeders metered every 15 minutes, a rooftop PV export
meter, a natural-gas meter read as a cumulative register each month, monthly
diesel deliveries for forklifts and purchased steam, plus value added and
product output. Deterministic (fixed seed): `python examples/generate_jiangsu.py`
rewrites the same files.

The files look like what such a plant exports, not like what is easy to read:
the electricity curve is a typed Parquet file labelled by interval end, as
grid meters label their 96 points a day (00:15 … 24:00, the last stored as
00:00 of the next day: the year runs from 2024-01-01 00:15 to 2025-01-01
00:00); the gas register is read at 00:00 on the 1st of each month, the
reading of 2025-01-01 closing December; the fuels file is a CSV saved by
Excel on a Chinese system (GBK, Chinese headers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(__file__).resolve().parent / "jiangsu"
YEAR = 2024
FIRM = "91320500EXAMPLE0001"


def load_shape(
    ts: pl.Series, rng: np.random.Generator, base_kw: float, peak_kw: float
) -> np.ndarray:
    """kWh per 15 minutes: two shifts on weekdays (08-24h), a skeleton crew on weekends."""
    hour = ts.dt.hour().to_numpy() + ts.dt.minute().to_numpy() / 60
    weekday = ts.dt.weekday().to_numpy() <= 5
    month = ts.dt.month().to_numpy()
    on_shift = (hour >= 8) & (hour < 24)
    kw = np.where(on_shift & weekday, peak_kw, base_kw)
    kw = kw * (1 + 0.08 * np.cos((month - 7) / 12 * 2 * np.pi))  # summer cooling load
    kw = kw * rng.normal(1.0, 0.05, size=len(kw))
    return np.round(kw * 0.25, 2)


def pv_export(ts: pl.Series, rng: np.random.Generator) -> np.ndarray:
    """Rooftop PV surplus exported on weekends around noon, kWh per 15 minutes."""
    hour = ts.dt.hour().to_numpy() + ts.dt.minute().to_numpy() / 60
    weekend = ts.dt.weekday().to_numpy() > 5
    sun = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None)
    kw = np.where(weekend, 400 * sun, 0.0) * rng.uniform(0.6, 1.0, size=len(hour))
    return np.round(kw * 0.25, 2)


def main() -> None:
    rng = np.random.default_rng(20240101)
    OUT.mkdir(parents=True, exist_ok=True)
    # interval ends: 00:15 on 1 January … 00:00 on 1 January of the next year
    ts = pl.datetime_range(
        pl.datetime(YEAR, 1, 1, 0, 15), pl.datetime(YEAR + 1, 1, 1), "15m", eager=True
    )
    meters = [
        ("E-01", "site-A", "in", load_shape(ts, rng, 180, 1250)),
        ("E-02", "site-B", "in", load_shape(ts, rng, 90, 620)),
        ("PV-EXP", "site-A", "out", pv_export(ts, rng)),
    ]
    frames = [
        pl.DataFrame(
            {
                "firm_id": FIRM,
                "meter_id": meter,
                "site_id": site,
                "carrier": "电力",
                "timestamp": ts,
                "value": values,
                "unit": "kWh",
                "flow": flow,
            }
        )
        for meter, site, flow, values in meters
    ]
    pl.concat(frames).write_parquet(OUT / "electricity_15min.parquet", statistics=True)

    months = list(range(1, 13))
    gas_use = np.round(
        rng.normal(21000, 2500, size=12) * (1 + 0.25 * np.cos(np.array(months) / 12 * 2 * np.pi))
    )
    register = 184_230 + np.concatenate([[0], np.cumsum(gas_use)])
    stamps = [f"{YEAR}-{m:02d}-01 00:00:00" for m in months] + [f"{YEAR + 1}-01-01 00:00:00"]
    rows = [
        {
            "firm_id": FIRM,
            "meter_id": "G-01",
            "site_id": "site-A",
            "carrier": "天然气",
            "timestamp": t,
            "period": None,
            "value": float(v),
            "unit": "Nm3",
            "kind": "register",
        }
        for t, v in zip(stamps, register, strict=True)
    ]
    for m in months:
        rows.append(
            {
                "firm_id": FIRM,
                "meter_id": None,
                "site_id": "site-A",
                "carrier": "柴油",
                "timestamp": None,
                "period": f"{YEAR}-{m:02d}",
                "value": float(np.round(rng.normal(3.2, 0.4), 3)),
                "unit": "t",
                "kind": None,
            }
        )
        rows.append(
            {
                "firm_id": FIRM,
                "meter_id": "S-01",
                "site_id": "site-B",
                "carrier": "蒸汽",
                "timestamp": None,
                "period": f"{YEAR}-{m:02d}",
                "value": float(np.round(rng.normal(410, 35), 1)),
                "unit": "t",
                "kind": None,
            }
        )
    fuels = pl.DataFrame(rows).rename(
        {
            "firm_id": "企业代码",
            "meter_id": "计量器具编号",
            "site_id": "厂区",
            "carrier": "能源品种",
            "timestamp": "采集时间",
            "period": "统计期",
            "value": "数量",
            "unit": "计量单位",
            "kind": "读数类型",
        }
    )
    # saved as Excel saves a CSV on a Chinese Windows system: GBK, CRLF
    text = fuels.write_csv(line_terminator="\r\n")
    (OUT / "fuels.csv").write_bytes(text.encode("gbk"))

    pl.DataFrame(
        {
            "firm_id": [FIRM],
            "name": ["苏州示例精密铸造有限公司 (example)"],
            "province": ["江苏省"],
            "sector": ["3391"],
        }
    ).write_csv(OUT / "firms.csv")
    pl.DataFrame(
        {
            "firm_id": [FIRM, FIRM],
            "period": [str(YEAR), str(YEAR)],
            "metric": ["value_added", "castings"],
            "value": [38_600.0, 12_450.0],
            "unit": ["万元", "t"],
        }
    ).write_csv(OUT / "activity.csv")


if __name__ == "__main__":
    main()
