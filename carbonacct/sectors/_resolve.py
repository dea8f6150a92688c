"""Resolving each line's parameters: record → materials declaration → the method's default set.

For every (firm, month, process, material) line the method's parameter sets
for its category are tried in order: the first one the user's own values
(the record, then the materials declaration) complete; else the first one
the default set completes; else the line cannot be accounted, and the error
names the material, the month, the parameters missing and the clause. Every
value carries where it came from (``<parameter>_source``) and its grade, and
is checked against its plausibility bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError, InputError
from carbonacct.materials import check_bound
from carbonacct.sectors._checks import KEYS
from carbonacct.sectors._protocol import (
    LINE_KEYS,
    PARAMETERS,
    ParameterSet,
    RecordMethod,
    RecordOptions,
)
from carbonacct.sectors._sets import DefaultSet, fold
from carbonacct.sectors._units import canonical_text, parameter_factor

__all__ = ["Resolved", "Value", "resolve_lines"]


@dataclass(frozen=True)
class Value:
    """One parameter value of a line and where it came from."""

    value: float
    status: str  # measured, calculated, record, declared, default
    source: str
    grade: str


@dataclass(frozen=True)
class Resolved:
    """The lines handed to the method, the monthly parameter table, and the lines left out."""

    lines: pl.DataFrame
    parameters: pl.DataFrame
    missing: list[dict[str, Any]]
    #: record values of accounted lines that the chosen formula does not use: KEYS, parameter, why
    unused: list[dict[str, Any]]


def _record_values(rows: pl.DataFrame) -> dict[tuple[Any, ...], dict[str, Value]]:
    out: dict[tuple[Any, ...], dict[str, Value]] = {}
    for r in rows.iter_rows(named=True):
        key = tuple(r[k] for k in KEYS)
        how = r["how"] if r["how"] in ("measured", "calculated") else "record"
        where = f"record {r['table']} row {r['row']}" + (
            f" ({r['evidence']})" if r["evidence"] else ""
        )
        out.setdefault(key, {})[r["parameter"]] = Value(r["value"], how, where, r["how"] or "user")
    return out


def _declared(
    materials: pl.DataFrame | None, name: str, category: str, per: str
) -> dict[str, Value]:
    if materials is None:
        return {}
    out = {}
    hit = materials.filter((pl.col("_fold") == fold(name)) & (pl.col("category") == category))
    for r in hit.iter_rows(named=True):
        factor = parameter_factor(r["parameter"], r["value_unit"] or "", per)
        out[r["parameter"]] = Value(
            r["value"] * factor, "declared", f"materials row {r['row']}: {r['source']}", "user"
        )
    return out


def _defaults(ds: DefaultSet | None, name: str, category: str, per: str) -> dict[str, Value]:
    if ds is None:
        return {}
    key = ds.material_key(name)
    if key is None:
        return {}
    out = {}
    for r in ds.values_for(key).filter(pl.col("category") == category).iter_rows(named=True):
        try:
            factor = parameter_factor(r["parameter"], r["unit"], per)
        except CarbonacctError:
            continue  # a per-t default does not answer a gas counted in Nm3
        out[r["parameter"]] = Value(
            r["value"] * factor,
            "default",
            f"{ds.label}: {ds.manifest.document}, {r['source']}",
            r["grade"],
        )
    return out


def _choose(
    sets: tuple[ParameterSet, ...], own: Mapping[str, Value], defaults: Mapping[str, Value]
) -> tuple[ParameterSet | None, dict[str, Value], list[str]]:
    """The parameter set used, its values, and (when none is complete) what the first lacks."""
    preferred = tuple(ps for ps in sets if ps.when_given)
    for pool, order in ((own, (*preferred, *sets)), ({**defaults, **own}, sets)):
        for ps in order:
            needed = ("quantity", *ps.parameters)
            if all(p in pool for p in needed):
                return ps, {p: pool[p] for p in needed}, []
    pool = {**defaults, **own}
    return None, {}, [p for p in ("quantity", *_nearest(sets, pool)[0].parameters) if p not in pool]


def _nearest(sets: tuple[ParameterSet, ...], pool: Mapping[str, Value]) -> tuple[ParameterSet, ...]:
    """The sets with the one lacking the fewest values first (ties keep the method's order), so
    an error names the set the line is closest to (an anode with neither S nor A: A-1, not A-1′)."""

    def lacking(ps: ParameterSet) -> int:
        return sum(p not in pool for p in ("quantity", *ps.parameters))

    return tuple(sorted(sets, key=lacking))


def resolve_lines(
    rows: pl.DataFrame,
    method: RecordMethod,
    options: RecordOptions,
    materials: pl.DataFrame | None,
    defaults: DefaultSet | None,
) -> Resolved:
    """Lines with their parameter set and values; ``missing`` lists lines that lack a value."""
    if materials is not None:
        folds = {c: fold(c) for c in materials["carrier"].unique().to_list()}
        materials = materials.with_columns(
            pl.col("carrier").replace_strict(folds, return_dtype=pl.String).alias("_fold")
        )
    record = _record_values(rows)
    lines, table, missing, unused = [], [], [], []
    firsts = rows.group_by(KEYS, maintain_order=True).agg(pl.col("per").drop_nulls().first())
    for line in firsts.iter_rows(named=True):
        key = tuple(line[k] for k in KEYS)
        category, per = line["category"], line["per"] or "t"
        own = {**_declared(materials, line["material"], category, per), **record.get(key, {})}
        dflt = _defaults(defaults, line["material"], category, per)
        sets = method.requirements(category, options)
        chosen, values, lacking = _choose(sets, own, dflt)
        where = _where(line)
        if chosen is None:
            missing.append(_missing(line, _nearest(sets, {**dflt, **own}), lacking))
            table += _table_rows(line, per, {**dflt, **own}, lacking)
            continue
        for p, v in values.items():
            check_bound(
                v.value,
                category,
                p,
                per if PARAMETERS[p].kind == "per_unit" else "",
                canonical_text(p, per),
                where,
                material=line["material"],
                month=line["month"],
            )
        table += _table_rows(line, per, values, [])
        unused += _unused(line, record.get(key, {}), chosen, sets, method, options)
        lines.append(
            {
                **{k: line[k] for k in LINE_KEYS},
                "category": category,
                "unit": per,
                "parameter_set": chosen.name,
                "formula": chosen.clause,
                **{p: v.value for p, v in values.items()},
                **{f"{p}_source": v.source for p, v in values.items()},
            }
        )
    return Resolved(_lines_frame(lines), _parameter_frame(table), missing, unused)


def _unused(
    line: Mapping[str, Any],
    given: Mapping[str, Value],
    chosen: ParameterSet,
    sets: tuple[ParameterSet, ...],
    method: RecordMethod,
    options: RecordOptions,
) -> list[dict[str, Any]]:
    """The record's values of a line its chosen formula leaves out, each with why (never dropped)."""
    used = {"quantity", *chosen.parameters}
    out = []
    for p in given:
        if p in used:
            continue
        if p == "oxidation_rate" and options.oxidation != "applied":
            why = f"given but not applied (oxidation {options.oxidation or 'not chosen'})"
        elif any(p in ps.parameters for ps in sets):
            why = (
                f"not used: the line is accounted by {chosen.clause} ({chosen.name}"
                f"{', measured values given' if chosen.when_given else ''}), which does not use it"
            )
        else:
            why = f"not used by this method ({method.id}) for a {line['category']} line"
        out.append({**{k: line[k] for k in KEYS}, "parameter": p, "_unused": why})
    return out


def _where(line: Mapping[str, Any]) -> str:
    parts = [str(line["material"]), f"month {line['month']}"]
    if line["process"]:
        parts.append(f"process {line['process']}")
    if line["firm_id"]:
        parts.insert(0, f"firm {line['firm_id']}")
    return ", ".join(parts)


def _missing(
    line: Mapping[str, Any], sets: tuple[ParameterSet, ...], lacking: list[str]
) -> dict[str, Any]:
    others = "; or ".join(f"{'+'.join(s.parameters)} ({s.clause})" for s in sets[1:])
    return {
        "where": _where(line),
        "material": line["material"],
        "month": line["month"],
        "category": line["category"],
        "missing": ", ".join(f"{p} ({PARAMETERS[p].zh})" for p in lacking),
        "clause": f"{sets[0].clause}: {sets[0].formula}" if sets[0].formula else sets[0].clause,
        "alternatives": others,
    }


def _table_rows(
    line: Mapping[str, Any], per: str, values: Mapping[str, Value], lacking: list[str]
) -> list[dict[str, Any]]:
    base = {k: line[k] for k in LINE_KEYS} | {"category": line["category"]}
    out = [
        base
        | {
            "parameter": p,
            "value": v.value,
            "unit": canonical_text(p, per),
            "status": v.status,
            "source": v.source,
            "grade": v.grade,
        }
        for p, v in values.items()
    ]
    out += [
        base
        | {
            "parameter": p,
            "value": None,
            "unit": canonical_text(p, per),
            "status": "missing",
            "source": None,
            "grade": None,
        }
        for p in lacking
    ]
    return out


def _lines_frame(lines: list[dict[str, Any]]) -> pl.DataFrame:
    if not lines:
        return pl.DataFrame(schema={k: pl.String for k in (*LINE_KEYS, "category", "unit")})
    columns = list(dict.fromkeys(c for line in lines for c in line))
    schema = {c: (pl.Float64 if c in PARAMETERS else pl.String) for c in columns}
    return pl.DataFrame([{c: line.get(c) for c in columns} for line in lines], schema=schema)


def _parameter_frame(table: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {k: pl.String for k in (*LINE_KEYS, "category", "parameter")} | {
        "value": pl.Float64,
        "unit": pl.String,
        "status": pl.String,
        "source": pl.String,
        "grade": pl.String,
    }
    return pl.DataFrame(table, schema=schema, orient="row" if not table else None)


def missing_error(missing: list[dict[str, Any]], method: RecordMethod) -> InputError:
    """The error for lines that lack a required parameter (one line; the first three shown)."""
    first = missing[0]
    shown = "; ".join(
        f"{m['where']} ({m['category']}): no {m['missing']}, required by {m['clause']}"
        + (f" (or {m['alternatives']})" if m["alternatives"] else "")
        for m in missing[:3]
    )
    more = f"; and {len(missing) - 3} more" if len(missing) > 3 else ""
    return InputError(
        f"{len(missing)} line(s) of the record lack a parameter that {method.id} requires and no "
        f"default answers: {shown}{more}. Give each in the record (a row with that parameter) "
        "or in materials (--materials), with its source.",
        material=first["material"],
        month=first["month"],
        column=first["missing"],
        file=None,
        row=None,
    )
