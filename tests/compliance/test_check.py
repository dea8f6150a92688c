"""Pathway and benchmark checks: hand-computed cases, boundaries, batch."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from carbonacct import check, required_value, sda_target
from carbonacct.benchmarks import benchmark_levels, quota_grades
from carbonacct.cli import cli
from carbonacct.pathways import load_pathways, sector_prefixes

FIRMS = pl.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "E"],
        "name": ["a", "b", "c", "d", "e"],
        "province": ["江苏", "广东", "江苏", "北京", "广东"],
        "sector": ["3391", "3011", "3011", "3391", "7211"],  # E: services, no industry pathway
    }
)


def actuals(*rows: tuple, price_basis: str | None = "constant:2020") -> pl.DataFrame:
    """Rows of (firm, year, metric, product, value, unit, output); value added at 2020 prices."""
    return pl.DataFrame(
        [
            dict(
                zip(
                    ("firm_id", "year", "metric", "product", "value", "unit", "output"),
                    r,
                    strict=True,
                )
            )
            for r in rows
        ],
        schema={
            "firm_id": pl.String,
            "year": pl.Int32,
            "metric": pl.String,
            "product": pl.String,
            "value": pl.Float64,
            "unit": pl.String,
            "output": pl.Float64,
        },
    ).with_columns(
        pl.when(pl.col("metric").str.ends_with("_va"))
        .then(pl.lit(price_basis))
        .alias("price_basis")
    )


def row(
    result, firm: str, pathway: str, metric: str = "energy_intensity_va", year: int | None = None
) -> dict:  # type: ignore[no-untyped-def]
    hit = result.results.filter(
        (pl.col("firm_id") == firm) & (pl.col("pathway") == pathway) & (pl.col("metric") == metric)
    )
    if year is not None:
        hit = hit.filter(pl.col("check_year") == year)
    assert hit.height == 1
    return hit.row(0, named=True)


# -- the arithmetic of the pathways --------------------------------------------------------
def test_national_pathway_2025() -> None:
    """0.80 tce/万元 in 2020 must be at or below 0.80 × (1 − 0.135) = 0.692 in 2025."""
    assert required_value(0.80, -0.135, 2020, 2025, 2025, "constant_rate") == pytest.approx(0.692)
    assert required_value(0.80, -0.135, 2020, 2025, 2025, "linear") == pytest.approx(0.692)
    r = check(
        FIRMS,
        actuals=actuals(
            ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("B", 2025, "energy_intensity_va", None, 0.70, "tce/万元", None),
        ),
    )
    b = row(r, "B", "cn-industry-2025")
    assert b["required"] == pytest.approx(0.692)
    # 0.70 > 0.692 in the target year; a sector-wide target binds no single firm
    assert b["status"] == "above_path" and b["obligation"] == "sector_average"
    assert b["gap_abs"] == pytest.approx(0.008) and b["gap_rel"] == pytest.approx(0.008 / 0.692)
    assert "工业领域碳达峰实施方案" in b["source_ref"] and b["rule"].startswith("cn-industry-2025")


def test_constant_rate_in_an_intermediate_year() -> None:
    """In 2023 a constant annual rate requires 0.80 × (1 − 0.135)^(3/5)."""
    expected = 0.80 * (1 - 0.135) ** (3 / 5)
    r = check(
        FIRMS,
        actuals=actuals(
            ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("B", 2023, "energy_intensity_va", None, 0.74, "tce/万元", None),
        ),
    )
    b = row(r, "B", "cn-industry-2025")
    assert b["required"] == pytest.approx(expected, rel=1e-12)
    assert b["status"] == "above_path"  # 0.74 > 0.7333


def test_status_exactly_at_the_limit_complies() -> None:
    at_limit = 0.80 * (1 - 0.135)
    r = check(
        FIRMS,
        actuals=actuals(
            ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("B", 2025, "energy_intensity_va", None, at_limit, "tce/万元", None),
        ),
    )
    assert row(r, "B", "cn-industry-2025")["status"] == "below_path"
    r = check(
        FIRMS,
        actuals=actuals(
            ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("B", 2025, "energy_intensity_va", None, at_limit * (1 + 1e-6), "tce/万元", None),
        ),
    )
    assert row(r, "B", "cn-industry-2025")["status"] == "above_path"


def test_jiangsu_firm_is_held_to_both_national_and_provincial_targets() -> None:
    r = check(
        FIRMS,
        actuals=actuals(
            ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("A", 2025, "energy_intensity_va", None, 0.692, "tce/万元", None),
        ),
    )
    assert row(r, "A", "cn-industry-2025")["status"] == "below_path"
    js = row(r, "A", "js-industry-2025")
    assert js["required"] == pytest.approx(0.80 * 0.83) and js["status"] == "above_path"


def test_units_of_actuals_are_converted() -> None:
    r = check(
        FIRMS,
        actuals=actuals(
            ("B", 2020, "energy_intensity_va", None, 800, "kgce/万元", None),
            ("B", 2025, "energy_intensity_va", None, 0.0692, "kgce/元", None),
        ),
    )
    b = row(r, "B", "cn-industry-2025")
    assert (b["base_value"], b["actual"], b["unit"]) == (
        pytest.approx(0.80),
        pytest.approx(0.692),
        "tce/万元",
    )


def test_missing_base_year_is_insufficient_data_never_on_track() -> None:
    r = check(
        FIRMS,
        actuals=actuals(
            ("D", 2025, "energy_intensity_va", None, 0.10, "tce/万元", None),
            ("C", 2025, "product_energy_intensity", "cement_clinker", 105, "kgce/t", 1e6),
        ),
        pathways=["cn-industry-2025"],
    )
    d = row(r, "D", "cn-industry-2025")
    assert d["status"] == "insufficient_data" and d["missing"] == "no base-year value (2020)"
    # firms without any data are listed too, not dropped
    c = row(r, "C", "cn-industry-2025")
    assert c["status"] == "insufficient_data" and c["missing"].startswith("no energy_intensity_va")
    assert r.results.filter(pl.col("firm_id") == "E").height == 0  # services: no industry pathway
    summary = r.summary.filter(pl.col("sector") == "7211").row(0, named=True)
    assert summary["no_data"] == 1  # every input firm is in the output, with a status
    assert r.firms.height == FIRMS.height


def test_annual_target_applies_to_its_year_only() -> None:
    data = actuals(
        ("A", 2023, "energy_intensity_va", None, 0.70, "tce/万元", None),
        ("A", 2024, "energy_intensity_va", None, 0.675, "tce/万元", None),
    )
    r = check(FIRMS, actuals=data, pathways=["cn-2024-annual"])
    a = row(r, "A", "cn-2024-annual")
    assert a["required"] == pytest.approx(0.70 * 0.965) and a["status"] == "below_path"
    # an annual target (until = 2024) is not carried into 2025
    assert check(FIRMS, actuals=data, pathways=["cn-2024-annual"], year=2025).results.height == 0


# -- products against 标杆/基准 -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "level", "grade", "status_2024", "status_2025"),
    [
        (95.0, "benchmark", 1, "on_track", "on_track"),
        (100.0, "benchmark", 1, "on_track", "on_track"),
        (105.0, "between", 2, "on_track", "on_track"),
        (117.0, "between", 3, "on_track", "on_track"),
        # above the GB 16780-2021 grade 3 (117, the 限定值) is a breach in any year
        (117.5, "below_baseline", None, "breach", "breach"),
    ],
)
def test_clinker_levels(
    value: float, level: str, grade: int | None, status_2024: str, status_2025: str
) -> None:
    """A clinker line at 105 kgce/t sits between benchmark (100) and baseline (117)."""
    for year, status in ((2024, status_2024), (2025, status_2025)):
        r = check(
            FIRMS,
            actuals=actuals(
                ("C", year, "product_energy_intensity", "cement_clinker", value, "kgce/t", 1e6)
            ),
        )
        p = r.products.row(0, named=True)
        assert (p["level"], p["gb_grade"], p["status"]) == (level, grade, status)
        assert (p["benchmark"], p["baseline"], p["deadline"].year) == (100, 117, 2025)


def test_capacity_share_at_benchmark() -> None:
    data = actuals(
        ("B", 2025, "product_energy_intensity", "cement_clinker", 98, "kgce/t", 2e6),
        ("C", 2025, "product_energy_intensity", "cement_clinker", 110, "kgce/t", 6e6),
    )
    s = check(FIRMS, actuals=data).product_summary.row(0, named=True)
    assert s["share_at_benchmark"] == pytest.approx(0.25) and s["target_share"] == 0.30
    assert s["meets_target"] is False and s["share_below_baseline"] == 0.0


# -- comparators -----------------------------------------------------------------------------
def test_sda_worked_cases() -> None:
    """shared/reference §3.1: cement 0.62 → 0.476 in 2030; BF-BOF 2.00 → 1.396."""
    cement = {2020: 0.545, 2025: 0.482, 2030: 0.419, 2035: 0.313, 2040: 0.207, 2050: 0.031}
    steel = {2020: 1.613, 2025: 1.371, 2030: 1.129, 2035: 0.796, 2040: 0.463, 2050: 0.052}
    assert round(sda_target(0.62, cement, 2020, 2030), 3) == 0.476
    assert round(sda_target(2.00, steel, 2020, 2030), 3) == 1.396
    assert sda_target(0.62, cement, 2020, 2020) == pytest.approx(0.62)  # p(b) = 1
    assert sda_target(0.62, cement, 2020, 2050) == pytest.approx(0.031)  # converges


def test_tpi_comparator_and_sda_in_the_check() -> None:
    data = actuals(
        ("B", 2020, "product_co2_intensity", "cement", 0.62, "tCO2/t", None),
        ("B", 2030, "product_co2_intensity", "cement", 0.50, "tCO2/t", None),
    )
    r = check(FIRMS, actuals=data, pathways=["tpi-2022"], year=2030)
    tpi = row(r, "B", "tpi-2022", "tpi:1.5 Degrees")
    assert tpi["required"] == pytest.approx(0.419) and tpi["status"] == "above_path"
    sda = row(r, "B", "tpi-2022", "sda:1.5 Degrees")
    assert sda["required"] == pytest.approx(0.476, abs=5e-4)
    below2 = row(r, "B", "tpi-2022", "tpi:Below 2 Degrees")
    assert below2["required"] == pytest.approx(0.547) and below2["status"] == "below_path"


# -- data, files, batch ----------------------------------------------------------------------
def test_shipped_levels_are_the_published_ones() -> None:
    levels = {
        r["product"]: (r["benchmark"], r["baseline"], r["edition"])
        for r in benchmark_levels().iter_rows(named=True)
    }
    assert levels["cement_clinker"] == (100, 117, "ndrc-1609-2021")
    assert levels["electrolytic_aluminium"] == (13000, 13350, "ndrc-1609-2021")
    assert levels["ferrosilicon"] == (1770, 1850, "ndrc-723-2023")
    grades = {
        r["product"]: (r["grade1"], r["grade2"], r["grade3"])
        for r in quota_grades().iter_rows(named=True)
    }
    assert grades["blast_furnace_iron"] == (361, 370, 415) and grades["bof_steel"] == (
        -30,
        -28,
        -12,
    )
    ids = {p.id: p for p in load_pathways()}
    nat = ids["cn-industry-2025"].targets
    assert nat.filter(pl.col("metric") == "energy_intensity_va")["value"].to_list() == [-0.135]
    assert nat.filter(pl.col("metric") == "co2_intensity_va")["value"].to_list() == [-0.18]
    js = ids["js-industry-2025"].targets
    assert sorted(js["value"].to_list()) == [-0.20, -0.17]
    assert ids["cement-clinker-2022"].targets["value"].to_list() == [-0.03]
    assert ids["cement-2024-plan"].targets["value"].to_list() == [-0.037]
    assert ids["js-2023-annual"].targets["value"].to_list() == [-0.045]
    assert (
        sector_prefixes("06-46")[:3] == ["06", "07", "08"] and len(sector_prefixes("06-46")) == 41
    )


def test_a_local_target_letter_is_a_file(tmp_path: Path) -> None:
    from carbonacct._manifest import write_checksum

    csv = tmp_path / "suzhou-letter.csv"
    csv.write_text(
        "metric,region,sectors,product,base_year,year,value,value_type,unit,interpolation,obligation,source\n"
        "energy_intensity_va,CN-JS,3391,,2020,2025,-0.25,relative,tce/万元,linear,binding,苏州市 letter\n",
        encoding="utf-8",
    )
    (tmp_path / "suzhou-letter.toml").write_text(
        'id = "suzhou-letter"\nversion = "2024-1"\ndocument = "target letter"\ndata = "suzhou-letter.csv"\n'
        'sha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(tmp_path / "suzhou-letter.toml")
    r = check(
        FIRMS,
        actuals=actuals(
            ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("A", 2023, "energy_intensity_va", None, 0.65, "tce/万元", None),
        ),
        pathways=[tmp_path / "suzhou-letter.toml"],
    )
    a = row(r, "A", "suzhou-letter")
    assert a["required"] == pytest.approx(0.80 * (1 - 0.25 * 3 / 5)) and a["status"] == "on_track"
    assert r.targets.filter(pl.col("target_id") == a["target_id"])["value"].to_list() == [-0.25]


def test_duplicate_actuals_are_refused() -> None:
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.8, "tce/万元", None),
        ("A", 2020, "energy_intensity_va", None, 0.9, "tce/万元", None),
    )
    r = check(FIRMS, actuals=data, pathways=["cn-industry-2025"])
    assert r.rejected.height == 2 and r.rejected["invalid"].str.contains("given twice").all()
    a = r.results.filter(pl.col("firm_id") == "A", pl.col("metric") == "energy_intensity_va")
    assert a["status"].to_list() == []  # no year after the base year: nothing else decided
    assert r.firms.filter(pl.col("firm_id") == "A")["status"].item() == "invalid_input"
    assert r.firms.filter(pl.col("firm_id") == "B")["status"].item() == "no_data"


def test_check_straight_from_readings() -> None:
    firms = pl.DataFrame(
        {"firm_id": ["F1"], "name": ["x"], "province": ["江苏"], "sector": ["3391"]}
    )
    readings = pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "carrier": ["electricity", "electricity"],
            "value": ["1000", "900"],
            "unit": ["MWh", "MWh"],
            "period": ["2021", "2023"],
        }
    )
    activity = pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "period": ["2021", "2023"],
            "metric": ["value_added", "value_added"],
            "value": ["1000", "1000"],
            "unit": ["万元", "万元"],
        }
    )
    from carbonacct.workflows import check_from_readings

    r = check_from_readings(
        readings,
        firms,
        activity.with_columns(pl.lit("constant:2020").alias("price_basis")),
        pathways=["cn-industry-2025"],
        year=2023,
    )
    # no 2020 base in the data: insufficient, with the footprint's values kept as actuals
    f = row(r, "F1", "cn-industry-2025")
    assert f["status"] == "insufficient_data" and f["actual"] == pytest.approx(900 * 0.1229 / 1000)
    assert r.provenance["footprint"]["factor_sets"]


def test_batch_of_10000_firms_in_one_call() -> None:
    n = 10_000
    ids = [f"F{i:05d}" for i in range(n)]
    provinces = ["江苏", "广东", "浙江", "山东"]
    firms = pl.DataFrame(
        {
            "firm_id": ids,
            "name": ids,
            "province": [provinces[i % 4] for i in range(n)],
            "sector": ["3011" if i % 5 == 0 else "3391" for i in range(n)],
        }
    )
    base = [0.5 + (i % 100) / 200 for i in range(n)]
    ratio = [0.80 + (i % 37) / 100 for i in range(n)]
    data = pl.DataFrame(
        {
            "firm_id": ids * 2,
            "year": [2020] * n + [2025] * n,
            "metric": ["energy_intensity_va"] * (2 * n),
            "value": base + [b * r for b, r in zip(base, ratio, strict=True)],
            "unit": ["tce/万元"] * (2 * n),
        }
    )
    r = check(firms, actuals=data, price_basis="constant:2020")
    national = r.results.filter(
        pl.col("pathway") == "cn-industry-2025", pl.col("metric") == "energy_intensity_va"
    )
    assert national.height == n
    expected_above = sum(1 for x in ratio if x > 0.865 * (1 + 1e-9))
    assert (national["status"] == "above_path").sum() == expected_above
    assert int(r.summary["firms"].sum()) == n == r.firms.height


def test_check_cli(tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    FIRMS.write_csv(firms)
    data = tmp_path / "actuals.csv"
    actuals(
        ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("B", 2025, "energy_intensity_va", None, 0.70, "tce/万元", None),
    ).write_csv(data)
    out = tmp_path / "check.xlsx"
    result = CliRunner().invoke(
        cli,
        ["check", "--firms", str(firms), "--actuals", str(data), "-o", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Top exceptions" in result.output and "above_path" in result.output
    assert out.exists()


def test_check_cli_shows_a_library_error_as_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from carbonacct.cli import main

    firms = tmp_path / "firms.csv"
    FIRMS.write_csv(firms)
    data = tmp_path / "actuals.csv"
    actuals(("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None)).write_csv(data)
    with pytest.raises(SystemExit) as exit_info:
        main(
            ["check", "--firms", str(firms), "--actuals", str(data), "--pathway", "cn-industy-2025"]
        )
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and "cn-industry-2025" in err  # the nearest id is named


def test_shipped_15th_fyp_and_sector_plan_values() -> None:
    """15th FYP CO2/GDP −17 % 2025→2030 (3.66 %/yr derived: 1 − 0.83^(1/5)); 2026 −3.8 % 左右;
    steel −2 % per tonne vs 2023; each with its obligation, grade and (for GDP targets) every sector."""
    ids = {p.id: p.targets.row(0, named=True) for p in load_pathways()}
    fyp, y26, steel = ids["cn-15fyp-2030"], ids["cn-2026-annual"], ids["steel-2024-plan"]
    assert (fyp["value"], fyp["base_year"], fyp["year"], fyp["obligation"]) == (
        -0.17,
        2025,
        2030,
        "regional",
    )
    assert fyp["sectors"] is None and fyp["prefixes"] == [""]  # every sector
    assert 1 - 0.83 ** (1 / 5) == pytest.approx(0.0366, abs=1e-4)
    assert (y26["value"], y26["until"], y26["obligation"]) == (-0.038, 2026, "expected")
    assert (steel["value"], steel["base_year"], steel["product"]) == (-0.02, 2023, "crude_steel")
    assert all(p.targets["grade"].str.contains("official|secondary").all() for p in load_pathways())
    grades = quota_grades()
    assert grades.filter(pl.col("product") == "industrial_silicon_coal").select(
        "grade1", "grade2", "grade3"
    ).row(0) == (2800, 3100, 3600)
    assert grades["grade"].str.starts_with("secondary").all()
