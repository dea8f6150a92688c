"""Total lines: the firm's total for the year against the sum of its recomputed lines.

Whether lines are rounded before they are summed is the policy's order: a
policy that rounds ``co2_t`` and ``total_t`` rounds each line then the sum; one
that rounds ``total_t`` only sums at full precision. Every known policy is
tried to explain a difference, and a total that adds up the reported lines
exactly says that the differences are in the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from carbonacct.verify._chain import Chain
from carbonacct.verify._lines import Line
from carbonacct.verify.rounding import RoundingPolicy

__all__ = ["reconcile_totals"]

Part = tuple[Chain, Decimal]


def _sum(parts: list[Part], policy: RoundingPolicy) -> Decimal:
    return policy.round("total_t", sum((c.co2(net, policy) for c, net in parts), Decimal(0)))


def _explain(
    line: Line,
    parts: list[Part],
    reported_lines: Decimal,
    policies: Mapping[str, RoundingPolicy],
    tol: Decimal,
) -> str:
    for p in policies.values():
        if p.steps and abs(_sum(parts, p) - line.reported) <= tol:
            return f"rounding: {p.id} ({p.description})"
    if abs(reported_lines - line.reported) <= tol:
        return "the total adds up the reported lines: the differences are in the lines"
    return "unexplained"


def reconcile_totals(
    rows: list[dict[str, Any]],
    policy: RoundingPolicy,
    policies: Mapping[str, RoundingPolicy],
    tolerance_t: float | None,
) -> None:
    """Fill in each total row (marked ``_total``) from the rows of its firm and year, in place."""
    for row in rows:
        line: Line | None = row.pop("_total", None)
        if line is None:
            continue
        mine = [
            r
            for r in rows
            if (r.get("firm_id") or "", r.get("year")) == (line.firm_id, line.year)
            and r.get("kind") != "total"
        ]
        blocked = [str(r["row"]) for r in mine if "_part" not in r]
        if blocked or not mine:
            why = (
                f"rows {', '.join(blocked)} could not be recomputed"
                if blocked
                else "no lines for this firm and year"
            )
            row.update(status="not_checkable", explanation=f"total not checkable: {why}")
            continue
        parts = [r["_part"] for r in mine]
        recomputed = _sum(parts, policy)
        reported_lines = sum((Decimal(str(r["reported_co2_t"])) for r in mine), Decimal(0))
        tol = Decimal(str(tolerance_t)) if tolerance_t is not None else line.tolerance
        diff = line.reported - recomputed
        row.update(recomputed_co2_t=float(recomputed), difference_t=float(diff))
        if abs(diff) <= tol:
            row.update(status="agrees", explanation="agrees")
            continue
        others = {k: p for k, p in policies.items() if k != policy.id}
        why = _explain(line, parts, reported_lines, others, tol)
        row.update(status="unexplained" if why == "unexplained" else "explained", explanation=why)
    for row in rows:
        row.pop("_part", None)
