"""The sector-method protocol: everything the footprint asks of a method of accounting.

The footprint (:func:`carbonacct.footprint`) reads and aggregates the
readings, then hands every accounting rule to the method chosen by
``Method.method``; it holds no rule of its own. A method:

1. turns the small table of reading keys (carrier, unit, flow, use, kind)
   into per-key constants (:meth:`SectorMethod.key_constants`): what one
   unit of a row's value adds to each result column (``k_<column>``), with
   ``r_factor`` set where a factor needed to account the row is missing, and
   the flags ``_burns`` (CO2 from combustion expected), ``_fuel`` and
   ``_needs_grid``;
2. gives the grid factor per firm and data year (:meth:`SectorMethod.grid`),
   by which ``k_co2_electricity_t`` (per tCO2/MWh) is multiplied;
3. turns a firm's measured fuel parameters into factors
   (:meth:`SectorMethod.measured`) and lays them over the defaults
   (:meth:`SectorMethod.apply_measured`);
4. finalises the summed table (totals, CO2e, its rounding) and names its own
   columns; lists the factors it applied and its warnings.

Everything it applies comes from the factor library, so each number carries
its document and grade. Its ``document`` and ``clauses`` are recorded in the
provenance of every result it produced, and :meth:`SectorMethod.label` names
it in table titles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import polars as pl

if TYPE_CHECKING:
    from carbonacct.factors import FactorLibrary
    from carbonacct.options import Method

__all__ = ["SectorMethod", "method_record"]


@runtime_checkable
class SectorMethod(Protocol):
    """A method of accounting (the generic GB/T 32150 one, or a sector guideline).

    Attributes
    ----------
    id : str
        The name in :data:`carbonacct.methods.METHODS` and ``Method.method``.
    document : str
        The standard or guideline, with its number and year.
    clauses : tuple of str
        The clauses implemented.
    sources : tuple of str
        The factor sets it reads by default.
    required_parameters : tuple of str
        Library parameters it resolves.
    rounding : str or None
        The rounding rule of reported figures (``None``: full precision).
    """

    @property
    def id(self) -> str: ...
    @property
    def document(self) -> str: ...
    @property
    def clauses(self) -> tuple[str, ...]: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def required_parameters(self) -> tuple[str, ...]: ...
    @property
    def rounding(self) -> str | None: ...

    def label(self, method: Method) -> str:
        """One line naming the method and the choices of ``method``, for table titles."""
        ...

    def key_constants(
        self, keys: pl.DataFrame, method: Method, library: FactorLibrary
    ) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
        """Per key the ``k_<column>`` constants and flags; and the factor tables behind them."""
        ...

    def grid(
        self,
        keys: pl.DataFrame,
        years: Sequence[int],
        firms: pl.DataFrame | None,
        method: Method,
        library: FactorLibrary,
        where: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Grid factors per (province, year) [tCO2/MWh], and per firm and year ``grid_ef``.

        The first table has ``province``, ``year``, ``grid_ef``, ``grid_source``,
        ``grid_fallback`` and the provenance columns; the second ``firm_id``
        (when ``firms`` is given), ``year`` and ``grid_ef``. ``where`` names the
        readings in errors.
        """
        ...

    def measured(
        self, frame: pl.DataFrame, where: str, method: Method, library: FactorLibrary
    ) -> pl.DataFrame:
        """Factors per firm and carrier from a firm's measured parameters (``where``: the file)."""
        ...

    def apply_measured(
        self, rows: pl.DataFrame, measured: pl.DataFrame, method: Method
    ) -> pl.DataFrame:
        """The rows' ``k_<column>`` constants with a firm's measured factors in place of defaults."""
        ...

    def finalize(self, table: pl.DataFrame, method: Method, library: FactorLibrary) -> pl.DataFrame:
        """The aggregated table with the method's derived columns and rounding."""
        ...

    def result_columns(self, method: Method) -> Sequence[str]:
        """The method's own result columns beyond the common ones (e.g. ``co2e_t``)."""
        ...

    def factors_used(
        self,
        tables: Mapping[str, pl.DataFrame],
        grid: pl.DataFrame,
        keys: pl.DataFrame,
        measured: pl.DataFrame | None,
        method: Method,
    ) -> pl.DataFrame:
        """Every factor applied, one row each (see :func:`carbonacct.provenance.factors_used`)."""
        ...

    def warnings(self, tables: Mapping[str, pl.DataFrame], grid: pl.DataFrame) -> list[str]:
        """Warnings on the factors applied (fall-backs, coefficients derived from an NCV)."""
        ...


def method_record(sector: SectorMethod, method: Method) -> dict[str, Any]:
    """What the provenance says of the method that produced a result: label, document, clauses."""
    return {
        "label": sector.label(method),
        "document": sector.document,
        "clauses": list(sector.clauses),
    }
