"""Golden tests for every unit definition of the registry, and its errors."""

from __future__ import annotations

import pickle

import pytest

from carbonacct import ureg
from carbonacct.errors import CarbonacctError, DimensionalityError, UnknownUnitError
from carbonacct.units import (
    CHINESE_UNIT_WORDS,
    check_dimension,
    conversion_factor,
    convert,
    parse_unit,
)


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        # GB/T 2589: 1 kgce = 7 000 kcal_IT = 7 000 × 4.1868 kJ = 29 307.6 kJ
        ("kgce", "kJ", 29307.6),
        ("kgce", "kcal", 7000.0),
        ("tce", "GJ", 29.3076),
        ("gce", "kJ", 29.3076),
        ("tce", "kgce", 1000.0),
        # oil equivalent: 1 kgoe = 10 000 kcal_IT = 41.868 MJ
        ("kgoe", "MJ", 41.868),
        ("toe", "GJ", 41.868),
        ("toe", "tce", 41.868 / 29.3076),
        ("tCO2", "kgCO2", 1000.0),
        ("tCO2e", "kgCO2e", 1000.0),
        ("tC", "kgC", 1000.0),
        ("tCH4", "kgCH4", 1000.0),
        ("tN2O", "kgN2O", 1000.0),
        ("Nm3", "m3", 1.0),
        ("万kWh", "kWh", 1e4),
        ("万kWh", "MWh", 10.0),
        ("万Nm3", "Nm3", 1e4),
        ("万元", "CNY", 1e4),
        ("万t", "t", 1e4),
        ("亿元", "万元", 1e4),
        ("10^4 Nm3", "Nm3", 1e4),
        ("GJ/10⁴Nm³", "GJ/Nm3", 1e-4),
        ("tce/万元", "kgce/CNY", 0.1),
        ("kgCO2/kWh", "tCO2/MWh", 1.0),
        ("tC/TJ", "tC/GJ", 1e-3),
        ("percent", "1", 0.01),
        ("m³", "m**3", 1.0),
    ],
)
def test_definitions(src: str, dst: str, expected: float) -> None:
    assert conversion_factor(src, dst) == pytest.approx(expected, rel=1e-12)


# Every Chinese unit word against its registry spelling, by the value of one of it.
CHINESE_GOLDEN = {
    "吨": ("kg", 1000.0),
    "千克": ("kg", 1.0),
    "公斤": ("kg", 1.0),
    "克": ("kg", 1e-3),
    "立方米": ("m**3", 1.0),
    "标准立方米": ("Nm3", 1.0),
    "标立方米": ("Nm3", 1.0),
    "标方": ("Nm3", 1.0),
    "平方米": ("m**2", 1.0),
    "千瓦时": ("kWh", 1.0),
    "度": ("kWh", 1.0),
    "兆瓦时": ("kWh", 1000.0),
    "吉瓦时": ("MWh", 1000.0),
    "吉焦": ("MJ", 1000.0),
    "兆焦": ("kJ", 1000.0),
    "千焦": ("J", 1000.0),
    "太焦": ("GJ", 1000.0),
    "焦耳": ("J", 1.0),
    "千卡": ("kJ", 4.1868),
    "大卡": ("kJ", 4.1868),
    "吨标准煤": ("GJ", 29.3076),
    "吨标煤": ("GJ", 29.3076),
    "千克标准煤": ("kJ", 29307.6),
    "公斤标准煤": ("kJ", 29307.6),
    "千克标煤": ("kJ", 29307.6),
    "克标准煤": ("kJ", 29.3076),
    "吨油当量": ("GJ", 41.868),
    "千克油当量": ("MJ", 41.868),
    "吨二氧化碳": ("kgCO2", 1000.0),
    "千克二氧化碳": ("tCO2", 1e-3),
    "公斤二氧化碳": ("tCO2", 1e-3),
    "吨二氧化碳当量": ("kgCO2e", 1000.0),
    "千克二氧化碳当量": ("tCO2e", 1e-3),
    "吨碳": ("kgC", 1000.0),
    "元": ("CNY", 1.0),
    "人民币元": ("CNY", 1.0),
    "小时": ("min", 60.0),
}


def test_every_chinese_word_has_a_golden_value() -> None:
    assert set(CHINESE_GOLDEN) == set(CHINESE_UNIT_WORDS)


@pytest.mark.parametrize(("word", "golden"), sorted(CHINESE_GOLDEN.items()))
def test_chinese_words(word: str, golden: tuple[str, float]) -> None:
    unit, value = golden
    assert conversion_factor(word, unit) == pytest.approx(value, rel=1e-12)


def test_compound_chinese_units() -> None:
    assert conversion_factor("万千瓦时", "MWh") == pytest.approx(10.0)
    assert conversion_factor("吨标准煤/万元", "kgce/CNY") == pytest.approx(0.1)
    assert conversion_factor("吨二氧化碳/兆瓦时", "kgCO2/kWh") == pytest.approx(1.0)
    assert conversion_factor("万立方米", "m3") == pytest.approx(1e4)


def test_standard_coal_unit_is_not_the_tabulated_coefficient() -> None:
    # Pure conversion: 1 kWh of heat content = 3.6/29.3076 kgce = 0.12284 kgce, not
    # the GB/T 2589 tabulated 0.1229 kgce/kWh (that lives in the factor library).
    assert convert(1.0, "kWh", "kgce") == pytest.approx(0.122835, abs=1e-6)
    assert round(convert(20908, "kJ", "kgce"), 4) == 0.7134  # tabulated: 0.7143


@pytest.mark.parametrize(
    ("src", "dst"),
    [("tC", "tCO2"), ("t", "tCO2"), ("tCO2", "tCO2e"), ("tce", "t"), ("m3", "t"), ("CNY", "1")],
)
def test_different_things_do_not_convert(src: str, dst: str) -> None:
    with pytest.raises(DimensionalityError) as info:
        conversion_factor(src, dst)
    assert src in str(info.value) and dst in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("word", "suggestion"), [("kwh", "kWh"), ("Kwh", "kWh"), ("tco2", "tCO2"), ("Tce", "tce")]
)
def test_unknown_unit_suggests_nearest(word: str, suggestion: str) -> None:
    with pytest.raises(UnknownUnitError) as info:
        parse_unit(word)
    assert info.value.suggestions[0] == suggestion
    assert repr(word) in str(info.value) and repr(suggestion) in str(info.value)


@pytest.mark.parametrize("bad", ["", "   ", "m^^3", "吨煤"])
def test_unreadable_units(bad: str) -> None:
    with pytest.raises(UnknownUnitError):
        parse_unit(bad)


def test_check_dimension() -> None:
    check_dimension("kgCO2/kWh", "tCO2/MWh")
    with pytest.raises(DimensionalityError, match="carbon content"):
        check_dimension("tCO2/TJ", "tC/TJ", what="carbon content")


def test_errors_pickle_with_fields() -> None:
    err = UnknownUnitError("bad unit", unit="kwh", suggestions=["kWh"])
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is UnknownUnitError
    assert (str(back), back.unit, back.suggestions) == ("bad unit", "kwh", ["kWh"])
    assert isinstance(back, CarbonacctError) and isinstance(back, ValueError)


def test_registry_is_our_own() -> None:
    import pint

    assert ureg is not pint.get_application_registry()
    assert "kgce" not in pint.UnitRegistry()
