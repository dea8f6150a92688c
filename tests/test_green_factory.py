"""Green-factory scoring: hand-scored assessments, computed indicators, refused inputs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

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
    s = score(assessment_2018(**{"K.2": {"status": "partly", "fraction": 0.25}}))
    # every item met but K.2, a quarter met: 100 − 6 + 6 × 0.25
    assert s.points == pytest.approx(100 - 6 + 1.5) and s.max_points == 100 and s.passed
    k = {r["item_id"]: r for r in s.items.iter_rows(named=True)}
    assert k["K.2"]["points"] == 1.5 and k["I.1"]["weight_source"] == "user: test scheme"
    assert s.provenance["pass_mark"] is None
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
    assert s.score_pct == pytest.approx(96) and s.passed
    assert not score(a, pass_mark=96.01).passed


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
    a = {
        "factory_id": "F",
        "model": "gbt36132-2025",
        "answers": {"B": "met"},
        "indicators": {
            "unit_product_energy": 110,
            "co2_per_value": 0.5,
            "renewable_share": 0.2,
            "platform_functions": 6,
        },
        "levels": {
            "L1.1": {"baseline": 117, "leading": 100},
            "L1.2": {"baseline": 0.4, "leading": 0.2},
            "L1.3": {"baseline": 0.05, "leading": 0.25},
            "L1.4": {"baseline": 4},
        },
        "weights": {
            i: 0
            for i in (
                "L2.1",
                "L2.2",
                "L2.3",
                "L2.4",
                "L3.1",
                "L3.2",
                "L3.3",
                "L4.1",
                "L4.2",
                "L5.1",
                "L5.2",
                "L5.3",
            )
        },
    }
    for i in ("L2.1", "L2.2", "L2.3", "L3.3", "L4.2", "L5.1", "L5.2", "L5.3"):
        a["answers"][i] = {"status": "not_applicable", "reason": "not scored in this test"}
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
        steam_enthalpy=2780,
    )
    firm = "91320500EXAMPLE0001"
    ind = compute_indicators(
        fp, factory_id=firm, period="2024", product="castings", inputs={"renewable_energy_tce": 96}
    )
    row = fp.table.row(0, named=True)
    prod = fp.intensities.row(0, named=True)
    assert ind["unit_product_energy"]["value"] == prod["energy_per_output_kgce"]
    assert ind["unit_product_energy"]["value"] == pytest.approx(row["energy_tce"] * 1000 / 12_450)
    assert ind["co2_per_value"]["value"] == pytest.approx(row["co2_t"] / 38_600)
    assert ind["renewable_share"]["value"] == pytest.approx(96 / row["energy_tce"])
    s = score(EXAMPLE, footprint=fp)
    l11 = s.items.filter(pl.col("item_id") == "L1.1").row(0, named=True)
    assert l11["indicator_value"] == ind["unit_product_energy"]["value"]
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
            ("name", "value"),
            ("waste_recycling_rate", "0.9"),
            ("unit_product_energy", "100"),
            ("building_density", "0.4"),
        ],
        "levels": [("item_id", "baseline", "leading"), ("K.4", "0.8", "1.0"), ("K.5", "120", "80")],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    data = read_assessment(path)
    assert data["factory_id"] == "X1" and data["answers"]["M.1"]["status"] == "met"
    s = score(path)
    assert s.points == pytest.approx(100.0)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "factory_id: Y\nmodel: gbt36132-2018\nanswers: {B: met, Q: met}\n", encoding="utf-8"
    )
    summary, exceptions = score_many([path, bad])
    assert summary["factory_id"].to_list() == ["X1"] and "item Q" in exceptions[0]["error"]


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
