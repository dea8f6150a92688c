"""The check's inputs: the firms table and the long ``actuals`` frame, validated row by row.

A bad row fails only its firm and rule: it stays in the frame with its reason in
``invalid`` (and no value), so the check reports ``invalid_input`` for that firm,
metric and year while every other firm is checked as usual.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from carbonacct.compliance._derived import UPPER_BOUND, boundary_gaps, not_positive, site_figure
from carbonacct.compliance._exclusions import (
    ExclusionRules,
    dual_control_energy,
    electricity_coefficient,
)
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import TableLike, read_side_table
from carbonacct.periods import period_year

ACTUAL_SCHEMA: dict[str, Any] = {
    "firm_id": pl.String,
    "year": pl.Int32,
    "metric": pl.String,
    "product": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "output": pl.Float64,
    "price_basis": pl.String,
    "basis": pl.String,
    "data_complete": pl.Boolean,
    "rows_rejected": pl.Int64,
    "rows_co2_missing": pl.Int64,
    "energy_tce": pl.Float64,
    "row": pl.Int64,
    "source": pl.String,
    "invalid": pl.String,
}
#: Metrics whose denominator is value added (need a price basis).
VALUE_ADDED_METRICS = ("energy_intensity_va", "co2_intensity_va")


def read_firms(firms: TableLike) -> tuple[pl.DataFrame, dict[str, Any]]:
    """``firm_id``, ``name``, ``province`` (region code), ``city``, ``sector`` (GB/T 4754 digits),
    each firm once; a missing province is taken from the unified social credit code's division
    digits, so the check applies that province's targets (``province_source`` says where each
    province came from). A bad row (``_invalid``: why, naming file, row and column) fails only
    its firm (``row``, ``_source`` say where it is)."""
    from carbonacct.compliance._firms import read_firms_rows
    from carbonacct.compliance._places import province_from_credit_code

    frame, src = read_firms_rows(firms)
    frame = frame.select(
        "firm_id", "name", "province", "city", "sector", "_invalid", "row", "_source"
    )
    return province_from_credit_code(frame), src.record()


def refused_firms(firms: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The firms table without its bookkeeping columns, and the refused firms' rows as
    refused actuals (firm, file, row, reason: the firm is invalid_input, no other)."""
    bad = firms.filter(pl.col("_invalid").is_not_null()).select(
        "firm_id",
        pl.col("row").cast(pl.Int64),
        pl.col("_source").alias("source"),
        pl.col("_invalid").alias("invalid"),
        pl.lit(False).alias("data_complete"),
    )
    for col, dtype in ACTUAL_SCHEMA.items():
        if col not in bad.columns:
            bad = bad.with_columns(pl.lit(None, dtype=dtype).alias(col))
    return firms.drop("_invalid", "row", "_source"), bad.select(list(ACTUAL_SCHEMA))


def read_actuals(actuals: TableLike) -> pl.DataFrame:
    """Values given directly: ``firm_id``, ``year``, ``metric``, ``value``, ``unit`` and optionally
    ``product``, ``output``, ``price_basis``, ``data_complete``, ``rows_rejected``,
    ``rows_co2_missing``, ``energy_tce``. Bad cells mark their row invalid, naming the column."""
    frame, src = read_side_table(actuals, ("firm_id", "metric", "value", "unit"), "actuals")
    if "year" not in frame.columns:
        if "period" not in frame.columns:
            raise InputError(
                f"{src.name}: actuals need a year (or period) column.",
                file=src.name,
                row=None,
                column="year",
            )
        frame = frame.with_columns(period_year().alias("year"))
    from carbonacct.activity import _number_text

    raw_value = pl.col("value").cast(pl.String)
    frame = frame.with_columns(
        # an xlsx number cell 2020 is read as 2020.0: still the year 2020
        _number_text("year", frame.schema["year"]).cast(pl.Int32, strict=False),
        raw_value.alias("_raw_value"),
        _number(raw_value).alias("value"),
        pl.lit(src.name).alias("source"),
    )
    for col in ACTUAL_SCHEMA:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    raw_flag = pl.col("data_complete").cast(pl.String).str.strip_chars()
    frame = frame.with_columns(_flag(raw_flag).alias("data_complete"), raw_flag.alias("_raw_flag"))
    frame = frame.with_columns(_complete_from_counts().alias("data_complete"))
    frame = frame.with_columns(
        pl.when(pl.col("year").is_null())
        .then(pl.lit("column 'year': not a year"))
        .when(pl.col("data_complete").is_null() & (pl.col("_raw_flag").fill_null("") != ""))
        .then(
            pl.format(
                "column 'data_complete': {} is not true/false (true/false, 1/0, 是/否)",
                pl.col("_raw_flag"),
            )
        )
        .when(pl.col("value").is_null())
        .then(pl.format("column 'value': {} is not a number", pl.col("_raw_value")))
        .otherwise(pl.col("invalid"))
        .alias("invalid")
    )
    return frame.select([pl.col(c).cast(t, strict=False) for c, t in ACTUAL_SCHEMA.items()])


#: The words a ``data_complete`` cell may hold (case-insensitive).
FLAGS = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False}
FLAGS |= {"yes": True, "no": False, "1.0": True, "0.0": False}


def _flag(raw: pl.Expr) -> pl.Expr:
    """A yes/no cell as a Boolean (null when empty or not one of :data:`FLAGS`)."""
    return raw.str.to_lowercase().replace_strict(FLAGS, default=None, return_dtype=pl.Boolean)


def _complete_from_counts() -> pl.Expr:
    """Rows rejected or without CO2 (``rows_rejected``, ``rows_co2_missing``) given in the
    actuals: a count above 0 makes the figure incomplete, as for a footprint; counts of 0 with
    no ``data_complete`` make it complete; else ``data_complete`` as given."""
    counts = [
        pl.col(c).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        for c in ("rows_rejected", "rows_co2_missing")
    ]
    some = pl.any_horizontal(c.fill_null(0) > 0 for c in counts)
    given = pl.any_horizontal(c.is_not_null() for c in counts)
    flag = pl.col("data_complete")
    return pl.when(some).then(False).when(flag.is_null() & given).then(True).otherwise(flag)


def _number(raw: pl.Expr) -> pl.Expr:
    """A number as the readings read it: thousands separators ("13,000") are read."""
    from carbonacct.readings import _THOUSANDS

    text = raw.str.strip_chars()
    plain = pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", ""))
    return plain.otherwise(text).cast(pl.Float64, strict=False)


def _unit_factors(frame: pl.DataFrame) -> pl.DataFrame:
    """Per (metric, unit): the factor to the metric's unit, or why the unit is refused."""
    from carbonacct.benchmarks import indicators
    from carbonacct.units import conversion_factor

    units = dict(indicators().select("metric", "unit").iter_rows())
    rows = []
    for metric, unit in frame.select("metric", "unit").unique().iter_rows():
        target = units.get(metric)
        factor, why = None, None
        if target is None:
            why = f"metric {metric!r} is unknown (known: {sorted(units)})"
        elif unit is None:
            why = "column 'unit': missing"
        elif _electric(target) != _electric(unit):
            # name the indicators the figure's unit belongs to (kWh/t: the electricity ones)
            fits = sorted(m for m, u in units.items() if _electric(u) == _electric(unit))
            why = (
                f"{unit!r} is not a unit of {metric} ({target}): indicators are never "
                f"converted; a figure in {unit!r} is one of {', '.join(fits)}: give it under "
                "that metric"
            )
            why += _indicators_in(unit, units)
        else:
            try:
                factor = conversion_factor(unit, target)
            except CarbonacctError as exc:
                if _per_count(unit):  # kgce/重量箱: kept in its own unit, compared with its level
                    factor, target = 1.0, unit
                else:
                    why = _unit_refusal(metric, unit, target, exc)
        rows.append({"metric": metric, "unit": unit, "_f": factor, "_to": target, "_why": why})
    return pl.DataFrame(
        rows,
        schema={
            "metric": pl.String,
            "unit": pl.String,
            "_f": pl.Float64,
            "_to": pl.String,
            "_why": pl.String,
        },
    )


def _indicators_in(unit: str, units: dict[str, str]) -> str:
    """The indicators a figure in ``unit`` may be given as (13 000 kWh/t of a smelter is
    ``product_electricity_intensity``, 铝液交流电耗), named in a refusal."""
    from carbonacct.units import conversion_factor

    fits = []
    for metric, target in units.items():
        if _electric(target) != _electric(unit):
            continue
        try:
            conversion_factor(unit, target)
        except CarbonacctError:
            continue
        fits.append(metric)
    if not fits:
        return ""
    rest = f" (or {', '.join(fits[1:])})" if len(fits) > 1 else ""
    return f"; a figure in {unit} is another indicator: give it as {fits[0]}{rest}"


def _unit_refusal(metric: str, unit: str, target: str, exc: Exception) -> str:
    """Why a unit does not fit its metric; a per-tonne figure against a per t·能量因数 level
    is named as a different denominator (GB 30251: crude processed × 能量因数)."""
    if "能量因数" in target and "能量因数" not in unit and "energy_factor" not in unit:
        return (
            f"column 'unit': {unit!r} is per tonne of crude, but {metric} is per t·能量因数 "
            f"({target}; GB 30251: comprehensive energy ÷ (crude processed × 能量因数)): the "
            "denominators differ and a figure is never converted from one to the other; give "
            "the energy per t·能量因数"
        )
    return f"column 'unit': {unit!r} is not a unit of {metric} ({target}): {exc}"


#: Count units of their own (never a mass): a figure per such unit keeps its unit and is
#: compared only with a level in the same unit (GB 21340 flat glass: kgce/重量箱).
COUNT_DIMENSIONS = ("[weight_case]",)


def _per_count(unit: str) -> bool:
    from carbonacct.units import dimensionality

    try:
        dims = dimensionality(unit)
    except CarbonacctError:
        return False
    return any(dims.get(d, 0) < 0 for d in COUNT_DIMENSIONS)


def _electric(unit: str) -> bool:
    return unit.strip().lower().startswith(("kwh", "mwh", "gwh", "千瓦时", "度"))


def validate(actuals: pl.DataFrame, negative_ok: pl.DataFrame) -> pl.DataFrame:
    """Convert each row to its metric's unit; mark unknown metrics, units and bad values invalid.

    ``negative_ok`` lists (metric, product) whose published levels are negative
    (a BOF recovers more energy than it uses); elsewhere a value ≤ 0 is refused.
    """
    from carbonacct.benchmarks import product_aliases

    named = pl.col("product").replace(product_aliases())
    # a refused tag keeps the name it was given (电解 of a caustic-soda plant is no pot line)
    actuals = actuals.with_columns(
        pl.when(pl.col("invalid").is_null())
        .then(named)
        .otherwise(pl.col("product"))
        .alias("product")
    )
    conv = _unit_factors(actuals)
    out = actuals.join(conv, on=["metric", "unit"], how="left", nulls_equal=True).join(
        negative_ok.with_columns(pl.lit(True).alias("_neg")),
        on=["metric", "product"],
        how="left",
    )
    value = pl.col("value")
    bad_value = value.is_nan() | value.is_infinite() | ((value <= 0) & pl.col("_neg").is_null())
    output = pl.col("output")
    bad_output = output.is_not_null() & (output.is_nan() | output.is_infinite() | (output <= 0))
    # a figure the check derived itself is no input cell: not positive, it is no figure (its
    # rule insufficient_data with why), never a refused "column 'value'" the user never wrote
    derived = (
        (pl.col("source") == "footprint")
        & pl.col("row").is_null()
        & pl.col("_why").is_null()
        & bad_value
    )
    invalid = (
        pl.when(pl.col("invalid").is_not_null())
        .then(pl.col("invalid"))
        .when(pl.col("_why").is_not_null())
        .then(pl.col("_why"))
        .when(derived)
        .then(None)
        .when(bad_value)
        .then(pl.format("column 'value': {} is not a positive finite number", value))
        .when(bad_output)
        .then(pl.format("column 'output': {} is not a positive finite number", output))
        .otherwise(None)
    )
    return (
        out.with_columns(
            invalid.alias("invalid"),
            pl.when(derived & pl.col("invalid").is_null())
            .then(not_positive(pl.col("metric"), value))
            .otherwise(pl.col("basis"))
            .alias("basis"),
            pl.when(derived).then(False).otherwise(pl.col("data_complete")).alias("data_complete"),
        )
        .with_columns(
            pl.when(pl.col("invalid").is_null() & ~derived.fill_null(False))
            .then(value * pl.col("_f"))
            .otherwise(None)
            .alias("value"),
            pl.coalesce("_to", "unit").alias("unit"),
        )
        .drop("_f", "_to", "_why", "_neg")
    )


def mark_duplicates(actuals: pl.DataFrame) -> pl.DataFrame:
    """The same firm, year, metric and product given twice is ambiguous: both rows are refused
    (their firm and rule only), naming the sources and rows."""
    key = pl.struct("firm_id", "year", "metric", "product")
    # a footprint's figure has no input row: its source alone says where it comes from
    where = pl.coalesce(pl.format("{} row {}", "source", "row"), pl.col("source"))
    twice = key.is_duplicated() & pl.col("year").is_not_null()
    return actuals.with_columns(
        pl.when(twice & pl.col("invalid").is_null())
        .then(
            pl.format(
                "the same firm, year, metric and product is given twice ({}): give it once",
                where.str.join("; ").over("firm_id", "year", "metric", "product"),
            )
        )
        .otherwise(pl.col("invalid"))
        .alias("invalid")
    )


def saved_footprint(path: Any) -> Any:
    """A footprint that ``write`` saved, with all its tables (intensities, activity rows
    refused), units and provenance (:func:`carbonacct.read_result`).

    A ``.parquet`` or ``.csv`` holds the footprint table only: where its run had an activity,
    its product intensities and refused activity rows are not in it, and it is refused rather
    than checked without them.
    """
    from carbonacct.io import read_result
    from carbonacct.results import Footprint

    fp = read_result(path)
    if not isinstance(fp, Footprint):
        raise InputError(
            f"{path}: is a {type(fp).__name__}, not a footprint; give the file that "
            "`carbonacct footprint -o` (or Footprint.write) wrote.",
            file=str(path),
        )
    activity = (fp.provenance.get("inputs") or {}).get("activity")
    if activity is not None and fp.intensities is None:
        raise InputError(
            f"{path}: holds the footprint table only (.parquet/.csv), without the product "
            f"intensities and refused rows of its activity ({activity.get('name')}); write the "
            "footprint as .xlsx or .json, or check from the readings and activity.",
            file=str(path),
        )
    return fp


def footprint_years(table: pl.DataFrame) -> pl.DataFrame:
    """Every firm-year of a yearly footprint table (``firm_id``, ``year``)."""
    yearly = table.filter(pl.col("period").cast(pl.String).str.len_chars() == 4)
    return yearly.select(
        pl.col("firm_id").cast(pl.String),
        pl.col("period").cast(pl.String).cast(pl.Int32).alias("year"),
    ).unique()


def from_footprint(
    fp: Any,
    price_basis: str | pl.DataFrame | None = None,
    exclusions: ExclusionRules | None = None,
) -> pl.DataFrame:
    """Turn a yearly footprint (a ``Footprint`` or its table) into the long ``actuals`` frame.

    - ``energy_intensity_va`` [tce/万元] = ``energy_excl_feedstock_tce`` / value added: raw-material
      energy (原料用能) is outside the intensity numerator (发改环资〔2022〕803号), and so is the
      non-fossil electricity of 绿证 (发改环资〔2024〕113号), by the shipped rules or ``exclusions``.
    - ``co2_intensity_va`` [tCO2/万元] = ``co2_t`` / value added.
    - ``product_energy_intensity`` [kgce/t] = the energy of the readings tagged with the
      product (its product or process boundary, ``product`` column of the readings) / its
      output; untagged, site energy / output **only for a single-product site** (``basis``
      says which); a site with several untagged products gets no value and the reason,
      since whole-site energy divided by each product's output is no product's intensity.
    - ``product_electricity_intensity`` [kWh/t] = electricity of the tagged readings / output.

    ``price_basis`` (``constant:2020``, ``current``, or a frame of ``firm_id``, ``year``,
    ``price_basis``) says at which prices the value added is; the data quality of each
    firm-year (``rows_rejected``, ``rows_co2_missing``, ``data_complete``) travels along.
    """
    table = fp.table if hasattr(fp, "table") else fp
    intensities = getattr(fp, "intensities", None)
    yearly = table.filter(pl.col("period").cast(pl.String).str.len_chars() == 4).with_columns(
        pl.col("period").cast(pl.String).cast(pl.Int32).alias("year")
    )
    if "energy_excl_feedstock_tce" not in yearly.columns:
        yearly = yearly.with_columns(pl.col("energy_tce").alias("energy_excl_feedstock_tce"))
    keys = ["firm_id", "year"]
    figures = ["energy_tce", "energy_excl_feedstock_tce", "co2_t"]
    figures += [c for c in ("electricity_in_MWh", "green_electricity_MWh") if c in yearly]
    # a year of rejected rows only has no figures (the footprint's "—"), not 0
    agg: list[pl.Expr] = [pl.when(pl.col(*figures).count() > 0).then(pl.col(*figures).sum())]
    for col in ("rows_rejected", "rows_co2_missing"):
        if col in yearly.columns:
            agg.append(pl.col(col).cast(pl.Int64).sum())
    if "value_added_cny10k" in yearly.columns:
        agg.append(pl.col("value_added_cny10k").first())
    site = yearly.group_by(keys).agg(agg)
    for col in ("rows_rejected", "rows_co2_missing", "value_added_cny10k"):
        if col not in site.columns:
            site = site.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    # energy is complete when every reading was accounted; CO2 also needs every CO2 factor
    # (a missing grid factor leaves the energy whole): each rule says its own
    complete = pl.col("rows_rejected").fill_null(0) == 0
    site = dual_control_energy(
        site.with_columns(complete.alias("data_complete")), electricity_coefficient(fp), exclusions
    )
    quality = ["data_complete", "rows_rejected", "rows_co2_missing", "energy_tce"]
    parts = _site_figures(site, keys, quality)
    if intensities is not None and intensities.height:
        gaps = (
            boundary_gaps(yearly, electricity_coefficient(fp))
            if "product" in yearly.columns
            else None
        )
        parts.append(_single_product(intensities, site, quality, gaps))
    refused = getattr(fp, "activity_rejects", None)  # activity rows refused: their firm and rule
    if refused is not None and refused.height:
        from carbonacct.activity import check_rows

        parts.append(check_rows(refused))
    if "product" in yearly.columns:
        parts.append(_tagged_without_output(yearly, intensities, refused))
    parts.append(_unknown_firms(fp))
    return _as_actuals(parts, yearly, price_basis)


def _site_figures(site: pl.DataFrame, keys: list[str], quality: list[str]) -> list[pl.DataFrame]:
    """Energy and CO2 per value added; a total that is no figure (CO2 without its factors,
    credits above the counted total) gives its rule insufficient_data with the reason, never a
    refused cell."""
    va = pl.col("value_added_cny10k")
    co2_whole = pl.col("rows_co2_missing").fill_null(0) == 0
    parts = []
    for metric, num, unit, basis, label in (
        # energy of the dual-control targets: feedstock and non-fossil energy left out
        ("energy_intensity_va", "_energy_dc", "tce/万元", pl.col("_basis_dc"), "energy"),
        ("co2_intensity_va", "co2_t", "tCO2/万元", pl.lit("site, scope 1+2"), "CO2 total"),
    ):
        value, why = site_figure(num, label, "tce" if label == "energy" else "t")
        parts.append(
            site.filter(va.is_not_null()).select(
                *keys,
                pl.lit(metric).alias("metric"),
                value.alias("value"),
                pl.lit(unit).alias("unit"),
                pl.coalesce(why, basis).alias("basis"),
                *quality[1:],
                pl.when(why.is_null())
                .then(pl.col("data_complete") & (co2_whole if "co2" in metric else pl.lit(True)))
                .otherwise(False)
                .alias("data_complete"),
            )
        )
    return parts


def _as_actuals(
    parts: list[pl.DataFrame], yearly: pl.DataFrame, price_basis: str | pl.DataFrame | None
) -> pl.DataFrame:
    """The footprint's figures as actuals: every column, their source, boundaries without fuel
    flagged, and the price basis of each value added."""
    frame = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    for col in ACTUAL_SCHEMA:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    frame = frame.with_columns(
        pl.coalesce(pl.col("source").cast(pl.String), pl.lit("footprint")).alias("source")
    )
    if "product" in yearly.columns and "co2_combustion_t" in yearly.columns:
        frame = _without_fuel(frame, yearly)
    frame = with_price_basis(frame.select(list(ACTUAL_SCHEMA)), price_basis)
    return frame.cast(ACTUAL_SCHEMA)  # type: ignore[arg-type]


def _single_product(
    intensities: pl.DataFrame,
    site: pl.DataFrame,
    quality: list[str],
    gaps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Product figures: a tagged product's own boundary, else the site's if it makes one product.

    A tagged boundary lacking a carrier the site uses (``gaps``) gives no figure, with why."""
    per_t = intensities.filter(pl.col("output_unit") == "t").with_columns(
        period_year().cast(pl.Int32).alias("year")
    )
    if "boundary" not in per_t.columns:  # no readings tagged (or a table of the user's)
        per_t = per_t.with_columns(pl.lit("site").alias("boundary"))
    for col in ("energy_per_output_kgce", "electricity_per_output_kWh"):
        if col not in per_t.columns:
            per_t = per_t.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    n = pl.len().over("firm_id", "year")
    own, single = pl.col("boundary") == "product", n == 1
    joined = per_t.join(site, on=["firm_id", "year"], how="left")
    if gaps is None:
        gaps = pl.DataFrame(schema={"firm_id": pl.String, "year": pl.Int32, "product": pl.String})
        gaps = gaps.with_columns(
            pl.lit(None, pl.String).alias(c) for c in ("_why_energy", "_why_elec")
        )
    joined = joined.join(
        gaps.with_columns(pl.col("firm_id").cast(pl.String)),
        on=["firm_id", "year", "product"],
        how="left",
    )
    gap = own & pl.col("_why_energy").is_not_null()
    energy = joined.with_columns(
        pl.lit("product_energy_intensity").alias("metric"),
        pl.when(gap)
        .then(None)
        .when(own)
        .then(pl.col("energy_per_output_kgce"))
        .when(single)
        .then(pl.col("energy_tce") * 1000 / pl.col("output"))
        .alias("value"),
        pl.lit("kgce/t").alias("unit"),
        pl.when(gap)
        .then(pl.col("_why_energy"))
        .when(own)
        .then(pl.format("readings tagged {} (its product/process boundary)", "product"))
        .when(single)
        .then(pl.lit("whole site (single-product site)"))
        .otherwise(
            pl.format(
                "multi-product site ({} products): whole-site energy is no product's "
                "intensity; tag the readings with the product they serve (product column) "
                "or give the energy inside the product boundary as actuals",
                n,
            )
        )
        .alias("basis"),
        pl.when(gap).then(False).otherwise(pl.col("data_complete")).alias("data_complete"),
    )
    # a product graded only in another indicator (aluminium: AC power) gets no energy figure
    # made for it: the figure was not given, and it is never converted into that indicator
    other = set(_graded(None)) - set(_graded("product_energy_intensity"))
    energy = energy.filter(~pl.col("product").is_in(list(other)))
    cols = ["firm_id", "year", "metric", "product", "value", "unit", "output", "basis", *quality]
    return pl.concat([energy.select(cols), _electricity(joined, own, single).select(cols)])


def _electricity(joined: pl.DataFrame, own: pl.Expr, single: pl.Expr) -> pl.DataFrame:
    """Electricity per tonne (铝液交流电耗, clinker electricity) inside a tagged boundary; or, on
    a single-product site with nothing tagged, the site's electricity as an upper bound.

    The published indicators count the electricity of the process (GB 21346: AC power of the
    pot line; GB 16780: clinker production); site electricity also holds auxiliaries, so the
    site figure can only show compliance (at or below a level), never an exceedance — the
    product checks treat a figure whose basis says ``upper bound`` that way."""
    graded = pl.col("product").is_in(_graded("product_electricity_intensity"))
    untagged = ~pl.col("boundary").is_in(["product"])
    # a site without electricity readings gives no site figure (nothing to bound)
    site_figure = single & untagged & (pl.col("electricity_per_output_kWh") > 0)
    rows = joined.filter(graded & (own | site_figure))
    gap = own & pl.col("_why_elec").is_not_null()
    return rows.with_columns(
        pl.lit("product_electricity_intensity").alias("metric"),
        pl.when(gap).then(None).otherwise(pl.col("electricity_per_output_kWh")).alias("value"),
        pl.lit("kWh/t").alias("unit"),
        pl.when(gap)
        .then(pl.col("_why_elec"))
        .when(own)
        .then(pl.format("electricity of readings tagged {} (its process boundary)", "product"))
        .otherwise(pl.lit(f"whole site (single-product site): {UPPER_BOUND}"))
        .alias("basis"),
        pl.when(gap).then(False).otherwise(pl.col("data_complete")).alias("data_complete"),
    )


def _tagged_without_output(
    yearly: pl.DataFrame, intensities: pl.DataFrame | None, refused: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Readings tagged with a product that has no output that year: refused by name, never
    dropped (a misspelt tag, or an output missing from the activity); an output the activity
    gave and was refused is reported as that row, not again here."""
    tagged = (
        yearly.filter(pl.col("product").is_not_null()).select("firm_id", "year", "product").unique()
    )
    if intensities is not None and intensities.height:
        given = intensities.select(
            "firm_id",
            period_year().cast(pl.Int32).alias("year"),
            "product",
        )
        tagged = tagged.join(given, on=["firm_id", "year", "product"], how="anti")
    if refused is not None and refused.height:
        bad = refused.select(
            "firm_id",
            period_year().cast(pl.Int32, strict=False).alias("year"),
            pl.col("metric").alias("product"),
        )
        tagged = tagged.join(bad, on=["firm_id", "year", "product"], how="anti")
    return tagged.with_columns(
        pl.lit("product_energy_intensity").alias("metric"),
        pl.lit("kgce/t").alias("unit"),
        pl.format(
            "readings are tagged {} but the activity gives no output of {} in {}: give its "
            "output, or correct the tag",
            "product",
            "product",
            "year",
        ).alias("invalid"),
    )


#: Said of a product boundary whose comprehensive energy holds no fuel (a kiln without coal).
NO_FUEL = "no fuel in the readings tagged with this product"


def _without_fuel(frame: pl.DataFrame, yearly: pl.DataFrame) -> pl.DataFrame:
    """A product boundary measured by comprehensive energy (熟料综合能耗...) whose tagged readings
    burn no fuel at all (electricity only): its figure rests on incomplete data, and says so."""
    burnt = (
        yearly.filter(pl.col("product").is_not_null())
        .group_by("firm_id", "year", "product")
        .agg(
            (
                (pl.col("co2_combustion_t").fill_null(0).abs().sum() == 0)
                & (pl.col("rows_co2_missing").fill_null(0).sum() == 0)
            ).alias("_no_fuel")
        )
        .with_columns(pl.col("firm_id").cast(pl.String))
    )
    own = pl.col("basis").str.starts_with("readings tagged")
    flag = (
        (pl.col("metric") == "product_energy_intensity")
        & own
        & pl.col("_no_fuel").fill_null(False)
        & pl.col("product").is_in(_levels("product_energy_intensity"))
    )
    return (
        frame.join(burnt, on=["firm_id", "year", "product"], how="left", maintain_order="left")
        .with_columns(
            pl.when(flag)
            .then(
                pl.format(
                    "{}; {} (electricity only): check that the kiln or furnace fuel is tagged",
                    "basis",
                    pl.lit(NO_FUEL),
                )
            )
            .otherwise(pl.col("basis"))
            .alias("basis"),
            pl.when(flag).then(False).otherwise(pl.col("data_complete")).alias("data_complete"),
        )
        .drop("_no_fuel")
    )


def without_fuel(actual: pl.DataFrame) -> list[str]:
    """A warning per product boundary of comprehensive energy whose readings burn no fuel."""
    rows = actual.filter(pl.col("basis").fill_null("").str.contains(NO_FUEL, literal=True))
    return [
        f"firm {r['firm_id']} {r['year']}: {r['product']} {NO_FUEL} (electricity only), so its "
        "comprehensive energy lacks the kiln or furnace fuel: tag the fuel readings with "
        f"{r['product']}; the figure is marked data_complete false"
        for r in rows.sort("firm_id", "year", "product").iter_rows(named=True)
    ]


def _levels(metric: str) -> list[str]:
    """Products with a shipped 标杆/基准 level of ``metric``."""
    from carbonacct.benchmarks import benchmark_levels

    levels = benchmark_levels()
    return levels.filter(pl.col("metric") == metric)["product"].unique().to_list()


def _unknown_firms(fp: Any) -> pl.DataFrame:
    """Firms found only in the readings (rejected ``unknown_firm`` by the footprint): listed by
    id, one refused row per firm and year, so the check names each (never only a count)."""
    quality = getattr(fp, "quality", None)
    if quality is None or not quality.rejected_by_reason.get("unknown_firm"):
        return pl.DataFrame(schema={"firm_id": pl.String})
    rejected = fp.rejects.filter(pl.col("reject_reason") == "unknown_firm")
    return (
        rejected.with_columns(period_year().cast(pl.Int32, strict=False).alias("year"))
        .group_by("firm_id", "year")
        .agg(pl.len().alias("_n"), pl.col("row").min(), pl.col("file").first().alias("source"))
        .select(
            pl.col("firm_id").cast(pl.String),
            "year",
            pl.col("row").cast(pl.Int64),
            "source",
            pl.format(
                "{} reading row(s) of this firm (first: {} row {}) but it is not in the firms "
                "table: add it with its sector and province",
                "_n",
                "source",
                "row",
            ).alias("invalid"),
        )
        .sort("firm_id", "year")
    )


def _graded(metric: str | None) -> list[str]:
    """Products with a shipped level or GB grade of ``metric`` (of any metric: None)."""
    from carbonacct.benchmarks import benchmark_levels, quota_grades

    both = pl.concat(
        [benchmark_levels().select("product", "metric"), quota_grades().select("product", "metric")]
    )
    if metric is not None:
        both = both.filter(pl.col("metric") == metric)
    return both["product"].unique().to_list()


def with_price_basis(frame: pl.DataFrame, price_basis: str | pl.DataFrame | None) -> pl.DataFrame:
    if price_basis is None:
        return frame
    if isinstance(price_basis, str):
        return frame.with_columns(
            pl.coalesce("price_basis", pl.lit(price_basis)).alias("price_basis")
        )
    given = price_basis.select(
        pl.col("firm_id").cast(pl.String),
        pl.col("year").cast(pl.Int32),
        pl.col("price_basis").cast(pl.String).alias("_pb"),
    )
    # a row without firm and year gives the basis of every row the others do not list
    elsewhere = given.filter(pl.col("firm_id").is_null() & pl.col("year").is_null())["_pb"]
    default = elsewhere.drop_nulls().first() if elsewhere.len() else None
    return (
        frame.join(
            given.drop_nulls(["firm_id", "year"]).unique(["firm_id", "year"]),
            on=["firm_id", "year"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.coalesce("price_basis", "_pb", pl.lit(default)).alias("price_basis"))
        .drop("_pb")
    )
