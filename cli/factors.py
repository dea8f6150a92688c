"""`carbonacct factors`: list, show and search the published factor sets."""

from __future__ import annotations

import dataclasses

import click

import carbonacct

from ._output import emit, emit_record, format_option

_SHOWN = ["parameter", "subject", "region", "year", "variant", "value", "unit", "source", "grade"]


@click.group()
def factors() -> None:
    """The published factor sets carbonacct ships, with their sources."""


@factors.command("list")
@format_option
def list_sets(fmt: str) -> None:
    """List every factor set: id, version, kind, rows, grade, document."""
    emit(carbonacct.default_library().describe(), fmt, title="Factor sets")


@factors.command("show")
@click.argument("set_id")
@format_option
@click.option("--manifest-only", is_flag=True, help="Print the manifest without the factors.")
def show(set_id: str, fmt: str, manifest_only: bool) -> None:
    """Show one set's manifest (publisher, document, table, dates, checksum) and factors."""
    lib = carbonacct.default_library()
    fs = lib.get(set_id)
    record = dataclasses.asdict(fs.manifest)
    record.pop("path")
    if fmt == "json" and not manifest_only:
        record["factors"] = fs.data.to_dicts()
        emit_record(record, fmt)
        return
    emit_record(record, fmt, title=f"{fs.manifest.label}")
    if not manifest_only:
        emit(fs.data.select(_SHOWN), fmt, title=f"{fs.manifest.id}: {fs.data.height} factors")


@factors.command("search")
@click.argument("text")
@format_option
def search(text: str, fmt: str) -> None:
    """Find factors by carrier, province or region, set or document (Chinese or English).

    Example: carbonacct factors search 江苏
    """
    hits = carbonacct.default_library().search(text)
    if hits.height == 0:
        raise click.ClickException(
            f"No factor mentions {text!r}. Try a carrier (柴油, diesel), a province (江苏) or a set id."
        )
    columns = [
        "set_id",
        "parameter",
        "subject",
        "region",
        "year",
        "variant",
        "value",
        "unit",
        "document",
    ]
    emit(
        hits.select(columns).sort("parameter", "subject", "region", "year", nulls_last=True),
        fmt,
        title=f"Factors matching {text!r}",
    )


@factors.command("rehash")
@click.argument("manifests", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def rehash(manifests: tuple[str, ...]) -> None:
    """Rewrite the checksum of a changed factor file into its manifest (maintainers).

    Do this only after checking the changed values against the official text,
    and cite that text in the file's source column.
    """
    from carbonacct import rehash_data_file

    for path in manifests:
        digest, status = rehash_data_file(path)
        click.echo(f"{path}: sha256 {digest}")
        if status == "modified":
            click.echo(
                f"{path}: a shipped set that now differs from the pinned table; it is refused "
                "until the release step `carbonacct factors pin` is run after review."
            )


@factors.command("pin")
def pin() -> None:
    """Pin the SHA-256 of every shipped data file (the release step, maintainers).

    Run it after a reviewed change to the data and with the golden tests green.
    A shipped set whose files later differ from the pins is labelled modified
    and refused unless the library is loaded with allow_modified=True.
    """
    from carbonacct import pin_data_files

    out, count = pin_data_files()
    click.echo(f"{out}: {count} files pinned")


@factors.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def check(paths: tuple[str, ...]) -> None:
    """Validate data files (yours or shipped): checksum, then the schema of the file's kind."""
    from carbonacct import check_data_file

    for path in paths:
        manifest, status = check_data_file(path)
        click.echo(f"{path}: ok, {manifest.kind} {manifest.label} ({status})")
