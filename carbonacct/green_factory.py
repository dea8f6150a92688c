"""Green-factory scoring (GB/T 36132-2018 and GB/T 36132-2025): models as data, assessments, gaps.

A *model* (``factors/green_factory/<id>.csv`` with its manifest) lists the
items of a scheme: first-level indicator, item, type (``veto`` — the basic
requirements, not scored; ``mandatory`` 必选; ``optional`` 可选;
``quantitative`` — scored against a baseline 基准值 and a leading 引领值
value), weight, and the grade of that weight. Where a weight has not been
checked against the official text the model leaves it empty and says so: the
user supplies it (their province's scheme, their evaluator's weighting), and
the result records where every weight came from. The standards give no
numeric pass mark (GB/T 36132-2018, unverified); a pass mark is used only when
the user gives one.

An *assessment* (YAML, JSON or Excel) answers each item — ``met``,
``partly`` (with a ``fraction``), ``not_met``, ``not_applicable`` (with a
``reason``) — with an evidence reference, and gives the performance
indicators; those that the footprint can compute (energy and CO2 per unit of
product or value) are computed from it, and hand-entered ones are marked
``manual``.

Scoring: veto and mandatory items must be met; points = weight × fraction;
a quantitative item scores w × (x − baseline) / (leading − baseline) for a
higher-is-better indicator and w × (baseline − x) / (baseline − leading) for a
lower-is-better one, clipped to [0, w] (the linear rule of GB/T 36132-2025 §5
as read by two third-party implementations: secondary, low); an item with a
baseline only scores all or nothing. Not-applicable items leave the maximum:
``score_pct`` = points / applicable maximum × 100 (a carbonacct convention,
recorded on the result).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._manifest import Manifest, data_dir, read_dataset
from carbonacct.errors import FactorNotFoundError, InputError

__all__ = [
    "GreenFactoryModel",
    "GreenScore",
    "compute_indicators",
    "load_model",
    "read_assessment",
    "score",
    "score_many",
]

MODEL_SCHEMA = {
    "item_id": pl.String,
    "level1": pl.String,
    "level2": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "type": pl.String,
    "weight": pl.Float64,
    "weight_grade": pl.String,
    "indicator": pl.String,
    "direction": pl.String,
    "baseline": pl.Float64,
    "leading": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
TYPES = ("veto", "mandatory", "optional", "quantitative")
STATUSES = ("met", "partly", "not_met", "not_applicable")


@dataclass(frozen=True)
class GreenFactoryModel:
    """A scoring model: its manifest and items."""

    manifest: Manifest
    items: pl.DataFrame

    @property
    def id(self) -> str:
        return self.manifest.id


def read_model(path: str | Path) -> GreenFactoryModel:
    """Read a model file (manifest or CSV with its manifest beside it), checksum and schema checked."""
    manifest, items = read_dataset(path, MODEL_SCHEMA, ("item_id", "level1", "type", "source"))
    file = str(Path(manifest.path).parent / manifest.data)
    for i, row in enumerate(items.iter_rows(named=True), start=1):
        if row["type"] not in TYPES:
            raise InputError(
                f"{file}, row {i}: type {row['type']!r} is not one of {TYPES}.",
                file=file,
                row=i,
                column="type",
            )
        if row["type"] == "quantitative" and row["direction"] not in (
            "higher_better",
            "lower_better",
        ):
            raise InputError(
                f"{file}, row {i}: a quantitative item needs direction higher_better or "
                "lower_better.",
                file=file,
                row=i,
                column="direction",
            )
        if row["weight"] is not None and row["weight_grade"] not in ("official", "secondary"):
            raise InputError(
                f"{file}, row {i}: a weight graded {row['weight_grade']!r} cannot be shipped; "
                "leave it empty so that users supply it.",
                file=file,
                row=i,
                column="weight",
            )
    if items["item_id"].is_duplicated().any():
        raise InputError(f"{file}: item ids repeat.", file=file, row=None, column="item_id")
    return GreenFactoryModel(manifest, items)


@cache
def _shipped() -> dict[str, GreenFactoryModel]:
    return {
        m.id: m
        for m in (read_model(p) for p in sorted((data_dir() / "green_factory").glob("*.toml")))
    }


def load_model(id_or_path: str | Path) -> GreenFactoryModel:
    """A shipped model by id (``gbt36132-2018``, ``gbt36132-2025``) or your own by path."""
    models = _shipped()
    if str(id_or_path) in models:
        return models[str(id_or_path)]
    if Path(id_or_path).exists():
        return read_model(id_or_path)
    raise FactorNotFoundError(
        f"No green-factory model {str(id_or_path)!r}; shipped: {sorted(models)}.",
        query={"model": str(id_or_path)},
        candidates=sorted(models),
    )


# -- assessments --------------------------------------------------------------------------
def read_assessment(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Read an assessment from YAML, JSON, an Excel workbook, or a dict.

    Keys: ``factory_id``, ``name``, ``model``, ``answers`` (item id → status,
    fraction, reason, evidence), ``indicators`` (name → value, unit),
    ``levels`` (item id → baseline, leading), ``weights`` (item id → weight)
    with ``weights_source``, ``pass_mark`` with ``pass_mark_source``, ``product``.
    An Excel workbook has a sheet ``answers`` (item_id, status, fraction,
    reason, evidence) and optional sheets ``indicators``, ``levels``,
    ``weights`` and ``factory`` (key, value).
    """
    if isinstance(source, Mapping):
        data = dict(source)
        data.setdefault("_file", "<dict>")
        return data
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    elif suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
    elif suffix in (".xlsx", ".xlsm"):
        data = _read_excel_assessment(path)
    else:
        raise InputError(
            f"{path}: an assessment is .yaml, .json or .xlsx.",
            file=str(path),
            row=None,
            column=None,
        )
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: an assessment is a mapping of keys (factory_id, model, answers...).",
            file=str(path),
            row=None,
            column=None,
        )
    data["_file"] = str(path)
    return data


def _read_excel_assessment(path: Path) -> dict[str, Any]:
    sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0)
    data: dict[str, Any] = {}
    if "factory" in sheets:
        data.update({k: v for k, v in sheets["factory"].iter_rows()})
    data["answers"] = {
        r["item_id"]: {k: v for k, v in r.items() if k != "item_id" and v is not None}
        for r in sheets["answers"].iter_rows(named=True)
    }
    for name in ("indicators", "levels", "weights"):
        if name in sheets:
            rows = sheets[name].iter_rows(named=True)
            key = "name" if name == "indicators" else "item_id"
            data[name] = {
                r[key]: {k: v for k, v in r.items() if k != key and v is not None} for r in rows
            }
    if "weights" in data:
        data["weights"] = {k: v.get("weight") for k, v in data["weights"].items()}
    return data


def compute_indicators(
    footprint: Any | None = None,
    *,
    factory_id: str,
    period: str | None = None,
    product: str | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Performance indicators computed from the footprint and the factory's own figures.

    From a :class:`carbonacct.Footprint` (yearly, with activity):
    ``unit_product_energy`` [kgce/t] and ``unit_product_co2`` [tCO2/t] for
    ``product``; ``energy_per_value`` [tce/万元] and ``co2_per_value``
    [tCO2/万元]. From ``inputs`` (site_area_m2, building_footprint_m2,
    floor_area_m2, output_value_cny10k, water_withdrawal_t,
    waste_generated_t, waste_utilised_t, renewable_energy_tce):
    ``building_density``, ``floor_area_ratio``, ``value_per_land`` [万元/m2],
    ``water_per_value`` [t/万元], ``waste_recycling_rate``,
    ``renewable_share``. Each value records its source.
    """
    out: dict[str, dict[str, Any]] = {}
    if footprint is not None:
        table = footprint.table.filter(pl.col("firm_id") == factory_id)
        if period is not None:
            table = table.filter(pl.col("period") == period)
        if table.height == 1:
            row = table.row(0, named=True)
            src = f"footprint {factory_id} {row['period']}"
            for column, name, unit in (
                ("energy_intensity_tce_per_cny10k", "energy_per_value", "tce/万元"),
                ("co2_intensity_t_per_cny10k", "co2_per_value", "tCO2/万元"),
            ):
                if row.get(column) is not None:
                    out[name] = {"value": row[column], "unit": unit, "source": src}
            if inputs and inputs.get("renewable_energy_tce") is not None and row["energy_tce"]:
                out["renewable_share"] = {
                    "value": float(inputs["renewable_energy_tce"]) / row["energy_tce"],
                    "unit": "1",
                    "source": f"{src}; renewable energy given by the factory",
                }
        if product is not None and footprint.intensities is not None:
            p = footprint.intensities.filter(
                (pl.col("firm_id") == factory_id) & (pl.col("product") == product)
            )
            if period is not None:
                p = p.filter(pl.col("period") == period)
            if p.height == 1:
                r = p.row(0, named=True)
                src = f"footprint {factory_id} {r['period']} {product}"
                out["unit_product_energy"] = {
                    "value": r["energy_per_output_kgce"],
                    "unit": f"kgce/{r['output_unit']}",
                    "source": src,
                }
                out["unit_product_co2"] = {
                    "value": r["co2_per_output_t"],
                    "unit": f"tCO2/{r['output_unit']}",
                    "source": src,
                }
    f = {k: float(v) for k, v in (inputs or {}).items() if v is not None}
    src = "factory figures"
    if f.get("site_area_m2"):
        area = f["site_area_m2"]
        if "building_footprint_m2" in f:
            out["building_density"] = {
                "value": f["building_footprint_m2"] / area,
                "unit": "1",
                "source": src,
            }
        if "floor_area_m2" in f:
            out["floor_area_ratio"] = {
                "value": f["floor_area_m2"] / area,
                "unit": "1",
                "source": src,
            }
        if "output_value_cny10k" in f:
            out["value_per_land"] = {
                "value": f["output_value_cny10k"] / area,
                "unit": "万元/m2",
                "source": src,
            }
    if f.get("output_value_cny10k") and "water_withdrawal_t" in f:
        out["water_per_value"] = {
            "value": f["water_withdrawal_t"] / f["output_value_cny10k"],
            "unit": "t/万元",
            "source": src,
        }
    if f.get("waste_generated_t"):
        out["waste_recycling_rate"] = {
            "value": f.get("waste_utilised_t", 0.0) / f["waste_generated_t"],
            "unit": "1",
            "source": src,
        }
    return out


# -- scoring ----------------------------------------------------------------------------------
@dataclass
class GreenScore:
    """The result of scoring one assessment."""

    factory_id: str
    model: str
    items: pl.DataFrame
    by_indicator: pl.DataFrame
    points: float
    max_points: float
    score_pct: float
    passed: bool
    failed_vetoes: list[str]
    failed_mandatory: list[str]
    gap: pl.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        lines = [
            f"{self.factory_id} ({self.model}): {verdict}, {self.points:.2f} / {self.max_points:.2f} points "
            f"= {self.score_pct:.1f} %"
        ]
        lines += [f"  failed veto: {i}" for i in self.failed_vetoes]
        lines += [f"  mandatory item not met: {i}" for i in self.failed_mandatory]
        pm = self.provenance.get("pass_mark")
        lines.append(f"  pass mark: {pm if pm is not None else 'none (the standard gives none)'}")
        return "\n".join(lines)


def _err(file: str, item: str | None, message: str) -> InputError:
    where = f"{file}" + (f", item {item}" if item else "")
    return InputError(f"{where}: {message}", file=file, row=None, column=item, item=item)


def score(
    assessment: str | Path | Mapping[str, Any],
    *,
    model: str | Path | GreenFactoryModel | None = None,
    footprint: Any | None = None,
    weights: Mapping[str, float] | None = None,
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
        assessment's, else none (the standard gives none).

    Raises
    ------
    InputError
        Naming the file, the item and the reason: unknown item, status or
        fraction out of range, missing mandatory or veto answer, missing weight,
        missing baseline/leading value or indicator.
    """
    a = read_assessment(assessment)
    file = a.get("_file", "<assessment>")
    m = model if isinstance(model, GreenFactoryModel) else load_model(model or a.get("model") or "")
    items = m.items
    known = set(items["item_id"].to_list())
    answers: dict[str, dict[str, Any]] = {
        str(k): (v if isinstance(v, dict) else {"status": v})
        for k, v in (a.get("answers") or {}).items()
    }
    for item in answers:
        if item not in known:
            raise _err(file, item, f"unknown item; model {m.id} has {sorted(known)}")
    user_weights = {
        **{str(k): v for k, v in (a.get("weights") or {}).items()},
        **dict(weights or {}),
    }
    for item in user_weights:
        if item not in known:
            raise _err(file, item, "a weight is given for an item the model does not have")
    levels = {str(k): v for k, v in (a.get("levels") or {}).items()}
    indicators: dict[str, dict[str, Any]] = {}
    if footprint is not None:
        indicators.update(
            compute_indicators(
                footprint,
                factory_id=str(a.get("factory_id")),
                period=a.get("period"),
                product=a.get("product"),
                inputs=a.get("inputs"),
            )
        )
    elif a.get("inputs"):
        indicators.update(
            compute_indicators(None, factory_id=str(a.get("factory_id")), inputs=a.get("inputs"))
        )
    for name, v in (a.get("indicators") or {}).items():
        entry = v if isinstance(v, dict) else {"value": v}
        indicators[str(name)] = {**entry, "value": float(entry["value"]), "source": "manual"}

    rows = []
    missing_weights = []
    for it in items.iter_rows(named=True):
        iid, kind = it["item_id"], it["type"]
        ans = answers.get(iid, {})
        status = ans.get("status")
        if kind in ("veto", "mandatory") and status is None:
            raise _err(
                file, iid, f"a {kind} item needs an answer (met, partly, not_met or not_applicable)"
            )
        if status is not None and status not in STATUSES:
            raise _err(file, iid, f"status {status!r} is not one of {STATUSES}")
        if status == "not_applicable" and not ans.get("reason"):
            raise _err(file, iid, "not_applicable needs a reason")
        if status == "not_applicable" and kind == "veto":
            raise _err(file, iid, "the basic requirements cannot be not applicable")
        fraction = {"met": 1.0, "not_met": 0.0, "not_applicable": None, None: 0.0}.get(status)
        if status == "partly":
            fraction = ans.get("fraction")
            if fraction is None or not 0.0 <= float(fraction) <= 1.0:
                raise _err(file, iid, f"partly needs a fraction in [0, 1], got {fraction!r}")
            fraction = float(fraction)
        weight, weight_source = it["weight"], f"{m.id} ({it['weight_grade']})"
        if iid in user_weights:
            weight, weight_source = (
                float(user_weights[iid]),
                f"user: {a.get('weights_source', 'given weight')}",
            )
        if kind != "veto" and status != "not_applicable" and weight is None:
            missing_weights.append(iid)
            continue
        value = baseline = leading = None
        indicator_source = None
        if kind == "quantitative":
            if status != "not_applicable":
                name = it["indicator"]
                if name not in indicators:
                    raise _err(
                        file,
                        iid,
                        f"needs the indicator {name!r} (computed from the footprint or given "
                        "under indicators)",
                    )
                value, indicator_source = indicators[name]["value"], indicators[name].get("source")
                lv = levels.get(iid, {})
                baseline = (
                    float(lv["baseline"]) if lv.get("baseline") is not None else it["baseline"]
                )
                leading = float(lv["leading"]) if lv.get("leading") is not None else it["leading"]
                if baseline is None:
                    raise _err(file, iid, "needs a baseline value (基准值) under levels")
                fraction = _linear(value, baseline, leading, it["direction"])
        if kind == "veto":
            points = max_points = 0.0
        elif fraction is None:  # not applicable
            points = max_points = 0.0
        else:
            points, max_points = weight * fraction, weight
        rows.append(
            {
                "item_id": iid,
                "level1": it["level1"],
                "name": it["name_zh"],
                "type": kind,
                "status": status
                if kind != "quantitative" or status == "not_applicable"
                else "measured",
                "fraction": fraction,
                "weight": weight if kind != "veto" else None,
                "weight_source": weight_source if kind != "veto" else None,
                "points": points,
                "max_points": max_points,
                "indicator_value": value,
                "baseline": baseline,
                "leading": leading,
                "indicator_source": indicator_source,
                "evidence": ans.get("evidence"),
            }
        )
    if missing_weights:
        raise _err(
            file,
            ",".join(missing_weights),
            f"model {m.id} ships no verified weight for these items: give them under weights (with "
            "weights_source, e.g. your province's scheme) or with --weights",
        )
    table = pl.DataFrame(rows, infer_schema_length=None)
    failed_vetoes = table.filter((pl.col("type") == "veto") & (pl.col("status") != "met"))[
        "item_id"
    ].to_list()
    failed_mandatory = table.filter(
        (pl.col("type") == "mandatory")
        & (pl.col("status") != "met")
        & (pl.col("status") != "not_applicable")
    )["item_id"].to_list()
    points = float(table["points"].sum())
    max_points = float(table["max_points"].sum())
    pct = 100.0 * points / max_points if max_points else 0.0
    mark = pass_mark if pass_mark is not None else a.get("pass_mark")
    passed = (
        not failed_vetoes and not failed_mandatory and (mark is None or pct >= float(mark) - 1e-9)
    )
    by_indicator = (
        table.filter(pl.col("type") != "veto")
        .group_by("level1", maintain_order=True)
        .agg(pl.col("points").sum(), pl.col("max_points").sum())
    )
    gap = (
        table.filter(pl.col("type") != "veto")
        .with_columns(
            (pl.col("max_points") - pl.col("points")).alias("points_available"),
            (pl.col("type") == "mandatory")
            .and_(pl.col("status") != "met")
            .and_(pl.col("status") != "not_applicable")
            .alias("blocks_pass"),
        )
        .filter(pl.col("points_available") > 1e-12)
        .sort(["blocks_pass", "points_available"], descending=True)
        .select(
            "item_id",
            "name",
            "type",
            "status",
            "points",
            "max_points",
            "points_available",
            "blocks_pass",
        )
    )
    provenance = {
        "model": f"{m.id}@{m.manifest.version}",
        "document": m.manifest.document,
        "pass_mark": mark,
        "pass_mark_source": a.get("pass_mark_source") if mark is not None else None,
        "not_applicable_rule": "excluded from the maximum (carbonacct convention)",
        "scoring_rule": "linear between baseline and leading value (GB/T 36132-2025 §5 as read by third parties; "
        "secondary, low)",
        "assessment": file,
    }
    return GreenScore(
        str(a.get("factory_id")),
        m.id,
        table,
        by_indicator,
        points,
        max_points,
        pct,
        passed,
        failed_vetoes,
        failed_mandatory,
        gap,
        provenance,
    )


def _linear(x: float, baseline: float, leading: float | None, direction: str) -> float:
    """Fraction of the weight earned: 0 at the baseline, 1 at the leading value, linear between."""
    higher = direction == "higher_better"
    if leading is None:  # a threshold: all or nothing
        return 1.0 if (x >= baseline if higher else x <= baseline) else 0.0
    span = leading - baseline
    f = (
        (x - baseline) / span
        if span
        else (1.0 if (x >= leading if higher else x <= leading) else 0.0)
    )
    return min(max(f, 0.0), 1.0)


def score_many(
    assessments: Iterable[str | Path | Mapping[str, Any]], **options: Any
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Score many factories: a summary frame, and the exceptions (files that could not be scored)."""
    rows, exceptions = [], []
    for a in assessments:
        try:
            s = score(a, **options)
        except InputError as exc:
            exceptions.append(
                {
                    "assessment": str(a) if not isinstance(a, Mapping) else "<dict>",
                    "error": str(exc),
                }
            )
            continue
        rows.append(
            {
                "factory_id": s.factory_id,
                "model": s.model,
                "points": s.points,
                "max_points": s.max_points,
                "score_pct": s.score_pct,
                "passed": s.passed,
                "failed_vetoes": ",".join(s.failed_vetoes),
                "failed_mandatory": ",".join(s.failed_mandatory),
                "top_gap": s.gap["item_id"][0] if s.gap.height else None,
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None), exceptions
