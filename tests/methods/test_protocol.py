"""A method written from the protocol alone: the footprint holds no rule of its own.

The method below is not a subclass of the generic one: it implements
:class:`~carbonacct.methods.SectorMethod` by composing it and changing one
rule (the grid factor), registered for the test only. The footprint picks it
by ``Method(method=...)``, applies its rule, and records its document, clauses
and label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
import pytest

import carbonacct
import carbonacct.methods
from carbonacct.errors import CarbonacctError, DuplicateIdError, ProtocolError
from carbonacct.factors import FactorLibrary
from carbonacct.methods import METHODS, SectorMethod, get_method
from carbonacct.methods.gbt32150 import GBT32150
from carbonacct.options import Method


@dataclass(frozen=True)
class FlatGrid:
    """Test method: the generic rules, but every firm-year's electricity at 0.5 tCO2/MWh."""

    id: str = "flat-grid-test"
    document: str = "Test guideline T/TEST 1-2026"
    clauses: tuple[str, ...] = ("T/TEST 1-2026 5.2 (purchased electricity at 0.5 tCO2/MWh)",)
    sources: tuple[str, ...] = ("gbt2589-2020",)
    required_parameters: tuple[str, ...] = ("tce_coefficient",)
    rounding: str | None = None
    generic: GBT32150 = field(default_factory=GBT32150)

    def label(self, method: Method) -> str:
        return f"T/TEST 1-2026; period={method.period}"

    def key_constants(
        self, keys: pl.DataFrame, method: Method, library: FactorLibrary
    ) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
        return self.generic.key_constants(keys, method, library)

    def grid(
        self,
        keys: pl.DataFrame,
        years: Sequence[int],
        firms: pl.DataFrame | None,
        method: Method,
        library: FactorLibrary,
        where: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        flat = method.replace(grid_factor=0.5)
        return self.generic.grid(keys, years, firms, flat, library, where)

    def measured(
        self, frame: pl.DataFrame, where: str, method: Method, library: FactorLibrary
    ) -> pl.DataFrame:
        return self.generic.measured(frame, where, method, library)

    def apply_measured(
        self, rows: pl.DataFrame, measured: pl.DataFrame, method: Method
    ) -> pl.DataFrame:
        return self.generic.apply_measured(rows, measured, method)

    def finalize(self, table: pl.DataFrame, method: Method, library: FactorLibrary) -> pl.DataFrame:
        return self.generic.finalize(table, method, library)

    def result_columns(self, method: Method) -> Sequence[str]:
        return self.generic.result_columns(method)

    def factors_used(
        self,
        tables: Mapping[str, pl.DataFrame],
        grid: pl.DataFrame,
        keys: pl.DataFrame,
        measured: pl.DataFrame | None,
        method: Method,
    ) -> pl.DataFrame:
        return self.generic.factors_used(tables, grid, keys, measured, method)

    def warnings(self, tables: Mapping[str, pl.DataFrame], grid: pl.DataFrame) -> list[str]:
        return self.generic.warnings(tables, grid)


@pytest.fixture
def flat_grid(monkeypatch: pytest.MonkeyPatch) -> SectorMethod:
    # registered through the public API, in a registry copy the test throws away
    monkeypatch.setattr(carbonacct.methods, "METHODS", dict(METHODS))
    return carbonacct.methods.register(FlatGrid())


def test_register_refuses_a_taken_id_and_a_non_method(flat_grid: SectorMethod) -> None:
    assert get_method("flat-grid-test") is flat_grid
    with pytest.raises(DuplicateIdError, match="'flat-grid-test' is already registered"):
        carbonacct.methods.register(FlatGrid())
    with pytest.raises(DuplicateIdError, match="another id"):
        carbonacct.methods.register(GBT32150())
    with pytest.raises(ProtocolError, match=r"not a SectorMethod.*missing: .*key_constants") as err:
        carbonacct.methods.register(object())  # type: ignore[arg-type]
    assert isinstance(err.value, CarbonacctError) and isinstance(err.value, TypeError)
    assert "flat-grid-test" in carbonacct.methods.METHODS and "gbt32150" in METHODS


READINGS = pl.DataFrame(
    {
        "firm_id": ["F1", "F1"],
        "carrier": ["electricity", "diesel"],
        "value": [2000.0, 10.0],
        "unit": ["kWh", "t"],
        "period": ["2023", "2023"],
    }
)
FIRMS = pl.DataFrame({"firm_id": ["F1"], "province": ["CN-JS"], "sector": ["C26"]})


def test_a_method_from_the_protocol_alone_sets_the_grid_rule(flat_grid: SectorMethod) -> None:
    assert isinstance(flat_grid, SectorMethod)
    fp = carbonacct.footprint(READINGS, firms=FIRMS, method=Method(method="flat-grid-test"))
    row = fp.table.row(0, named=True)
    # 2000 kWh = 2 MWh × 0.5 tCO2/MWh = 1.0 t (the generic method would take Jiangsu 2023's)
    assert row["co2_electricity_t"] == pytest.approx(1.0, rel=1e-12)
    # the rest is the generic rules: 10 t diesel × 42.652 × 0.0202 × 0.98 × 44/12
    assert row["co2_combustion_t"] == pytest.approx(10 * 42.652 * 0.0202 * 0.98 * 44 / 12)
    # 2000 kWh × 0.1229 kgce/kWh + 10 t × 1.4571 tce/t
    assert row["energy_tce"] == pytest.approx(2000 * 0.1229 / 1000 + 10 * 1.4571, rel=1e-9)
    grid = fp.factors_used.filter(pl.col("factor") == "grid_co2")
    assert grid["value"].to_list() == [0.5]
    record = fp.provenance["method"]
    assert record["method"] == "flat-grid-test"
    assert record["document"] == "Test guideline T/TEST 1-2026"
    assert record["clauses"] == ["T/TEST 1-2026 5.2 (purchased electricity at 0.5 tCO2/MWh)"]
    assert record["label"] == "T/TEST 1-2026; period=year"
    assert Method(method="flat-grid-test").label == "T/TEST 1-2026; period=year"


def test_the_generic_method_is_recorded_with_its_document_and_clauses() -> None:
    fp = carbonacct.footprint(READINGS, firms=FIRMS)
    record = fp.provenance["method"]
    generic = get_method("gbt32150")
    assert record["document"] == generic.document
    assert record["clauses"] == list(generic.clauses)
    # the label of the generic method is the one tables were titled with before the protocol
    assert record["label"] == (
        "energy=GB/T 2589-2020 equivalent; co2=GB/T 32150 combustion NCV×CC×OF×44/12; "
        "scope2=location-based provincial; period=year"
    )


def test_an_unknown_method_has_no_label() -> None:
    with pytest.raises(carbonacct.OptionError, match="is not a method"):
        _ = Method(method="no-such-method").label
