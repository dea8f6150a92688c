"""Errors raised by carbonacct.

Every error derives from :class:`CarbonacctError` and from the builtin it
resembles, so callers can catch either (``except ValueError`` keeps working).
Errors carry structured fields (file, row, column, value...) and pickle
cleanly, so batch runs in worker processes can send them back.

The hierarchy::

    Exception
    └── CarbonacctError
        ├── UnknownUnitError        (+ ValueError)   a unit word the registry does not know
        ├── DimensionalityError     (+ ValueError)   a unit of the wrong dimension
        ├── FactorFileError         (+ ValueError)   a data file failing its schema
        │   └── ChecksumError                        a shipped file changed since its manifest
        ├── FactorNotFoundError     (+ LookupError)  no factor answers a query
        ├── AmbiguousFactorError    (+ LookupError)  several factors answer a query
        ├── InputError              (+ ValueError)   a user's file, row or column unusable as given
        ├── OptionError             (+ ValueError)   an option outside its allowed values
        ├── DuplicateIdError        (+ ValueError)   a factor set or method id already taken
        ├── ProtocolError           (+ TypeError)    an object that is not what a protocol asks
        └── UnknownPeriodError      (+ KeyError)     a period a result does not hold

Messages follow one formula: what was wrong, the value, where, what to do.
:class:`InputError` composes it from its fields when no message is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AmbiguousFactorError",
    "CarbonacctError",
    "ChecksumError",
    "DimensionalityError",
    "DuplicateIdError",
    "FactorFileError",
    "FactorNotFoundError",
    "InputError",
    "OptionError",
    "ProtocolError",
    "RejectedRowsError",
    "UnknownPeriodError",
    "UnknownUnitError",
]


class CarbonacctError(Exception):
    """Base class of every error raised by carbonacct."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        for key, value in fields.items():
            setattr(self, key, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.fields))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls: type[CarbonacctError], message: str, fields: dict[str, Any]) -> CarbonacctError:
    err = cls.__new__(cls)
    CarbonacctError.__init__(err, message, **fields)
    return err


class UnknownUnitError(CarbonacctError, ValueError):
    """A unit word that the registry does not know (fields: ``unit``, ``suggestions``)."""


class DimensionalityError(CarbonacctError, ValueError):
    """A unit of the wrong physical dimension (fields: ``unit``, ``expected``)."""


class FactorFileError(CarbonacctError, ValueError):
    """A factor, pathway or vocabulary file that fails its schema (``file``, ``row``, ``column``)."""


class ChecksumError(FactorFileError):
    """A shipped data file whose content no longer matches its manifest checksum."""


class FactorNotFoundError(CarbonacctError, LookupError):
    """No factor answers a query (fields: ``query``, ``candidates``)."""


class AmbiguousFactorError(CarbonacctError, LookupError):
    """More than one factor answers a query (fields: ``query``, ``matches``)."""


class InputError(CarbonacctError, ValueError):
    """Bad user input: a file, row and column that cannot be used as given.

    Give a whole ``message``, or let it be composed from the fields
    ``problem``, ``value``, ``file``, ``row``, ``column`` and ``hint``:

    >>> str(InputError(problem="activity needs a unit", file="a.csv", row=3,
    ...                column="unit", value="", hint="write t or 万元"))
    "a.csv, row 3, column 'unit': activity needs a unit (got ''). write t or 万元."
    """

    def __init__(self, message: str | None = None, **fields: Any) -> None:
        super().__init__(message if message is not None else _compose(fields), **fields)


def _compose(fields: dict[str, Any]) -> str:
    where = [str(fields["file"])] if fields.get("file") else []
    if fields.get("row") is not None:
        where.append(f"row {fields['row']}")
    if fields.get("column"):
        where.append(f"column {fields['column']!r}")
    text = fields.get("problem", "unusable input")
    if "value" in fields:
        text += f" (got {fields['value']!r})"
    text = (", ".join(where) + ": " if where else "") + text
    return text + (f". {fields['hint']}." if fields.get("hint") else ".")


class RejectedRowsError(InputError):
    """Rows were rejected where none may be (``strict=True``); fields: ``file``, ``row``, ``rows_rejected``."""


def format_rows(rows: Sequence[dict[str, Any]], limit: int = 5) -> str:
    """Render the first offending rows for an error message (pyam's ``raise_data_error``)."""
    shown = [", ".join(f"{k}={v!r}" for k, v in row.items()) for row in rows[:limit]]
    more = f"\n  ... and {len(rows) - limit} more" if len(rows) > limit else ""
    return "".join(f"\n  {line}" for line in shown) + more


class OptionError(CarbonacctError, ValueError):
    """An option of a run that is not one of its allowed values (fields: ``option``, ``value``)."""


class DuplicateIdError(CarbonacctError, ValueError):
    """An id (factor set, method) already taken by another one (fields: ``kind``, ``id``)."""


class UnknownPeriodError(CarbonacctError, KeyError):
    """A period that a result does not hold (fields: ``period``, ``periods``)."""


class ProtocolError(CarbonacctError, TypeError):
    """An object that does not implement the protocol asked for (fields: ``protocol``, ``missing``)."""
