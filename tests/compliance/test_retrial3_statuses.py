"""Outside re-trial 3 (issue 13): late reporters are flagged, the follow-up list says why a
firm is on it, the reason is the deciding comparison, refused rows are counted once."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polars as pl

import carbonacct
from carbonacct import check
from carbonacct.reports import summary_report


def _firms(result: object) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["firm_id"]: f for f in result.firms.iter_rows(named=True)}  # type: ignore[attr-defined]


def _late_batch() -> tuple[pl.DataFrame, pl.DataFrame]:
    firms = pl.DataFrame({"firm_id": ["A", "L"], "province": ["广东"] * 2, "sector": ["C3411"] * 2})
    actuals = pl.DataFrame(
        {
            "firm_id": ["A", "A", "L", "L"],
            "year": [2020, 2025, 2020, 2023],
            "metric": ["energy_intensity_va"] * 4,
            "value": [1.0, 0.8, 1.0, 0.8],
            "unit": ["tce/万元"] * 4,
            "price_basis": ["constant:2020"] * 4,
            "data_complete": [True] * 4,
        }
    )
    return firms, actuals


def test_late_reporter_is_flagged_and_followed_up() -> None:
    # A reports 2020..2025, L stops after 2023: L is reported at 2023 (its latest year) but
    # flagged, since others in the batch report 2025
    firms, actuals = _late_batch()
    result = check(firms, actuals=actuals, pathways=["cn-industry-2025"])
    f = _firms(result)
    assert f["L"]["report_year"] == 2023
    assert f["L"]["data_complete"] is False
    assert "no data for 2024, 2025 (others in the batch report 2025)" in f["L"]["follow_up"]
    assert f["A"]["report_year"] == 2025 and "no data for" not in (f["A"]["follow_up"] or "")
    assert "L" in result.follow_up()["firm_id"].to_list()
    assert "A" not in result.follow_up()["firm_id"].to_list()


def test_follow_up_list_says_why_not_the_status_reason(tmp_path: Path) -> None:
    firms, actuals = _late_batch()
    result = check(firms, actuals=actuals, pathways=["cn-industry-2025"])
    follow = result.follow_up()
    assert "follow_up" in follow.columns and "reason" not in follow.columns
    why = "no data for 2024, 2025 (others in the batch report 2025)"
    (listed,) = follow.filter(pl.col("firm_id") == "L")["follow_up"].to_list()
    assert listed.startswith(why)
    # the HTML list shows it, and not L's status reason (0.8 against the path)
    section = summary_report(result, lang="en").split("<h2>Follow up")[1].split("<h2>")[0]
    assert why in html.unescape(section)
    assert _firms(result)["L"]["reason"] not in html.unescape(section)
    zh = summary_report(result, lang="zh").split("<h2>需跟进")[1].split("<h2>")[0]
    assert ">需跟进事项</th>" in zh and ">follow_up</th>" not in zh
    # the terminal list too
    from click.testing import CliRunner

    from carbonacct.cli import cli

    firms.write_csv(tmp_path / "f.csv")
    actuals.write_csv(tmp_path / "a.csv")
    res = CliRunner().invoke(
        cli,
        ["check", "--firms", str(tmp_path / "f.csv"), "--actuals", str(tmp_path / "a.csv")],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    # the table wraps prose: read the cells' words in order
    shown = " ".join(re.sub(r"[│┃]", " ", res.output.split("follow up")[1]).split())
    assert "(others in the batch report 2025)" in shown
    assert _firms(result)["L"]["reason"] not in shown


def test_reason_is_the_deciding_comparison_not_a_note_of_a_rule_that_did_not_apply() -> None:
    # a refinery at 8.75135 kgoe/(t·能量因数) in 2023: above the 基准 8.5 before its deadline
    # (2025-12-31): off_track. GB 30251-2024 does not cover 2023: a note, never the reason
    firms = pl.DataFrame({"firm_id": ["R"], "province": ["浙江"], "sector": ["2511"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["R"],
            "year": [2023],
            "metric": ["refining_energy_factor_intensity"],
            "product": ["refining"],
            "value": [8.75135],
            "unit": ["kgoe/(t·能量因数)"],
            "output": [797201.0],
        }
    )
    result = check(firms, actuals=actuals)
    row = result.products.row(0, named=True)
    assert (row["status"], row["required"]) == ("off_track", 8.5)
    assert "does not cover 2023" in row["missing"]  # the row keeps its note
    firm = _firms(result)["R"]
    assert firm["status"] == "off_track"
    assert "8.75135 against 8.5" in firm["reason"], firm["reason"]
    assert "does not cover" not in firm["reason"]


def test_no_verdict_reason_is_the_gap_of_a_given_figure_before_an_indicator_not_given() -> None:
    # energy given without a price basis (the decisive gap: the firm must fix it); CO2 not
    # given at all: both insufficient_data, the given figure's gap is the reason
    firms = pl.DataFrame({"firm_id": ["S"], "province": ["江苏"], "sector": ["C3411"]})
    actuals = pl.DataFrame(
        {
            "firm_id": ["S", "S"],
            "year": [2020, 2025],
            "metric": ["energy_intensity_va"] * 2,
            "value": [1.6, 1.5],
            "unit": ["tce/万元"] * 2,
        }
    )
    result = check(firms, actuals=actuals)
    firm = _firms(result)["S"]
    assert firm["status"] == "insufficient_data"
    assert "without a price basis" in firm["reason"], firm["reason"]
    assert "no co2_intensity_va" in firm["follow_up"]  # the other gap still listed


def test_refused_count_is_of_input_rows_not_of_metrics(tmp_path: Path) -> None:
    # one activity row with a typo (value_aded) fails both value-added rules (energy and CO2
    # intensity): 1 input row; one actuals row with a negative value: 1 more. 2 rows, not 3
    from click.testing import CliRunner

    from carbonacct.cli import cli

    text = {
        "readings": "企业代码,能源品种,统计期,数量,计量单位\nTYP,原煤,2025,3600,吨\nOK,原煤,2025,3600,吨\n",
        "firms": "企业代码,企业名称,省份,行业代码\nTYP,苏机械三厂,江苏,C3411\nOK,苏机械厂,江苏,C3411\n",
        "activity": (
            "企业代码,统计期,指标,指标值,计量单位\n"
            "TYP,2025,value_aded,5000,万元\nOK,2025,value_added,5000,万元\n"
        ),
        "actuals": (
            "firm_id,year,metric,value,unit,price_basis\n"
            "OK,2020,energy_intensity_va,-1.0,tce/万元,constant:2020\n"
        ),
    }
    paths = {}
    for name, body in text.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(body.encode("gbk"))
    out = tmp_path / "r.json"
    args = ["check", "-o", str(out), "--price-basis", "constant:2020"]
    for name, path in paths.items():
        args += [f"--{name}", str(path)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    refused = carbonacct.read_result(out).rejected
    assert refused.height >= 2  # the table may give a row per rule the input row failed
    line = next(x for x in res.stderr.splitlines() if "refused, e.g." in x)
    assert line.startswith("check: 2 row(s) refused"), line


def test_follow_up_says_each_sentence_once(tmp_path: Path) -> None:
    # clinker electricity tagged, the coal not: the product row and the two clinker targets say
    # "no fuel tagged cement_clinker ..." (a target prefixes its metric and year): said once
    from carbonacct.workflows import check_from_readings

    text = {
        "read": (
            "firm_id,carrier,period,value,unit,process\n"
            "CEMX,电力,2025,6100000,kWh,cement_clinker\nCEMX,原煤,2025,14000,t,\n"
        ),
        "firms": "firm_id,name,province,sector\nCEMX,皖熟料X厂,安徽省,3011\n",
        "act": (
            "firm_id,period,metric,value,unit\n"
            "CEMX,2025,cement_clinker,100000,t\nCEMX,2025,value_added,30000,万元\n"
        ),
    }
    paths = {}
    for name, body in text.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(body, encoding="utf-8")
    r = check_from_readings(
        paths["read"], paths["firms"], paths["act"], price_basis="constant:2020"
    )
    why = _firms(r)["CEMX"]["follow_up"]
    assert why.count("no fuel tagged cement_clinker in 2025") == 1, why
    assert "no base-year value (2020)" in why  # the other gaps stay
