"""Data quality: the decide step, the reject plan, and the :class:`QualityReport`.

Every input row is either accounted or rejected with one reason (the first
failing check: row-level, key-level or firm-level); rows in = accounted +
rejected. A row accounted for energy whose CO2 factor is missing is counted
as ``co2_missing``: its energy stays, and the report warns that the CO2 total
is incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from carbonacct.readings import (
    GROUP_KEYS,
    KEY_COLUMNS,
    NOTE_CODES,
    REASON_CODES,
    REASON_COLUMN,
    REJECT_REASONS,
    Period,
    Scan,
    _code,
    period_label,
)

__all__ = ["QualityReport", "decide", "quality_report", "reason_counts", "reject_plan"]


@dataclass
class QualityReport:
    """Every input row accounted or rejected, with the reasons."""

    rows_in: int
    rows_accounted: int
    rows_rejected: int
    rejected_by_reason: dict[str, int]
    notes: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_accounted + self.rows_rejected

    def summary(self) -> str:
        lines = [
            f"rows in {self.rows_in} = accounted {self.rows_accounted} + rejected "
            f"{self.rows_rejected}" + ("" if self.balanced else "  (NOT BALANCED)"),
        ]
        for reason, n in sorted(self.rejected_by_reason.items(), key=lambda kv: -kv[1]):
            why = REJECT_REASONS.get(reason)
            lines.append(f"  rejected {n:>10}  {reason}" + (f": {why}" if why else ""))
        for note, n in sorted(self.notes.items()):
            lines.append(f"  note: {_note_words(note, n)}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        """The report as a plain mapping, for the provenance of every output."""
        return {
            "rows_in": self.rows_in,
            "rows_accounted": self.rows_accounted,
            "rows_rejected": self.rows_rejected,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "notes": dict(sorted(self.notes.items())),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> QualityReport:
        """The report back from :meth:`record` (older records hold the three counts only).

        >>> q = QualityReport(3, 2, 1, {"unknown_carrier": 1}, {}, ["w"])
        >>> QualityReport.from_record(q.record()) == q
        True
        """
        return cls(
            rows_in=int(record["rows_in"]),
            rows_accounted=int(record["rows_accounted"]),
            rows_rejected=int(record["rows_rejected"]),
            rejected_by_reason=dict(record.get("rejected_by_reason") or {}),
            notes=dict(record.get("notes") or {}),
            warnings=list(record.get("warnings") or []),
        )

    def to_frame(self) -> pl.DataFrame:
        rows: list[tuple[str, str | None, int | None]] = [
            ("rows_in", None, self.rows_in),
            ("rows_accounted", None, self.rows_accounted),
            ("rows_rejected", None, self.rows_rejected),
        ]
        rows += [("rejected", r, n) for r, n in sorted(self.rejected_by_reason.items())]
        rows += [("note", r, n) for r, n in sorted(self.notes.items())]
        rows += [("warning", w, None) for w in self.warnings]
        return pl.DataFrame(
            rows, schema={"item": pl.String, "detail": pl.String, "count": pl.Int64}, orient="row"
        )


#: Key-level reason columns that :func:`decide` reads from the key table.
_KEY_REASONS = ("r_carrier", "r_unit", "r_fuk", "r_steam", "r_factor")


def decide(
    groups: pl.DataFrame, keys: pl.DataFrame, firm_year: pl.DataFrame, by_firm: bool
) -> pl.DataFrame:
    """The final reason of each group: the first failing check, row-level, key-level or firm-level."""
    key_cols = keys.select(
        *(pl.col(f"raw_{c}").alias(c) for c in KEY_COLUMNS),
        "key_id",
        "kind_n",
        *_KEY_REASONS,
        "_needs_grid",
    )
    g = groups.join(key_cols, on=list(KEY_COLUMNS), how="left", nulls_equal=True)
    if by_firm:
        g = g.join(firm_year, on=["firm_id", "year"], how="left")
        unknown = pl.col("_known").is_null() & pl.col("firm_id").is_not_null()
    else:
        g = g.join(firm_year.select("year", "grid_ef"), on="year", how="left")
        unknown = pl.lit(False)
    candidates = [
        pl.col("row_reason"),
        *(pl.col(c) for c in _KEY_REASONS[:-1]),
        pl.when((pl.col("kind_n") == "register") & ~pl.col("has_ts")).then(
            _code("register_without_timestamp")
        ),
        pl.when(unknown).then(_code("unknown_firm")),
        pl.col("r_factor"),
    ]
    return g.with_columns(pl.min_horizontal(*candidates).alias("reason")).drop(
        "kind_n", *_KEY_REASONS, "_needs_grid", "grid_ef", *(["_known"] if by_firm else [])
    )


def reason_counts(groups: pl.DataFrame) -> pl.DataFrame:
    """Rows per reject reason and note (labels, not codes)."""
    labels = {v: k for k, v in REASON_CODES.items()}
    notes = {v: k for k, v in NOTE_CODES.items()}
    return (
        groups.group_by("reason", "note")
        .agg(pl.col("rows").sum().alias("n"))
        .with_columns(
            pl.col("reason")
            .replace_strict(labels, default=None, return_dtype=pl.String)
            .alias("reject_reason"),
            pl.col("note").replace_strict(notes, default=None, return_dtype=pl.String),
        )
    )


def reject_plan(scan: Scan, groups: pl.DataFrame, period: Period) -> pl.LazyFrame:
    """The rejected input rows with their reasons: a second pass, run only when asked for."""
    bad = (
        groups.filter(pl.col("reason").is_not_null())
        .select(*GROUP_KEYS, "reason")
        .unique(list(GROUP_KEYS))
    )
    rows, frames = scan.rejectable(bad)
    plan = reject_rows(rows, bad, scan.layout, period, scan.ordered)
    if frames is None:
        return plan
    # polars reads a Python source ahead of a slow consumer: the writer takes these instead
    per_frame = lambda f: reject_rows(f.lazy(), bad, scan.layout, period, True).collect()  # noqa: E731
    return Batched.of(plan, lambda: map(per_frame, frames()))


class Batched(pl.LazyFrame):
    """A plan of rejected rows that can also be taken batch by batch, each computed only when
    asked for (:mod:`carbonacct.io._rejects` writes them so: memory stays flat)."""

    batches: Callable[[], Iterator[pl.DataFrame]]

    @classmethod
    def of(cls, plan: pl.LazyFrame, batches: Callable[[], Iterator[pl.DataFrame]]) -> Batched:
        out = cls.__new__(cls)
        out._ldf = plan._ldf
        out.batches = batches
        return out


def quality_report(
    counts: pl.DataFrame, warnings: list[str], co2_missing: dict[str, int]
) -> QualityReport:
    """The report from :func:`reason_counts`, the stages' warnings and the rows without CO2."""
    total = int(counts["n"].sum())
    rej = (
        counts.filter(pl.col("reject_reason").is_not_null())
        .group_by("reject_reason")
        .agg(pl.col("n").sum())
    )
    rejected = {r: int(n) for r, n in rej.iter_rows()}
    notes_df = counts.filter(pl.col("reject_reason").is_null() & pl.col("note").is_not_null())
    notes = {n: int(c) for n, c in notes_df.group_by("note").agg(pl.col("n").sum()).iter_rows()}
    warn = list(warnings)
    if co2_missing:
        notes["co2_missing"] = sum(co2_missing.values())
        fuels = {c: n for c, n in co2_missing.items() if c != "electricity"}
        if fuels:
            warn.append(
                "CO2 total incomplete: no CO2 factor for "
                + ", ".join(f"{c} ({n} rows)" for c, n in sorted(fuels.items()))
                + "; their energy is counted. Give measured parameters (fuel_parameters) or "
                "declare the coal type (Method(coal_types=...))."
            )
        if "electricity" in co2_missing:
            warn.append(
                f"CO2 total incomplete: no grid factor for {co2_missing['electricity']} "
                "electricity row(s) (a data year without a published factor, or a firm without "
                "a province); their energy is counted. Give the firm's province, or a grid_factor "
                "mode or value."
            )
    return QualityReport(
        rows_in=total,
        rows_accounted=total - sum(rejected.values()),
        rows_rejected=sum(rejected.values()),
        rejected_by_reason=rejected,
        notes=notes,
        warnings=warn,
    )


def reject_rows(
    rows: pl.LazyFrame,
    bad: pl.DataFrame,
    layout: pl.DataFrame,
    period: Period,
    ordered: bool = False,
) -> pl.LazyFrame:
    """The rejected input rows: file, row within it, column, value and reason.

    ``bad`` holds the rejected groups (``GROUP_KEYS`` and ``reason``). A
    second pass over the input, run only when the rejects are asked for.
    """
    labels = {v: k for k, v in REASON_CODES.items()}
    raw_value = pl.coalesce(pl.col("value_text"), pl.col("_vraw").cast(pl.String))
    raw_ts = pl.coalesce(pl.col("ts_text"), pl.col("_ts").dt.to_string("%Y-%m-%d %H:%M:%S"))
    by_column = {
        "firm_id": pl.col("firm_id"),
        "carrier": pl.col("carrier_raw"),
        "value": pl.col("value_raw"),
        "unit": pl.col("unit"),
        "timestamp": pl.col("timestamp_raw"),
        "period": pl.col("period_raw"),
        "meter_id": pl.col("meter_id"),
        "flow": pl.col("flow"),
        "use": pl.col("use"),
        "kind": pl.col("kind"),
    }
    column = pl.col("reject_reason").replace_strict(REASON_COLUMN, return_dtype=pl.String)
    cell: pl.Expr = pl.lit(None, dtype=pl.String)
    for name, expr in by_column.items():
        cell = pl.when(pl.col("column") == name).then(expr).otherwise(cell)
    picked = (
        rows.filter(pl.col("_n") == 1)
        .join(bad.lazy(), on=list(GROUP_KEYS), how="inner", nulls_equal=True, maintain_order="left")
        .select(
            "row_nr",
            "firm_id",
            "meter_id",
            "site_id",
            pl.col("carrier").alias("carrier_raw"),
            raw_value.alias("value_raw"),
            "unit",
            raw_ts.alias("timestamp_raw"),
            pl.col("period").alias("period_raw"),
            period_label(pl.col("year"), pl.col("sub"), period).alias("period"),
            "flow",
            "use",
            "kind",
            pl.col("reason").replace_strict(labels, return_dtype=pl.String).alias("reject_reason"),
        )
        .with_columns(column.alias("column"))
        .with_columns(cell.alias("value"))
    )
    if not ordered:
        picked = picked.sort("row_nr")
    # the file by a search among the files' first row numbers: no join, so the rows stream
    # through in order, batch by batch, however many were rejected
    at = pl.lit(layout["_start"]).search_sorted(pl.col("row_nr"), side="right") - 1
    return picked.with_columns(
        pl.lit(layout["file"]).gather(at).alias("file"),
        (
            pl.col("row_nr").cast(pl.Int64)
            - pl.lit(layout["_start"]).gather(at).cast(pl.Int64)
            + pl.lit(layout["_first"]).gather(at)
        ).alias("row"),
    ).select(
        "file",
        "row",
        "column",
        "value",
        "reject_reason",
        pl.exclude("file", "row", "column", "value", "reject_reason", "_start", "_first"),
    )


def _note_words(note: str, n: int) -> str:
    """A quality note in words (``register_baseline`` → "1 meter register readings were …"),
    its code kept in brackets for those who grep for it."""
    from carbonacct.vocabulary import LABELS

    words = LABELS.get(f"note_{note}")
    return f"{words[0].format(n)} [{note}]" if words else f"{n:,} {note}"
