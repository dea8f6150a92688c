"""CO2 from fuel combustion, purchased electricity and heat, and carbonates (GB/T 32150).

Fuel combustion (GB/T 32150-2015 / GB/T 32151.x, NDRC guidelines)::

    E_CO2 = AD × NCV × CC × OF × 44/12

with AD the fuel consumed [t or 10^4 Nm3], NCV its net calorific value
[GJ/t or GJ/10^4 Nm3], CC the carbon content per unit heat [tC/GJ] and OF the
oxidation rate. This module composes the per-carrier emission factor
``EF = NCV × CC × OF × 44/12`` once per carrier with pint, so that the column
of activity data is multiplied by one float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from carbonacct.factors import Factor, FactorLibrary, default_library
from carbonacct.units import conversion_factor

__all__ = ["CO2_PER_C", "CombustionFactor", "combustion_factor"]

#: Molar-mass ratio of CO2 to C used by GB/T 32150 and IPCC, kept exact.
CO2_PER_C = Fraction(44, 12)


@dataclass(frozen=True)
class CombustionFactor:
    """A fuel's composite CO2 emission factor and the parameters it came from.

    ``value`` is in ``unit`` (tCO2 per the unit of the NCV's denominator,
    e.g. tCO2/t or tCO2/万Nm3).
    """

    carrier: str
    value: float
    unit: str
    ncv: Factor | None
    carbon_content: Factor | None
    oxidation_rate: Factor
    co2_per_energy: Factor | None = None

    @property
    def parameters(self) -> tuple[Factor, ...]:
        return tuple(
            f
            for f in (self.ncv, self.carbon_content, self.oxidation_rate, self.co2_per_energy)
            if f
        )

    def to(self, unit: str) -> float:
        """The factor in another unit, e.g. ``"kgCO2/Nm3"``."""
        return self.value * conversion_factor(self.unit, unit)

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.set_label for f in self.parameters))


def combustion_factor(
    carrier: str,
    *,
    library: FactorLibrary | None = None,
    sets: Sequence[str] | None = None,
) -> CombustionFactor:
    """The CO2 emission factor of a fuel, EF = NCV × CC × OF × 44/12.

    With the default sets this is GB/T 32151.x-2024 Appendix C Table C.1.
    A set that gives CO2 per unit of heat (IPCC 2006) is used as
    EF = NCV × EF_energy × OF.

    Parameters
    ----------
    carrier : str
        Fuel code or name (``diesel``, ``柴油``).
    library : FactorLibrary, optional
        Library to resolve in (default: the shipped sets).
    sets : sequence of str, optional
        Sets to search, e.g. ``["ndrc-2013"]`` or ``["ipcc-2006"]``.

    Returns
    -------
    CombustionFactor
        ``value`` in tCO2 per the NCV's carrier unit [tCO2/t or tCO2/万Nm3].

    References
    ----------
    GB/T 32150-2015, formula (2); GB/T 32151.22-2024, 5.2.2 and Table C.1.

    Examples
    --------
    Diesel, 42.652 GJ/t × 20.2 tC/TJ × 98 % × 44/12:

    >>> ef = combustion_factor("diesel")
    >>> round(ef.value, 4), ef.unit, ef.sets
    (3.0959, 'tCO2/t', ('gbt32151-2024@1.0.0',))

    Natural gas per 10^4 Nm3 (389.31 GJ × 15.3 tC/TJ × 99 % × 44/12):

    >>> round(combustion_factor("天然气").value, 3)
    21.622
    """
    lib = library or default_library()
    ncv = lib.resolve("ncv", carrier, sets=sets)
    of = lib.resolve("oxidation_rate", carrier, sets=sets)
    per = _denominator(ncv.unit)
    of_value = of.to("1")
    try:
        cc = lib.resolve("carbon_content", carrier, sets=sets)
    except LookupError:
        cc = None
    if cc is not None:
        # [GJ/unit] × [tC/GJ] × 1 × [tCO2/tC]
        value = ncv.value * cc.to("tC/GJ") * of_value * float(CO2_PER_C)
        unit_ncv_energy = conversion_factor(_numerator(ncv.unit), "GJ")
        return CombustionFactor(ncv.subject, value * unit_ncv_energy, f"tCO2/{per}", ncv, cc, of)
    co2 = lib.resolve("co2_per_energy", carrier, sets=sets)
    value = ncv.value * conversion_factor(_numerator(ncv.unit), "GJ") * co2.to("tCO2/GJ") * of_value
    return CombustionFactor(ncv.subject, value, f"tCO2/{per}", ncv, None, of, co2)


def _numerator(unit: str) -> str:
    return unit.split("/", 1)[0]


def _denominator(unit: str) -> str:
    return unit.split("/", 1)[1]
