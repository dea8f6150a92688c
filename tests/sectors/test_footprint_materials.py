"""Open materials and carbon products in the meter footprint (``materials=`` / ``--materials``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.cli import main
from carbonacct.errors import InputError

C = 44 / 12
MATERIALS = """carrier,category,unit,parameter,value,value_unit,source
电极,process,t,emission_factor,3.663,tCO2/t,CETS—AG—03.01—V01—2024 附录A
微碳锰铁,process,t,emission_factor,0.004,tCO2/t,CETS—AG—03.01—V01—2024 附录A
粗苯,carbon_product,t,emission_factor,3.382,tCO2/t,CETS—AG—03.01—V01—2024 附录A
厂内煤气,fuel,万Nm3,ncv,33.0,GJ/万Nm3,measured 2025
厂内煤气,fuel,万Nm3,carbon_content_per_heat,70.8,tC/TJ,measured 2025
厂内煤气,fuel,万Nm3,oxidation_rate,99,%,measured 2025
"""
READINGS = """企业代码,能源品种,数量,计量单位,统计期,流向
F1,焦炭,1000,吨,2025,in
F1,电极,120,t,2025,in
F1,微碳锰铁,500000,kg,2025,in
F1,粗苯,200,t,2025,out
F1,厂内煤气,1000000,Nm3,2025,in
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mats, reads = tmp_path / "materials.csv", tmp_path / "readings.csv"
    mats.write_text(MATERIALS, encoding="utf-8")
    reads.write_bytes(READINGS.encode("gbk"))
    return reads, mats


def test_declared_materials_and_a_carbon_product_in_scope_1(files: tuple[Path, Path]) -> None:
    reads, mats = files
    fp = carbonacct.footprint(reads, materials=mats)
    row = fp.table.row(0, named=True)
    coke = 1000 * 28.435 * 0.0295 * 0.93 * C  # shipped GB/T 32151 Table A: 2 860.42
    gas = 100 * 33.0 * 0.0708 * 0.99 * C  # declared, 1 000 000 Nm3 = 100 × 10^4 Nm3: 848.11
    process = 120 * 3.663 + 500 * 0.004  # 439.56 + 2.00 (500 000 kg = 500 t)
    products = 200 * 3.382  # 676.40, deducted
    assert row["co2_combustion_t"] == pytest.approx(coke + gas)
    assert row["co2_process_t"] == pytest.approx(process) == pytest.approx(441.56)
    assert row["co2_carbon_products_t"] == pytest.approx(products)
    assert row["co2_scope1_t"] == pytest.approx(coke + gas + process - products)
    # energy: coke 0.9714 tce/t (GB/T 2589) + the declared gas by its NCV (3 300 GJ / 29.3076);
    # the carbon product is not an energy export
    assert row["energy_tce"] == pytest.approx(1000 * 0.9714 + 3300 / 29.3076)
    assert fp.quality.rows_in == 5 and fp.quality.rows_rejected == 0
    used = fp.factors_used.filter(pl.col("factor_set") == "declared")
    assert set(used["grade"]) == {"user"} and used.height == 4
    assert "materials" in fp.provenance["inputs"]


def test_a_carbon_product_coming_in_is_refused(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, mats = files
    reads = tmp_path / "in.csv"
    reads.write_text("firm_id,carrier,value,unit,period\nF1,粗苯,5,t,2025\n", encoding="utf-8")
    with pytest.raises(InputError, match="flow=out"):
        carbonacct.footprint(reads, materials=mats)


@pytest.mark.parametrize(
    ("line", "match"),
    [
        (
            "电极,process,t,emission_factor,36.63,tCO2/t,x",
            r"outside the plausibility bound \[0.0001, 3.6667\]",
        ),
        (
            "煤气,fuel,万Nm3,ncv,33,GJ/万Nm3,measured",
            r"needs emission_factor, or ncv \+ carbon_content_per_heat \+ oxidation_rate",
        ),
        ("电极,process,t,emission_factor,3.663,tCO2/t,", "needs its source"),
        ("电极,slag,t,emission_factor,3.663,tCO2/t,x", "unknown category"),
    ],
)
def test_bad_declarations_name_the_problem(tmp_path: Path, line: str, match: str) -> None:
    mats = tmp_path / "m.csv"
    mats.write_text(MATERIALS.splitlines()[0] + "\n" + line + "\n", encoding="utf-8")
    reads = tmp_path / "r.csv"
    reads.write_text("firm_id,carrier,value,unit,period\nF1,电极,5,t,2025\n", encoding="utf-8")
    with pytest.raises(InputError, match=match):
        carbonacct.footprint(reads, materials=mats)


def test_without_materials_the_carriers_are_rejected_as_before(files: tuple[Path, Path]) -> None:
    reads, _ = files
    fp = carbonacct.footprint(reads)
    assert fp.quality.rejected_by_reason.get("unknown_carrier") == 3
    assert "co2_carbon_products_t" not in fp.table.columns


def test_process_factor_bounds_take_the_published_extremes(
    library: carbonacct.FactorLibrary,
) -> None:
    own = pl.DataFrame(
        {
            "parameter": ["process_co2_factor"] * 2,
            "subject": ["electrode", "micro_carbon_femn"],
            "value": ["3.663", "0.004"],
            "unit": ["tCO2/t"] * 2,
        }
    )
    library.register(own, set_id="plant-2025")
    assert library.resolve("process_co2_factor", "electrode").value == 3.663


def test_cli_footprint_materials(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    reads, mats = files
    code = 0
    try:
        main(["footprint", str(reads), "--materials", str(mats), "--format", "json"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, _ = capsys.readouterr()
    assert code == 0 and '"co2_carbon_products_t": 676.4' in out


def test_finding_8_a_declared_process_material_delivered_out_is_refused(
    files: tuple[Path, Path],
) -> None:
    reads, mats = files
    reads.write_bytes(READINGS.replace("电极,120,t,2025,in", "电极,120,t,2025,out").encode("gbk"))
    # was: co2_process_t = −120 × 3.663 (a process material leaving as negative emissions)
    with pytest.raises(InputError, match=r"process material '电极' with flow 'out'"):
        carbonacct.footprint(reads, materials=mats)


def test_finding_8_a_shipped_fuel_only_delivered_out_is_refused_saying_what_to_do(
    files: tuple[Path, Path],
) -> None:
    reads, mats = files
    reads.write_bytes((READINGS + "F1,焦油,7120,t,2025,out\n").encode("gbk"))
    # was: negative combustion CO2 and energy for coal tar leaving, outside carbon products
    with pytest.raises(
        InputError, match=r"fuel '焦油' \(coal_tar\) is only delivered out.*carbon_product"
    ):
        carbonacct.footprint(reads, materials=mats)
    # declared as a carbon product, it is deducted as carbon leaving: 7 120 t × 3.1
    mats.write_text(MATERIALS + "焦油,carbon_product,t,emission_factor,3.1,tCO2/t,test\n", "utf-8")
    row = carbonacct.footprint(reads, materials=mats).table.row(0, named=True)
    assert row["co2_carbon_products_t"] == pytest.approx(200 * 3.382 + 7120 * 3.1)
