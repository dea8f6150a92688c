"""Published factor sets: loading with checksum and schema checks, resolution, search.

Every factor carbonacct uses comes from a *factor set*: a long-format CSV file
(one row per factor) under ``factors/`` with a TOML manifest beside it that
names the publisher, document, table, dates, source and the SHA-256 of the
CSV. Loading verifies the checksum and the schema: every unit parses in
:data:`carbonacct.ureg`, has the dimension its parameter demands, and its value
lies in the parameter's plausible range. A bad file is refused with its name
and row.

:meth:`FactorLibrary.resolve` answers a query (parameter, subject, region,
year, variant) with exactly one :class:`Factor` and its provenance, or raises
an error naming the query and the nearest candidates. The only fall-back is
explicit: the newest data year not after the one asked, and the answer says
when it was applied.

Users add their own values (a lab-measured NCV, a supplier's factor) with
:meth:`FactorLibrary.register`, ahead of the shipped sets (``"override"``) or
behind them (``"fallback"``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl

from carbonacct import vocabulary
from carbonacct._manifest import (
    Manifest,
    SetStatus,
    data_dir,
    pin_status,
    read_dataset,
    refuse_modified,
    typed_frame,
    write_checksum,
)
from carbonacct._manifest import (
    file_error as _file_error,
)
from carbonacct.errors import (
    AmbiguousFactorError,
    CarbonacctError,
    FactorFileError,
    FactorNotFoundError,
    format_rows,
)
from carbonacct.units import conversion_factor, parse_unit

__all__ = [
    "FACTOR_COLUMNS",
    "PARAMETERS",
    "PROVENANCE_SCHEMA",
    "Factor",
    "FactorLibrary",
    "FactorSet",
    "Manifest",
    "ParameterSpec",
    "data_dir",
    "default_library",
    "provenance_fields",
    "read_factor_set",
    "write_checksum",
]

#: Columns of every factor file, in order.
FACTOR_COLUMNS = (
    "parameter",
    "subject",
    "region",
    "year",
    "variant",
    "value",
    "unit",
    "valid_from",
    "valid_to",
    "source",
    "grade",
    "note",
)
_REQUIRED = ("parameter", "subject", "value", "unit")


@dataclass(frozen=True)
class ParameterSpec:
    """What a factor parameter means and which units and values it admits.

    ``ranges`` lists (reference unit, low, high): a factor's unit must have the
    dimension of one reference unit, and its value, converted to that unit,
    must lie in [low, high]. ``per_carrier`` names the quantity that the factor
    times one canonical unit of its carrier must give (e.g. energy for an NCV).
    """

    description: str
    ranges: tuple[tuple[str, float, float], ...]
    per_carrier: str | None = None


PARAMETERS: dict[str, ParameterSpec] = {
    "tce_coefficient": ParameterSpec(
        "standard-coal coefficient (GB/T 2589)",
        (("kgce/kg", 1e-5, 3.0), ("kgce/m3", 0.01, 10.0), ("kgce/kWh", 0.05, 1.0)),
        per_carrier="GJ",
    ),
    "reference_ncv": ParameterSpec(
        "reference net calorific value (GB/T 2589)",
        (("kJ/kg", 1000, 60000), ("kJ/m3", 1000, 60000)),
        per_carrier="GJ",
    ),
    "ncv": ParameterSpec(
        "net calorific value", (("GJ/t", 1, 60), ("GJ/Nm3", 0.001, 0.1)), per_carrier="GJ"
    ),
    "carbon_content": ParameterSpec("carbon content per unit heat", (("tC/TJ", 5, 100),)),
    "oxidation_rate": ParameterSpec("carbon oxidation rate", (("1", 0.5, 1.0),)),
    "co2_per_energy": ParameterSpec("CO2 per unit of heat", (("kgCO2/TJ", 10_000, 400_000),)),
    "ch4_per_energy": ParameterSpec("CH4 per unit of heat", (("kgCH4/TJ", 0, 1000),)),
    "n2o_per_energy": ParameterSpec("N2O per unit of heat", (("kgN2O/TJ", 0, 100),)),
    "co2_factor": ParameterSpec(
        "CO2 per unit of carrier",
        (
            ("tCO2/MWh", 0.0, 2.0),
            ("tCO2/GJ", 0.0, 0.5),
            ("tCO2/t", 0.0, 5.0),
            ("tCO2/Nm3", 0, 0.01),
        ),
        per_carrier="tCO2",
    ),
    "co2e_footprint_factor": ParameterSpec(
        "life-cycle (carbon-footprint) CO2e per unit, for product footprints only",
        (("tCO2e/MWh", 0.0, 2.0),),
    ),
    "gwp100": ParameterSpec("100-year global warming potential", (("1", 1, 100_000),)),
    # 44/12 tCO2 per t of pure carbon is the ceiling; wide enough for electrodes (3.663) and
    # micro-carbon ferromanganese (0.004), the published extremes
    "process_co2_factor": ParameterSpec(
        "process CO2 per t of material", (("tCO2/t", 0.0001, 3.6667),)
    ),
}


@dataclass(frozen=True)
class Factor:
    """One resolved factor with its provenance.

    Attributes
    ----------
    value : float
        The factor as published, in ``unit``.
    unit : str
        Unit string (parses in :data:`carbonacct.ureg`).
    fallback : str or None
        Set when the answer is not an exact match (e.g. an earlier data year).
    """

    parameter: str
    subject: str
    value: float
    unit: str
    region: str | None
    year: int | None
    variant: str | None
    set_id: str
    set_version: str
    document: str
    source: str
    grade: str
    note: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    fallback: str | None = None

    def to(self, unit: str) -> float:
        """The value expressed in another unit of the same dimension [unit]."""
        return self.value * conversion_factor(self.unit, unit)

    @property
    def quantity(self) -> Any:
        """The value as a pint Quantity."""
        return self.value * parse_unit(self.unit)

    @property
    def set_label(self) -> str:
        return f"{self.set_id}@{self.set_version}"

    @property
    def citation(self) -> str:
        """Document and table, e.g. 'GB/T 32151.x-2024 ..., 附录C 表C.1'."""
        return f"{self.document}, {self.source}" if self.source else self.document

    def provenance(self) -> dict[str, Any]:
        """A flat record of where this factor comes from."""
        return {
            "parameter": self.parameter,
            "subject": self.subject,
            "value": self.value,
            "unit": self.unit,
            "region": self.region,
            "year": self.year,
            "variant": self.variant,
            "factor_set": self.set_label,
            "document": self.document,
            "source": self.source,
            "grade": self.grade,
            "fallback": self.fallback,
        }


#: Provenance columns every factor-table builder adds per row (see :func:`provenance_fields`).
PROVENANCE_SCHEMA: dict[str, Any] = {
    "grade": pl.String,
    "document": pl.String,
    "clause": pl.String,
    "data_year": pl.Int32,
}


def provenance_fields(factors: Iterable[Factor], *, grade: str | None = None) -> dict[str, Any]:
    """Grade, document, table/clause and data year of the factors behind one value.

    Several factors (NCV, carbon content, oxidation rate) make one combustion
    factor: their distinct grades, documents and clauses are joined with
    ``"; "``, and the data year is the first one given. ``grade`` replaces the
    grade (e.g. ``"user"`` for a number the user passed).

    Examples
    --------
    >>> f = default_library().resolve("co2_factor", "electricity", region="CN", year=2023,
    ...                               variant="average")
    >>> provenance_fields([f])["grade"], provenance_fields([f])["data_year"]
    ('official', 2023)
    """
    fs = list(factors)

    def join(values: Iterable[str | None]) -> str | None:
        return "; ".join(dict.fromkeys(v for v in values if v)) or None

    years = [f.year for f in fs if f.year is not None]
    return {
        "grade": grade or join(f.grade for f in fs),
        "document": join(f.document for f in fs),
        "clause": join(f.source for f in fs),
        "data_year": years[0] if years else None,
    }


@dataclass
class FactorSet:
    """A manifest and its factors (a polars frame in :data:`FACTOR_COLUMNS`)."""

    manifest: Manifest
    data: pl.DataFrame
    user: bool = False
    status: SetStatus = "shipped"

    @property
    def id(self) -> str:
        return self.manifest.id


_SCHEMA = {
    "parameter": pl.String,
    "subject": pl.String,
    "region": pl.String,
    "year": pl.Int32,
    "variant": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}


def _validate_frame(raw: pl.DataFrame, file: str) -> pl.DataFrame:
    """Cast and check a factor frame; ``row`` in errors is the 1-based data row."""
    return _check_factors(typed_frame(raw, _SCHEMA, _REQUIRED, file), file)


def _check_factors(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """Units, dimensions, ranges and unique keys of a typed factor frame."""
    carriers = vocabulary.carriers()
    for i, row in enumerate(frame.iter_rows(named=True), start=1):
        _check_row(row, file, i, carriers)
    dupes = frame.filter(
        pl.struct("parameter", "subject", "region", "year", "variant", "valid_from").is_duplicated()
    )
    if dupes.height:
        first = dupes.row(0, named=True)
        raise _file_error(
            file,
            None,
            None,
            f"duplicate factor for the same key: {first['parameter']} {first['subject']}",
        )
    return frame


def _check_row(row: dict[str, Any], file: str, i: int, carriers: pl.DataFrame) -> None:
    spec = PARAMETERS.get(row["parameter"])
    if spec is None:
        raise _file_error(
            file,
            i,
            "parameter",
            f"unknown parameter {row['parameter']!r}; known: {sorted(PARAMETERS)}",
        )
    unit = row["unit"]
    try:
        q = parse_unit(unit)
    except CarbonacctError as exc:
        raise _file_error(file, i, "unit", exc.message) from None
    for ref_unit, lo, hi in spec.ranges:
        ref = parse_unit(ref_unit)
        if q.dimensionality == ref.dimensionality:
            value = row["value"] * conversion_factor(unit, ref_unit)
            if not lo <= value <= hi:
                raise _file_error(
                    file,
                    i,
                    "value",
                    f"{row['value']} {unit} ({value:.6g} {ref_unit}) is outside the plausible range "
                    f"[{lo}, {hi}] {ref_unit} of a {spec.description}",
                )
            break
    else:
        wanted = " or ".join(r[0] for r in spec.ranges)
        raise _file_error(
            file,
            i,
            "unit",
            f"unit {unit!r} has the wrong dimension for a {spec.description}; expected a unit like {wanted}",
        )
    if spec.per_carrier:
        match = carriers.filter(pl.col("code") == row["subject"])
        if match.height:
            _check_carrier_unit(match.row(0, named=True), unit, spec.per_carrier, file, i)


def _check_carrier_unit(
    carrier: dict[str, Any], unit: str, numerator: str, file: str, i: int
) -> None:
    """A per-carrier factor times one unit of the carrier must give ``numerator``."""
    target = parse_unit(numerator).dimensionality
    bases = [carrier["canonical_unit"]]
    if carrier["category"] in ("gas_fuel", "steam"):
        bases.append(
            "t" if carrier["dimension"] != "mass" else "GJ"
        )  # IPCC mass basis; steam as heat
    if carrier["category"] == "electricity":
        bases.append("GJ")
    for base in bases:
        if (parse_unit(unit) * parse_unit(base)).dimensionality == target:
            return
    raise _file_error(
        file,
        i,
        "unit",
        f"unit {unit!r} does not apply to {carrier['code']}, which is measured in "
        f"{carrier['canonical_unit']} ({carrier['dimension']})",
    )


def read_factor_set(
    path: str | Path, *, verify: bool = True, allow_modified: bool = False
) -> FactorSet:
    """Read a factor set from its manifest (``.toml``) or data file (``.csv``).

    A set is labelled by :func:`carbonacct._manifest.pin_status`: a shipped
    set equal to this release's pinned checksums keeps its grades; a shipped
    set whose files differ is refused, or with ``allow_modified`` loaded as
    version ``…+modified`` with every grade prefixed ``modified:``; any other
    set is the user's: grades read ``user (…)`` and the document is its own.

    Parameters
    ----------
    path : str or Path
        The manifest, or the CSV with its manifest beside it.
    verify : bool
        Check the data file's SHA-256 against the manifest.
    allow_modified : bool
        Load a modified shipped set (labelled ``modified``) instead of refusing it.

    Raises
    ------
    ChecksumError
        If the data file was changed after the manifest was written, or a
        shipped set differs from the pinned checksums and ``allow_modified`` is off.
    FactorFileError
        If a row fails the schema (unit, dimension, range, missing value).
    """
    manifest, frame = read_dataset(path, _SCHEMA, _REQUIRED, verify=verify, allow_modified=True)
    frame = _check_factors(frame, str(Path(manifest.path).parent / manifest.data))
    status = pin_status(manifest)
    if status == "modified" and not allow_modified:
        raise refuse_modified(manifest)
    return _labelled(FactorSet(manifest, frame, user=status == "user", status=status))


def _labelled(fs: FactorSet) -> FactorSet:
    """Mark a modified or user set in its version and grades, so every result shows it."""
    if fs.status == "shipped":
        return fs
    m = fs.manifest
    if fs.status == "modified":
        m = replace(m, version=f"{m.version}+modified", grade="modified")
        grade = pl.concat_str(pl.lit("modified: "), pl.col("grade").fill_null("ungraded"))
    else:
        m = replace(m, grade="user")
        grade = (
            pl.when(pl.col("grade").is_null() | pl.col("grade").str.starts_with("user"))
            .then(pl.col("grade").fill_null("user"))
            .otherwise(pl.concat_str(pl.lit("user ("), pl.col("grade"), pl.lit(")")))
        )
    return FactorSet(m, fs.data.with_columns(grade.alias("grade")), fs.user, fs.status)


Precedence = Literal["override", "fallback"]

#: Sets searched, in order, when a query names none (per parameter).
DEFAULT_SETS: dict[str, tuple[str, ...]] = {
    "tce_coefficient": ("gbt2589-2020", "nbs-energy-statistics"),
    "reference_ncv": ("gbt2589-2020",),
    "ncv": ("gbt32151-2024",),
    "carbon_content": ("gbt32151-2024",),
    "oxidation_rate": ("gbt32151-2024",),
    "co2_factor": ("mee-nbs-2025-47", "mee-nbs-2024-33", "mee-nbs-2024-12", "gbt32150-2025"),
    "gwp100": ("ipcc-gwp100",),
    "process_co2_factor": ("gbt32151.34-2024",),
    "co2e_footprint_factor": ("electricity-footprint",),
    "co2_per_energy": ("ipcc-2006",),
    "ch4_per_energy": ("ipcc-2006",),
    "n2o_per_energy": ("ipcc-2006",),
}


@dataclass
class FactorLibrary:
    """The factor sets in use: the shipped ones and any the user registered."""

    sets: dict[str, FactorSet] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        directory: str | Path | None = None,
        *,
        verify: bool = True,
        allow_modified: bool = False,
    ) -> FactorLibrary:
        """Load every factor set under ``directory`` (default: the shipped data).

        A shipped set whose files differ from this release's pinned checksums
        is refused unless ``allow_modified``; then it is labelled ``modified``
        (see :func:`read_factor_set`).
        """
        root = Path(directory) if directory is not None else data_dir()
        lib = cls()
        for manifest in sorted(root.glob("*/*.toml")):
            if manifest.parent.name in (
                "vocabulary",
                "pathways",
                "benchmarks",
                "green_factory",
                "rounding",
            ):
                continue
            fs = read_factor_set(manifest, verify=verify, allow_modified=allow_modified)
            if fs.id in lib.sets:
                raise FactorFileError(
                    f"{manifest}: set id {fs.id!r} is also used by {lib.sets[fs.id].manifest.path}",
                    file=str(manifest),
                    row=None,
                    column="id",
                )
            lib.sets[fs.id] = fs
        return lib

    def copy(self) -> FactorLibrary:
        return FactorLibrary(dict(self.sets), list(self.overrides), list(self.fallbacks))

    # -- registration -------------------------------------------------------
    def register(
        self,
        data: Any,
        *,
        set_id: str,
        version: str = "user",
        document: str = "user-supplied",
        precedence: Precedence = "override",
    ) -> FactorSet:
        """Add user factors (a DataFrame, or a CSV/Parquet path) as a named set.

        The frame has the columns of :data:`FACTOR_COLUMNS` (``parameter``,
        ``subject``, ``value`` and ``unit`` at least) and is checked like a
        shipped file. ``precedence="override"`` puts it before the shipped
        sets in every query that does not name sets; ``"fallback"`` after.

        Examples
        --------
        >>> import polars as pl
        >>> lib = default_library().copy()
        >>> lab = pl.DataFrame({"parameter": ["ncv"], "subject": ["bituminous_coal"],
        ...                     "value": [21.5], "unit": ["GJ/t"]})
        >>> _ = lib.register(lab, set_id="lab-2024", document="plant lab report 2024-03")
        >>> lib.resolve("ncv", "bituminous_coal").value
        21.5
        """
        if set_id in self.sets:
            raise ValueError(f"A factor set {set_id!r} is already loaded; choose another set_id.")
        name = f"<user set {set_id}>"
        if isinstance(data, (str, Path)):
            name = str(data)
            p = Path(data)
            raw = (
                pl.read_parquet(p) if p.suffix == ".parquet" else pl.read_csv(p, infer_schema=False)
            )
        elif isinstance(data, pl.DataFrame):
            raw = data
        else:  # pandas
            raw = pl.from_pandas(data)
        frame = _validate_frame(raw.with_columns(pl.all().cast(pl.String)), name)
        manifest = Manifest(
            id=set_id,
            version=version,
            kind="user",
            title=set_id,
            publisher="user",
            document=document,
            table="",
            published="",
            valid_from="",
            source_url="",
            licence="",
            grade="user",
            sha256="",
            data=name,
        )
        fs = _labelled(FactorSet(manifest, frame, user=True, status="user"))
        self.sets[set_id] = fs
        (self.overrides if precedence == "override" else self.fallbacks).append(set_id)
        return fs

    # -- queries ------------------------------------------------------------
    def frame(self, sets: Iterable[str] | None = None) -> pl.DataFrame:
        """All factors as one frame with ``set_id``, ``set_version`` and ``document`` columns."""
        ids = list(sets) if sets is not None else list(self.sets)
        parts = []
        for sid in ids:
            fs = self.get(sid)
            parts.append(
                fs.data.with_columns(
                    pl.lit(fs.manifest.id).alias("set_id"),
                    pl.lit(fs.manifest.version).alias("set_version"),
                    pl.lit(fs.manifest.document).alias("document"),
                )
            )
        return pl.concat(parts) if parts else pl.DataFrame()

    def get(self, set_id: str) -> FactorSet:
        """The set with this id, or FactorNotFoundError naming the nearest ids."""
        try:
            return self.sets[set_id]
        except KeyError:
            near = difflib.get_close_matches(set_id, list(self.sets), n=3, cutoff=0.3)
            raise FactorNotFoundError(
                f"No factor set {set_id!r}. Nearest: {near}. `carbonacct factors list` shows all.",
                query={"set": set_id},
                candidates=near,
            ) from None

    def search_order(self, parameter: str, sets: Sequence[str] | None = None) -> list[str]:
        """The sets a query searches, in precedence order."""
        if sets is not None:
            return list(sets)
        shipped = [s for s in DEFAULT_SETS.get(parameter, ()) if s in self.sets]
        return [*self.overrides, *shipped, *self.fallbacks]

    def resolve(
        self,
        parameter: str,
        subject: str,
        *,
        region: str | None = None,
        year: int | None = None,
        variant: str | None = None,
        sets: Sequence[str] | None = None,
        year_fallback: Literal["previous", "exact"] = "previous",
    ) -> Factor:
        """Return exactly one factor for a query, with its provenance.

        Parameters
        ----------
        parameter : str
            One of :data:`PARAMETERS` (``tce_coefficient``, ``ncv``, ``co2_factor``...).
        subject : str
            Carrier code or name (``diesel``, ``柴油``), gas (``CH4``) or material.
        region : str, optional
            ``CN``, a grid region (``grid-east``) or a province (``CN-JS``, ``江苏``).
        year : int, optional
            Data year. Factors tied to a year match it exactly or, with
            ``year_fallback="previous"``, the newest year before it (the
            answer's ``fallback`` says so). Factors with a validity period
            match the years inside it.
        variant : str, optional
            ``average``, ``excl_market_nonfossil``, ``fossil_only``,
            ``ets_reporting``, ``equivalent``, or a GWP set (``AR5``).
        sets : sequence of str, optional
            Set ids to search, in precedence order (default: the user
            overrides, the default sets of the parameter, the user fall-backs).

        Raises
        ------
        FactorNotFoundError
            No factor matches; the message names the query and the nearest candidates.
        AmbiguousFactorError
            Several factors match in the first set that has any.

        Examples
        --------
        >>> lib = default_library()
        >>> f = lib.resolve("co2_factor", "electricity", region="江苏", year=2022, variant="average")
        >>> f.value, f.set_id
        (0.5978, 'mee-nbs-2024-33')
        >>> lib.resolve("co2_factor", "electricity", region="CN", year=2025, variant="average").fallback
        'data year 2023 used for 2025 (newest published not after it)'
        """
        if parameter not in PARAMETERS:
            near = difflib.get_close_matches(parameter, list(PARAMETERS), n=3)
            raise FactorNotFoundError(
                f"Unknown parameter {parameter!r}. Nearest: {near}. Known: {sorted(PARAMETERS)}.",
                query={"parameter": parameter},
                candidates=near,
            )
        subject_code = vocabulary.carrier_code(subject, strict=False) or subject
        region_code = vocabulary.region_code(region) if region is not None else None
        query = {
            k: v
            for k, v in dict(
                parameter=parameter,
                subject=subject_code,
                region=region_code,
                year=year,
                variant=variant,
            ).items()
            if v is not None
        }
        order = self.search_order(parameter, sets)
        footprint = [
            s for s in order if s in self.sets and self.sets[s].manifest.kind == "footprint"
        ]
        if footprint and parameter != "co2e_footprint_factor":
            raise FactorNotFoundError(
                f"Set(s) {footprint} hold electricity carbon-footprint factors (life-cycle CO2e, "
                "for product footprints); they are refused for scope 2 and every other "
                f"{parameter!r} query. Use a grid factor set (mee-nbs-*) for scope 2.",
                query={"parameter": parameter, "sets": footprint},
                candidates=[],
            )
        if not order:
            raise FactorNotFoundError(
                f"No factor set is searched for {parameter!r}; pass sets=[...].",
                query=query,
                candidates=[],
            )
        all_rows = self.frame(order).filter(pl.col("parameter") == parameter)
        rows = all_rows.filter(pl.col("subject") == subject_code)
        if region_code is not None:
            rows = rows.filter(pl.col("region") == region_code)
        if variant is not None:
            rows = rows.filter(pl.col("variant") == variant)
        fallback = None
        if year is not None and rows.height:
            rows, fallback = _select_year(rows, year, year_fallback)
        if rows.height == 0:
            raise self._not_found(query, all_rows, subject_code, region_code, variant, year)
        for sid in order:  # precedence: the first set with a match answers
            hit = rows.filter(pl.col("set_id") == sid)
            if hit.height:
                break
        if hit.height > 1:
            keys = hit.select("region", "year", "variant", "set_id").to_dicts()
            raise AmbiguousFactorError(
                f"{hit.height} factors match {query} in set {sid!r}; narrow the query "
                f"(region, year or variant):{format_rows(keys)}",
                query=query,
                matches=keys,
            )
        r = hit.row(0, named=True)
        return Factor(
            parameter=parameter,
            subject=subject_code,
            value=r["value"],
            unit=r["unit"],
            region=r["region"],
            year=r["year"],
            variant=r["variant"],
            set_id=r["set_id"],
            set_version=r["set_version"],
            document=r["document"],
            source=r["source"] or "",
            grade=r["grade"] or "",
            note=r["note"] or "",
            valid_from=str(r["valid_from"]) if r["valid_from"] else None,
            valid_to=str(r["valid_to"]) if r["valid_to"] else None,
            fallback=fallback,
        )

    def _not_found(
        self,
        query: dict[str, Any],
        rows: pl.DataFrame,
        subject: str,
        region: str | None,
        variant: str | None,
        year: int | None,
    ) -> FactorNotFoundError:
        subjects = rows["subject"].unique().to_list()
        if subject not in subjects:
            near = difflib.get_close_matches(subject, subjects, n=3, cutoff=0.4)
            hint = f"no {query['parameter']} for {subject!r}; nearest subjects: {near}"
            cands: list[Any] = near
        else:
            same = rows.filter(pl.col("subject") == subject).select(
                "region", "year", "variant", "set_id"
            )
            score = (  # rows sharing more of the query's keys come first
                pl.col("region").eq_missing(pl.lit(region, pl.String)).cast(pl.Int8)
                + pl.col("year").eq_missing(pl.lit(year, pl.Int32)).cast(pl.Int8)
                + pl.col("variant").eq_missing(pl.lit(variant, pl.String)).cast(pl.Int8)
            )
            cands = (
                same.unique()
                .with_columns(score.alias("_score"))
                .sort("_score", "year", "region", descending=[True, True, False], nulls_last=True)
                .drop("_score")
                .head(8)
                .to_dicts()
            )
            hint = f"no row with this region/year/variant; candidates:{format_rows(cands, 8)}"
        return FactorNotFoundError(
            f"No factor for {query}: {hint}. `carbonacct factors search` lists what is shipped; "
            "register your own with FactorLibrary.register().",
            query=query,
            candidates=cands,
        )

    def search(self, text: str) -> pl.DataFrame:
        """Factors whose subject, region, variant, set or document mention ``text``.

        Chinese or English: carrier and province names are looked up in the
        vocabulary (``江苏`` finds rows of region ``CN-JS``).

        Examples
        --------
        >>> hits = default_library().search("江苏")
        >>> hits.filter(pl.col("year") == 2022)["value"].to_list()
        [0.5978]
        """
        needle = text.strip().lower()
        codes = {
            c
            for c in (
                vocabulary.carrier_code(text, strict=False),
                vocabulary.region_code(text, strict=False),
            )
            if c
        }
        codes |= set(vocabulary.carriers_matching(text)) | set(vocabulary.regions_matching(text))
        frame = self.frame()
        mask = pl.col("subject").is_in(list(codes)) | pl.col("region").is_in(list(codes))
        for column in ("subject", "region", "variant", "set_id", "document", "note", "source"):
            mask = mask | pl.col(column).str.to_lowercase().str.contains(
                needle, literal=True
            ).fill_null(False)
        return frame.filter(mask)

    def describe(self) -> pl.DataFrame:
        """One row per set: id, version, kind, rows, grade, document, published."""
        return pl.DataFrame(
            [
                {
                    "id": fs.manifest.id,
                    "version": fs.manifest.version,
                    "kind": fs.manifest.kind,
                    "rows": fs.data.height,
                    "grade": fs.manifest.grade,
                    "document": fs.manifest.document,
                    "published": fs.manifest.published,
                }
                for fs in self.sets.values()
            ]
        )


def _select_year(rows: pl.DataFrame, year: int, mode: str) -> tuple[pl.DataFrame, str | None]:
    """Keep the rows valid for ``year``: its own data year, a validity period, or no year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    undated = rows.filter(pl.col("year").is_null())
    in_period = undated.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= end))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= start))
    )
    dated = rows.filter(pl.col("year").is_not_null())
    exact = dated.filter(pl.col("year") == year)
    if exact.height:
        return pl.concat([exact, in_period]), None
    earlier = dated.filter(pl.col("year") < year)
    if mode == "previous" and earlier.height:
        newest = int(earlier["year"].max())  # type: ignore[arg-type]
        note = f"data year {newest} used for {year} (newest published not after it)"
        return pl.concat([earlier.filter(pl.col("year") == newest), in_period]), note
    return in_period, None


@cache
def default_library() -> FactorLibrary:
    """The shipped factor sets, loaded once and verified. Copy before registering."""
    return FactorLibrary.load()
