"""Green-factory scoring: hand-scored assessments, computed indicators, refused inputs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonacct
from carbonacct import InputError
from carbonacct.cli import cli
from carbonacct.green_factory import (
    compute_indicators,
    load_model,
    read_assessment,
    score,
    score_many,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "green_factory" / "jiangsu-castings-2024.yaml"

# a small scheme of the 2018 structure, with the weights a province would give
WEIGHTS_2018 = {
    "I.1": 5,
    "I.2": 5,
    "I.3": 10,
    "M.1": 4,
    "M.2": 4,
    "M.3": 4,
    "M.4": 3,
    "E.1": 5,
    "E.2": 5,
    "E.3": 5,
    "P.1": 2,
    "P.2": 2,
    "P.3": 2,
    "P.4": 2,
    "P.5": 2,
    "X.1": 2,
    "X.2": 2,
    "X.3": 2,
    "X.4": 2,
    "X.5": 2,
    "K.1": 6,
    "K.2": 6,
    "K.3": 6,
    "K.4": 6,
    "K.5": 6,
}  # sum 100


def assessment_2018(**answers: object) -> dict:
    items = load_model("gbt36132-2018").items
    base = {
        r["item_id"]: "met"
        for r in items.iter_rows(named=True)
        if r["type"] in ("veto", "mandatory", "optional")
    }
    base.update(answers)  # type: ignore[arg-type]
    return {
        "factory_id": "F1",
        "model": "gbt36132-2018",
        "weights": WEIGHTS_2018,
        "weights_source": "test scheme",
        "answers": base,
        "inputs": {"site_area_m2": 1000, "building_footprint_m2": 400},
        "indicators": {"waste_recycling_rate": 0.9, "unit_product_energy": 100},
        "levels": {
            "K.4": {"baseline": 0.8, "leading": 1.0},
            "K.5": {"baseline": 120, "leading": 80},
        },
    }


def test_a_factory_that_passes() -> None:
    a = assessment_2018(**{"K.2": {"status": "partly", "fraction": 0.25}})
    s = score(a, pass_mark=95)
    # every item met but K.2, a quarter met: 100 − 6 + 6 × 0.25 = 95.5 ≥ 95
    assert s.points == pytest.approx(100 - 6 + 1.5) and s.max_points == 100 and s.passed
    assert s.verdict == "PASS" and s.points_short == 0.0
    k = {r["item_id"]: r for r in s.items.iter_rows(named=True)}
    assert k["K.2"]["points"] == 1.5 and k["I.1"]["weight_source"] == "user: test scheme"
    assert s.provenance["pass_mark"] == 95
    by = dict(zip(s.by_indicator["level1"], s.by_indicator["points"], strict=True))
    assert by["绩效"] == pytest.approx(24 + 1.5) and by["基础设施"] == 20


def test_fails_on_a_veto_despite_a_high_score() -> None:
    s = score(assessment_2018(B="not_met"))
    assert s.score_pct > 90 and not s.passed and s.failed_vetoes == ["B"]


def test_a_mandatory_item_not_met_fails_and_leads_the_gap() -> None:
    s = score(assessment_2018(**{"M.3": {"status": "partly", "fraction": 0.5}}))
    assert not s.passed and s.failed_mandatory == ["M.3"]
    assert s.gap.row(0, named=True)["item_id"] == "M.3" and s.gap["blocks_pass"][0]
    assert s.points == pytest.approx(100 - 2)


def test_exactly_at_the_pass_mark() -> None:
    a = assessment_2018(**{"P.1": "not_met", "P.2": "not_met"})  # 100 − 4 = 96 points
    s = score(a, pass_mark=96)
    assert s.score_pct == pytest.approx(96) and s.passed and s.points_short == 0.0
    s = score(a, pass_mark=96.01)
    assert s.passed is False and s.points_short == pytest.approx(0.01)  # 96.01 % of 100 − 96


def test_not_applicable_leaves_the_maximum() -> None:
    s = score(assessment_2018(**{"X.5": {"status": "not_applicable", "reason": "no GHG sources"}}))
    assert s.max_points == 98 and s.score_pct == pytest.approx(100.0)


def test_gap_ranks_unmet_items_by_points() -> None:
    s = score(assessment_2018(**{"K.2": "not_met", "P.5": "not_met"}))
    assert s.gap["item_id"].to_list()[:2] == ["K.2", "P.5"]  # 6 points, then 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Z.9": "met"}, "item Z.9: unknown item"),
        ({"M.4": {"status": "partly", "fraction": 1.5}}, "item M.4: partly needs a fraction"),
        ({"M.4": "done"}, "item M.4: status 'done'"),
        ({"X.5": {"status": "not_applicable"}}, "item X.5: not_applicable needs a reason"),
    ],
)
def test_malformed_assessments_are_refused(change: dict, message: str) -> None:
    a = assessment_2018(**change)
    a["_file"] = "f.yaml"
    with pytest.raises(InputError, match=message) as info:
        score(a)
    assert info.value.file == "f.yaml"


def test_missing_mandatory_answer_and_missing_weights() -> None:
    a = assessment_2018()
    del a["answers"]["M.1"]
    with pytest.raises(InputError, match=r"item M\.1: a mandatory item needs an answer"):
        score(a)
    a = assessment_2018()
    del a["weights"]
    with pytest.raises(InputError, match="ships no verified weight"):
        score(a)


def test_no_unverified_weight_is_shipped() -> None:
    for model in ("gbt36132-2018", "gbt36132-2025"):
        items = load_model(model).items
        shipped = items.filter(pl.col("weight").is_not_null())
        assert set(shipped["weight_grade"].to_list()) <= {"official", "secondary"}
    assert load_model("gbt36132-2018").items["weight"].null_count() == 26  # none shipped
    w2025 = load_model("gbt36132-2025").items.filter(pl.col("weight").is_not_null())
    assert dict(zip(w2025["item_id"], w2025["weight"], strict=True)) == {
        "L1.1": 8,
        "L1.2": 8,
        "L1.3": 8,
        "L1.4": 6,
    }


def test_linear_scoring_of_the_2025_model() -> None:
    a = assessment_2025(  # only the four shipped-weight items are scored (builder below)
        indicators={
            "unit_product_energy": 110,
            "co2_per_value": 0.5,
            "renewable_share": 0.2,
            "platform_functions": 6,
        }
    )
    a["levels"]["L1.3"] = {"baseline": 0.05, "leading": 0.25}
    s = score(a)
    pts = {r["item_id"]: r["points"] for r in s.items.iter_rows(named=True)}
    assert pts["L1.1"] == pytest.approx(8 * (117 - 110) / (117 - 100))  # lower is better
    assert pts["L1.2"] == 0.0  # worse than the baseline: clipped at 0
    assert pts["L1.3"] == pytest.approx(8 * (0.2 - 0.05) / (0.25 - 0.05))
    assert pts["L1.4"] == pytest.approx(6 * (6 - 4) / (8 - 4))  # the model's leading value 8


def test_indicators_computed_from_the_footprint() -> None:
    here = ROOT / "examples" / "jiangsu"
    fp = carbonacct.footprint(
        [here / "electricity_15min.parquet", here / "fuels.csv"],
        firms=here / "firms.csv",
        activity=here / "activity.csv",
        method=carbonacct.Method(steam_enthalpy_kJ_per_kg=2780),
    )
    firm = "91320500EXAMPLE0001"
    ind = compute_indicators(
        fp,
        factory_id=firm,  # the old name is accepted
        period="2024",
        product="castings",
        inputs={"renewable_energy_tce": 96, "output_value_cny10k": 96_500},
    )
    row = fp.table.row(0, named=True)
    prod = fp.intensities.row(0, named=True)
    assert ind["unit_product_energy"]["value"] == pytest.approx(prod["energy_per_output_kgce"])
    assert ind["unit_product_energy"]["value"] == pytest.approx(row["energy_tce"] * 1000 / 12_450)
    # 单位产值碳排放量 is per output value (产值 96 500 万元), not per value added (38 600 万元)
    assert ind["co2_per_value"]["value"] == pytest.approx(row["co2_t"] / 96_500)
    assert ind["renewable_share"]["value"] == pytest.approx(96 / row["energy_tce"])
    s = score(EXAMPLE, footprint=fp)
    l11 = s.items.filter(pl.col("item_id") == "L1.1").row(0, named=True)
    assert l11["indicator_value"] == pytest.approx(ind["unit_product_energy"]["value"])
    assert l11["indicator_source"].startswith("footprint")
    assert s.passed and s.provenance["pass_mark"] == 60


def test_excel_assessment_and_batch(tmp_path: Path) -> None:
    a = assessment_2018()
    path = tmp_path / "a.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "factory": [
            ("key", "value"),
            ("factory_id", "X1"),
            ("model", "gbt36132-2018"),
            ("weights_source", "test scheme"),
        ],
        "answers": [("item_id", "status"), *a["answers"].items()],
        "weights": [("item_id", "weight"), *((k, str(v)) for k, v in WEIGHTS_2018.items())],
        "indicators": [
            ("name", "value", "unit"),
            ("waste_recycling_rate", "90", "%"),  # 0.9
            ("unit_product_energy", "0.1", "tce/t"),  # 100 kgce/t
            ("building_density", "0.4", None),
        ],
        "levels": [("item_id", "baseline", "leading"), ("K.4", "0.8", "1.0"), ("K.5", "120", "80")],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    data = read_assessment(path)
    assert data["firm_id"] == "X1" and data["answers"]["M.1"]["status"] == "met"
    s = score(path)
    assert s.points == pytest.approx(100.0)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "factory_id: Y\nmodel: gbt36132-2018\nanswers: {B: met, Q: met}\n", encoding="utf-8"
    )
    summary, exceptions = score_many([path, bad])
    assert summary["firm_id"].to_list() == ["X1"] and "item Q" in exceptions[0]["error"]


def test_green_score_cli(tmp_path: Path) -> None:
    here = ROOT / "examples" / "jiangsu"
    out = tmp_path / "score.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "green-score",
            str(EXAMPLE),
            "--footprint",
            str(here / "electricity_15min.parquet"),
            "--footprint",
            str(here / "fuels.csv"),
            "--firms",
            str(here / "firms.csv"),
            "--activity",
            str(here / "activity.csv"),
            "--steam-enthalpy",
            "2780",
            "-o",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "Gap" in result.output and out.exists()
    assert "pass mark: 60 %, given by the user (example provincial pass mark" in result.output
    # the example's weights: 8+8+8+6+6+5+5+8+8+3+3+2 = 70 of the user's, 8+8+8+6 = 30 shipped
    assert "weights from the user: 70.00 of 100.00 points" in result.output
    assert "weights shipped: 30.00 of 100.00 points (gbt36132-2025 (secondary))" in result.output


# -- issue 13 item 9: hand-worked cases of each defect ------------------------------------------
WEIGHTS_2025_USER = {i: 0 for i in ("L2.1", "L2.2", "L2.3", "L2.4", "L3.1", "L3.2", "L3.3")} | {
    "L4.1": 0,
    "L4.2": 0,
    "L5.1": 0,
    "L5.2": 0,
    "L5.3": 0,
}
NOT_SCORED = ("L2.1", "L2.2", "L2.3", "L3.3", "L4.2", "L5.1", "L5.2", "L5.3")


def assessment_2025(**changes: object) -> dict:
    """Only the four 能源低碳化 items (weights 8/8/8/6 shipped) are scored."""
    a: dict = {
        "firm_id": "F25",
        "model": "gbt36132-2025",
        "answers": {"B": "met"}
        | {i: {"status": "not_applicable", "reason": "not scored here"} for i in NOT_SCORED},
        "indicators": {
            "unit_product_energy": {"value": 110, "unit": "kgce/t"},
            "co2_per_value": {"value": 0.3, "unit": "tCO2/万元"},
            "renewable_share": {"value": 0.06, "unit": "1"},
            "platform_functions": 8,
        },
        "levels": {
            "L1.1": {"baseline": 117, "leading": 100},
            "L1.2": {"baseline": 0.4, "leading": 0.2},
            "L1.3": {"baseline": 0.02, "leading": 0.10},
            "L1.4": {"baseline": 4},
        },
        "weights": dict(WEIGHTS_2025_USER),
    }
    a.update(changes)
    return a


def points(s: object, item: str) -> float:
    items = s.items  # type: ignore[attr-defined]
    return items.filter(pl.col("item_id") == item)["points"][0]


def test_indicator_values_are_converted_by_their_unit() -> None:
    a = assessment_2025()
    a["indicators"]["renewable_share"] = {"value": 5, "unit": "%"}  # 0.05, not 5
    a["indicators"]["unit_product_energy"] = {"value": 0.105, "unit": "tce/t"}  # 105 kgce/t
    s = score(a)
    assert points(s, "L1.3") == pytest.approx(8 * (0.05 - 0.02) / (0.10 - 0.02))  # 3.0
    assert points(s, "L1.1") == pytest.approx(8 * (117 - 105) / (117 - 100))  # 5.647
    row = s.items.filter(pl.col("item_id") == "L1.3").row(0, named=True)
    assert row["indicator_value"] == pytest.approx(0.05) and row["unit"] == "1"


def test_a_tce_per_tonne_figure_no_longer_flips_fail_to_pass() -> None:
    # 0.4 tce/t = 400 kgce/t, above the baseline 117: 0 points for L1.1.
    # Read as 0.4 kgce/t it would have earned all 8 and passed a 60 % mark.
    a = assessment_2025(pass_mark=60, pass_mark_source="test")
    a["indicators"]["unit_product_energy"] = {"value": 0.4, "unit": "tce/t"}
    a["indicators"]["co2_per_value"] = {"value": 0.3}
    s = score(a)
    # L1.2 8 × (0.4 − 0.3)/0.2 = 4; L1.3 8 × (0.06 − 0.02)/0.08 = 4; L1.4 6 (at the leading 8)
    assert s.points == pytest.approx(0 + 4 + 4 + 6) and s.max_points == 30
    assert s.score_pct == pytest.approx(14 / 30 * 100) and s.passed is False
    assert s.points_short == pytest.approx(0.6 * 30 - 14)  # 4 points short


@pytest.mark.parametrize(
    ("indicator", "entry", "message"),
    [
        ("unit_product_energy", {"value": 0.5, "unit": "tCO2/t"}, "indicator unit_product_energy"),
        ("renewable_share", {"value": 5}, "indicator renewable_share: 5.0 1 is above 1"),
        ("renewable_share", {"value": "five"}, "indicator renewable_share: value 'five'"),
        ("no_such_indicator", {"value": 1}, "indicator no_such_indicator: unknown indicator"),
    ],
)
def test_a_wrong_indicator_value_is_refused_with_the_indicator_named(
    indicator: str, entry: dict, message: str
) -> None:
    a = assessment_2025(_file="f.yaml")
    a["indicators"][indicator] = entry
    with pytest.raises(InputError, match=message) as info:
        score(a)
    assert info.value.file == "f.yaml"


def test_no_pass_mark_gives_a_score_and_no_verdict() -> None:
    s = score(assessment_2018())  # every item met, 100 of 100 points
    assert s.score_pct == pytest.approx(100) and s.passed is None and s.verdict is None
    assert s.points_short is None
    assert "score only (no verdict)" in s.summary() and "PASS" not in s.summary()
    assert "pass mark: none given" in s.summary()
    # a failed veto fails under any pass mark, so it still fails without one
    assert score(assessment_2018(B="not_met")).verdict == "FAIL"


def test_output_value_and_value_added_each_where_defined() -> None:
    from types import SimpleNamespace

    fp = SimpleNamespace(
        table=pl.DataFrame(
            {
                "firm_id": ["F"],
                "period": ["2024"],
                "energy_tce": [500.0],
                "co2_t": [1200.0],
                "value_added_cny10k": [4000.0],
                "co2_intensity_t_per_cny10k": [1200.0 / 4000.0],
            }
        ),
        intensities=None,
    )
    inputs = {"output_value_cny10k": 10_000, "renewable_energy_tce": 50, "water_withdrawal_t": 8000}
    ind = compute_indicators(fp, firm_id="F", period="2024", inputs=inputs)
    assert ind["co2_per_value"]["value"] == pytest.approx(1200 / 10_000)  # 0.12, not 0.30
    assert ind["energy_per_value"]["value"] == pytest.approx(500 / 10_000)
    assert ind["water_per_value"]["value"] == pytest.approx(0.8)
    assert ind["renewable_share"]["value"] == pytest.approx(0.1)
    assert "产值" in ind["co2_per_value"]["basis"] and "增加值" in ind["co2_per_value"]["basis"]
    # no output value: the per-value indicators are not computed from value added
    assert "co2_per_value" not in compute_indicators(fp, firm_id="F", period="2024")


def test_a_failed_veto_is_in_the_gap_and_the_points_short_are_shown() -> None:
    a = assessment_2018(B="not_met", **{k: "not_met" for k in ("K.2", "K.3", "K.4", "K.5")})
    s = score(a, pass_mark=80)
    # K.2 to K.5 not met: 100 − 4 × 6 = 76 points, 4 short of 80
    assert s.points == pytest.approx(76) and s.points_short == pytest.approx(4)
    assert s.passed is False and s.failed_vetoes == ["B"]
    first = s.gap.row(0, named=True)
    assert first["item_id"] == "B" and first["blocks_pass"] and first["type"] == "veto"
    assert s.gap["item_id"].to_list()[1:] == ["K.2", "K.3", "K.4", "K.5"]
    assert "4.00 points short of the pass mark" in s.summary()
    assert "failed veto: B" in s.summary()


def test_the_verdict_names_the_users_weights_and_pass_mark() -> None:
    a = assessment_2025(pass_mark=50, pass_mark_source="Jiangsu scheme (test)")
    a["weights"] = dict(WEIGHTS_2025_USER, **{"L2.4": 70})
    a["weights_source"] = "evaluator weighting (test)"
    a["answers"]["L2.4"] = "met"
    s = score(a)
    text = s.summary()
    assert (
        "weights from the user: 70.00 of 100.00 points (user: evaluator weighting (test))" in text
    )
    assert "weights shipped: 30.00 of 100.00 points" in text
    assert "pass mark: 50 %, given by the user (Jiangsu scheme (test))" in text
    w = s.weight_origins.filter(pl.col("weight_source").str.starts_with("user"))
    assert w["points"][0] == 70
    s = score(a, pass_mark=55)
    assert s.provenance["pass_mark_source"] == "given to the call (--pass-mark)"


def test_l11_levels_from_the_shipped_gb_grades() -> None:
    a = assessment_2025(product="cement_clinker")
    del a["levels"]["L1.1"]
    a["indicators"]["unit_product_energy"] = {"value": 103, "unit": "kgce/t"}
    s = score(a)
    row = s.items.filter(pl.col("item_id") == "L1.1").row(0, named=True)
    # GB 16780-2021 表2: clinker grade 1 = 100, grade 2 = 107 kgce/t
    assert (row["baseline"], row["leading"]) == (107, 100)
    assert row["points"] == pytest.approx(8 * (107 - 103) / (107 - 100))  # 4.571
    assert row["levels_source"].startswith("GB 16780-2021 表2")
    # levels in the assessment win, and say so
    s = score(assessment_2025(product="cement_clinker"))
    row = s.items.filter(pl.col("item_id") == "L1.1").row(0, named=True)
    assert row["baseline"] == 117 and row["levels_source"] == "assessment"


def test_gb_grades_in_kgoe_are_converted_and_electricity_is_refused() -> None:
    a = assessment_2025(product="ethylene", _file="f.yaml")
    del a["levels"]["L1.1"]
    a["indicators"]["unit_product_energy"] = {"value": 590 * 10 / 7, "unit": "kgce/t"}
    row = score(a).items.filter(pl.col("item_id") == "L1.1").row(0, named=True)
    # GB 30251-2024: ethylene grade 2 = 590 kgoe/t = 590 × 10/7 kgce/t (1 kgoe = 10 000 kcal)
    assert row["baseline"] == pytest.approx(590 * 10 / 7) and row["points"] == pytest.approx(0)
    a["product"] = "electrolytic_aluminium"  # 铝液交流电耗 in kWh/t is not 综合能耗
    with pytest.raises(InputError, match=r"item L1\.1: the GB quota of 'electrolytic_aluminium'"):
        score(a)
    a["product"] = "castings"  # no shipped grades: the user must give the levels
    with pytest.raises(InputError, match=r"item L1\.1: needs a baseline"):
        score(a)


def test_firm_id_with_factory_id_as_alias() -> None:
    a = assessment_2018()
    del a["factory_id"]
    assert score({**a, "firm_id": "A1"}).firm_id == "A1"
    s = score({**a, "factory_id": "A2"})
    assert s.firm_id == "A2" and s.factory_id == "A2"
    with pytest.raises(InputError, match="firm_id 'A1' and factory_id 'A2' differ"):
        score({**a, "firm_id": "A1", "factory_id": "A2"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": dict(WEIGHTS_2018, **{"I.1": "five"})}, r"item I\.1: weight 'five'"),
        ({"answers": {"M.4": {"status": "partly", "fraction": "half"}}}, r"item M\.4: partly"),
        ({"pass_mark": "sixty"}, "item pass_mark: pass mark 'sixty'"),
        ({"inputs": {"site_area_m2": "big"}}, "item inputs site_area_m2: 'big' is not a number"),
    ],
)
def test_non_numeric_inputs_are_refused_with_file_and_item(change: dict, message: str) -> None:
    a = assessment_2018()
    if "answers" in change:
        a["answers"].update(change.pop("answers"))
    a.update(change, _file="g.yaml")
    with pytest.raises(InputError, match=message) as info:
        score(a)
    assert info.value.file == "g.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("firm_id: X\nmodel: gbt36132-2018\nanswers: {B: met, Z.9: met}\n", "item Z.9: unknown"),
        (
            "firm_id: X\nmodel: gbt36132-2018\nanswers: {B: met, M.4: {status: partly, fraction: 1.5}}\n",
            "item M.4: partly needs a fraction",
        ),
        ("firm_id: X\nmodel: gbt36132-2018\nanswers: {B: done}\n", "item B: status 'done'"),
        ("firm_id: X\nanswers: [B, met\n", "is not valid YAML"),
        ("firm_id: X\nmodel: nope\n", "No green-factory model 'nope'"),
    ],
)
def test_cli_refuses_malformed_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, err = run_main(capsys, "green-score", str(path))
    assert code == 1 and message in err and err.count("\n") == 1  # 1: an input error
    assert str(path) in err or "nope" in message


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The console script's entry point (library errors → one line, exit code 1)."""
    from carbonacct.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    return int(exit_.value.code or 0), capsys.readouterr().err


def test_a_bad_level_is_refused_with_the_item() -> None:
    a = assessment_2025(_file="h.yaml")
    a["levels"]["L1.1"] = {"baseline": "high", "leading": 100}
    with pytest.raises(InputError, match=r"h.yaml, item L1\.1: baseline 'high' is not a number"):
        score(a)


def test_cli_weights_csv_refused_with_file_and_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = assessment_2018()
    del a["weights"]
    path = tmp_path / "a.json"
    import json

    path.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    weights = tmp_path / "w.csv"
    weights.write_text(
        "item_id,weight\n"
        + "\n".join(f"{k},{v}" for k, v in WEIGHTS_2018.items()).replace("I.2,5", "I.2,五"),
        encoding="utf-8",
    )
    code, err = run_main(capsys, "green-score", str(path), "--weights", str(weights))
    assert code == 1 and f"{path}, item I.2: weight '五' is not a number" in err
    weights.write_text("item,w\nI.1,5\n", encoding="utf-8")
    code, err = run_main(capsys, "green-score", str(path), "--weights", str(weights))
    assert code == 1 and f"{weights}: a weights CSV has columns item_id and weight" in err


def test_cli_rounds_points_for_people_and_keeps_them_for_machines(tmp_path: Path) -> None:
    import json

    a = assessment_2025()  # L1.1: 8 × (117 − 110) / 17 = 3.2941176…
    path = tmp_path / "a.json"
    path.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    exact = 8 * 7 / 17
    table = CliRunner().invoke(cli, ["green-score", str(path)], catch_exceptions=False).output
    assert f"{exact:.2f}" in table and f"{exact:.6f}" not in table
    csv = CliRunner().invoke(cli, ["green-score", str(path), "--format", "csv"]).output
    assert f"{exact:.12g}" in csv  # the 12 significant digits files keep
    out = json.loads(CliRunner().invoke(cli, ["green-score", str(path), "--format", "json"]).output)
    l11 = next(r for r in out["tables"]["items"] if r["item_id"] == "L1.1")
    assert l11["points"] == pytest.approx(exact, rel=1e-12)
    assert out["provenance"]["verdict"] is None


def test_every_model_indicator_is_defined_in_the_indicator_table() -> None:
    from carbonacct.green_factory import indicator_table

    units = dict(zip(indicator_table()["indicator"], indicator_table()["unit"], strict=True))
    for model in ("gbt36132-2018", "gbt36132-2025"):
        q = load_model(model).items.filter(pl.col("indicator").is_not_null())
        for name, unit in zip(q["indicator"], q["unit"], strict=True):
            assert units[name] == unit, (model, name)


@given(
    x=st.floats(0, 1000, allow_nan=False),
    y=st.floats(0, 1000, allow_nan=False),
    baseline=st.floats(1, 500),
    span=st.floats(1, 500),
)
def test_linear_scoring_is_bounded_and_monotone(
    x: float, y: float, baseline: float, span: float
) -> None:
    from carbonacct.green_factory._scoring import linear

    lo, hi = sorted((x, y))
    lower = linear(lo, baseline, baseline - span, "lower_better")
    assert 0.0 <= lower <= 1.0
    assert lower >= linear(hi, baseline, baseline - span, "lower_better")  # less is better
    assert linear(lo, baseline, baseline + span, "higher_better") <= linear(
        hi, baseline, baseline + span, "higher_better"
    )


def test_a_footprint_without_the_firm_or_with_several_years_is_refused() -> None:
    from types import SimpleNamespace

    fp = SimpleNamespace(
        table=pl.DataFrame(
            {"firm_id": ["F", "F"], "period": ["2023", "2024"], "energy_tce": [1.0, 2.0]}
        ),
        intensities=None,
    )
    a = assessment_2025(_file="k.yaml", firm_id="G")
    with pytest.raises(
        InputError, match=r"k.yaml, item firm_id: firm_id 'G' is not in the footprint"
    ):
        score(a, footprint=fp)
    a["firm_id"] = "F"  # two years and no period: which one is not guessed
    with pytest.raises(InputError, match=r"item period: the footprint has 2 rows for firm 'F'"):
        score(a, footprint=fp)
    a["period"] = 2024  # a YAML number is a period too
    assert score(a, footprint=fp).provenance["indicators"] == "green-factory-indicators@1.0.0"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(share=st.floats(0, 1, allow_nan=False))
def test_a_share_scores_the_same_in_percent_and_as_a_fraction(share: float) -> None:
    a, b = assessment_2025(), assessment_2025()
    a["indicators"]["renewable_share"] = {"value": share, "unit": "1"}
    b["indicators"]["renewable_share"] = {"value": share * 100, "unit": "%"}
    assert points(score(a), "L1.3") == pytest.approx(points(score(b), "L1.3"), abs=1e-12)


def test_a_product_counted_in_another_dimension_is_refused_for_the_per_tonne_indicator() -> None:
    from types import SimpleNamespace

    fp = SimpleNamespace(
        table=pl.DataFrame({"firm_id": ["F"], "period": ["2024"], "energy_tce": [10.0]}),
        intensities=pl.DataFrame(
            {
                "firm_id": ["F"],
                "period": ["2024"],
                "product": ["glass"],
                "output_unit": ["m2"],  # kgce/m2 is not kgce/t
                "energy_per_output_kgce": [2.0],
                "co2_per_output_t": [0.01],
            }
        ),
    )
    a = assessment_2025(_file="m.yaml", firm_id="F", period="2024", product="glass")
    with pytest.raises(
        InputError, match=r"m.yaml, item unit_product_energy: indicator unit_product"
    ):
        score(a, footprint=fp)
