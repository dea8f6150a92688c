"""Printing frames and records: a table for people, CSV or JSON for machines.

Tables for people never cut a number. Numbers are rounded for reading (one
decimal, or three significant figures below 10; points to 0.01); when the
columns do not fit the terminal, headers wrap at their underscores, and if
the numbers still do not fit the table turns into records (one field per
line). Machine formats (``--format csv|json``, ``-o``) keep the values as the
library computed them, written by :mod:`carbonacct.io.writers`: formula-like
text inert, the same document as the file the result would write.
"""

from __future__ import annotations

import errno
import functools
import json
import math
import os
import re
import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import polars as pl

FORMATS = ("table", "csv", "json")
LANGS = ("en", "zh")
_PROSE = {"document", "note", "value_text", "title", "source", "explanation", "reason", "follow_up"}
#: Columns whose values are statuses or levels, shown in Chinese with ``--lang zh``.
_WORD_COLUMNS = ("status", "level", "verdict", "type")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; csv or json for machines: the document -o writes "
    "(a .csv file also starts with a UTF-8 BOM for Excel; stdout has none).",
)


def default_lang() -> str:
    """``zh`` where the locale is Chinese (LANG, LC_ALL, LC_MESSAGES), else ``en``."""
    for var in ("CARBONACCT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def words(name: str) -> str:
    """A title or word for people in the language of the run (the vocabulary's LABELS)."""
    return _label(name, current_lang())


def current_lang() -> str:
    """The language asked for with ``carbonacct --lang``, else the locale's."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get("carbonacct.lang") if ctx is not None else None
    return str(chosen or default_lang())


def people_number(value: float, column: str = "") -> str:
    """A number rounded for reading: points to 0.01; else 0.1, or 3 significant figures below 10;
    half up at that precision (22 024.785 to 0.01 is 22 024.79; see carbonacct.reports.half_up).

    >>> people_number(1911.17634, "energy_tce"), people_number(0.0495123), people_number(22.9404732739, "points")
    ('1911.2', '0.0495', '22.94')
    """
    from carbonacct.reports import half_up

    if not math.isfinite(value):
        return str(value)
    if "points" in column or column.endswith("score"):
        return half_up(value, 2)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    return half_up(value, max(1, 2 - magnitude))


@functools.lru_cache(maxsize=256)
def _rounded(column: str) -> bool:
    """Quantities (a unit in the name), shares and points are rounded for people; other numbers,
    such as factor values, are shown as they are."""
    from carbonacct.io import column_unit

    named = "points" in column or column.endswith("score") or "share" in column
    return column_unit(column) is not None or named


def _cell(value: Any, column: str = "", lang: str = "en") -> str:
    if value is None:
        # a missing CO2 or energy is not a blank 0
        return "—" if column.startswith(("co2", "energy")) else ""
    if isinstance(value, bool) and lang == "zh":
        return _label("yes" if value else "no", lang)
    if isinstance(value, float):
        return people_number(value, column) if _rounded(column) else f"{value:.12g}"
    if isinstance(value, str) and lang == "zh" and column.endswith(_WORD_COLUMNS):
        return _label(value, lang)
    if isinstance(value, str) and lang == "zh" and column == "carrier":
        from carbonacct.vocabulary import carrier_label

        return carrier_label(value, lang)  # 原煤, 天然气, 电力; machine formats keep the code
    from carbonacct.io.writers.xlsx import escape_controls  # as the .xlsx cells show them

    return escape_controls(str(value))


def _warn_controls(frame: pl.DataFrame) -> None:
    """Once per run: which columns and rows of the table hold control characters."""
    import polars as pl

    from carbonacct.io.writers.xlsx import CONTROL

    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get("carbonacct.controls_warned"):
        return
    found = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            hit = frame.with_row_index("_n", 1).filter(pl.col(name).str.contains(CONTROL))["_n"]
            if hit.len():
                rows = ", ".join(map(str, hit.to_list()[:10])) + (", ..." if hit.len() > 10 else "")
                found.append(f"{name} (row {rows})")
    if found:
        click.echo(
            f"warning: {'; '.join(found)} of the table hold(s) control characters: shown "
            "escaped (\\x01) as in .xlsx; .csv and .json keep them as given.",
            err=True,
        )
        if ctx is not None:
            ctx.meta["carbonacct.controls_warned"] = True


def _label(name: str, lang: str) -> str:
    from carbonacct.vocabulary import label

    return label(name, lang)


def _header(name: str, lang: str) -> str:
    """Chinese headers from the vocabulary registry, with the unit in brackets (综合能耗 (tce));
    English keeps the controlled names."""
    if lang != "zh":
        return name
    from carbonacct.vocabulary import header

    return header(name, lang)


def _wrap_header(text: str, width: int) -> str:
    """Break a header after underscores or spaces so that no line is wider than ``width``."""
    lines = [""]
    for token in re.findall(r"[^_ ]+[_ ]*|[_ ]+", text):
        if lines[-1] and _display_len(lines[-1] + token.rstrip()) > width:
            lines.append("")
        lines[-1] += token
    return "\n".join(line.rstrip() for line in lines)


def _console_width() -> int:
    if sys.stdout.isatty():
        from shutil import get_terminal_size

        return get_terminal_size().columns
    # off a terminal (pipes, CI logs) use COLUMNS when set, else room for a wide table
    return int(os.environ.get("COLUMNS", "") or 240)


def render(
    frame: pl.DataFrame, *, title: str | None = None, width: int = 100, lang: str = "en"
) -> list[Any]:
    """The rich renderables of ``frame`` for a console ``width`` columns wide."""
    cells = [[_cell(v, c, lang) for v in frame[c].to_list()] for c in frame.columns]
    needs = [max([_display_len(x) for x in col] + [6]) for col in cells]
    headers = [
        _wrap_header(_header(c, lang), max(n, 8 if c not in _PROSE else 24))
        for c, n in zip(frame.columns, needs, strict=True)
    ]
    head_width = [max(map(_display_len, h.splitlines())) for h in headers]
    widths = [
        max(n, h) if c not in _PROSE else min(max(n, h), 48)
        for c, n, h in zip(frame.columns, needs, head_width, strict=True)
    ]

    # rich's box: one border per side plus one space of padding each side per column
    def span(idx: list[int]) -> int:
        return sum(widths[i] for i in idx) + 3 * len(idx) + 1

    everything = list(range(frame.width))
    # prose wraps: narrowed (to 24 at least) before the table is split or turned into records
    for i in (i for i, c in enumerate(frame.columns) if c in _PROSE):
        widths[i] = max(24, widths[i] - max(0, span(everything) - width))
    if span(everything) <= width:
        return [_grid(frame.columns, headers, cells, widths, title, everything)]
    keys = [i for i in everything if not all(_looks_numeric(x) for x in cells[i])]
    numbers = [i for i in everything if i not in keys]
    if frame.height <= 3 or not numbers or span([*keys, numbers[0]]) > width:
        return _records(frame, cells, title, width, lang)
    # the key columns on every part, the numbers split into parts that fit
    parts: list[list[int]] = [[]]
    for i in numbers:
        if parts[-1] and span([*keys, *parts[-1], i]) > width:
            parts.append([])
        parts[-1].append(i)
    return [
        _grid(frame.columns, headers, cells, widths, title if n == 0 else None, [*keys, *part])
        for n, part in enumerate(parts)
    ]


def _display_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0x2E80)


def _grid(
    columns: list[str],
    headers: list[str],
    cells: list[list[str]],
    widths: list[int],
    title: str | None,
    shown: list[int],
) -> Any:
    from rich.table import Table

    table = Table(title=title)
    for i in shown:
        name, header, width = columns[i], headers[i], widths[i]
        prose = name in _PROSE
        numeric = not prose and all(_looks_numeric(x) for x in cells[i])
        table.add_column(
            header,
            justify="right" if numeric else "left",
            no_wrap=not prose,
            min_width=None if prose else width,
            max_width=48 if prose else None,
            overflow="fold",
        )
    for row in zip(*(cells[i] for i in shown), strict=True):
        table.add_row(*row)
    return table


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("", "—")  # a missing figure in a numeric column
    return True


def _records(
    frame: pl.DataFrame, cells: list[list[str]], title: str | None, width: int, lang: str
) -> list[Any]:
    """One field per line: the records side by side while they fit, else one after another."""
    from rich.table import Table

    from carbonacct.vocabulary import header

    # one field per line leaves room for the people's words (Energy (tce)), in English too
    names = [header(c, lang) for c in frame.columns]
    label_width = max(map(_display_len, names))
    # numbers are never folded; long text may be
    number_width = max([len(x) for col in cells for x in col if _looks_numeric(x)] + [6])
    value_width = min(
        max([_display_len(x) for col in cells for x in col] + [6]), width - label_width - 7
    )
    value_width = max(value_width, number_width)
    per_table = max(1, (width - label_width - 4) // (value_width + 3))
    out: list[Any] = []
    for start in range(0, max(frame.height, 1), per_table):
        table = Table(title=title if start == 0 else None)
        table.add_column(header("field", lang), no_wrap=True)
        stop = min(start + per_table, frame.height)
        for i in range(start, stop):
            label = header("value", lang) if frame.height == 1 else f"#{i + 1}"
            table.add_column(label, justify="right", overflow="fold", min_width=number_width)
        for j, name in enumerate(names):
            table.add_row(name, *(cells[j][i] for i in range(start, stop)))
        out.append(table)
    return out


def _console(width: int) -> Any:
    """A rich console on stdout whose closed pipe (``| head``) ends the run as every other
    write to stdout does (see ``carbonacct.cli.main``), not with rich's own exit 1."""
    from rich.console import Console

    class _Stdout(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "stdout closed by its reader")

    return _Stdout(width=width)


def print_table(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    lang: str | None = None,
    width: int | None = None,
) -> None:
    """Print ``frame`` for people on stdout (see :func:`render`)."""
    lang = lang or current_lang()
    width = width or _console_width()
    console = _console(width)
    if frame.height == 0:  # no rows: the title and a word, not a table of headers
        console.print(f"{title}: {_label('none', lang)}" if title else _label("none", lang))
        return
    _warn_controls(frame)
    for renderable in render(frame, title=title, width=width, lang=lang):
        console.print(renderable)


def emit(
    frame: pl.DataFrame, fmt: str, *, title: str | None = None, lang: str | None = None
) -> None:
    """Write ``frame`` to stdout in ``fmt``: a table for people, CSV or a JSON list of records.

    CSV and JSON keep every float as computed (shortest round-trip form); formula-like
    text is made inert. Results go through :func:`emit_result` instead.
    """
    if fmt == "csv":
        from carbonacct.io.writers.csv import to_csv

        sys.stdout.write(to_csv(frame))
    elif fmt == "json":
        from carbonacct.io.writers.json import dumps

        sys.stdout.write(dumps(frame.to_dicts()))
    else:
        print_table(frame, title=title, lang=lang)


def emit_result(result: Any, fmt: str) -> None:
    """Print a result (anything with ``tables()`` and ``provenance``) as ``-o out.csv|json`` would write it."""
    from carbonacct.io import table_units
    from carbonacct.io.writers import to_text

    tables = result.tables()
    if fmt == "csv":  # the main table, as -o out.csv writes it
        tables = dict([next(iter(tables.items()))])
    # a result whose files carry more than its provenance (a verdict, a summary) names it
    provenance = getattr(result, "written_provenance", None) or result.provenance
    sys.stdout.write(to_text(tables, fmt, table_units(tables), provenance))


def emit_record(record: dict[str, Any], fmt: str, *, title: str | None = None) -> None:
    """Write one record (a manifest, a result) as key/value lines, CSV or JSON."""
    if fmt == "json":
        sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str, indent=1) + "\n")
        return
    import polars as pl

    values = [
        "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else _cell(v)
        for v in record.values()
    ]
    frame = pl.DataFrame({"field": list(record), "value_text": values})
    emit(frame, fmt, title=title)
