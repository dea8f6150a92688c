"""The result of a sector-method run: :class:`SectorResult`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import UnknownPeriodError
from carbonacct.io import write_result
from carbonacct.provenance import Provenance
from carbonacct.quality import QualityReport
from carbonacct.sectors._tables import half_up

__all__ = ["SectorResult"]


@dataclass
class SectorResult:
    """A monthly record accounted by a sector method.

    Attributes
    ----------
    totals : polars.DataFrame
        Per firm and period (``YYYY-MM`` months and the ``YYYY`` year), one
        row per ``figure`` (``reported``: lines rounded by the method's
        profile, then summed; ``full_precision``): the method's totals
        (``co2_combustion_t``, ``co2_process_t``, ``co2_carbon_products_t``,
        ``co2_t`` …) [tCO2], ``product_t``, ``months`` (the months a row
        sums: 1, or the months of the record in that year) and
        ``intensity_tco2_per_t``, and
        auxiliary amounts (``electricity_in_MWh`` …).
    by_source : polars.DataFrame
        Per firm, period and emission source: ``co2_t`` and ``co2_reported_t``
        (signed: deductions negative).
    by_process : polars.DataFrame
        The same per process (工序), which sum to the enterprise figures.
    lines : polars.DataFrame
        Each (month, process, material) line: its parameters in canonical
        units with their sources, the parameter set and clause, ``co2_t`` and
        ``co2_reported_t``.
    parameters : polars.DataFrame
        The monthly parameter table: each parameter of each line, its value
        and unit, ``status`` (measured, calculated, record, declared, default
        or missing), source and grade.
    quality : QualityReport
        Rows in = accounted + rejected, reasons.
    rejects : polars.DataFrame
        The rejected record rows with ``reject_reason``.
    provenance : Provenance
        Method, document and clauses, options, default set with grades,
        rounding profile, every declared value with its source, inputs.
    """

    totals: pl.DataFrame
    by_source: pl.DataFrame
    by_process: pl.DataFrame
    lines: pl.DataFrame
    parameters: pl.DataFrame
    quality: QualityReport
    rejects: pl.DataFrame
    provenance: Provenance

    def total(self, period: str, name: str = "co2_t", *, figure: str = "reported") -> float | None:
        """One total of one period (``"2025"``, ``"2025-03"``), summed over firms.

        An intensity is the firms' emissions over their output, ``None`` when a firm of the
        period has no intensity (no product output): never a sum of ratios.
        """
        rows = self.totals.filter((pl.col("period") == period) & (pl.col("figure") == figure))
        if not rows.height:
            periods = sorted(self.totals["period"].unique().to_list())
            raise UnknownPeriodError(
                f"No period {period!r} in this result; ask for one of {periods} "
                "(a year as 2025, a month as 2025-03).",
                period=period,
                periods=periods,
            )
        if name not in rows.columns:
            raise KeyError(f"no total {name!r}; totals: {rows.columns}")
        if name.startswith("intensity_"):
            if rows[name].null_count():
                return None
            total = "co2e_t" if "co2e_t" in rows.columns else "co2_t"
            value = float(rows[total].sum()) / float(rows["product_t"].sum())
            return half_up(value, 4) if figure == "reported" else value
        return float(rows[name].sum())

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "totals": self.totals,
            "by_source": self.by_source,
            "by_process": self.by_process,
            "lines": self.lines,
            "parameters": self.parameters,
            "quality": self.quality.to_frame(),
            "rejects": self.rejects,
        }

    def write(self, path: str | Path) -> list[Path]:
        """Write the result (format by suffix) with units and provenance.

        ``.csv`` and ``.parquet`` hold the totals table; ``.json`` and
        ``.xlsx`` every table.
        """
        if Path(path).suffix.lower() in (".parquet", ".csv"):
            return write_result({"totals": self.totals}, path, self.provenance)
        return write_result(self.tables(), path, self.provenance)

    def to_pandas(self) -> Any:
        """The totals table as pandas."""
        return self.totals.to_pandas()
