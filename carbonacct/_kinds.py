"""The reading kind: the words that say whether a value is an interval amount or a meter
register (a cumulative reading whose differences are the amounts), and the test that tells a
column holding them under a header the mapping does not accept.

Register words are the terms Chinese plants write for a cumulative meter reading: 累计/累积
(cumulative), 表底 and 底码 (the register's base reading), 表码 and 示数 (the figure the
register shows), 起码 and 止码 (the start and end readings of a billing period). Each names a
register reading and nothing else in the vocabulary (no carrier, unit, flow or use is spelt
so), so a row of any of them is read as a register.
"""

from __future__ import annotations

import polars as pl

from carbonacct.vocabulary import _fold

__all__ = ["KIND", "KIND_SHARE", "kind_share", "kind_words"]

#: Accepted kind words (folded case) and the kind each means.
KIND: dict[str, str] = {
    "interval": "interval",
    "间隔": "interval",
    "register": "register",
    "cumulative": "register",
    "累计": "register",
    "累积": "register",
    "表底": "register",
    "底码": "register",
    "表码": "register",
    "示数": "register",
    "起码": "register",
    "止码": "register",
}

#: Share of a column's sampled values that must be kind words for it to look like the kind.
KIND_SHARE = 0.5


def kind_words() -> str:
    """The accepted words, for messages: ``interval words …; register words …``."""
    by_kind = {k: "/".join(w for w, v in KIND.items() if v == k) for k in ("interval", "register")}
    return f"interval: {by_kind['interval']}; register: {by_kind['register']}"


def kind_share(values: pl.Series, carrier_words: set[str]) -> tuple[float, list[str]]:
    """(share of the non-empty values that are kind words, the other words sorted) of a
    column's sample; 0 when any value is a carrier name (a column of energy types that
    happens to hold 累计 is not the reading kind)."""
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase().drop_nulls()
    text = text.filter(text.str.len_bytes() > 0)
    if text.len() == 0:
        return 0.0, []
    known = text.is_in(list(KIND))
    others = sorted(set(text.filter(~known).to_list()))
    if any(_fold(w) in carrier_words for w in others):
        return 0.0, others
    return int(known.sum()) / known.len(), others
