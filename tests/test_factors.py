"""Factor library: golden values of every shipped set, loading checks, resolution."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct import (
    AmbiguousFactorError,
    ChecksumError,
    FactorFileError,
    FactorLibrary,
    FactorNotFoundError,
    combustion_factor,
)
from carbonacct._manifest import write_checksum

LIB = carbonacct.default_library()


def value(parameter: str, subject: str, **query: object) -> float:
    return LIB.resolve(parameter, subject, **query).value  # type: ignore[arg-type]


def test_every_shipped_set_loads_and_has_a_complete_manifest() -> None:
    expected = {
        "gbt2589-2020",
        "nbs-energy-statistics",
        "gbt32151-2024",
        "ndrc-2013",
        "ipcc-2006",
        "mee-nbs-2024-12",
        "mee-nbs-2024-33",
        "mee-nbs-2025-47",
        "ets-reporting",
        "ndrc-2012-regional",
        "gbt32150-2025",
        "ipcc-gwp100",
        "gbt32151.34-2024",
        "electricity-footprint",
        "ccer-baseline",
    }
    assert set(LIB.sets) == expected
    for fs in LIB.sets.values():
        m = fs.manifest
        for field in (
            "id",
            "version",
            "publisher",
            "document",
            "table",
            "sha256",
            "licence",
            "grade",
        ):
            assert getattr(m, field), f"{m.id} lacks {field}"
        assert m.grade in ("official", "secondary")
        # every row cites its table and carries a grade that defaults may use
        assert fs.data["source"].null_count() == 0, m.id
        assert fs.data["grade"].str.contains("^(official|secondary)").all(), m.id


# -- GB/T 2589 -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("carrier", "expected", "unit"),
    [
        ("raw_coal", 0.7143, "kgce/kg"),
        ("washed_coal", 0.9000, "kgce/kg"),
        ("coke", 0.9714, "kgce/kg"),
        ("crude_oil", 1.4286, "kgce/kg"),
        ("fuel_oil", 1.4286, "kgce/kg"),
        ("gasoline", 1.4714, "kgce/kg"),
        ("kerosene", 1.4714, "kgce/kg"),
        ("diesel", 1.4571, "kgce/kg"),
        ("lpg", 1.7143, "kgce/kg"),
        ("refinery_dry_gas", 1.5714, "kgce/kg"),
        ("gasfield_gas", 1.2143, "kgce/m3"),
        ("oilfield_gas", 1.3300, "kgce/m3"),
        ("blast_furnace_gas", 0.1286, "kgce/m3"),
        ("electricity", 0.1229, "kgce/kWh"),
        ("heat", 0.03412, "kgce/MJ"),
        ("fresh_water", 0.0857, "kgce/t"),
    ],
)
def test_gbt2589_coefficients(carrier: str, expected: float, unit: str) -> None:
    f = LIB.resolve("tce_coefficient", carrier, sets=["gbt2589-2020"])
    assert f.value == expected and f.unit == unit
    assert f.document.startswith("GB/T 2589-2020")


def test_gbt2589_reference_ncv_is_not_used_to_recompute() -> None:
    ncv = LIB.resolve("reference_ncv", "raw_coal").value  # 20 908 kJ/kg
    assert ncv == 20908
    assert round(ncv / 29307.6, 4) == 0.7134 != value("tce_coefficient", "raw_coal")


def test_natural_gas_coefficient_comes_from_the_statistics_convention() -> None:
    f = LIB.resolve("tce_coefficient", "natural_gas")
    assert (f.value, f.set_id) == (12.1430, "nbs-energy-statistics")
    assert f.to("kgce/m3") == pytest.approx(1.2143)


def test_steam_and_lng_coefficients_are_not_shipped() -> None:
    # unverified values stay out of the defaults (reference/factors.md §9)
    for carrier in ("steam", "lng"):
        with pytest.raises(FactorNotFoundError):
            LIB.resolve("tce_coefficient", carrier)


# -- GB/T 32151.x-2024 Table C.1: composite EF = NCV × CC × OF × 44/12 ------------------
TABLE_A_DERIVED_EF = {  # shared/reference/factors.md §2.2, "Derived EF" column
    "anthracite": 2.5215,
    "bituminous_coal": 1.7417,
    "lignite": 1.1729,
    "washed_coal": 2.2082,
    "other_washed_coal": 1.0519,
    "briquette": 1.9360,
    "other_coal_products": 2.1081,
    "coke": 2.8604,
    "petroleum_coke": 3.2115,
    "crude_oil": 3.0202,
    "fuel_oil": 3.1705,
    "gasoline": 2.9251,
    "diesel": 3.0959,
    "kerosene": 3.0334,
    "lng": 2.8313,
    "lpg": 3.1013,
    "naphtha": 3.1981,
    "coal_tar": 2.6446,
    "crude_benzene": 3.4109,
    "other_petroleum_products": 2.9488,
    "natural_gas": 21.622,
    "blast_furnace_gas": 8.4811,
    "converter_gas": 15.124,
    "coke_oven_gas": 8.8638,
    "refinery_dry_gas": 3.0389,
    "other_gas": 2.3148,
}


@pytest.mark.parametrize(("fuel", "ef"), sorted(TABLE_A_DERIVED_EF.items()))
def test_gbt32151_composite_factor(fuel: str, ef: float) -> None:
    cf = combustion_factor(fuel)
    assert cf.value == pytest.approx(ef, abs=0.6 * 10 ** -(len(str(ef).split(".")[1])))
    assert cf.sets == ("gbt32151-2024@1.0.0",)


def test_diesel_worked_example() -> None:
    # 42.652 GJ/t × 20.2 tC/TJ × 98 % × 44/12 = 3.0959 tCO2/t
    cf = combustion_factor("柴油")
    assert cf.ncv and cf.carbon_content
    assert (cf.ncv.value, cf.carbon_content.value, cf.oxidation_rate.value) == (42.652, 20.2, 98)
    assert cf.value == pytest.approx(42.652 * 20.2e-3 * 0.98 * 44 / 12, rel=1e-12)
    assert round(cf.value, 4) == 3.0959
    assert cf.ncv.citation.endswith("附录C 表C.1")


def test_natural_gas_per_nm3() -> None:
    cf = combustion_factor("natural_gas")
    assert cf.unit == "tCO2/万Nm3"
    assert cf.to("kgCO2/Nm3") == pytest.approx(2.162, abs=5e-4)


def test_ndrc_2013_set_differs_where_the_tables_differ() -> None:
    assert value("ncv", "bituminous_coal", sets=["ndrc-2013"]) == 23.204
    assert value("ncv", "closed_carbide_furnace_gas", sets=["ndrc-2013"]) == 111.19
    assert value("oxidation_rate", "washed_coal", sets=["ndrc-2013"]) == 93


def test_ipcc_2006() -> None:
    cf = combustion_factor("diesel", sets=["ipcc-2006"])
    assert cf.value == pytest.approx(43.0 * 74.1e-3)  # 43.0 GJ/t × 74 100 kg/TJ
    assert value("ch4_per_energy", "natural_gas") == 1
    assert value("n2o_per_energy", "bituminous_coal") == 1.5


# -- grid, heat, GWP, carbonates --------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "national", "excl", "fossil", "east", "jiangsu"),
    [
        (2021, 0.5568, 0.5942, 0.8426, 0.5992, 0.6451),
        (2022, 0.5366, 0.5856, 0.8325, 0.5617, 0.5978),
        (2023, 0.5306, 0.6096, 0.8273, 0.5500, 0.5827),
    ],
)
def test_mee_nbs_grid_factors(
    year: int, national: float, excl: float, fossil: float, east: float, jiangsu: float
) -> None:
    q = {"year": year, "year_fallback": "exact"}
    assert value("co2_factor", "electricity", region="CN", variant="average", **q) == national
    assert (
        value("co2_factor", "electricity", region="CN", variant="excl_market_nonfossil", **q)
        == excl
    )
    assert value("co2_factor", "electricity", region="CN", variant="fossil_only", **q) == fossil
    assert value("co2_factor", "electricity", region="华东", variant="average", **q) == east
    assert value("co2_factor", "electricity", region="江苏", variant="average", **q) == jiangsu
    sets = {2021: "mee-nbs-2024-12", 2022: "mee-nbs-2024-33", 2023: "mee-nbs-2025-47"}
    data = LIB.get(sets[year]).data
    assert data.filter(pl.col("region").str.starts_with("CN-")).height == 30  # 西藏 unpublished
    assert data.filter(pl.col("region").str.starts_with("grid-")).height == 7


@pytest.mark.parametrize(
    ("province", "values"),
    [
        ("四川", (0.1255, 0.1404, 0.1564)),
        ("广东", (0.4715, 0.4403, 0.4419)),
        ("北京", (0.5688, 0.5580, 0.5554)),
        ("新疆", (0.6577, 0.6231, 0.6021)),
    ],
)
def test_provincial_factors(province: str, values: tuple[float, float, float]) -> None:
    for year, expected in zip((2021, 2022, 2023), values, strict=True):
        assert (
            value("co2_factor", "electricity", region=province, year=year, variant="average")
            == expected
        )


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2019, 0.6101), (2020, 0.6101), (2021, 0.5810), (2022, 0.5703), (2026, 0.5703)],
)
def test_ets_reporting_factor_by_period(year: int, expected: float) -> None:
    f = LIB.resolve("co2_factor", "electricity", region="CN", year=year, sets=["ets-reporting"])
    assert f.value == expected
    # each ETS factor carries the data year it was issued for; a later year says so
    issued = {2019: 2019, 2020: 2020, 2021: 2021}.get(year, 2022)
    assert f.year == issued
    assert f.fallback == (
        None
        if year == issued
        else f"data year 2022 used for {year} (newest published not after it)"
    )


def test_legacy_regional_factors() -> None:
    assert value("co2_factor", "electricity", region="华东", sets=["ndrc-2012-regional"]) == 0.7035


def test_heat_default() -> None:
    f = LIB.resolve("co2_factor", "heat", sets=["gbt32150-2025"])
    assert (f.value, f.unit) == (0.11, "tCO2/GJ")


@pytest.mark.parametrize(
    ("gas", "sar", "ar4", "ar5", "ar6"),
    [("CH4", 21, 25, 28, 27.9), ("N2O", 310, 298, 265, 273), ("SF6", 23900, 22800, 23500, 25200)],
)
def test_gwp100(gas: str, sar: float, ar4: float, ar5: float, ar6: float) -> None:
    for gwp_set, expected in zip(("SAR", "AR4", "AR5", "AR6"), (sar, ar4, ar5, ar6), strict=True):
        assert value("gwp100", gas, variant=gwp_set) == expected


def test_unverified_gwps_are_not_shipped() -> None:
    with pytest.raises(FactorNotFoundError):
        LIB.resolve("gwp100", "HFC-134a", variant="SAR")


@pytest.mark.parametrize(
    ("material", "ef"), [("CaCO3", 0.440), ("CaMg(CO3)2", 0.477), ("Na2CO3", 0.415)]
)
def test_carbonates(material: str, ef: float) -> None:
    assert value("process_co2_factor", material) == ef


# -- resolution ------------------------------------------------------------------------
def test_year_fallback_is_explicit() -> None:
    f = LIB.resolve("co2_factor", "electricity", region="CN-JS", year=2024, variant="average")
    assert (f.value, f.year) == (0.5827, 2023)
    assert f.fallback == "data year 2023 used for 2024 (newest published not after it)"
    with pytest.raises(FactorNotFoundError):
        LIB.resolve(
            "co2_factor",
            "electricity",
            region="CN-JS",
            year=2024,
            variant="average",
            year_fallback="exact",
        )


def test_no_factor_before_the_first_published_year() -> None:
    with pytest.raises(FactorNotFoundError) as info:
        LIB.resolve("co2_factor", "electricity", region="CN-JS", year=2020, variant="average")
    assert info.value.candidates[0]["region"] == "CN-JS"
    assert "CN-JS" in str(info.value)


def test_not_found_names_query_and_nearest() -> None:
    with pytest.raises(FactorNotFoundError) as info:
        LIB.resolve("ncv", "dieseel")
    assert "dieseel" in str(info.value) and "diesel" in info.value.candidates
    assert isinstance(info.value, LookupError)


def test_ambiguous_query_is_refused() -> None:
    with pytest.raises(AmbiguousFactorError) as info:
        LIB.resolve("co2_factor", "electricity", year=2023)
    assert len(info.value.matches) > 1


def test_register_override_and_fallback(library: FactorLibrary) -> None:
    lab = pl.DataFrame(
        {"parameter": ["ncv"], "subject": ["bituminous_coal"], "value": [21.5], "unit": ["GJ/t"]}
    )
    library.register(lab, set_id="lab", document="lab report")
    f = library.resolve("ncv", "烟煤")
    assert (f.value, f.set_id, f.grade) == (21.5, "lab", "user")
    assert library.resolve("ncv", "diesel").set_id == "gbt32151-2024"
    supplier = pl.DataFrame(
        {"parameter": ["ncv"], "subject": ["diesel"], "value": [40.0], "unit": ["GJ/t"]}
    )
    library.register(supplier, set_id="supplier", precedence="fallback")
    assert library.resolve("ncv", "diesel").value == 42.652
    assert LIB.resolve("ncv", "bituminous_coal").value == 19.570  # the shared library is untouched


def test_register_checks_the_schema(library: FactorLibrary) -> None:
    bad = pl.DataFrame(
        {"parameter": ["ncv"], "subject": ["diesel"], "value": [42.0], "unit": ["tCO2/t"]}
    )
    with pytest.raises(FactorFileError, match="row 2"):  # a frame's first row, as in a sheet
        library.register(bad, set_id="bad")


def test_search_chinese_province() -> None:
    hits = LIB.search("江苏")
    assert sorted(hits["value"].to_list()) == [0.5827, 0.5978, 0.6451]
    assert set(hits["document"].str.contains("公告").to_list()) == {True}
    assert LIB.search("柴油")["subject"].unique().to_list() == ["diesel"]


# -- refusing bad files ---------------------------------------------------------------
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_value_fails_the_checksum(factors_copy: Path) -> None:
    csv = factors_copy / "combustion" / "gbt32151-2024.csv"
    _edit(csv, "diesel,,,,42.652", "diesel,,,,42.653")
    with pytest.raises(ChecksumError) as info:
        FactorLibrary.load(factors_copy)
    assert "gbt32151-2024.csv" in str(info.value) and info.value.file.endswith("gbt32151-2024.csv")


def test_wrong_dimension_is_refused_with_file_and_row(factors_copy: Path) -> None:
    csv = factors_copy / "heat" / "gbt32150-2025.csv"
    _edit(csv, "0.11,tCO2/GJ", "0.11,tC/GJ")
    write_checksum(csv.with_suffix(".toml"))
    with pytest.raises(FactorFileError) as info:
        FactorLibrary.load(factors_copy)
    assert info.value.file.endswith("gbt32150-2025.csv")
    assert (info.value.row, info.value.column) == (2, "unit")  # the first data row
    assert "wrong dimension" in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        ("diesel,,,,42.652,GJ/t", "diesel,,,,42.652,GJ/Nm3", "value", "plausible range"),
        ("diesel,,,,42.652,GJ/t", "diesel,,,,42.652,GJ/kWh", "unit", "wrong dimension"),
        ("diesel,,,,42.652,GJ/t", "diesel,,,,x,GJ/t", "value", "not a valid"),
        ("diesel,,,,42.652,GJ/t", "diesel,,,,42.652,GJ/tonn", "unit", "Unknown unit"),
        ("ncv,diesel", "nvc,diesel", "parameter", "unknown parameter"),
    ],
)
def test_bad_rows_are_refused(
    factors_copy: Path, old: str, new: str, column: str, message: str
) -> None:
    csv = factors_copy / "combustion" / "gbt32151-2024.csv"
    _edit(csv, old, new)
    write_checksum(csv.with_suffix(".toml"))
    with pytest.raises(FactorFileError, match=message) as info:
        carbonacct.read_factor_set(csv)
    assert info.value.column == column
    line = next(i for i, t in enumerate(csv.read_text().splitlines(), start=1) if new in t)
    assert info.value.row == line  # the row a spreadsheet shows: the line number


def test_carrier_unit_mismatch_is_refused(factors_copy: Path) -> None:
    csv = factors_copy / "standard_coal" / "gbt2589-2020.csv"
    _edit(csv, "diesel,,,,1.4571,kgce/kg", "diesel,,,,1.4571,kgce/m3")
    write_checksum(csv.with_suffix(".toml"))
    with pytest.raises(FactorFileError, match="does not apply to diesel, which is measured in t"):
        carbonacct.read_factor_set(csv)


def test_user_file_without_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text("parameter,subject,value,unit\nncv,diesel,42,GJ/t\n")
    with pytest.raises(FactorFileError, match="manifest"):
        carbonacct.read_factor_set(tmp_path / "mine.csv")
