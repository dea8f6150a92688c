"""The firms table's Chinese headers as regulators' lists write them: 行业 (and 行业代码, 所属行业,
国民经济行业代码) is the sector, 企业代码 / 统一社会信用代码 the firm, 企业名称 its name, 省份 / 省 the
province, 城市 / 地市 / 市 the city — read from a GBK CSV, not "no sector code" (issue 13)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carbonacct import check


def _actuals(firms: list[str]) -> pl.DataFrame:
    # 1.0 → 0.8 tce/万元 2020 → 2025 (−20 %): below the −13.5 % industry path for 3011 in 江苏
    rows = []
    for firm in firms:
        rows += [(firm, 2020, "energy_intensity_va", 1.0), (firm, 2025, "energy_intensity_va", 0.8)]
    return pl.DataFrame(
        rows, schema=["firm_id", "year", "metric", "value"], orient="row"
    ).with_columns(pl.lit("tce/万元").alias("unit"), pl.lit("constant:2020").alias("price_basis"))


@pytest.mark.parametrize(
    ("firm_h", "name_h", "province_h", "city_h", "sector_h"),
    [
        ("统一社会信用代码", "企业名称", "省", "市", "行业"),
        ("企业代码", "企业名称", "省份", "地市", "行业代码"),
        ("统一社会信用代码", "企业名称", "省份", "城市", "所属行业"),
        ("企业代码", "企业名称", "省", "地市", "国民经济行业代码"),
    ],
)
def test_chinese_firms_headers_are_read_from_a_gbk_table(
    tmp_path: Path, firm_h: str, name_h: str, province_h: str, city_h: str, sector_h: str
) -> None:
    path = tmp_path / "企业名录.csv"
    text = (
        f"{firm_h},{name_h},{province_h},{city_h},{sector_h}\n"
        "91320500MA1HDR001X,甲水泥有限公司,江苏省,苏州市,C3011\n"
        "91320500MA1HDR002X,乙水泥有限公司,江苏,无锡市,3011\n"
    )
    path.write_bytes(text.encode("gbk"))
    result = check(path, actuals=_actuals(["91320500MA1HDR001X", "91320500MA1HDR002X"]))
    firms = {f["firm_id"]: f for f in result.firms.iter_rows(named=True)}
    assert set(firms) == {"91320500MA1HDR001X", "91320500MA1HDR002X"}
    first, second = firms["91320500MA1HDR001X"], firms["91320500MA1HDR002X"]
    assert first["name"] == "甲水泥有限公司" and second["name"] == "乙水泥有限公司"
    assert first["sector"] == "3011" and second["sector"] == "3011"
    assert first["province"] == second["province"] == "CN-JS"
    assert first["city"] == "苏州市" and second["city"] == "无锡市"
    assert first["status"] == second["status"] == "below_path"
    assert not any("no sector code" in w for w in result.warnings)
