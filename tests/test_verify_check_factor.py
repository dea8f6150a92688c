"""check-factor answers the question asked: is the value in the cited publication, and where."""

from __future__ import annotations

import polars as pl
import pytest

from carbonacct.cli import main
from carbonacct.verify import check_factor

ANN_2022 = "公告2024年第33号"  # MEE/NBS, 2022 data year


def test_without_region_the_whole_publication_counts() -> None:
    c = check_factor(0.5366, "tCO2/MWh", ANN_2022)
    assert c.ok and c.cited is not None
    assert (c.cited.set_id, c.cited.year, c.cited.region, c.cited.variant) == (
        "mee-nbs-2024-33",
        2022,
        "CN",
        "average",
    )
    assert "set mee-nbs-2024-33, data year 2022, region CN, variant average" in c.message
    # the same announcement's other national figure, found without saying which variant
    excl = check_factor(0.5856, "kgCO2/kWh", ANN_2022)
    assert excl.ok and excl.cited is not None and excl.cited.variant == "excl_market_nonfossil"


def test_outside_the_publication_gives_nearest_values_and_where_it_is() -> None:
    c = check_factor(0.5827, "tCO2/MWh", ANN_2022)  # Jiangsu's 2023 value, not a 2022 one
    assert not c.ok
    # nearest 2022 values: |0.5849 − 0.5827| = 0.0022 (上海), |0.5856 − 0.5827| = 0.0029 (national excl.),
    # |0.5857 − 0.5827| = 0.0030 (西北)
    assert c.nearest["value"].to_list() == [0.5849, 0.5856, 0.5857]
    assert "its nearest values are 0.5849" in c.message
    assert "0.5827 is in: set mee-nbs-2025-47, data year 2023, region CN-JS" in c.message


def test_with_region_in_the_citation() -> None:
    assert check_factor(0.5978, "tCO2/MWh", f"{ANN_2022} 江苏").ok
    bad = check_factor(0.5987, "tCO2/MWh", "MEE/NBS announcement 2024 No. 33, Jiangsu")
    assert not bad.ok and bad.cited is not None and bad.cited.value == 0.5978
    assert "it gives 0.5978 tCO2/MWh" in bad.message
    assert "0.5987 is in: no shipped factor" in bad.message


@pytest.mark.parametrize(
    ("word", "value"),
    [  # 2022 regional and national averages, 公告2024年第33号 表1–2
        ("华北", 0.6776),
        ("东北", 0.5564),
        ("华东", 0.5617),
        ("华中", 0.5395),
        ("西北", 0.5857),
        ("南方", 0.3869),
        ("西南", 0.2268),
        ("全国", 0.5366),
        ("Central China", 0.5395),
        ("Northeast China", 0.5564),
        ("内蒙古", 0.6849),
        ("Jiangsu", 0.5978),
    ],
)
def test_every_region_word_is_recognised(word: str, value: float) -> None:
    c = check_factor(value, "tCO2/MWh", f"{ANN_2022}, {word}")
    assert c.ok, c.message
    # and the region narrows: the value of another region is not accepted for it
    assert not check_factor(0.1073, "tCO2/MWh", f"{ANN_2022}, {word}").ok  # 云南 2022


def test_a_shipped_document_title_is_a_citation() -> None:
    c = check_factor(0.4364, "tCO2/MWh", "关于发布2022年电力二氧化碳排放因子的公告 湖北")
    assert c.ok and c.cited is not None and c.cited.region == "CN-HB"


def test_the_2012_legacy_regional_set_is_checkable() -> None:
    title = "2011年和2012年中国区域电网平均二氧化碳排放因子"
    c = check_factor(0.7035, "tCO2/MWh", f"《{title}》华东")
    assert c.ok and c.cited is not None
    assert (c.cited.set_id, c.cited.variant) == ("ndrc-2012-regional", "legacy_regional")
    wrong = check_factor(0.7035, "tCO2/MWh", f"{title} 华北")
    assert not wrong.ok and "it gives 0.8843" in wrong.message


def test_a_citation_of_nothing_shipped() -> None:
    c = check_factor(0.5366, "tCO2/MWh", "a brochure")
    assert not c.ok and c.cited is None and "mee-nbs-2024-33" in c.message


def test_cli_exit_code_follows_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check-factor", "0.5366", "tCO2/MWh", ANN_2022])
    assert capsys.readouterr().out.startswith("OK: 0.5366 tCO2/MWh is in")
    with pytest.raises(SystemExit) as exit_:
        main(["check-factor", "0.5827", "tCO2/MWh", ANN_2022])
    assert exit_.value.code == 1 and "MISMATCH" in capsys.readouterr().out


def test_every_shipped_grid_factor_is_found_in_its_own_publication() -> None:
    from carbonacct.factors import default_library

    lib = default_library()
    grid = lib.frame().filter(
        (pl.col("parameter") == "co2_factor") & (pl.col("subject") == "electricity")
    )
    assert grid.height > 100
    for r in grid.iter_rows(named=True):
        # cited by the set's own document title, with the row's region spelled out
        c = check_factor(r["value"], r["unit"], r["document"], region=r["region"])
        assert c.ok, (r["set_id"], r["region"], r["value"], c.message)
        assert c.cited is not None and c.cited.set_id == r["set_id"]


def test_year_of_a_set_with_validity_periods() -> None:
    # the ETS reporting factor: 0.5810 for 2021 data, 0.5703 from 2022 data on
    assert check_factor(0.5703, "tCO2/MWh", "ets-reporting", year=2023).ok
    c = check_factor(0.5810, "tCO2/MWh", "ets-reporting", year=2023)
    assert not c.ok and "it gives 0.5703 tCO2/MWh" in c.message
    assert check_factor(0.5810, "tCO2/MWh", "ets-reporting", year=2021).ok


def test_cli_bad_year_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check-factor", "0.5", "tCO2/MWh", ANN_2022, "--year", "99999"])
    assert exit_.value.code == 1  # an input error
    assert capsys.readouterr().err.strip() == "Error: year 99999 is not a data year (1900–2100)."


def test_a_citation_matches_the_rows_own_document_not_the_sets_combined_title() -> None:
    # the footprint set holds two publications: the official 2024 document (national average
    # 0.5777 kgCO2e/kWh) and CPCD 2023 (0.6205, secondary (1))
    c = check_factor(0.6205, "kgCO2e/kWh", "2024年全国电力碳足迹因子")
    assert not c.ok and c.checkable
    assert "0.5777 kgCO2e/kWh" in c.message
    assert check_factor(0.5777, "kgCO2e/kWh", "2024年全国电力碳足迹因子").ok
    assert check_factor(0.6205, "kgCO2e/kWh", "2023年全国电力碳足迹因子").ok
    assert check_factor(0.6205, "kgCO2e/kWh", "electricity-footprint").ok  # the set: every row


@pytest.mark.parametrize("unit", ["kg CO2/kWh", "t/MWh", "kg/kWh", "kgCO₂/kWh", "吨CO2/兆瓦时"])
def test_factor_unit_spellings_of_real_reports_are_read(unit: str) -> None:
    # 公告2024年第33号 national 2022 average 0.5366 tCO2/MWh = 0.5366 kgCO2/kWh (10^3 kg / 10^3 kWh)
    assert check_factor(0.5366, unit, "公告2024年第33号").ok


def test_a_factor_unit_not_understood_is_refused() -> None:
    with pytest.raises(ValueError, match="unit not understood: 'kg/kwhh'"):
        check_factor(0.5366, "kg/kwhh", "公告2024年第33号")


@pytest.mark.parametrize("subject", ["石灰石", "CaCO3", "碳酸钙"])
def test_a_carbonate_factor_is_found_by_its_standard(subject: str) -> None:
    # GB/T 32151.34-2024 附录C 表C.2: CaCO3 0.440 tCO2/t (44.01 / 100.09 = 0.4397)
    assert check_factor(0.440, "tCO2/t", "GB/T 32151.34-2024", subject=subject).ok
    c = check_factor(0.45, "tCO2/t", "GB/T 32151.34-2024", subject=subject)
    assert not c.ok and "it gives 0.44 tCO2/t" in c.message
