"""The check of a footprint: a saved one checks as the one in memory, the activity is read
once, and a refused row that comes from no input file says where it comes from."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

import carbonacct
from carbonacct.cli import cli
from carbonacct.workflows import check_from_readings

FIRMS = "企业代码,企业名称,省份,行业代码\nCEM,水泥厂,江苏,C3011\nALU,铝厂,广东,3216\n"
READINGS = (
    "企业代码,统计期,能源品种,数量,计量单位,工序\n"
    "CEM,2024,原煤,12000,t,cement_clinker\n"
    "CEM,2024,电力,5000,MWh,cement_clinker\n"
    "CEM,2024,电力,4000,MWh,cement_clinkr\n"  # a misspelt tag: refused by the check, by name
    "ALU,2024,电力,1300000,MWh,电解\n"
)
# clinker: (12 000 × 0.7143 + 5 000 × 0.1229) × 1000 / 90 000 = 9 186.1 × 1000 / 90 000
CLINKER = 9186.1 * 1000 / 90000
ACTIVITY = (
    "firm_id,period,metric,value,unit\n"
    "CEM,2024,cement_clinker,90000,t\n"
    "CEM,2024,value_added,50000,万元\n"
    "ALU,2024,铝液,-5,t\n"  # refused by the activity reader: ALU's product is invalid_input
    "ALU,2024,value_added,400000,万元\n"
)


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    r, f, a = tmp_path / "readings.csv", tmp_path / "firms.csv", tmp_path / "activity.csv"
    r.write_bytes(READINGS.encode("gbk"))
    f.write_bytes(FIRMS.encode("gbk"))
    a.write_text(ACTIVITY, encoding="utf-8")
    return r, f, a


def _footprint(r: Path, f: Path, a: Path) -> carbonacct.Footprint:
    return carbonacct.footprint(
        r, firms=f, activity=a, by=("product",), method=carbonacct.Method(period="year")
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_a_saved_footprint_checks_as_the_one_in_memory(tmp_path: Path, suffix: str) -> None:
    r, f, a = _files(tmp_path)
    fp = _footprint(r, f, a)
    saved = tmp_path / f"fp{suffix}"
    fp.write(saved)
    in_memory = carbonacct.check(f, footprint=fp)
    from_file = carbonacct.check(f, footprint=saved)
    for name in ("results", "products", "firms", "rejected"):
        # the files keep 12 significant digits (102.067777778 for 102.06777777777778)
        assert_frame_equal(in_memory.tables()[name], from_file.tables()[name], rel_tol=1e-10)
    assert from_file.products.height == 5 and from_file.rejected.height == 3
    clinker = from_file.products.filter(
        (pl.col("product") == "cement_clinker") & (pl.col("metric") == "product_energy_intensity")
    )
    assert clinker["actual"][0] == pytest.approx(CLINKER)
    # the activity row refused (铝液 −5 t) is reported for ALU, from its file and row
    refused = from_file.rejected.filter(pl.col("product") == "铝液").row(0, named=True)
    assert (refused["firm_id"], refused["row"]) == ("ALU", 4)
    assert refused["source"].endswith("activity.csv")
    # the saved footprint's provenance (its inputs, quality) travels with the check
    assert from_file.provenance["footprint"]["inputs"]["readings"]["sha256"]


def test_a_parquet_footprint_without_its_intensities_is_refused_not_half_checked(
    tmp_path: Path,
) -> None:
    r, f, a = _files(tmp_path)
    saved = tmp_path / "fp.parquet"
    _footprint(r, f, a).write(saved)  # a .parquet holds the footprint table only
    with pytest.raises(carbonacct.InputError, match=r"\.xlsx or \.json"):
        carbonacct.check(f, footprint=saved)


def test_a_parquet_footprint_without_activity_checks_as_in_memory(tmp_path: Path) -> None:
    r, f, _ = _files(tmp_path)
    fp = carbonacct.footprint(r, firms=f, method=carbonacct.Method(period="year"))
    saved = tmp_path / "fp.parquet"
    fp.write(saved)
    base = pl.DataFrame(
        {"firm_id": ["CEM"], "year": [2020], "metric": ["co2_intensity_va"], "value": [1.0],
         "unit": ["tCO2/万元"]},
        schema_overrides={"year": pl.Int32},
    )  # fmt: skip
    a = carbonacct.check(f, footprint=fp, actuals=base)
    b = carbonacct.check(f, footprint=saved, actuals=base)
    assert a.firms.equals(b.firms) and a.results.equals(b.results)


def test_the_activity_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import carbonacct.activity as activity

    r, f, a = _files(tmp_path)
    reads: list[object] = []
    original = activity._rows

    def counted(source: object) -> object:
        reads.append(source)
        return original(source)  # type: ignore[arg-type]

    monkeypatch.setattr(activity, "_rows", counted)
    result = check_from_readings(r, f, a, price_basis="constant:2020")
    assert len(reads) == 1
    clinker = result.products.filter(
        (pl.col("product") == "cement_clinker") & (pl.col("metric") == "product_energy_intensity")
    )
    assert clinker["actual"][0] == pytest.approx(CLINKER)


def test_the_summary_says_where_a_footprint_row_comes_from(tmp_path: Path) -> None:
    r, f, a = _files(tmp_path)
    a.write_text("firm_id,period,metric,value,unit\nCEM,2024,cement_clinker,90000,t\n")
    res = CliRunner().invoke(
        cli, ["check", "--firms", str(f), "--readings", str(r), "--activity", str(a)]
    )
    assert res.exit_code == 0, res.output
    # the misspelt tag is refused by the footprint's figures, which have no input row
    assert "row None" not in res.output
    assert "check: 2 row(s) refused, e.g. firm " in res.output
    assert (
        " from the footprint of the readings (no row of an input file): readings are tagged "
    ) in res.output
