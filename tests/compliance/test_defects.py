"""One test per defect of the compliance issue, each with its arithmetic written out."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from carbonacct import FactorFileError, check
from carbonacct._manifest import write_checksum
from carbonacct.pathways import read_pathway
from carbonacct.workflows import check_from_readings

A_SCHEMA = {
    "firm_id": pl.String,
    "year": pl.Int32,
    "metric": pl.String,
    "product": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "output": pl.Float64,
}


def firms(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"firm_id": f, "name": f"firm {f}", "province": p, "sector": s} for f, p, s in rows]
    )


def actuals(*rows: tuple, **extra: object) -> pl.DataFrame:
    frame = pl.DataFrame([dict(zip(A_SCHEMA, r, strict=True)) for r in rows], schema=A_SCHEMA)
    return frame.with_columns(pl.lit(v).alias(k) for k, v in extra.items())


def one(frame: pl.DataFrame, **where: object) -> dict:  # type: ignore[type-arg]
    hit = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert hit.height == 1, hit
    return hit.row(0, named=True)


def letter(tmp_path: Path, body: str, name: str = "letter") -> Path:
    """A user's pathway file with its manifest."""
    (tmp_path / f"{name}.csv").write_text(body, encoding="utf-8")
    toml = tmp_path / f"{name}.toml"
    toml.write_text(
        f'id = "{name}"\nversion = "1"\ndocument = "target letter"\ndata = "{name}.csv"\nsha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(toml)
    return toml


HEAD = "metric,region,sectors,product,base_year,year,value,value_type,unit,interpolation,obligation,source\n"


# -- 1. energy for intensity excludes feedstock -----------------------------------------------
def test_value_added_intensity_excludes_feedstock() -> None:
    """A chemical works: 1 000 t of natural gas... in tce: fuel 600 tce, feedstock 400 tce.

    Value added 1 000 万元 in 2020 and 2025. Energy for intensity = 1 000 − 400 = 600 tce:
    2020 base 700 tce → 0.70 tce/万元 (no feedstock then); required in 2025
    0.70 × (1 − 0.135) = 0.6055; 0.600 ≤ 0.6055 → below_path. With the feedstock
    included it would read 1.000 (above).
    """
    table = pl.DataFrame(
        {
            "firm_id": ["K", "K"],
            "period": ["2020", "2025"],
            "energy_tce": [700.0, 1000.0],
            "energy_excl_feedstock_tce": [700.0, 600.0],
            "co2_t": [1500.0, 1400.0],
            "value_added_cny10k": [1000.0, 1000.0],
            "rows_rejected": [0, 0],
        }
    )
    r = check(
        firms(("K", "江苏", "2614")),
        footprint=table,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    k = one(r.results, metric="energy_intensity_va", check_year=2025)
    assert k["actual"] == pytest.approx(600 / 1000)
    assert k["required"] == pytest.approx(0.70 * (1 - 0.135))
    assert k["status"] == "below_path"


def test_feedstock_from_readings_is_outside_the_intensity() -> None:
    """Readings tagged use=feedstock: 1 000 MWh electricity (0.1229 tce/MWh equivalent) as fuel
    and 100 t raw coal as feedstock; value added 1 000 万元. The intensity counts the electricity only:
    1 000 × 0.1229 / 1 000 = 0.1229 tce/万元."""
    readings = pl.DataFrame(
        {
            "firm_id": ["K", "K"],
            "carrier": ["electricity", "raw_coal"],
            "value": ["1000", "100"],
            "unit": ["MWh", "t"],
            "period": ["2023", "2023"],
            "use": ["fuel", "feedstock"],
        }
    )
    activity = pl.DataFrame(
        {
            "firm_id": ["K"],
            "period": ["2023"],
            "metric": ["value_added"],
            "value": ["1000"],
            "unit": ["万元"],
            "price_basis": ["constant:2020"],
        }
    )
    r = check_from_readings(
        readings, firms(("K", "江苏", "2614")), activity, pathways=["cn-industry-2025"]
    )
    k = one(r.results, metric="energy_intensity_va", check_year=2023)
    assert k["actual"] == pytest.approx(1000 * 0.1229 / 1000)
    assert k["status"] == "insufficient_data" and k["missing"] == "no base-year value (2020)"


# -- 2. indicators as data: never converted across indicators ---------------------------------
def test_comprehensive_energy_is_not_compared_with_ac_power() -> None:
    """1 700 kgce/t of comprehensive energy is not 13 827 kWh/t of AC power (1 700 / 0.1229):
    the aluminium level is 铝液交流电耗, so the figure is refused with the reason."""
    r = check(
        firms(("S", "广东", "3216")),
        actuals(
            ("S", 2025, "product_energy_intensity", "electrolytic_aluminium", 1700, "kgce/t", 1e5)
        ),
        pathways=[],
    )
    p = one(r.products, product="electrolytic_aluminium")
    assert p["status"] == "invalid_input" and p["actual"] is None
    assert "product_electricity_intensity" in p["missing"] and "never converted" in p["missing"]


def test_smelter_at_the_benchmark_from_its_ac_power() -> None:
    """An aluminium smelter at exactly 13 000 kWh/t AC power (the 标杆) is at benchmark, GB grade 2."""
    r = check(
        firms(("S", "广东", "3216")),
        actuals(
            (
                "S",
                2025,
                "product_electricity_intensity",
                "electrolytic_aluminium",
                13000,
                "kWh/t",
                1e5,
            )
        ),
        pathways=[],
    )
    p = one(r.products, product="electrolytic_aluminium")
    assert (p["level"], p["gb_grade"], p["status"], p["unit"]) == (
        "benchmark",
        2,
        "on_track",
        "kWh/t",
    )


def test_electricity_unit_for_an_energy_indicator_is_refused() -> None:
    r = check(
        firms(("C", "广东", "3011")),
        actuals(("C", 2025, "product_energy_intensity", "cement_clinker", 55, "kWh/t", 1e6)),
        pathways=[],
    )
    assert "never converted" in one(r.products, product="cement_clinker")["missing"]
    assert r.rejected.height == 1


# -- 3. product intensity is not whole-site energy ÷ each product -----------------------------
def test_multi_product_site_gets_no_product_intensity() -> None:
    """Site energy 10 000 tce; one product 100 000 t → 10 000 × 1 000 / 100 000 = 100 kgce/t
    (said to be the whole site); two products → no value, with the reason."""

    class Fp:  # the two tables a Footprint carries
        def __init__(self, products: list[str]) -> None:
            n = len(products)
            self.table = pl.DataFrame(
                {"firm_id": ["C"], "period": ["2025"], "energy_tce": [10000.0], "co2_t": [1.0]}
            )
            self.intensities = pl.DataFrame(
                {
                    "firm_id": ["C"] * n,
                    "period": ["2025"] * n,
                    "product": products,
                    "output": [100000.0] * n,
                    "output_unit": ["t"] * n,
                }
            )

    single = check(firms(("C", "广东", "3011")), Fp(["cement_clinker"]), pathways=[])
    p = one(single.products, product="cement_clinker")
    assert p["actual"] == pytest.approx(10000 * 1000 / 100000) and "single-product" in p["basis"]
    multi = check(firms(("C", "广东", "3011")), Fp(["cement_clinker", "cement"]), pathways=[])
    p = one(multi.products, product="cement_clinker")
    assert p["actual"] is None and p["status"] == "insufficient_data"
    assert p["missing"].startswith("multi-product site (2 products)")


# -- 4. the year ------------------------------------------------------------------------------
def test_each_firm_is_reported_at_its_own_latest_year() -> None:
    """One stray 2026 row of firm Z does not move firm A (data 2020, 2025) to 2026."""
    r = check(
        firms(("A", "广东", "3391"), ("Z", "广东", "3391")),
        actuals(
            ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("A", 2025, "energy_intensity_va", None, 0.60, "tce/万元", None),
            ("Z", 2026, "energy_intensity_va", None, 0.60, "tce/万元", None),
        ),
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    assert one(r.firms, firm_id="A")["report_year"] == 2025
    a = one(r.results, firm_id="A", metric="energy_intensity_va", check_year=2025)
    assert a["status"] == "below_path"  # 0.60 ≤ 0.80 × 0.865 = 0.692
    assert one(r.firms, firm_id="Z")["report_year"] == 2026
    # the target holds in 2026 too; Z has no base year: insufficient, not lost
    z = one(r.results, firm_id="Z", metric="energy_intensity_va", check_year=2026)
    assert z["status"] == "insufficient_data"


def test_a_target_holds_after_its_target_year(tmp_path: Path) -> None:
    """A binding letter −10 % 2020→2025: in 2026 the firm (1.00 → 0.95) must still be ≤ 0.90."""
    path = letter(
        tmp_path,
        HEAD
        + "energy_intensity_va,CN,3391,,2020,2025,-0.10,relative,tce/万元,linear,binding,letter\n",
    )
    r = check(
        firms(("A", "广东", "3391")),
        actuals(
            ("A", 2020, "energy_intensity_va", None, 1.00, "tce/万元", None),
            ("A", 2026, "energy_intensity_va", None, 0.95, "tce/万元", None),
        ),
        pathways=[path],
        price_basis="constant:2020",
    )
    a = one(r.results, check_year=2026)
    assert a["required"] == pytest.approx(1.00 * (1 - 0.10)) and a["status"] == "breach"


def test_incomplete_latest_year_is_still_the_report_year() -> None:
    """2025 has rejected rows (data_complete false): it is still the firm's latest year with
    data, so the firm is reported at 2025 with its gaps (falling back to 2024 would hide them),
    and the 2025 figures say they rest on incomplete data."""
    data = pl.concat(
        [
            actuals(
                ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
                ("A", 2024, "energy_intensity_va", None, 0.70, "tce/万元", None),
                data_complete=True,
                rows_rejected=0,
            ),
            actuals(
                ("A", 2025, "energy_intensity_va", None, 0.90, "tce/万元", None),
                data_complete=False,
                rows_rejected=12,
            ),
        ]
    )
    r = check(
        firms(("A", "广东", "3391")),
        data,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    latest = one(r.firms, firm_id="A")
    assert (latest["report_year"], latest["data_complete"], latest["rows_rejected"]) == (
        2025,
        False,
        12,
    )
    assert one(r.results, metric="energy_intensity_va", check_year=2025)["data_complete"] is False
    r25 = check(
        firms(("A", "广东", "3391")),
        data,
        pathways=["cn-industry-2025"],
        year=2025,
        price_basis="constant:2020",
    )
    f = one(r25.firms, firm_id="A")
    assert (f["data_complete"], f["rows_rejected"]) == (False, 12)
    assert int(r25.summary["firms_data_incomplete"].sum()) == 1


def refinery(firm: str, value: float, unit: str) -> tuple:  # type: ignore[type-arg]
    """A refinery's 2025 figure against the refining level (per t·能量因数)."""
    return (firm, 2025, "refining_energy_factor_intensity", "refining", value, unit, 1e6)


# -- 5. exact limits ---------------------------------------------------------------------------
def test_refinery_exactly_at_the_baseline_complies() -> None:
    """(0.1 + 0.2) × 85 / 3 = 8.500000000000002 in floating point; the 基准 is 8.5: on it."""
    value = (0.1 + 0.2) * 85 / 3
    assert value > 8.5  # the float noise the check must not read as a breach
    r = check(
        firms(("R", "江苏", "C2511")),
        actuals(refinery("R", value, "kgoe/(t·能量因数)")),
        pathways=[],
    )
    p = one(r.products, product="refining")
    assert (p["level"], p["gb_grade"], p["status"]) == ("between", 3, "on_track")
    assert p["unit"] == "kgoe/(t·能量因数)"


def test_energy_per_tonne_of_crude_is_not_energy_per_energy_factor() -> None:
    """A refinery: 80 000 toe for 1 000 000 t of crude at 能量因数 10. Per t·能量因数:
    80 000 000 kgoe / (1 000 000 t × 10) = 8.0 (between 标杆 7.5 and 基准 8.5). Per tonne of
    crude it is 80 kgoe/t — ten times the 基准 if it were compared: it is refused, the
    denominators differ, and the per t·能量因数 figure is checked."""
    per_ef = 80_000 * 1000 / (1_000_000 * 10)
    assert per_ef == 8.0
    r = check(
        firms(("R", "江苏", "C2511"), ("Q", "江苏", "2511")),
        actuals(refinery("R", 80.0, "kgoe/t"), refinery("Q", per_ef, "千克油当量/(吨·能量因数)")),
        pathways=[],
    )
    crude = one(r.products, firm_id="R")
    assert crude["status"] == "invalid_input" and crude["actual"] is None
    assert "per tonne of crude" in crude["missing"] and "denominators differ" in crude["missing"]
    assert one(r.rejected, firm_id="R")["invalid"] == crude["missing"]
    ef = one(r.products, firm_id="Q")
    assert (ef["actual"], ef["level"], ef["status"]) == (8.0, "between", "on_track")


# -- 6. price basis -----------------------------------------------------------------------------
def test_current_prices_without_a_deflator_are_insufficient() -> None:
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2025, "energy_intensity_va", None, 0.65, "tce/万元", None),
    )
    r = check(
        firms(("A", "广东", "3391")), data, pathways=["cn-industry-2025"], price_basis="current"
    )
    a = one(r.results, metric="energy_intensity_va", check_year=2025)
    assert a["status"] == "insufficient_data" and "deflator" in a["missing"]
    r = check(firms(("A", "广东", "3391")), data, pathways=["cn-industry-2025"])
    va = one(r.results, metric="energy_intensity_va", check_year=2025)
    assert va["status"] == "insufficient_data" and "without a price basis" in va["missing"]


def test_current_prices_deflated_to_the_base_year() -> None:
    """0.65 tce/万元 at 2025 prices; price index 2020 = 100, 2025 = 110: at 2020 prices
    0.65 × 110 / 100 = 0.715 > 0.692 → above the path (at current prices it looked below)."""
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2025, "energy_intensity_va", None, 0.65, "tce/万元", None),
    )
    deflator = pl.DataFrame({"year": [2020, 2025], "index": [100.0, 110.0]})
    r = check(
        firms(("A", "广东", "3391")),
        data,
        pathways=["cn-industry-2025"],
        price_basis="current",
        deflator=deflator,
    )
    a = one(r.results, metric="energy_intensity_va", check_year=2025)
    assert a["actual"] == pytest.approx(0.65 * 110 / 100) and a["status"] == "above_path"


# -- 7. breach only for binding obligations ----------------------------------------------------
def test_expected_target_is_a_path_not_a_breach() -> None:
    """Jiangsu 2023 "−4.5 % 左右": 1.000 → 0.957 (−4.3 %) needs ≤ 0.955: above the path, no breach."""
    r = check(
        firms(("J", "江苏", "3391")),
        actuals(
            ("J", 2022, "energy_intensity_va", None, 1.000, "tce/万元", None),
            ("J", 2023, "energy_intensity_va", None, 0.957, "tce/万元", None),
        ),
        pathways=["js-2023-annual"],
        price_basis="constant:2020",
    )
    j = one(r.results, check_year=2023)
    assert j["required"] == pytest.approx(0.955) and j["status"] == "above_path"
    assert j["obligation"] == "expected"


def test_sector_average_path_does_not_flag_a_plant_at_the_benchmark() -> None:
    """A clinker line at the 标杆 (100 kgce/t) both years: −3 % sector path needs 97 in 2025 →
    above the path, but the product check is on_track at benchmark; no breach anywhere."""
    r = check(
        firms(("C", "广东", "3011")),
        actuals(
            ("C", 2020, "product_energy_intensity", "cement_clinker", 100, "kgce/t", 1e6),
            ("C", 2025, "product_energy_intensity", "cement_clinker", 100, "kgce/t", 1e6),
        ),
        pathways=["cement-clinker-2022"],
    )
    path = one(r.results, check_year=2025)
    assert path["required"] == pytest.approx(97.0) and path["status"] == "above_path"
    assert one(r.products, check_year=2025)["status"] == "on_track"
    assert "breach" not in r.firms["status"].to_list()


def test_gb_grade_3_exceeded_is_a_breach_citing_the_standard() -> None:
    """A blast furnace at 420 kgce/t > GB 21256-2025 grade 3 (415); at 365 it is grade 2 (≤ 370)."""
    r = check(
        firms(("S", "河北", "3110"), ("T", "河北", "3110")),
        actuals(
            ("S", 2025, "product_energy_intensity", "blast_furnace_iron", 420, "kgce/t", 1e6),
            ("T", 2025, "product_energy_intensity", "blast_furnace_iron", 365, "kgce/t", 1e6),
            ("T", 2025, "product_energy_intensity", "bof_steel", -25, "kgce/t", 1e6),
        ),
        pathways=[],
    )
    s = one(r.products, firm_id="S")
    assert (s["status"], s["exceeds_limit"], s["gb_grade"]) == ("breach", True, None)
    assert "GB 21256-2025" in s["missing"] and "GB 21256-2025" in s["source_ref"]
    t = one(r.products, firm_id="T", product="blast_furnace_iron")
    assert (t["gb_grade"], t["status"]) == (2, "on_track")
    bof = one(r.products, firm_id="T", product="bof_steel")  # −25: worse than −28, within −12
    assert (bof["gb_grade"], bof["status"]) == (3, "on_track")


# -- 8. a batch never loses a firm -------------------------------------------------------------
def test_batch_keeps_every_firm_and_fails_only_the_bad_row() -> None:
    fs = firms(
        ("A", "广东", "C3391"),  # section letter: the same code as 3391
        ("B", "广东", "3391"),
        ("N", "广东", "3391"),  # no data at all
        ("E", "广东", "7211"),  # services
    )
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2025, "energy_intensity_va", None, 0.60, "tce/万元", None),
        ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("B", 2025, "energy_intensity_va", None, -0.10, "tce/万元", None),  # negative
        ("B", 2025, "energy_intensity_vaa", None, 0.6, "tce/万元", None),  # typo
        ("X", 2025, "energy_intensity_va", None, 0.6, "tce/万元", None),  # not in firms
        ("E", 2025, "product_energy_intensity", "flat_glass_gt800", 9.0, "kgce/重量箱", 1e5),
        ("A", 2025, "product_energy_intensity", "cement_clinker", math.nan, "kgce/t", 1e5),
        ("A", 2024, "product_energy_intensity", "cement_clinker", math.inf, "kgce/t", 1e5),
    )
    r = check(fs, data, pathways=["cn-industry-2025"], price_basis="constant:2020")
    status = dict(r.firms.select("firm_id", "status").iter_rows())
    assert set(status) == {"A", "B", "N", "E", "X"}
    assert status["N"] == "no_data" and status["X"] == "invalid_input"
    assert "not in the firms table" in one(r.firms, firm_id="X")["reason"]
    a = one(r.results, firm_id="A", metric="energy_intensity_va", check_year=2025)
    assert a["status"] == "below_path"  # sector C3391 is covered by 06-46
    b = one(r.results, firm_id="B", metric="energy_intensity_va", check_year=2025)
    assert b["status"] == "invalid_input" and "column 'value': -0.1" in b["missing"]
    reasons = dict(r.rejected.select("metric", "invalid").iter_rows())
    assert "metric 'energy_intensity_vaa' is unknown" in reasons["energy_intensity_vaa"]
    # kgce/重量箱 is read (a count unit of its own): 9.0 is over grade 1 (8.0), within grade 2 (10.0)
    glass = one(r.products, firm_id="E")
    assert (glass["unit"], glass["gb_grade"]) == ("kgce/重量箱", 2)
    assert r.rejected.filter(pl.col("firm_id") == "E").height == 0
    nan_inf = r.rejected.filter(pl.col("firm_id") == "A")["invalid"].to_list()
    assert sorted(nan_inf) == sorted(
        [
            "column 'value': NaN is not a positive finite number",
            "column 'value': inf is not a positive finite number",
        ]
    )


def test_unreadable_value_and_output_name_their_row_and_column(tmp_path: Path) -> None:
    csv = tmp_path / "actuals.csv"
    csv.write_text(
        "firm_id,year,metric,product,value,unit,output\n"
        "A,2025,product_energy_intensity,cement_clinker,abc,kgce/t,1000\n"
        "B,2025,product_energy_intensity,cement_clinker,105,kgce/t,0\n",
        encoding="utf-8",
    )
    r = check(firms(("A", "广东", "3011"), ("B", "广东", "3011")), csv, pathways=[])
    rows = {x["firm_id"]: x for x in r.rejected.iter_rows(named=True)}
    # the row numbers a spreadsheet shows: the header is row 1
    assert rows["A"]["row"] == 2 and rows["A"]["invalid"] == "column 'value': abc is not a number"
    assert rows["B"]["row"] == 3 and rows["B"]["invalid"].startswith("column 'output': 0.0")


# -- 9. users' files ---------------------------------------------------------------------------
def test_pathway_file_without_a_field_is_refused_naming_it(tmp_path: Path) -> None:
    path = letter(
        tmp_path,
        "metric,region,sectors,product,base_year,year,value,value_type,unit,interpolation,source\n"
        "energy_intensity_va,CN,3391,,2020,2025,-0.1,relative,tce/万元,linear,letter\n",
    )
    with pytest.raises(FactorFileError, match="obligation"):
        check(firms(("A", "广东", "3391")), actuals(), pathways=[path])


def test_empty_sectors_cell_covers_every_sector(tmp_path: Path) -> None:
    """Documented: an empty ``sectors`` cell means every sector — a services firm included."""
    path = letter(
        tmp_path,
        HEAD + "energy_intensity_va,CN,,,2020,2025,-0.10,relative,tce/万元,linear,binding,letter\n",
    )
    r = check(
        firms(("E", "广东", "7211")),
        actuals(
            ("E", 2020, "energy_intensity_va", None, 1.0, "tce/万元", None),
            ("E", 2025, "energy_intensity_va", None, 0.85, "tce/万元", None),
        ),
        pathways=[path],
        price_basis="constant:2020",
    )
    e = one(r.results, firm_id="E")
    assert e["required"] == pytest.approx(0.90) and e["status"] == "on_track"
    assert one(r.firms, firm_id="E")["status"] == "on_track"


def test_firm_report_reads_the_target_from_the_result(tmp_path: Path) -> None:
    """The firm report's trajectory comes from the check's own target definitions, so a
    user's pathway file (not shipped) works: −25 %, linear."""
    from carbonacct.reports import target_of

    path = letter(
        tmp_path,
        HEAD
        + "energy_intensity_va,CN,3391,,2020,2025,-0.25,relative,tce/万元,linear,binding,letter\n",
        name="suzhou-letter",
    )
    r = check(
        firms(("A", "广东", "3391")),
        actuals(
            ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
            ("A", 2023, "energy_intensity_va", None, 0.65, "tce/万元", None),
        ),
        pathways=[path],
        price_basis="constant:2020",
    )
    row = one(r.results, check_year=2023)
    assert target_of(r, row) == (-0.25, "linear")


# -- a user's absolute path must name its product (refused at load) -----------------------------
def test_absolute_row_without_product_is_refused_at_load(tmp_path: Path) -> None:
    toml = letter(
        tmp_path, HEAD + "product_co2_intensity,CN,,,,2030,1.5,absolute,tCO2/t,linear,binding,TPI\n"
    )
    with pytest.raises(FactorFileError, match=r"letter\.csv, row 2, column 'product'") as err:
        read_pathway(toml)
    assert isinstance(err.value, ValueError)
    a = actuals(("K", 2024, "product_co2_intensity", "cement", 0.8, "tCO2/t", 100.0))
    with pytest.raises(FactorFileError, match="name the product"):
        check(firms(("K", "江苏", "3011")), actuals=a, pathways=[str(toml)])


def test_absolute_row_with_product_checks(tmp_path: Path) -> None:
    """The same path naming cement: 2030 value 1.5 tCO2/t; the firm's 0.8 in 2030 →
    gap 0.8 − 1.5 = −0.7, relative −0.7 / 1.5."""
    toml = letter(
        tmp_path,
        HEAD + "product_co2_intensity,CN,,cement,,2030,1.5,absolute,tCO2/t,linear,binding,TPI\n",
    )
    a = actuals(("K", 2030, "product_co2_intensity", "cement", 0.8, "tCO2/t", 100.0))
    r = check(firms(("K", "江苏", "3011")), actuals=a, pathways=[str(toml)])
    row = r.results.filter(r.results["metric"] == "product_co2_intensity").row(0, named=True)
    assert row["required"] == pytest.approx(1.5)
    assert row["gap_rel"] == pytest.approx((0.8 - 1.5) / 1.5)


# -- a CO2 status on a year whose CO2 rows are incomplete is no verdict ----------------------
def test_co2_status_on_a_base_year_without_electricity_co2_is_insufficient() -> None:
    """2020: gas 2 162.19 tCO2 only (the electricity row has no grid factor, rows_co2_missing 1)
    / 10 000 万元 = 0.2162; 2025: 6 974.05 / 10 000 = 0.6974 with electricity. Required
    0.2162 × (1 − 0.18) = 0.1773 would read as +293 % above the path: no verdict instead."""
    base = actuals(
        ("C", 2020, "co2_intensity_va", None, 0.2162188809, "tCO2/万元", None),
        data_complete=False,
        rows_rejected=0,
        rows_co2_missing=1,
    )
    now = actuals(
        ("C", 2025, "co2_intensity_va", None, 0.69740510472, "tCO2/万元", None),
        data_complete=True,
        rows_rejected=0,
        rows_co2_missing=0,
    )
    r = check(
        firms(("C", "江苏", "2614")),
        pl.concat([base, now]),
        pathways=["cn-industry-2025"],
        year=2025,
        price_basis="constant:2020",
    )
    row = one(r.results, metric="co2_intensity_va", check_year=2025)
    assert row["status"] == "insufficient_data"
    assert row["required"] is None
    assert "base year 2020 incomplete: 1 row(s) without a CO2 factor" in row["missing"]
    # the same gap in the report year instead of the base year
    r2 = check(
        firms(("C", "江苏", "2614")),
        pl.concat(
            [
                base.with_columns(rows_co2_missing=pl.lit(0), data_complete=pl.lit(True)),
                now.with_columns(rows_co2_missing=pl.lit(2), data_complete=pl.lit(False)),
            ]
        ),
        pathways=["cn-industry-2025"],
        year=2025,
        price_basis="constant:2020",
    )
    row2 = one(r2.results, metric="co2_intensity_va", check_year=2025)
    assert row2["status"] == "insufficient_data"
    assert "report year 2025 incomplete: 2 row(s)" in row2["missing"]


# -- a year after today is no report year ------------------------------------------------------
def test_a_future_year_row_is_flagged_and_not_the_report_year() -> None:
    """Rows for 2020 and 2024, and a stray row for 2999 (after any today): the firm is reported
    at 2024, the latest year not after today, with a warning naming the firm and the year."""
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2024, "energy_intensity_va", None, 0.70, "tce/万元", None),
        ("A", 2999, "energy_intensity_va", None, 0.10, "tce/万元", None),
    )
    r = check(
        firms(("A", "广东", "3391")),
        data,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    assert one(r.firms, firm_id="A")["report_year"] == 2024
    assert len(r.warnings) == 1
    assert r.warnings[0].startswith("firm A: rows for 2999, after today")


# -- flat glass per weight-case (重量箱), a count unit of its own ------------------------------
def test_flat_glass_per_weight_case_is_graded_and_never_a_mass() -> None:
    """GB 21340-2019 表1 (>800 t/d): grades 8.0 / 10.0 / 12.0 kgce/重量箱. 11.0 kgce/重量箱 is
    over grade 2 (10.0) and within grade 3 (12.0): grade 3; 13.0 > 12.0 exceeds the limit.
    11.0 kgce/t is a mass intensity: a weight-case is no mass, so it is refused with the reason."""
    a = actuals(
        ("G", 2025, "product_energy_intensity", "flat_glass_gt800", 11.0, "kgce/重量箱", 1e3),
        ("J", 2025, "product_energy_intensity", "flat_glass_gt800", 13.0, "千克标准煤/重量箱", 1e3),
        ("H", 2025, "product_energy_intensity", "flat_glass_gt800", 11.0, "kgce/t", 1e3),
    )
    r = check(firms(("G", "江苏", "3041"), ("J", "江苏", "3041"), ("H", "江苏", "3041")), a)
    g, j, h = (one(r.products, firm_id=f) for f in "GJH")
    assert (g["actual"], g["unit"], g["gb_grade"], g["exceeds_limit"]) == (
        11.0,
        "kgce/重量箱",
        3,
        False,
    )
    assert (j["actual"], j["exceeds_limit"], j["status"]) == (13.0, True, "breach")
    assert h["status"] == "invalid_input" and "give the figure in kgce/重量箱" in h["missing"]


# -- data quality not given is not made up -----------------------------------------------------
def test_actuals_without_quality_columns_leave_data_complete_unknown() -> None:
    """Actuals with no data_complete / rows_rejected columns say nothing about completeness:
    data_complete is null ("not given"), not True; a row that says False still counts."""
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2025, "energy_intensity_va", None, 0.60, "tce/万元", None),
    )
    r = check(
        firms(("A", "广东", "3391")),
        data,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
    )
    assert one(r.firms, firm_id="A")["data_complete"] is None
    assert one(r.results, metric="energy_intensity_va", check_year=2025)["data_complete"] is None
    told = data.with_columns(data_complete=pl.Series([True, False]))
    r2 = check(
        firms(("A", "广东", "3391")),
        told,
        pathways=["cn-industry-2025"],
        price_basis="constant:2020",
        year=2025,
    )
    assert one(r2.firms, firm_id="A")["data_complete"] is False


def test_thousands_separators_in_actuals_are_read_as_in_readings(tmp_path: Path) -> None:
    """ "13,000" kWh/t is 13 000, as the readings read it; "1,30" is no thousands grouping."""
    path = tmp_path / "actuals.csv"
    path.write_text(
        "firm_id,year,metric,product,value,unit,output\n"
        'L,2025,product_electricity_intensity,electrolytic_aluminium,"13,000",kWh/t,50000\n'
        'M,2025,product_electricity_intensity,electrolytic_aluminium,"1,30",kWh/t,50000\n',
        encoding="utf-8",
    )
    r = check(firms(("L", "江苏", "3216"), ("M", "江苏", "3216")), actuals=path)
    assert one(r.products, firm_id="L")["actual"] == 13000.0
    assert "column 'value': 1,30 is not a number" in one(r.rejected, firm_id="M")["invalid"]


def test_a_written_check_with_deadlines_reads_back_from_xlsx(tmp_path: Path) -> None:
    """The products' deadline (a Date) comes back from .xlsx as a Date, not a refusal."""
    from carbonacct import read_result
    from carbonacct.io.writers._base import cast_to

    back = cast_to(pl.DataFrame({"deadline": ["2025-12-31", None]}), {"deadline": "Date"})
    assert back["deadline"].to_list() == [date(2025, 12, 31), None]
    a = actuals(("R", 2025, "product_energy_intensity", "cement_clinker", 100.0, "kgce/t", 1e5))
    r = check(firms(("R", "江苏", "3011")), a)
    r.write(tmp_path / "check.xlsx")
    again = read_result(tmp_path / "check.xlsx")
    assert again.products["deadline"].dtype == pl.Date
    assert again.products["deadline"].to_list() == r.products["deadline"].to_list()


def test_a_stray_year_and_a_malformed_row_leave_every_other_firm_as_it_was() -> None:
    """Twelve firms checked clean; then firm S gets one stray 2026 row and firm M one row
    with a unit of the wrong indicator (kWh/t for clinker energy). Every other firm keeps
    its report year, status and reason; S and M alone change.

    Energy per value added 0.80 (2020) → v (2025), required 0.80 × 0.865 = 0.692; CO2
    2.0 → 1.6 ≤ 2.0 × 0.82 = 1.64; clinker 95 + i kgce/t against 标杆 100 / 基准 117 (deadline end-2025)."""
    ids = [f"F{i:02d}" for i in range(12)]
    rows = []
    for i, f in enumerate(ids):
        rows.append((f, 2020, "energy_intensity_va", None, 0.80, "tce/万元", None))
        rows.append((f, 2025, "energy_intensity_va", None, 0.60 + 0.02 * i, "tce/万元", None))
        rows.append((f, 2020, "co2_intensity_va", None, 2.0, "tCO2/万元", None))
        rows.append((f, 2025, "co2_intensity_va", None, 1.6, "tCO2/万元", None))  # ≤ 2.0 × 0.82
        rows.append(
            (f, 2025, "product_energy_intensity", "cement_clinker", 95.0 + 2 * i, "kgce/t", 1e5)
        )
    fs = firms(*((f, "江苏", "C3011") for f in ids))
    clean = check(fs, actuals(*rows), pathways=["cn-industry-2025"], price_basis="constant:2020")
    stray = ("F03", 2026, "energy_intensity_va", None, 0.5, "tce/万元", None)
    bad = ("F07", 2025, "product_electricity_intensity", "cement_clinker", 99.0, "kgce/t", 1e5)
    dirty = check(
        fs, actuals(*rows, stray, bad), pathways=["cn-industry-2025"], price_basis="constant:2020"
    )
    cols = ["firm_id", "report_year", "status", "reason"]
    before = {r["firm_id"]: r for r in clean.firms.select(cols).iter_rows(named=True)}
    after = {r["firm_id"]: r for r in dirty.firms.select(cols).iter_rows(named=True)}
    assert set(after) == set(ids)
    changed = {f for f in ids if before[f] != after[f]}
    assert changed == {"F03", "F07"}
    # F09: 0.78 > 0.692 above the path; 113 kgce/t between 标杆 and 基准: on track
    assert before["F09"]["status"] == after["F09"]["status"] == "above_path"
    assert (after["F03"]["report_year"], after["F07"]["status"]) == (2026, "invalid_input")
    assert dirty.rejected.height == 1 and dirty.rejected["firm_id"].to_list() == ["F07"]


def test_a_co2_unit_row_fails_its_firm_only_and_no_output_meets_no_target() -> None:
    """A tCO2e/t row for a clinker energy figure is refused for firm A alone (it aborted the
    batch before); firm B at 105 kgce/t (between 标杆 100 and 基准 117) is checked. Neither
    gives an output, so there is no share at benchmark and meets_target is unknown, never
    "NaN ≥ 0.30"."""
    r = check(
        firms(("A", "广东", "3011"), ("B", "广东", "3011")),
        actuals(
            ("A", 2025, "product_energy_intensity", "cement_clinker", 0.8, "tCO2e/t", None),
            ("B", 2025, "product_energy_intensity", "cement_clinker", 105, "kgce/t", None),
        ),
        pathways=[],
    )
    a, b = one(r.firms, firm_id="A"), one(r.firms, firm_id="B")
    assert a["status"] == "invalid_input" and "'tCO2e/t' is not a unit" in a["reason"]
    assert b["status"] == "on_track"
    s = r.product_summary.row(0, named=True)
    assert (s["firms_without_output"], s["share_at_benchmark"], s["meets_target"]) == (
        1,
        None,
        None,
    )


def test_a_future_year_is_warned_and_kept_out_of_the_history_on_both_routes() -> None:
    """A firm with 2020 and 2024 and a stray row next year: with value added that year (so it
    is checked, its result noted "after today") and without (an energy figure only), the
    firm is reported at 2024, warned by firm and year, and its history stops at 2024. Asked
    for that year with ``year=``, it is warned still, and it is the year of the history."""
    from datetime import date

    late = date.today().year + 1
    data = actuals(
        ("A", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("A", 2024, "energy_intensity_va", None, 0.70, "tce/万元", None),
        ("A", late, "energy_intensity_va", None, 0.90, "tce/万元", None),
        ("B", 2020, "energy_intensity_va", None, 0.80, "tce/万元", None),
        ("B", 2024, "energy_intensity_va", None, 0.70, "tce/万元", None),
        ("B", late, "energy_tce", None, 10.0, "tce", None),
    )
    fs = firms(("A", "广东", "3391"), ("B", "广东", "3391"))
    kw = {"pathways": ["cn-industry-2025"], "price_basis": "constant:2020"}
    r = check(fs, data, **kw)
    a_late = r.results.filter(pl.col("firm_id") == "A", pl.col("check_year") == late)
    assert a_late.height and all(f"{late} is after today" in m for m in a_late["missing"])
    for firm in "AB":
        row = one(r.firms, firm_id=firm)
        assert row["report_year"] == 2024
        assert str(late) not in row["history"]
        assert row["history"].endswith("2024 " + row["status"])
        assert any(w.startswith(f"firm {firm}: rows for {late}, after today") for w in r.warnings)
    asked = check(fs, data, year=late, **kw)
    assert one(asked.firms, firm_id="A")["history"].startswith(str(late))
    assert any(w.startswith(f"firm A: rows for {late}, after today") for w in asked.warnings)
