"""Readings: ingestion, validation and unit normalisation of meter and fuel records.

Input is long format, one reading a row: ``firm_id``, ``carrier``, ``value``,
``unit`` and either ``timestamp`` or ``period`` (``2024``, ``2024Q1``,
``2024-03``); optional ``meter_id``, ``site_id``, ``flow`` (``in``/``out``),
``use`` (``fuel``/``feedstock``) and ``kind`` (``interval``/``register``).

:func:`prepare_readings` returns a lazy frame in which every input row is
still present, with either its amount in the carrier's canonical unit or a
``reject_reason``. Nothing is dropped: rows in = rows accounted + rows
rejected. Every check is a column expression; pint is called once per
distinct (carrier, unit) pair, never per value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import polars as pl

from carbonacct.errors import DimensionalityError, InputError, UnknownUnitError
from carbonacct.io import Source
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import _fold, carrier_names, carriers

__all__ = [
    "PERIODS",
    "REJECT_REASONS",
    "Prepared",
    "ReadingOptions",
    "carrier_table",
    "prepare_readings",
    "unit_table",
]

Period = Literal["year", "quarter", "month"]
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")

#: Why a row can be rejected, in the order the checks run.
REJECT_REASONS: dict[str, str] = {
    "missing_firm_id": "firm_id is empty",
    "missing_carrier": "carrier is empty",
    "unknown_carrier": "carrier is not a known code or name",
    "missing_value": "value is empty",
    "not_a_number": "value is not a number",
    "missing_unit": "unit is empty",
    "unknown_unit": "unit is not a known unit",
    "unit_dimension": "unit does not measure this carrier (e.g. kWh for diesel)",
    "missing_time": "neither timestamp nor period is given",
    "bad_timestamp": "timestamp cannot be read",
    "bad_period": "period is not like 2024, 2024Q1 or 2024-03",
    "period_coarser_than_requested": "the reading covers a longer period than the one asked for",
    "bad_flow": "flow is not in/out",
    "bad_use": "use is not fuel/feedstock",
    "bad_kind": "kind is not interval/register",
    "register_without_timestamp": "a register reading needs a timestamp",
    "negative_value": "an interval reading is negative",
    "duplicate_reading": "the same meter and time appear again with the same value",
    "conflicting_duplicate": "the same meter and time appear again with a different value",
    "register_reset": "a register went backwards without a plausible rollover",
    "unknown_firm": "firm_id is not in the firms table",
    "steam_needs_enthalpy": "steam given by mass needs a steam enthalpy to become heat",
    "missing_factor": "no factor for this carrier, region and year",
}

_FLOW = {
    "in": "in",
    "输入": "in",
    "购入": "in",
    "外购": "in",
    "input": "in",
    "out": "out",
    "输出": "out",
    "外供": "out",
    "外销": "out",
    "exported": "out",
    "export": "out",
}
_USE = {
    "fuel": "fuel",
    "燃料": "fuel",
    "feedstock": "feedstock",
    "原料": "feedstock",
    "原料用能": "feedstock",
    "material": "feedstock",
}
_KIND = {
    "interval": "interval",
    "间隔": "interval",
    "register": "register",
    "累计": "register",
    "表底": "register",
    "cumulative": "register",
}
_TS_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


@dataclass(frozen=True)
class ReadingOptions:
    """How readings are interpreted.

    Attributes
    ----------
    period : {'year', 'quarter', 'month'}
        Granularity of the results.
    steam_enthalpy : float or None
        Enthalpy of purchased steam [kJ/kg], to turn steam mass into heat.
    steam_feedwater_enthalpy : float or None
        Enthalpy deducted for the returned condensate or feed water [kJ/kg]
        (the NDRC guideline formula deducts 83.74 kJ/kg, water at 20 °C); None
        deducts nothing. Always an explicit choice, recorded on the result.
    rollover_fraction : float
        A register that goes backwards is read as a rollover when the wrapped
        delta is at most this fraction of the counter's capacity (the next
        power of ten above the last reading); otherwise the row is a reset.
    check_duplicates : bool
        Reject repeated readings of one meter at one time.
    """

    period: Period = "year"
    steam_enthalpy: float | None = None
    steam_feedwater_enthalpy: float | None = None
    rollover_fraction: float = 0.1
    check_duplicates: bool = True


def carrier_table(raw: Iterable[str | None]) -> pl.DataFrame:
    """Map distinct raw carrier strings to carrier codes (one lookup per distinct string)."""
    names = carrier_names()
    info = carriers().select("code", "category", "dimension", "canonical_unit")
    raw_list = [r for r in dict.fromkeys(raw) if r is not None]
    codes = [names.get(_fold(r)) for r in raw_list]
    frame = pl.DataFrame(
        {"carrier_raw": raw_list, "carrier": codes},
        schema={"carrier_raw": pl.String, "carrier": pl.String},
    )
    return frame.join(info, left_on="carrier", right_on="code", how="left")


_DIM_UNITS = {"mass": "t", "volume": "Nm3", "energy": "GJ"}


def unit_table(pairs: Iterable[tuple[str | None, str | None]]) -> pl.DataFrame:
    """Conversion of each distinct (carrier, unit) pair to the carrier's canonical unit.

    Columns: ``carrier``, ``unit``, ``to_canonical`` (factor), ``amount_unit``
    and ``unit_error`` (``unknown_unit`` or ``unit_dimension``). Steam may be
    given as mass (t) or as heat (GJ).
    """
    info = {r["code"]: r for r in carriers().iter_rows(named=True)}
    rows = []
    for carrier, unit in dict.fromkeys(pairs):
        if carrier is None or unit is None or carrier not in info:
            continue
        targets = [info[carrier]["canonical_unit"]]
        if carrier == "steam":
            targets.append("GJ")
        factor: float | None = None
        target: str | None = None
        error: str | None = "unit_dimension"
        for candidate in targets:
            try:
                factor, target, error = conversion_factor(unit, candidate), candidate, None
                break
            except UnknownUnitError:
                error = "unknown_unit"
                break
            except DimensionalityError:
                error = "unit_dimension"
        rows.append(
            {
                "carrier": carrier,
                "unit": unit,
                "to_canonical": factor,
                "amount_unit": target,
                "unit_error": error,
            }
        )
    schema = {
        "carrier": pl.String,
        "unit": pl.String,
        "to_canonical": pl.Float64,
        "amount_unit": pl.String,
        "unit_error": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _period_of_timestamp(ts: pl.Expr, period: Period) -> pl.Expr:
    year = ts.dt.year().cast(pl.String)
    if period == "year":
        return year
    if period == "quarter":
        return year + pl.lit("Q") + ts.dt.quarter().cast(pl.String)
    return ts.dt.strftime("%Y-%m")


def _parse_period(label: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr]:
    """(period label at the requested granularity, granularity rank of the input label)."""
    s = (
        label.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"^(\d{4})年第?([1-4])季度?$", "${1}Q${2}")
        .str.replace(r"^(\d{4})年(\d{1,2})月$", "${1}-${2}")
        .str.replace(r"^(\d{4})年$", "${1}")
        .str.replace(r"^(\d{4})[-/]?M?(\d)$", "${1}-0${2}")
        .str.replace(r"^(\d{4})[/M](\d{2})$", "${1}-${2}")
        .str.replace(r"^(\d{4})(\d{2})$", "${1}-${2}")
        .str.to_uppercase()
    )
    is_year = s.str.contains(r"^\d{4}$")
    is_quarter = s.str.contains(r"^\d{4}Q[1-4]$")
    is_month = s.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
    rank = pl.when(is_month).then(0).when(is_quarter).then(1).when(is_year).then(2).otherwise(None)
    year = s.str.slice(0, 4)
    month = s.str.slice(5, 2).cast(pl.Int32, strict=False)
    quarter = (
        pl.when(is_quarter)
        .then(s.str.slice(5, 1).cast(pl.Int32, strict=False))
        .otherwise((month - 1) // 3 + 1)
    )
    if period == "year":
        out = year
    elif period == "quarter":
        out = year + pl.lit("Q") + quarter.cast(pl.String)
    else:
        out = s
    return out, rank


def _parse_timestamp(col: pl.Expr) -> pl.Expr:
    text = col.cast(pl.String).str.strip_chars()
    return pl.coalesce([text.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TS_FORMATS])


def _first_reason(checks: list[tuple[pl.Expr, str]]) -> pl.Expr:
    """The reason of the first failing check, or null."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(checks):
        expr = pl.when(condition.fill_null(False)).then(pl.lit(reason)).otherwise(expr)
    return expr


def _normalise(col: str, mapping: dict[str, str], default: str) -> pl.Expr:
    raw = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(raw.is_null() | (raw == ""))
        .then(pl.lit(default))
        .otherwise(raw.replace_strict(mapping, default=None, return_dtype=pl.String))
    )


REQUIRED = ("firm_id", "carrier", "value", "unit")
OPTIONAL = ("timestamp", "period", "meter_id", "site_id", "flow", "use", "kind")


@dataclass(frozen=True)
class Prepared:
    """Prepared readings and what the pre-pass learnt of them (distinct carriers, years)."""

    frame: pl.LazyFrame
    carriers: pl.DataFrame
    years: tuple[int, ...]


def prepare_readings(lf: pl.LazyFrame, source: Source, options: ReadingOptions) -> Prepared:
    """Validate and normalise readings; every row kept, bad ones with a reason.

    Returns a lazy frame with ``row_nr`` (1-based data row of the input),
    ``firm_id``, ``meter_id``, ``site_id``, ``carrier`` (code), ``category``,
    ``flow``, ``use``, ``kind``, ``period``, ``timestamp``, ``value``, ``unit``,
    ``amount`` (in ``amount_unit``, the carrier's canonical unit; for steam
    the heat in GJ), ``note`` and ``reject_reason``.

    Raises
    ------
    InputError
        If a required column is missing (a file-level error, named with the file).
    """
    names = lf.collect_schema().names()
    missing = [c for c in REQUIRED if c not in names]
    if "timestamp" not in names and "period" not in names:
        missing.append("timestamp or period")
    if missing:
        raise InputError(
            f"{source.name}: missing column(s) {missing}. Readings need firm_id, carrier, value, "
            "unit and a timestamp or period column (Chinese headers such as 能源品种, 数量, 计量单位 "
            "are mapped; see carbonacct.vocabulary.COLUMN_MAP).",
            file=source.name,
            row=None,
            column=missing[0],
        )
    lf = lf.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in OPTIONAL if c not in names]
    ).with_row_index("row_nr", offset=1)

    value = pl.col("value").cast(pl.Float64, strict=False)
    text = {
        c: pl.col(c).cast(pl.String).str.strip_chars()
        for c in ("firm_id", "carrier", "unit", "meter_id", "site_id")
    }
    lf = lf.select(
        "row_nr",
        text["firm_id"].replace("", None).alias("firm_id"),
        text["meter_id"].replace("", None).alias("meter_id"),
        text["site_id"].replace("", None).alias("site_id"),
        text["carrier"].replace("", None).alias("carrier_raw"),
        pl.col("value").cast(pl.String).str.strip_chars().replace("", None).alias("value_raw"),
        value.alias("value"),
        text["unit"].replace("", None).alias("unit"),
        _parse_timestamp(pl.col("timestamp")).alias("timestamp"),
        pl.col("timestamp")
        .cast(pl.String)
        .str.strip_chars()
        .replace("", None)
        .alias("timestamp_raw"),
        pl.col("period").cast(pl.String).str.strip_chars().replace("", None).alias("period_raw"),
        _normalise("flow", _FLOW, "in").alias("flow"),
        _normalise("use", _USE, "fuel").alias("use"),
        _normalise("kind", _KIND, "interval").alias("kind"),
        pl.col("flow").cast(pl.String).alias("flow_raw"),
        pl.col("use").cast(pl.String).alias("use_raw"),
        pl.col("kind").cast(pl.String).alias("kind_raw"),
    )
    # pint and the vocabulary are consulted once per distinct carrier and unit
    year_text = pl.coalesce(pl.col("timestamp_raw"), pl.col("period_raw")).str.extract(r"^(\d{4})")
    distinct = (
        lf.select("carrier_raw", "unit", year_text.cast(pl.Int32, strict=False).alias("year"))
        .unique()
        .collect(engine="streaming")
    )
    years = tuple(sorted(y for y in distinct["year"].unique().to_list() if y is not None))
    distinct = distinct.select("carrier_raw", "unit").unique()
    ctab = carrier_table(distinct["carrier_raw"].to_list())
    pairs = distinct.join(ctab.select("carrier_raw", "carrier"), on="carrier_raw", how="left")
    utab = unit_table(zip(pairs["carrier"].to_list(), pairs["unit"].to_list(), strict=True))
    lf = lf.join(ctab.lazy(), on="carrier_raw", how="left").join(
        utab.lazy(), on=["carrier", "unit"], how="left"
    )
    period_from_label, label_rank = _parse_period(pl.col("period_raw"), options.period)
    requested_rank = PERIODS.index(options.period)
    lf = lf.with_columns(
        pl.when(pl.col("timestamp").is_not_null())
        .then(_period_of_timestamp(pl.col("timestamp"), options.period))
        .otherwise(period_from_label)
        .alias("period"),
        pl.when(pl.col("timestamp").is_not_null())
        .then(pl.lit(-1))
        .otherwise(label_rank)
        .alias("_rank"),
        (pl.col("value") * pl.col("to_canonical")).alias("amount"),
    )
    checks = [
        (pl.col("firm_id").is_null(), "missing_firm_id"),
        (pl.col("carrier_raw").is_null(), "missing_carrier"),
        (pl.col("carrier").is_null(), "unknown_carrier"),
        (pl.col("value_raw").is_null(), "missing_value"),
        (
            pl.col("value").is_null() | pl.col("value").is_nan() | pl.col("value").is_infinite(),
            "not_a_number",
        ),
        (pl.col("unit").is_null(), "missing_unit"),
        (pl.col("unit_error") == "unknown_unit", "unknown_unit"),
        (pl.col("unit_error") == "unit_dimension", "unit_dimension"),
        (pl.col("timestamp_raw").is_null() & pl.col("period_raw").is_null(), "missing_time"),
        (
            pl.col("timestamp_raw").is_not_null()
            & pl.col("timestamp").is_null()
            & pl.col("period_raw").is_null(),
            "bad_timestamp",
        ),
        (pl.col("timestamp").is_null() & pl.col("_rank").is_null(), "bad_period"),
        (pl.col("_rank") > requested_rank, "period_coarser_than_requested"),
        (pl.col("flow").is_null(), "bad_flow"),
        (pl.col("use").is_null(), "bad_use"),
        (pl.col("kind").is_null(), "bad_kind"),
        (
            (pl.col("kind") == "register") & pl.col("timestamp").is_null(),
            "register_without_timestamp",
        ),
        (pl.col("value") < 0, "negative_value"),
        (
            (pl.col("carrier") == "steam")
            & (pl.col("amount_unit") == "t")
            & pl.lit(options.steam_enthalpy is None),
            "steam_needs_enthalpy",
        ),
    ]
    lf = lf.with_columns(
        _first_reason(checks).alias("reject_reason"), pl.lit(None, dtype=pl.String).alias("note")
    )
    if options.check_duplicates:
        lf = _flag_duplicates(lf)
    lf = _register_deltas(lf, options.rollover_fraction)
    if options.steam_enthalpy is not None:
        # heat [GJ] = mass [t] × (h_steam − h_feedwater) [kJ/kg] × 1000 kg/t ÷ 10^6 kJ/GJ
        dh = options.steam_enthalpy - (options.steam_feedwater_enthalpy or 0.0)
        is_mass_steam = (pl.col("carrier") == "steam") & (pl.col("amount_unit") == "t")
        lf = lf.with_columns(
            pl.when(is_mass_steam)
            .then(pl.col("amount") * dh / 1000.0)
            .otherwise(pl.col("amount"))
            .alias("amount"),
            pl.when(is_mass_steam)
            .then(pl.lit("GJ"))
            .otherwise(pl.col("amount_unit"))
            .alias("amount_unit"),
        )
    lf = lf.drop("_rank", "to_canonical", "unit_error", "flow_raw", "use_raw", "kind_raw")
    return Prepared(lf, ctab, years)


def _flag_duplicates(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Repeated readings of one meter at one time (rows with a meter_id only).

    Identical repeats keep the first row and reject the rest; repeats with
    different values are all rejected, since no rule can tell which is right.
    """
    when = pl.coalesce(pl.col("timestamp").cast(pl.String), pl.col("period_raw"))
    key = [
        pl.col("firm_id"),
        pl.col("meter_id"),
        pl.col("carrier"),
        pl.col("flow"),
        pl.col("kind"),
        when,
    ]
    ok = pl.col("reject_reason").is_null() & pl.col("meter_id").is_not_null()
    candidate = pl.when(ok).then(pl.lit(True))  # null outside candidates: not grouped together
    n = pl.len().over([*key, candidate])
    distinct = pl.col("value").n_unique().over([*key, candidate])
    first = pl.col("row_nr").min().over([*key, candidate])
    reason = (
        pl.when(~ok | (n == 1))
        .then(pl.col("reject_reason"))
        .when(distinct > 1)
        .then(pl.lit("conflicting_duplicate"))
        .when(pl.col("row_nr") != first)
        .then(pl.lit("duplicate_reading"))
        .otherwise(pl.col("reject_reason"))
    )
    return lf.with_columns(reason.alias("reject_reason"))


def _register_deltas(lf: pl.LazyFrame, rollover_fraction: float) -> pl.LazyFrame:
    """Turn cumulative register readings into interval amounts, inside the plan.

    Each valid register reading minus the previous one of the same meter gives
    the amount of the interval that ends at it. A counter that goes backwards
    is a rollover when the wrapped delta is small against the counter's
    capacity (the next power of ten above the previous reading), else a reset
    (rejected). The first reading of a meter is its baseline: accounted, with
    no amount of its own, and counted in the quality report.
    """
    is_reg = (pl.col("kind") == "register") & pl.col("reject_reason").is_null()
    group = [
        pl.col("firm_id"),
        pl.col("meter_id"),
        pl.col("carrier"),
        pl.col("flow"),
        pl.when(is_reg).then(pl.lit(True)),
    ]
    prev_value = pl.col("value").shift(1).over(group, order_by="timestamp")
    prev_unit = pl.col("unit").shift(1).over(group, order_by="timestamp")
    prev_amount = pl.col("amount").shift(1).over(group, order_by="timestamp")
    lf = lf.with_columns(prev_value.alias("_pv"), prev_unit.alias("_pu"), prev_amount.alias("_pa"))
    capacity = pl.lit(10.0).pow(pl.col("_pv").abs().log10().floor() + 1)
    wrapped_raw = capacity - pl.col("_pv") + pl.col("value")
    delta = pl.col("amount") - pl.col("_pa")
    same_unit = pl.col("unit") == pl.col("_pu")
    rollover = (delta < 0) & same_unit & (wrapped_raw <= capacity * rollover_fraction)
    amount = (
        pl.when(~is_reg)
        .then(pl.col("amount"))
        .when(pl.col("_pa").is_null())
        .then(pl.lit(0.0))
        .when(delta >= 0)
        .then(delta)
        .when(rollover)
        .then(wrapped_raw * pl.col("to_canonical"))
        .otherwise(None)
    )
    note = (
        pl.when(~is_reg)
        .then(pl.col("note"))
        .when(pl.col("_pa").is_null())
        .then(pl.lit("register_baseline"))
        .when(delta >= 0)
        .then(pl.col("note"))
        .when(rollover)
        .then(pl.lit("register_rollover"))
        .otherwise(pl.col("note"))
    )
    reason = (
        pl.when(is_reg & pl.col("_pa").is_not_null() & (delta < 0) & ~rollover)
        .then(pl.lit("register_reset"))
        .otherwise(pl.col("reject_reason"))
    )
    return lf.with_columns(
        amount.alias("amount"), note.alias("note"), reason.alias("reject_reason")
    ).drop("_pv", "_pu", "_pa")
