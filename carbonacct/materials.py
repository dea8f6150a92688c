"""Materials the library does not ship, declared by the user, and the plausibility bounds.

A materials declaration (``materials=`` / ``--materials FILE``) is a table
with one value a row::

    carrier,category,unit,parameter,value,value_unit,source
    电极,process,t,emission_factor,3.663,tCO2/t,CETS—AG—03.01—V01—2024 附录A
    粗钢,carbon_product,t,carbon_content,0.0101,tC/t,lab report 2025-03

``carrier`` is the material as the record or readings name it, ``unit`` the
unit its amounts are counted in, ``source`` the document and clause (or
"measured"). Declared values are the user's: results record them with their
source. Every value is checked against the plausibility bounds of its
category and parameter (:func:`bounds`), which are data
(``factors/sectors/bounds/plausibility.csv``), wide enough for every
published factor: an electrode at 3.663 tCO2/t and micro-carbon
ferromanganese at 0.004 pass; a value outside is refused with the bound named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.io import Source, read_side_table

__all__ = [
    "FOOTPRINT_COLUMN",
    "MATERIAL_COLUMNS",
    "Declared",
    "bound_for",
    "bounds",
    "check_bound",
    "declared_materials",
    "read_materials",
]

#: The columns of a materials declaration.
MATERIAL_COLUMNS = ("carrier", "category", "unit", "parameter", "value", "value_unit", "source")


@cache
def bounds() -> pl.DataFrame:
    """The plausibility bounds: ``category`` (``*`` = any), ``parameter``, ``per``, ``low``, ``high``."""
    from carbonacct._manifest import data_dir, read_dataset

    schema = {
        "category": pl.String,
        "parameter": pl.String,
        "per": pl.String,
        "low": pl.Float64,
        "high": pl.Float64,
        "note": pl.String,
    }
    _, frame = read_dataset(
        data_dir() / "sectors/bounds/plausibility.toml", schema, ("category", "parameter")
    )
    return frame.with_columns(pl.col("per").fill_null(""))


def bound_for(category: str, parameter: str, per: str = "") -> tuple[float, float, str] | None:
    """(low, high, note) for a parameter of a category (per unit ``per``), or None if unbounded."""
    frame = bounds()
    for cat in (category, "*"):
        hit = frame.filter(
            (pl.col("category") == cat)
            & (pl.col("parameter") == parameter)
            & (pl.col("per") == per)
        )
        if hit.height:
            row = hit.row(0, named=True)
            high = row["high"] if row["high"] is not None else math.inf
            return float(row["low"]), float(high), str(row["note"] or "")
    return None


def check_bound(
    value: float, category: str, parameter: str, per: str, unit: str, where: str, **fields: Any
) -> None:
    """Refuse ``value`` [``unit``] outside its bound, naming the bound and ``where``.

    Examples
    --------
    >>> check_bound(3.663, "process", "emission_factor", "t", "tCO2/t", "电极")
    >>> check_bound(0.004, "process", "emission_factor", "t", "tCO2/t", "微碳锰铁")
    >>> check_bound(36.63, "process", "emission_factor", "t", "tCO2/t", "电极, 2025-03")
    Traceback (most recent call last):
    ...
    carbonacct.errors.InputError: 电极, 2025-03: emission_factor 36.63 tCO2/t is outside ...
    """
    found = bound_for(category, parameter, per)
    if found is None:
        return
    low, high, note = found
    if low <= value <= high:
        return
    raise InputError(
        f"{where}: {parameter} {value:g} {unit} is outside the plausibility bound "
        f"[{low:g}, {high:g}] {unit} for category {category!r} ({note}). Check the value and "
        "its unit (a percentage written as a fraction, kJ for GJ ...).",
        value=value,
        column=parameter,
        **fields,
    )


def read_materials(source: Any) -> tuple[pl.DataFrame, Source]:
    """Read a materials declaration (a path or frame) and check every row.

    Returns the table with columns :data:`MATERIAL_COLUMNS`, ``value`` as a
    float, the category and parameter in library names, and ``row`` (1-based).

    Raises
    ------
    InputError
        Naming the file, row and column of the first bad cell: an unknown
        category or parameter, a value that is not a number, a unit that does
        not parse, an empty source.
    """
    from carbonacct.sectors._protocol import (
        CATEGORIES,
        CATEGORY_NAMES,
        PARAMETER_NAMES,
        PARAMETERS,
    )
    from carbonacct.units import resolve_unit

    frame, src = read_side_table(source, MATERIAL_COLUMNS, "a materials declaration")
    if "material" in frame.columns and "carrier" not in frame.columns:
        frame = frame.rename({"material": "carrier"})
    rows = []
    for r in frame.iter_rows(named=True):

        def bad(column: str, problem: str, hint: str, r: dict[str, Any] = r) -> InputError:
            return InputError(
                problem=problem,
                file=src.name,
                row=r["row"],
                column=column,
                value=r[column],
                hint=hint,
            )

        text = {k: (str(r[k]).strip() if r[k] is not None else "") for k in MATERIAL_COLUMNS}
        category = CATEGORY_NAMES.get(text["category"]) or CATEGORY_NAMES.get(
            text["category"].lower()
        )
        if category not in CATEGORIES:
            raise bad("category", "unknown category", f"use one of {sorted(CATEGORIES)}")
        parameter = PARAMETER_NAMES.get(text["parameter"]) or PARAMETER_NAMES.get(
            text["parameter"].lower()
        )
        if parameter is None:
            raise bad(
                "parameter",
                "unknown parameter",
                f"use one of {sorted(set(PARAMETER_NAMES.values()))}",
            )
        try:
            value = float(text["value"].replace(",", ""))
        except ValueError:
            raise bad("value", "not a number", "write the value as a number") from None
        if not math.isfinite(value):
            raise bad("value", "not a finite number", "write the value as a number")
        for column in ("unit", "value_unit"):
            if text[column]:
                resolve_unit(text[column])
        if not text["value_unit"] and PARAMETERS[parameter].kind != "fraction":
            raise bad(
                "value_unit", f"{parameter} needs its unit", "write e.g. tCO2/t, GJ/t, tC/t or %"
            )
        if not text["carrier"]:
            raise bad("carrier", "no carrier (material) named", "name the material")
        if not text["source"]:
            raise bad(
                "source",
                "a declared value needs its source",
                "write the document and clause, or 'measured'",
            )
        rows.append(
            {**text, "category": category, "parameter": parameter, "value": value, "row": r["row"]}
        )
    schema = {c: pl.String for c in MATERIAL_COLUMNS} | {"value": pl.Float64, "row": pl.Int64}
    return pl.DataFrame(rows, schema=schema), src


# -- declared materials in the meter footprint --------------------------------------------------

#: Footprint column of each declared category's CO2 (carbon products are deducted from scope 1).
FOOTPRINT_COLUMN = {
    "fuel": "co2_combustion_t",
    "process": "co2_process_t",
    "carbonate": "co2_process_t",
    "carbon_product": "co2_carbon_products_t",
}

_C_TO_CO2 = 44 / 12


@dataclass(frozen=True)
class Declared:
    """Materials declared for the meter footprint: one row per carrier with its CO2 factor.

    ``table`` has ``carrier`` (as declared), ``key`` (folded name), ``category``,
    ``per`` (the canonical unit label), ``co2_per_unit`` [tCO2 per ``per``],
    ``tce_per_unit`` (from a declared NCV, else null), ``formula`` and ``source``.
    """

    table: pl.DataFrame
    source: Source

    def recognise(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The reading keys with declared carriers taken out of the method's hands (a declared
        name wins over the shipped vocabulary: the user said what it is)."""
        return declared_keys(keys, self)

    def apply(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The method's key constants with the declared carriers accounted: CO2 into its
        column, energy from a declared NCV, nothing else."""
        return declared_constants(keys, self)

    def factors_used(self) -> pl.DataFrame:
        """One row per declared factor, graded ``user`` with its declared source."""
        return self.table.select(
            pl.col("category")
            .replace_strict(
                {c: f"declared_{c}_co2" for c in FOOTPRINT_COLUMN}, return_dtype=pl.String
            )
            .alias("factor"),
            pl.col("code").alias("carrier"),
            pl.lit(None, dtype=pl.String).alias("scope"),
            pl.col("co2_per_unit").alias("value"),
            ("tCO2/" + pl.col("per")).alias("unit"),
            pl.col("formula").alias("source"),
            pl.lit("declared").alias("factor_set"),
            pl.lit("user").alias("grade"),
            ("materials declaration " + pl.lit(self.source.name)).alias("document"),
            pl.col("source").alias("clause"),
            pl.lit(None, dtype=pl.Int32).alias("data_year"),
        )

    def warnings(self) -> list[str]:
        fuels = self.table.filter((pl.col("category") == "fuel") & pl.col("tce_per_unit").is_null())
        return [
            f"declared fuel {c!r}: no ncv declared, so its energy (tce) is not counted"
            for c in fuels["carrier"].to_list()
        ]


def declared_materials(source: Any) -> Declared:
    """Read a materials declaration for the meter footprint and derive each carrier's factor.

    A fuel needs ``emission_factor`` [tCO2/unit], or ``ncv`` × ``carbon_content_per_heat``
    × ``oxidation_rate`` × 44/12 (GB/T 32150-2015 6.3), or ``carbon_content`` × ``oxidation_rate``
    × 44/12; a process material or carbonate ``emission_factor`` (× ``purity`` ×
    ``conversion_rate`` where declared) or ``carbon_content`` × 44/12; a carbon product
    ``emission_factor`` or ``carbon_content`` × 44/12.

    Raises
    ------
    InputError
        Naming the carrier and what it lacks, or a value outside its bound.
    """
    frame, src = read_materials(source)
    rows = [
        _declared_row(str(carrier), part, src.name)
        for (carrier,), part in frame.group_by(["carrier"], maintain_order=True)
    ]
    schema = {c: pl.String for c in _DECLARED_COLUMNS} | {
        "co2_per_unit": pl.Float64,
        "tce_per_unit": pl.Float64,
    }
    return Declared(pl.DataFrame(rows, schema=schema), src)


_DECLARED_COLUMNS = ("carrier", "code", "key", "category", "per", "pint_unit", "formula", "source")


def _declared_row(carrier: str, part: pl.DataFrame, file: str) -> dict[str, Any]:
    """One declared carrier: its unit, checked values, CO2 factor and the formula used."""
    from carbonacct.sectors._units import PINT_UNIT, parameter_factor, quantity_unit

    first = part.row(0, named=True)
    category = first["category"]
    if category not in FOOTPRINT_COLUMN:
        raise InputError(
            f"{file}: {carrier!r} is declared as {category!r}; the meter footprint accounts "
            f"declared {sorted(FOOTPRINT_COLUMN)} (use carbonacct.sectors for the others).",
            file=file, row=first["row"], column="category", value=category,
        )  # fmt: skip
    if not first["unit"]:
        raise InputError(
            problem=f"{carrier!r} needs the unit its amounts are counted in", file=file,
            row=first["row"], column="unit", value="", hint="write t, 万Nm3, kg ...",
        )  # fmt: skip
    per = quantity_unit(first["unit"], category)[0]
    values = {}
    for r in part.iter_rows(named=True):
        v = r["value"] * parameter_factor(r["parameter"], r["value_unit"] or "", per)
        kind_per = per if r["parameter"] in ("emission_factor", "carbon_content", "ncv") else ""
        where = f"{file}, row {r['row']} ({carrier})"
        check_bound(
            v, category, r["parameter"], kind_per, r["value_unit"] or "", where,
            file=file, row=r["row"],
        )  # fmt: skip
        values[r["parameter"]] = v
    co2, formula = _declared_factor(carrier, category, values, file)
    return {
        "carrier": carrier, "code": f"declared:{carrier}", "key": fold_name(carrier),
        "category": category, "per": per, "pint_unit": PINT_UNIT[per], "co2_per_unit": co2,
        "tce_per_unit": values["ncv"] * conversion_factor_gj_tce() if "ncv" in values else None,
        "formula": formula, "source": "; ".join(dict.fromkeys(part["source"].to_list())),
    }  # fmt: skip


def conversion_factor_gj_tce() -> float:
    """tce per GJ: 1 / 29.3076 (1 kgce = 29 307.6 kJ, GB/T 2589-2020 3.9)."""
    from carbonacct.units import conversion_factor

    return conversion_factor("GJ", "tce")


def fold_name(name: str) -> str:
    """A carrier name folded for matching."""
    from carbonacct.sectors._sets import fold

    return fold(name)


def _declared_factor(
    carrier: str, category: str, v: dict[str, float], file: str
) -> tuple[float, str]:
    """(tCO2 per unit, the formula used) from the declared values of one carrier."""
    if "emission_factor" in v:
        share = v.get("purity", 1.0) * v.get("conversion_rate", 1.0)
        return v["emission_factor"] * share, "declared emission_factor" + (
            " × purity × conversion_rate" if share != 1.0 else ""
        )
    of = v.get("oxidation_rate")
    if category == "fuel" and of is not None:
        if "ncv" in v and "carbon_content_per_heat" in v:
            return (
                v["ncv"] * v["carbon_content_per_heat"] * of * _C_TO_CO2,
                "ncv × carbon_content_per_heat × oxidation_rate × 44/12 (GB/T 32150-2015 6.3)",
            )
        if "carbon_content" in v:
            return v["carbon_content"] * of * _C_TO_CO2, "carbon_content × oxidation_rate × 44/12"
    if category != "fuel" and "carbon_content" in v:
        return v["carbon_content"] * _C_TO_CO2, "carbon_content × 44/12"
    need = (
        "emission_factor, or ncv + carbon_content_per_heat + oxidation_rate, or carbon_content + "
        "oxidation_rate"
        if category == "fuel"
        else "emission_factor or carbon_content"
    )
    raise InputError(
        f"{file}: declared {category} {carrier!r} has {sorted(v)} but needs {need} to give its "
        "CO2; declare them with their source.",
        file=file,
        row=None,
        column="parameter",
        value=sorted(v),
    )


def declared_keys(keys: pl.DataFrame, declared: Declared) -> pl.DataFrame:
    """Reading keys whose carrier is declared: ``_declared`` (its code), carrier and category
    cleared for the method, the unit factor to the declared unit, the reasons updated."""
    from carbonacct.readings import REASON_CODES
    from carbonacct.units import conversion_factor, resolve_unit

    table = {r["key"]: r for r in declared.table.iter_rows(named=True)}
    _check_fuels_out(keys, set(table))
    updates = []
    for row in keys.iter_rows(named=True):
        d = table.get(fold_name(row["raw_carrier"] or "")) if row["raw_carrier"] else None
        if d is None:
            updates.append(row | {"_declared": None})
            continue
        if d["category"] == "process" and row["flow_n"] == "out":
            raise InputError(
                f"readings: process material {d['carrier']!r} with flow 'out': a process material "
                "is consumed (flow in); carbon leaving in a product is declared with category "
                "carbon_product in the materials. Correct the flow or the declaration.",
                column="flow",
                value=row["raw_flow"],
                file=None,
                row=None,
            )
        factor, r_unit = None, None
        try:
            factor = conversion_factor(resolve_unit(row["raw_unit"]).canonical, d["pint_unit"])
        except CarbonacctError:
            r_unit = REASON_CODES["missing_unit" if not row["raw_unit"] else "unit_dimension"]
        if d["category"] == "carbon_product" and row["flow_n"] != "out":
            raise InputError(
                f"readings: carbon product {d['carrier']!r} with flow {row['raw_flow'] or 'in'!r}: "
                "carbon leaving in products is a reading with flow=out (a carbon-bearing material "
                "coming in is declared as category process).",
                column="flow",
                value=row["raw_flow"],
                file=None,
                row=None,
            )
        updates.append(
            row
            | {
                "carrier": None,
                "category": None,
                "to_canonical": factor,
                "amount_unit": d["per"],
                "r_carrier": None,
                "r_unit": r_unit,
                "unit_note": None,
                "_declared": d["code"],
            }
        )
    return pl.DataFrame(updates, schema=keys.schema | {"_declared": pl.String})


def _check_fuels_out(keys: pl.DataFrame, declared: set[str]) -> None:
    """A shipped fuel only ever delivered out is a by-product leaving, not fuel sold on: netting it
    against combustion gives negative CO2 and energy, so it is refused with what to do."""
    from carbonacct.energy import FUEL_CATEGORIES

    fuels = keys.filter(pl.col("category").is_in(FUEL_CATEGORIES))
    bought = set(fuels.filter(pl.col("flow_n") != "out")["carrier"].to_list())
    for row in fuels.filter(pl.col("flow_n") == "out").iter_rows(named=True):
        if row["carrier"] in bought or fold_name(row["raw_carrier"] or "") in declared:
            continue
        raise InputError(
            f"readings: fuel {row['raw_carrier']!r} ({row['carrier']}) is only delivered out "
            "(flow=out) and never read coming in: flow=out nets fuel sold on against fuel bought "
            "in, so alone it gives negative combustion CO2 and energy. A by-product leaving "
            "with its carbon (焦油, 粗苯) is declared in the materials with category "
            "carbon_product and its emission_factor or carbon_content; fuel sold on needs its "
            "flow-in readings too.",
            column="flow",
            value=row["raw_flow"],
            file=None,
            row=None,
        )


def declared_constants(keys: pl.DataFrame, declared: Declared) -> pl.DataFrame:
    """The declared keys' ``k_`` constants: CO2 into its column; energy from a declared NCV."""
    from carbonacct.energy import signed_amount

    d = declared.table.select(
        pl.col("code").alias("_declared"),
        pl.col("category").alias("_dcat"),
        pl.col("co2_per_unit").alias("_dco2"),
        pl.col("tce_per_unit").alias("_dtce"),
    )
    k = keys.join(d, on="_declared", how="left")
    mine = pl.col("_declared").is_not_null()
    amount = signed_amount()
    # a declared key adds only what its declaration says: every other constant is zero
    k = k.with_columns(
        pl.when(mine).then(0.0).otherwise(pl.col(c)).alias(c)
        for c in keys.columns
        if c.startswith("k_")
    )
    exprs: dict[str, pl.Expr] = {}
    for category, column in FOOTPRINT_COLUMN.items():
        name = f"k_{column}"
        current = exprs.get(name, pl.col(name) if name in k.columns else pl.lit(0.0))
        # carbon products leave (flow=out): their CO2 is a positive amount deducted from scope 1
        sign = -1.0 if category == "carbon_product" else 1.0
        this = mine & (pl.col("_dcat") == category)
        exprs[name] = pl.when(this).then(sign * amount * pl.col("_dco2")).otherwise(current)
    tce = pl.when(mine & (pl.col("_dcat") == "fuel")).then(amount * pl.col("_dtce"))
    feed = pl.col("use_n") == "feedstock"
    return k.with_columns(
        **exprs,
        k_energy_tce=tce.otherwise(pl.col("k_energy_tce")).fill_null(0.0),
        k_energy_feedstock_tce=pl.when(feed)
        .then(tce.otherwise(pl.col("k_energy_feedstock_tce")))
        .otherwise(pl.col("k_energy_feedstock_tce"))
        .fill_null(0.0),
        r_factor=pl.when(mine).then(None).otherwise(pl.col("r_factor")),
        _burns=pl.col("_burns") & ~mine,
        _fuel=pl.col("_fuel") & ~mine,
        _needs_grid=pl.col("_needs_grid") & ~mine,
        carrier=pl.coalesce("_declared", "carrier"),
        category=pl.when(mine).then("declared_" + pl.col("_dcat")).otherwise(pl.col("category")),
    ).drop("_dcat", "_dco2", "_dtce", "_declared")
