"""Verifier mode: each known cause of a difference found and explained; cited factors checked."""

from __future__ import annotations

import polars as pl
import pytest

import carbonacct
from carbonacct import FactorLibrary, conversion_factor, footprint
from carbonacct.errors import DimensionalityError, FactorFileError
from carbonacct.verify import check_factor, find_factor, reconcile, rounding_policies

FIRMS = pl.DataFrame({"firm_id": ["JS"], "province": ["江苏"]})
DIESEL_EF = 42.652 * 20.2e-3 * 0.98 * 44 / 12  # tCO2/t
NG_EF = 389.31 * 15.3e-3 * 0.99 * 44 / 12  # tCO2 per 10^4 Nm3


def lines(*rows: tuple) -> pl.DataFrame:
    cols = (
        "firm_id",
        "line",
        "carrier",
        "value",
        "unit",
        "exported",
        "year",
        "reported_factor",
        "reported_factor_unit",
        "reported_co2_t",
    )
    return pl.DataFrame(
        [dict(zip(cols, r, strict=True)) for r in rows], schema={c: pl.String for c in cols}
    )


def explain(*rows: tuple, **kw: object) -> dict[str, str]:
    r = reconcile(lines(*rows), firms=FIRMS, **kw).table  # type: ignore[arg-type]
    return dict(zip(r["line"], r["explanation"], strict=True))


def test_agreement_and_each_cause() -> None:
    e = explain(
        ("JS", "ok", "electricity", "1000", "MWh", None, "2023", None, None, str(1000 * 0.5827)),
        (
            "JS",
            "ets factor",
            "electricity",
            "1000",
            "MWh",
            None,
            "2023",
            "0.5810",
            "tCO2/MWh",
            "581.0",
        ),
        (
            "JS",
            "whole tonnes",
            "diesel",
            "100.4",
            "t",
            None,
            "2023",
            None,
            None,
            f"{round(100.4 * DIESEL_EF):.2f}",  # whole tonnes written to 0.01 t
        ),
        (
            "JS",
            "lost 10^4",
            "natural_gas",
            "50000",
            "Nm3",
            None,
            "2023",
            None,
            None,
            str(5 * NG_EF * 1e4),
        ),
        (
            "JS",
            "export left in",
            "electricity",
            "1000",
            "MWh",
            "100",
            "2023",
            None,
            None,
            str(1000 * 0.5827),
        ),
        (
            "JS",
            "no OF",
            "diesel",
            "100",
            "t",
            None,
            "2023",
            None,
            None,
            str(100 * 42.652 * 20.2e-3 * 44 / 12),
        ),
        (
            "JS",
            "old set",
            "diesel",
            "100",
            "t",
            None,
            "2023",
            None,
            None,
            str(100 * 43.33 * 20.2e-3 * 0.98 * 44 / 12),
        ),
        ("JS", "mystery", "electricity", "1000", "MWh", None, "2023", None, None, "1234.5"),
        ("JS", "typo", "electricity", "1000", "MWh", None, "2023", "0.5987", "tCO2/MWh", "598.7"),
    )
    assert e["ok"] == "agrees"
    assert e["ets factor"].startswith("different factor: 0.581 tCO2/MWh of ets-reporting")
    assert e["whole tonnes"].startswith("rounding: line_1t")
    assert e["lost 10^4"].startswith("unit slip: the reported figure is 10^4×")
    assert e["export left in"].startswith("exports not deducted")
    assert e["no OF"].startswith("formula variant: oxidation rate omitted")
    assert e["old set"].startswith("different factor set: ndrc-2013 parameters")
    assert e["mystery"] == "unexplained"
    assert e["typo"].startswith("reported factor 0.5987 tCO2/MWh matches no publication")


def test_reconcile_reports_both_sides() -> None:
    r = reconcile(
        lines(
            (
                "JS",
                "ets factor",
                "electricity",
                "1000",
                "MWh",
                None,
                "2023",
                "0.5810",
                "tCO2/MWh",
                "581.0",
            )
        ),
        firms=FIRMS,
    ).table
    row = r.row(0, named=True)
    assert row["recomputed_co2_t"] == pytest.approx(582.7) and row["difference_t"] == pytest.approx(
        -1.7
    )
    assert row["our_factor"] == 0.5827 and "公告2025年第47号" in row["our_factor_document"]
    assert "ets-reporting" in row["reported_factor_document"]
    assert row["rounding"] == "full"


def test_rounding_policy_of_the_recomputation() -> None:
    r = reconcile(
        lines(("JS", "d", "diesel", "1.2345", "t", None, "2023", None, None, "3.82")),
        firms=FIRMS,
        rounding="line_0.01t",
        tolerance_t=0.0,
    ).table
    assert r["recomputed_co2_t"][0] == 3.82 and r["explanation"][0] == "agrees"
    assert set(rounding_policies()) == {"full", "line_0.01t", "line_1t"}


def test_find_factor_names_the_publication() -> None:
    hits = find_factor(0.5366, "kgCO2/kWh", subject="electricity")
    assert hits.select("set_id", "region", "year", "variant").row(0) == (
        "mee-nbs-2024-33",
        "CN",
        2022,
        "average",
    )
    assert find_factor(0.7035, "tCO2/MWh", subject="电力")["set_id"].to_list() == [
        "ndrc-2012-regional"
    ]
    assert find_factor(0.12345, "tCO2/MWh", subject="electricity").height == 0


def test_check_factor_against_its_citation() -> None:
    c = check_factor(0.5987, "tCO2/MWh", "MEE/NBS announcement 2024 No. 33, Jiangsu")
    assert not c.ok and c.cited is not None and c.cited.value == 0.5978
    assert "it gives 0.5978" in c.message
    ok = check_factor(0.5978, "kgCO2/kWh", "生态环境部 国家统计局 公告2024年第33号", region="江苏")
    assert ok.ok and ok.cited is not None and ok.cited.year == 2022
    # a right value under the wrong publication: flagged, with where it does come from
    wrong = check_factor(0.5827, "tCO2/MWh", "公告2024年第33号 江苏")
    assert not wrong.ok and "mee-nbs-2025-47" in wrong.message
    assert not check_factor(0.5, "tCO2/MWh", "a brochure").ok


# -- regression traps of other calculators --------------------------------------------------
def test_trap_gas_fuel_losing_its_10_4_conversion() -> None:
    a = footprint(
        pl.DataFrame(
            {
                "firm_id": ["F"],
                "carrier": ["天然气"],
                "value": ["5"],
                "unit": ["万Nm3"],
                "period": ["2023"],
            }
        ),
        method=carbonacct.Method(grid_factor="national"),
    )
    b = footprint(
        pl.DataFrame(
            {
                "firm_id": ["F"],
                "carrier": ["天然气"],
                "value": ["50000"],
                "unit": ["Nm3"],
                "period": ["2023"],
            }
        ),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert a.table["co2_t"][0] == pytest.approx(b.table["co2_t"][0]) == pytest.approx(5 * NG_EF)


def test_trap_tce_toe_kgce_mixed_up() -> None:
    assert conversion_factor("toe", "tce") == pytest.approx(41.868 / 29.3076)  # not 1
    assert conversion_factor("tce", "kgce") == 1000
    with pytest.raises(DimensionalityError):
        conversion_factor("tce", "t")  # standard coal is energy, not a mass of coal


def test_trap_carbon_content_in_tc_per_tj_read_as_tc_per_gj(factors_copy) -> None:  # type: ignore[no-untyped-def]
    from carbonacct._manifest import write_checksum

    csv = factors_copy / "combustion" / "gbt32151-2024.csv"
    text = csv.read_text(encoding="utf-8").replace(
        "carbon_content,diesel,,,,20.2,tC/TJ", "carbon_content,diesel,,,,20.2,tC/GJ"
    )
    csv.write_text(text, encoding="utf-8")
    write_checksum(csv.with_suffix(".toml"))
    with pytest.raises(FactorFileError, match="outside the plausible range"):
        FactorLibrary.load(factors_copy)


def test_trap_liquid_fuel_given_in_gas_units() -> None:
    r = footprint(
        pl.DataFrame(
            {
                "firm_id": ["F"],
                "carrier": ["柴油"],
                "value": ["100"],
                "unit": ["Nm3"],
                "period": ["2023"],
            }
        ),
        method=carbonacct.Method(grid_factor="national"),
    )
    assert r.quality.rejected_by_reason == {"unit_dimension": 1}


def test_reconcile_from_readings() -> None:
    """`carbonacct reconcile READINGS --reported R`: the activity comes from the meters."""
    readings = pl.DataFrame(
        {
            "firm_id": ["JS", "JS", "JS"],
            "carrier": ["electricity", "electricity", "diesel"],
            "value": ["600000", "400000", "100"],
            "unit": ["kWh", "kWh", "t"],
            "period": ["2023", "2023", "2023"],
            "flow": ["in", "in", "in"],
        }
    )
    reported = lines(
        ("JS", "power", "electricity", "999", "MWh", None, "2023", None, None, str(1000 * 0.5827)),
        ("JS", "diesel", "diesel", "100", "t", None, "2023", None, None, str(100 * DIESEL_EF)),
        ("JS", "gas", "natural_gas", "5", "万Nm3", None, "2023", None, None, str(5 * NG_EF)),
    )
    r = reconcile(reported, readings=readings, firms=FIRMS).table
    rows = {x["line"]: x for x in r.iter_rows(named=True)}
    # the report's 999 MWh is replaced by the meters' 1000 MWh, and then it agrees
    assert (
        rows["power"]["activity"] == pytest.approx(1000)
        and rows["power"]["explanation"] == "agrees"
    )
    assert rows["power"]["activity_source"] == "readings"
    assert rows["diesel"]["explanation"] == "agrees"
    assert rows["gas"]["activity_source"].startswith("reported")
