"""Restating a past footprint with a newer factor edition.

When a newer publication appears (the 2024 grid factors, a revised fuel table),
every saved result computed with the older one needs restating. :func:`restate`
takes the saved result (a file written by ``carbonacct footprint -o``, with its
provenance, or the provenance alone), re-runs its inputs under its recorded
:class:`~carbonacct.options.Method` with the new factor set(s) ahead of the
shipped ones, and shows, per firm and period, the old and the new figures and
which factor rows changed (value, set, document, data year, grade).

The inputs are the ones the provenance names, checked by their SHA-256: a file
that changed since is refused (pass the original, or pass it explicitly).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._factor_sets import FactorSet, read_factor_set
from carbonacct.errors import InputError, OptionError
from carbonacct.factors import FactorLibrary, default_library
from carbonacct.options import Method
from carbonacct.periods import period_year
from carbonacct.results import BY_COLUMNS, RESULT_COLUMNS

__all__ = ["Restatement", "read_saved_result", "restate"]

#: Inputs of a footprint that the provenance records by name and checksum.
INPUTS = ("readings", "firms", "activity", "green_electricity")
#: What identifies a factor row in the factors-used table.
FACTOR_KEY = ["factor", "carrier", "scope"]
#: Unit suffixes of the result columns: a restated column keeps its unit at the end.
_UNIT_SUFFIXES = ("_tce", "_MWh", "_GJ", "_t")
#: What a factor row says about where its value comes from.
FACTOR_FIELDS = ["value", "unit", "factor_set", "document", "clause", "data_year", "grade"]


@dataclass
class Restatement:
    """Old against new figures per firm and period, and the factor rows that changed.

    Attributes
    ----------
    table : polars.DataFrame
        One row per firm and period (and ``by`` key): the old, new and
        difference of each result column, the side before the unit
        (``co2_old_t``, ``co2_new_t``, ``co2_diff_t``, ``energy_old_tce``),
        ``status`` (``changed``, ``unchanged``, ``only_old``, ``only_new``) and
        ``factors_changed`` (the changed factor rows that apply to the row).
    factors_changed : polars.DataFrame
        Per factor row (factor, carrier, scope): old and new value, set,
        document, clause, data year and grade, where any of them differs.
    old_provenance, provenance : dict
        The saved result's provenance, and the restatement's (the new run's,
        with the restated result and the sets added).
    warnings : list of str
    """

    table: pl.DataFrame
    factors_changed: pl.DataFrame
    old_provenance: dict[str, Any]
    provenance: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"restatement": self.table, "factors_changed": self.factors_changed}

    def write(self, path: str | Path) -> list[Path]:
        """Write the tables with units and the provenance (see :func:`carbonacct.io.write_result`)."""
        from carbonacct.io import write_result

        return write_result(self.tables(), path, self.provenance)

    def to_pandas(self) -> Any:
        return self.table.to_pandas()


def read_saved_result(path: str | Path) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    """The tables and the provenance of a result written by carbonacct.

    ``.json`` (every table), ``.parquet`` (the main table; provenance in the
    file metadata), ``.csv`` with its ``.csv.json`` sidecar, ``.xlsx`` (one
    sheet per table and a ``provenance`` sheet), or a provenance alone
    (a ``.json`` document without tables).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such result file.", file=str(p))
    suffix = p.suffix.lower()
    try:
        if suffix == ".json":
            doc = json.loads(p.read_text(encoding="utf-8"))
            if "tables" not in doc and "method" in doc:  # a provenance alone
                return {}, doc
            prov = doc["provenance"]
            tables = {
                k: pl.DataFrame(v, infer_schema_length=None) for k, v in doc["tables"].items()
            }
            return tables, prov
        if suffix == ".parquet":
            meta = pl.read_parquet_metadata(p)
            prov = json.loads(meta["carbonacct.provenance"])
            return {"footprint": pl.read_parquet(p)}, prov
        if suffix == ".csv":
            side = json.loads(p.with_name(p.name + ".json").read_text(encoding="utf-8"))
            return {side["table"]: pl.read_csv(p, infer_schema_length=None)}, side["provenance"]
        if suffix == ".xlsx":
            return _read_workbook(p)
    except (KeyError, ValueError, OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            f"{p}: not a result written by carbonacct (no provenance could be read: {exc}). "
            "Pass a result written with `carbonacct footprint -o` (.json, .parquet, .csv with "
            "its .csv.json sidecar, .xlsx).",
            file=str(p),
        ) from None
    raise InputError(
        f"{p}: restate reads results written as .json, .parquet, .csv (+ .csv.json) or .xlsx, "
        f"not {suffix or 'a file without a suffix'}.",
        file=str(p),
    )


def side_name(quantity: str, side: str) -> str:
    """``co2_t`` → ``co2_old_t``: the side before the unit, so the name still declares the unit."""
    for suffix in _UNIT_SUFFIXES:
        if quantity.endswith(suffix):
            return f"{quantity[: -len(suffix)]}_{side}{suffix}"
    return f"{quantity}_{side}"


def _read_workbook(p: Path) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    sheets = pl.read_excel(p, sheet_id=0)
    prov_sheet = sheets.pop("provenance")
    sheets.pop("units", None)
    prov: dict[str, Any] = {}
    for key, value in prov_sheet.iter_rows():
        try:
            prov[key] = json.loads(value)
        except (TypeError, ValueError):
            prov[key] = value
    return sheets, prov


def method_of(provenance: Mapping[str, Any]) -> Method:
    """The :class:`Method` a provenance records (its label and unknown keys left out)."""
    record = dict(provenance.get("method") or {})
    if not record:
        raise InputError("The saved result's provenance records no method: it cannot be re-run.")
    known = {f.name for f in fields(Method)}
    args = {k: v for k, v in record.items() if k in known}
    if isinstance(args.get("coal_types"), Mapping):
        args["coal_types"] = tuple(args["coal_types"].items())
    if args.get("combustion_sets") is not None:
        args["combustion_sets"] = tuple(args["combustion_sets"])
    return Method(**args)


def _library_with(sets: Sequence[str | Path | FactorSet], base: FactorLibrary) -> FactorLibrary:
    """A copy of ``base`` with ``sets`` searched first, in the order given."""
    lib = base.copy()
    for s in reversed(list(sets)):
        if isinstance(s, FactorSet):
            fs = s
        elif isinstance(s, Path) or Path(str(s)).suffix.lower() in (".toml", ".csv"):
            fs = read_factor_set(s)
        else:
            fs = lib.get(str(s))
        lib.add(fs, precedence="override")
    return lib


def _input_for(
    name: str, given: Any, provenance: Mapping[str, Any], where: Path | None
) -> tuple[Any, str | None]:
    """The input to re-run with, and the SHA-256 the saved result recorded for it."""
    record = (provenance.get("inputs") or {}).get(name)
    saved_sha = record.get("sha256") if isinstance(record, Mapping) else None
    if given is not None or record is None:
        return given, saved_sha
    path = Path(record["name"])
    candidates = [path] if path.is_absolute() else [Path.cwd() / path]
    if where is not None and not path.is_absolute():
        candidates.append(where / path)
    for c in candidates:
        if c.exists():
            return c, saved_sha
    raise InputError(
        f"The saved result's {name} were read from {record['name']!r}, which is not there "
        f"now: pass {name}= (the file the result was computed from).",
        file=str(record["name"]),
    )


def _inputs(
    given: Mapping[str, Any], prov: Mapping[str, Any], where: Path | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The inputs to re-run with, and the checksums the saved result recorded for them."""
    inputs, saved_sha = {}, {}
    for name in INPUTS:
        inputs[name], saved_sha[name] = _input_for(name, given[name], prov, where)
    if inputs["readings"] is None:
        raise InputError("The saved result names no readings: pass readings=.")
    return inputs, saved_sha


def restate(
    result: str | Path | Mapping[str, Any],
    factor_sets: Sequence[str | Path | FactorSet],
    *,
    readings: Any = None,
    firms: Any = None,
    activity: Any = None,
    green_electricity: Any = None,
    fuel_parameters: Any = None,
    library: FactorLibrary | None = None,
) -> Restatement:
    """Re-compute a saved footprint with newer factor set(s) and show what changed.

    Parameters
    ----------
    result : path or mapping
        A result written by :meth:`Footprint.write` (its tables are the old
        figures), or its provenance alone (a mapping or a ``.json`` file: the
        old figures are then re-computed with the shipped sets).
    factor_sets : sequence of set ids, manifest paths or FactorSet
        The newer edition(s), searched before the shipped sets (a user's file
        is labelled as the user's, with its own document).
    readings, firms, activity, green_electricity, fuel_parameters : optional
        The inputs, when not at the paths the provenance names. Each input the
        provenance records by checksum must have that checksum.

    Returns
    -------
    Restatement

    Raises
    ------
    InputError
        A saved input is missing or changed since, or the result has no provenance.
    OptionError
        No factor set was given.
    """
    if not factor_sets:
        raise OptionError(
            "restate needs the newer factor set(s): a set id or a manifest (.toml) path.",
            option="factor_sets",
            value=list(factor_sets),
        )
    where = Path(result).parent if isinstance(result, (str, Path)) else None
    tables, prov = (
        read_saved_result(result) if isinstance(result, (str, Path)) else ({}, dict(result))
    )
    method = method_of(prov)
    given = dict(readings=readings, firms=firms, activity=activity)
    inputs, saved_sha = _inputs(given | {"green_electricity": green_electricity}, prov, where)
    base = library or default_library()
    new_lib = _library_with(factor_sets, base)
    # a saved breakdown (by site, carrier, meter, product) is re-run with the same breakdown
    saved = tables.get("footprint")
    by = tuple(c for c in BY_COLUMNS if saved is not None and c in saved.columns)
    run = _runner(inputs, fuel_parameters, method, by)
    new = run(new_lib)
    _check_inputs_unchanged(new.provenance, saved_sha)
    old_table, old_factors = tables.get("footprint"), tables.get("factors")
    old = run(base)
    warnings = _sets_differ(prov, old.provenance)
    if old_table is not None and not warnings:
        check_saved_figures(old_table, old.table)
    old_table = old_table if old_table is not None else old.table
    old_factors = old_factors if old_factors is not None else old.factors_used
    changed = compare_factors(old_factors, new.factors_used)
    firm_provinces = _provinces(inputs["firms"])
    table = compare_tables(old_table, new.table, changed, firm_provinces)
    provenance = dict(new.provenance) | {
        "restated": {
            "result": str(result) if isinstance(result, (str, Path)) else "provenance given",
            "old_factor_sets": prov.get("factor_sets"),
            "sets_added": [_label(s, new_lib) for s in factor_sets],
        }
    }
    warnings += _sets_unused(factor_sets, new_lib, new.factors_used, method)
    warnings += new.quality.warnings
    return Restatement(table, changed, dict(prov), provenance, warnings)


def _sets_unused(
    factor_sets: Sequence[str | Path | FactorSet],
    lib: FactorLibrary,
    used: pl.DataFrame,
    method: Method,
) -> list[str]:
    """Why a restatement changed nothing: a set given that no factor row of the re-run used."""
    applied = set(used["factor_set"].cast(pl.String).to_list()) if "factor_set" in used else set()
    out = []
    for s in factor_sets:
        label = _label(s, lib)
        if label in applied:
            continue
        why = (
            "the ets grid set is used only under Method(grid_factor='ets'), and the saved result "
            f"was computed with grid_factor={method.grid_factor!r}"
            if label.startswith("ets-reporting@") and method.grid_factor != "ets"
            else "none of its rows matches a carrier, region and year of the readings"
        )
        out.append(f"the set {label} applied to no row of the re-run: {why}")
    return out


def _runner(
    inputs: Mapping[str, Any], fuel_parameters: Any, method: Method, by: tuple[str, ...]
) -> Any:
    import carbonacct

    def run(lib: FactorLibrary) -> Any:
        return carbonacct.footprint(
            inputs["readings"],
            by=by,
            firms=inputs["firms"],
            activity=inputs["activity"],
            green_electricity=inputs["green_electricity"],
            fuel_parameters=fuel_parameters,
            method=method,
            library=lib,
        )

    return run


def _label(s: str | Path | FactorSet, lib: FactorLibrary) -> str:
    if isinstance(s, FactorSet):
        return s.manifest.label
    for fs in lib.sets.values():
        if fs.manifest.path and Path(str(fs.manifest.path)) == Path(str(s)):
            return fs.manifest.label
    return lib.get(str(s)).manifest.label if str(s) in lib.sets else str(s)


def _check_inputs_unchanged(new_prov: Mapping[str, Any], saved_sha: Mapping[str, Any]) -> None:
    for name, sha in saved_sha.items():
        if sha is None:
            continue
        now = ((new_prov.get("inputs") or {}).get(name) or {}).get("sha256")
        if now is not None and now != sha:
            raise InputError(
                f"The {name} given are not those of the saved result (SHA-256 {now[:12]}… now, "
                f"{sha[:12]}… saved): a restatement must re-run the same inputs. Pass the "
                f"original {name}.",
                file=((new_prov.get("inputs") or {}).get(name) or {}).get("name"),
            )


def _sets_differ(saved: Mapping[str, Any], rerun: Mapping[str, Any]) -> list[str]:
    a, b = set(saved.get("factor_sets") or ()), set(rerun.get("factor_sets") or ())
    if a == b:
        return []
    return [
        "the old figures were re-computed with the shipped sets "
        f"{sorted(b - a)} where the saved result used {sorted(a - b)}: the saved tables were "
        "not available (pass the result file written with its tables to compare with them)"
    ]


#: Figures are written with 12 significant digits: a saved figure further from its
#: re-computation than this (relative) was not written by carbonacct from these inputs.
SAVED_PRECISION = 1e-11


def check_saved_figures(saved: pl.DataFrame, recomputed: pl.DataFrame) -> None:
    """Refuse saved old figures that the recorded inputs, Method and sets do not give.

    The old figures of a restatement are re-computed from the inputs under the
    recorded Method and factor sets; a saved figure that differs beyond write
    precision (an edited file) is named by firm, period and column.
    """
    keys = ["firm_id", "period", *(c for c in BY_COLUMNS if c in saved.columns)]
    quantities = [c for c in RESULT_COLUMNS if c in saved.columns and c in recomputed.columns]

    def side(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.select(
            *(pl.col(k).cast(pl.String) for k in keys),
            *(pl.col(q).cast(pl.Float64).alias(f"{q}{suffix}") for q in quantities),
        )

    both = side(saved, "").join(side(recomputed, "@"), on=keys, how="full", coalesce=True)
    for row in both.iter_rows(named=True):
        for q in quantities:
            a, b = row[q], row[f"{q}@"]
            if a is None and b is None:
                continue
            if a is None or b is None or abs(a - b) > SAVED_PRECISION * max(abs(a), abs(b), 1.0):
                where = ", ".join(f"{k} {row[k]}" for k in keys)
                raise InputError(
                    f"The saved result's {q} for {where} is {a}, but its recorded inputs, "
                    f"Method and factor sets give {b}: the saved figures were changed since "
                    "they were written. Restate the original result file (or pass its "
                    "provenance alone to re-compute the old figures).",
                    column=q,
                )


def _provinces(firms: Any) -> pl.DataFrame | None:
    from carbonacct._sides import read_firms

    frame, _ = read_firms(firms)
    return None if frame is None else frame.select("firm_id", "province")


def compare_factors(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Factor rows (factor, carrier, scope) whose value or provenance differs, old beside new."""

    def side(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        cols = [c for c in FACTOR_FIELDS if c in frame.columns]
        return frame.select(
            *(pl.col(k).cast(pl.String) for k in FACTOR_KEY),
            *(pl.col(c).cast(pl.String if c != "value" else pl.Float64) for c in cols),
        ).rename({c: f"{c}_{suffix}" for c in cols})

    both = side(old, "old").join(
        side(new, "new"), on=FACTOR_KEY, how="full", coalesce=True, nulls_equal=True
    )
    # a value read back from a written result may differ in its last binary digit
    old_v, new_v = pl.col("value_old"), pl.col("value_new")
    differs = (old_v.is_null() != new_v.is_null()) | (
        (new_v - old_v).abs() > 1e-9 * old_v.abs().clip(lower_bound=1.0)
    ).fill_null(False)
    for c in FACTOR_FIELDS[1:]:
        if f"{c}_old" in both.columns and f"{c}_new" in both.columns:
            differs = differs | pl.col(f"{c}_old").ne_missing(pl.col(f"{c}_new"))
    return both.filter(differs).sort(FACTOR_KEY, nulls_last=True)


def _describe(changed: pl.DataFrame) -> pl.DataFrame:
    """One line per changed factor row: old → new with set, data year and grade."""

    def side(s: str) -> pl.Expr:
        return pl.format(
            "{} ({}, data year {}, {})",
            pl.col(f"value_{s}").round(6).cast(pl.String).fill_null("none"),
            pl.col(f"factor_set_{s}").fill_null("-"),
            pl.col(f"data_year_{s}").fill_null("-"),
            pl.col(f"grade_{s}").fill_null("-"),
        )

    return changed.with_columns(
        pl.format(
            "{} {} {}: {} → {}",
            "factor",
            "carrier",
            pl.col("scope").fill_null(""),
            side("old"),
            side("new"),
        ).alias("_line"),
        pl.col("scope").str.extract(r"^(\S+) ").alias("_province"),
        pl.col("scope").str.extract(r"(\d{4})$").alias("_year"),
    )


def compare_tables(
    old: pl.DataFrame,
    new: pl.DataFrame,
    changed: pl.DataFrame,
    provinces: pl.DataFrame | None,
) -> pl.DataFrame:
    """Old and new figures per firm and period, with their difference and the changed factors."""
    keys = ["firm_id", "period", *(c for c in BY_COLUMNS if c in new.columns)]
    quantities = [c for c in RESULT_COLUMNS if c in old.columns and c in new.columns]

    def side(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.select(
            *(pl.col(k).cast(pl.String) for k in keys),
            *(pl.col(q).cast(pl.Float64).alias(side_name(q, suffix)) for q in quantities),
            pl.lit(True).alias(f"_in_{suffix}"),
        )

    t = side(old, "old").join(side(new, "new"), on=keys, how="full", coalesce=True)

    def diff(q: str) -> pl.Expr:
        # a figure read back from a written result may differ in its last binary digits
        d = pl.col(side_name(q, "new")) - pl.col(side_name(q, "old"))
        tol = 1e-9 * pl.col(side_name(q, "old")).abs().clip(lower_bound=1.0)
        return pl.when(d.abs() <= tol).then(0.0).otherwise(d).alias(side_name(q, "diff"))

    t = t.with_columns(diff(q) for q in quantities)
    moved = pl.any_horizontal(
        [pl.col(side_name(q, "diff")) != 0 for q in quantities] or [pl.lit(False)]
    )
    status = (
        pl.when(pl.col("_in_old").is_null())
        .then(pl.lit("only_new"))
        .when(pl.col("_in_new").is_null())
        .then(pl.lit("only_old"))
        .when(moved.fill_null(True))
        .then(pl.lit("changed"))
        .otherwise(pl.lit("unchanged"))
    )
    t = t.with_columns(status.alias("status"))
    t = t.join(_applying(t, changed, provinces, keys), on=keys, how="left")
    order = [
        *keys,
        "status",
        *(side_name(q, s) for q in quantities for s in ("old", "new", "diff")),
        "factors_changed",
    ]
    return t.select(order).sort(keys)


def _applying(
    t: pl.DataFrame, changed: pl.DataFrame, provinces: pl.DataFrame | None, keys: list[str]
) -> pl.DataFrame:
    """Per row of ``t``: the changed factor rows that apply (grid rows by province and year)."""
    lines = _describe(changed)
    rows = t.select(keys).with_columns(period_year().alias("_year"))
    if provinces is not None:
        rows = rows.join(provinces.rename({"province": "_firm_province"}), on="firm_id", how="left")
    else:
        rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("_firm_province"))
    pairs = rows.join(lines.select("_line", "_province", "_year"), how="cross", suffix="_f")
    applies = pl.col("_year_f").is_null() | (
        (pl.col("_year_f") == pl.col("_year"))
        & (
            pl.col("_province").is_in(["-"])
            | pl.col("_province").eq_missing(pl.col("_firm_province"))
        )
    )
    return (
        pairs.filter(applies)
        .group_by(keys)
        .agg(pl.col("_line").sort().str.join("; ").alias("factors_changed"))
    )
