"""Readings: ingestion, validation and unit normalisation of meter and fuel records.

The pipeline reads the data once: row-level checks (value, time, duplicates,
registers) run as column expressions in a lazy polars plan that ends in one
aggregation by firm, period and *key* (carrier, unit, flow, use, kind); the
checks and conversions that depend only on the key or the firm (unknown
carrier, unit of the wrong dimension, missing factor, unknown firm) are made
once per group on the small aggregated table. pint is called once per
distinct unit.

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
    "GROUP_KEYS",
    "KEY_COLUMNS",
    "NOTE_CODES",
    "PERIODS",
    "REASON_CODES",
    "REJECT_REASONS",
    "ReadingOptions",
    "aggregate_readings",
    "key_table",
    "period_label",
    "scan_readings",
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


def _parse_timestamp(
    col: pl.Expr, dtype: pl.DataType | None = None, fmt: str | None = None
) -> pl.Expr:
    """Timestamps as datetimes: native ones as they are, text with ``fmt`` (or any known format)."""
    if dtype is not None and dtype.is_temporal():
        return col.cast(pl.Datetime("us"))  # Parquet/Excel timestamps need no parsing
    text = col.cast(pl.String).str.strip_chars()
    if fmt is not None:
        return text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    return pl.coalesce([text.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TS_FORMATS])


def _timestamp_format(lf: pl.LazyFrame) -> str | None:
    """The one format that reads a sample of the text timestamps (parsing with one is fast)."""
    sample = (
        lf.select(pl.col("timestamp").cast(pl.String).str.strip_chars().replace("", None))
        .drop_nulls()
        .head(500)
        .collect()["timestamp"]
    )
    if sample.len() == 0:
        return None
    for fmt in _TS_FORMATS:
        if sample.str.strptime(pl.Datetime("us"), fmt, strict=False).null_count() == 0:
            return fmt
    return None


REQUIRED = ("firm_id", "carrier", "value", "unit")
OPTIONAL = ("timestamp", "period", "meter_id", "site_id", "flow", "use", "kind")
#: The raw columns whose distinct combinations make a *key*: everything about a
#: row that is not its value, time or firm is decided once per key.
KEY_COLUMNS = ("carrier", "unit", "flow", "use", "kind")

#: Reason codes, in the order the checks apply (the first failing check wins).
REASON_CODES: dict[str, int] = {name: i for i, name in enumerate(REJECT_REASONS, start=1)}
_NOTES = ("register_baseline", "register_rollover")
NOTE_CODES: dict[str, int] = {name: i for i, name in enumerate(_NOTES, start=1)}


def _key_table(distinct: pl.DataFrame, options: ReadingOptions) -> pl.DataFrame:
    """Everything decided per distinct (carrier, unit, flow, use, kind): one pint call per unit."""
    names = carrier_names()
    info = {r["code"]: r for r in carriers().iter_rows(named=True)}
    rows = []
    text = distinct.select(
        pl.col(c).cast(pl.String).str.strip_chars().alias(c) for c in KEY_COLUMNS
    )
    for i, (carrier_raw, unit, flow_raw, use_raw, kind_raw) in enumerate(text.iter_rows()):
        code = names.get(_fold(carrier_raw)) if carrier_raw else None
        flow = _FLOW.get(flow_raw.lower()) if flow_raw else "in"
        use = _USE.get(use_raw.lower()) if use_raw else "fuel"
        kind = _KIND.get(kind_raw.lower()) if kind_raw else "interval"
        factor, target, unit_error = None, None, None
        if code is not None and unit:
            factor, target, unit_error = _to_canonical(code, unit, info)
        reason_carrier = (
            "missing_carrier" if not carrier_raw else "unknown_carrier" if code is None else None
        )
        reason_unit = ("missing_unit" if not unit else unit_error) if code is not None else None
        reason_fuk = (
            "bad_flow"
            if flow is None
            else "bad_use"
            if use is None
            else "bad_kind"
            if kind is None
            else None
        )
        mass_steam = code == "steam" and target == "t"
        reason_steam = (
            "steam_needs_enthalpy" if mass_steam and options.steam_enthalpy is None else None
        )
        if mass_steam and options.steam_enthalpy is not None:
            # heat [GJ] = mass [t] × (h − h_fw) [kJ/kg] × 1000 kg/t ÷ 10^6 kJ/GJ
            dh = options.steam_enthalpy - (options.steam_feedwater_enthalpy or 0.0)
            factor, target = (factor or 0.0) * dh / 1000.0, "GJ"
        rows.append(
            {
                "key_id": i,
                "carrier": code,
                "category": info[code]["category"] if code else None,
                "flow_n": flow,
                "use_n": use,
                "kind_n": kind,
                "to_canonical": factor,
                "amount_unit": target,
                "r_carrier": reason_carrier,
                "r_unit": reason_unit,
                "r_fuk": reason_fuk,
                "r_steam": reason_steam,
            }
        )
    schema = {
        "key_id": pl.UInt32,
        "carrier": pl.String,
        "category": pl.String,
        "flow_n": pl.String,
        "use_n": pl.String,
        "kind_n": pl.String,
        "to_canonical": pl.Float64,
        "amount_unit": pl.String,
        "r_carrier": pl.String,
        "r_unit": pl.String,
        "r_fuk": pl.String,
        "r_steam": pl.String,
    }
    table = pl.DataFrame(rows, schema=schema).with_columns(
        pl.col(c).replace_strict(REASON_CODES, default=None, return_dtype=pl.UInt8)
        for c in ("r_carrier", "r_unit", "r_fuk", "r_steam")
    )
    raw = distinct.select(pl.col(c).alias(f"raw_{c}") for c in KEY_COLUMNS)
    return pl.concat([raw, table], how="horizontal")


def _to_canonical(
    code: str, unit: str, info: dict[str, dict[str, str]]
) -> tuple[float | None, str | None, str | None]:
    """(factor to the canonical unit, that unit, error) for one carrier and unit; steam may be heat."""
    targets = [info[code]["canonical_unit"]] + (["GJ"] if code == "steam" else [])
    error = None
    for candidate in targets:
        try:
            return conversion_factor(unit, candidate), candidate, None
        except UnknownUnitError:
            return None, None, "unknown_unit"
        except DimensionalityError:
            error = "unit_dimension"
    return None, None, error


def _year_sub(ts: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr]:
    sub = {
        "year": pl.lit(0, dtype=pl.Int8),
        "quarter": ts.dt.quarter().cast(pl.Int8),
        "month": ts.dt.month().cast(pl.Int8),
    }[period]
    return ts.dt.year().cast(pl.Int32), sub


def period_label(year: pl.Expr, sub: pl.Expr, period: Period) -> pl.Expr:
    """The period label (``2024``, ``2024Q1``, ``2024-03``) from year and month/quarter numbers."""
    y = year.cast(pl.String)
    if period == "year":
        return y
    if period == "quarter":
        return y + pl.lit("Q") + sub.cast(pl.String)
    return y + pl.lit("-") + sub.cast(pl.String).str.zfill(2)


def _label_year_sub(label: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(year, month or quarter, granularity rank) of a period label."""
    text, rank = _parse_period(label, "month")
    year = text.str.slice(0, 4).cast(pl.Int32, strict=False)
    month = text.str.slice(5, 2).cast(pl.Int8, strict=False)
    quarter = pl.coalesce(
        text.str.extract(r"Q([1-4])$").cast(pl.Int8, strict=False),
        ((month - 1) // 3 + 1).cast(pl.Int8),
    )
    sub = {"year": pl.lit(0, dtype=pl.Int8), "quarter": quarter, "month": month}[period]
    return year, sub, rank


def _label_table(labels: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Year, month or quarter, and granularity rank of each distinct period label (parsed once)."""
    label = pl.col("period").cast(pl.String).str.strip_chars().replace("", None)
    year, sub, rank = _label_year_sub(label, period)
    return labels.with_columns(
        year.alias("_ly"),
        sub.alias("_lsub"),
        rank.cast(pl.Int8).alias("_lrank"),
        label.is_not_null().alias("_lgiven"),
    )


def _non_empty(text: pl.Expr) -> pl.Expr:
    """Not null and not "" (``replace("", None)`` is not streamed by polars: it grows with the input)."""
    return text.is_not_null() & (text.str.len_bytes() > 0)


def _code(name: str) -> pl.Expr:
    return pl.lit(REASON_CODES[name], dtype=pl.UInt8)


#: Columns that identify an aggregation group of readings: everything a
#: validation or a factor depends on, except the value.
GROUP_KEYS = ("firm_id", "year", "sub", *KEY_COLUMNS, "has_ts", "row_reason", "note")


def _register_aliases() -> set[str]:
    return {k for k, v in _KIND.items() if v == "register"}


def scan_readings(lf: pl.LazyFrame, source: Source, options: ReadingOptions) -> pl.LazyFrame:
    """The row-level part of validation, as one lazy plan over the readings.

    Returns every input row with ``row_nr``, ``firm_id``, the raw key columns
    (carrier, unit, flow, use, kind), ``has_ts``, ``year`` and ``sub`` (month
    or quarter; 0 for a year), ``_v`` (the value as a number; for a register,
    the delta since its previous reading), ``row_reason`` (the code of the
    first row-level check that fails: missing firm, value, time or period,
    negative value, duplicate, register reset) and ``note``. The checks that
    depend only on the key (carrier, unit...) or on the firm are made once
    per group after aggregation. Small pre-passes read the distinct period
    labels and, when those columns exist, the register and duplicate rows.

    Raises
    ------
    InputError
        If a required column is missing (a file-level error, named with the file).
    """
    schema = dict(lf.collect_schema())
    missing = [c for c in REQUIRED if c not in schema]
    if "timestamp" not in schema and "period" not in schema:
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
    # the duplicate pre-pass reads ``raw``: without literal columns, which make polars
    # hold a filtered scan in memory
    raw = lf.with_row_index("row_nr", offset=1)
    lf = raw.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in OPTIONAL if c not in schema]
    )
    ts_dtype = schema.get("timestamp")
    ts_temporal = ts_dtype is not None and ts_dtype.is_temporal()
    fmt = None if ts_temporal or "timestamp" not in schema else _timestamp_format(lf)
    ts = _parse_timestamp(pl.col("timestamp"), ts_dtype, fmt)
    if ts_temporal:
        ts_given = pl.col("timestamp").is_not_null()
    else:
        ts_given = _non_empty(pl.col("timestamp").cast(pl.String).str.strip_chars())
    # text files carry stray spaces; typed files (Parquet) are taken as they are
    text_file = source.format in ("csv", "excel", "json", "multiple")
    if schema["value"].is_numeric():
        value, value_given = pl.col("value").cast(pl.Float64), pl.col("value").is_not_null()
    else:
        text = pl.col("value").cast(pl.String)
        text = text.str.strip_chars() if text_file else text
        value, value_given = text.cast(pl.Float64, strict=False), _non_empty(text)
    firm = pl.col("firm_id").cast(pl.String)
    firm = firm.str.strip_chars() if text_file else firm
    lf = lf.with_columns(
        pl.when(_non_empty(firm)).then(firm).alias("firm_id")
        if text_file
        else firm.alias("firm_id"),
        value.alias("_v"),
        value_given.alias("_vgiven"),
        ts.alias("_ts"),
        ts_given.alias("has_ts"),
    )
    ts = pl.col("_ts")
    ts_year, ts_sub = _year_sub(ts, options.period)
    if "period" in schema:
        labels = _label_table(
            lf.select("period").unique().collect(engine="streaming"), options.period
        )
        lf = lf.join(labels.lazy(), on="period", how="left", nulls_equal=True)
        label_given, label_rank = pl.col("_lgiven").fill_null(False), pl.col("_lrank")
        year = pl.when(ts.is_not_null()).then(ts_year).otherwise(pl.col("_ly"))
        sub = pl.when(ts.is_not_null()).then(ts_sub).otherwise(pl.col("_lsub"))
    else:
        label_given, label_rank = pl.lit(False), pl.lit(None, dtype=pl.Int8)
        year, sub = ts_year, ts_sub
    lf = lf.with_columns(
        year.alias("year"), sub.alias("sub"), pl.lit(None, dtype=pl.UInt8).alias("note")
    )
    v = pl.col("_v")
    checks = [
        (~_non_empty(pl.col("firm_id")), "missing_firm_id"),
        (~pl.col("_vgiven"), "missing_value"),
        (v.is_null() | v.is_nan() | v.is_infinite(), "not_a_number"),
        (~pl.col("has_ts") & ~label_given, "missing_time"),
        (pl.col("has_ts") & ts.is_null() & ~label_given, "bad_timestamp"),
        (ts.is_null() & label_given & label_rank.is_null(), "bad_period"),
        (
            ts.is_null() & (label_rank > PERIODS.index(options.period)),
            "period_coarser_than_requested",
        ),
        (v < 0, "negative_value"),
    ]
    # the first failing check has the smallest code (codes follow the order of the checks)
    # (arithmetic on booleans: cheaper than when/then over every row)
    row_reason = pl.min_horizontal(
        *(
            255 - c.fill_null(False).cast(pl.UInt8) * (255 - REASON_CODES[name])
            for c, name in checks
        )
    )
    row_reason = pl.when(row_reason < 255).then(row_reason)
    lf = lf.with_columns(row_reason.alias("row_reason"))
    if options.check_duplicates and "meter_id" in schema:
        codes = _duplicate_codes(raw, schema)
        if codes:
            # is_in streams; replace_strict with a mapping would hold the whole input
            dup: pl.Expr = pl.lit(None, dtype=pl.UInt8)
            for code in sorted(set(codes.values())):
                rows = pl.Series([r for r, c in codes.items() if c == code], dtype=pl.UInt32)
                dup = (
                    pl.when(pl.col("row_nr").is_in(rows.implode()))
                    .then(pl.lit(code, dtype=pl.UInt8))
                    .otherwise(dup)
                )
            lf = lf.with_columns(pl.min_horizontal("row_reason", dup).alias("row_reason"))
    if "kind" in schema:
        kinds = (
            lf.select(pl.col("kind").cast(pl.String).str.strip_chars().str.to_lowercase())
            .unique()
            .collect()
        )
        aliases = _register_aliases()
        if any(k in aliases for k in kinds["kind"].drop_nulls().to_list()):
            lf = _register_deltas(lf, options.rollover_fraction)
    return lf


def _duplicate_codes(
    lf: pl.LazyFrame, present: Iterable[str], rows_per_bucket: int = 5_000_000
) -> dict[int, int]:
    """Row number -> duplicate reason, for the rows that repeat a meter reading.

    A pre-pass over the raw columns hashes each row's meter, key and time
    (rows with a meter_id only) and keeps the rows whose hash repeats; only
    those are compared in full. Identical repeats keep the first row and
    reject the rest; repeats with different values are all rejected, since no
    rule can tell which is right. The hash set is the one structure that
    grows with the input, so large inputs are checked in hash buckets of at
    most ``rows_per_bucket`` rows, one pass each, holding only the row number
    and hash: memory stays bounded.
    """
    # columns absent from the input are constant: leave them out (a hashed literal
    # column is not streamed by polars)
    key = [
        c for c in ("firm_id", "meter_id", "carrier", "flow", "timestamp", "period") if c in present
    ]
    # xor of per-column hashes: much cheaper than hashing a struct; a collision is
    # harmless, since the suspects are compared on the real key below
    h = pl.col(key[0]).hash(11)
    for i, c in enumerate(key[1:], start=12):
        h = h ^ pl.col(c).hash(i)
    hashed = lf.filter(pl.col("meter_id").is_not_null()).select("row_nr", h.alias("_h"))
    n = int(lf.select(pl.len()).collect(engine="streaming").item())
    buckets = max(1, -(-n // rows_per_bucket))
    # only (row number, hash) is held per bucket: 12 bytes a row; the check runs eagerly
    # on that small frame, since a lazy is_duplicated would hold every projected column
    suspects = pl.concat(
        [
            (b := hashed.filter((pl.col("_h") % buckets) == i).collect(engine="streaming"))
            .filter(b["_h"].is_duplicated())
            .select("row_nr")
            for i in range(buckets)
        ]
    )
    if suspects.height == 0:
        return {}
    rows = (
        lf.select("row_nr", "value", *key)
        .join(suspects.lazy(), on="row_nr", how="semi")
        .collect(engine="streaming")
    )
    decided = rows.with_columns(
        pl.when(pl.col("value").n_unique().over(key) > 1)
        .then(_code("conflicting_duplicate"))
        .when(pl.col("row_nr") != pl.col("row_nr").min().over(key))
        .then(_code("duplicate_reading"))
        .otherwise(None)
        .alias("code")
    ).drop_nulls("code")
    return dict(zip(decided["row_nr"].to_list(), decided["code"].to_list(), strict=True))


def _register_deltas(lf: pl.LazyFrame, rollover_fraction: float) -> pl.LazyFrame:
    """Turn cumulative register readings into interval amounts, inside the plan.

    Each register reading minus the previous one of the same meter (and
    carrier, unit and flow) gives the amount of the interval that ends at it.
    A counter that goes backwards is a rollover when the wrapped delta is
    small against the counter's capacity (the next power of ten above the
    previous reading), else a reset (rejected). The first reading of a meter
    is its baseline: accounted, with no amount of its own, and counted as a
    note. Only register rows without a row-level problem enter the window; a
    change of unit starts a new sequence.
    """
    kind = pl.col("kind").cast(pl.String).str.strip_chars().str.to_lowercase()
    is_reg = (
        kind.is_in(list(_register_aliases()))
        & pl.col("row_reason").is_null()
        & pl.col("_ts").is_not_null()
    ).fill_null(False)
    group = ["firm_id", "meter_id", "carrier", "unit", "flow"]
    regs = (
        lf.filter(is_reg).sort("_ts").with_columns(pl.col("_v").shift(1).over(group).alias("_pv"))
    )
    capacity = pl.lit(10.0).pow(pl.col("_pv").abs().log10().floor() + 1)
    wrapped = capacity - pl.col("_pv") + pl.col("_v")
    delta = pl.col("_v") - pl.col("_pv")
    rollover = (delta < 0) & (wrapped <= capacity * rollover_fraction)
    first = pl.col("_pv").is_null()
    regs = regs.with_columns(
        pl.when(first)
        .then(0.0)
        .when(delta >= 0)
        .then(delta)
        .when(rollover)
        .then(wrapped)
        .otherwise(None)
        .alias("_v"),
        pl.when(first)
        .then(pl.lit(NOTE_CODES["register_baseline"], dtype=pl.UInt8))
        .when(rollover)
        .then(pl.lit(NOTE_CODES["register_rollover"], dtype=pl.UInt8))
        .otherwise(pl.col("note"))
        .alias("note"),
        pl.when(~first & (delta < 0) & ~rollover)
        .then(_code("register_reset"))
        .otherwise(pl.col("row_reason"))
        .alias("row_reason"),
    ).drop("_pv")
    return pl.concat([lf.filter(~is_reg), regs])


def aggregate_readings(rows: pl.LazyFrame, by: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Sum the values per group (``GROUP_KEYS`` and ``by``): the only full pass over the data."""
    return rows.group_by(*GROUP_KEYS, *by).agg(
        pl.col("_v").sum().alias("_sum"), pl.len().alias("rows")
    )


def key_table(groups: pl.DataFrame, options: ReadingOptions) -> pl.DataFrame:
    """The key table of the distinct (carrier, unit, flow, use, kind) in the groups."""
    return _key_table(groups.select(KEY_COLUMNS).unique(maintain_order=True), options)
