"""Exit codes and one-line error messages, shared by every command.

A command signals a compliance finding with :class:`ComplianceFinding` (exit 3)
when the user asked for it with :func:`fail_on_option`; rejected rows under
``--strict`` arrive as :class:`carbonacct.errors.RejectedRowsError` (exit 4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_FINDING = 3
EXIT_REJECTED = 4

#: Statuses that `--fail-on` accepts: every check status worse than on_track (invalid_input: an
#: input row the check refused; above_path: above a non-binding path; no_data: no figure), and
#: exceeds_limit (a product over its GB quota limit). below_path ("at or below" a path) is not.
FAIL_ON = (
    "breach",
    "off_track",
    "exceeds_limit",
    "invalid_input",
    "insufficient_data",
    "above_path",
    "no_data",
)

#: Errors of reading and parsing data, from the libraries carbonacct reads files with.
_DATA_ERRORS = (ValueError, LookupError, OSError, ArithmeticError, UnicodeError)


class ComplianceFinding(click.ClickException):
    """A finding the user asked to fail on (``--fail-on``): exit code 3."""

    exit_code = EXIT_FINDING

    def show(self, file: Any = None) -> None:
        click.echo(f"Finding: {self.format_message()}", err=True)


def fail_on_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--fail-on STATUS`` option (repeatable); pass its value to :func:`raise_findings`."""
    return click.option(
        "--fail-on",
        "fail_on",
        multiple=True,
        type=click.Choice(FAIL_ON),
        help="Exit with code 3 when any firm has this status in its report year: the firm's "
        "status or a pathway or product result of that year; a past year of its history is "
        "not a finding (repeatable).",
    )(func)


def raise_findings(statuses: Iterable[str | None], fail_on: Iterable[str]) -> None:
    """Raise :class:`ComplianceFinding` if any of ``statuses`` is one of ``fail_on``.

    Call it after the output is written, so the findings are on record.
    """
    wanted = set(fail_on)
    if not wanted:
        return
    counts: dict[str, int] = {}
    for status in statuses:
        if status in wanted:
            counts[status] = counts.get(status, 0) + 1
    if counts:
        found = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        raise ComplianceFinding(f"{found} (--fail-on {' '.join(sorted(wanted))}).")


def exit_code(exc: BaseException) -> int:
    """The documented exit code of an error that reached the command line."""
    from carbonacct.errors import OptionError, RejectedRowsError

    if isinstance(exc, RejectedRowsError):
        return EXIT_REJECTED
    if isinstance(exc, (click.UsageError, OptionError)):  # an option outside its allowed values
        return EXIT_USAGE
    return EXIT_DATA


def _is_data_error(exc: BaseException) -> bool:
    if isinstance(exc, _DATA_ERRORS):
        return True
    module = type(exc).__module__.split(".")[0].lstrip("_")
    # the readers' own errors (polars, pyarrow, fastexcel, openpyxl, yaml)
    return module in {"polars", "pyarrow", "fastexcel", "openpyxl", "yaml", "zipfile", "json"}


def one_line(exc: BaseException, *, debug: bool = False, inputs: Iterable[str] = ()) -> str:
    """One line for the user: the library's message, or the first line of a foreign error.

    A foreign error (from polars, a spreadsheet reader...) does not say which file it read:
    ``inputs``, the files named on the command line, are listed instead.
    """
    from carbonacct.errors import CarbonacctError

    if isinstance(exc, CarbonacctError):
        return f"Error: {exc}"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = (lines[0] if lines else type(exc).__name__).rstrip(".")
    if len(text) > 300:
        text = text[:297] + "..."
    hint = "" if debug else " Run with --debug for the traceback."
    if isinstance(exc, ImportError):
        return f"Error: {text}: this command needs that package; install it with pip.{hint}"
    named = getattr(exc, "filename", None) if isinstance(exc, OSError) else None
    if named is not None and str(named) not in {str(f) for f in inputs}:
        # not an input that failed: a file to write (or a folder) the system refused
        why = exc.strerror or text if isinstance(exc, OSError) else text
        return f"Error: {named}: {why}; check the path (an output's directory must exist).{hint}"
    if _is_data_error(exc):
        files = list(inputs)
        where = f"one of {', '.join(files)}" if len(files) > 1 else "".join(files) or "the input"
        advice = "Check that file" if len(files) == 1 else "Check the input files and options"
        return f"Error: {text} ({type(exc).__name__}) reading {where}. {advice}.{hint}"
    return (
        f"Error: internal error {type(exc).__name__}: {text}. Please report it with the "
        f"command line.{hint}"
    )
