"""What a footprint computes (:class:`Method`) and how it runs (:class:`RunOptions`).

A :class:`Method` is the complete, frozen statement of the accounting choices
of a run: the result records it as its provenance, and the same record given
back reproduces the numbers. :class:`RunOptions` changes how a run executes
(engine, cluster, progress display, strictness) but never a number.

>>> from carbonacct.options import Method
>>> Method(period="month").period
'month'
>>> Method.preset("ets-reporting").grid_factor
'ets'
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from carbonacct.errors import InputError, OptionError

__all__ = ["PRESETS", "Method", "RunOptions", "split_old_options"]

_PERIODS = ("month", "quarter", "year")
_GRID_MODES = ("provincial", "regional", "national", "national_excl_market", "ets")
_CHOICES: dict[str, tuple[Any, ...]] = {
    "period": _PERIODS,
    "energy_basis": ("equivalent", "equal"),
    "gwp_set": (None, "SAR", "AR4", "AR5", "AR6"),
    "interval_label": ("start", "end", "auto"),
}


#: A location-based grid factor outside this range is a typo or another kind of factor
#: (the published provincial factors of 2021–2023 lie between 0.1 and 0.9 tCO2/MWh).
GRID_VALUE_RANGE = (0.0, 1.2)


def check_grid_value(value: Any) -> float:
    """A numeric grid factor [tCO2/MWh], refused when it cannot be a scope-2 grid factor."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionError(
            f"grid_factor={value!r} is not a mode or a number [tCO2/MWh].",
            option="grid_factor",
            value=value,
        )
    low, high = GRID_VALUE_RANGE
    if not low < float(value) <= high:
        raise OptionError(
            f"grid_factor={value!r} tCO2/MWh is not a plausible scope-2 grid factor "
            f"(expected {low}–{high}); operating-margin or footprint factors are not scope-2 "
            "factors.",
            option="grid_factor",
            value=value,
        )
    return float(value)


def _check_values(m: Method) -> None:
    """Flags are booleans, enthalpies and coal rates positive, the time zone a real one."""
    for name in ("include_media", "tce_from_ncv", "tce_from_measured_ncv", "check_duplicates"):
        if not isinstance(getattr(m, name), bool):
            raise OptionError(
                f"{name}={getattr(m, name)!r} must be True or False.",
                option=name,
                value=getattr(m, name),
            )
    positive = {
        "steam_enthalpy_kJ_per_kg": m.steam_enthalpy_kJ_per_kg,
        "electricity_equal_value_kgce_per_kWh": m.electricity_equal_value_kgce_per_kWh,
    }
    for name, value in positive.items():
        if value is not None and (not isinstance(value, (int, float)) or not value > 0):
            raise OptionError(
                f"{name}={value!r} must be a positive number.", option=name, value=value
            )
    fw = m.steam_feedwater_enthalpy_kJ_per_kg
    if fw is not None and (
        not isinstance(fw, (int, float))
        or fw < 0
        or (m.steam_enthalpy_kJ_per_kg or float("inf")) <= fw
    ):
        raise OptionError(
            f"steam_feedwater_enthalpy_kJ_per_kg={fw!r} must be 0 or more and below the steam "
            f"enthalpy ({m.steam_enthalpy_kJ_per_kg}).",
            option="steam_feedwater_enthalpy_kJ_per_kg",
            value=fw,
        )
    if not isinstance(m.rollover_fraction, (int, float)) or not 0 < m.rollover_fraction < 1:
        raise OptionError(
            f"rollover_fraction={m.rollover_fraction!r} must lie between 0 and 1.",
            option="rollover_fraction",
            value=m.rollover_fraction,
        )
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(m.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise OptionError(
            f"timezone={m.timezone!r} is not an IANA time zone name; use e.g. Asia/Shanghai.",
            option="timezone",
            value=m.timezone,
        ) from None


@dataclass(frozen=True, kw_only=True)
class Method:
    """What is computed: the accounting choices of a run, also its provenance record.

    Attributes
    ----------
    method : str
        The sector method (see :data:`carbonacct.methods.METHODS`).
    period : {'year', 'quarter', 'month'}
        Granularity of the results.
    energy_basis : {'equivalent', 'equal'}
        Electricity on the 当量值 (default) or 等价值 basis (GB/T 2589-2020, 3.x).
    electricity_equal_value_kgce_per_kWh : float, optional
        Coal rate of power supply for ``energy_basis='equal'`` [kgce/kWh].
    grid_factor : str or float
        ``provincial``, ``regional``, ``national``, ``national_excl_market``,
        ``ets``, or a value [tCO2/MWh].
    combustion_sets : tuple of str, optional
        Fuel parameter sets, in order of precedence (default ``gbt32151-2024``).
    gwp_set : {'SAR', 'AR4', 'AR5', 'AR6'}, optional
        Adds CH4 and N2O from combustion and ``co2e_t``.
    steam_enthalpy_kJ_per_kg, steam_feedwater_enthalpy_kJ_per_kg : float, optional
        Steam by mass becomes heat = t × (h − h_fw) / 1000 GJ [kJ/kg].
    include_media : bool
        Count energy-consuming media in ``energy_tce``.
    tce_from_ncv : bool
        A fuel without a tabulated GB/T 2589 coefficient gets NCV / 29.3076.
    tce_from_measured_ncv : bool
        Where a firm gives a measured NCV, the fuel's tce follows it
        (GB/T 2589-2020: fuels with a measured calorific value); ``False``
        keeps the tabulated coefficient, as some reporting programmes require.
    coal_types : tuple of (str, str), optional
        Declared coal types, e.g. ``(("raw_coal", "bituminous"),)``: the CO2
        of the first carrier is computed with the default parameters of the
        second, recorded in the factors used.
    check_duplicates : bool
        Reject repeated readings of one meter at one time. When off, register
        (cumulative) readings at one time are still compared, since they
        cannot be differenced otherwise.
    timezone : str
        Local time of the firms: naive timestamps are read in it and aware ones
        converted to it before periods are assigned.
    interval_label : {'start', 'end', 'auto'}
        Whether an interval reading is labelled by its start or its end.
    rollover_fraction : float
        A register that goes backwards is a rollover when the wrapped delta is
        at most this fraction of the counter's capacity.
    """

    method: str = "gbt32150"
    period: Literal["year", "quarter", "month"] = "year"
    energy_basis: Literal["equivalent", "equal"] = "equivalent"
    electricity_equal_value_kgce_per_kWh: float | None = None
    grid_factor: (
        Literal["provincial", "regional", "national", "national_excl_market", "ets"] | float
    ) = "provincial"
    combustion_sets: tuple[str, ...] | None = None
    gwp_set: Literal["SAR", "AR4", "AR5", "AR6"] | None = None
    steam_enthalpy_kJ_per_kg: float | None = None
    steam_feedwater_enthalpy_kJ_per_kg: float | None = None
    include_media: bool = False
    tce_from_ncv: bool = True
    tce_from_measured_ncv: bool = True
    coal_types: tuple[tuple[str, str], ...] = ()
    check_duplicates: bool = True
    timezone: str = "Asia/Shanghai"
    interval_label: Literal["start", "end", "auto"] = "auto"
    rollover_fraction: float = 0.1

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise OptionError(
                    f"{name}={getattr(self, name)!r} is not one of {allowed}.",
                    option=name,
                    value=getattr(self, name),
                )
        grid = self.grid_factor
        if isinstance(grid, str) and grid not in _GRID_MODES:
            try:
                grid = float(grid)
            except ValueError:
                raise OptionError(
                    f"grid_factor={grid!r} is not one of {_GRID_MODES} or a number [tCO2/MWh].",
                    option="grid_factor",
                    value=grid,
                ) from None
            object.__setattr__(self, "grid_factor", grid)
        if not isinstance(grid, str):
            object.__setattr__(self, "grid_factor", check_grid_value(grid))
        sets = self.combustion_sets
        if sets is not None:  # one set named as a string is one set, not its letters
            sets = (sets,) if isinstance(sets, str) else tuple(sets)
            object.__setattr__(self, "combustion_sets", sets or None)
        object.__setattr__(self, "coal_types", _coal_types(self.coal_types))
        _check_values(self)

    @property
    def needs_province(self) -> bool:
        """Whether the grid factor depends on each firm's province."""
        return self.grid_factor in ("provincial", "regional")

    @property
    def label(self) -> str:
        """One line naming the sector method chosen and its choices, for table titles."""
        from carbonacct.methods import get_method

        return get_method(self.method).label(self)

    def to_dict(self) -> dict[str, Any]:
        """The record of the method, as stored in a result's provenance.

        Beside the fields: the ``label``, and the ``document`` and ``clauses``
        of the sector method chosen.
        """
        from carbonacct.methods import get_method, method_record

        record = asdict(self)
        record["coal_types"] = dict(self.coal_types)
        return record | method_record(get_method(self.method), self)

    def replace(self, **changes: Any) -> Method:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def preset(cls, name: str) -> Method:
        """A named method from :data:`PRESETS`."""
        try:
            return PRESETS[name]
        except KeyError:
            raise OptionError(
                f"{name!r} is not a named method; see carbonacct.options.PRESETS "
                f"({', '.join(sorted(PRESETS))}).",
                option="preset",
                value=name,
            ) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Method:
        """Read a method from a TOML file: field names as keys, optionally ``preset = NAME``.

        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.toml"
        >>> _ = p.write_text('preset = "ets-reporting"\\nperiod = "month"\\n')
        >>> Method.from_toml(p).grid_factor, Method.from_toml(p).period
        ('ets', 'month')
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                f"{path}: not a readable TOML method file: {exc}", file=str(path)
            ) from None
        base = cls.preset(data.pop("preset")) if "preset" in data else cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(
                f"{path}: {', '.join(unknown)} not a Method field; known: {', '.join(sorted(known))}.",
                file=str(path),
                column=unknown[0],
            )
        if "combustion_sets" in data:
            data["combustion_sets"] = tuple(data["combustion_sets"])
        if "coal_types" in data:
            data["coal_types"] = tuple(dict(data["coal_types"]).items())
        return replace(base, **data)


def _coal_types(pairs: Any) -> tuple[tuple[str, str], ...]:
    """Declared coal types as carrier codes (原煤 → raw_coal, 烟煤 → bituminous_coal)."""
    from carbonacct.vocabulary import carrier_code

    def code(name: str) -> str:
        return carrier_code(name, strict=False) or name

    return tuple((code(a), code(b)) for a, b in dict(pairs).items())


#: Named methods.
PRESETS: dict[str, Method] = {
    "default": Method(),
    # the national carbon market's accounting uses the factor MEE publishes for it
    "ets-reporting": Method(grid_factor="ets"),
    "national-grid": Method(grid_factor="national"),
}


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How a run executes; never changes a number.

    Attributes
    ----------
    engine : {'streaming', 'in-memory', 'dask'}
    client : distributed.Client, optional
        The Dask client for ``engine='dask'``.
    checksum : bool
        Record the SHA-256 of the input files in the provenance.
    strict : bool
        Raise :class:`~carbonacct.errors.RejectedRowsError` on any rejected row, and
        :class:`~carbonacct.errors.InputError` on an input column that is not read but looks
        like a key (户号, 表号, point_id) or the reading kind (类型 of 累计 words): unread, it
        can change the figures.
    progress : callable, optional
        Called with the name of each phase as it starts.
    require_complete : bool
        Treat gaps in the readings (missing intervals or months) as a failure.
    encoding : str, optional
        Text encoding of CSV inputs (default: detected).
    sheet : str, optional
        Read only this sheet of Excel inputs (default: every sheet of readings).
    """

    engine: Literal["streaming", "in-memory", "dask"] = "streaming"
    client: Any = None
    checksum: bool = True
    strict: bool = False
    progress: Callable[[str], None] | None = None
    require_complete: bool = False
    encoding: str | None = None
    sheet: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ("streaming", "in-memory", "dask"):
            raise OptionError(
                f"engine={self.engine!r} is not one of ('streaming', 'in-memory', 'dask').",
                option="engine",
                value=self.engine,
            )

    def say(self, phase: str) -> None:
        """Report the start of a phase to :attr:`progress`, if any."""
        if self.progress is not None:
            self.progress(phase)


#: The keyword arguments of ``footprint`` before 0.3, and the field each became.
_OLD_METHOD = {
    "period": "period",
    "grid_factor": "grid_factor",
    "energy_basis": "energy_basis",
    "electricity_equal_value": "electricity_equal_value_kgce_per_kWh",
    "combustion_sets": "combustion_sets",
    "gwp_set": "gwp_set",
    "steam_enthalpy": "steam_enthalpy_kJ_per_kg",
    "steam_feedwater_enthalpy": "steam_feedwater_enthalpy_kJ_per_kg",
    "include_media": "include_media",
    "tce_from_ncv": "tce_from_ncv",
    "check_duplicates": "check_duplicates",
    "timezone": "timezone",
    "interval_label": "interval_label",
}
_OLD_RUN = (
    "strict",
    "engine",
    "checksum",
    "progress",
    "client",
    "encoding",
    "sheet",
    "require_complete",
)


def split_old_options(
    function: str, method: Method, run: RunOptions, old: Mapping[str, Any]
) -> tuple[Method, RunOptions]:
    """Fold the old keyword arguments of ``function`` into ``method`` and ``run``, with a warning.

    They keep working for one release (as polars' ``forward_old_opt_flags``).
    """
    if not old:
        return method, run
    unknown = sorted(set(old) - set(_OLD_METHOD) - set(_OLD_RUN))
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}")
    m = {_OLD_METHOD[k]: v for k, v in old.items() if k in _OLD_METHOD}
    r = {k: v for k, v in old.items() if k in _OLD_RUN}
    for given, defaults, new in ((method, Method(), m), (run, RunOptions(), r)):
        clash = [k for k in new if getattr(given, k) != getattr(defaults, k)]
        if clash:
            raise OptionError(
                f"{function}(): {clash[0]} is given both as an old keyword and in "
                f"{type(given).__name__}; give it once, in {type(given).__name__}.",
                option=clash[0],
                value=new[clash[0]],
            )
    if "combustion_sets" in m and m["combustion_sets"] is not None:
        m["combustion_sets"] = tuple(m["combustion_sets"])
    hints = [
        f"{name}={cls}({', '.join(f'{k}=…' for k in kw)})"
        for name, cls, kw in (("method", "Method", m), ("run", "RunOptions", r))
        if kw
    ]
    warnings.warn(
        f"{function}({', '.join(sorted(old))}=…) is deprecated and will be removed in the next "
        f"release: pass {' and '.join(hints)}.",
        DeprecationWarning,
        stacklevel=3,
    )
    return replace(method, **m), replace(run, **r)
