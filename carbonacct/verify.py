"""Verifier mode: recompute reported figures, explain the differences, check cited factors.

In verification work the arithmetic is rarely wrong; what goes wrong is which
factor applies, a mistyped factor, rounding, a unit slip or an export left in.
:func:`reconcile` recomputes each reported line with the published factors
and, where it differs, tries the known causes one by one and says which one
reproduces the reported figure — and, for a factor, which publication (set,
year, region) the reported one is. :func:`find_factor` answers "which
published factor is 0.5810?", and :func:`check_factor` whether a factor is
the one its cited publication gives.

Rounding policies are data (``factors/rounding/policies.toml``) and chosen per
run; the result records the policy used.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from carbonacct._manifest import data_dir
from carbonacct.emissions import combustion_factor, heat_factor
from carbonacct.errors import CarbonacctError, InputError
from carbonacct.factors import Factor, FactorLibrary, default_library
from carbonacct.io import TableLike, read_side_table, read_table
from carbonacct.units import conversion_factor
from carbonacct.vocabulary import carrier_code, carrier_info, region_code

__all__ = ["FactorCheck", "check_factor", "find_factor", "reconcile", "rounding_policies"]


@cache
def rounding_policies() -> dict[str, dict[str, Any]]:
    """The rounding policies (id → definition) of ``factors/rounding/policies.toml``."""
    raw = tomllib.loads((data_dir() / "rounding" / "policies.toml").read_text(encoding="utf-8"))
    # TOML has no null: a negative number of decimals means no rounding
    return {
        p["id"]: p | {"line_decimals": None if p["line_decimals"] < 0 else p["line_decimals"]}
        for p in raw["policy"]
    }


def _round(value: float, decimals: int | None) -> float:
    if decimals is None:
        return value
    # half away from zero, as reports and spreadsheets round (not Python's banker's rounding)
    q = 10.0**decimals
    return math.copysign(math.floor(abs(value) * q + 0.5) / q, value)


def find_factor(
    value: float,
    unit: str,
    *,
    parameter: str = "co2_factor",
    subject: str | None = None,
    library: FactorLibrary | None = None,
    rel_tol: float = 5e-5,
) -> pl.DataFrame:
    """Published factors equal to ``value`` (in ``unit``), with their set, year and region.

    Values are compared after conversion to ``unit`` and also at the
    published precision (a factor printed as 0.5810 matches 0.581).

    Examples
    --------
    >>> hits = find_factor(0.5810, "tCO2/MWh", subject="electricity")
    >>> hits.select("set_id", "variant", "valid_from").row(0)
    ('ets-reporting', 'ets_reporting', datetime.date(2021, 1, 1))
    """
    lib = library or default_library()
    frame = lib.frame().filter(pl.col("parameter") == parameter)
    if subject is not None:
        frame = frame.filter(pl.col("subject") == (carrier_code(subject, strict=False) or subject))
    rows = []
    for r in frame.iter_rows(named=True):
        try:
            v = r["value"] * conversion_factor(r["unit"], unit)
        except CarbonacctError:
            continue
        if math.isclose(v, value, rel_tol=rel_tol, abs_tol=1e-12):
            rows.append(r | {"value_in_unit": v})
    return (
        pl.DataFrame(rows, infer_schema_length=None)
        if rows
        else frame.head(0).with_columns(pl.lit(None, dtype=pl.Float64).alias("value_in_unit"))
    )


@dataclass(frozen=True)
class FactorCheck:
    """Whether a factor is the one its cited publication gives."""

    value: float
    unit: str
    ok: bool
    cited: Factor | None
    message: str
    matches: pl.DataFrame


def _claimed_sets(claim: str, lib: FactorLibrary) -> list[str]:
    """Set ids a free-text citation points at: an announcement number, a standard, a set id."""
    text = claim.strip()
    ids = [sid for sid in lib.sets if sid in text]
    m = re.search(r"(\d{4})\s*(?:年)?\s*(?:No\.?|第|#)\s*(\d+)", text, re.I)
    if m:
        tag = f"{m.group(1)}年第{int(m.group(2))}号"
        ids += [sid for sid, fs in lib.sets.items() if tag in fs.manifest.document]
    for std in re.findall(r"GB/?T?\s*[\d.]+-\d{4}", text):
        norm = std.replace(" ", "")
        ids += [
            sid for sid, fs in lib.sets.items() if norm in fs.manifest.document.replace(" ", "")
        ]
    return list(dict.fromkeys(ids))


def _region_in(text: str) -> str | None:
    """The province named in a citation: its Chinese name inside the text, or its English name as a word."""
    from carbonacct.vocabulary import regions

    lower = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    for r in regions().iter_rows(named=True):
        if r["short_zh"] in text or f" {r['name_en'].lower()} " in lower:
            return str(r["code"])
    return None


def check_factor(
    value: float,
    unit: str,
    claim: str,
    *,
    parameter: str = "co2_factor",
    subject: str = "electricity",
    region: str | None = None,
    year: int | None = None,
    variant: str | None = None,
    library: FactorLibrary | None = None,
    rel_tol: float = 5e-5,
) -> FactorCheck:
    """Check a factor against the publication it cites.

    ``claim`` is the citation as written ("MEE/NBS announcement 2024 No. 33,
    Jiangsu", "公告2025年第47号 江苏", a set id); the region may be in it or
    given. A value that differs from what the publication gives is flagged
    with the value it does give, and with the publications it matches instead.

    Examples
    --------
    >>> c = check_factor(0.5987, "tCO2/MWh", "MEE/NBS announcement 2024 No. 33, Jiangsu")
    >>> c.ok, c.cited.value
    (False, 0.5978)
    """
    lib = library or default_library()
    sets = _claimed_sets(claim, lib)
    matches = find_factor(
        value, unit, parameter=parameter, subject=subject, library=lib, rel_tol=rel_tol
    )
    if not sets:
        return FactorCheck(
            value,
            unit,
            False,
            None,
            f"the citation {claim!r} names no publication in the factor library",
            matches,
        )
    if region is None:
        region = _region_in(claim)
    query: dict[str, Any] = {"sets": sets}
    if region is not None:
        query["region"] = region_code(region)
    if year is not None:
        query["year"] = year
    if variant is not None:
        query["variant"] = variant
    elif parameter == "co2_factor" and subject == "electricity" and region is not None:
        query["variant"] = "average"
    try:
        cited = lib.resolve(parameter, subject, **query)
    except CarbonacctError as exc:
        return FactorCheck(value, unit, False, None, f"{claim!r}: {exc}", matches)
    expected = cited.to(unit)
    ok = math.isclose(expected, value, rel_tol=rel_tol)
    where = f"{cited.document}, {cited.source}" + (f", {cited.region}" if cited.region else "")
    if ok:
        message = f"{value} {unit} is the value of {where}"
    else:
        others = (
            "; ".join(
                f"{r['set_id']} {r['region'] or ''} {r['year'] or ''}".strip()
                for r in matches.iter_rows(named=True)
            )
            or "no published factor"
        )
        message = (
            f"{value} {unit} is not what {where} gives: it gives {expected:g} {unit}. "
            f"{value} matches: {others}"
        )
    return FactorCheck(value, unit, ok, cited, message, matches)


# -- reconciliation ---------------------------------------------------------------------------
_UNIT_SLIPS = {
    1e3: "unit slip: value read in a unit 1000× too small (e.g. MWh as kWh, t as kg)",
    1e-3: "unit slip: value read in a unit 1000× too large (e.g. kWh as MWh, kg as t)",
    1e4: "unit slip: a 10^4 multiplier added (e.g. Nm3 read as 万Nm3)",
    1e-4: "unit slip: the 10^4 multiplier lost (e.g. 万Nm3 read as Nm3)",
}


def reconcile(
    reported: TableLike,
    *,
    readings: Any = None,
    firms: TableLike | None = None,
    rounding: str = "full",
    year: int | None = None,
    grid_factor: str = "provincial",
    steam_enthalpy: float | None = None,
    library: FactorLibrary | None = None,
    tolerance_t: float = 0.005,
) -> pl.DataFrame:
    """Recompute reported CO2 line by line and explain each difference.

    Parameters
    ----------
    reported : path or frame
        One line per source: ``firm_id``, ``line`` (a label), ``carrier``,
        ``value`` and ``unit`` (the activity), optional ``exported`` (the same
        unit, energy delivered outside), ``year``, ``reported_factor`` with
        ``reported_factor_unit`` and ``reported_co2_t``.
    readings : path(s) or frame, optional
        The firm's readings: the activity of each line (firm, carrier, year)
        is then recomputed from them (:func:`carbonacct.footprint` by
        carrier), with exports apart, instead of taken as reported.
    firms : path or frame, optional
        ``firm_id`` and ``province``, for provincial grid factors.
    rounding : str
        Rounding policy of the recomputation (see :func:`rounding_policies`).
    tolerance_t : float
        A difference at or below this is agreement [tCO2].

    Returns
    -------
    polars.DataFrame
        Per line: reported, recomputed, difference, explanation (or
        ``unexplained``), our factor and its source, and the publication the
        reported factor matches, if any.
    """
    lib = library or default_library()
    policies = rounding_policies()
    if rounding not in policies:
        raise ValueError(f"rounding={rounding!r} is not one of {sorted(policies)}.")
    frame, src = read_side_table(
        reported,
        ("firm_id", "line", "carrier", "value", "unit", "reported_co2_t"),
        "reported lines",
    )
    provinces: dict[str, str | None] = {}
    if firms is not None:
        flf, _ = read_table(firms)
        provinces = {
            str(r["firm_id"]): region_code(r["province"]) if r.get("province") else None
            for r in flf.collect().iter_rows(named=True)
        }
    measured: dict[tuple[str, str, str], dict[str, Any]] = {}
    if readings is not None:
        import carbonacct

        fp = carbonacct.footprint(
            readings,
            firms=firms,
            by=("carrier",),
            library=lib,
            method=carbonacct.Method(
                steam_enthalpy_kJ_per_kg=steam_enthalpy,
                grid_factor="provincial" if firms is not None else "national",
            ),
            run=carbonacct.RunOptions(checksum=False),
        )
        for t in fp.table.iter_rows(named=True):
            gross, out_ = t["activity"], 0.0
            if t["carrier"] == "electricity":
                gross, out_ = t["electricity_in_MWh"], t["electricity_out_MWh"]
            elif t["activity_unit"] == "GJ" and t["carrier"] in ("heat", "steam"):
                gross, out_ = t["heat_in_GJ"], t["heat_out_GJ"]
            measured[(str(t["firm_id"]), str(t["carrier"]), str(t["period"]))] = {
                "value": gross,
                "unit": t["activity_unit"],
                "exported": out_,
            }
    out = []
    for i, r in enumerate(frame.iter_rows(named=True), start=1):
        if measured:
            key = (
                str(r["firm_id"]),
                str(carrier_code(str(r["carrier"]), strict=False)),
                str(r.get("year") or year),
            )
            r = (
                {**r, **measured[key], "activity_source": "readings"}
                if key in measured
                else {**r, "activity_source": "reported (no readings for this line)"}
            )
        try:
            out.append(
                _reconcile_line(
                    r,
                    lib,
                    provinces,
                    rounding,
                    policies,
                    year,
                    grid_factor,
                    steam_enthalpy,
                    tolerance_t,
                )
            )
        except CarbonacctError as exc:
            raise InputError(
                f"{src.name}, row {i} ({r.get('line')}): {exc}", file=src.name, row=i, column=None
            ) from None
    return pl.DataFrame(out, infer_schema_length=None).with_columns(
        pl.lit(rounding).alias("rounding")
    )


def _our_factor(
    carrier: str,
    province: str | None,
    year: int | None,
    grid_factor: str,
    lib: FactorLibrary,
    steam_enthalpy: float | None,
) -> tuple[float, str, str]:
    """Our factor per canonical unit of the carrier, its unit and its source."""
    cat = carrier_info(carrier)["category"]
    if cat == "electricity":
        query: dict[str, Any] = {"year": year}
        if grid_factor == "provincial" and province:
            query.update(region=province, variant="average")
        else:
            query.update(region="CN", variant="average")
        f = lib.resolve("co2_factor", "electricity", **query)
        return f.to("tCO2/MWh"), "MWh", f"{f.set_label}: {f.citation} {f.region} {f.year}"
    if cat in ("heat", "steam"):
        h = heat_factor(lib)
        return h.to("tCO2/GJ"), "GJ", f"{h.set_label}: {h.citation}"
    cf = combustion_factor(carrier, library=lib)
    unit = carrier_info(carrier)["canonical_unit"]
    return cf.to(f"tCO2/{unit}"), unit, ", ".join(cf.sets) + " 附录C 表C.1"


def _reconcile_line(
    r: Mapping[str, Any],
    lib: FactorLibrary,
    provinces: Mapping[str, str | None],
    rounding: str,
    policies: Mapping[str, Any],
    year: int | None,
    grid_factor: str,
    steam_enthalpy: float | None,
    tol: float,
) -> dict[str, Any]:
    carrier = carrier_code(str(r["carrier"]))
    assert carrier is not None
    y = int(r["year"]) if r.get("year") not in (None, "") else year
    province = provinces.get(str(r["firm_id"]))
    ef, ef_unit, ef_source = _our_factor(carrier, province, y, grid_factor, lib, steam_enthalpy)
    to_canon = conversion_factor(str(r["unit"]), ef_unit)
    amount = float(r["value"]) * to_canon
    exported = float(r.get("exported") or 0.0) * to_canon
    reported = float(r["reported_co2_t"])
    decimals = policies[rounding].get("line_decimals")
    recomputed = _round((amount - exported) * ef, decimals)
    diff = reported - recomputed
    explanation, matched = None, None
    rf, rf_unit = r.get("reported_factor"), r.get("reported_factor_unit")
    if abs(diff) <= tol:
        explanation = "agrees"
    else:
        explanation = _explain(
            carrier, amount, exported, reported, ef, ef_unit, rf, rf_unit, lib, tol, policies
        )
    if rf not in (None, ""):
        hits = find_factor(
            float(rf),
            str(rf_unit or f"tCO2/{ef_unit}"),
            subject=carrier
            if carrier_info(carrier)["category"] in ("electricity", "heat")
            else None,
            library=lib,
        )
        matched = (
            "; ".join(
                f"{h['set_id']} {h['region'] or ''} {h['year'] or ''} {h['variant'] or ''}".strip()
                for h in hits.iter_rows(named=True)
            )
            or "no published factor"
        )
    return {
        "firm_id": r["firm_id"],
        "line": r["line"],
        "carrier": carrier,
        "activity": amount,
        "activity_unit": ef_unit,
        "exported": exported,
        "activity_source": r.get("activity_source", "reported"),
        "reported_co2_t": reported,
        "recomputed_co2_t": recomputed,
        "difference_t": diff,
        "explanation": explanation,
        "our_factor": ef,
        "our_factor_unit": f"tCO2/{ef_unit}",
        "our_factor_source": ef_source,
        "reported_factor": float(rf) if rf not in (None, "") else None,
        "reported_factor_matches": matched,
    }


def _explain(
    carrier: str,
    amount: float,
    exported: float,
    reported: float,
    ef: float,
    ef_unit: str,
    rf: Any,
    rf_unit: Any,
    lib: FactorLibrary,
    tol: float,
    policies: Mapping[str, Any],
) -> str:
    """The first known cause that reproduces the reported figure."""
    net = amount - exported
    close = lambda x: abs(x - reported) <= max(tol, 1e-9 * abs(reported))  # noqa: E731
    for pid, p in policies.items():
        if p.get("line_decimals") is not None and close(_round(net * ef, p["line_decimals"])):
            return f"rounding: {pid} ({p['description']})"
    if exported and close(amount * ef):
        return f"exports not deducted: {exported:g} {ef_unit} delivered outside were left in"
    for k, why in _UNIT_SLIPS.items():
        if close(net * ef * k):
            return why
    cat = carrier_info(carrier)["category"]
    implied = reported / net if net else None
    if implied:
        subject = carrier if cat in ("electricity", "heat", "steam") else None
        unit = f"tCO2/{ef_unit}"
        # the implied factor is as precise as the reported figure
        rel = max(5e-5, tol / abs(reported))
        hits = (
            find_factor(implied, unit, subject=subject, library=lib, rel_tol=rel)
            if subject
            else pl.DataFrame()
        )
        if hits.height:
            h = hits.row(0, named=True)
            return (
                f"different factor: {h['value']} {h['unit']} of {h['set_id']} "
                f"({h['region'] or ''} {h['year'] or h['valid_from'] or ''} {h['variant'] or ''}".rstrip()
                + ")"
            )
    if cat in ("solid_fuel", "liquid_fuel", "gas_fuel"):
        unit = carrier_info(carrier)["canonical_unit"]
        cf = combustion_factor(carrier, library=lib)
        if cf.oxidation_rate.value != 100 and close(
            net * cf.to(f"tCO2/{unit}") / cf.oxidation_rate.to("1")
        ):
            return f"formula variant: oxidation rate omitted (OF {cf.oxidation_rate.value} % not applied)"
        for sets in (["ndrc-2013"], ["ipcc-2006"]):
            try:
                alt = combustion_factor(carrier, library=lib, sets=sets).to(f"tCO2/{unit}")
            except CarbonacctError:
                continue
            if close(net * alt):
                return f"different factor set: {sets[0]} parameters"
    if rf not in (None, ""):
        try:
            rf_val = float(rf) * conversion_factor(
                str(rf_unit or f"tCO2/{ef_unit}"), f"tCO2/{ef_unit}"
            )
        except CarbonacctError:
            rf_val = None
        if rf_val is not None and close(net * rf_val):
            return f"reported factor {rf} {rf_unit or ''} matches no publication (mistyped?); ours is {ef:g}"
    return "unexplained"
