"""What the dual-control accounting leaves out of the energy of an intensity target.

The rules are data: ``factors/exclusions/dual-control.csv`` with its manifest (each rule's
document, clause, publication date, the year it applies from and its grade; what is not
shipped, and why, is listed in the manifest). As shipped:

- **Raw-material energy** (原料用能): 发改环资〔2022〕803号 — deducted from the total and from the
  intensity numerator, in the base year and the target year alike (the footprint's
  ``energy_excl_feedstock_tce``).
- **Non-fossil energy**: 发改环资〔2024〕113号 (一) — "非化石能源不纳入能源消耗总量和强度调控",
  with 绿证 as the voucher of renewable electricity (二); sole voucher and 1 绿证 = 1 MWh:
  发改能源〔2023〕1044号. It replaced 发改运行〔2022〕1258号 (the increment over 2020, total only)
  and the statistics were recomputed on the new basis back to the series' base year 2020.

So for an intensity target of a year from 2020 on, the non-fossil electricity evidenced by
绿证 (at most the electricity the firm bought) leaves the numerator at the coefficient the
footprint used for electricity. Product benchmarks (标杆/基准, GB quotas) keep comprehensive
energy: no exclusion applies to them. A rules file of your own (same columns, its own
manifest) replaces the shipped one; its grades read ``user (…)`` on every result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct._manifest import Manifest, data_dir, file_error, pin_status, read_dataset
from carbonacct.io import TableLike

EXCLUSION_SCHEMA = {
    "rule": pl.String,
    "kind": pl.String,
    "excludes": pl.String,
    "applies_to": pl.String,
    "document": pl.String,
    "issuers": pl.String,
    "clause": pl.String,
    "published": pl.String,
    "from_year": pl.Int32,
    "value": pl.Float64,
    "unit": pl.String,
    "grade": pl.String,
    "source_url": pl.String,
    "note": pl.String,
}
#: Fields every rule gives (a file of yours lacking one is refused, naming it).
EXCLUSION_REQUIRED = ("rule", "kind", "applies_to", "document", "clause", "grade")
#: Columns every file has though a cell may be empty (from_year: every year; excludes: a
#: voucher's), so a file lacking one is refused, naming it.
EXCLUSION_COLUMNS = ("excludes", "from_year")
#: What an exclusion may leave out, and the only indicator the rules change.
EXCLUDES = ("feedstock", "non_fossil")
APPLIES_TO = ("energy_intensity_va",)
#: The shipped rules, relative to ``factors/``.
SHIPPED = "exclusions/dual-control.toml"


@dataclass(frozen=True)
class ExclusionRules:
    """A rules file: its manifest, one rule a row, and whether it is the shipped set."""

    manifest: Manifest
    rules: pl.DataFrame
    status: str

    def rule(self, excludes: str) -> dict[str, Any] | None:
        """The exclusion rule leaving ``excludes`` out, with its grade as results show it."""
        rows = self.records()
        return next((r for r in rows if r["excludes"] == excludes), None)

    def voucher(self) -> dict[str, Any] | None:
        return next((r for r in self.records() if r["kind"] == "voucher"), None)

    def records(self) -> list[dict[str, Any]]:
        """Every rule, its grade labelled ``user (…)`` for a file of your own, and its set."""
        out = []
        for row in self.rules.iter_rows(named=True):
            grade = row["grade"] if self.status == "shipped" else f"{self.status} ({row['grade']})"
            out.append(row | {"grade": grade, "set": self.manifest.label})
        return out


def _validate(frame: pl.DataFrame, file: str) -> None:
    for i, row in enumerate(frame.iter_rows(named=True), start=2):  # header: row 1
        if row["kind"] not in ("exclusion", "voucher"):
            raise file_error(file, i, "kind", f"{row['kind']!r} is not exclusion or voucher")
        if row["applies_to"] not in APPLIES_TO:
            raise file_error(
                file, i, "applies_to", f"{row['applies_to']!r} is not one of {APPLIES_TO}"
            )
        if row["kind"] == "exclusion" and row["excludes"] is None:
            raise file_error(
                file, i, "excludes", f"value is missing: an exclusion leaves out one of {EXCLUDES}"
            )
        if row["kind"] == "exclusion" and row["excludes"] not in EXCLUDES:
            raise file_error(file, i, "excludes", f"{row['excludes']!r} is not one of {EXCLUDES}")
        if row["kind"] == "voucher" and (row["value"] is None or not row["unit"]):
            column = "value" if row["value"] is None else "unit"
            raise file_error(file, i, column, "a voucher needs its value and unit (1, MWh/张)")


def read_exclusions(
    path: str | Path, *, verify: bool = True, allow_modified: bool = False
) -> ExclusionRules:
    """Read a rules file (manifest or CSV with its manifest beside it), refusing a missing
    field or a bad cell by file, row and column."""
    manifest, frame = read_dataset(
        path, EXCLUSION_SCHEMA, EXCLUSION_REQUIRED, verify=verify, allow_modified=allow_modified
    )
    file = Path(manifest.path).parent / manifest.data
    header = pl.read_csv(file, n_rows=0, infer_schema=False).columns
    missing = [c for c in EXCLUSION_COLUMNS if c not in header]
    if missing:
        raise file_error(
            str(file),
            None,
            missing[0],
            f"missing column(s) {missing}; expected {list(EXCLUSION_SCHEMA)}",
        )
    _validate(frame, str(file))
    return ExclusionRules(manifest, frame, pin_status(manifest))


@cache
def shipped_exclusions() -> ExclusionRules:
    """The shipped rules (803号, 113号, 1044号), checksum and pin verified."""
    return read_exclusions(data_dir() / SHIPPED)


def load_exclusions(rules: str | Path | ExclusionRules | None = None) -> ExclusionRules:
    """The shipped rules (``None``), a rules file of your own, or rules already read."""
    if rules is None:
        return shipped_exclusions()
    if isinstance(rules, ExclusionRules):
        return rules
    return read_exclusions(rules)


def electricity_coefficient(fp: Any) -> float | None:
    """The tce per MWh the footprint counted electricity at (its ``tce_coefficient``)."""
    used = getattr(fp, "factors_used", None)
    if used is None or "factor" not in used.columns:
        return None
    row = used.filter(
        (pl.col("factor") == "tce_coefficient") & (pl.col("carrier") == "electricity")
    )
    return float(row["value"][0]) if row.height else None


def _cite(rule: dict[str, Any]) -> str:
    return f"{rule['document']}, {rule['grade']}"


def _from(rule: dict[str, Any]) -> pl.Expr:
    """Whether a rule applies in the row's year (a rule without ``from_year``: every year)."""
    year = rule["from_year"]
    return pl.lit(True) if year is None else pl.col("year") >= year


def dual_control_energy(
    site: pl.DataFrame, coefficient: float | None, rules: ExclusionRules | None = None
) -> pl.DataFrame:
    """``_energy_dc`` (energy of the intensity targets) and ``_basis_dc`` (what was left out,
    under which rule and grade) per firm-year of ``site``, by the shipped rules or ``rules``."""
    rules = load_exclusions(rules)
    feed = rules.rule("feedstock")
    energy: pl.Expr = pl.col("energy_tce")
    base: pl.Expr = pl.lit(
        f"site, feedstock included (no feedstock rule in {rules.manifest.label})"
    )
    if feed is not None:
        out = _from(feed)
        energy = pl.when(out).then(pl.col("energy_excl_feedstock_tce")).otherwise(energy)
        base = (
            pl.when(out)
            .then(pl.lit(f"site, excl. feedstock ({_cite(feed)})"))
            .otherwise(pl.lit(f"site, feedstock included (before {feed['from_year']})"))
        )
    site = site.with_columns(energy.alias("_energy_dc"), base.alias("_basis_dc"))
    green, voucher = rules.rule("non_fossil"), rules.voucher()
    if coefficient is None or green is None or "green_electricity_MWh" not in site.columns:
        return site
    bought = pl.col("electricity_in_MWh") if "electricity_in_MWh" in site.columns else None
    certificates = pl.col("green_electricity_MWh").fill_null(0.0)
    mwh = (
        pl.min_horizontal(certificates, bought.fill_null(0.0))
        if bought is not None
        else certificates
    )
    applies = _from(green) & (mwh > 0)
    tce = mwh * coefficient
    evidence = "绿证 held for the year" + (
        f", 1 绿证 = {voucher['value']:g} {voucher['unit'].split('/')[0]} ({_cite(voucher)})"
        if voucher is not None
        else ""
    )
    note = pl.format(
        "{}, excl. non-fossil electricity {} MWh (绿证) × {} tce/MWh = {} tce ({} (一)(二), {}; {})",
        pl.col("_basis_dc"),
        mwh.round(6),
        pl.lit(coefficient),
        tce.round(6),
        pl.lit(green["document"]),
        pl.lit(green["grade"]),
        pl.lit(evidence),
    )
    return site.with_columns(
        pl.when(applies)
        .then(pl.col("_energy_dc") - tce)
        .otherwise("_energy_dc")
        .alias("_energy_dc"),
        pl.when(applies).then(note).otherwise("_basis_dc").alias("_basis_dc"),
    )


def with_green_certificates(fp: Any, green: TableLike) -> Any:
    """The yearly footprint with each firm-year's 绿证 [MWh] (``green_electricity_MWh``) for the
    non-fossil exclusion; the green file is recorded with the footprint's inputs.

    A footprint by product keeps its rows: the firm-year's 绿证 stand on the first row of the
    firm-year (null on the others), so that its sum over the rows is the firm's, and no product
    row is changed (product levels keep comprehensive energy). Market-based scope 2 is not
    computed here (the check does not use it).
    """
    from carbonacct.provenance import Provenance
    from carbonacct.scope2 import read_green_electricity

    certificates, source = read_green_electricity(green, "year")
    first = pl.int_range(pl.len()).over("firm_id", "period") == 0
    table = (
        fp.table.drop("green_electricity_MWh", strict=False)
        .join(certificates, on=["firm_id", "period"], how="left", maintain_order="left")
        .with_columns(
            pl.when(first).then(pl.col("green_electricity_MWh")).alias("green_electricity_MWh")
        )
    )
    provenance = Provenance(fp.provenance)
    provenance["inputs"] = {**provenance["inputs"], "green_electricity": source.record()}
    return replace(fp, table=table, provenance=provenance)
