"""The controlled names: every output column registered with unit, dtype and Chinese label."""

from __future__ import annotations

import polars as pl
import pytest

import carbonacct
from carbonacct.results import RESULT_COLUMNS
from carbonacct.units import parse_unit
from carbonacct.vocabulary import (
    COLUMNS,
    INDICATOR_STATUSES,
    METRICS,
    STATUSES,
    canonical_columns,
    canonical_name,
    term,
)


def test_every_footprint_column_is_registered() -> None:
    readings = pl.DataFrame(
        {
            "firm_id": ["F"] * 2,
            "carrier": ["diesel", "electricity"],
            "value": [1.0, 100.0],
            "unit": ["t", "kWh"],
            "period": ["2024"] * 2,
        }
    )
    activity = pl.DataFrame(
        {
            "firm_id": ["F", "F"],
            "period": ["2024", "2024"],
            "metric": ["value_added", "castings"],
            "value": [10.0, 5.0],
            "unit": ["万元", "t"],
        }
    )
    fp = carbonacct.footprint(
        readings,
        activity=activity,
        method=carbonacct.Method(grid_factor=0.5, gwp_set="AR5"),
    )
    assert fp.intensities is not None
    for column, dtype in fp.table.schema.items():
        assert str(dtype) == COLUMNS[column].dtype, column
    for column in fp.intensities.columns:
        assert column in ("product", "output_unit") or column in COLUMNS, column
    assert set(RESULT_COLUMNS) <= set(COLUMNS)


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_each_term_has_a_chinese_label_and_a_parseable_unit(name: str) -> None:
    t = COLUMNS[name]
    assert t.zh and t.description
    if t.unit is not None and " per " not in t.unit:
        parse_unit(t.unit)


def test_one_name_per_quantity_with_the_old_names_accepted() -> None:
    new = "co2_intensity_t_per_cny10k"
    assert canonical_name("co2_intensity_va") == new
    assert term("co2_intensity_va") is METRICS["co2_intensity_va"] is COLUMNS[new]
    with pytest.warns(DeprecationWarning, match="co2_intensity_va"):
        frame = canonical_columns(pl.DataFrame({"firm_id": ["F"], "co2_intensity_va": [0.05]}))
    assert frame.columns == ["firm_id", new]
    with pytest.raises(carbonacct.InputError, match="twice"):
        canonical_columns(pl.DataFrame({new: [1.0], "co2_intensity_va": [1.0]}))
    with pytest.raises(carbonacct.InputError, match="not a controlled name"):
        term("energy_intensity")


def test_different_quantities_keep_different_names() -> None:
    # the checked metric leaves feedstock out of its numerator (发改环资〔2022〕803号); the
    # footprint column does not; 产值 (gross output value) is not 增加值 (value added)
    assert canonical_name("energy_intensity_va") == "energy_intensity_va"
    assert term("energy_intensity_va") is not term("energy_intensity_tce_per_cny10k")
    assert "feedstock" in term("energy_intensity_va").description
    assert canonical_name("energy_per_value") == "energy_per_value"


def test_one_list_of_check_statuses_worst_first() -> None:
    from carbonacct.compliance._summary import SEVERITY

    assert list(SEVERITY) == list(STATUSES)
    names = list(STATUSES)
    assert (names[0], names[-1]) == ("breach", "not_covered")
    assert all(t.zh and t.description for t in STATUSES.values())


def test_check_and_indicator_statuses_are_kept_apart() -> None:
    assert not set(STATUSES) & set(INDICATOR_STATUSES)
    assert {"on_track", "off_track", "breach", "insufficient_data"} <= set(STATUSES)
    assert set(METRICS) >= {"energy_intensity_va", "co2_intensity_va", "product_energy_intensity"}
