"""Sector methods on monthly records: steel, cement, aluminium, chemicals, carbon materials.

A monthly record (one row per month, process, material and parameter, or a
column per parameter) is accounted by a sector guideline's own formulas
(:mod:`carbonacct.sectors.methods`), with every parameter resolved from the
record, the user's materials declaration, or the method's named default set,
never a silent default.
"""

from __future__ import annotations

from carbonacct.sectors._engine import account_record
from carbonacct.sectors._protocol import (
    CATEGORIES,
    PARAMETERS,
    Category,
    Parameter,
    ParameterSet,
    RecordMethod,
    RecordOptions,
)
from carbonacct.sectors._record import read_record
from carbonacct.sectors._result import SectorResult
from carbonacct.sectors.methods import get_record_method, record_methods

__all__ = [
    "CATEGORIES",
    "PARAMETERS",
    "Category",
    "Parameter",
    "ParameterSet",
    "RecordMethod",
    "RecordOptions",
    "SectorResult",
    "account_record",
    "get_record_method",
    "read_record",
    "record_methods",
]
