"""`carbonacct units`: convert between units, Chinese unit words included."""

from __future__ import annotations

import click

from ._output import emit_record, format_option

#: Common units as multiples of one base unit per dimension, for a conversion that
#: needs no unit registry (start-up under 0.3 s). The same definitions as
#: carbonacct.units (1 kgce = 29 307.6 kJ, GB/T 2589; 1 kgoe = 41 868 kJ; the
#: International Table calorie 4.1868 J); a test checks every pair against it.
#: Anything else goes to the registry.
_ENERGY_J = {
    "J": 1.0,
    "kJ": 1e3,
    "MJ": 1e6,
    "GJ": 1e9,
    "TJ": 1e12,
    "Wh": 3600.0,
    "kWh": 3.6e6,
    "MWh": 3.6e9,
    "GWh": 3.6e12,
    "kcal": 4186.8,
    "gce": 29307.6,
    "kgce": 29307.6e3,
    "tce": 29307.6e6,
    "kgoe": 41868e3,
    "toe": 41868e6,
    "千瓦时": 3.6e6,
    "万kWh": 3.6e10,
    "万千瓦时": 3.6e10,
    "兆瓦时": 3.6e9,
    "吉焦": 1e9,
    "兆焦": 1e6,
    "吨标准煤": 29307.6e6,
    "万吨标准煤": 29307.6e10,
    "千克标准煤": 29307.6e3,
    "吨油当量": 41868e6,
}
_MASS_G = {"g": 1.0, "kg": 1e3, "t": 1e6, "吨": 1e6, "千克": 1e3, "公斤": 1e3}
_CO2_G = {"gCO2": 1.0, "kgCO2": 1e3, "tCO2": 1e6, "吨二氧化碳": 1e6}
_CO2E_G = {"gCO2e": 1.0, "kgCO2e": 1e3, "tCO2e": 1e6}
FAST_UNITS = (_ENERGY_J, _MASS_G, _CO2_G, _CO2E_G)


def fast_factor(from_unit: str, to_unit: str) -> float | None:
    """The conversion factor from the table above, or None when a registry is needed."""
    for table in FAST_UNITS:
        if from_unit in table and to_unit in table:
            return table[from_unit] / table[to_unit]
    return None


@click.group()
def units() -> None:
    """Unit conversion with carbonacct's registry (tce, kgce, toe, tCO2, 万kWh, 吨标准煤...)."""


@units.command("convert")
@click.argument("value", type=float)
@click.argument("from_unit")
@click.argument("to_unit")
@format_option
def convert(value: float, from_unit: str, to_unit: str, fmt: str) -> None:
    """Convert VALUE from FROM_UNIT to TO_UNIT.

    Pure unit conversion: 1 tce is 29.3076 GJ by definition. Converting a
    carrier to standard coal uses the tabulated GB/T 2589 coefficients
    instead (see `carbonacct factors show gbt2589-2020`).

    Example: carbonacct units convert 1 tce GJ
    """
    factor = fast_factor(from_unit, to_unit)
    if factor is None:
        import carbonacct

        factor = carbonacct.conversion_factor(from_unit, to_unit)
    result = value * factor
    if fmt == "table":
        click.echo(f"{result:.12g}")
        return
    emit_record({"value": value, "from": from_unit, "result": result, "to": to_unit}, fmt)
