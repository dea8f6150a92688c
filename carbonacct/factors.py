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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl

from carbonacct import vocabulary
from carbonacct._factor_record import PROVENANCE_SCHEMA, Factor, provenance_fields
from carbonacct._factor_resolve import (
    check_parameter,
    factor_from_row,
    matching_rows,
    not_found,
    pick,
    query_of,
    refuse_footprint,
)
from carbonacct._factor_schema import FACTOR_COLUMNS, PARAMETERS, ParameterSpec, validate_frame
from carbonacct._factor_sets import FactorSet, labelled, read_factor_set
from carbonacct._manifest import Manifest, data_dir, write_checksum
from carbonacct.errors import DuplicateIdError, FactorFileError, FactorNotFoundError

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
                "exclusions",
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
            raise DuplicateIdError(
                f"A factor set {set_id!r} is already loaded "
                f"({self.sets[set_id].manifest.path or self.sets[set_id].manifest.data}); "
                "register yours under another set_id.",
                kind="factor set",
                id=set_id,
            )
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
        frame = validate_frame(raw.with_columns(pl.all().cast(pl.String)), name)
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
        fs = labelled(FactorSet(manifest, frame, user=True, status="user"))
        self.sets[set_id] = fs
        (self.overrides if precedence == "override" else self.fallbacks).append(set_id)
        return fs

    def add(self, fs: FactorSet, *, precedence: Precedence = "override") -> FactorSet:
        """Search a loaded set (:func:`read_factor_set`) before (or after) the shipped sets.

        A set already loaded under the same id is only moved in the search
        order; another set under a loaded id is refused.
        """
        held = self.sets.get(fs.id)
        if held is not None and held is not fs and held.manifest != fs.manifest:
            raise DuplicateIdError(
                f"A different factor set {fs.id!r} is already loaded "
                f"({held.manifest.path or held.manifest.data}) than "
                f"{fs.manifest.path or fs.manifest.data}; change the id in one manifest "
                "or pass only one of them.",
                kind="factor set",
                id=fs.id,
            )
        self.sets.setdefault(fs.id, fs)
        for order in (self.overrides, self.fallbacks):
            if fs.id in order:
                order.remove(fs.id)
        (self.overrides if precedence == "override" else self.fallbacks).insert(0, fs.id)
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
                f"No factor set {set_id!r}. "
                + (f"Nearest: {near}. " if near else f"Known: {sorted(self.sets)}. ")
                + "`carbonacct factors list` shows all.",
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
        check_parameter(parameter)
        subject_code = vocabulary.carrier_code(subject, strict=False) or subject
        region_code = vocabulary.region_code(region) if region is not None else None
        query = query_of(parameter, subject_code, region_code, year, variant)
        order = self.search_order(parameter, sets)
        refuse_footprint(
            parameter,
            [s for s in order if s in self.sets and self.sets[s].manifest.kind == "footprint"],
        )
        if not order:
            raise FactorNotFoundError(
                f"No factor set is searched for {parameter!r}; pass sets=[...].",
                query=query,
                candidates=[],
            )
        all_rows = self.frame(order).filter(pl.col("parameter") == parameter)
        rows, fallback = matching_rows(
            all_rows, subject_code, region_code, variant, year, year_fallback
        )
        if rows.height == 0:
            raise not_found(query, all_rows, subject_code, region_code, variant, year)
        return factor_from_row(parameter, subject_code, pick(rows, order, query), fallback)

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


@cache
def default_library() -> FactorLibrary:
    """The shipped factor sets, loaded once and verified. Copy before registering."""
    return FactorLibrary.load()
