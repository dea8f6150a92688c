"""carbonacct: carbon and energy accounting for industrial enterprises.

Built on China's published rules: standard-coal energy (GB/T 2589-2020), CO2
accounting (GB/T 32150 / GB/T 32151.x), the MEE/NBS grid electricity factors.
Every factor traces to its document, table and year (see
:func:`default_library`), and every quantity carries a unit
(:data:`ureg`).

>>> import carbonacct
>>> round(carbonacct.convert(1, "tce", "GJ"), 4)
29.3076
"""

import typing as _typing
from importlib import import_module as _import_module

if _typing.TYPE_CHECKING:
    __version__: str
    from carbonacct._accounting import footprint, validate
    from carbonacct.compliance import CheckResult, check
    from carbonacct.data import check_data_file, pin_data_files, read_data_file, rehash_data_file
    from carbonacct.emissions import CO2_PER_C, CombustionFactor, combustion_factor
    from carbonacct.errors import (
        AmbiguousFactorError,
        CarbonacctError,
        ChecksumError,
        DimensionalityError,
        FactorFileError,
        FactorNotFoundError,
        InputError,
        OptionError,
        UnknownUnitError,
    )
    from carbonacct.factors import (
        PARAMETERS,
        Factor,
        FactorLibrary,
        FactorSet,
        Manifest,
        default_library,
        read_factor_set,
    )
    from carbonacct.io import read_result
    from carbonacct.options import Method, RunOptions
    from carbonacct.pathways import required_value, sda_target
    from carbonacct.quality import QualityReport
    from carbonacct.results import Footprint
    from carbonacct.sectors import SectorResult, account_record
    from carbonacct.units import Quantity, conversion_factor, convert, parse_unit, ureg
    from carbonacct.verify import check_factor, find_factor, reconcile  # type: ignore[no-redef]
    from carbonacct.vocabulary import carrier_code, region_code

#: Where each public name lives. Nothing below is imported until first used, so
#: ``import carbonacct`` (and ``carbonacct --help``) costs no pint registry, no polars.
_EXPORTS: dict[str, str] = {
    "AmbiguousFactorError": "carbonacct.errors",
    "CO2_PER_C": "carbonacct.emissions",
    "CarbonacctError": "carbonacct.errors",
    "CheckResult": "carbonacct.compliance",
    "ChecksumError": "carbonacct.errors",
    "CombustionFactor": "carbonacct.emissions",
    "DimensionalityError": "carbonacct.errors",
    "Factor": "carbonacct.factors",
    "FactorFileError": "carbonacct.errors",
    "FactorLibrary": "carbonacct.factors",
    "FactorNotFoundError": "carbonacct.errors",
    "FactorSet": "carbonacct.factors",
    "Footprint": "carbonacct.results",
    "InputError": "carbonacct.errors",
    "Manifest": "carbonacct.factors",
    "Method": "carbonacct.options",
    "OptionError": "carbonacct.errors",
    "PARAMETERS": "carbonacct.factors",
    "QualityReport": "carbonacct.quality",
    "Quantity": "carbonacct.units",
    "RunOptions": "carbonacct.options",
    "SectorResult": "carbonacct.sectors",
    "UnknownUnitError": "carbonacct.errors",
    "account_record": "carbonacct.sectors",
    "carrier_code": "carbonacct.vocabulary",
    "check": "carbonacct.compliance",
    "check_data_file": "carbonacct.data",
    "check_factor": "carbonacct.verify",
    "combustion_factor": "carbonacct.emissions",
    "conversion_factor": "carbonacct.units",
    "convert": "carbonacct.units",
    "default_library": "carbonacct.factors",
    "find_factor": "carbonacct.verify",
    "footprint": "carbonacct._accounting",
    "parse_unit": "carbonacct.units",
    "pin_data_files": "carbonacct.data",
    "read_data_file": "carbonacct.data",
    "read_factor_set": "carbonacct.factors",
    "read_result": "carbonacct.io",
    "rehash_data_file": "carbonacct.data",
    "reconcile": "carbonacct.verify",
    "region_code": "carbonacct.vocabulary",
    "required_value": "carbonacct.pathways",
    "sda_target": "carbonacct.pathways",
    "ureg": "carbonacct.units",
    "validate": "carbonacct._accounting",
}


def __getattr__(name: str) -> _typing.Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: _typing.Any = version("carbonacct")
        except PackageNotFoundError:  # running from a source tree that is not installed
            value = "0.0.0+unknown"
    elif name in _EXPORTS:
        value = getattr(_import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CO2_PER_C",
    "PARAMETERS",
    "AmbiguousFactorError",
    "CarbonacctError",
    "CheckResult",
    "ChecksumError",
    "CombustionFactor",
    "DimensionalityError",
    "Factor",
    "FactorFileError",
    "FactorLibrary",
    "FactorNotFoundError",
    "FactorSet",
    "Footprint",
    "InputError",
    "Manifest",
    "Method",
    "OptionError",
    "QualityReport",
    "Quantity",
    "RunOptions",
    "SectorResult",
    "UnknownUnitError",
    "__version__",
    "account_record",
    "carrier_code",
    "check",
    "check_data_file",
    "check_factor",
    "combustion_factor",
    "conversion_factor",
    "convert",
    "default_library",
    "find_factor",
    "footprint",
    "parse_unit",
    "pin_data_files",
    "read_data_file",
    "read_factor_set",
    "read_result",
    "reconcile",
    "region_code",
    "rehash_data_file",
    "required_value",
    "sda_target",
    "ureg",
    "validate",
]
