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

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from carbonacct._accounting import footprint, validate
from carbonacct.compliance import CheckResult, check
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
from carbonacct.options import Method, RunOptions
from carbonacct.pathways import required_value, sda_target
from carbonacct.quality import QualityReport
from carbonacct.results import Footprint
from carbonacct.units import Quantity, conversion_factor, convert, parse_unit, ureg
from carbonacct.verify import check_factor, find_factor, reconcile
from carbonacct.vocabulary import carrier_code, region_code

try:
    __version__ = _version("carbonacct")
except _PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

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
    "UnknownUnitError",
    "__version__",
    "carrier_code",
    "check",
    "check_factor",
    "combustion_factor",
    "conversion_factor",
    "convert",
    "default_library",
    "find_factor",
    "footprint",
    "parse_unit",
    "read_factor_set",
    "reconcile",
    "region_code",
    "required_value",
    "sda_target",
    "ureg",
    "validate",
]
