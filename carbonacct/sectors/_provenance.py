"""The provenance of a sector-method run: method, clauses, options, defaults with grades, declarations."""

from __future__ import annotations

from typing import Any

import polars as pl

from carbonacct.provenance import Provenance
from carbonacct.quality import QualityReport
from carbonacct.sectors._protocol import RecordMethod, RecordOptions
from carbonacct.sectors._sets import DefaultSet, RoundingProfile

__all__ = ["sector_provenance"]


def sector_provenance(
    method: RecordMethod,
    options: RecordOptions,
    profile: RoundingProfile,
    defaults: DefaultSet | None,
    parameters: pl.DataFrame,
    materials: pl.DataFrame | None,
    sources: dict[str, Any],
    quality: QualityReport,
) -> Provenance:
    """The record: ``sector_method`` (id, document, clauses), ``options``, ``default_set``
    (id, version, document, grade, status, not shipped), ``defaults_used`` (each with its grade),
    ``declared`` (every materials value with its source), ``rounding``, inputs and quality."""
    prov = Provenance.record(
        method=options.record(),
        factor_sets=[defaults.label] if defaults is not None else [],
        gwp_set=options.choice("gwp_set"),
        inputs=sources,
        quality={
            "rows_in": quality.rows_in,
            "rows_accounted": quality.rows_accounted,
            "rows_rejected": quality.rows_rejected,
        },
    )
    prov["sector_method"] = {
        "id": method.id,
        "document": method.document,
        "clauses": dict(method.clauses),
    }
    prov["default_set"] = (
        None
        if defaults is None
        else {
            "id": defaults.manifest.id,
            "version": defaults.manifest.version,
            "document": defaults.manifest.document,
            "table": defaults.manifest.table,
            "grade": defaults.manifest.grade,
            "status": defaults.status,
            "not_shipped": list(defaults.manifest.not_shipped),
        }
    )
    used = parameters.filter(pl.col("status") == "default")
    prov["defaults_used"] = (
        used.select("material", "category", "parameter", "value", "unit", "source", "grade")
        .unique(maintain_order=True)
        .to_dicts()
    )
    prov["declared"] = (
        []
        if materials is None
        else materials.select(
            "carrier", "category", "unit", "parameter", "value", "value_unit", "source", "row"
        ).to_dicts()
    )
    prov["rounding"] = profile.record()
    return prov
