"""Reconcile a report line by line: recompute each figure the report's way and explain each difference.

The report's own choices are followed: the grid-factor mode and set, the
data year of each line (required; never silently the newest), the rounding
policy. A figure is compared at the precision it is written to (a figure to
the tonne agrees within 0.5 t). A bad line becomes an ``error`` row naming
its row and column; the other lines go on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError, OptionError
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.io import TableLike, read_side_table
from carbonacct.results import TablesResult
from carbonacct.verify._chain import Chain, line_chain, to_chain_unit
from carbonacct.verify._explain import explain, reported_factor_document
from carbonacct.verify._lines import Line, grid_choice, parse_line, refuse_not_scope2
from carbonacct.verify._read import read_report
from carbonacct.verify._totals import reconcile_totals
from carbonacct.verify.rounding import RoundingPolicy, read_rounding_policies, rounding_policies
from carbonacct.vocabulary import region_code

__all__ = ["COLUMNS", "Reconciliation", "reconcile"]

#: The columns of a reconciliation, in order.
COLUMNS = {
    "row": pl.Int64,
    "sheet": pl.String,
    "firm_id": pl.String,
    "line": pl.String,
    "kind": pl.String,
    "carrier": pl.String,
    "year": pl.Int64,
    "activity": pl.Float64,
    "activity_unit": pl.String,
    "exported": pl.Float64,
    "activity_source": pl.String,
    "reported_co2_t": pl.Float64,
    "reported_precision_t": pl.Float64,
    "recomputed_co2_t": pl.Float64,
    "difference_t": pl.Float64,
    "status": pl.String,
    "explanation": pl.String,
    "our_factor": pl.Float64,
    "our_factor_unit": pl.String,
    "our_factor_document": pl.String,
    "our_factor_set": pl.String,
    "our_factor_grade": pl.String,
    "our_factor_note": pl.String,
    "reported_factor": pl.Float64,
    "reported_factor_unit": pl.String,
    "reported_factor_document": pl.String,
    "rounding": pl.String,
}


@dataclass(frozen=True)
class Reconciliation(TablesResult):
    """The reconciled lines (:data:`COLUMNS`) and the provenance of the run."""

    table: pl.DataFrame
    provenance: dict[str, Any]

    @property
    def errors(self) -> pl.DataFrame:
        """The lines that could not be read or recomputed, with their error."""
        return self.table.filter(pl.col("status") == "error")

    def summary(self) -> pl.DataFrame:
        """Lines, reported and recomputed sums per status, total lines apart [tCO2]."""
        return (
            self.table.group_by("status", pl.col("kind").eq_missing("total").alias("total_line"))
            .agg(
                pl.len().alias("lines"),
                pl.col("reported_co2_t").sum().alias("reported_co2_t"),
                pl.col("recomputed_co2_t").sum().alias("recomputed_co2_t"),
            )
            .sort("total_line", "status")
        )

    def tables(self) -> dict[str, pl.DataFrame]:
        """The lines and a summary by status; ``write`` puts both in ``.xlsx`` and ``.json``.

        ``.csv`` and ``.parquet`` hold the lines, with the provenance beside or inside them.
        """
        return {"reconciliation": self.table, "summary": self.summary()}


@dataclass(frozen=True)
class _Run:
    library: FactorLibrary
    policy: RoundingPolicy
    policies: dict[str, RoundingPolicy]
    year: int | None
    grid_factor: str | float
    grid_set: str | None
    grid_factor_source: str | None
    steam_enthalpy: float | None
    steam_feedwater_enthalpy: float | None
    tolerance_t: float | None
    provinces: dict[str, str | None] = field(default_factory=dict)
    measured: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)


def _policies(rounding: str, rounding_file: str | Path | None) -> dict[str, RoundingPolicy]:
    policies = dict(rounding_policies())
    if rounding_file is not None:
        policies |= read_rounding_policies(rounding_file)
    if rounding not in policies:
        raise OptionError(
            f"rounding={rounding!r} is not a known policy; known: {sorted(policies)}. Add your own "
            "with a rounding file (--rounding-file).",
            value=rounding,
            option="rounding",
        )
    return policies


def _provinces(firms: TableLike | None) -> dict[str, str | None]:
    if firms is None:
        return {}
    frame, src = read_side_table(firms, ("firm_id",), "firms")
    out: dict[str, str | None] = {}
    for r in frame.iter_rows(named=True):
        province = r.get("province")
        code = region_code(province, strict=False) if province else None
        if province and code is None:
            raise InputError(
                f"{src.name}, row {r['row']}, column province: {province!r} is not a province.",
                file=src.name, row=r["row"], column="province",
            )  # fmt: skip
        out[str(r["firm_id"])] = code
    return out


def _measured(
    readings: Any, firms: TableLike | None, lib: FactorLibrary, run: Any
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Gross activity and exports per (firm, carrier, year) from the firm's readings."""
    import carbonacct

    method = carbonacct.Method(
        period="year",
        steam_enthalpy_kJ_per_kg=run.steam_enthalpy,
        grid_factor="provincial" if firms is not None else "national",
    )
    fp = carbonacct.footprint(
        readings, firms=firms, by=("carrier",), library=lib, method=method,
        run=carbonacct.RunOptions(checksum=False),
    )  # fmt: skip
    out = {}
    for t in fp.table.iter_rows(named=True):
        gross, exported = t["activity"], 0.0
        if t["carrier"] == "electricity":
            gross, exported = t["electricity_in_MWh"], t["electricity_out_MWh"]
        elif t["activity_unit"] == "GJ" and t["carrier"] in ("heat", "steam"):
            gross, exported = t["heat_in_GJ"], t["heat_out_GJ"]
        key = (str(t["firm_id"]), str(t["carrier"]), str(t["period"]))
        out[key] = {"value": gross, "unit": t["activity_unit"], "exported": exported}
    return out


def reconcile(
    reported: TableLike,
    *,
    readings: Any = None,
    firms: TableLike | None = None,
    rounding: str = "full",
    rounding_file: str | Path | None = None,
    year: int | None = None,
    grid_factor: str | float = "provincial",
    grid_set: str | None = None,
    grid_factor_source: str | None = None,
    steam_enthalpy: float | None = None,
    steam_feedwater_enthalpy: float | None = None,
    library: FactorLibrary | None = None,
    tolerance_t: float | None = None,
    sheet: str | None = None,
) -> Reconciliation:
    """Recompute reported CO2 line by line, the report's way, and explain each difference.

    Parameters
    ----------
    reported : path or frame
        One line per source (columns in :mod:`carbonacct.verify._lines`):
        ``firm_id``, ``line``, ``carrier``, ``value``, ``unit``,
        ``reported_co2_t`` [tCO2] (or the value itself in tCO2), ``year``...
    readings : path(s) or frame, optional
        The firm's readings: each line's activity is then taken from them.
    firms : path or frame, optional
        ``firm_id`` and ``province``, for provincial and regional grid factors.
    rounding : str
        The policy of the recomputation; every other known policy is tried to explain a difference.
    rounding_file : path, optional
        A TOML file of user policies (the form of ``factors/rounding/policies.toml``).
    year : int, optional
        Data year of lines without a ``year``; a line with neither is an error.
    grid_factor : str or float
        ``provincial``, ``regional``, ``national``, ``national_excl_market``,
        ``ets`` (the ETS reporting factor), ``legacy`` (NDRC 2012 regional) or
        a number [tCO2/MWh] in the plausible range, recorded with ``grid_factor_source``.
    grid_set : str, optional
        The factor set the report used (e.g. ``mee-nbs-2024-33``).
    tolerance_t : float, optional
        Agreement tolerance [tCO2]; default half a unit of each figure's last written digit.
    sheet : str, optional
        The one Excel sheet to read; by default every sheet that holds report columns is
        read, and the provenance's ``notes`` say which were read and which were not.

    Returns
    -------
    Reconciliation
        ``table`` per line: reported, recomputed, difference, status
        (``agrees``, ``explained``, ``unexplained``, ``not_checkable``,
        ``error``), explanation, both factors with documents, the policy;
        ``provenance`` of the run.

    Examples
    --------
    >>> lines = pl.DataFrame({"firm_id": ["F"], "line": ["power"], "carrier": ["electricity"],
    ...     "value": ["1000"], "unit": ["MWh"], "year": ["2023"], "reported_co2_t": ["570.3"]})
    >>> r = reconcile(lines, grid_factor="ets")
    >>> r.table.select("recomputed_co2_t", "status").row(0)
    (570.3, 'agrees')
    """
    lib = library or default_library()
    policies = _policies(rounding, rounding_file)
    grid = _grid_option(grid_factor, lib)
    rep = read_report(reported, sheet=sheet)
    run = _Run(lib, policies[rounding], policies, year, grid, grid_set, grid_factor_source,
               steam_enthalpy, steam_feedwater_enthalpy, tolerance_t, _provinces(firms))  # fmt: skip
    if readings is not None:
        run.measured.update(_measured(readings, firms, lib, run))
    rows = [_row(r, run) for r in rep.rows]
    reconcile_totals(rows, run.policy, run.policies, run.tolerance_t)
    notes = list(rep.notes) + _flag_duplicates(rep.rows, rows)
    table = pl.DataFrame(rows, schema=COLUMNS)
    prov = _provenance(run, rounding, rep.source, table) | {"notes": notes}
    return Reconciliation(table, prov)


def _grid_option(grid_factor: str | float, lib: FactorLibrary) -> str | float:
    """The run's grid factor choice; a bad one is the run's option, not a line: a usage error."""
    try:
        grid = grid_choice(str(grid_factor))
        if isinstance(grid, float):
            refuse_not_scope2(grid, lib)
    except InputError as exc:
        raise OptionError(str(exc), option="grid_factor", value=grid_factor) from None
    return grid


def _flag_duplicates(raw: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[str]:
    """Lines identical cell for cell to an earlier one, flagged: a sum counts them twice."""
    seen: dict[tuple[Any, ...], Any] = {}
    notes = []
    for r, out in zip(raw, rows, strict=True):
        cells = sorted((k, str(v)) for k, v in r.items() if k != "row" and not k.startswith("_"))
        key: tuple[Any, ...] = (r.get("_sheet"), *cells)
        if key not in seen:
            seen[key] = r["row"]
            continue
        why = f"duplicate of row {seen[key]}: the same line twice (a total counts it twice)"
        out["explanation"] = f"{out.get('explanation') or ''}; {why}".lstrip("; ")
        notes.append(f"row {r['row']} ({r.get('line')}) is a {why}")
    return notes


def _provenance(
    run: _Run, rounding: str, source: dict[str, Any], table: pl.DataFrame
) -> dict[str, Any]:
    import carbonacct

    return {
        "carbonacct": carbonacct.__version__,
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reported": source,
        "rounding": run.policy.record(),
        "rounding_policies_tried": [p.record() for p in run.policies.values()],
        "grid_factor": run.grid_factor,
        "grid_set": run.grid_set,
        "grid_factor_source": run.grid_factor_source,
        "year": run.year,
        "tolerance": f"{run.tolerance_t} t"
        if run.tolerance_t is not None
        else "half a unit of each figure's last digit",
        "factor_sets": [
            f"{s.manifest.id}@{s.manifest.version} ({s.manifest.grade})"
            for s in run.library.sets.values()
        ],
        "lines": table.height,
        "by_status": dict(table.group_by("status").len().iter_rows()),
    }


def _row(r: dict[str, Any], run: _Run) -> dict[str, Any]:
    y = re.sub(r"(\.0+|年度|年)$", "", str(r.get("year") or "").strip())
    file = r["_file"]
    base = {"row": r["row"], "sheet": r.get("_sheet"), "firm_id": r.get("firm_id"), "line": r.get("line"),
            "carrier": r.get("carrier"), "rounding": run.policy.id,
            "year": int(y) if y.isdecimal() else run.year}  # fmt: skip
    if "_error" in r:  # a row the reader could not split into cells
        return base | {"status": "error", "explanation": f"{file}, row {r['row']}: {r['_error']}"}
    try:
        line = parse_line(r, run)
        if line.kind == "total":  # filled in once every line is recomputed
            return base | _total_row(line)
        return base | _reconcile_line(line, run)
    except (CarbonacctError, ArithmeticError) as exc:  # a bad line is an error row, not a stop
        text = str(exc) if isinstance(exc, CarbonacctError) else "a figure cannot be computed"
        msg = text if text.startswith("row ") else f"row {r['row']} ({r.get('line')}): {text}"
        return base | {"status": "error", "explanation": f"{file}, {msg}"}


def _total_row(line: Line) -> dict[str, Any]:
    return {
        "kind": "total",
        "carrier": None,
        "year": line.year,
        "reported_co2_t": float(line.reported),
        "reported_precision_t": float(line.tolerance * 2),
        "_total": line,
    }


def _activity(line: Line, run: _Run, chain: Chain) -> tuple[Decimal | None, Decimal, str]:
    """Gross activity and exports in the chain's unit, and where they come from."""
    key = (line.firm_id, line.subject, str(line.year))
    if key in run.measured:
        m = run.measured[key]
        return (
            to_chain_unit(m["value"], m["unit"], chain),
            to_chain_unit(m["exported"], m["unit"], chain),
            "readings",
        )
    if line.amount is None:
        return None, Decimal(0), "none: the line states its emission only"
    return (
        to_chain_unit(line.amount, line.unit, chain),
        to_chain_unit(line.exported, line.unit, chain),
        "reported",
    )


def _reconcile_line(line: Line, run: _Run) -> dict[str, Any]:
    chain = line_chain(line, run)
    gross, exported, source = _activity(line, run, chain)
    out = {
        "kind": line.kind,
        "carrier": line.subject,
        "year": line.year,
        "activity_unit": chain.unit,
        "exported": float(exported),
        "activity_source": source,
        "reported_co2_t": float(line.reported),
        "reported_precision_t": float(line.tolerance * 2),
        "our_factor": chain.float_factor(),
        "our_factor_unit": f"tCO2/{'GJ' if chain.per_activity != 1 else chain.unit}",
        "our_factor_document": chain.document,
        "our_factor_set": chain.factor_set,
        "our_factor_grade": chain.grade or None,
        "our_factor_note": chain.note or None,
        "reported_factor": line.reported_factor,
        "reported_factor_unit": line.reported_factor_unit,
        "reported_factor_document": reported_factor_document(line, chain, run.library),
    }
    if gross is None:
        implied = (
            line.reported / (Decimal(str(chain.float_factor())) * chain.sign) / chain.per_activity
        )
        why = (f"emission stated without activity: at our factor it implies {float(implied):.4g} "
               f"{chain.unit}; give the activity or the readings to check it")  # fmt: skip
        return out | {"status": "not_checkable", "explanation": why}
    net = gross - exported
    out["_part"] = (chain, net)
    recomputed = chain.co2(net, run.policy)
    diff = line.reported - recomputed
    tol = Decimal(str(run.tolerance_t)) if run.tolerance_t is not None else line.tolerance
    out |= {
        "activity": float(gross),
        "recomputed_co2_t": float(recomputed),
        "difference_t": float(diff),
    }
    if abs(diff) <= tol:
        return out | {"status": "agrees", "explanation": "agrees"}
    others = {k: p for k, p in run.policies.items() if k != run.policy.id}
    why = explain(line, chain, gross, net, others, run.library, tol)
    return out | {
        "status": "unexplained" if why == "unexplained" else "explained",
        "explanation": why,
    }
