"""The steps of a green-factory score: answers, weights, levels, points, verdict, gap.

Each step takes what the one before returned; :func:`carbonacct.green_factory.score`
calls them in order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.green_factory.model import GreenFactoryModel
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import INDICATOR_STATUSES

_FRACTION = {"met": 1.0, "not_met": 0.0, "not_applicable": None, None: 0.0}
#: Points are compared with the pass mark at this precision, so 96.0000000001 % is not short of 96 %.
_TOLERANCE = 1e-9


def refuse(file: str, item: str | None, message: str) -> InputError:
    """An error naming the assessment file and the item."""
    where = f"{file}" + (f", item {item}" if item else "")
    return InputError(f"{where}: {message}", file=file, row=None, column=item, item=item)


def number(value: Any, file: str, item: str, what: str) -> float:
    """``value`` as a finite float, else an error naming the file, the item and ``what``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x):
        raise refuse(file, item, f"{what} {value!r} is not a number")
    return x


def _answer(item: str, kind: str, raw: Any, file: str) -> dict[str, Any]:
    ans = dict(raw) if isinstance(raw, Mapping) else {"status": raw}
    status = ans.get("status")
    if kind in ("veto", "mandatory") and status is None:
        raise refuse(
            file, item, f"a {kind} item needs an answer (met, partly, not_met or not_applicable)"
        )
    if status is not None and status not in INDICATOR_STATUSES:
        raise refuse(file, item, f"status {status!r} is not one of {tuple(INDICATOR_STATUSES)}")
    if status == "not_applicable" and not ans.get("reason"):
        raise refuse(file, item, "not_applicable needs a reason")
    if status == "not_applicable" and kind == "veto":
        raise refuse(file, item, "the basic requirements cannot be not applicable")
    ans["fraction"] = _FRACTION.get(status)
    if status == "partly":
        given = raw.get("fraction") if isinstance(raw, Mapping) else None
        f = None if given is None else number(given, file, item, "partly needs a fraction, got")
        if f is None or not 0.0 <= f <= 1.0:
            raise refuse(file, item, f"partly needs a fraction in [0, 1], got {given!r}")
        ans["fraction"] = f
    return ans


def answers(a: Mapping[str, Any], model: GreenFactoryModel, file: str) -> dict[str, dict[str, Any]]:
    """Item → checked answer (status, fraction, reason, evidence); unknown items refused."""
    given = {str(k): v for k, v in (a.get("answers") or {}).items()}
    kinds = dict(zip(model.items["item_id"], model.items["type"], strict=True))
    for item in given:
        if item not in kinds:
            raise refuse(file, item, f"unknown item; model {model.id} has {sorted(kinds)}")
    checked = {item: _answer(item, kinds[item], raw, file) for item, raw in given.items()}
    # the answers given are checked first, so a bad value is named before a missing answer
    return {
        item: checked.get(item) or _answer(item, kind, None, file) for item, kind in kinds.items()
    }


def weights(
    a: Mapping[str, Any],
    model: GreenFactoryModel,
    given: Mapping[str, Any] | None,
    answered: Mapping[str, Mapping[str, Any]],
    file: str,
) -> dict[str, tuple[float, str]]:
    """Item → (weight, where it came from): the user's over the model's; missing ones refused."""
    user = {str(k): v for k, v in (a.get("weights") or {}).items()}
    user_source = f"user: {a.get('weights_source') or 'weights in the assessment'}"
    sources = dict.fromkeys(user, user_source)
    for k, v in (given or {}).items():
        user[str(k)], sources[str(k)] = v, "user: weights given to the call (--weights)"
    out: dict[str, tuple[float, str]] = {}
    missing = []
    for it in model.items.iter_rows(named=True):
        iid = it["item_id"]
        if iid in user:
            out[iid] = (number(user.pop(iid), file, iid, "weight"), sources[iid])
        elif it["weight"] is not None:
            out[iid] = (it["weight"], f"{model.id} ({it['weight_grade']})")
        elif it["type"] != "veto" and answered[iid].get("status") != "not_applicable":
            missing.append(iid)
    if user:
        raise refuse(
            file, next(iter(user)), "a weight is given for an item the model does not have"
        )
    if missing:
        raise refuse(
            file,
            ",".join(missing),
            f"model {model.id} ships no verified weight for these items: give them under weights "
            "(with weights_source, e.g. your province's scheme) or with --weights",
        )
    return out


def _quota_levels(item: Mapping[str, Any], product: str, file: str) -> dict[str, Any] | None:
    """Baseline = grade 2, leading = grade 1 of the product's GB quota, in the item's unit."""
    from carbonacct.benchmarks import quota_grades

    # a product may have several graded indicators: its comprehensive energy first
    g = quota_grades().filter(pl.col("product") == product)
    g = g.sort(pl.col("metric") != "product_energy_intensity", maintain_order=True)
    if g.height == 0:
        return None
    r = g.row(0, named=True)
    # only a comprehensive energy per unit product may stand for 单位产品综合能耗: never an
    # electricity consumption (铝液交流电耗, 熟料电耗) or a per-energy-factor figure (炼油)
    if "能耗" not in r["indicator"] or "电耗" in r["indicator"] or "能量因数" in r["indicator"]:
        raise refuse(
            file,
            item["item_id"],
            f"the GB quota of {product!r} grades {r['indicator']} ({r['unit']}), not a "
            "comprehensive energy per unit product; give baseline and leading under levels",
        )
    try:
        k = conversion_factor(r["unit"], item["unit"])
    except CarbonacctError:
        raise refuse(
            file,
            item["item_id"],
            f"the GB quota of {product!r} is in {r['unit']}, not convertible to the item's "
            f"{item['unit']}; give baseline and leading under levels",
        ) from None
    if r["grade1"] is None or r["grade2"] is None:
        raise refuse(
            file,
            item["item_id"],
            f"{r['standard']} publishes no grade 1 or grade 2 for {product!r} (only the "
            "limit): give baseline and leading under levels",
        )
    source = f"{r['standard']} {r['table']}: grade 2 / grade 1 ({r['grade']})"
    return {"baseline": r["grade2"] * k, "leading": r["grade1"] * k, "source": source}


def levels(a: Mapping[str, Any], model: GreenFactoryModel, file: str) -> dict[str, dict[str, Any]]:
    """Quantitative item → baseline, leading and their source (assessment, GB quota, model)."""
    given = {str(k): v for k, v in (a.get("levels") or {}).items()}
    product = a.get("quota_product") or a.get("product")
    out: dict[str, dict[str, Any]] = {}
    for it in model.items.filter(pl.col("type") == "quantitative").iter_rows(named=True):
        iid, lv = it["item_id"], given.get(it["item_id"]) or {}
        if not isinstance(lv, Mapping):
            raise refuse(file, iid, f"levels are baseline and leading values, got {lv!r}")
        quota = None
        if not lv and it["levels_from"] == "gb_quota" and product:
            quota = _quota_levels(it, str(product), file)
        if quota is not None:
            out[iid] = quota
            continue
        out[iid] = {
            k: number(lv[k], file, iid, k) if lv.get(k) is not None else it[k]
            for k in ("baseline", "leading")
        }
        out[iid]["source"] = "assessment" if lv else f"model {model.id}"
    return out


def linear(x: float, baseline: float, leading: float | None, direction: str) -> float:
    """Fraction of the weight earned: 0 at the baseline, 1 at the leading value, linear between."""
    higher = direction == "higher_better"
    if leading is None or leading == baseline:  # a threshold: all or nothing
        limit = baseline if leading is None else leading
        return 1.0 if (x >= limit if higher else x <= limit) else 0.0
    return min(max((x - baseline) / (leading - baseline), 0.0), 1.0)


def measured(
    item: Mapping[str, Any], indicators: Mapping[str, Mapping[str, Any]], file: str
) -> tuple[float, str]:
    """The item's indicator value in the item's unit, and its source."""
    name = item["indicator"]
    if name not in indicators:
        raise refuse(
            file,
            item["item_id"],
            f"needs the indicator {name!r} (computed from the footprint and the inputs, or "
            "given under indicators with its unit)",
        )
    ind = indicators[name]
    try:
        k = conversion_factor(ind["unit"], item["unit"] or ind["unit"])
    except CarbonacctError as exc:
        raise refuse(file, item["item_id"], f"indicator {name!r}: {exc}") from None
    return ind["value"] * k, str(ind.get("source"))


def item_row(
    it: Mapping[str, Any],
    ans: Mapping[str, Any],
    weight: tuple[float, str] | None,
    value: tuple[float, str] | None,
    level: Mapping[str, Any] | None,
    file: str,
) -> dict[str, Any]:
    """One scored item: fraction, points and the maximum, with where each number came from."""
    kind, status, fraction = it["type"], ans.get("status"), ans.get("fraction")
    lv = level or {}
    if value is not None:
        if lv.get("baseline") is None:
            raise refuse(file, it["item_id"], "needs a baseline value (基准值) under levels")
        fraction = linear(value[0], lv["baseline"], lv.get("leading"), it["direction"])
        # a value entered by hand is the user's figure, not one carbonacct measured
        status = "user_entered" if value[1] == "manual" else "measured"
    w, w_source = weight if weight is not None and kind != "veto" else (None, None)
    earned, most = (w * fraction, w) if w is not None and fraction is not None else (0.0, 0.0)
    return {
        "item_id": it["item_id"],
        "level1": it["level1"],
        "name": it["name_zh"],
        "type": kind,
        "status": status,
        "fraction": fraction,
        "weight": w,
        "weight_source": w_source,
        "points": earned,
        "max_points": most,
        "indicator_value": value[0] if value else None,
        "unit": it["unit"] if value else None,
        "baseline": lv.get("baseline") if value else None,
        "leading": lv.get("leading") if value else None,
        "levels_source": lv.get("source") if value else None,
        "indicator_source": value[1] if value else None,
        "evidence": ans.get("evidence"),
    }


def points(
    model: GreenFactoryModel,
    answered: Mapping[str, Mapping[str, Any]],
    weight: Mapping[str, tuple[float, str]],
    levels: Mapping[str, Mapping[str, Any]],
    indicators: Mapping[str, Mapping[str, Any]],
    file: str,
) -> pl.DataFrame:
    """One row per item of the model: its answer or measured value turned into points."""
    rows = []
    for it in model.items.iter_rows(named=True):
        iid = it["item_id"]
        ans = answered[iid]
        measure = it["type"] == "quantitative" and ans.get("status") != "not_applicable"
        value = measured(it, indicators, file) if measure else None
        rows.append(item_row(it, ans, weight.get(iid), value, levels.get(iid), file))
    return pl.DataFrame(rows, infer_schema_length=None)


def verdict(table: pl.DataFrame, mark: float | None) -> dict[str, Any]:
    """Pass, fail or no verdict; failed vetoes and mandatory items; points short of the mark.

    A failed veto or mandatory item fails under any pass mark. Otherwise,
    without a pass mark there is no verdict (GB/T 36132 gives none).
    """
    unmet = pl.col("status").is_in(["met", "not_applicable"]).not_()
    vetoes = table.filter((pl.col("type") == "veto") & unmet)["item_id"].to_list()
    mandatory = table.filter((pl.col("type") == "mandatory") & unmet)["item_id"].to_list()
    points, max_points = float(table["points"].sum()), float(table["max_points"].sum())
    pct = 100.0 * points / max_points if max_points else 0.0
    short = None
    if mark is not None:
        short = max(0.0, mark / 100.0 * max_points - points)
        short = 0.0 if short <= _TOLERANCE * max(1.0, max_points) else short
    passed: bool | None = None
    if vetoes or mandatory:
        passed = False
    elif short is not None:
        passed = short == 0.0
    return {
        "points": points,
        "max_points": max_points,
        "score_pct": pct,
        "passed": passed,
        "failed_vetoes": vetoes,
        "failed_mandatory": mandatory,
        "points_short": short,
    }


def by_indicator(table: pl.DataFrame) -> pl.DataFrame:
    """Points and the maximum per first-level indicator."""
    return (
        table.filter(pl.col("type") != "veto")
        .group_by("level1", maintain_order=True)
        .agg(pl.col("points").sum(), pl.col("max_points").sum())
    )


def gap(table: pl.DataFrame) -> pl.DataFrame:
    """What stands between the factory and a pass: failed vetoes and mandatory items first,
    then the unmet items by the points each would add."""
    unmet = pl.col("status").is_in(["met", "not_applicable"]).not_()
    return (
        table.with_columns(
            (pl.col("max_points") - pl.col("points")).alias("points_available"),
            (pl.col("type").is_in(["veto", "mandatory"]) & unmet).alias("blocks_pass"),
        )
        .filter((pl.col("points_available") > 1e-12) | pl.col("blocks_pass"))
        .sort(["blocks_pass", "points_available"], descending=True, maintain_order=True)
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


def weight_origins(table: pl.DataFrame) -> pl.DataFrame:
    """Nominal points per source of the weights (the user's scheme or the model), items named."""
    return (
        table.filter(pl.col("weight").is_not_null())
        .group_by("weight_source", maintain_order=True)
        .agg(pl.col("weight").sum().alias("points"), pl.col("item_id").alias("items"))
    )
