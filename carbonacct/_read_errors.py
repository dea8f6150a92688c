"""A file that breaks while it is read, named in one line with where it breaks.

polars says a CSV row has more fields than the header, or that a quote is never closed, without
the line; in a file of many thousand rows the user cannot find it. The CSV files of the input are
then read again, record by record, to find the first line that breaks (only on this error path).
Field separators, quotes and line ends are ASCII, and no byte of a multi-byte UTF-8, GBK or
GB18030 character is one of them, so the files are read as single bytes (latin-1) whatever
their encoding, and line numbers count lines of the file as a text editor shows them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from carbonacct.errors import InputError
from carbonacct.io._tables import separator_of

__all__ = ["csv_break", "reading_errors"]

_CSV = (".csv", ".txt", ".tsv")
_MORE = (
    "has more fields than the header (an unquoted comma in a value such as 1,234.5? "
    'quote it: "1,234.5")'
)
_QUOTE = 'opens a quote (") that is not closed before the end of the file: close or remove it'


def csv_break(path: str | Path) -> tuple[int, str] | None:
    """(line, what) of the first record of a CSV file with more fields than its header, or
    whose quote is never closed; None when every record reads."""
    with Path(path).open("r", encoding="latin-1", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        reader = csv.reader(fh, delimiter=separator_of(first), strict=True)
        start, width = 1, None
        try:
            for record in reader:
                if width is None:
                    width = len(record)
                elif len(record) > width:
                    return start, _MORE
                start = reader.line_num + 1
        except csv.Error:
            return start, _QUOTE
    return None


def _located(files: Sequence[str], text: str) -> tuple[str, int, str] | None:
    """(file, line, message) of the first CSV file that breaks, for a polars CSV error."""
    if "more fields than defined" not in text and "not properly escaped" not in text:
        return None
    for f in files:
        if f.lower().endswith(_CSV) and Path(f).is_file() and (found := csv_break(f)):
            return f, found[0], f"{f}, line {found[0]}: a row {found[1]}"
    return None


@contextmanager
def reading_errors(source: str, files: Sequence[str] = ()) -> Iterator[None]:
    """A file that breaks while it is read (malformed CSV, a truncated Parquet) is named, in one
    line, not shown as a polars traceback; a malformed CSV record by its file and line."""
    try:
        yield
    except pl.exceptions.PolarsError as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if located := _located(files or (source,), str(exc)):
            file, line, message = located
            raise InputError(message, file=file, row=line, column=None) from None
        if "more fields than defined" in text:
            text = f"a row {_MORE}"
        raise InputError(f"{source}: {text}", file=source, row=None, column=None) from None
