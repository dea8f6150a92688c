"""Green-factory performance indicators: formulas as data, values in the indicator's unit.

The indicator table (``factors/green_factory/indicators.csv``, kind
``green_factory_indicators``) gives, per indicator, its numerator and
denominator — ``product.<column>`` (the footprint's product intensities),
``footprint.<column>`` (the footprint's yearly row) or ``inputs.<name>`` (the
factory's own figures) — with their units, the indicator's unit, its basis
(产量, 产值 — gross output value — or 增加值 — value added; every "per value"
indicator of GB/T 36132-2025 is per output value, as its name 单位产值… says)
and an upper bound for shares and counts. An indicator without a numerator is
entered by hand.

Hand-entered values are converted from the unit they are given in to the
indicator's unit (``5 %`` → 0.05; ``0.4 tce/t`` → 400 kgce/t); a unit of another
dimension, a non-number or a value above the indicator's bound is refused
with the indicator named.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._manifest import Manifest, data_dir, read_dataset
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.units import conversion_factor

__all__ = [
    "INDICATOR_SCHEMA",
    "compute_indicators",
    "indicator_table",
    "manual_indicators",
    "read_indicator_table",
]

INDICATOR_SCHEMA = {
    "indicator": pl.String,
    "name_zh": pl.String,
    "numerator": pl.String,
    "numerator_unit": pl.String,
    "denominator": pl.String,
    "denominator_unit": pl.String,
    "unit": pl.String,
    "basis": pl.String,
    "max": pl.Float64,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
_ORIGINS = ("product", "footprint", "inputs")


def read_indicator_table(path: str | Path) -> pl.DataFrame:
    """Read an indicator table (manifest or CSV), checksum and schema checked."""
    manifest, table = read_dataset(path, INDICATOR_SCHEMA, ("indicator", "unit", "source"))
    file = str(Path(manifest.path).parent / manifest.data)
    for i, row in enumerate(table.iter_rows(named=True), start=2):  # header: row 1
        for side in ("numerator", "denominator"):
            term = row[side]
            if term is not None and term.partition(".")[0] not in _ORIGINS:
                raise InputError(
                    f"{file}, row {i}: {side} {term!r} does not start with one of {_ORIGINS}.",
                    file=file,
                    row=i,
                    column=side,
                )
    return table


_SHIPPED = "indicators.toml"


@cache
def indicator_table() -> pl.DataFrame:
    """The shipped indicator table, one row per indicator."""
    return read_indicator_table(data_dir() / "green_factory" / _SHIPPED)


def indicator_table_label() -> str:
    """``id@version`` of the shipped indicator table, for provenance."""
    return Manifest.from_toml(data_dir() / "green_factory" / _SHIPPED).label


def _definitions() -> dict[str, dict[str, Any]]:
    return {r["indicator"]: r for r in indicator_table().iter_rows(named=True)}


def _sources(
    footprint: Any | None, firm_id: str, period: str | None, product: str | None
) -> dict[str, dict[str, Any]]:
    """The one footprint row and product row of the firm (when exactly one matches)."""
    out: dict[str, dict[str, Any]] = {}
    if footprint is None:
        return out
    table = _site_rows(footprint.table.filter(pl.col("firm_id") == firm_id))
    if table.height == 0:
        firms = sorted(set(footprint.table["firm_id"].to_list()))[:5]
        raise InputError(
            f"firm_id {firm_id!r} is not in the footprint (it has {firms}...); check the firm_id.",
            file=None,
            row=None,
            column="firm_id",
        )
    if period is not None:
        table = table.filter(pl.col("period") == period)
    if table.height != 1:
        raise InputError(
            f"the footprint has {table.height} rows for firm {firm_id!r} and period "
            f"{period!r} ({table['period'].to_list()}); give the assessment's period of one year.",
            file=None,
            row=None,
            column="period",
        )
    out["footprint"] = table.row(0, named=True)
    if product is not None and footprint.intensities is not None:
        p = footprint.intensities.filter(
            (pl.col("firm_id") == firm_id) & (pl.col("product") == product)
        )
        if period is not None:
            p = p.filter(pl.col("period") == period)
        if p.height == 1:
            row = _in_boundary(footprint, p.row(0, named=True))
            if row is not None:
                out["product"] = row
    return out


def _site_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The footprint's yearly rows, one per firm and period: a footprint split by the readings'
    product tags (``by=("product",)``) summed over them (totals add; the rest is the site's)."""
    if "product" not in table.columns:
        return table
    additive = [
        c
        for c, t in table.schema.items()
        if t.is_numeric() and (c.startswith("rows") or c.endswith(("_tce", "_t", "_MWh", "_GJ")))
    ]
    keys = ["firm_id", "period"]
    # per-value-added intensities of a split row are no site figure: left out
    rest = [
        c for c in table.columns if c not in (*keys, *additive, "product") and "intensity" not in c
    ]
    return table.group_by(keys, maintain_order=True).agg(
        pl.col(additive).sum(), pl.col(rest).drop_nulls().first()
    )


def _in_boundary(footprint: Any, row: dict[str, Any]) -> dict[str, Any] | None:
    """The product's row with its energy per output as `check` takes it (the energy of the
    readings tagged with the product, or a single-product site's energy: the one rule of
    :func:`carbonacct.compliance.actuals_from_footprint`); None where `check` has no figure for
    the product (several untagged products: whole-site energy is no product's intensity)."""
    from carbonacct.compliance import actuals_from_footprint

    if row.get("output_unit") != "t":  # per m2, per 重量箱: refused by its unit, with the reason
        return row
    year = int(str(row["period"])[:4])
    figure = actuals_from_footprint(footprint).filter(
        (pl.col("firm_id") == row["firm_id"])
        & (pl.col("year") == year)
        & (pl.col("product") == row["product"])
        & (pl.col("metric") == "product_energy_intensity")
    )
    if figure.height != 1 or figure["value"][0] is None:
        return None
    return {**row, "energy_per_output_kgce": figure["value"][0], "boundary": figure["basis"][0]}


def _term(term: str, sources: Mapping[str, Mapping[str, Any]]) -> float | None:
    origin, _, column = term.partition(".")
    value = sources.get(origin, {}).get(column)
    return None if value is None else float(value)


def _label(origin: str, sources: Mapping[str, Mapping[str, Any]], firm_id: str) -> str:
    if origin == "inputs":
        return "factory figures"
    row = sources[origin]
    if origin != "product":
        return f"footprint {firm_id} {row['period']}"
    where = f" ({row['boundary']})" if row.get("boundary") else ""
    return f"footprint {firm_id} {row['period']} {row['product']}{where}"


def _compute(
    d: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]], firm_id: str
) -> dict[str, Any] | None:
    """One indicator from its formula, in the indicator's unit; None if a term is missing."""
    num = _term(d["numerator"], sources)
    den = 1.0 if d["denominator"] is None else _term(d["denominator"], sources)
    if num is None or den is None or den == 0.0:
        return None
    unit = d["numerator_unit"].replace(
        "{output_unit}", str(sources.get("product", {}).get("output_unit"))
    )
    if d["denominator_unit"]:
        unit = f"({unit})/({d['denominator_unit']})"
    try:
        value = num / den * conversion_factor(unit, d["unit"])
    except CarbonacctError as exc:
        raise InputError(
            f"indicator {d['indicator']} cannot be computed in {d['unit']}: {exc}",
            file=None,
            row=None,
            column=d["indicator"],
        ) from None
    origins = dict.fromkeys(t.partition(".")[0] for t in (d["numerator"], d["denominator"]) if t)
    source = "; ".join(_label(o, sources, firm_id) for o in origins)
    return {"value": value, "unit": d["unit"], "source": source, "basis": d["basis"]}


def compute_indicators(
    footprint: Any | None = None,
    *,
    firm_id: str | None = None,
    period: str | None = None,
    product: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    factory_id: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Performance indicators computed by the formulas of :func:`indicator_table`.

    Parameters
    ----------
    footprint : Footprint, optional
        Yearly, with activity: gives ``footprint.*`` (energy_tce [tce],
        co2_t [tCO2]) and, for ``product``, ``product.*`` (energy per output
        [kgce/unit], CO2 per output [tCO2/unit]).
    firm_id : str
        The firm (``factory_id`` is accepted as an alias).
    inputs : mapping, optional
        The factory's figures, e.g. site_area_m2 [m2], building_footprint_m2
        [m2], floor_area_m2 [m2], output_value_cny10k (产值) [万元],
        water_withdrawal_t [t], waste_generated_t [t], waste_utilised_t [t],
        renewable_energy_tce [tce].

    Returns
    -------
    dict
        Indicator → value [the indicator's unit], unit, source, basis. An
        indicator whose terms are not all given is left out.

    Examples
    --------
    >>> ind = compute_indicators(firm_id="F", inputs={"site_area_m2": 1000, "building_footprint_m2": 400})
    >>> ind["building_density"]["value"], ind["building_density"]["unit"]
    (0.4, '1')
    """
    firm = str(firm_id if firm_id is not None else factory_id)
    sources = _sources(footprint, firm, period, product)
    sources["inputs"] = _numeric_inputs(inputs or {})
    out = {}
    for name, d in _definitions().items():
        if d["numerator"] is None:
            continue
        value = _compute(d, sources, firm)
        if value is not None:
            out[name] = value
    return out


def _numeric_inputs(inputs: Mapping[str, Any]) -> dict[str, float]:
    out = {}
    for key, value in inputs.items():
        if value is None:
            continue
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            raise InputError(
                f"{value!r} is not a number; give the figure in the unit its name "
                "carries (e.g. site_area_m2 in m2).",
                file=None,
                row=None,
                column=f"inputs {key}",
                value=value,
            ) from None
    return out


def _convert(name: str, entry: Mapping[str, Any], d: Mapping[str, Any], file: str) -> float:
    """A hand-entered value in the indicator's unit, refused if not a number or of another dimension."""

    def refuse(why: str) -> InputError:
        return InputError(
            f"{file}, indicator {name}: {why}", file=file, row=None, column=name, item=name
        )

    try:
        value = float(entry["value"])
    except (KeyError, TypeError, ValueError):
        raise refuse(f"value {entry.get('value')!r} is not a number.") from None
    if not math.isfinite(value) or (d["max"] is not None and value < 0):
        raise refuse(f"value {value!r} must be a finite number (≥ 0 for a share or a count).")
    unit = str(entry.get("unit") or d["unit"])
    try:
        value *= conversion_factor(unit, d["unit"])
    except CarbonacctError as exc:
        raise refuse(f"unit {unit!r} cannot be used for a value in {d['unit']!r}: {exc}") from None
    if d["max"] is not None and value > d["max"] * (1 + 1e-9):
        raise refuse(
            f"{value!r} {d['unit']} is above {d['max']:g}, the most it can be; "
            "a percentage needs unit: '%'."
        )
    return value


def manual_indicators(
    given: Mapping[str, Any], file: str, model_units: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Hand-entered indicators (name → value or {value, unit, evidence}) in their indicator's unit.

    ``model_units`` (indicator → unit) admits the indicators of a user's own
    model that the shipped table does not define.
    """
    defs = {
        **{n: {"unit": u, "max": None, "basis": None} for n, u in (model_units or {}).items()},
        **_definitions(),
    }
    out = {}
    for name, v in given.items():
        entry = dict(v) if isinstance(v, Mapping) else {"value": v}
        if str(name) not in defs:
            raise InputError(
                f"{file}, indicator {name}: unknown indicator; known: {sorted(defs)}.",
                file=file,
                row=None,
                column=str(name),
                item=str(name),
            )
        d = defs[str(name)]
        given_unit = entry.get("unit") or d["unit"]
        value = _convert(str(name), entry, d, file)
        out[str(name)] = {
            **entry,
            "value": value,
            "unit": d["unit"],
            "given": f"{entry['value']} {given_unit}",
            "source": "manual",
            "basis": d["basis"],
        }
    return out
