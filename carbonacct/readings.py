"""Readings: ingestion, validation and unit normalisation of meter and fuel records.

Input is long format, one reading a row: ``firm_id``, ``carrier``, ``value``,
``unit`` and either ``timestamp`` or ``period`` (``2024``, ``2024Q1``,
``2024-03``); optional ``meter_id``, ``site_id``, ``flow`` (``in``/``out``),
``use`` (``fuel``/``feedstock``), ``kind`` (``interval``/``register``),
``register_capacity``, ``product`` or ``process`` (工序: the boundary served, by=product).

Each input part (file, sheet, data set, frame) is first brought to one
schema by the rules of its own format (:func:`normalise`): typed columns are
used as they are, text is parsed — numbers, and timestamps value by value in
the firm's local time. The parts are then read as one lazy plan: row-level
checks (value, time, duplicates, registers) are column expressions, ending in
one aggregation by firm, period and *key* (carrier, unit, flow, use, kind);
the checks and conversions that depend only on the key or the firm (unknown
carrier, unit of the wrong dimension, missing factor, unknown firm) are made
once per group on the small aggregated table. pint is called once per
distinct unit. Nothing is dropped: rows in = rows accounted + rows rejected,
and every rejected row can be traced to its file, row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from carbonacct._duplicates import duplicate_codes
from carbonacct._interval_labels import (
    Decided,
    described,
    meter_labels,
    other_warning,
    series_stats,
    shifted,
)
from carbonacct._kinds import KIND as _KIND
from carbonacct._kinds import kind_words
from carbonacct._read_errors import reading_errors
from carbonacct._registers import register_amounts
from carbonacct._timeparse import (
    PERIODS,
    SAMPLE_ROWS,
    Period,
    fast_text,
    in_range,
    label_table,
    label_warning,
    likely_format,
    local_time,
    parse_period,
    parsed_text,
    period_label,
    text_stage,
    year_sub,
)
from carbonacct.errors import DimensionalityError, InputError, UnknownUnitError
from carbonacct.io._tables import PARSE_ONCE_ROWS, Part, Source, parsed_once
from carbonacct.units import conversion_factor, resolve_unit
from carbonacct.vocabulary import _fold, carrier_names, carriers

__all__ = [
    "GROUP_KEYS",
    "KEY_COLUMNS",
    "NOTE_CODES",
    "PERIODS",
    "REASON_CODES",
    "REASON_COLUMN",
    "REJECT_REASONS",
    "ReadingOptions",
    "Scan",
    "aggregate_readings",
    "key_table",
    "label_stats",
    "missing_columns",
    "normalise",
    "parse_period",
    "period_label",
    "reading_duplicates",
    "reading_errors",
    "scan_readings",
]

#: Why a row can be rejected, in the order the checks run (the first failing check wins).
REJECT_REASONS: dict[str, str] = {
    "empty_row": "every field of the row is empty",
    "missing_firm_id": "firm_id is empty",
    "missing_carrier": "carrier is empty",
    "unknown_carrier": "carrier is not a known code or name",
    "missing_value": "value is empty",
    "not_a_number": "value is not a finite number (text, NaN or infinity)",
    "implausible_value": "value is 10^15 or more: not a reading",
    "missing_unit": "unit is empty",
    "unknown_unit": "unit is not a known unit",
    "ambiguous_unit": "unit differs from several known units only by case (mwh: MWh or mWh?)",
    "unit_dimension": "unit does not measure this carrier (e.g. kWh for diesel)",
    "missing_time": "neither timestamp nor period is given",
    "bad_timestamp": "timestamp cannot be read, or its year is outside 1900-2199",
    "bad_period": "period is not like 2024, 2024Q1 or 2024-03",
    "period_coarser_than_requested": "the reading covers a longer period than the one asked for",
    "bad_flow": "flow is not in/out",
    "bad_use": "use is not fuel/feedstock",
    "bad_kind": f"kind is not an accepted word ({kind_words()})",
    "register_without_timestamp": "a register reading needs a timestamp",
    "register_without_meter": "a register reading needs a meter_id (registers are never chained across meters)",
    "negative_value": "a reading is negative",
    "duplicate_reading": "the same meter and time appear again with the same value",
    "conflicting_duplicate": "the same meter and time appear again with a different value",
    "register_misread": "a register reading below the previous one while the next is back above it",
    "register_reset": "a register went backwards without a plausible rollover (reset or new meter)",
    "unknown_firm": "firm_id is not in the firms table",
    "steam_needs_enthalpy": "steam given by mass needs a steam enthalpy to become heat",
    "missing_factor": "no energy factor for this carrier, region and year",
}
#: The input column each reason is about (named in the rejects).
REASON_COLUMN: dict[str, str] = {
    "empty_row": "firm_id",
    "missing_firm_id": "firm_id",
    "missing_carrier": "carrier",
    "unknown_carrier": "carrier",
    "missing_value": "value",
    "not_a_number": "value",
    "implausible_value": "value",
    "missing_unit": "unit",
    "unknown_unit": "unit",
    "ambiguous_unit": "unit",
    "unit_dimension": "unit",
    "missing_time": "timestamp",
    "bad_timestamp": "timestamp",
    "bad_period": "period",
    "period_coarser_than_requested": "period",
    "bad_flow": "flow",
    "bad_use": "use",
    "bad_kind": "kind",
    "register_without_timestamp": "timestamp",
    "register_without_meter": "meter_id",
    "negative_value": "value",
    "duplicate_reading": "timestamp",
    "conflicting_duplicate": "value",
    "register_misread": "value",
    "register_reset": "value",
    "unknown_firm": "firm_id",
    "steam_needs_enthalpy": "unit",
    "missing_factor": "carrier",
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
IntervalLabel = Literal["start", "end", "auto"]


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
        delta is at most this fraction of the register's capacity (given in
        ``register_capacity``, else the next power of ten above the previous
        reading); otherwise the row is a reset.
    check_duplicates : bool
        Reject repeated readings of one meter at one time. When off, register
        (cumulative) readings at one time are still compared, since they
        cannot be differenced otherwise.
    timezone : str
        The firms' local time zone (IANA name): naive timestamps are local
        time; aware ones are converted to it before periods are assigned.
    interval_label : {'auto', 'start', 'end'}
        Whether an interval reading's timestamp labels the start or the end of
        its interval (grid meters' 96-point curves are labelled by the end,
        00:15 … 24:00). ``auto`` detects the obvious case per file (24:00, or
        data that starts just after midnight and ends at midnight) and
        otherwise assumes the start, saying so in the quality warnings.
    firms : frozenset of str or None
        The firm ids of the firms table (None: no table). The rows of another firm are
        rejected (``unknown_firm``), so they have no say in a meter's interval label.
    """

    period: Period = "year"
    steam_enthalpy: float | None = None
    steam_feedwater_enthalpy: float | None = None
    rollover_fraction: float = 0.1
    check_duplicates: bool = True
    timezone: str = "Asia/Shanghai"
    interval_label: IntervalLabel = "auto"
    firms: frozenset[str] | None = None


REQUIRED = ("firm_id", "carrier", "value", "unit")
OPTIONAL = ("timestamp", "period", "meter_id", "site_id", "flow", "use", "kind", "product")
#: The raw columns whose distinct combinations make a *key*: everything about a
#: row that is not its value, time or firm is decided once per key.
KEY_COLUMNS = ("carrier", "unit", "flow", "use", "kind")

#: Reason codes, in the order the checks apply (the first failing check wins).
REASON_CODES: dict[str, int] = {name: i for i, name in enumerate(REJECT_REASONS, start=1)}
_NOTES = ("register_baseline", "register_rollover", "register_split")
NOTE_CODES: dict[str, int] = {name: i for i, name in enumerate(_NOTES, start=1)}


def missing_columns(columns: Sequence[str]) -> list[str]:
    """The required reading columns that a table lacks (empty when it holds readings)."""
    missing = [c for c in REQUIRED if c not in columns]
    if "timestamp" not in columns and "period" not in columns:
        missing.append("timestamp or period")
    return missing


_KEY_SCHEMA = {
    "key_id": pl.UInt32,
    "carrier": pl.String,
    "category": pl.String,
    "flow_n": pl.String,
    "use_n": pl.String,
    "kind_n": pl.String,
    "to_canonical": pl.Float64,
    "amount_unit": pl.String,
    "unit_note": pl.String,
    "r_carrier": pl.String,
    "r_unit": pl.String,
    "r_fuk": pl.String,
    "r_steam": pl.String,
}


def _key_row(
    raw: tuple[str | None, ...], info: dict[str, dict[str, str]], options: ReadingOptions
) -> dict[str, object]:
    """Everything decided for one distinct (carrier, unit, flow, use, kind)."""
    carrier_raw, unit, flow_raw, use_raw, kind_raw = raw
    code = carrier_names().get(_fold(carrier_raw)) if carrier_raw else None
    flow = _FLOW.get(flow_raw.lower()) if flow_raw else "in"
    use = _USE.get(use_raw.lower()) if use_raw else "fuel"
    kind = _KIND.get(kind_raw.lower()) if kind_raw else "interval"
    factor, target, unit_error, note = None, None, None, None
    if code is not None and unit:
        factor, target, unit_error, note = _to_canonical(code, unit, info)
    mass_steam = code == "steam" and target == "t"
    if mass_steam and options.steam_enthalpy is not None:
        # heat [GJ] = mass [t] × (h − h_fw) [kJ/kg] × 1000 kg/t ÷ 10^6 kJ/GJ
        dh = options.steam_enthalpy - (options.steam_feedwater_enthalpy or 0.0)
        factor, target = (factor or 0.0) * dh / 1000.0, "GJ"
        if options.steam_feedwater_enthalpy is None:
            note = (
                f"steam by mass taken as heat at {options.steam_enthalpy} kJ/kg with no feed-water "
                "enthalpy deducted (the NDRC guideline formula deducts 83.74 kJ/kg; give "
                "steam_feedwater_enthalpy to apply it)"
            )
    fuk = {"bad_flow": flow, "bad_use": use, "bad_kind": kind}
    return {
        "carrier": code,
        "category": info[code]["category"] if code else None,
        "flow_n": flow,
        "use_n": use,
        "kind_n": kind,
        "to_canonical": factor,
        "amount_unit": target,
        "unit_note": note,
        "r_carrier": "missing_carrier" if not carrier_raw else None if code else "unknown_carrier",
        "r_unit": ("missing_unit" if not unit else unit_error) if code is not None else None,
        "r_fuk": next((reason for reason, ok in fuk.items() if ok is None), None),
        "r_steam": "steam_needs_enthalpy"
        if mass_steam and options.steam_enthalpy is None
        else None,
    }


def _key_table(distinct: pl.DataFrame, options: ReadingOptions) -> pl.DataFrame:
    """Everything decided per distinct (carrier, unit, flow, use, kind): one pint call per unit."""
    info = {r["code"]: r for r in carriers().iter_rows(named=True)}
    text = distinct.select(
        pl.col(c).cast(pl.String).str.strip_chars().alias(c) for c in KEY_COLUMNS
    )
    rows = [{"key_id": i, **_key_row(raw, info, options)} for i, raw in enumerate(text.iter_rows())]
    table = pl.DataFrame(rows, schema=_KEY_SCHEMA).with_columns(
        pl.col(c).replace_strict(REASON_CODES, default=None, return_dtype=pl.UInt8)
        for c in ("r_carrier", "r_unit", "r_fuk", "r_steam")
    )
    raw = distinct.select(pl.col(c).alias(f"raw_{c}") for c in KEY_COLUMNS)
    return pl.concat([raw, table], how="horizontal")


#: A unit more than this far from the carrier's canonical unit is a typo or arithmetic
#: (1e308 kWh), not a unit: 1 mWh is 1e-9 MWh, 1 亿kWh 1e5 MWh.
SCALE_RANGE = (1e-10, 1e10)
#: A value this large in any unit is not a reading (it overflows once converted).
MAX_VALUE = 1e15


def _to_canonical(
    code: str, unit: str, info: dict[str, dict[str, str]]
) -> tuple[float | None, str | None, str | None, str | None]:
    """(factor to the canonical unit, that unit, error, note) for one carrier and unit.

    The unit text is read by :func:`carbonacct.units.resolve_unit`: a case slip
    (``KWH``) is corrected with a note; an ambiguous one (``mwh``: mWh or MWh?)
    is refused with the question as the note. Steam may be given as heat.
    """
    try:
        resolved = resolve_unit(unit)
    except UnknownUnitError as exc:
        ambiguous = "ambiguous" in str(exc)
        return (
            None,
            None,
            "ambiguous_unit" if ambiguous else "unknown_unit",
            str(exc) if ambiguous else None,
        )
    targets = [info[code]["canonical_unit"]] + (["GJ"] if code == "steam" else [])
    error = None
    for candidate in targets:
        try:
            factor = conversion_factor(resolved.canonical, candidate)
            if not SCALE_RANGE[0] <= abs(factor) <= SCALE_RANGE[1]:
                note = (
                    f"unit {unit!r} is {factor:g} {candidate}: not a plausible unit for "
                    f"{code} (rejected)"
                )
                return None, None, "unknown_unit", note
            return factor, candidate, None, resolved.note
        except UnknownUnitError:
            return None, None, "unknown_unit", None
        except DimensionalityError:
            error = "unit_dimension"
    return None, None, error, None


def _code(name: str) -> pl.Expr:
    return pl.lit(REASON_CODES[name], dtype=pl.UInt8)


def _non_empty(text: pl.Expr) -> pl.Expr:
    """Not null and not "" (``replace("", None)`` is not streamed by polars: it grows with the input)."""
    return text.is_not_null() & (text.str.len_bytes() > 0)


def _register_aliases() -> list[str]:
    return [k for k, v in _KIND.items() if v == "register"]


def _is_register() -> pl.Expr:
    kind = pl.col("kind").str.strip_chars().str.to_lowercase()
    return kind.is_in(_register_aliases()).fill_null(False)


#: The schema every part is brought to before the parts are read as one.
NORMAL_SCHEMA: dict[str, pl.DataType] = {
    "row_nr": pl.UInt32(),
    "firm_id": pl.String(),
    "meter_id": pl.String(),
    "site_id": pl.String(),
    "product": pl.String(),
    **{c: pl.String() for c in KEY_COLUMNS},
    "period": pl.String(),
    "register_capacity": pl.Float64(),
    "value_text": pl.String(),
    "_v": pl.Float64(),
    "_vgiven": pl.Boolean(),
    "ts_text": pl.String(),
    "_ts": pl.Datetime("us"),
    "has_ts": pl.Boolean(),
}
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


def _text(name: str, schema: dict[str, pl.DataType], strip: bool) -> pl.Expr:
    if name not in schema:
        return pl.lit(None, dtype=pl.String).alias(name)
    col = pl.col(name).cast(pl.String)
    if strip or schema[name] != pl.String:
        col = col.str.strip_chars()
    return pl.when(_non_empty(col)).then(col).alias(name)


def _value(schema: dict[str, pl.DataType]) -> list[pl.Expr]:
    dtype = schema["value"]
    if dtype.is_numeric():
        return [
            pl.lit(None, dtype=pl.String).alias("value_text"),
            pl.col("value").cast(pl.Float64).alias("_v"),
            pl.col("value").is_not_null().alias("_vgiven"),
        ]
    text = pl.col("value").cast(pl.String).str.strip_chars()
    plain = (
        pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "")).otherwise(text)
    )
    return [
        text.alias("value_text"),
        plain.cast(pl.Float64, strict=False).alias("_v"),
        _non_empty(text).alias("_vgiven"),
    ]


def _time(schema: dict[str, pl.DataType], timezone: str) -> list[pl.Expr]:
    if "timestamp" not in schema:
        return [
            pl.lit(None, dtype=pl.String).alias("ts_text"),
            pl.lit(None, dtype=pl.Datetime("us")).alias("_ts"),
            pl.lit(False).alias("has_ts"),
        ]
    dtype = schema["timestamp"]
    typed = dtype.is_temporal()
    # text was parsed in stages before (_text_times): ``_tparsed`` is read, not parsed again
    ts = local_time(pl.col("timestamp"), dtype, timezone) if typed else pl.col("_tparsed")
    text = pl.col("timestamp").cast(pl.String).str.strip_chars()
    given = pl.col("timestamp").is_not_null() if typed else _non_empty(text)
    return [
        (pl.lit(None, dtype=pl.String) if typed else text).alias("ts_text"),
        pl.when(in_range(ts)).then(ts).alias("_ts"),
        given.alias("has_ts"),
    ]


def _text_times(lf: pl.LazyFrame, schema: dict[str, pl.DataType], timezone: str) -> pl.LazyFrame:
    """Text timestamps parsed into ``_tparsed``: by the format most of them are written in
    (guessed from the first rows); the others folded once, then each format tried on the folded
    column (each stage evaluated once per row, and only where the one format did not read)."""
    if "timestamp" not in schema or schema["timestamp"].is_temporal():
        return lf
    sample = lf.select("timestamp").head(SAMPLE_ROWS).collect()["timestamp"]
    lf = lf.with_columns(fast_text(pl.col("timestamp"), likely_format(sample)).alias("_tfast"))
    left = pl.col("_tfast").is_null()
    lf = lf.with_columns(pl.when(left).then(e) for e in text_stage(pl.col("timestamp")))
    parsed = parsed_text(pl.col("_tnorm"), pl.col("_t24"), timezone)
    return lf.with_columns(pl.when(left).then(parsed).otherwise("_tfast").alias("_tparsed"))


def normalise(part: Part, offset: int, timezone: str) -> pl.LazyFrame:
    """One part in :data:`NORMAL_SCHEMA`: typed columns as they are, text parsed.

    ``row_nr`` counts from ``offset`` + 1, so that the rows of all parts are
    numbered once; text keeps its raw spelling (``value_text``, ``ts_text``)
    for the rejects.
    """
    if part.parsed:  # text parsed once (carbonacct._kernel_inputs.parsed_parts): these rows
        return (
            part.frame.drop("row_nr")
            .with_row_index("row_nr", offset=offset + 1)
            .select(*NORMAL_SCHEMA, "_vraw")
        )
    schema = dict(part.frame.collect_schema())
    text_source = part.format in ("csv", "excel", "json")
    capacity = (
        pl.col("register_capacity").cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        if "register_capacity" in schema
        else pl.lit(None, dtype=pl.Float64)
    )
    lf = _text_times(part.frame.with_row_index("row_nr", offset=offset + 1), schema, timezone)
    lf = lf.select(
        "row_nr",
        _text("firm_id", schema, text_source),
        _text("meter_id", schema, True),
        _text("site_id", schema, True),
        _text("process" if "product" not in schema else "product", schema, True).alias("product"),
        *(_text(c, schema, True) for c in KEY_COLUMNS),
        _text("period", schema, True),
        capacity.alias("register_capacity"),
        *_value(schema),
        *_time(schema, timezone),
    )
    return lf.cast(NORMAL_SCHEMA).with_columns(pl.col("_v").alias("_vraw"))  # type: ignore[arg-type]


@dataclass
class Scan:
    """The readings as one lazy plan, with what was assumed and where each row came from.

    ``rows`` has every input row (split register intervals as pieces with
    ``_n`` 0 beside the row's own piece); ``layout`` maps ``row_nr`` to the
    file (and sheet) and its first row number.
    """

    rows: pl.LazyFrame
    layout: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    #: ``rows`` come in ``row_nr`` order (no register pieces appended): the rejects need no sort
    ordered: bool = False

    def rejectable(self, bad: pl.DataFrame) -> tuple[pl.LazyFrame, Any]:
        """The rows that can be in the rejected groups ``bad`` (a superset: here every row), and
        a function giving them as frames one at a time (None: from the plan)."""
        return self.rows, None


def _layout(parts: Sequence[Part]) -> pl.DataFrame:
    """Per file (and sheet): its first ``row_nr`` and the row number its first data row has."""
    starts, names, firsts, offset = [], [], [], 0
    for part in parts:
        sizes = part.file_rows or (part.rows,)
        for name, size in zip(part.files or (part.label,), sizes, strict=True):
            starts.append(offset + 1)
            names.append(name)
            firsts.append(part.first)
            offset += size
    return pl.DataFrame(
        {"_start": starts, "file": names, "_first": firsts},
        schema={"_start": pl.UInt32, "file": pl.String, "_first": pl.Int64},
    )


def _has_text(part: Part) -> bool:
    """Whether the timestamps or values of a part are text to parse."""
    schema = part.frame.collect_schema()
    ts, value = schema.get("timestamp"), schema.get("value")
    return (ts is not None and not ts.is_temporal()) or (
        value is not None and not value.is_numeric()
    )


def _normalised(parts: Sequence[Part], options: ReadingOptions) -> list[pl.LazyFrame]:
    """Each part normalised by its own rules, its rows numbered after the parts before it."""
    lfs, offset = [], 0
    for part in parts:
        missing = [] if part.parsed else missing_columns(part.frame.collect_schema().names())
        if missing:
            raise InputError(
                f"{part.label}: missing column(s) {missing}. Readings need firm_id, carrier, value, "
                "unit and a timestamp or period column (Chinese headers such as 能源品种, 数量, "
                "计量单位 are mapped; see carbonacct.vocabulary.COLUMN_MAP).",
                file=part.label,
                row=None,
                column=missing[0],
            )
        lf = normalise(part, offset, options.timezone)
        if part.rows >= PARSE_ONCE_ROWS and _has_text(part):
            lf = parsed_once(lf)  # each later pass reads the parsed copy, not the text
        lfs.append(lf)
        offset += part.rows
    return lfs


def _intervals(lfs: Sequence[pl.LazyFrame]) -> list[pl.LazyFrame]:
    """The interval readings with a time of each part."""
    return [lf.filter(~_is_register() & pl.col("_ts").is_not_null()) for lf in lfs]


def _accountable(options: ReadingOptions) -> pl.Expr:
    """Whether an interval reading with a time passes the row checks (it can be accounted)."""
    return _row_reason(pl.lit(False), pl.lit(None, pl.Int8), options.period).is_null()


def label_stats(parts: Sequence[Part], options: ReadingOptions) -> pl.DataFrame:
    """Per part and meter, the first and last time of its rows that can be accounted (and a
    24:00 seen), from which :func:`carbonacct._interval_labels.labels_of` decides the labels:
    what a Dask worker reports of its partition."""
    return series_stats(_intervals(_normalised(parts, options)), _accountable(options))


def _combine(
    parts: Sequence[Part], source: Source, options: ReadingOptions, labels: Decided | None
) -> Scan:
    """Normalise each part by its own rules and concatenate, each meter with the interval-label
    convention its rows in every part show (or as ``labels`` gives them, decided already)."""
    lfs, warnings, described_as = _normalised(parts, options), [], {}
    if labels is None:
        names = [p.label for p in parts]
        labels = meter_labels(_intervals(lfs), names, options, _accountable(options))
    decided, disagree = labels
    frames = []
    for part, lf, (label, how, other) in zip(parts, lfs, decided, strict=True):
        described_as[part.label] = described(label, how, other)
        warnings += label_warning(part.label, label, how)
        warnings += other_warning(part.label, label, other, options.firms)
        frames.append(lf.with_columns(shifted(label, other)))
    warnings += disagree
    for u in source.unread:
        n = max(u.rows, 0)
        warnings.append(f"{u.label}: not read ({u.reason}; {n} row{'s' * (n != 1)})")
    warnings.extend(source.notes)
    rows = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")
    return Scan(rows, _layout(parts), warnings, described_as)


def _row_reason(label_given: pl.Expr, label_rank: pl.Expr, period: Period) -> pl.Expr:
    """The code of the first row-level check that fails, or null."""
    v, ts = pl.col("_v"), pl.col("_ts")
    empty = pl.all_horizontal(
        pl.col("firm_id").is_null(),
        pl.col("carrier").is_null(),
        pl.col("unit").is_null(),
        ~pl.col("_vgiven"),
        ~pl.col("has_ts"),
        ~label_given,
    )
    checks = [
        (empty, "empty_row"),
        (pl.col("firm_id").is_null(), "missing_firm_id"),
        (~pl.col("_vgiven"), "missing_value"),
        (v.is_null() | v.is_nan() | v.is_infinite(), "not_a_number"),
        (v.abs() >= MAX_VALUE, "implausible_value"),
        (~pl.col("has_ts") & ~label_given, "missing_time"),
        (pl.col("has_ts") & ts.is_null() & ~label_given, "bad_timestamp"),
        (ts.is_null() & label_given & label_rank.is_null(), "bad_period"),
        (ts.is_null() & (label_rank > PERIODS.index(period)), "period_coarser_than_requested"),
        (_is_register() & pl.col("meter_id").is_null(), "register_without_meter"),
        (v < 0, "negative_value"),
    ]
    # arithmetic on booleans: cheaper than when/then over every row
    code = pl.min_horizontal(
        *(255 - c.fill_null(False).cast(pl.UInt8) * (255 - REASON_CODES[n]) for c, n in checks)
    )
    return pl.when(code < 255).then(code)


def _with_duplicates(lf: pl.LazyFrame, codes: dict[int, int] | pl.DataFrame) -> pl.LazyFrame:
    """``row_reason`` with the duplicate codes (row number -> code; or a row_nr, code frame)."""
    if not isinstance(codes, pl.DataFrame):
        codes = pl.DataFrame(
            {"row_nr": list(codes), "code": list(codes.values())},
            schema={"row_nr": pl.UInt32, "code": pl.UInt8},
        )
    if not codes.height:
        return lf
    # is_in streams; replace_strict with a mapping would hold the whole input
    dup: pl.Expr = pl.lit(None, dtype=pl.UInt8)
    for code in sorted(set(codes["code"].to_list())):
        rows = codes.filter(pl.col("code") == code)["row_nr"].cast(pl.UInt32)
        dup = (
            pl.when(pl.col("row_nr").is_in(rows.implode()))
            .then(pl.lit(code, pl.UInt8))
            .otherwise(dup)
        )
    return lf.with_columns(pl.min_horizontal("row_reason", dup).alias("row_reason"))


def _with_registers(lf: pl.LazyFrame, options: ReadingOptions) -> pl.LazyFrame:
    kinds = lf.select(pl.col("kind").str.strip_chars().str.to_lowercase().unique()).collect()
    if not set(kinds["kind"].drop_nulls().to_list()) & set(_register_aliases()):
        return lf.with_columns(pl.lit(1, dtype=pl.UInt32).alias("_n"))
    is_reg = _is_register() & pl.col("row_reason").is_null() & pl.col("_ts").is_not_null()
    regs = lf.filter(is_reg)
    # readings compared in the carrier's canonical unit (kWh and MWh readings of one meter)
    keys = _key_table(regs.select(KEY_COLUMNS).unique().collect(), options).select(
        *(pl.col(f"raw_{c}").alias(c) for c in KEY_COLUMNS),
        pl.col("carrier").alias("_gc"),
        pl.col("flow_n").alias("_gf"),
        pl.col("to_canonical").alias("_f"),
    )
    regs = regs.join(keys.lazy(), on=list(KEY_COLUMNS), how="left", nulls_equal=True)
    regs = regs.with_columns(
        pl.coalesce("_gc", "carrier").alias("_gc"),
        pl.coalesce("_gf", "flow").alias("_gf"),
        pl.when(pl.col("_f").is_null()).then(pl.col("unit")).alias("_gu"),
        pl.col("_f").fill_null(1.0),
    ).with_columns((pl.col("_v") * pl.col("_f")).alias("_vc"))
    amounts = register_amounts(regs, options.rollover_fraction, NOTE_CODES, REASON_CODES)
    # a register row rejected before the chain is counted in the interval it would have closed,
    # as an accepted one, whatever the interval readings of its file
    closes = pl.when(_is_register()).then(pl.col("_ts") - pl.duration(microseconds=1))
    plain = lf.filter(~is_reg).with_columns(
        closes.otherwise(pl.col("_tp")).alias("_tp"), pl.lit(1, dtype=pl.UInt32).alias("_n")
    )
    return pl.concat([plain, amounts.select(plain.collect_schema().names())], how="vertical")


def _checked(
    parts: Sequence[Part], source: Source, options: ReadingOptions, labels: Decided | None = None
) -> Scan:
    """The parts read as one, with the period labels and the row-level reason of each row."""
    scan = _combine(parts, source, options, labels)
    periods = label_table(
        scan.rows.select("period").unique().collect(engine="streaming"), options.period
    )
    lf = scan.rows.join(periods.lazy(), on="period", how="left", nulls_equal=True)
    label_given, label_rank = pl.col("_lgiven").fill_null(False), pl.col("_lrank")
    scan.rows = lf.with_columns(
        _row_reason(label_given, label_rank, options.period).alias("row_reason"),
        pl.lit(None, dtype=pl.UInt8).alias("note"),
    )
    return scan


def _duplicates_of(
    lf: pl.LazyFrame, parts: Sequence[Part], options: ReadingOptions
) -> dict[int, int]:
    return duplicate_codes(
        lf.filter(pl.col("row_reason").is_null()),
        lambda distinct: _key_table(distinct, options),
        REASON_CODES,
        rows_in=sum(p.rows for p in parts),
    )


def reading_duplicates(
    parts: Sequence[Part], source: Source, options: ReadingOptions, labels: Decided | None = None
) -> dict[int, int]:
    """Row number -> duplicate code over all the parts: the check :func:`scan_readings` runs."""
    return _duplicates_of(_checked(parts, source, options, labels).rows, parts, options)


def scan_readings(
    parts: Sequence[Part],
    source: Source,
    options: ReadingOptions,
    duplicates: dict[int, int] | None = None,
    labels: Decided | None = None,
) -> Scan:
    """The row-level part of validation, as one lazy plan over the readings.

    Returns a :class:`Scan` whose ``rows`` hold every input row with
    ``row_nr``, ``firm_id``, the raw key columns, ``has_ts``, ``year`` and
    ``sub`` (month or quarter; 0 for a year), ``_v`` (the value as a number;
    for a register, the consumption of the interval ending at it, split
    across months), ``row_reason`` (the code of the first row-level check
    that fails), ``note`` and ``_n`` (1 per input row). ``duplicates`` gives
    precomputed duplicate codes (from the Dask workers) instead of the check;
    ``labels`` the interval labels decided already (by the Dask client), per part.

    Raises
    ------
    InputError
        If a part lacks a required column (named with the file).
    """
    scan = _checked(parts, source, options, labels)
    lf = scan.rows
    if duplicates is None and options.check_duplicates:
        duplicates = _duplicates_of(lf, parts, options)
    lf = _with_registers(_with_duplicates(lf, duplicates or {}), options)
    ts_year, ts_sub = year_sub(pl.col("_tp"), options.period)
    has_time = pl.col("_tp").is_not_null()
    scan.rows = lf.with_columns(
        pl.when(has_time).then(ts_year).otherwise(pl.col("_ly")).alias("year"),
        pl.when(has_time).then(ts_sub).otherwise(pl.col("_lsub")).alias("sub"),
    )
    return scan


#: Columns that identify an aggregation group of readings: everything a
#: validation or a factor depends on, except the value.
GROUP_KEYS = ("firm_id", "year", "sub", *KEY_COLUMNS, "has_ts", "row_reason", "note")


def aggregate_readings(rows: pl.LazyFrame, by: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Sum the values per group (``GROUP_KEYS`` and ``by``): the only full pass over the data."""
    return rows.group_by(*GROUP_KEYS, *by).agg(
        pl.col("_v").sum().alias("_sum"), pl.col("_n").sum().alias("rows")
    )


def key_table(groups: pl.DataFrame, options: ReadingOptions) -> pl.DataFrame:
    """The key table of the distinct (carrier, unit, flow, use, kind) in the groups."""
    return _key_table(groups.select(KEY_COLUMNS).unique(maintain_order=True), options)
