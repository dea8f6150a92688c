"""`restate`: a saved footprint re-computed with a newer factor edition, old vs new per firm-period."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import carbonacct
from carbonacct._manifest import write_checksum
from carbonacct.cli import cli
from carbonacct.errors import InputError, OptionError
from carbonacct.restatement import restate

READINGS = (
    "企业代码,时间,能源品种,数量,计量单位\n"
    "A,2024-03-31,电力,1000,MWh\n"
    "A,2024-03-31,柴油,100,t\n"
    "B,2024-05-31,电力,2000,MWh\n"
    "B,2023-05-31,电力,500,MWh\n"
)
FIRMS = "firm_id,province\nA,江苏\nB,广东\n"
# a test edition of "2024 grid factors": national 0.5100 and Jiangsu 0.5600 tCO2/MWh
GRID_2024 = (
    "parameter,subject,region,year,variant,value,unit,valid_from,valid_to,source,grade,note\n"
    "co2_factor,electricity,CN,2024,average,0.5100,tCO2/MWh,,,表1 (test edition),official,\n"
    "co2_factor,electricity,CN-JS,2024,average,0.5600,tCO2/MWh,,,表3 (test edition),official,\n"
)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A 2024 result saved before the 2024 grid factors: GBK readings, every format written."""
    (tmp_path / "readings.csv").write_bytes(READINGS.encode("gbk"))
    (tmp_path / "firms.csv").write_text(FIRMS, encoding="utf-8")
    (tmp_path / "grid2024.csv").write_text(GRID_2024, encoding="utf-8")
    (tmp_path / "grid2024.toml").write_text(
        'id = "test-grid-2024"\nversion = "1"\nkind = "grid"\ntitle = "test"\n'
        'publisher = "test"\ndocument = "2024年电力二氧化碳排放因子 (test edition)"\n'
        'table = "表1, 表3"\npublished = "2026-12-01"\nvalid_from = ""\nsource_url = ""\n'
        'grade = "official"\nlicence = ""\ndata = "grid2024.csv"\nsha256 = "x"\n',
        encoding="utf-8",
    )
    write_checksum(tmp_path / "grid2024.toml")
    fp = carbonacct.footprint(tmp_path / "readings.csv", firms=tmp_path / "firms.csv")
    for suffix in ("json", "parquet", "csv", "xlsx"):
        fp.write(tmp_path / f"old.{suffix}")
    return tmp_path


def _by_row(r: carbonacct.Restatement) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(x["firm_id"], x["period"]): x for x in r.table.iter_rows(named=True)}


def test_restated_with_the_2024_factors_shows_old_and_new_per_firm_period(saved: Path) -> None:
    r = restate(saved / "old.json", [saved / "grid2024.toml"])
    rows = _by_row(r)
    a = rows[("A", "2024")]
    # old: 1 000 MWh × 0.5827 (江苏, data year 2023 for 2024) = 582.7 tCO2
    # new: 1 000 MWh × 0.5600 (江苏 2024, test edition)       = 560.0 tCO2; diff −22.7
    assert a["co2_scope2_old_t"] == pytest.approx(582.7)
    assert a["co2_scope2_new_t"] == pytest.approx(560.0)
    assert a["co2_scope2_diff_t"] == pytest.approx(-22.7)
    # diesel 100 t × 3.0959 tCO2/t is untouched: scope 1 has no difference
    assert a["co2_scope1_diff_t"] == 0.0 and a["energy_diff_tce"] == 0.0
    assert a["status"] == "changed"
    assert (
        "grid_co2 electricity CN-JS 2024: 0.5827 (mee-nbs-2025-47@1.0.0, data year 2023"
        in (a["factors_changed"])
    )
    assert "0.56 (test-grid-2024@1, data year 2024, user (official))" in a["factors_changed"]
    # 广东 has no 2024 row in the new set: 2 000 MWh × 0.4419 = 883.8 tCO2, old and new
    b24 = rows[("B", "2024")]
    assert b24["co2_old_t"] == pytest.approx(883.8) and b24["status"] == "unchanged"
    assert b24["co2_diff_t"] == 0.0 and b24["factors_changed"] is None
    # a 2023 period is untouched: 500 MWh × 0.4419 = 220.95
    assert rows[("B", "2023")]["co2_new_t"] == pytest.approx(220.95)
    # the factor rows that changed, with document, data year and grade
    (f,) = r.factors_changed.iter_rows(named=True)
    assert (f["factor"], f["scope"], f["value_old"], f["value_new"]) == (
        "grid_co2",
        "CN-JS 2024",
        0.5827,
        0.56,
    )
    assert (f["data_year_old"], f["data_year_new"]) == ("2023", "2024")
    assert (f["grade_old"], f["grade_new"]) == ("official", "user (official)")
    assert f["document_new"] == "2024年电力二氧化碳排放因子 (test edition)"
    assert r.provenance["restated"]["sets_added"] == ["test-grid-2024@1"]
    assert "test-grid-2024@1" in r.provenance["factor_sets"]


@pytest.mark.parametrize("suffix", ["parquet", "csv", "xlsx"])
def test_every_written_format_restates_alike(saved: Path, suffix: str) -> None:
    want = restate(saved / "old.json", [saved / "grid2024.toml"]).table
    got = restate(saved / f"old.{suffix}", [saved / "grid2024.toml"]).table
    assert (
        got.select("firm_id", "period", "status", "co2_diff_t").rows()
        == want.select("firm_id", "period", "status", "co2_diff_t").rows()
    )
    assert got["factors_changed"].to_list() == want["factors_changed"].to_list()


def test_the_provenance_and_the_readings_alone_restate_against_a_rerun(saved: Path) -> None:
    prov = json.loads((saved / "old.json").read_text(encoding="utf-8"))["provenance"]
    r = restate(
        prov,
        [saved / "grid2024.toml"],
        readings=saved / "readings.csv",
        firms=saved / "firms.csv",
    )
    # the provenance's method (provincial) is used; the old figures are re-computed with the
    # shipped sets: 1 000 MWh × (0.5600 − 0.5827) = −22.7 tCO2
    assert _by_row(r)[("A", "2024")]["co2_diff_t"] == pytest.approx(-22.7)


def test_readings_changed_since_are_refused(saved: Path) -> None:
    (saved / "readings.csv").write_bytes(READINGS.replace("1000", "1100").encode("gbk"))
    with pytest.raises(InputError, match="not those of the saved result"):
        restate(saved / "old.json", [saved / "grid2024.toml"])


def test_a_missing_input_or_set_is_named(saved: Path) -> None:
    (saved / "readings.csv").rename(saved / "moved.csv")
    with pytest.raises(InputError, match="pass readings="):
        restate(saved / "old.json", [saved / "grid2024.toml"])
    with pytest.raises(OptionError, match="newer factor set"):
        restate(saved / "old.json", [])
    with pytest.raises(InputError, match="not a result written by carbonacct"):
        restate(saved / "firms.csv", [saved / "grid2024.toml"])


def test_a_national_mode_result_takes_the_new_national_factor(saved: Path) -> None:
    fp = carbonacct.footprint(
        saved / "readings.csv", method=carbonacct.Method(grid_factor="national")
    )
    fp.write(saved / "national.json")
    r = restate(saved / "national.json", [saved / "grid2024.toml"])
    rows = _by_row(r)
    # national 2024: 1 000 MWh × (0.5100 − 0.5306) = −20.6 tCO2; 2 000 MWh × −0.0206 = −41.2
    assert rows[("A", "2024")]["co2_scope2_diff_t"] == pytest.approx(-20.6)
    assert rows[("B", "2024")]["co2_scope2_diff_t"] == pytest.approx(-41.2)
    assert rows[("B", "2023")]["status"] == "unchanged"
    assert rows[("A", "2024")]["factors_changed"].startswith("grid_co2 electricity - 2024")


def test_cli_restate(saved: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "restate",
            str(saved / "old.xlsx"),
            "--factor-set",
            str(saved / "grid2024.toml"),
            "-o",
            str(saved / "restated.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "1 of 3 firm-periods changed; 1 factor row(s) changed" in res.output
    doc = json.loads((saved / "restated.json").read_text(encoding="utf-8"))
    assert set(doc["tables"]) == {"restatement", "factors_changed"}
    assert doc["units"]["restatement"]["co2_diff_t"] == "tCO2"
    assert doc["units"]["restatement"]["energy_old_tce"] == "tce"
    res = runner.invoke(cli, ["restate", str(saved / "old.json")])
    assert res.exit_code == 2 and "--factor-set" in res.output
    frame = pl.DataFrame(doc["tables"]["restatement"])
    assert frame.filter(pl.col("status") == "changed")["firm_id"].to_list() == ["A"]


def test_a_saved_breakdown_is_restated_row_by_row(saved: Path) -> None:
    fp = carbonacct.footprint(saved / "readings.csv", firms=saved / "firms.csv", by=("carrier",))
    fp.write(saved / "by_carrier.parquet")
    r = restate(saved / "by_carrier.parquet", [saved / "grid2024.toml"])
    rows = {(x["firm_id"], x["period"], x["carrier"]): x for x in r.table.iter_rows(named=True)}
    # one row per firm, period and carrier, as saved: A's electricity −22.7 t, its diesel 0
    assert len(rows) == 4
    assert rows[("A", "2024", "electricity")]["co2_diff_t"] == pytest.approx(-22.7)
    assert rows[("A", "2024", "diesel")]["status"] == "unchanged"


def test_saved_old_figures_edited_since_are_refused(saved: Path) -> None:
    # firm A 2024: the saved co2_t is its re-computation from the recorded inputs and sets;
    # an edited co2_t (→ 1.0) would restate as a difference of new − 1.0, not new − old
    doc = json.loads((saved / "old.json").read_text(encoding="utf-8"))
    table = doc["tables"]["footprint"]
    row = next(i for i, r in enumerate(table) if r["firm_id"] == "A" and r["period"] == "2024")
    table[row]["co2_t"] = 1.0
    (saved / "tampered.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"co2_t for firm_id A, period 2024 is 1\.0") as e:
        restate(saved / "tampered.json", [saved / "grid2024.toml"])
    assert e.value.column == "co2_t"
    # a figure within write precision (12 significant digits) is the saved one
    fp = json.loads((saved / "old.json").read_text(encoding="utf-8"))["tables"]["footprint"]
    table[row]["co2_t"] = float(f"{fp[row]['co2_t']:.12g}")
    (saved / "rounded.json").write_text(json.dumps(doc), encoding="utf-8")
    assert restate(saved / "rounded.json", [saved / "grid2024.toml"]).table.height == 3


def test_a_set_that_applies_to_no_row_says_why(saved: Path) -> None:
    # the saved result is provincial: the ETS national grid set is used only in ets mode
    r = restate(saved / "old.json", ["ets-reporting"])
    assert set(r.table["status"].to_list()) == {"unchanged"}
    assert any(
        w.startswith("the set ets-reporting@") and "grid_factor='provincial'" in w
        for w in r.warnings
    )
