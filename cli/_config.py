"""The project file ``carbonacct.toml``: the options a firm repeats on every run.

Read from the working directory, or from ``carbonacct --config PATH``; the
options of every command default from it (an option given on the command line
wins), and the provenance of what the run writes records the file and its
SHA-256. Paths are relative to the file::

    [inputs]
    firms = "firms.csv"
    activity = "activity.csv"

    [method]                      # carbonacct.Method fields
    steam_enthalpy_kJ_per_kg = 2780
    grid_factor = "provincial"
    coal_types = { "原煤" = "烟煤" }

    [check]
    price_basis = "constant:2020"
    pathways = ["cn-industry-2025"]
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

__all__ = ["FILE", "load", "method_extras", "stamp"]

FILE = "carbonacct.toml"
_INPUTS = ("firms", "activity", "fuel_parameters", "green_electricity", "deflator", "actuals")
_CHECK = ("price_basis", "pathways", "year")
#: Method field -> the command-line option that sets it, where the names differ.
_OPTION_OF = {
    "steam_enthalpy_kJ_per_kg": "steam_enthalpy",
    "steam_feedwater_enthalpy_kJ_per_kg": "steam_feedwater_enthalpy",
    "combustion_sets": "factor_sets",
    "electricity_equal_value_kgce_per_kWh": "electricity_equal_value",
}
#: Method fields with an option of the same name.
_SAME = ("period", "grid_factor", "energy_basis", "gwp_set", "include_media", "timezone")
_SAME += ("interval_label",)
_META = "carbonacct.config"


def _error(path: Path, what: str) -> click.ClickException:
    """A broken project file: an input error (exit 1), one line, no usage banner."""
    return click.ClickException(f"{path}: {what}; see `carbonacct --help` for the project file.")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise _error(path, f"not a readable TOML file ({exc})") from None
    unknown = sorted(set(data) - {"inputs", "method", "check"})
    if unknown:
        raise _error(path, f"unknown section(s) {unknown}; use [inputs], [method], [check]")
    return data


def _defaults(path: Path, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Option defaults, and the Method fields no option sets (applied by the commands)."""
    import carbonacct

    inputs, method, check = (dict(data.get(k, {})) for k in ("inputs", "method", "check"))
    for section, known in (("inputs", _INPUTS), ("check", _CHECK)):
        extra = sorted(set(data.get(section, {})) - set(known))
        if extra:
            raise _error(path, f"[{section}] {extra} not known; known: {', '.join(known)}")
    names = {f.name for f in fields(carbonacct.Method)} - {"label"}
    extra = sorted(set(method) - names)
    if extra:
        raise _error(path, f"[method] {extra} not Method fields; known: {', '.join(sorted(names))}")
    try:  # refused values are refused here, naming the file
        carbonacct.Method(**{k: tuple(v) if isinstance(v, list) else v for k, v in method.items()})
    except (TypeError, ValueError) as exc:
        raise _error(path, f"[method] {exc}") from None
    defaults: dict[str, Any] = {
        k: str((path.parent / v).resolve()) if isinstance(v, str) else v for k, v in inputs.items()
    }
    defaults |= {k: tuple(v) if isinstance(v, list) else v for k, v in check.items()}
    extras = {}
    for key, value in method.items():
        if key in _OPTION_OF or key in _SAME:
            defaults[_OPTION_OF.get(key, key)] = tuple(value) if isinstance(value, list) else value
        else:
            extras[key] = value
    return defaults, extras


def load(ctx: click.Context, path: str | None, commands: list[str]) -> None:
    """Read the project file (``path``, else ``./carbonacct.toml``) into the commands' defaults."""
    file = Path(path) if path else Path.cwd() / FILE
    if not file.is_file():
        if path:
            raise _error(file, "no such file")
        return
    defaults, extras = _defaults(file, _read(file))
    ctx.default_map = {name: dict(defaults) for name in commands}
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    ctx.meta[_META] = {"path": str(file.resolve()), "sha256": digest, "method": extras}


def method_extras() -> dict[str, Any]:
    """Method fields the project file sets that no option of the command sets (coal_types...)."""
    ctx = click.get_current_context(silent=True)
    record = ctx.meta.get(_META) if ctx is not None else None
    if not record:
        return {}
    out = dict(record["method"])
    if "coal_types" in out:
        out["coal_types"] = tuple(dict(out["coal_types"]).items())
    if "combustion_sets" in out:
        out["combustion_sets"] = tuple(out["combustion_sets"])
    return out


def stamp(provenance: Any) -> Any:
    """Record in ``provenance`` (a mapping) the project file the run's options came from."""
    ctx = click.get_current_context(silent=True)
    record = ctx.meta.get(_META) if ctx is not None else None
    if record and isinstance(provenance, dict):
        provenance["config"] = {"path": record["path"], "sha256": record["sha256"]}
    return provenance
