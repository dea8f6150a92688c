"""Activity tables: value added and outputs per firm and period, checked row by row.

An activity input (CSV in UTF-8 or GBK, Parquet, a frame, or an Excel workbook)
is read from every part that holds an activity table: in a workbook each sheet
with one (a 增加值 sheet and a 产量 sheet alike, the header row found below title
rows), while a cover or notes sheet is skipped with a note naming it. Two layouts:

* long: ``firm_id``, ``period``, ``metric`` (``value_added`` or a product),
  ``value``, ``unit``, optional ``price_basis``;
* wide: ``firm_id``, ``period`` and one column per metric, its unit in the header
  (``增加值（万元）``, ``cement_clinker (t)``) or in a ``unit`` column.

Years are read from numbers (Excel cells) or text, values with thousands
separators (``1,000,000``); units are converted once per distinct unit. A bad
row fails only its firm and metric: it is a reject naming the file (and sheet),
the row as a spreadsheet numbers it, the column and the value as given. Rows in
= used + rejected + blank + coarser than the period asked for.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import Part, Source, TableLike, read_parts, refuse_empty_file
from carbonacct.periods import period_year
from carbonacct.readings import PERIODS, Period
from carbonacct.units import parse_unit

__all__ = ["Activity", "activity_price_basis", "check_rows", "product_unit", "read_activity"]

#: Headers of the value column that only an activity table uses (企业代码, 统计期, 产品, 产量, 单位).
VALUE_HEADERS = ("产量",)
VALUE_ADDED_NAMES = ("value_added", "增加值", "工业增加值", "value_added_cny10k")
_WIDE = re.compile(r"^(.+?)[\s_]*[（(][\s_]*([^()（）]+?)[\s_]*[)）]$")
_KEYS = ("firm_id", "period")
_NOT_METRICS = ("firm_id", "period", "unit", "price_basis", "name", "row", "note", "备注")
REJECT_SCHEMA = {
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
    "firm_id": pl.String,
    "period": pl.String,
    "metric": pl.String,
    "of": pl.String,
}


@dataclass(frozen=True)
class Activity:
    """The activity as read: ``frame`` (``firm_id``, ``period_label``, ``metric``,
    ``activity_unit``, ``activity``, ``price_basis``), the rows refused (``rejects``: file,
    row, column, value as given, reason, firm, period, metric) and what was said about it."""

    frame: pl.DataFrame
    source: Source
    rejects: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    #: The period it was read for (its ``period_label``), so that it can be passed on read.
    period: str | None = None


def _wide_columns(columns: list[str]) -> dict[str, tuple[str, str | None]]:
    """Columns holding one metric each: header -> (metric, unit written in the header)."""
    out: dict[str, tuple[str, str | None]] = {}
    for c in columns:
        if c in _NOT_METRICS:
            continue
        m = _WIDE.match(c)
        name, unit = (m.group(1), m.group(2)) if m else (c, None)
        if name in VALUE_ADDED_NAMES:
            out[c] = ("value_added", unit or ("万元" if name == "value_added_cny10k" else None))
        elif m:
            out[c] = (name, unit)
    return out


def _long(columns: list[str]) -> list[str]:
    cols = set(columns) | ({"value"} if set(VALUE_HEADERS) & set(columns) else set())
    return [c for c in ("firm_id", "period", "metric", "value", "unit") if c not in cols]


def _why_not(columns: list[str]) -> str | None:
    """None if the columns hold an activity table, else why not (for the sheet's note)."""
    missing = _long(columns)
    if not missing or (not set(_KEYS) - set(columns) and _wide_columns(columns)):
        return None
    shown = ", ".join(repr(c) for c in columns[:6]) + (" ..." if len(columns) > 6 else "")
    return f"no activity table: no column(s) {missing} (it has {shown})"


def _number_text(col: str, dtype: pl.DataType) -> pl.Expr:
    """A cell as the user wrote it: 2020 for a number cell holding 2020.0."""
    c = pl.col(col)
    if dtype.is_numeric():
        f = c.cast(pl.Float64)
        whole = f.is_finite() & (f == f.floor()) & (f.abs() < 1e15)
        return pl.when(whole).then(f.cast(pl.Int64).cast(pl.String)).otherwise(f.cast(pl.String))
    return c.cast(pl.String).str.strip_chars()


def _part_rows(part: Part) -> pl.DataFrame:
    """One part in the long layout, every cell as text, with its file label and row."""
    frame = part.frame.collect()
    if "value" not in frame.columns and not _long(frame.columns):
        frame = frame.rename({c: "value" for c in VALUE_HEADERS if c in frame.columns})
    schema = frame.schema
    text = {c: _number_text(c, schema[c]) for c in frame.columns}
    base = [
        (pl.int_range(pl.len(), dtype=pl.Int64) + part.first).alias("row"),
        pl.lit(part.label).alias("file"),
        *(
            (text[c] if c in text else pl.lit(None, dtype=pl.String)).alias(c)
            for c in ("firm_id", "period", "price_basis")
        ),
    ]
    if not _long(frame.columns):
        return frame.select(
            *base,
            *(text[c].alias(c) for c in ("metric", "value", "unit")),
            pl.lit("value").alias("_column"),
        )
    wide = _wide_columns(frame.columns)
    unit = text.get("unit", pl.lit(None, dtype=pl.String))
    return pl.concat(
        [
            frame.select(
                *base,
                pl.lit(metric).alias("metric"),
                text[col].alias("value"),
                (pl.lit(u) if u else unit).alias("unit"),
                pl.lit(col).alias("_column"),
            )
            for col, (metric, u) in wide.items()
        ]
    )


def _rows(source: TableLike) -> tuple[pl.DataFrame, Source, list[str]]:
    """Every activity row of every part, and a note per part not read."""
    parts, src = read_parts(source, wanted=_why_not)
    refuse_empty_file(parts, "activity table", ("firm_id", "period", "metric", "value", "unit"))
    notes = [f"{u.label}: not read ({u.reason})" for u in src.unread]
    if not parts:
        raise InputError(
            f"{src.name}: no activity table found ({'; '.join(notes) or 'empty'}). An activity "
            "table has firm_id, period, metric, value, unit (企业代码, 统计期, 指标, 指标值, "
            "计量单位), or a column per metric with its unit in the header (增加值（万元）).",
            file=src.name,
            row=None,
            column=None,
        )
    if len(parts) == 1 and parts[0].format != "excel":
        missing = _why_not(parts[0].frame.collect_schema().names())
        if missing is not None:
            raise InputError(
                f"{src.name}: {missing}; an activity table has firm_id, period, metric, value, "
                "unit, or a column per metric with its unit in the header (增加值（万元）).",
                file=src.name,
                row=None,
                column=None,
            )
    rows = pl.concat([_part_rows(p) for p in parts], how="diagonal_relaxed")
    return rows, src, notes + list(src.notes)


def product_unit(unit: str) -> str:
    """Products in mass are reported per t; other units (m2, pieces) as given.

    >>> product_unit("kg"), product_unit("m2")
    ('t', 'm2')
    """
    return "t" if parse_unit(unit).dimensionality == parse_unit("t").dimensionality else unit


@cache
def known_products() -> tuple[str, ...]:
    """Products with a shipped benchmark level or GB quota grade."""
    from carbonacct.benchmarks import benchmark_levels, quota_grades

    both = pl.concat([benchmark_levels().select("product"), quota_grades().select("product")])
    return tuple(sorted(both["product"].unique().to_list()))


def _money_factor(unit: str) -> float | None:
    from carbonacct.units import conversion_factor

    try:
        return conversion_factor(unit, "万元")
    except CarbonacctError:
        return None


def _metric_unit(metric: str, unit: str) -> tuple[float | None, str | None, str | None, str]:
    """(factor, target unit, why refused, column refused) of one metric and unit."""
    from carbonacct.units import conversion_factor

    money = _money_factor(unit)
    if metric == "value_added":
        if money is None:
            return None, None, f"{unit!r} is not a unit of value added (万元, 元, 亿元)", "unit"
        return money, "万元", None, ""
    known = ("value_added", *known_products())
    close = difflib.get_close_matches(metric, known, n=1, cutoff=0.8)
    if money is not None or (close and metric not in known):
        hint = f"closest: {close[0]!r}" if close else "no metric is close"
        what = f"is in {unit!r}, a currency, and is not value added" if money else "is unknown"
        why = (
            f"metric {metric!r} {what} ({hint}); known: 'value_added' (增加值, in 万元, 元, 亿元) "
            f"or a product ({', '.join(known[1:4])}... or a name of your own that is not a "
            "near-miss of a known one): correct the metric"
        )
        return None, None, why, "metric"
    try:
        target = product_unit(unit)
        return conversion_factor(unit, target), target, None, ""
    except CarbonacctError as exc:
        return None, None, f"{unit!r} is not a unit of output: {exc}", "unit"


def _conversions(rows: pl.DataFrame) -> pl.DataFrame:
    """Per distinct (metric, unit): the factor, or why the row is refused; once per unit."""
    pairs = rows.filter(pl.col("metric").is_not_null() & pl.col("unit").is_not_null())
    out = []
    for metric, unit in pairs.select("metric", "unit").unique().iter_rows():
        f, to, why, col = _metric_unit(metric, unit)
        money = _money_factor(unit) is not None
        out.append((metric, unit, f, to, why, col, money))
    schema = {
        "metric": pl.String,
        "unit": pl.String,
        "_f": pl.Float64,
        "activity_unit": pl.String,
        "_why": pl.String,
        "_wcol": pl.String,
        "_money": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema, orient="row")


def _given_twice() -> tuple[pl.Expr, str]:
    """The same firm, period and metric on two rows (two sheets, or a row pasted twice) would be
    summed into a figure nobody gave: both rows are refused, each naming the other."""
    key = ("firm_id", "_own", "metric")
    twice = pl.struct(*key).is_duplicated() & pl.col("_own").is_not_null()
    return twice, "metric"


def _checked(rows: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Each row with its period label, value in the metric's unit, or the reason it is refused."""
    from carbonacct._timeparse import parse_period
    from carbonacct.readings import _THOUSANDS

    label, rank = parse_period(pl.col("period"), period)
    own, _ = parse_period(pl.col("period"), "month")  # the period as given: 2024, 2024Q1 ...
    raw = pl.col("value")
    num = pl.when(raw.str.contains(_THOUSANDS)).then(raw.str.replace_all(",", "")).otherwise(raw)
    rows = rows.with_columns(
        pl.col("metric")
        .str.to_lowercase()
        .str.replace(r"^(增加值|工业增加值|value added)$", "value_added"),
        label.alias("period_label"),
        rank.alias("_rank"),
        own.alias("_own"),
        num.cast(pl.Float64, strict=False).alias("_v"),
    )
    rows = rows.join(_conversions(rows), on=["metric", "unit"], how="left", nulls_equal=True)
    where = pl.format("{} row {}", pl.col("file"), pl.col("row")).str.join("; ")
    rows = rows.with_columns(
        pl.format(
            "{} given more than once for this firm and period ({}): give it once",
            pl.col("metric"),
            where.over("firm_id", "_own", "metric"),
        ).alias("_twice")
    )
    v, empty = pl.col("_v"), lambda c: pl.col(c).is_null() | (pl.col(c) == "")
    checks: list[tuple[pl.Expr, str | pl.Expr, pl.Expr]] = [
        (empty("firm_id"), "firm_id", pl.lit("empty cell")),
        (
            pl.col("_rank").is_null(),
            "period",
            pl.format("{} is not a period like 2024, 2024Q1 or 2024年3月", pl.col("period")),
        ),
        (empty("metric"), "metric", pl.lit("empty cell")),
        (empty("value"), pl.col("_column"), pl.lit("empty cell")),
        (v.is_null(), pl.col("_column"), pl.format("{} is not a number", raw)),
        (
            v.is_nan() | v.is_infinite() | (v <= 0),
            pl.col("_column"),
            pl.format(
                "{} is not a positive finite number (value added and outputs must be > 0)", raw
            ),
        ),
        (empty("unit"), "unit", pl.lit("empty cell")),
        (pl.col("_why").is_not_null(), pl.col("_wcol"), pl.col("_why")),
        (*_given_twice(), pl.col("_twice")),
    ]
    column, reason = pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.String)
    for cond, col, why in reversed(checks):
        column = pl.when(cond).then(pl.lit(col) if isinstance(col, str) else col).otherwise(column)
        reason = pl.when(cond).then(why).otherwise(reason)
    rows = rows.with_columns(column.alias("_bad_col"), reason.alias("_reason"))
    given = pl.col("value")
    for col in ("unit", "metric", "period", "firm_id"):
        given = pl.when(pl.col("_bad_col") == col).then(pl.col(col)).otherwise(given)
    return rows.with_columns(given.alias("_given"))


def _rejects(checked: pl.DataFrame) -> pl.DataFrame:
    """The refused rows: where (file, row, column), the value as given, why, and whose."""
    return (
        checked.filter(pl.col("_reason").is_not_null())
        .select(
            "file",
            "row",
            pl.col("_bad_col").alias("column"),
            pl.col("_given").alias("value"),
            pl.col("_reason").alias("reason"),
            "firm_id",
            pl.coalesce("period_label", "period").alias("period"),
            "metric",
            pl.when((pl.col("metric") == "value_added") | pl.col("_money").fill_null(False))
            .then(pl.lit("value_added"))
            .otherwise(pl.lit("output"))
            .alias("of"),
        )
        .cast(REJECT_SCHEMA)  # type: ignore[arg-type]
    )


def _ledger(src: Source, n: int, blank: int, rejects: pl.DataFrame, coarse: int) -> list[str]:
    """rows in = used + rejected + blank + coarser, and the first rejects by place."""
    used = n - blank - rejects.height - coarse
    line = f"activity {src.name}: rows in {n} = used {used} + rejected {rejects.height}"
    line += f" + blank {blank}" if blank else ""
    line += f" + longer than the period {coarse}" if coarse else ""
    out = [line]
    for r in rejects.head(5).iter_rows(named=True):
        out.append(
            f"activity {r['file']}, row {r['row']}, column {r['column']!r}: {r['reason']}; "
            f"firm {r['firm_id']}'s {r['metric'] or 'activity'} in {r['period']} is not used"
        )
    if rejects.height > 5:
        out.append(f"activity: {rejects.height - 5} more row(s) refused (see activity_rejects)")
    return out


def _covering(used: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Rows summed into a longer period must cover it, in one granularity: the 4 quarters or 12
    months of a year, the 3 months of a quarter; otherwise the rows are refused (a year's value
    added from its first quarter alone would look like the year's)."""
    target = PERIODS.index(period)
    months = 12 if period == "year" else 3
    rank = pl.col("_rank")
    expected = pl.when(rank == target).then(1).when(rank == 0).then(months).otherwise(4)
    key = ("firm_id", "period_label", "metric")
    mixed = rank.n_unique().over(key) > 1
    short = pl.col("_own").n_unique().over(key) < expected
    given = pl.col("_own").unique().sort().str.join(", ").over(key)
    why = (
        pl.when(mixed)
        .then(pl.format("{} of {} is given both whole and in parts ({}): give one", "metric",
                        "period_label", given))
        .when(short)
        .then(pl.format("{} of {} is given for {} only, not the whole {}: give every part or "
                        "the whole", "metric", "period_label", given, pl.lit(period)))
    )  # fmt: skip
    return used.with_columns(
        why.alias("_reason"),
        pl.when(why.is_not_null()).then(pl.lit("period")).alias("_bad_col"),
        pl.col("period").alias("_given"),
    )


def read_activity(activity: TableLike | Activity, period: Period) -> Activity:
    """Activity summed per firm, period label and metric, in 万元 or the product unit.

    Rows that cannot be used are refused one by one (:attr:`Activity.rejects`), never
    the whole input; an input that holds no activity table at all is an error. An
    :class:`Activity` already read for ``period`` is returned as it is (read once, used twice).

    Raises
    ------
    InputError
        When no part of the input holds an activity table (each part named with why), or an
        activity read for another period is given.
    """
    if isinstance(activity, Activity):
        if activity.period != period:
            raise InputError(
                f"activity {activity.source.name}: read for period {activity.period!r}, "
                f"needed by {period!r}; pass the activity table itself.",
                file=activity.source.name,
            )
        return activity
    rows, src, notes = _rows(activity)
    cells = [c for c in ("firm_id", "period", "metric", "value") if c in rows.columns]
    is_blank = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c) == "") for c in cells)
    n = rows.height
    rows = rows.filter(~is_blank)
    checked = _checked(rows, period)
    good = checked.filter(pl.col("_reason").is_null())
    coarse = good.filter(pl.col("_rank") > PERIODS.index(period))
    used = _covering(good.filter(pl.col("_rank") <= PERIODS.index(period)), period)
    rejects = _rejects(pl.concat([checked, used], how="diagonal_relaxed"))
    used = used.filter(pl.col("_reason").is_null())
    blank = n - rows.height
    warnings = list(notes)
    if notes or blank or rejects.height:  # a clean single table: only the period is said
        warnings += _ledger(src, n, blank, rejects, coarse.height)
    if coarse.height:
        warnings.append(
            f"{coarse.height} activity row(s) cover a longer period than '{period}'; "
            "no intensity is computed for them"
        )
    frame = (
        used.with_columns((pl.col("_v") * pl.col("_f")).alias("activity"))
        .group_by("firm_id", "period_label", "metric", "activity_unit")
        .agg(pl.col("activity").sum(), pl.col("price_basis").drop_nulls().first())
        .sort("firm_id", "period_label", "metric")
    )
    return Activity(frame, src, rejects, warnings, period)


def activity_price_basis(activity: Activity, default: str | None) -> pl.DataFrame | str | None:
    """The prices of each firm-year's value added (``firm_id``, ``year``, ``price_basis``):
    the activity's column where given, else ``default``."""
    if activity.frame["price_basis"].null_count() == activity.frame.height:
        return default
    return activity.frame.filter(pl.col("metric") == "value_added").select(
        "firm_id",
        period_year("period_label").cast(pl.Int32, strict=False).alias("year"),
        pl.coalesce(pl.col("price_basis"), pl.lit(default)).alias("price_basis"),
    )


def check_rows(rejects: pl.DataFrame) -> pl.DataFrame:
    """The rules a refused activity row fails, as invalid rows of the check's actuals: value
    added fails the firm's intensities per value added, an output its product's intensity."""
    va = pl.col("of") == "value_added"
    base = rejects.select(
        "firm_id",
        period_year().cast(pl.Int32, strict=False).alias("year"),
        pl.when(va).then(None).otherwise(pl.col("metric")).alias("product"),
        "row",
        pl.col("file").alias("source"),
        pl.format("column '{}': {}", pl.col("column"), pl.col("reason")).alias("invalid"),
        va.alias("_va"),
    )
    per_va = [
        base.filter(pl.col("_va")).with_columns(pl.lit(m).alias("metric"))
        for m in ("energy_intensity_va", "co2_intensity_va")
    ]
    per_product = base.filter(~pl.col("_va")).with_columns(
        pl.lit("product_energy_intensity").alias("metric")
    )
    return pl.concat([*per_va, per_product]).drop("_va")
