"""Methods of accounting: the generic GB/T 32150 rules and, as they come, sector guidelines.

A new method is one module here implementing
:class:`~carbonacct.methods._base.SectorMethod`, one entry in
:data:`METHODS`, and a test with a worked example; ``Method(method=ID)``
picks it. A method of your own is added with :func:`register`.

>>> from carbonacct.methods import get_method
>>> get_method("gbt32150").document
'GB/T 32150-2015 and GB/T 32151.x (CO2); GB/T 2589-2020 (energy)'
"""

from __future__ import annotations

from carbonacct.errors import DuplicateIdError, OptionError, ProtocolError
from carbonacct.methods._base import SectorMethod, method_record
from carbonacct.methods.gbt32150 import GBT32150

__all__ = ["METHODS", "SectorMethod", "get_method", "method_record", "register"]

#: Every method by id.
METHODS: dict[str, SectorMethod] = {m.id: m for m in (GBT32150(),)}


def get_method(method_id: str) -> SectorMethod:
    """The method named ``method_id``."""
    try:
        return METHODS[method_id]
    except KeyError:
        raise OptionError(
            f"{method_id!r} is not a method; see carbonacct.methods.METHODS "
            f"({', '.join(sorted(METHODS))}).",
            option="method",
            value=method_id,
        ) from None


def register(method: SectorMethod) -> SectorMethod:
    """Add ``method`` to :data:`METHODS` so ``Method(method=method.id)`` picks it.

    It must implement :class:`SectorMethod`, under an id no other method has.
    """
    if not isinstance(method, SectorMethod):
        members = sorted(
            name
            for name in vars(SectorMethod)
            if not name.startswith("_") and not hasattr(method, name)
        )
        raise ProtocolError(
            f"{method!r} is not a SectorMethod (missing: {', '.join(members)}); "
            "implement every member of carbonacct.methods.SectorMethod.",
            protocol="SectorMethod",
            missing=members,
        )
    held = METHODS.get(method.id)
    if held is not None:
        raise DuplicateIdError(
            f"A method {method.id!r} is already registered ({held!r}); give yours another id.",
            kind="method",
            id=method.id,
        )
    METHODS[method.id] = method
    return method
