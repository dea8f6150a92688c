"""The dual-control exclusion rules as pinned data: the shipped rules against a golden
transcribed from the reference note (not from the file), a rules file of your own refused
by the field it lacks, and the grade of each rule on every result that uses it."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct._manifest import Manifest, data_dir, write_checksum
from carbonacct.errors import FactorFileError
from carbonacct.units import conversion_factor
from carbonacct.workflows import check_from_readings

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden_exclusions.csv"
SHIPPED = data_dir() / "exclusions" / "dual-control.csv"


def _golden() -> pl.DataFrame:
    return pl.read_csv(GOLDEN, infer_schema=False)


def _shipped() -> pl.DataFrame:
    # read the CSV directly (not through the loader): neither a rehash nor a loader change
    # hides a changed rule
    return pl.read_csv(SHIPPED, infer_schema=False)


def test_the_shipped_rules_are_the_official_rules_of_the_reference() -> None:
    gold = _golden().filter(pl.col("shipped") == "yes")
    shipped = _shipped()
    # targets-and-exclusions-2026 §5: 803号, 1044号 and 113号 are official and change the
    # energy of an intensity target; nothing else is shipped
    assert (
        sorted(shipped["document"])
        == sorted(gold["document"])
        == [
            "发改环资〔2022〕803号",
            "发改环资〔2024〕113号",
            "发改能源〔2023〕1044号",
        ]
    )
    by_doc = {r["document"]: r for r in gold.iter_rows(named=True)}
    for rule in shipped.iter_rows(named=True):
        ref = by_doc[rule["document"]]
        assert rule["grade"] == ref["grade"] == "official", rule["document"]
        assert rule["published"] == ref["published"], rule["document"]
        assert rule["excludes"] or rule["kind"] == "voucher"
        assert (rule["excludes"] or "voucher") == ref["effect"], rule["document"]
        # every sentence of the clause is the document's wording as the reference quotes it
        for piece in re.split(r"[。；]", rule["clause"]):
            piece = re.sub(r"^（[一二三四五]）", "", piece.strip())
            if piece:
                assert piece in ref["wording"], (rule["document"], piece)


def test_one_certificate_is_the_reference_kwh() -> None:
    # 发改能源〔2023〕1044号: "1个绿证单位对应1000千瓦时可再生能源电量"
    (ref,) = _golden().filter(pl.col("kwh_per_certificate").is_not_null()).iter_rows(named=True)
    (voucher,) = _shipped().filter(pl.col("kind") == "voucher").iter_rows(named=True)
    mwh = float(voucher["value"]) * conversion_factor(voucher["unit"].split("/")[0], "kWh")
    assert mwh == float(ref["kwh_per_certificate"]) == 1000.0


def test_every_rule_not_shipped_is_listed_with_its_reason() -> None:
    manifest = Manifest.from_toml(SHIPPED.with_suffix(".toml"))
    listed = " ".join(manifest.not_shipped)
    left = _golden().filter(
        (pl.col("shipped") != "yes") & pl.col("document").str.contains("〔", literal=True)
    )
    # 1258号 (official, but total-only and superseded by 113号), 33号 (secondary or recalled),
    # 262号 (a green-power share, not an exclusion)
    assert sorted(set(left["document"])) == [
        "发改能源〔2025〕262号",
        "发改运行〔2022〕1258号",
        "国发〔2021〕33号",
    ]
    for doc in left["document"]:
        assert doc in listed, doc
    (line,) = [n for n in manifest.not_shipped if n.startswith("发改运行〔2022〕1258号")]
    assert "total" in line and "113号" in line


def _own_rules(tmp_path: Path, csv: str) -> Path:
    manifest = (SHIPPED.with_suffix(".toml")).read_text(encoding="utf-8")
    manifest = manifest.replace('id = "dual-control-exclusions"', 'id = "my-province-rules"')
    (tmp_path / "rules.csv").write_text(csv, encoding="utf-8")
    toml = tmp_path / "rules.toml"
    toml.write_text(manifest.replace('data = "dual-control.csv"', 'data = "rules.csv"'), "utf-8")
    write_checksum(toml)
    return toml


HEADER = "rule,kind,excludes,applies_to,document,clause,from_year,grade\n"


def test_a_rules_file_lacking_a_field_is_refused_with_the_field_named(tmp_path: Path) -> None:
    from carbonacct.compliance._exclusions import read_exclusions

    no_grade = "rule,kind,excludes,applies_to,document,clause\nf,exclusion,feedstock,energy_intensity_va,803号,原料用能\n"
    with pytest.raises(FactorFileError, match="'grade'") as err:
        read_exclusions(_own_rules(tmp_path, no_grade))
    assert err.value.column == "grade"
    empty_clause = HEADER + "f,exclusion,feedstock,energy_intensity_va,803号,,,official\n"
    with pytest.raises(FactorFileError, match="row 2, column 'clause': value is missing"):
        read_exclusions(_own_rules(tmp_path, empty_clause))
    wrong = HEADER + "f,exclusion,coal,energy_intensity_va,803号,原料用能,,official\n"
    with pytest.raises(FactorFileError, match="row 2, column 'excludes': 'coal' is not one of"):
        read_exclusions(_own_rules(tmp_path, wrong))
    voucher = HEADER + "g,voucher,,energy_intensity_va,1044号,绿证,,official\n"
    with pytest.raises(FactorFileError, match="column 'value': a voucher needs its value"):
        read_exclusions(_own_rules(tmp_path, voucher))
    # the same through the public file check
    with pytest.raises(FactorFileError, match="'grade'"):
        carbonacct.check_data_file(_own_rules(tmp_path, no_grade))


FIRMS = "firm_id,name,province,sector\nCHEM,甲醇厂,广东省,2614\n"
READINGS = "firm_id,period,carrier,value,unit\nCHEM,2025,raw_coal,1000,t\nCHEM,2025,electricity,10000,MWh\n"
ACTIVITY = (
    "firm_id,period,metric,value,unit,price_basis\nCHEM,2025,value_added,1000,万元,constant:2020\n"
)
GREEN = "firm_id,period,value,unit\nCHEM,2025,2000,张\n"


def _energy_row(tmp_path: Path, **kwargs: object) -> dict:  # type: ignore[type-arg]
    for name, text in (("r", READINGS), ("f", FIRMS), ("a", ACTIVITY), ("g", GREEN)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    result = check_from_readings(
        tmp_path / "r.csv",
        tmp_path / "f.csv",
        tmp_path / "a.csv",
        green_electricity=tmp_path / "g.csv",
        **kwargs,  # type: ignore[arg-type]
    )
    rows = result.results.filter(pl.col("metric") == "energy_intensity_va")
    return rows.row(0, named=True) | {"_provenance": result.provenance}


def test_the_grade_of_each_rule_travels_into_the_result(tmp_path: Path) -> None:
    # 1 000 t raw coal × 0.7143 + 10 000 MWh × 0.1229 = 714.3 + 1 229 = 1 943.3 tce;
    # 2 000 绿证 × 1 MWh × 0.1229 = 245.8 tce leave (113号): 1 697.5 tce / 1 000 万元 = 1.6975
    row = _energy_row(tmp_path)
    assert row["actual"] == pytest.approx((714.3 + 1229 - 245.8) / 1000)
    assert "excl. feedstock (发改环资〔2022〕803号, official)" in row["basis"]
    assert "发改环资〔2024〕113号 (一)(二), official" in row["basis"]
    assert "1 绿证 = 1 MWh (发改能源〔2023〕1044号, official)" in row["basis"]
    rules = {r["rule"]: r for r in row["_provenance"]["exclusions"]}
    assert {r["grade"] for r in rules.values()} == {"official"}
    assert rules["non_fossil"]["set"] == "dual-control-exclusions@1.0.0"


def test_a_rules_file_of_your_own_decides_and_is_labelled_user(tmp_path: Path) -> None:
    # only the feedstock rule: the 2 000 绿证 stay in, 1 943.3 tce / 1 000 万元 = 1.9433
    own = _own_rules(
        tmp_path,
        HEADER
        + "feedstock,exclusion,feedstock,energy_intensity_va,发改环资〔2022〕803号,原料用能消费量从各地区能源消费总量中扣除,,official\n",
    )
    row = _energy_row(tmp_path, exclusions=own)
    assert row["actual"] == pytest.approx((714.3 + 1229) / 1000)
    assert row["basis"] == "site, excl. feedstock (发改环资〔2022〕803号, user (official))"
    (rule,) = row["_provenance"]["exclusions"]
    assert (rule["grade"], rule["set"]) == ("user (official)", "my-province-rules@1.0.0")


def test_check_cli_takes_a_rules_file_and_names_its_missing_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from carbonacct.cli import main

    for name, text in (("r", READINGS), ("f", FIRMS), ("a", ACTIVITY)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    bad = _own_rules(tmp_path, "rule,kind,excludes,applies_to,document,clause\n")
    args = ["check", "--firms", str(tmp_path / "f.csv"), "--readings", str(tmp_path / "r.csv")]
    args += ["--activity", str(tmp_path / "a.csv"), "--exclusions", str(bad)]
    with pytest.raises(SystemExit) as code:
        main(args)
    assert code.value.code == 1
    assert "column 'grade': missing column(s) ['grade']" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["from_year", "excludes"])
def test_a_rules_file_without_the_from_year_or_excludes_column_is_refused_by_name(
    tmp_path: Path, field: str
) -> None:
    """An empty cell means something (from_year: every year; excludes: none, for a voucher),
    so the column must be there: a file without it is refused naming it, as for grade."""
    from carbonacct.compliance._exclusions import read_exclusions

    columns = [c for c in HEADER.strip().split(",") if c != field]
    cells = dict(
        zip(
            HEADER.strip().split(","),
            "f,exclusion,feedstock,energy_intensity_va,803号,原料用能,2020,official".split(","),
            strict=True,
        )
    )
    text = ",".join(columns) + "\n" + ",".join(cells[c] for c in columns) + "\n"
    with pytest.raises(FactorFileError, match=f"column '{field}': missing column") as err:
        read_exclusions(_own_rules(tmp_path, text))
    assert err.value.column == field and "rules.csv" in str(err.value)


def test_an_exclusion_row_with_an_empty_excludes_cell_says_the_value_is_missing(
    tmp_path: Path,
) -> None:
    from carbonacct.compliance._exclusions import read_exclusions

    empty = HEADER + "f,exclusion,,energy_intensity_va,803号,原料用能,,official\n"
    with pytest.raises(FactorFileError, match="row 2, column 'excludes': value is missing"):
        read_exclusions(_own_rules(tmp_path, empty))
