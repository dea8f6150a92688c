"""Canonical units of a record: each distinct unit text read and converted once (pint).

A line's quantity is counted in t (mass), 10^4 Nm3 (gas volume), MWh
(electricity) or GJ (heat and other energy). A per-unit parameter (NCV,
carbon content, emission factor) is converted to its numerator per that
unit, so an NCV in kJ/Nm3 becomes GJ/10^4 Nm3; a carbon content given as a
mass fraction (%) of a material counted in t is tC/t.
"""

from __future__ import annotations

from functools import lru_cache

from carbonacct.errors import DimensionalityError
from carbonacct.sectors._protocol import PARAMETERS
from carbonacct.units import conversion_factor, dimensionality, resolve_unit

__all__ = ["PINT_UNIT", "parameter_factor", "quantity_unit"]

#: Canonical quantity labels and the unit text pint reads for each.
PINT_UNIT = {"t": "t", "10^4 Nm3": "(10^4 Nm3)", "MWh": "MWh", "GJ": "GJ"}

_ELECTRIC = ("electricity", "electricity_export", "electrolysis_ac")
_HEAT = ("heat", "heat_export")
#: Categories counted by mass only (a volume or energy for them is a unit slip).
_BY_MASS = (
    "process",
    "carbonate",
    "carbon_product",
    "product_output",
    "clinker",
    "raw_meal",
    "kiln_dust",
    "bypass_dust",
    "non_carbonate_raw",
    "anode",
    "sorbent",
)


def _snap(factor: float) -> float:
    """A conversion factor without binary noise (0.010000000000000002 → 0.01)."""
    return float(f"{factor:.12g}")


@lru_cache(maxsize=1024)
def quantity_unit(text: str, category: str, steam: bool = False) -> tuple[str, float]:
    """(canonical label, factor) of a quantity written in ``text`` for a ``category``.

    Heat is counted in GJ; with ``steam`` (a method that converts steam mass
    by its enthalpy) a heat quantity may also be a mass of steam in t.

    Examples
    --------
    >>> quantity_unit("万Nm3", "fuel"), quantity_unit("kg", "process"), quantity_unit("万kWh", "electricity")
    (('10^4 Nm3', 1.0), ('t', 0.001), ('MWh', 10.0))
    """
    unit = resolve_unit(text).canonical
    dim = str(dimensionality(unit))
    if dim == str(dimensionality("t")):
        label = "t"
    elif dim == str(dimensionality("Nm3")):
        label = "10^4 Nm3"
    elif dim == str(dimensionality("GJ")):
        label = "MWh" if category in _ELECTRIC else "GJ"
    else:
        label = ""
    allowed = (
        ("t",)
        if category in _BY_MASS
        else ("MWh",)
        if category in _ELECTRIC
        else ((("GJ", "t") if steam else ("GJ",)) if category in _HEAT else ("t", "10^4 Nm3", "GJ"))
    )
    if label not in allowed:
        expected = {
            "t": "a mass (t)",
            "10^4 Nm3": "a gas volume (Nm3)",
            "MWh": "electricity (MWh)",
            "GJ": "energy (GJ)",
        }
        raise DimensionalityError(
            f"Unit {text!r} does not count a {category}: use "
            + " or ".join(expected[a] for a in allowed)
            + ".",
            unit=text,
            expected="/".join(allowed),
        )
    return label, _snap(conversion_factor(unit, PINT_UNIT[label]))


@lru_cache(maxsize=4096)
def parameter_factor(parameter: str, text: str, per: str) -> float:
    """The factor that converts ``parameter`` written in ``text`` to its canonical unit.

    ``per`` is the canonical label of the line's quantity (for per-unit
    parameters). A fraction written without a unit is taken as a fraction.

    Examples
    --------
    >>> parameter_factor("ncv", "kJ/Nm3", "10^4 Nm3"), parameter_factor("carbon_content", "%", "t")
    (0.01, 0.01)
    >>> parameter_factor("carbon_content_per_heat", "tC/TJ", "t")
    0.001
    """
    spec = PARAMETERS.get(parameter)
    kind = spec.kind if spec is not None else "other"
    unit = resolve_unit(text).canonical if text else "1"
    if kind == "per_unit":
        assert spec is not None
        if parameter == "carbon_content" and per == "t" and _dimensionless(unit):
            return _snap(conversion_factor(unit, "1"))
        return _snap(conversion_factor(unit, f"{spec.unit}/{PINT_UNIT[per]}"))
    if kind == "other" and spec is not None and spec.unit == "1" and text.strip() != "1":
        # A count in a unit of its own (AE-min per cell-day): pint would read "min/d" as 1/1440.
        raise DimensionalityError(
            f"{parameter} is counted in {spec.description}: write 1 as its unit (got {text!r}).",
            unit=text,
            expected="",
        )
    if kind in ("per_heat", "other") and spec is not None:
        return _snap(conversion_factor(unit, spec.unit))
    if kind == "fraction":
        return _snap(conversion_factor(unit, "1"))
    return 1.0


def _dimensionless(unit: str) -> bool:
    return str(dimensionality(unit)) == str(dimensionality("1"))


def canonical_text(parameter: str, per: str) -> str:
    """The canonical unit of ``parameter`` as shown in tables (``GJ/t``, ``tC/GJ``, ``1``)."""
    spec = PARAMETERS.get(parameter)
    if spec is None:
        return ""
    if spec.kind == "amount":
        return per
    if spec.kind == "per_unit":
        return f"{spec.unit}/{per}"
    return spec.unit
