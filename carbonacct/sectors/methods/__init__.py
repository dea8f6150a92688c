"""Sector methods for monthly records, one module per guideline or standard.

Each module defines ``METHODS``, a tuple of :class:`~carbonacct.sectors.RecordMethod`
instances; :func:`record_methods` finds them all, so a new method is one new
module and no registry is edited.

>>> isinstance(record_methods(), dict)
True
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from carbonacct.errors import OptionError
from carbonacct.sectors._protocol import RecordMethod

__all__ = ["get_record_method", "record_methods"]


@cache
def record_methods() -> dict[str, RecordMethod]:
    """Every sector method by id (found in the modules of this package)."""
    found: dict[str, RecordMethod] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for method in getattr(module, "METHODS", ()):
            if method.id in found:
                raise RuntimeError(f"two sector methods share the id {method.id!r}")
            found[method.id] = method
    return found


def get_record_method(method_id: str) -> RecordMethod:
    """The sector method named ``method_id``.

    Raises
    ------
    OptionError
        Naming the methods there are.
    """
    methods = record_methods()
    try:
        return methods[method_id]
    except KeyError:
        raise OptionError(
            f"{method_id!r} is not a sector method; choose one of {sorted(methods)} "
            "(see carbonacct.sectors.record_methods()).",
            option="method",
            value=method_id,
        ) from None
