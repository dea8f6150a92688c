"""Real-format input files (CSV, Excel, Parquet) with Chinese headers give the same result."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import InputError, footprint
from carbonacct.io import column_unit, read_table

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["readings_zh.csv", "readings_zh.xlsx", "readings_zh.parquet"])
def test_formats_agree(name: str) -> None:
    r = footprint(DATA / name, firms=DATA / "firms.csv", method=carbonacct.Method(period="year"))
    assert r.quality.rows_in == 6 and r.quality.rejected_by_reason == {"unknown_carrier": 1}
    f1 = r.table.filter(pl.col("firm_id") == "F1").row(0, named=True)
    # 1200.5 MWh × 0.1229 + 3.2 万Nm3 × 12.143 tce/万m3 + 12.75 t × 1.4571 + 850 GJ × 0.03412
    assert f1["energy_tce"] == pytest.approx(
        1200.5 * 0.1229 + 3.2 * 12.143 + 12.75 * 1.4571 + 850 * 0.03412
    )
    assert f1["co2_scope2_t"] == pytest.approx(1200.5 * 0.5827 + 850 * 0.11)
    f2 = r.table.filter(pl.col("firm_id") == "F2").row(0, named=True)
    assert f2["electricity_in_MWh"] == pytest.approx(400.0)
    assert r.provenance["inputs"]["readings"]["sha256"]


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "r.txt.gz").write_bytes(b"")
    with pytest.raises(InputError, match="unsupported"):
        read_table(tmp_path / "r.txt.gz")
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_hive_partitioned_directory(tmp_path: Path) -> None:
    src = pl.read_parquet(DATA / "readings_zh.parquet")
    for firm in ("F1", "F2"):
        part = tmp_path / f"firm={firm}"
        part.mkdir()
        src.filter(pl.col("企业代码") == firm).write_parquet(part / "0.parquet")
    r = footprint(tmp_path, firms=DATA / "firms.csv")
    assert r.quality.rows_in == 6
    assert r.provenance["inputs"]["readings"]["format"] == "parquet"


@pytest.mark.parametrize(
    ("column", "unit"),
    [
        ("co2_t", "tCO2"),
        ("co2e_t", "tCO2e"),
        ("energy_tce", "tce"),
        ("electricity_in_MWh", "MWh"),
        ("heat_out_GJ", "GJ"),
        ("value_added_cny10k", "万元"),
        ("energy_intensity_tce_per_cny10k", "tce/万元"),
        ("co2_intensity_t_per_cny10k", "tCO2/万元"),
        ("rows", None),
        ("firm_id", None),
    ],
)
def test_column_units(column: str, unit: str | None) -> None:
    assert column_unit(column) == unit


def test_formula_text_from_input_stays_text_in_excel(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    r = footprint(DATA / "readings_zh.csv", firms=DATA / "firms.csv")
    r.write(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")["rejects"]
    header = [c.value for c in ws[1]]
    column = header.index("carrier_raw") + 1
    (cell,) = [c for (c,) in ws.iter_rows(min_col=column, max_col=column) if "HYPERLINK" in c.value]
    assert cell.value == '=HYPERLINK("http://x","y")'
    assert cell.data_type == "s" and cell.quotePrefix  # a string, not a formula


# -- empty inputs: an error alone, a named warning in a batch ----------------------------------

_HEADER = "firm_id,meter_id,carrier,timestamp,value,unit"
_FIRMS = pl.DataFrame({"firm_id": ["F1"], "province": ["江苏"]})


def _empty_inputs(tmp_path: Path) -> tuple[Path, Path]:
    schema = {"firm_id": pl.String, "carrier": pl.String, "timestamp": pl.Datetime("us")}
    empty = pl.DataFrame(schema={**schema, "value": pl.Float64, "unit": pl.String})
    empty.write_parquet(tmp_path / "empty.parquet")
    (tmp_path / "header.csv").write_bytes((_HEADER + "\r\n").encode("gbk"))
    return tmp_path / "empty.parquet", tmp_path / "header.csv"


def test_an_input_with_no_rows_is_an_input_error_naming_it(tmp_path: Path) -> None:
    parquet, csv = _empty_inputs(tmp_path)
    with pytest.raises(InputError, match=r"empty\.parquet: no data rows \(0 rows\)") as info:
        footprint(parquet, firms=_FIRMS)
    assert info.value.file == str(parquet)
    with pytest.raises(ValueError, match=r"header\.csv: no data rows \(only a header\)"):
        footprint(csv, firms=_FIRMS)
    with pytest.raises(InputError, match=r"empty\.parquet.*; .*header\.csv"):
        footprint([parquet, csv], firms=_FIRMS)


def test_empty_files_in_a_batch_are_named_and_the_others_read(tmp_path: Path) -> None:
    parquet, csv = _empty_inputs(tmp_path)
    full = tmp_path / "r.csv"
    full.write_text(f"{_HEADER}\nF1,M1,电力,2024-03-01 00:00,1000,kWh\n", encoding="utf-8")
    alone = footprint(full, firms=_FIRMS, method=carbonacct.Method(grid_factor=0.5))
    batch = footprint([parquet, full, csv], firms=_FIRMS, method=carbonacct.Method(grid_factor=0.5))
    # 1 000 kWh × 0.1229 kgce/kWh = 0.1229 tce, one row in, from the one file with rows
    assert batch.table["energy_tce"].to_list() == pytest.approx([0.1229])
    assert batch.table.equals(alone.table)
    assert batch.quality.rows_in == 1
    for name, how in ((parquet, "0 rows"), (csv, "only a header")):
        note = f"{name}: no data rows ({how}): skipped, the other input(s) read"
        assert note in batch.quality.warnings
