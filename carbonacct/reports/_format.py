"""Numbers for people: rounded half up (四舍五入) at the precision shown.

Binary floats do not hold most decimals exactly (22 024.785 is stored as
22 024.78499999…), so Python's ``f"{x:.2f}"`` gives 22 024.78 where a person,
a verifier and the published record round to 22 024.79. A figure is rounded
from its shortest decimal text (``repr``), half away from zero, as GB/T 8170
rounds; machine formats keep every digit.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["half_up"]


def half_up(value: float, decimals: int, *, thousands: bool = False) -> str:
    """``value`` written with ``decimals`` decimals, rounded half up (away from zero on a tie).

    >>> half_up(22024.785, 2), half_up(2.675, 2), half_up(-0.0004, 3), half_up(1911.15, 1)
    ('22024.79', '2.68', '0.000', '1911.2')
    >>> half_up(909612.35, 1, thousands=True)
    '909,612.4'
    """
    if not math.isfinite(value):
        return str(value)
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # no negative zero
    return f"{exact:,.{decimals}f}" if thousands else f"{exact:.{decimals}f}"
