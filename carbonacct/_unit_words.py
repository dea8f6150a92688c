"""What a unit measures, said in words people use: a dimension mismatch reaches a user as
"an energy unit such as kWh, GJ, tce", never as the unit library's base dimensions
("[length] ** 2 / [time] ** 2")."""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from carbonacct.errors import CarbonacctError


def _parse(unit: str) -> Any:
    from carbonacct.units import parse_unit

    return parse_unit(unit)


#: Quantities people name, with the units they write them in: a dimension mismatch is said in
#: these words ("an energy unit such as kWh, GJ, tce"), never in the unit library's base
#: dimensions ("[length] ** 2 / [time] ** 2").
_QUANTITIES: tuple[tuple[str, str, str], ...] = (
    ("kgce", "energy", "an energy unit such as kWh, GJ, tce"),
    ("t", "mass", "a unit of mass such as t, kg"),
    ("m3", "volume", "a unit of volume such as m3, Nm3"),
    ("m2", "area", "a unit of area such as m2"),
    ("万元", "money", "a unit of money such as 万元, 元"),
    ("tCO2", "CO2", "a unit of CO2 such as tCO2, kgCO2"),
    ("tCO2e", "CO2e", "a unit of CO2e such as tCO2e"),
    ("tC", "carbon", "a unit of carbon such as tC"),
    ("kW", "power", "a unit of power such as kW, MW"),
    ("h", "time", "a unit of time such as h, a"),
)


@lru_cache(maxsize=1)
def _quantity_dims() -> tuple[tuple[Any, str, str, str], ...]:
    return tuple((_parse(u).dimensionality, u, n, ex) for u, n, ex in _QUANTITIES)


@lru_cache(maxsize=256)
def words(unit: str) -> str:
    """What a unit measures, in words: ``an energy unit such as kWh, GJ, tce``, ``energy per
    unit of mass, such as kgce/t``, ``a share or count, such as %, 1``.

    >>> words("kgce"), words("kgce/t")
    ('an energy unit such as kWh, GJ, tce', 'energy per unit of mass, such as kgce/t')

    A unit of :data:`carbonacct.units.TABLED_DIMENSIONS` is said from that table, without
    the registry (a steam reading in GJ is tried against tonnes first: the refusal is common).
    """
    from carbonacct.units import TABLED_DIMENSIONS

    tabled = TABLED_DIMENSIONS.get(unit)
    if tabled is not None:
        return next(said for _, name, said in _QUANTITIES if name == tabled)
    try:
        dims = _parse(unit).dimensionality
    except CarbonacctError:
        return f"the unit {unit!r}"
    if not dims:
        return "a share or count, such as %, 1"
    named = _quantity_dims()
    for d, _, _, words in named:
        if dims == d:
            return words
    for (dn, un, nn, _), (dd, ud, nd, _) in itertools.product(named, named):
        if dn != dd and dims == dn / dd:
            return f"{nn} per unit of {nd}, such as {un}/{ud}"
    num, _, den = unit.partition("/")
    if den and not num.startswith("("):
        for d, _, noun, _ in named:
            if _dims_of(num) == d:
                return f"{noun} per {den.strip('()')}"
    return f"a quantity in {unit}"


def _dims_of(unit: str) -> Any:
    try:
        return _parse(unit).dimensionality
    except CarbonacctError:
        return None
