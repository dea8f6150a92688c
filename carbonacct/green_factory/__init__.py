"""Green-factory scoring (GB/T 36132-2018 and GB/T 36132-2025): models as data, assessments, gaps.

A *model* (:mod:`carbonacct.green_factory.model`) lists the items of a scheme
with their weights, where verified; an *assessment* answers each item and gives
the performance indicators (:mod:`carbonacct.green_factory.indicators`), the
levels and the weights the model does not ship. Indicators the footprint can
compute are computed from it; hand-entered ones are converted from their unit
and marked ``manual``.

Scoring: veto and mandatory items must be met; points = weight × fraction; a
quantitative item scores w × (x − baseline) / (leading − baseline), clipped to
[0, w], lower-is-better indicators alike with the signs turned (the linear rule
of GB/T 36132-2025 §5 as read by two third-party implementations: secondary,
low); an item with a baseline only scores all or nothing. Not-applicable items
leave the maximum: ``score_pct`` = points / applicable maximum × 100 (a
carbonacct convention, recorded on the result). The standards give no numeric
pass mark: without one from the user the result is a score and no verdict
(unless a veto or mandatory item failed, which fails under any pass mark).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.green_factory import _scoring
from carbonacct.green_factory._assessment import read_assessment, read_weights
from carbonacct.green_factory.indicators import (
    compute_indicators,
    indicator_table,
    indicator_table_label,
    manual_indicators,
)
from carbonacct.green_factory.model import GreenFactoryModel, load_model, read_model
from carbonacct.results import TablesResult

__all__ = [
    "GreenFactoryModel",
    "GreenScore",
    "compute_indicators",
    "footprint_for_scoring",
    "green_score_with_footprint",
    "indicator_table",
    "load_model",
    "read_assessment",
    "read_model",
    "read_weights",
    "score",
    "score_many",
]


@dataclass
class GreenScore(TablesResult):
    """The result of scoring one assessment.

    ``passed`` is True or False, or None when no pass mark was given and no
    veto or mandatory item failed (GB/T 36132 gives no pass mark).
    ``points_short`` [points] is how far the score is below the pass mark (0
    at or above it; None without a pass mark).
    """

    firm_id: str
    model: str
    items: pl.DataFrame
    by_indicator: pl.DataFrame
    points: float
    max_points: float
    score_pct: float
    passed: bool | None
    failed_vetoes: list[str]
    failed_mandatory: list[str]
    gap: pl.DataFrame
    points_short: float | None = None
    #: Why there is no verdict though one could be given: the footprint behind the measured
    #: items lost rows (``"12 readings rejected: ..."``); None when complete.
    verdict_withheld: str | None = None
    weight_origins: pl.DataFrame = field(default_factory=pl.DataFrame)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def factory_id(self) -> str:
        """Alias of :attr:`firm_id` (the name used before one vocabulary)."""
        return self.firm_id

    @property
    def verdict(self) -> str | None:
        """``PASS``, ``FAIL`` or None (no pass mark)."""
        return None if self.passed is None else ("PASS" if self.passed else "FAIL")

    def summary(self) -> str:
        """The verdict for people: points rounded to 2 decimals, every user-supplied input named."""
        head = f"{self.firm_id} ({self.model}): "
        if self.verdict:
            head += f"{self.verdict}, "
        elif self.verdict_withheld:
            head += "verdict withheld (footprint incomplete), score "
        else:
            head += "score only (no verdict), "
        lines = [
            head + f"{self.points:.2f} / {self.max_points:.2f} points = {self.score_pct:.1f} %"
        ]
        if self.verdict_withheld:
            lines.append(
                f"  verdict withheld: {self.verdict_withheld}; the items marked "
                "measured_incomplete were computed from the accepted readings only. "
                "Fix the rejected rows and score again."
            )
        lines += [f"  failed veto: {i}" for i in self.failed_vetoes]
        lines += [f"  mandatory item not met: {i}" for i in self.failed_mandatory]
        pm, src = self.provenance.get("pass_mark"), self.provenance.get("pass_mark_source")
        if pm is None:
            lines.append(
                "  pass mark: none given (GB/T 36132 gives none), so no verdict on the score"
            )
        else:
            lines.append(f"  pass mark: {pm:g} %, given by the user ({src})")
            if self.points_short:
                lines.append(f"  {self.points_short:.2f} points short of the pass mark")
        total = float(self.weight_origins["points"].sum()) if self.weight_origins.height else 0.0
        for r in self.weight_origins.iter_rows(named=True):
            who = "from the user" if r["weight_source"].startswith("user") else "shipped"
            lines.append(
                f"  weights {who}: {r['points']:.2f} of {total:.2f} points ({r['weight_source']})"
            )
        return "\n".join(lines)

    def tables(self) -> dict[str, pl.DataFrame]:
        """The result's tables: items, points by first-level indicator, gap, weight origins."""
        return {
            "items": self.items,
            "by_indicator": self.by_indicator,
            "gap": self.gap,
            "weights": self.weight_origins.with_columns(pl.col("items").list.join(",")),
        }

    @property
    def written_provenance(self) -> dict[str, Any]:
        """The provenance with the verdict and the summary: what every written document carries."""
        verdict = {"verdict": self.verdict, "verdict_withheld": self.verdict_withheld}
        return self.provenance | verdict | {"summary": self.summary()}

    def write(self, path: str | Path) -> list[Path]:
        """Write the tables with the provenance, the verdict and the summary (format by suffix)."""
        from carbonacct.io import write_result

        return write_result(self.tables(), path, self.written_provenance)


def _indicators(
    a: Mapping[str, Any], model: GreenFactoryModel, footprint: Any | None, file: str
) -> dict[str, dict[str, Any]]:
    """Computed indicators, overridden by hand-entered ones (converted to their unit)."""
    try:
        found = compute_indicators(
            footprint,
            firm_id=a.get("firm_id"),
            period=None if a.get("period") is None else str(a["period"]),
            product=a.get("product"),
            inputs=a.get("inputs"),
        )
    except InputError as exc:
        raise _scoring.refuse(file, exc.fields.get("column"), str(exc)) from None
    q = model.items.filter(pl.col("type") == "quantitative")
    units = {i: u for i, u in zip(q["indicator"], q["unit"], strict=True) if u}
    return found | manual_indicators(a.get("indicators") or {}, file, units)


def _pass_mark(
    a: Mapping[str, Any], pass_mark: float | None, file: str
) -> tuple[float | None, Any]:
    if pass_mark is not None:
        return float(pass_mark), "given to the call (--pass-mark)"
    if a.get("pass_mark") is None:
        return None, None
    mark = _scoring.number(a["pass_mark"], file, "pass_mark", "pass mark")
    return mark, a.get("pass_mark_source") or "given in the assessment"


def score(
    assessment: str | Path | Mapping[str, Any],
    *,
    model: str | Path | GreenFactoryModel | None = None,
    footprint: Any | None = None,
    weights: Mapping[str, Any] | None = None,
    pass_mark: float | None = None,
) -> GreenScore:
    """Score one assessment against a model.

    Parameters
    ----------
    assessment : path or mapping
        See :func:`read_assessment`.
    model : id, path or model, optional
        Default: the assessment's ``model``.
    footprint : Footprint, optional
        Computes the indicators it can (see :func:`compute_indicators`); a
        hand-entered value for the same indicator is kept and marked ``manual``.
    weights : mapping, optional
        Item id → weight for items whose weight the model does not ship
        (overrides the assessment's ``weights``).
    pass_mark : float, optional
        Minimum ``score_pct`` to pass [%], e.g. a province's; default the
        assessment's, else none: a score and no verdict.

    Raises
    ------
    InputError
        Naming the file, the item and the reason: unknown item, status or
        fraction out of range, missing mandatory or veto answer, missing or
        non-numeric weight, missing baseline, missing indicator, an indicator
        unit of the wrong dimension.

    References
    ----------
    GB/T 36132-2018 §5–6; GB/T 36132-2025 §4–5 (structure official; weights and
    the linear rule secondary, low; see the model manifests).
    """
    a = read_assessment(assessment)
    file = str(a.get("_file", "<assessment>"))
    m = model if isinstance(model, GreenFactoryModel) else load_model(model or a.get("model") or "")
    answered = _scoring.answers(a, m, file)
    weight = _scoring.weights(a, m, weights, answered, file)
    levels = _scoring.levels(a, m, file)
    indicators = _indicators(a, m, footprint, file)
    table = _scoring.points(m, answered, weight, levels, indicators, file)
    table, withheld = _flag_incomplete(table, footprint)
    mark, mark_source = _pass_mark(a, pass_mark, file)
    decided = _scoring.verdict(table, mark)
    if withheld and not (decided["failed_vetoes"] or decided["failed_mandatory"]):
        decided["passed"] = None  # the points rest on a footprint that lost rows
    else:
        withheld = None
    provenance = {
        "model": m.manifest.label,
        "document": m.manifest.document,
        "pass_mark": mark,
        "pass_mark_source": mark_source,
        "not_applicable_rule": "excluded from the maximum (carbonacct convention)",
        "scoring_rule": "linear between baseline and leading value (GB/T 36132-2025 §5 as read "
        "by third parties; secondary, low)",
        "assessment": file,
        "indicators": indicator_table_label(),
    }
    if withheld:
        provenance["verdict_withheld"] = withheld
    return GreenScore(
        firm_id=str(a.get("firm_id")),
        model=m.id,
        items=table,
        by_indicator=_scoring.by_indicator(table),
        gap=_scoring.gap(table),
        weight_origins=_scoring.weight_origins(table),
        provenance=provenance,
        verdict_withheld=withheld,
        **decided,
    )


def footprint_incomplete(footprint: Any | None) -> str | None:
    """``"12 readings rejected: 12 steam_needs_enthalpy (why)"``, or None for a complete footprint."""
    quality = getattr(footprint, "quality", None)
    if quality is None or not quality.rows_rejected:
        return None
    from carbonacct.readings import REJECT_REASONS

    reasons = sorted(quality.rejected_by_reason.items(), key=lambda kv: -kv[1])
    parts = [
        f"{n} {r}" + (f" ({REJECT_REASONS[r]})" if r in REJECT_REASONS else "") for r, n in reasons
    ]
    return f"{quality.rows_rejected} readings rejected: " + "; ".join(parts)


def _flag_incomplete(table: pl.DataFrame, footprint: Any | None) -> tuple[pl.DataFrame, str | None]:
    """Items computed from a footprint with rejected rows marked ``measured_incomplete``.

    Returns the table and the reason (None when no item rests on an incomplete footprint).
    """
    why = footprint_incomplete(footprint)
    if why is None:
        return table, None
    hit = (pl.col("status") == "measured") & pl.col("indicator_source").str.contains(
        r"(^|; )footprint "
    )
    if not table.select(hit.fill_null(False).any()).item():
        return table, None
    flagged = pl.when(hit.fill_null(False)).then(pl.lit("measured_incomplete"))
    return table.with_columns(flagged.otherwise(pl.col("status")).alias("status")), why


def score_many(
    assessments: Iterable[str | Path | Mapping[str, Any]], **options: Any
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Score many factories: a summary frame, and the exceptions (assessments that could not be scored).

    Every assessment is in one of the two: a summary row or an exception naming it.
    """
    rows, exceptions = [], []
    for a in assessments:
        try:
            s = score(a, **options)
        except CarbonacctError as exc:
            name = str(a) if not isinstance(a, Mapping) else str(a.get("_file", "<dict>"))
            exceptions.append({"assessment": name, "error": str(exc)})
            continue
        rows.append(
            {
                "firm_id": s.firm_id,
                "model": s.model,
                "points": s.points,
                "max_points": s.max_points,
                "score_pct": s.score_pct,
                "passed": s.passed,
                "points_short": s.points_short,
                "failed_vetoes": ",".join(s.failed_vetoes),
                "failed_mandatory": ",".join(s.failed_mandatory),
                "top_gap": s.gap["item_id"][0] if s.gap.height else None,
                "verdict_withheld": s.verdict_withheld,
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None), exceptions


def footprint_for_scoring(
    readings: Iterable[str | Path],
    *,
    firms: str | Path | None = None,
    activity: str | Path | None = None,
    steam_enthalpy: float | None = None,
    fuel_parameters: str | Path | None = None,
    green_electricity: str | Path | None = None,
) -> Any:
    """The yearly footprint the computed indicators read (None without readings).

    Provincial grid factors when a firms table gives the provinces, else the national one;
    measured fuel parameters and green electricity as ``footprint`` takes them.
    """
    readings = list(readings)
    if not readings:
        return None
    import carbonacct

    return carbonacct.footprint(
        readings,
        firms=firms,
        activity=activity,
        fuel_parameters=fuel_parameters,
        green_electricity=green_electricity,
        # readings tagged with a product or process give that product's own energy, as `check`
        by=("product",),
        method=carbonacct.Method(
            steam_enthalpy_kJ_per_kg=steam_enthalpy,
            grid_factor="provincial" if firms else "national",
        ),
    )


def green_score_with_footprint(
    assessments: Iterable[str | Path | Mapping[str, Any]],
    *,
    readings: Iterable[str | Path] = (),
    firms: str | Path | None = None,
    activity: str | Path | None = None,
    steam_enthalpy: float | None = None,
    model: str | None = None,
    weights: str | Path | Mapping[str, Any] | None = None,
    pass_mark: float | None = None,
    footprint: Any = None,
) -> GreenScore | tuple[pl.DataFrame, list[dict[str, Any]]]:
    """The ``green-score`` recipe: the footprint of the readings (if any), then the score.

    The footprint is :func:`footprint_for_scoring`'s, or ``footprint`` when it is
    given (already computed). ``weights`` may be a CSV path (see
    :func:`read_weights`). One assessment gives a :class:`GreenScore`; several
    give :func:`score_many`'s summary and exceptions.
    """
    fp = footprint
    if fp is None:
        fp = footprint_for_scoring(
            readings, firms=firms, activity=activity, steam_enthalpy=steam_enthalpy
        )
    w = read_weights(weights) if isinstance(weights, (str, Path)) else weights
    options: dict[str, Any] = {
        "model": model,
        "footprint": fp,
        "weights": w,
        "pass_mark": pass_mark,
    }
    items = list(assessments)
    if len(items) == 1:
        one = score(items[0], **options)
        if fp is not None:  # the footprint's record, its quality included, travels with the score
            one.provenance["footprint"] = dict(fp.provenance)
        return one
    return score_many(items, **options)
