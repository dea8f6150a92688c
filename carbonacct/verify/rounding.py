"""Rounding policies: which quantities of a line are rounded, to how many decimals, by which rule.

A recomputed figure differs from a reported one by a fraction of a tonne when
the reporter rounded an intermediate parameter (the received-basis carbon
content shown to two decimals and used rounded) or the line itself. A policy
is data: an ordered list of steps, each naming a quantity of the line's
computation chain, its decimals and its rule (``half_up`` as Chinese reporting
rounds, or ``half_even``). The arithmetic is :class:`decimal.Decimal`, never
float ``round()`` (which rounds 2.675 to 2.67).

The computation chain of a line, in order (:data:`QUANTITIES`)::

    activity          AD in the factor's unit (t, 10^4 Nm3, MWh, GJ)
    ncv               net calorific value [GJ/unit]              (fuels)
    carbon_content    carbon per unit heat [tC/GJ]                (fuels)
    carbon_content_ar received-basis carbon, NCV × CC [tC/unit]  (fuels)
    emission_factor   tCO2 per unit of activity
    co2_t             the line's emission [tCO2]
    total_t           a total line: the sum of the firm's lines for the year [tCO2]

So "round each line, then sum" rounds ``co2_t`` and ``total_t``; "sum, then
round" rounds ``total_t`` only.

Shipped policies are in ``factors/rounding/policies.toml``; users add their
own in a TOML file of the same form (:func:`read_rounding_policies`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from carbonacct._manifest import pinned_path
from carbonacct.errors import InputError

__all__ = [
    "QUANTITIES",
    "RULES",
    "RoundingPolicy",
    "RoundingStep",
    "read_rounding_policies",
    "rounding_policies",
]

QUANTITIES: tuple[str, ...] = (
    "activity",
    "ncv",
    "carbon_content",
    "carbon_content_ar",
    "emission_factor",
    "co2_t",
    "total_t",
)
RULES: dict[str, str] = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


@dataclass(frozen=True)
class RoundingStep:
    """Round ``quantity`` to ``decimals`` places by ``rule`` when it is computed."""

    quantity: str
    decimals: int
    rule: str = "half_up"

    def apply(self, value: Decimal) -> Decimal:
        """The value rounded.

        Examples
        --------
        >>> RoundingStep("co2_t", 2).apply(Decimal("2.675")), RoundingStep("co2_t", 2, "half_even").apply(Decimal("2.665"))
        (Decimal('2.68'), Decimal('2.66'))
        """
        return value.quantize(Decimal(1).scaleb(-self.decimals), rounding=RULES[self.rule])


@dataclass(frozen=True)
class RoundingPolicy:
    """A named rounding policy, with where it comes from.

    ``origin`` is ``shipped`` or the user file it was read from; ``grade`` is
    the policy's standing (``convention`` for a presentation habit, or the
    grade of its source; ``user`` for a user file's policy without one).
    """

    id: str
    description: str
    steps: tuple[RoundingStep, ...] = ()
    source: str = ""
    grade: str = "user"
    origin: str = "shipped"
    by_quantity: Mapping[str, RoundingStep] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_quantity", {s.quantity: s for s in self.steps})

    def round(self, quantity: str, value: Decimal) -> Decimal:
        """``value`` rounded if this policy rounds ``quantity``, else unchanged."""
        step = self.by_quantity.get(quantity)
        return step.apply(value) if step else value

    def describe(self) -> str:
        """One line: id, steps and source, e.g. for an explanation or a provenance record."""
        steps = ", ".join(f"{s.quantity} {s.decimals} dp {s.rule}" for s in self.steps) or "none"
        return (
            f"{self.id} ({self.description}; rounds {steps}; source: {self.source or self.origin})"
        )

    def record(self) -> dict[str, Any]:
        """The policy as a flat record for provenance."""
        return {
            "id": self.id,
            "description": self.description,
            "steps": [s.__dict__ for s in self.steps],
            "source": self.source,
            "grade": self.grade,
            "origin": self.origin,
        }


def _bad(where: str, what: str) -> InputError:
    return InputError(
        f"{where}: {what}. A policy is [[policy]] with id, description and steps = "
        f"[{{quantity, decimals, rule}}, ...] in the order {list(QUANTITIES)}; rules {sorted(RULES)}.",
        file=where.split(",")[0],
        row=None,
        column=None,
    )


def _step(raw: Any, where: str) -> RoundingStep:
    if not isinstance(raw, Mapping):
        raise _bad(where, f"a step is not a table: {raw!r}")
    quantity, decimals, rule = raw.get("quantity"), raw.get("decimals"), raw.get("rule", "half_up")
    if quantity not in QUANTITIES:
        raise _bad(where, f"quantity {quantity!r} is not one of the computation chain")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise _bad(where, f"decimals {decimals!r} of {quantity} is not an integer 0–12")
    if rule not in RULES:
        raise _bad(where, f"rule {rule!r} of {quantity} is not known")
    return RoundingStep(quantity, decimals, rule)


def _policy(raw: Any, where: str, origin: str) -> RoundingPolicy:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise _bad(where, "a policy has no id")
    where = f"{where}, policy {raw['id']!r}"
    steps = tuple(_step(s, where) for s in raw.get("steps", []))
    order = [QUANTITIES.index(s.quantity) for s in steps]
    if order != sorted(set(order)):
        # rounding happens as each quantity is computed: a step out of order or repeated is a mistake
        raise _bad(where, f"steps {[s.quantity for s in steps]} are repeated or out of order")
    return RoundingPolicy(
        id=raw["id"],
        description=str(raw.get("description", "")),
        steps=steps,
        source=str(raw.get("source", "")),
        grade=str(raw.get("grade", "user")),
        origin=origin,
    )


def _parse(text: str, where: str, origin: str) -> dict[str, RoundingPolicy]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(where, f"not valid TOML ({exc})") from None
    policies = [_policy(p, where, origin) for p in raw.get("policy", [])]
    if not policies:
        raise _bad(where, "no [[policy]] table")
    out: dict[str, RoundingPolicy] = {}
    for p in policies:
        if p.id in out:
            raise _bad(where, f"policy {p.id!r} is defined twice")
        out[p.id] = p
    return out


@cache
def rounding_policies() -> dict[str, RoundingPolicy]:
    """The shipped rounding policies (id → policy), from ``factors/rounding/policies.toml``.

    Examples
    --------
    >>> rounding_policies()["line_0.01t"].steps
    (RoundingStep(quantity='co2_t', decimals=2, rule='half_up'),)
    """
    path = pinned_path("rounding/policies.toml")  # refused if it differs from the pinned table
    return _parse(path.read_text(encoding="utf-8"), "policies.toml", "shipped")


def read_rounding_policies(path: str | Path) -> dict[str, RoundingPolicy]:
    """The policies of a user TOML file, in the shipped file's form.

    A user policy may not take a shipped policy's id (the result would be ambiguous).

    Raises
    ------
    InputError
        The file is missing, is not TOML, or a policy is malformed (named, with what to fix).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{p}: cannot read the rounding file ({exc}).", file=str(p), row=None, column=None
        ) from None
    user = _parse(text, str(p), str(p))
    clash = sorted(set(user) & set(rounding_policies()))
    if clash:
        raise _bad(str(p), f"policy id(s) {clash} are shipped policies; choose other ids")
    return user
