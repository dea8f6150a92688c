"""The quality report of every command that reads user data, on stderr.

Every command that reads readings shows rows in = accounted + rejected and the
warnings of the run, whether it printed a footprint, a check, a report or a
score: nothing dropped out of sight. One call per command::

    show_quality(result)    # a Footprint, a QualityReport, or a result's provenance
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

__all__ = ["quality_of", "show_quality"]

#: Where a result's provenance may hold the quality of the readings behind it.
_NESTED = ("footprint", "readings")


def quality_of(source: Any) -> Any:
    """The :class:`~carbonacct.QualityReport` behind ``source``, or None if it has none.

    ``source`` is a QualityReport, anything with a ``quality`` attribute (a
    Footprint) or a ``provenance`` attribute, or a provenance mapping whose
    ``quality`` (or ``footprint.quality``, ``readings.quality``) is a quality record.
    """
    from carbonacct.quality import QualityReport

    if source is None or isinstance(source, QualityReport):
        return source
    quality = getattr(source, "quality", None)
    if isinstance(quality, QualityReport):
        return quality
    record = getattr(source, "provenance", source)
    if not isinstance(record, Mapping):
        return None
    found = record.get("quality")
    if isinstance(found, Mapping) and "rows_in" in found:
        return QualityReport.from_record(found)
    for key in _NESTED:
        if isinstance(record.get(key), Mapping):
            nested = quality_of(record[key])
            if nested is not None:
                return nested
    return None


def show_quality(source: Any, *, label: str | None = None) -> None:
    """Print the quality report behind ``source`` on stderr (nothing if it has none)."""
    quality = quality_of(source)
    if quality is None:
        return
    from carbonacct.io.writers.xlsx import escape_controls

    from ._output import current_lang

    if current_lang() == "zh":
        from carbonacct.reports.html import quality_text

        text = "\n  ".join(quality_text(quality, "zh"))
    else:
        text = quality.summary()
    text = escape_controls(text)  # a meter id may hold \x01; the xlsx escape, not the raw byte
    from ._spelling import cli_spelling

    text = cli_spelling(text)  # give --interval-label end, not interval_label='end'
    click.echo(f"{label}: {text}" if label else text, err=True)
