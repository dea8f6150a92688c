"""Optional columns of the actuals as a user writes them: data_complete, rows_co2_missing."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from carbonacct import check

FIRMS = pl.DataFrame(
    {
        "firm_id": [f"9132020000000000{i}X" for i in range(6)],
        "name": [f"厂{i}" for i in range(6)],
        "province": ["32"] * 6,
        "sector": ["2614"] * 6,
    }
)
HEAD = "firm_id,year,metric,value,unit,price_basis,energy_tce,data_complete\n"


def rows(flags: list[str]) -> str:
    return "".join(
        f"{f},{y},energy_intensity_va,{v},tce/万元,constant:2020,800000,{flag}\n"
        for f, flag in zip(FIRMS["firm_id"], flags, strict=False)
        for y, v in ((2020, 1.0), (2025, 0.8))
    )


def test_data_complete_words_are_read_and_a_bad_one_fails_its_row_only(tmp_path: Path) -> None:
    path = tmp_path / "actuals.csv"
    path.write_text(HEAD + rows(["true", "FALSE", "1", "0", "是", "maybe"]), encoding="utf-8")
    result = check(FIRMS, actuals=path, pathways=["cn-industry-2025"])
    got = dict(result.firms.select("firm_id", "data_complete").iter_rows())
    ids = FIRMS["firm_id"].to_list()
    assert [got[i] for i in ids[:5]] == [True, False, True, False, True]
    bad = result.rejected.filter(pl.col("firm_id") == ids[5])
    # rows 12 and 13 of the file (header row 1): the two years of the sixth firm
    assert bad.height == 2
    assert all(s.endswith("actuals.csv") for s in bad["source"].to_list())
    assert sorted(bad["row"].to_list()) == [12, 13]
    assert all("column 'data_complete': maybe" in r for r in bad["invalid"].to_list())
    assert result.rejected.filter(pl.col("firm_id") != ids[5]).height == 0


def test_rows_co2_missing_or_rejected_given_make_the_firm_incomplete(tmp_path: Path) -> None:
    """rows_co2_missing = 3 (or rows_rejected = 2): the firm's data are not complete and it is
    on the follow-up list; 0 and 0 with data_complete true stays complete."""
    head = "firm_id,year,metric,value,unit,price_basis,energy_tce,rows_co2_missing,rows_rejected\n"
    quality = ["3,0", "0,2", "0,0", ",", "", ""]
    body = "".join(
        f"{f},{y},energy_intensity_va,{v},tce/万元,constant:2020,800000,{q}\n"
        for f, q in zip(FIRMS["firm_id"][:4], quality, strict=False)
        for y, v in ((2020, 1.0), (2025, 0.8))
    )
    path = tmp_path / "actuals.csv"
    path.write_text(head + body, encoding="utf-8")
    result = check(FIRMS[:4], actuals=path, pathways=["cn-industry-2025"])
    got = dict(result.firms.select("firm_id", "data_complete").iter_rows())
    ids = FIRMS["firm_id"].to_list()
    assert [got[i] for i in ids[:4]] == [False, False, True, None]
    assert result.firms.filter(pl.col("firm_id") == ids[0])["rows_co2_missing"].item() == 3


def test_price_basis_under_its_chinese_headers(tmp_path: Path) -> None:
    from carbonacct.compliance._inputs import read_actuals

    for header in ("价格基础", "价格基准", "价格口径"):
        path = tmp_path / "a.csv"
        path.write_text(
            f"企业代码,年份,指标,数值,单位,{header}\nA,2025,energy_intensity_va,1,tce/万元,current\n",
            encoding="utf-8",
        )
        assert read_actuals(path)["price_basis"].to_list() == ["current"], header


def test_an_output_named_with_its_production_word_is_the_product() -> None:
    """熟料产量 (clinker output) is 熟料 → cement_clinker; 电解 stays ambiguous (no 电解产量)."""
    from carbonacct.benchmarks import product_aliases

    aliases = product_aliases()
    assert aliases["熟料产量"] == aliases["熟料"] == "cement_clinker"
    assert "电解产量" not in aliases
    firms = pl.DataFrame(
        {"firm_id": ["F1"], "name": ["熟料厂"], "province": ["34"], "sector": ["3011"]}
    )
    actuals = pl.DataFrame(
        {
            "firm_id": ["F1"],
            "year": [2025],
            "metric": ["product_energy_intensity"],
            "product": ["熟料产量"],
            "value": [98.0],
            "unit": ["kgce/t"],
        }
    )
    result = check(firms, actuals=actuals)
    assert result.products["product"].to_list() == ["cement_clinker"]
    assert result.firms["status"].item() != "invalid_input"
