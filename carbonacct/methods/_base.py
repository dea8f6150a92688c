"""The sector-method protocol: what a method of accounting provides to the footprint.

A method turns the small table of reading keys (carrier, unit, flow, use,
kind) into per-key constants: what one unit of a row's value adds to each
result column (``k_<column>``), and sets ``r_factor`` where a factor needed to
account the row is missing. After aggregation it finalises the table (totals,
CO2e) with its rounding. Everything it applies comes from the factor library,
so each number carries its document and grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import polars as pl

if TYPE_CHECKING:
    from carbonacct.factors import FactorLibrary
    from carbonacct.options import Method

__all__ = ["SectorMethod"]


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

    def factor_tables(
        self,
        carriers: Mapping[str, str],
        method: Method,
        library: FactorLibrary,
    ) -> dict[str, pl.DataFrame]:
        """The factor tables for these carriers (code → category), each row with its source."""
        ...

    def key_constants(
        self, keys: pl.DataFrame, tables: Mapping[str, pl.DataFrame], method: Method
    ) -> pl.DataFrame:
        """Per key: the ``k_<column>`` constants, ``r_factor``, ``_needs_grid``, ``_burns``."""
        ...

    def finalize(self, table: pl.DataFrame, method: Method, library: FactorLibrary) -> pl.DataFrame:
        """The aggregated table with the method's derived columns and rounding."""
        ...

    def result_columns(self, method: Method) -> Sequence[str]:
        """The method's own result columns beyond the common ones (e.g. ``co2e_t``)."""
        ...
