"""Any shipped or user data file, read and checked by the kind its manifest declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonacct._manifest import Manifest, read_dataset

__all__ = ["check_data_file", "pin_data_files", "read_data_file", "rehash_data_file"]


def read_data_file(
    path: str | Path, *, verify: bool = True, allow_modified: bool = False
) -> tuple[Manifest, Any]:
    """Read a data file through its manifest: checksum, the schema of its kind, its pin.

    A shipped file that differs from the pinned table of this release is
    refused unless ``allow_modified`` (pathways are always refused: their
    reader has no such option).

    Kinds: factor sets (``standard_coal``, ``combustion``, ``grid``, ``heat``,
    ``gwp``, ``process``, ``user``), ``pathway``, ``benchmark``, ``quota``,
    ``benchmark_share``, ``indicator``, ``exclusion``, ``green_factory``, ``green_factory_indicators``, ``vocabulary``.
    Returns the manifest and the parsed data.
    """
    from carbonacct import benchmarks, pathways
    from carbonacct.factors import read_factor_set

    p = Path(path)
    manifest = Manifest.from_toml(p if p.suffix == ".toml" else p.with_suffix(".toml"))
    if manifest.kind == "pathway" or (not manifest.kind and _pathway_columns(manifest)):
        return manifest, pathways.read_pathway(p, verify=verify)
    if manifest.kind == "green_factory":
        from carbonacct.green_factory import read_model

        return manifest, read_model(p)
    if manifest.kind == "exclusion":
        from carbonacct.compliance._exclusions import read_exclusions

        return manifest, read_exclusions(p, verify=verify, allow_modified=allow_modified)
    if manifest.kind == "green_factory_indicators":
        from carbonacct.green_factory.indicators import read_indicator_table

        return manifest, read_indicator_table(p)
    schemas: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
        "benchmark": (benchmarks.BENCHMARK_SCHEMA, benchmarks.BENCHMARK_REQUIRED),
        "quota": (benchmarks.GRADE_SCHEMA, benchmarks.GRADE_REQUIRED),
        "indicator": (benchmarks.INDICATOR_SCHEMA, benchmarks.INDICATOR_REQUIRED),
        "benchmark_share": (benchmarks.SHARE_SCHEMA, ("sectors", "share_at_benchmark")),
    }
    if manifest.kind in schemas:
        schema, required = schemas[manifest.kind]
        return read_dataset(p, schema, required, verify=verify, allow_modified=allow_modified)
    if manifest.kind == "vocabulary":
        import polars as pl

        from carbonacct._manifest import check_checksum, pin_status, refuse_modified

        data_path = Path(manifest.path).parent / manifest.data
        if verify:
            check_checksum(manifest, data_path)
        if not allow_modified and pin_status(manifest) == "modified":
            raise refuse_modified(manifest)
        return manifest, pl.read_csv(data_path, infer_schema=False)
    return manifest, read_factor_set(p, verify=verify, allow_modified=allow_modified)


def _pathway_columns(manifest: Manifest) -> bool:
    """A manifest without a kind (a target letter written as the README shows) whose CSV has
    the columns of a pathway file."""
    from carbonacct.pathways import _REQUIRED

    data = Path(manifest.path).parent / manifest.data
    try:
        with data.open(encoding="utf-8-sig") as fh:
            header = fh.readline().strip().split(",")
    except OSError:
        return False
    return set(_REQUIRED) <= set(header)


def check_data_file(path: str | Path) -> tuple[Manifest, str]:
    """Validate a data file (checksum, then its kind's schema); its manifest and pin status.

    The status is ``pinned`` (a shipped file as released), ``modified`` or
    ``user`` (a file that is not shipped).
    """
    from carbonacct._manifest import pin_status

    manifest, _ = read_data_file(path)
    return manifest, pin_status(manifest)


def rehash_data_file(path: str | Path) -> tuple[str, str]:
    """Write a changed data file's SHA-256 into its manifest (maintainers); the sum and pin status.

    The file must still pass its kind's schema. A shipped file that now
    differs from the pins has status ``modified`` and is refused until
    :func:`pin_data_files` is run after review.
    """
    from carbonacct._manifest import pin_status, write_checksum

    digest = write_checksum(path)
    manifest, _ = read_data_file(path, allow_modified=True)
    return digest, pin_status(manifest)


def pin_data_files() -> tuple[Path, int]:
    """Pin the SHA-256 of every shipped data file (the release step); the pin file and count."""
    from carbonacct._manifest import pins, write_pins

    out = write_pins()
    return out, len(pins())
