"""A regulator's batch: 10 000 firms over four years checked in under a minute and 2 GB.

Collected only with CARBONACCT_BENCH=1 (see tests/conftest.py). The check runs in a
child process so its peak memory is measured alone.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import json, resource, time
import polars as pl
import carbonacct

n = 10_000
ids = [f"F{i:05d}" for i in range(n)]
sectors = ["3011", "C3391", "2511", "3216", "3110"]
firms = pl.DataFrame({"firm_id": ids, "name": ids,
    "province": ["江苏", "广东", "浙江", "山东"] * (n // 4),
    "sector": [sectors[i % 5] for i in range(n)]})
years = [2020, 2023, 2024, 2025]
m = n * len(years)
va = pl.DataFrame({"firm_id": ids * len(years) * 2,
    "year": [y for y in years for _ in range(n)] * 2,
    "metric": ["energy_intensity_va"] * m + ["co2_intensity_va"] * m,
    "value": [0.5 + (i % 100) / 200 for i in range(2 * m)],
    "unit": ["tce/万元"] * m + ["tCO2/万元"] * m})
prod = pl.DataFrame({"firm_id": ids * len(years), "year": [y for y in years for _ in range(n)],
    "metric": ["product_energy_intensity"] * m, "product": ["cement_clinker"] * m,
    "value": [95.0 + (i % 30) for i in range(m)], "unit": ["kgce/t"] * m, "output": [1e5] * m})
odd = pl.DataFrame({"firm_id": ["F00001", "F00002"], "year": [2026, 2025],
    "metric": ["energy_intensity_va", "product_energy_intensity"], "value": [0.6, float("nan")],
    "product": [None, "cement"], "unit": ["tce/万元", "kgce/t"]})  # one stray year, one malformed row
data = pl.concat([va, prod, odd], how="diagonal_relaxed")
t = time.perf_counter()
r = carbonacct.check(firms, data, price_basis="constant:2020")
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "firms_out": r.firms.height, "rejected": r.rejected.height,
    "report_years": sorted(set(r.firms["report_year"].to_list()))}))
"""


def test_ten_thousand_firms_over_four_years() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["firms_out"] == 10_000  # every input firm present
    assert result["rejected"] == 1  # the NaN row, refused alone
    assert result["report_years"] == [2025, 2026]  # the stray year moves only its own firm
    assert result["seconds"] < 60
    assert result["max_rss_mb"] < 2048  # the bound
    # ~0.3 GB measured once targets are joined per sector prefix (a cross join took ~1.1 GB)
    assert result["max_rss_mb"] < 1024
