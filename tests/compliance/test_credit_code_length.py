"""Credit codes as a regulator's firms table gives them (GBK CSV, Chinese headers): a code of
the wrong length is refused with its length (GB 32100-2015: 18 characters), a lower-case code
is read upper-cased, and a province column that contradicts the code's division digits keeps
its province and takes no city from the code; each is said in a warning.

Hand arithmetic (every firm: 0.5 tce/万元 in 2020, 0.42 in 2025, constant 2020 prices):
Jiangsu −17 %: 0.5 × 0.83 = 0.415; national −13.5 %: 0.5 × 0.865 = 0.4325.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carbonacct import check

DATA = Path(__file__).parent.parent / "data" / "check_retrial"
OK, SHORT, LONG, ZJ = (
    "91320500MA1TTT001E",  # valid, 3205 苏州
    "91320500MA1TTT005",  # 17 characters
    "91320500MA1TTT00719",  # 19 characters
    "91320500MA1TTT0084",  # province column 浙江省, division digits 3205 (苏州)
)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return check(
        DATA / "firms_cc2_gbk.csv",
        actuals=DATA / "act_cc2.csv",
        pathways=["cn-industry-2025", "js-industry-2025"],
    )


def test_a_code_of_the_wrong_length_is_refused_with_its_length(result) -> None:  # type: ignore[no-untyped-def]
    firms = {r["firm_id"]: r for r in result.firms.to_dicts()}
    assert (firms[OK]["province"], firms[OK]["city"]) == ("CN-JS", "苏州市")
    for code, n in ((SHORT, 17), (LONG, 19)):
        # no province column value: no province, no city (they come only from the columns)
        assert firms[code]["province"] is None and firms[code]["city"] is None
        assert f"{n} characters" in firms[code]["city_source"]
        warning = [w for w in result.provenance["warnings"] if code in w]
        assert len(warning) == 1, result.provenance["warnings"]
        assert f"{n} characters" in warning[0] and "18" in warning[0]
        assert "province and city columns" in warning[0]
    # the valid Jiangsu code is above the Jiangsu path: 0.42 > 0.5 × 0.83 = 0.415
    assert firms[OK]["status"] == "above_path"


def test_a_province_column_contradicting_the_code_keeps_its_province_and_no_city(result) -> None:  # type: ignore[no-untyped-def]
    firm = result.firms.filter(pl.col("firm_id") == ZJ).row(0, named=True)
    assert (firm["province"], firm["city"], firm["city_code"]) == ("CN-ZJ", None, None)
    assert "contradicts" in firm["city_source"]
    (warning,) = [w for w in result.provenance["warnings"] if ZJ in w]
    assert "CN-ZJ" in warning and "32" in warning and "no city" in warning


def test_a_lower_case_code_is_read_upper_cased_and_said_once() -> None:
    lower = [OK.lower(), "91320506ma1xxxxx09"]
    firms = pl.DataFrame({"firm_id": lower, "name": ["a", "b"], "sector": ["C3391"] * 2})
    actual = pl.read_csv(DATA / "act_cc2.csv").filter(pl.col("firm_id") == OK)
    actual = pl.concat(
        [actual.with_columns(pl.lit(c).alias("firm_id")) for c in lower], how="vertical"
    )
    r = check(firms, actuals=actual, pathways=["cn-industry-2025", "js-industry-2025"])
    got = r.firms.sort("firm_id").select("firm_id", "province", "city", "status").rows()
    assert got == [
        ("91320500ma1ttt001e", "CN-JS", "苏州市", "above_path"),  # 0.42 > 0.415
        ("91320506ma1xxxxx09", "CN-JS", "苏州市", "above_path"),
    ]
    said = [w for w in r.provenance["warnings"] if "lower case" in w]
    assert len(said) == 1 and "2 firms" in said[0]
    assert not [w for w in r.provenance["warnings"] if "refused" in w]


def test_many_refused_codes_are_one_warning_naming_the_first_five() -> None:
    """Seven codes with an 'O' (not a GB 32100-2015 character) and one of 17 characters:
    8 refusals, one warning with the count, five codes and their reasons, and "3 more"."""
    from carbonacct.compliance._places import credit_code_warnings

    codes = [f"91320506MA1OXXXX0{d}" for d in "1234567"] + [SHORT]
    table = pl.DataFrame({"firm_id": codes}, schema={"firm_id": pl.String})
    (warning,) = [w for w in credit_code_warnings(table) if "refused" in w]
    assert warning.startswith("8 firms' credit codes refused")
    assert all(c in warning for c in codes[:5]) and codes[5] not in warning
    assert "'O' at position 12" in warning and "and 3 more" in warning
    assert "city_source" in warning and "province and city columns" in warning
