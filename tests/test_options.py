"""Method and RunOptions: frozen, validated, read from TOML, old keywords forwarded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest

import carbonacct
from carbonacct.options import PRESETS, Method, RunOptions


def _readings() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "firm_id": ["F1", "F1"],
            "carrier": ["electricity", "diesel"],
            "value": [1000.0, 2.0],
            "unit": ["kWh", "t"],
            "period": ["2024", "2024"],
        }
    )


def test_method_is_frozen_and_keyword_only() -> None:
    m = Method(period="month")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.period = "year"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Method("month")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value"),
    [("period", "week"), ("energy_basis", "x"), ("grid_factor", "nope"), ("interval_label", "mid")],
)
def test_a_wrong_choice_is_an_option_error_and_a_value_error(field: str, value: str) -> None:
    with pytest.raises(carbonacct.OptionError, match=field) as info:
        Method(**{field: value})
    assert isinstance(info.value, ValueError)


def test_grid_factor_given_as_text_number_becomes_a_number() -> None:
    assert Method(grid_factor="0.5703").grid_factor == 0.5703  # type: ignore[arg-type]


def test_from_toml_with_a_preset(tmp_path: Path) -> None:
    p = tmp_path / "m.toml"
    p.write_text(
        'preset = "ets-reporting"\nperiod = "quarter"\ncombustion_sets = ["ndrc-2013"]\n'
        '[coal_types]\nraw_coal = "bituminous"\n',
        encoding="utf-8",
    )
    m = Method.from_toml(p)
    assert (m.grid_factor, m.period, m.combustion_sets) == ("ets", "quarter", ("ndrc-2013",))
    assert m.coal_types == (("raw_coal", "bituminous"),)
    assert m.to_dict()["coal_types"] == {"raw_coal": "bituminous"}


def test_from_toml_unknown_key_names_it(tmp_path: Path) -> None:
    p = tmp_path / "m.toml"
    p.write_text("perod = 'month'\n", encoding="utf-8")
    with pytest.raises(carbonacct.InputError, match="perod"):
        Method.from_toml(p)


def test_unknown_preset_lists_the_names() -> None:
    with pytest.raises(carbonacct.OptionError, match="ets-reporting"):
        Method.preset("nope")
    assert PRESETS["default"] == Method()


def test_old_keywords_are_forwarded_with_a_deprecation_warning() -> None:
    new = carbonacct.footprint(
        _readings(),
        method=Method(grid_factor=0.5, period="year"),
        run=RunOptions(checksum=False),
    )
    with pytest.warns(DeprecationWarning, match=r"method=Method\(grid_factor=…\)"):
        old = carbonacct.footprint(_readings(), grid_factor=0.5, checksum=False)
    assert old.table.equals(new.table)
    assert old.provenance["method"] == new.provenance["method"]


def test_an_unknown_keyword_is_still_a_type_error() -> None:
    with pytest.raises(TypeError, match="perod"):
        carbonacct.footprint(_readings(), perod="year")


def test_run_options_never_change_a_number() -> None:
    m = Method(grid_factor=0.5)
    a = carbonacct.footprint(_readings(), method=m, run=RunOptions(engine="in-memory"))
    b = carbonacct.footprint(_readings(), method=m, run=RunOptions(engine="streaming"))
    assert a.table.equals(b.table)
    # 1000 kWh × 0.1229 kgce/kWh = 0.1229 tce; 2 t diesel × 1.4571 tce/t = 2.9142 tce
    assert a.table["energy_tce"][0] == pytest.approx(0.1229 + 2.9142, rel=1e-12)
