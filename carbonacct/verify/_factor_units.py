"""Emission-factor unit spellings of real reports, read into the unit registry's words.

``kg CO2/kWh``, ``kgCO₂/kWh`` (subscript ₂), ``吨CO2/兆瓦时`` and a bare mass over the
activity (``t/MWh``, ``kg/kWh``: the mass of the factor's gas) all mean a mass of CO2
per unit of activity; what still does not parse is refused as not understood.
"""

from __future__ import annotations

import re

from carbonacct.errors import CarbonacctError, UnknownUnitError
from carbonacct.units import parse_unit

__all__ = ["factor_unit"]

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_MASS = {"吨": "t", "千克": "kg", "公斤": "kg", "克": "g", "t": "t", "kg": "kg", "g": "g"}
_MASS_WORD = r"(kg|t|g|吨|千克|公斤|克)"
_GAS = r"(CO2e|CO2当量|CO2|二氧化碳当量|二氧化碳)"


def factor_unit(text: str, *, gas: str | None = "CO2") -> str:
    """``text`` as a registry unit of an emission factor of ``gas`` (CO2 or CO2e; None: a
    parameter of no gas, whose bare mass numerator stays as written).

    >>> factor_unit("kg CO₂/kWh"), factor_unit("t/MWh"), factor_unit("吨CO2/兆瓦时")
    ('kgCO2/kWh', 'tCO2/MWh', 'tCO2/兆瓦时')
    """
    t = text.translate(_SUBSCRIPTS).strip()
    t = re.sub(
        rf"^{_MASS_WORD}\s*{_GAS}",
        lambda m: (
            _MASS[m.group(1)] + ("CO2e" if "e" in m.group(2) or "当量" in m.group(2) else "CO2")
        ),
        t,
    )
    if gas is not None:
        t = re.sub(rf"^{_MASS_WORD}\s*/", lambda m: f"{_MASS[m.group(1)]}{gas}/", t)
    try:
        parse_unit(t)
    except CarbonacctError as exc:
        raise UnknownUnitError(
            f"unit not understood: {text!r} ({exc}). Write the factor's unit as e.g. tCO2/MWh, "
            "kgCO2/kWh or tCO2/TJ.",
            unit=text,
        ) from None
    return t
