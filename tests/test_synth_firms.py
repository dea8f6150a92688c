"""Synthetic firm-level actuals: deterministic, valid credit codes, a batch check that means
something (every firm out, every kind of status), in CSV, Parquet and xlsx."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.benchmarks import benchmark_levels
from carbonacct.synth_firms import _org_code, generate_firms, uscc_check_char
from tests.conftest import run_cli

USCC = re.compile(r"^91\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]$")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, carbonacct.CheckResult]:
    s = generate_firms(tmp_path_factory.mktemp("firms"), firms=300, seed=5)
    return s, carbonacct.check(s.firms_path, actuals=s.actuals_path)


def test_same_seed_same_bytes_other_seed_other_firms(tmp_path: Path) -> None:
    a = generate_firms(tmp_path / "a", firms=60, seed=9)
    b = generate_firms(tmp_path / "b", firms=60, seed=9)
    c = generate_firms(tmp_path / "c", firms=60, seed=10)
    for name in ("firms.csv", "actuals.csv"):
        assert (a.directory / name).read_bytes() == (b.directory / name).read_bytes()
        assert (a.directory / name).read_bytes() != (c.directory / name).read_bytes()
    assert a.cases == b.cases


def test_check_character_of_published_codes() -> None:
    # GB 32100-2015: characters 0-9 A-H J-N P Q R T U W X Y have the values 0…30, position i
    # the weight 3^i mod 31, and the check value is 31 − (Σ mod 31).
    # 91440300192203821 → 9·1 + 1·3 + 4·9 + 4·27 + 0·19 + 3·26 + 0·16 + 0·17 + 1·20 + 9·29
    #   + 2·25 + 2·13 + 0·8 + 3·24 + 8·10 + 2·30 + 1·28 = 831 = 26·31 + 25 → 31 − 25 = 6
    weights = [pow(3, i, 31) for i in range(17)]
    assert weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    first17 = "91440300192203821"
    assert sum(int(ch) * w for ch, w in zip(first17, weights, strict=True)) == 831
    assert uscc_check_char(first17) == "6"  # the published code ends in 6
    assert uscc_check_char("91110108551385082") == "Q"  # a letter: value 24 is Q
    # its organisation code (GB 11714): 19220382 with weights 3 7 9 10 5 8 4 2 →
    # 3 + 63 + 18 + 20 + 0 + 24 + 32 + 4 = 164 = 14·11 + 10 → 11 − 10 = 1: 192203821
    assert _org_code("19220382") == "192203821"


def test_codes_names_sectors_and_places(batch: tuple) -> None:
    s, r = batch
    firms = pl.read_csv(s.firms_path, infer_schema=False)
    assert firms["firm_id"].n_unique() == firms.height == 300
    for code in firms["firm_id"]:
        assert USCC.match(code), code
        assert uscc_check_char(code[:17]) == code[17]
    # GB/T 4754 classes, a tenth written with the section letter (C3011)
    assert firms["sector"].str.contains(r"^C?\d{4}$").all()
    assert firms["sector"].str.starts_with("C").sum() > 0
    assert firms["name"].str.ends_with("有限公司").all()
    # the city comes from the credit code's division digits; most firms are in Jiangsu
    out = r.firms
    assert out["city"].is_not_null().all()
    assert (out["province"] == "CN-JS").mean() > 0.8  # type: ignore[operator]
    derived = out.filter(pl.col("province_source") != "firms table")
    assert derived.height > 0 and derived["province"].is_not_null().all()


def test_every_firm_is_in_the_check_with_every_kind_of_status(batch: tuple) -> None:
    s, r = batch
    firms = pl.read_csv(s.firms_path, infer_schema=False)["firm_id"]
    assert sorted(r.firms["firm_id"].to_list()) == sorted(firms.to_list())
    statuses = set(r.firms["status"].to_list())
    assert {"breach", "off_track", "invalid_input", "no_data"} <= statuses
    assert {"above_path", "below_path"} <= statuses
    assert {"on_track", "off_track", "breach"} <= set(r.products["status"].to_list())
    assert r.products["exceeds_limit"].any()
    assert "insufficient_data" in set(r.results["status"].to_list())  # base-year CO2 missing
    by_id = {row["firm_id"]: row for row in r.firms.iter_rows(named=True)}
    assert all(by_id[f]["status"] == "no_data" for f in s.cases["no_data"])
    assert all(by_id[f]["report_year"] == 2023 for f in s.cases["late_reporter"])
    # a refinery above the 基准 in 2023, before its deadline (end-2025) and before GB 30251-2024
    (refinery,) = s.cases["late_above_baseline"]
    assert by_id[refinery]["status"] == "off_track" and by_id[refinery]["report_year"] == 2023
    assert all(by_id[f]["data_complete"] is False for f in s.cases["incomplete"])
    # the two invalid rows are refused alone, each naming its firm
    assert sorted(r.rejected["firm_id"].to_list()) == sorted(
        s.cases["negative_value"] + s.cases["wrong_unit"]
    )


def test_several_years_with_the_base_year_at_constant_prices(batch: tuple) -> None:
    s, _ = batch
    a = pl.read_csv(s.actuals_path)
    assert s.years == (2020, 2021, 2022, 2023, 2024, 2025)
    va = a.filter(pl.col("metric") == "energy_intensity_va")
    assert sorted(va["year"].unique().to_list()) == list(s.years)
    assert (va["price_basis"] == "constant:2020").all()
    # the firm's energy (feedstock included) is at least the energy of the intensity
    assert (va["energy_tce"] > 0).all()
    clinker = a.filter((pl.col("product") == "cement_clinker") & (pl.col("year") == 2025))
    levels = benchmark_levels().filter(pl.col("product") == "cement_clinker")
    bench, base = levels["benchmark"].item(), levels["baseline"].item()
    v = clinker["value"]
    # at or better than the 标杆, between, and above the 基准, all present
    assert (v <= bench).any() and ((v > bench) & (v <= base)).any() and (v > base).any()
    assert (clinker["output"] > 0).all()


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_formats_give_the_same_check(batch: tuple, fmt: str, tmp_path: Path) -> None:
    _, r = batch
    t = generate_firms(tmp_path, firms=300, seed=5, fmt=fmt)
    assert t.firms_path.suffix == f".{fmt}"
    other = carbonacct.check(t.firms_path, actuals=t.actuals_path)
    cols = ["firm_id", "report_year", "status"]
    assert other.firms.select(cols).sort("firm_id").equals(r.firms.select(cols).sort("firm_id"))


def test_cli_writes_firm_level_actuals_for_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run_cli(
        capsys, "synth", "--level", "firm", "--firms", "40", "--seed", "2", "-o", str(tmp_path)
    )
    assert code == 0 and "2020-2025" in out
    command = out.strip().splitlines()[-1].removeprefix("try: carbonacct ").split()
    code, _, err = run_cli(capsys, *command, "--format", "json")
    assert code == 0, err
    code, out, _ = run_cli(capsys, "synth", "--help")
    assert "--level" in out and "firm" in out and "check --actuals" in out


def test_an_option_of_the_other_level_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(
        capsys, "synth", "--level", "firm", "--interval", "1h", "-o", str(tmp_path)
    )
    assert code == 2 and "--interval does not apply to --level firm" in err
    code, _, err = run_cli(capsys, "synth", "--format", "xlsx", "-o", str(tmp_path))
    assert code == 2 and "--format does not apply to --level readings" in err


def test_one_year_has_no_late_reporters(tmp_path: Path) -> None:
    s = generate_firms(tmp_path, firms=40, years=1, seed=1)
    assert s.years == (2025,) and not s.cases["late_reporter"]
    r = carbonacct.check(s.firms_path, actuals=s.actuals_path)
    assert r.firms.height == 40
    assert r.firms.filter(pl.col("status") == "no_data").height == 2  # only the two without data


def test_too_few_firms_is_refused(tmp_path: Path) -> None:
    with pytest.raises(carbonacct.OptionError, match="10 or more"):
        generate_firms(tmp_path, firms=3)
