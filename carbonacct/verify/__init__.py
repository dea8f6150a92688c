"""Verifier mode: recompute reported figures the report's way, explain differences, check cited factors.

In verification work the arithmetic is rarely wrong; what goes wrong is which
factor applies, a mistyped factor, rounding, a unit slip or an export left in.
:func:`reconcile` recomputes each reported line with the published factors,
following the report's grid-factor mode, set, data year and rounding policy,
and where it differs tries the known causes one by one and says which one
reproduces the reported figure. :func:`find_factor` answers "which published
factor is 0.5810?", and :func:`check_factor` whether a factor is in the
publication it cites, and where.

Modules: :mod:`~carbonacct.verify.rounding` (policies as data),
:mod:`~carbonacct.verify.factor_check` (find and check factors),
:func:`reconcile` and :class:`Reconciliation` (the line-by-line reconciliation).
"""

from carbonacct.verify._reconcile import Reconciliation, reconcile
from carbonacct.verify.factor_check import FactorCheck, check_factor, find_factor
from carbonacct.verify.rounding import (
    RoundingPolicy,
    RoundingStep,
    read_rounding_policies,
    rounding_policies,
)

__all__ = [
    "FactorCheck",
    "Reconciliation",
    "RoundingPolicy",
    "RoundingStep",
    "check_factor",
    "find_factor",
    "read_rounding_policies",
    "reconcile",
    "rounding_policies",
]
