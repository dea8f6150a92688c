"""`carbonacct units`: convert between units, Chinese unit words included."""

from __future__ import annotations

import click

import carbonacct

from ._output import emit_record, format_option


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
    result = carbonacct.convert(value, from_unit, to_unit)
    if fmt == "table":
        click.echo(f"{result:.12g}")
        return
    emit_record({"value": value, "from": from_unit, "result": result, "to": to_unit}, fmt)
