"""What a run returns: the :class:`Result` protocol and the :class:`Footprint`.

Every result of carbonacct offers the same four things: its tables by name,
``write`` (format by suffix, with units and provenance), ``to_pandas`` and the
:class:`~carbonacct.provenance.Provenance` of the run. A later stage takes a
result, never re-reads the files it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import polars as pl

from carbonacct.io import write_result
from carbonacct.provenance import Provenance
from carbonacct.quality import QualityReport

__all__ = ["BY_COLUMNS", "RESULT_COLUMNS", "Footprint", "Result", "TablesResult"]

#: Numeric result columns, each with its unit in the name.
RESULT_COLUMNS = (
    "energy_tce",
    "energy_feedstock_tce",
    "energy_excl_feedstock_tce",
    "energy_media_tce",
    "co2_combustion_t",
    "co2_process_t",
    "co2_scope1_t",
    "co2_electricity_t",
    "co2_heat_t",
    "co2_scope2_t",
    "co2_t",
    "electricity_in_MWh",
    "electricity_out_MWh",
    "heat_in_GJ",
    "heat_out_GJ",
)
#: Further breakdowns of a footprint (``by=``).
BY_COLUMNS = ("site_id", "carrier", "meter_id", "product")


@runtime_checkable
class Result(Protocol):
    """What every result offers."""

    @property
    def provenance(self) -> Any: ...

    def tables(self) -> dict[str, pl.DataFrame]: ...

    def write(self, path: str | Path) -> list[Path]: ...

    def to_pandas(self) -> Any: ...


class TablesResult:
    """The Result protocol from a result's :meth:`tables` and ``provenance``.

    A result class defines ``tables()`` (its first table is its main one) and a
    ``provenance`` attribute, and inherits ``write`` and ``to_pandas``.
    """

    provenance: Any

    def tables(self) -> dict[str, pl.DataFrame]:
        """The result's tables by name, its main one first (each result class defines it)."""
        raise NotImplementedError(f"{type(self).__name__} defines no tables()")

    def write(self, path: str | Path) -> list[Path]:
        """Write the tables with their units and the provenance (format by suffix)."""
        return write_result(self.tables(), path, self.provenance)

    def to_pandas(self, table: str | None = None) -> Any:
        """A table as pandas: ``table`` by name, else the main (first) one."""
        tables = self.tables()
        return tables[table if table is not None else next(iter(tables))].to_pandas()


@dataclass
class Footprint:
    """The result of :func:`carbonacct.footprint`.

    Attributes
    ----------
    table : polars.DataFrame
        One row per firm and period (and ``by`` keys): the columns of
        :data:`RESULT_COLUMNS`, ``rows``, ``rows_rejected``,
        ``rows_co2_missing``, and intensities where activity was given.
    quality : QualityReport
    factors_used : polars.DataFrame
        Every factor applied, with its source and grade.
    provenance : Provenance
        Factor sets with versions, GWP set, method, inputs and checksums.
    intensities : polars.DataFrame or None
        Per product: output, energy and CO2 per unit of output.
    completeness : polars.DataFrame or None
        Per meter: expected against present intervals (or missing months).
    activity_rejects : polars.DataFrame or None
        Activity rows refused, by file, row and column, with the value as given; the
        check reports each as ``invalid_input`` for its firm and rule.
    """

    table: pl.DataFrame
    quality: QualityReport
    factors_used: pl.DataFrame
    provenance: Provenance
    intensities: pl.DataFrame | None = None
    reject_plan: pl.LazyFrame | None = field(default=None, repr=False)
    completeness: pl.DataFrame | None = None
    source: Any = field(default=None, repr=False)
    _rejects: pl.DataFrame | None = field(default=None, repr=False)
    #: Activity rows refused (file, row, column, value as given, reason, firm, period, metric).
    activity_rejects: pl.DataFrame | None = None

    @property
    def rejects(self) -> pl.DataFrame:
        """The rejected input rows: ``file``, ``row`` (as a spreadsheet shows it: a CSV's
        header is row 1), ``column``, ``value``, ``reject_reason``, and ``row_nr`` (the data
        row's number among the data rows of all the inputs together, from 1, in the order
        given; not a spreadsheet row).

        Read on first access, by a second pass over the input (the footprint
        itself needs one pass); the counts are in :attr:`quality` already.
        """
        if self._rejects is None:
            self._rejects = _read_rejects(self.reject_plan, self.source)
        return self._rejects

    def write_rejects(self, path: str | Path, *, sidecar: bool = True) -> list[Path]:
        """Write the rejected rows (as :attr:`rejects`, with the provenance) to ``path``, as
        :meth:`write` writes tables; ``.parquet`` and ``.csv`` batch by batch as they are read
        again, so memory stays flat however many rows were rejected. ``sidecar=False``: a
        plain UTF-8 CSV, without the byte-order mark and the JSON of units and provenance."""
        from carbonacct.io._rejects import stream_rejects

        if not Path(path).parent.is_dir():  # the output's error, not the input's read again
            raise FileNotFoundError(2, "No such file or directory", str(path))
        plan = self.reject_plan
        if plan is None:
            plan = pl.LazyFrame()
        elif self._rejects is not None:
            plan = self._rejects.lazy()

        def write(p: pl.LazyFrame) -> list[Path]:
            return stream_rejects(p, path, self.provenance, sidecar)

        if plan is not self.reject_plan:  # in hand already, or nothing to read
            return write(plan)
        written: list[Path] = _again(plan, self.source, write)
        return written

    def to_pandas(self, *, units: bool = False) -> Any:
        """The table as pandas; with ``units=True`` numeric columns become pint-pandas arrays."""
        df = self.table.to_pandas()
        if not units:
            return df
        import pint_pandas  # optional dependency: pip install carbonacct[pint-pandas]

        from carbonacct.io import column_unit
        from carbonacct.units import parse_unit, ureg

        pint_pandas.PintType.ureg = ureg
        if "cny10k" not in ureg:
            # a pint-pandas dtype cannot carry a scale: 万元 gets a unit of its own, so that
            # a column named per 万元 holds magnitudes per 万元 (as the CLI shows them)
            ureg.define("cny10k = 1e4 * CNY = 万元")
        for col in df.columns:
            unit = column_unit(col)
            if unit is not None:
                q = parse_unit(unit.replace("万元", "cny10k"))
                df[col] = pint_pandas.PintArray(
                    df[col].to_numpy(dtype=float) * q.magnitude, dtype=str(q.units)
                )
        return df

    def tables(self) -> dict[str, pl.DataFrame]:
        out = {"footprint": self.table}
        if self.intensities is not None:
            out["intensities"] = self.intensities
        out.update(factors=self.factors_used, quality=self.quality.to_frame(), rejects=self.rejects)
        if self.activity_rejects is not None and self.activity_rejects.height:
            out["activity_rejects"] = self.activity_rejects
        return out

    def write(self, path: str | Path) -> list[Path]:
        """Write the result with its units and provenance.

        ``.parquet`` and ``.csv`` hold the footprint table (the quality and the
        factors used, with their grades, are in the provenance); ``.json`` and ``.xlsx`` hold every table,
        the rejected rows included (which reads the input a second time).
        """
        if Path(path).suffix.lower() in (".parquet", ".csv"):
            # the factors (with their grades) go into the provenance written beside the table
            tables = {"footprint": self.table, "factors": self.factors_used}
            return write_result(tables, path, self.provenance)
        return write_result(self.tables(), path, self.provenance)


def _read_rejects(plan: pl.LazyFrame | None, source: Any) -> pl.DataFrame:
    """The rejected rows, read again from the input: refused if the input changed since."""
    if plan is None:
        return pl.DataFrame()
    return _again(plan, source, lambda p: p.collect())


def _again(plan: pl.LazyFrame, source: Any, use: Any) -> Any:
    """``use(plan)`` over the input read again, refused if it changed since the footprint."""
    from carbonacct.errors import InputError
    from carbonacct.io import sha256_file

    name = getattr(source, "name", "the input")
    files: tuple[str, ...] = tuple(getattr(source, "files", ()))
    try:
        if source is not None and source.sha256 and len(files) == 1 and source.format != "parquet":
            if sha256_file(Path(files[0])) != source.sha256:
                raise InputError(
                    f"{name}: changed since the footprint was computed; its rejected rows cannot "
                    "be listed from it (run the footprint again).",
                    file=name,
                    row=None,
                    column=None,
                )
        return use(plan)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            f"{name}: the rejected rows are read again from the input, which cannot be read "
            f"now ({type(exc).__name__}); run the footprint again.",
            file=name,
            row=None,
            column=None,
        ) from None
