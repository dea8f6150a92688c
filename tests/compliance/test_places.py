"""The summary names things: GB/T 4754 industries, provinces (also from a unified social credit
code), the city's division code where no city is given, and each firm's history across years."""

from __future__ import annotations

import polars as pl
import pytest

from carbonacct import check
from carbonacct.compliance._places import CITY_NOTE, industry_names, with_places

# 91 (工商, 企业) · 320506 (the division of the registering authority) · MA1XXXXX0 · A
USCC_SUZHOU = "91320506MA1XXXXX09"  # its check character by GB 32100-2015 (5.3)


def _firm_table(**cols: list) -> pl.DataFrame:  # type: ignore[type-arg]
    n = len(next(iter(cols.values())))
    base: dict[str, list] = {c: [None] * n for c in ("firm_id", "province", "city", "sector")}  # type: ignore[type-arg]
    base.update(cols)
    return pl.DataFrame(base, schema={k: pl.String for k in base})


def test_gbt4754_names_of_the_industrial_divisions() -> None:
    names = dict(industry_names().select("code", "name_zh").iter_rows())
    assert names["31"] == "黑色金属冶炼和压延加工业"
    assert names["30"] == "非金属矿物制品业"
    assert names["25"] == "石油、煤炭及其他燃料加工业"  # the 2017 name (2011: 石油加工、炼焦…)
    assert names["44"] == "电力、热力生产和供应业"
    assert names["C"] == "制造业"
    # industry only: sections B-D, divisions 06-46
    divisions = industry_names().filter(pl.col("level") == "division")["code"]
    assert divisions.to_list() == [f"{i:02d}" for i in range(6, 47)]
    got = with_places(_firm_table(firm_id=["a", "b", "c"], sector=["3011", "3120", "4711"]))
    assert got["sector_name"].to_list() == [
        "C 制造业 / 30 非金属矿物制品业",
        "C 制造业 / 31 黑色金属冶炼和压延加工业",
        "4711",  # a division whose name is not shipped keeps its code
    ]


def test_a_credit_code_gives_the_province_and_the_city_named_from_the_graded_list() -> None:
    got = with_places(_firm_table(firm_id=[USCC_SUZHOU])).row(0, named=True)
    # digits 3-8 are the division 320506: province 32 (江苏), prefecture 3205 (苏州市 in the
    # NBS list of prefecture-level divisions, shipped as gbt2260-prefectures, secondary)
    assert got["province"] == "CN-JS"
    assert got["province_source"] == "unified social credit code (division digits 3-4)"
    assert (got["city_code"], got["city"], got["city_source"]) == ("320500", "苏州市", CITY_NOTE)
    assert "gbt2260-prefectures" in CITY_NOTE and "secondary" in CITY_NOTE
    # a province or city given in the firms table wins; a code that is no credit code gives
    # none; a municipality is named by itself (its list row is 市辖区); a division abolished
    # before the list (371200 莱芜市, merged into 济南 in 2019) keeps its code, no name
    given = with_places(
        _firm_table(
            firm_id=[
                USCC_SUZHOU,
                "F-001",
                "91IOZSV506MA1XXXXX",
                "91310115MA1XXXXX0A",
                "91371202MA1XXXXX0A",
            ],
            province=["CN-ZJ", None, None, None, None],
            city=["杭州", None, None, None, None],
        )
    ).to_dicts()
    assert (given[0]["province"], given[0]["province_source"], given[0]["city_source"]) == (
        "CN-ZJ",
        "firms table",
        "firms table",
    )
    assert given[0]["city"] == "杭州"
    assert given[1]["province"] is None and given[1]["city_code"] is None
    assert given[2]["province"] is None  # I, O, Z, S, V are not credit-code characters
    assert (given[3]["province"], given[3]["city"]) == ("CN-SH", "上海市")
    assert (given[4]["province"], given[4]["city"], given[4]["city_code"]) == (
        "CN-SD",
        None,
        "371200",
    )
    assert "not in the shipped prefecture list" in given[4]["city_source"]


def test_prefecture_list_is_the_graded_copy() -> None:
    from carbonacct._manifest import Manifest, data_dir
    from carbonacct.compliance._places import prefectures

    p = prefectures()
    # 地级 divisions of the NBS list (2019-10-31): 342 rows incl. the municipalities' 市辖区/县
    # and the 省直辖县级行政区划 groups
    assert p.height == 342 and p["code"].is_unique().all()
    named = dict(p.select("code", "name_zh").iter_rows())
    assert (named["320500"], named["130200"], named["440300"]) == ("苏州市", "唐山市", "深圳市")
    assert "371200" not in named  # 莱芜 merged into 济南 (2019)
    m = Manifest.from_toml(data_dir() / "vocabulary" / "gbt2260-prefectures.toml")
    assert m.grade == "secondary" and m.not_shipped


def test_a_firm_without_a_province_column_gets_its_province_s_pathway() -> None:
    """A Jiangsu cement works known only by its credit code (no province column): the check
    takes 江苏 from digits 3-4 (32) and applies the Jiangsu industry pathway (−17 % energy per
    value added 2020→2025) besides the national one, and says where the province came from.

    Energy per value added 0.80 (2020) → 0.65 tce/万元 (2025) at 2020 prices:
    national required 0.80 × (1 − 0.135) = 0.692; Jiangsu 0.80 × (1 − 0.17) = 0.664;
    0.65 ≤ 0.664 → below both paths.
    """
    firms = pl.DataFrame({"firm_id": [USCC_SUZHOU], "name": ["苏州水泥"], "sector": ["C3011"]})
    actual = pl.DataFrame(
        {
            "firm_id": [USCC_SUZHOU] * 2,
            "year": [2020, 2025],
            "metric": ["energy_intensity_va"] * 2,
            "value": [0.80, 0.65],
            "unit": ["tce/万元"] * 2,
            "price_basis": ["constant:2020"] * 2,
        }
    )
    r = check(firms, actuals=actual, pathways=["cn-industry-2025", "js-industry-2025"])
    rows = r.results.filter(pl.col("check_year") == 2025, pl.col("metric") == "energy_intensity_va")
    required = dict(rows.select("pathway", "required").iter_rows())
    assert required == {
        "cn-industry-2025": pytest.approx(0.80 * (1 - 0.135)),
        "js-industry-2025": pytest.approx(0.80 * (1 - 0.17)),
    }
    assert set(rows["province"]) == {"CN-JS"} and set(rows["status"]) == {"below_path"}
    firm = r.firms.row(0, named=True)
    assert (firm["province"], firm["province_name"], firm["city"]) == ("CN-JS", "江苏省", "苏州市")
    assert firm["province_source"] == "unified social credit code (division digits 3-4)"


def test_history_across_years_in_the_summary() -> None:
    firms = pl.DataFrame(
        {"firm_id": [USCC_SUZHOU], "name": ["苏州水泥"], "sector": ["C3011"]},
    )
    # clinker 标杆 100 / 基准 117 kgce/t (2021 edition, deadline end-2025): 110 in 2024 is between
    # (on track before the deadline), 120 in 2025 is above the 基准 and above GB grade 3 (117)
    actual = pl.DataFrame(
        {
            "firm_id": [USCC_SUZHOU] * 3,
            "year": [2023, 2024, 2025],
            "metric": ["product_energy_intensity"] * 3,
            "product": ["cement_clinker"] * 3,
            "value": [99.0, 110.0, 120.0],
            "unit": ["kgce/t"] * 3,
        },
        schema_overrides={"year": pl.Int32},
    )
    r = check(firms, actuals=actual, pathways=[])  # the products only
    firm = r.firms.row(0, named=True)
    assert firm["history"] == "2023 on_track; 2024 on_track; 2025 breach"
    assert (firm["status"], firm["report_year"]) == ("breach", 2025)
    assert firm["province_name"] == "江苏省" and firm["city_code"] == "320500"
    assert firm["sector_name"] == "C 制造业 / 30 非金属矿物制品业"
    summary = r.summary.row(0, named=True)
    assert (summary["sector_name"], summary["city_code"], summary["breach"]) == (
        "C 制造业 / 30 非金属矿物制品业",
        "320500",
        1,
    )
    assert pytest.approx(summary["energy_share_breach"] or 0.0) == 0.0  # no energy given


def test_a_credit_code_failing_its_check_still_gives_its_city_and_says_so() -> None:
    """GB 32100-2015 5.3: the values of 9 1 3 2 0 5 0 6 M A 1 X X X X X 0 (M=21, A=10,
    X=29) weighted 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 sum to
    9+3+27+54+0+130+0+102+420+290+25+377+232+696+290+870+0 = 3525; 3525 mod 31 = 22 and
    31 − 22 = 9: the check character is '9'. The same code ending in 'A' fails its check: its
    division digits still name 苏州市, and city_source and a warning say the code failed."""
    from carbonacct.compliance._places import credit_code_warnings, uscc_check_char

    assert uscc_check_char(USCC_SUZHOU[:17]) == "9"
    bad = USCC_SUZHOU[:17] + "A"
    got = with_places(_firm_table(firm_id=[bad])).row(0, named=True)
    assert (got["province"], got["city_code"], got["city"]) == ("CN-JS", "320500", "苏州市")
    assert got["city_source"].startswith(CITY_NOTE)
    assert "failed its check (check character 'A'" in got["city_source"]
    assert "gives, '9'" in got["city_source"]
    (warning,) = credit_code_warnings(_firm_table(firm_id=[bad, USCC_SUZHOU]))
    assert warning.startswith(f"firm {bad}: credit code fails its check")
    assert "'9'" in warning and "still read" in warning


def test_many_codes_failing_their_check_are_one_warning_naming_the_first_five() -> None:
    """Seven Suzhou codes, each ending in a character other than its own: one warning, the
    count 7, five codes each with the character GB 32100-2015 gives, and "2 more"."""
    from carbonacct.compliance._places import credit_code_warnings, uscc_check_char

    bodies = [f"91320506MA1XXXXX{d}" for d in "1234567"]
    wrong = [b + ("0" if uscc_check_char(b) != "0" else "1") for b in bodies]
    (warning,) = credit_code_warnings(_firm_table(firm_id=wrong))
    assert warning.startswith("7 firms' credit codes fail their check")
    for b, code in zip(bodies[:5], wrong[:5], strict=True):
        assert f"{code} ({uscc_check_char(b)!r} expected)" in warning
    assert wrong[5] not in warning and "and 2 more" in warning
    sources = with_places(_firm_table(firm_id=wrong))["city_source"]
    assert all("failed its check" in s for s in sources)
