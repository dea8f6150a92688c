"""Repeated readings of one meter at one time, found on normalised values.

Two rows are the same reading when they have the same firm and meter (rows
without a meter id: the firm's one unnamed meter) and the
same time once parsed (``2024-01-01 00:00:00`` = ``2024-01-01T00:00``, or the
same period label in any spelling), the same carrier once mapped (电力 =
electricity) and the same flow. They are identical when their values agree
once converted to the carrier's canonical unit (1 MWh = 1000 kWh): the first
is kept and the others rejected as ``duplicate_reading``; otherwise no rule
can tell which is right and all are rejected as ``conflicting_duplicate``.
Without a meter id, rows that differ may be separate deliveries (two
invoices of one month): only rows written alike (carrier, unit, flow, use and
kind as given) with equal values are one reading there, the first kept and
the others rejected as ``duplicate_reading``.

A pre-pass hashes (firm, meter, time) of the rows; only
rows whose hash repeats are compared in full. The hash set is the one
structure that grows with the input, so large inputs are hashed in buckets of
at most ``rows_per_bucket`` rows, one pass each, holding only row number and
hash: memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

__all__ = ["duplicate_codes", "same_key_code"]

#: Relative difference under which two converted values are the same value.
SAME_VALUE_RTOL = 1e-9

#: The key table's own reasons: a row with one of them is rejected before it is compared.
_KEY_REASONS = ["r_carrier", "r_unit", "r_fuk", "r_steam"]


def same_key_code(value: str, key: list[str], codes: dict[str, int]) -> pl.Expr:
    """Per row of a group of rows sharing ``key``: null when alone; ``conflicting_duplicate``
    for every row when their ``value``s differ (beyond SAME_VALUE_RTOL); else
    ``duplicate_reading`` for all but the first row read (lowest ``row_nr``)."""
    spread = (pl.col(value).max() - pl.col(value).min()).over(key)
    differ = spread > SAME_VALUE_RTOL * pl.col(value).abs().max().over(key)
    return (
        pl.when(pl.len().over(key) < 2)
        .then(None)
        .when(differ)
        .then(pl.lit(codes["conflicting_duplicate"], dtype=pl.UInt8))
        .when(pl.col("row_nr") != pl.col("row_nr").min().over(key))
        .then(pl.lit(codes["duplicate_reading"], dtype=pl.UInt8))
        .otherwise(pl.lit(None, dtype=pl.UInt8))
    )


def _suspects(rows: pl.LazyFrame, n: int, rows_per_bucket: int) -> pl.DataFrame:
    when = pl.col("_ts").is_not_null() | pl.col("_lnorm").is_not_null()
    # xor of per-column hashes: cheaper than hashing a struct; a collision is harmless,
    # since the suspects are compared on the real key below
    h = (
        pl.col("firm_id").hash(11)
        ^ pl.col("meter_id").hash(12)
        ^ pl.col("_ts").hash(13)
        ^ pl.col("_lnorm").hash(14)
    )
    hashed = rows.filter(when).select("row_nr", h.alias("_h"))
    buckets = max(1, -(-n // rows_per_bucket))
    # only (row number, hash) is held per bucket: 12 bytes a row; decided eagerly on that
    # small frame, since a lazy is_duplicated would hold every projected column
    return pl.concat(
        [
            (b := hashed.filter((pl.col("_h") % buckets) == i).collect(engine="streaming"))
            .filter(b["_h"].is_duplicated())
            .select("row_nr")
            for i in range(buckets)
        ]
    )


def duplicate_codes(
    rows: pl.LazyFrame,
    keys_of: Callable[[pl.DataFrame], pl.DataFrame],
    codes: dict[str, int],
    rows_in: int,
    rows_per_bucket: int = 5_000_000,
) -> dict[int, int]:
    """Row number -> ``duplicate_reading`` or ``conflicting_duplicate`` code.

    ``rows`` are the normalised readings (``row_nr``, ``firm_id``,
    ``meter_id``, ``_ts``, ``_lnorm``, the raw key columns, ``_v``);
    ``keys_of`` maps distinct raw (carrier, unit, flow, use, kind) to the
    carrier code, ``flow_n``, ``to_canonical`` and the key's reasons
    (``r_carrier``, ``r_unit``, ``r_fuk``, ``r_steam``): a row its key rejects
    takes no part. ``rows_in``, the rows read (known from the parts), sizes the
    hash buckets without a counting pass.
    """
    suspects = _suspects(rows, rows_in, rows_per_bucket)
    if suspects.height == 0:
        return {}
    raw = ["carrier", "unit", "flow", "use", "kind"]
    found = (
        rows.select("row_nr", "firm_id", "meter_id", "_ts", "_lnorm", "_v", *raw)
        .join(suspects.lazy(), on="row_nr", how="semi")
        # a missing or non-numeric value is rejected on its own; it hides no other copy
        .filter(pl.col("_v").is_finite())
        .collect(engine="streaming")
    )
    keys = keys_of(found.select(raw).unique())
    found = found.join(
        keys.select(
            *(pl.col(f"raw_{c}").alias(c) for c in raw),
            pl.col("carrier").alias("_code"),
            "flow_n",
            "to_canonical",
            pl.any_horizontal(pl.col(_KEY_REASONS).is_not_null()).alias("_keybad"),
        ),
        on=raw,
        how="left",
        nulls_equal=True,
    )
    # a row its own key rejects (a unit of the wrong dimension, an unknown carrier) is
    # rejected once, for that: it is no copy of a good row and cannot make one a duplicate
    found = found.filter(~pl.col("_keybad").fill_null(False)).with_columns(
        pl.coalesce("_code", pl.col("carrier")).alias("_c"),
        (pl.col("_v") * pl.col("to_canonical").fill_null(1.0)).alias("_cv"),
    )
    key = ["firm_id", "meter_id", "_ts", "_lnorm", "_c", "flow_n"]
    # without a meter id, rows that differ may be other deliveries: only rows written alike
    # (carrier, unit, flow, use, kind) of equal value are one reading, so those rows are
    # keyed by what was written and by their value as well
    unmetered = pl.col("meter_id").is_null()
    found = found.with_columns(
        pl.when(unmetered).then(pl.struct(raw).hash(15)).otherwise(0).alias("_written")
    )
    key.append("_written")
    apart = pl.col("_cv").diff().over(key) > SAME_VALUE_RTOL * pl.col("_cv").abs()
    found = found.sort([*key, "_cv"], nulls_last=True).with_columns(
        pl.when(unmetered)
        .then(apart.fill_null(False).cum_sum().over(key))
        .otherwise(0)
        .alias("_same")
    )
    key.append("_same")
    decided = found.with_columns(same_key_code("_cv", key, codes).alias("code")).drop_nulls("code")
    return dict(zip(decided["row_nr"].to_list(), decided["code"].to_list(), strict=True))
