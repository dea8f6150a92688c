"""The sector-method registry: every method satisfies the protocol and is picked by Method.method."""

from __future__ import annotations

import polars as pl
import pytest

import carbonacct
from carbonacct.methods import METHODS, SectorMethod, get_method


@pytest.mark.parametrize("method_id", sorted(METHODS))
def test_every_method_satisfies_the_protocol(method_id: str) -> None:
    m = get_method(method_id)
    assert isinstance(m, SectorMethod)
    assert m.id == method_id
    assert m.document and m.clauses and m.sources and m.required_parameters


def test_an_unknown_method_names_the_registry() -> None:
    with pytest.raises(carbonacct.OptionError, match=r"is not a method; see carbonacct\.methods"):
        get_method("steel-2030")
    readings = pl.DataFrame(
        {"firm_id": ["F"], "carrier": ["diesel"], "value": [1.0], "unit": ["t"], "period": ["2024"]}
    )
    with pytest.raises(ValueError, match="steel-2030"):
        carbonacct.footprint(readings, method=carbonacct.Method(method="steel-2030"))


def test_generic_method_worked_example() -> None:
    # 10 t diesel burnt: energy 10 × 1.4571 = 14.571 tce (GB/T 2589-2020 Appendix A);
    # CO2 10 × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 30.9591 t (GB/T 32151-2024 defaults)
    readings = pl.DataFrame(
        {
            "firm_id": ["F"],
            "carrier": ["diesel"],
            "value": [10.0],
            "unit": ["t"],
            "period": ["2024"],
        }
    )
    fp = carbonacct.footprint(readings, method=carbonacct.Method(method="gbt32150"))
    row = fp.table.row(0, named=True)
    assert row["energy_tce"] == pytest.approx(14.571, rel=1e-12)
    assert row["co2_combustion_t"] == pytest.approx(10 * 42.652 * 0.0202 * 0.98 * 44 / 12, rel=1e-9)
    assert fp.provenance["method"]["method"] == "gbt32150"
