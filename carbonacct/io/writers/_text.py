"""Cell text that a spreadsheet must not run: formula-like strings made inert.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is read by Excel and LibreOffice as a formula, so an input
file could make a written result run code or fetch a URL when it is opened
(CSV/formula injection, OWASP). Text outputs get a leading single quote
(``'=1+2``), the mark spreadsheets show as "text"; Excel output stores such
cells as text. Numbers are never touched: ``-3.5`` stays a number, also when it is
text as written in an input (``-5``, ``-5.2e3`` in a rejects file): a spreadsheet reads
such a cell as that number, never as a formula (it has no operator after its sign and no
reference or function), so quoting it would only change what a program reading the CSV sees.
"""

from __future__ import annotations

import re

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain signed decimal number, the whole cell: not a formula.
PLAIN_NUMBER = r"^[+-](\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START) and re.fullmatch(PLAIN_NUMBER, text) is None


def inert_text(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every formula-like string cell prefixed by ``'``."""
    pattern = "^[=+\\-@\t\r]"
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings:
        return frame
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern) & ~pl.col(c).str.contains(PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in strings
    )
