"""Carbon-peak pathways: intensity targets as data, the value each year requires, SDA.

A pathway file (under ``factors/pathways/``, or your own with a manifest)
holds one target a row: the ``metric`` (``energy_intensity_va`` [tce/万元],
``co2_intensity_va`` [tCO2/万元], ``product_energy_intensity`` [kgce/t] or a
comparator such as ``tpi:1.5 Degrees``), the ``region`` and ``sectors``
(GB/T 4754-2017 code prefixes, ``06-46`` for a range of divisions) it applies
to (an empty cell: every sector), the ``obligation`` (see :data:`OBLIGATIONS`),
an optional last year ``until`` which it holds (empty: it holds on after its
target year), and either

- a *relative* change from ``base_year`` to ``year`` (``-0.135`` for −13.5 %),
  with the ``interpolation`` the check uses in between: ``linear`` or
  ``constant_rate`` (the same percentage every year); or
- *absolute* values by year (comparator paths such as TPI), interpolated
  linearly between the tabulated years.

A province's or a firm's own target letter is a new file, not code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import polars as pl

from carbonacct._manifest import Manifest, data_dir, file_error, read_dataset

__all__ = [
    "OBLIGATIONS",
    "PATHWAY_SCHEMA",
    "Pathway",
    "load_pathways",
    "required_value",
    "sda_target",
    "sector_prefixes",
]

PATHWAY_SCHEMA = {
    "metric": pl.String,
    "region": pl.String,
    "sectors": pl.String,
    "product": pl.String,
    "base_year": pl.Int32,
    "year": pl.Int32,
    "value": pl.Float64,
    "value_type": pl.String,
    "unit": pl.String,
    "interpolation": pl.String,
    "obligation": pl.String,
    "until": pl.Int32,
    "source": pl.String,
    "grade": pl.String,
    "note": pl.String,
}
_REQUIRED = (
    "metric",
    "year",
    "value",
    "value_type",
    "unit",
    "interpolation",
    "obligation",
    "source",
)
#: What a target obliges a firm to: ``binding`` (a firm's own target letter) gives
#: on_track / off_track / breach; the others (a sector average, a regional target, an
#: "expected" 左右 target) only place the firm above or below the path.
OBLIGATIONS = ("binding", "sector_average", "regional", "expected")


@dataclass(frozen=True)
class Pathway:
    """A pathway file: its manifest and targets."""

    manifest: Manifest
    targets: pl.DataFrame

    @property
    def id(self) -> str:
        return self.manifest.id


def sector_prefixes(sectors: str | None) -> list[str]:
    """GB/T 4754 code prefixes of a ``sectors`` cell: ``06-46`` or ``3011|3021``.

    Examples
    --------
    >>> sector_prefixes("06-09|3011")
    ['06', '07', '08', '09', '3011']
    >>> sector_prefixes(None)
    ['']
    """
    if not sectors:
        return [""]  # every sector
    out: list[str] = []
    for part in sectors.split("|"):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            out += [f"{n:0{len(lo)}d}" for n in range(int(lo), int(hi) + 1)]
        else:
            out.append(part)
    return out


def _validate(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    for i, row in enumerate(frame.iter_rows(named=True), start=2):  # header: row 1
        if row["value_type"] not in ("relative", "absolute"):
            raise file_error(
                file, i, "value_type", f"{row['value_type']!r} is not relative or absolute"
            )
        if row["interpolation"] not in ("linear", "constant_rate"):
            raise file_error(
                file, i, "interpolation", f"{row['interpolation']!r} is not linear or constant_rate"
            )
        if row["value_type"] == "absolute" and not row["product"]:
            raise file_error(
                file,
                i,
                "product",
                "an absolute path is per product: name the product (e.g. cement_clinker)",
            )
        if row["value_type"] == "relative":
            if row["base_year"] is None or row["base_year"] >= row["year"]:
                raise file_error(
                    file, i, "base_year", "a relative target needs a base year before its year"
                )
            if not -1.0 < row["value"] < 1.0:
                raise file_error(
                    file,
                    i,
                    "value",
                    f"{row['value']} is not a relative change (−0.135 for −13.5 %)",
                )
        if row["obligation"] not in OBLIGATIONS:
            raise file_error(
                file, i, "obligation", f"{row['obligation']!r} is not one of {OBLIGATIONS}"
            )
        if row["until"] is not None and row["until"] < row["year"]:
            raise file_error(file, i, "until", f"{row['until']} is before the target year")
        try:
            sector_prefixes(row["sectors"])
        except ValueError:
            raise file_error(
                file, i, "sectors", f"{row['sectors']!r} is not like 06-46 or 3011|3021"
            ) from None
    # expanded once, here: an empty cell is [""], which every sector code starts with
    prefixes = [sector_prefixes(cell) for cell in frame["sectors"].to_list()]
    return frame.with_columns(pl.Series("prefixes", prefixes, dtype=pl.List(pl.String)))


def read_pathway(path: str | Path, *, verify: bool = True) -> Pathway:
    """Read one pathway file (manifest or CSV with its manifest beside it)."""
    manifest, frame = read_dataset(path, PATHWAY_SCHEMA, _REQUIRED, verify=verify)
    file = str(Path(manifest.path).parent / manifest.data)
    return Pathway(manifest, _validate(frame, file))


@cache
def _shipped() -> dict[str, Pathway]:
    return {
        p.id: p for p in (read_pathway(m) for m in sorted((data_dir() / "pathways").glob("*.toml")))
    }


def load_pathways(ids_or_paths: Iterable[str | Path] | None = None) -> list[Pathway]:
    """Shipped pathways by id, or your own by path (default: every shipped pathway)."""
    shipped = _shipped()
    if ids_or_paths is None:
        return list(shipped.values())
    out = []
    for item in ids_or_paths:
        if str(item) in shipped:
            out.append(shipped[str(item)])
        elif Path(item).exists():
            out.append(read_pathway(item))
        else:
            import difflib

            from carbonacct.errors import FactorNotFoundError

            near = difflib.get_close_matches(str(item), list(shipped), n=3, cutoff=0.3)
            raise FactorNotFoundError(
                f"No pathway {str(item)!r}: not a shipped id (nearest: {near}) nor a file.",
                query={"pathway": str(item)},
                candidates=near,
            )
    return out


def required_value(
    base_value: float,
    change: float,
    base_year: int,
    target_year: int,
    year: int,
    interpolation: str,
) -> float:
    """The value a relative target requires in ``year`` [unit of ``base_value``].

    ``linear``: base × (1 + change × t); ``constant_rate``: base × (1 + change)^t,
    with t = (year − base_year) / (target_year − base_year), capped at 1 after the
    target year (the target holds).

    Examples
    --------
    A firm at 0.80 tce/万元 in 2020 on the −13.5 % pathway:

    >>> round(required_value(0.80, -0.135, 2020, 2025, 2025, "linear"), 6)
    0.692
    >>> round(required_value(0.80, -0.135, 2020, 2025, 2023, "constant_rate"), 6)
    0.73333
    """
    t = min(max((year - base_year) / (target_year - base_year), 0.0), 1.0)
    if interpolation == "constant_rate":
        return float(base_value * (1.0 + change) ** t)
    return base_value * (1.0 + change * t)


def sda_target(
    base_intensity: float,
    sector_path: Mapping[int, float],
    base_year: int,
    year: int,
    *,
    market_share: float = 1.0,
) -> float:
    """SBTi sectoral decarbonisation approach: the company's intensity target for ``year``.

    I*(y) = (I_c(b) − I_S(2050)) × p(y) × m(y) + I_S(2050), with
    p(y) = (I_S(y) − I_S(2050)) / (I_S(b) − I_S(2050)).

    Parameters
    ----------
    base_intensity : float
        The company's intensity in the base year [t/unit].
    sector_path : mapping of year to float
        The sector's intensity path, including 2050 (e.g. a TPI benchmark)
        [same unit]; years in between are interpolated linearly.
    market_share : float
        m(y) = (P_c(b)/P_S(b)) / (P_c(y)/P_S(y)); 1 keeps the market share.

    References
    ----------
    SBTi, Sectoral Decarbonization Approach, version 1 (2015); RMI-PACTA
    r2dii.analysis ``target_sda``.

    Examples
    --------
    A cement plant at 0.62 tCO2/t in 2020 on the TPI 1.5 °C path:

    >>> path = {2020: 0.545, 2030: 0.419, 2050: 0.031}
    >>> round(sda_target(0.62, path, 2020, 2030), 3)
    0.476
    """
    final = sector_path[2050]
    p = (_interpolate(sector_path, year) - final) / (_interpolate(sector_path, base_year) - final)
    return (base_intensity - final) * p * market_share + final


def _interpolate(path: Mapping[int, float], year: int) -> float:
    years = sorted(path)
    if year <= years[0]:
        return path[years[0]]
    if year >= years[-1]:
        return path[years[-1]]
    for lo, hi in pairwise(years):
        if lo <= year <= hi:
            return path[lo] + (path[hi] - path[lo]) * (year - lo) / (hi - lo)
    raise AssertionError("unreachable")


def absolute_path_value(
    targets: pl.DataFrame, metric: str, product: str, year: int
) -> float | None:
    """An absolute comparator path's value in ``year`` (linear between tabulated years)."""
    rows = targets.filter((pl.col("metric") == metric) & (pl.col("product") == product))
    if rows.height == 0:
        return None
    return _interpolate(
        dict(zip(rows["year"].to_list(), rows["value"].to_list(), strict=True)), year
    )


def combined_targets(pathways: Sequence[Pathway]) -> pl.DataFrame:
    """All targets of ``pathways`` in one frame, with ``pathway`` and ``document`` columns."""
    return (
        pl.concat(
            [
                p.targets.with_columns(
                    pl.lit(p.id).alias("pathway"),
                    pl.lit(p.manifest.document).alias("document"),
                    pl.lit(p.manifest.version).alias("pathway_version"),
                )
                for p in pathways
            ]
        )
        if pathways
        else pl.DataFrame(
            schema={
                **PATHWAY_SCHEMA,
                "pathway": pl.String,
                "document": pl.String,
                "pathway_version": pl.String,
                "prefixes": pl.List(pl.String),
            }
        )
    )
