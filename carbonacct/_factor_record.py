"""One resolved factor and the provenance it carries into every result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from carbonacct.units import conversion_factor, parse_unit

__all__ = ["PROVENANCE_SCHEMA", "Factor", "provenance_fields"]


@dataclass(frozen=True)
class Factor:
    """One resolved factor with its provenance.

    Attributes
    ----------
    value : float
        The factor as published, in ``unit``.
    unit : str
        Unit string (parses in :data:`carbonacct.ureg`).
    fallback : str or None
        Set when the answer is not an exact match (e.g. an earlier data year).
    """

    parameter: str
    subject: str
    value: float
    unit: str
    region: str | None
    year: int | None
    variant: str | None
    set_id: str
    set_version: str
    document: str
    source: str
    grade: str
    note: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    fallback: str | None = None

    def to(self, unit: str) -> float:
        """The value expressed in another unit of the same dimension [unit]."""
        return self.value * conversion_factor(self.unit, unit)

    @property
    def quantity(self) -> Any:
        """The value as a pint Quantity."""
        return self.value * parse_unit(self.unit)

    @property
    def set_label(self) -> str:
        return f"{self.set_id}@{self.set_version}"

    @property
    def citation(self) -> str:
        """Document and table, e.g. 'GB/T 32151.x-2024 ..., 附录C 表C.1'."""
        return f"{self.document}, {self.source}" if self.source else self.document

    def provenance(self) -> dict[str, Any]:
        """A flat record of where this factor comes from."""
        return {
            "parameter": self.parameter,
            "subject": self.subject,
            "value": self.value,
            "unit": self.unit,
            "region": self.region,
            "year": self.year,
            "variant": self.variant,
            "factor_set": self.set_label,
            "document": self.document,
            "source": self.source,
            "grade": self.grade,
            "fallback": self.fallback,
        }


#: Provenance columns every factor-table builder adds per row (see :func:`provenance_fields`).
PROVENANCE_SCHEMA: dict[str, Any] = {
    "grade": pl.String,
    "document": pl.String,
    "clause": pl.String,
    "data_year": pl.Int32,
}


def provenance_fields(factors: Iterable[Factor], *, grade: str | None = None) -> dict[str, Any]:
    """Grade, document, table/clause and data year of the factors behind one value.

    Several factors (NCV, carbon content, oxidation rate) make one combustion
    factor: their distinct grades, documents and clauses are joined with
    ``"; "``, and the data year is the first one given. ``grade`` replaces the
    grade (e.g. ``"user"`` for a number the user passed).

    Examples
    --------
    >>> from carbonacct.factors import default_library
    >>> f = default_library().resolve("co2_factor", "electricity", region="CN", year=2023,
    ...                               variant="average")
    >>> provenance_fields([f])["grade"], provenance_fields([f])["data_year"]
    ('official', 2023)
    """
    fs = list(factors)

    def join(values: Iterable[str | None]) -> str | None:
        return "; ".join(dict.fromkeys(v for v in values if v)) or None

    years = [f.year for f in fs if f.year is not None]
    return {
        "grade": grade or join(f.grade for f in fs),
        "document": join(f.document for f in fs),
        "clause": join(f.source for f in fs),
        "data_year": years[0] if years else None,
    }
