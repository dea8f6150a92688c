"""Names for the regulator's summary: GB/T 4754 industries, provinces, and the division code
of a unified social credit code.

A unified social credit code (GB 32100-2015) has 18 characters: the registering authority
(1), the organisation type (1), the **administrative division code** of the registering
authority (6, GB/T 2260), the organisation code (9) and a check character (1). Its division
digits give the province (first two) and the prefecture-level division (first four). The
province is filled when the firms table is read, so the check applies that province's
targets; the prefecture is named from the shipped list of prefecture-level divisions
(``vocabulary/gbt2260-prefectures``, secondary) where the firms table gives no city.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import polars as pl

from carbonacct._manifest import verified_data_path

__all__ = [
    "CITY_NOTE",
    "PROVINCE_NOTE",
    "USCC_CHARS",
    "credit_code_check_failure",
    "credit_code_refusal",
    "credit_code_warnings",
    "industry_names",
    "province_from_credit_code",
    "uscc_check_char",
    "with_places",
]

#: Characters of a unified social credit code (GB 32100-2015: digits and capitals without I O Z S V).
_USCC = r"^[0-9A-HJ-NPQRTUWXY]{2}(\d{6})[0-9A-HJ-NPQRTUWXY]{10}$"
CITY_NOTE = (
    "city named from the division code (digits 3-6) of the unified social credit code, "
    "by the prefecture list gbt2260-prefectures (NBS 统计用区划代码 2019, secondary)"
)
CITY_UNKNOWN = (
    "division code of the unified social credit code not in the shipped prefecture list "
    "(abolished before 2019-10-31 or changed after it): the code is shown; give a city column"
)
PROVINCE_NOTE = "unified social credit code (division digits 3-4)"
#: The characters of a unified social credit code (GB 32100-2015), in the order of their
#: values 0…30 (表1 of the standard).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CHARSET = frozenset(USCC_CHARS)
#: The weights of positions 1…17 (GB 32100-2015, 5.3): 3^(i-1) mod 31.
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
#: What is taken for a credit code: 16 to 20 letters and digits, digits 3-8 digits (an id
#: such as F-001 is none); one of other than 18 characters is refused for its length.
_LOOKS_LIKE = r"^[0-9A-Za-z]{2}\d{6}[0-9A-Za-z]{8,12}$"
#: The length of a unified social credit code (GB 32100-2015, 4).
USCC_LENGTH = 18


def _normal(code: str | None) -> str | None:
    """A code as GB 32100-2015 writes it (capitals), or None where it looks like no code."""
    import re

    if code is None or not re.fullmatch(_LOOKS_LIKE, code.strip()):
        return None
    return code.strip().upper()


def credit_code_refusal(code: str | None) -> str | None:
    """Why an 18-character code is no unified social credit code (its first character outside
    the GB 32100-2015 set), or None (a valid code, or no credit code at all).

    A code of valid characters whose check character is wrong is no refusal (its division
    digits are still read): see :func:`credit_code_check_failure`.

    Examples
    --------
    >>> credit_code_refusal("91320506MA1OXXXX0A")[:24]
    "'O' at position 12 is no"
    """
    code = _normal(code)
    if code is None:
        return None
    if len(code) != USCC_LENGTH:
        return f"it has {len(code)} characters where GB 32100-2015 gives {USCC_LENGTH}"
    for i, char in enumerate(code, start=1):
        if char not in _CHARSET:
            return (
                f"{char!r} at position {i} is not a character of a unified social credit code "
                "(GB 32100-2015: digits and capitals except I, O, Z, S, V)"
            )
    return None


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015, 5.3).

    Each of the first 17 characters has its value in ``0-9A-HJ-NPQRTUWXY`` (0…30) and the
    weight 3^(i) mod 31; the check value is 31 − (Σ mod 31), 31 written 0.

    Examples
    --------
    >>> uscc_check_char("91440300192203821")   # a published code: 914403001922038216
    '6'
    """
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def credit_code_check_failure(code: str | None) -> str | None:
    """Why a code of GB 32100-2015 characters fails its check (its 18th character is not the
    one the first 17 give), or None (it passes, is refused for a character, or is no code).

    Examples
    --------
    >>> credit_code_check_failure("914403001922038216") is None
    True
    >>> credit_code_check_failure("914403001922038217")
    "check character '7' is not the one GB 32100-2015 (5.3) gives, '6'"
    """
    code = _normal(code)
    if code is None or credit_code_refusal(code) is not None:
        return None
    want = uscc_check_char(code[:17])
    if code[17] == want:
        return None
    return f"check character {code[17]!r} is not the one GB 32100-2015 (5.3) gives, {want!r}"


def _code_column(frame: pl.DataFrame) -> str:
    return "credit_code" if "credit_code" in frame.columns else "firm_id"


def _refusals(frame: pl.DataFrame, rule: Any = None) -> pl.Expr:
    """Per firm, why its credit code was refused (null: valid, or no credit code); with
    ``rule`` :func:`credit_code_check_failure`, why it failed its check."""
    rule = rule or credit_code_refusal
    codes = frame[_code_column(frame)].cast(pl.String).unique().drop_nulls().to_list()
    why = {c: r for c in codes if (r := rule(c)) is not None}
    return pl.col(_code_column(frame)).cast(pl.String).replace_strict(why, default=None)


def credit_code_warnings(frame: pl.DataFrame) -> list[str]:
    """A warning per firm whose credit code is refused (no province or city is read from it)
    or fails its check (they are read, and the warning names the character expected)."""
    col = _code_column(frame)
    rows = frame.select(
        col,
        _refusals(frame).alias("_why"),
        _refusals(frame, credit_code_check_failure).alias("_check"),
    )
    refused = rows.filter(pl.col("_why").is_not_null()).select(col, "_why")
    failed = rows.filter(pl.col("_check").is_not_null()).select(col, "_check")
    return (
        _refused_warnings(refused.unique(maintain_order=True).rows())
        + _check_warnings(failed.unique(maintain_order=True).rows())
        + _lower_case(frame[col])
        + [
            f"firm {code}: province column {given} contradicts the credit code's division digits "
            f"{digits} (province {theirs}): {given} is kept and no city is taken from the code; "
            "correct the code or the province column"
            for code, given, digits, theirs in province_conflicts(frame)
        ]
    )


_PLURAL = ("firm's credit code is", "firms' credit codes are")


def _lower_case(codes: pl.Series) -> list[str]:
    """One warning for the credit codes written in lower case (they are read upper-cased)."""
    lower = [
        c
        for c in codes.cast(pl.String).drop_nulls().unique(maintain_order=True).to_list()
        if (n := _normal(c)) is not None and n != c.strip() and credit_code_refusal(c) is None
    ]
    if not lower:
        return []
    shown = ", ".join(lower[:_NAMED]) + (
        f" and {len(lower) - _NAMED} more" if len(lower) > _NAMED else ""
    )
    return [
        f"{len(lower)} {_PLURAL[len(lower) > 1]} in lower case ({shown}): read upper-cased, as "
        "GB 32100-2015 writes them (the firm_id is kept as given)"
    ]


#: Codes failing their check named one by one up to this many; more are one warning.
_NAMED = 5


def _refused_warnings(refused: list[tuple[str, str]]) -> list[str]:
    """A warning per refused code, or one for them all when there are many (each firm's
    ``city_source`` still says why its code was refused)."""
    then = (
        "no province or city is read from it (its status stands); correct the code or give "
        "province and city columns"
    )
    if len(refused) <= _NAMED:
        return [f"firm {code}: credit code refused, {why}: {then}" for code, why in refused]
    shown = "; ".join(f"{c} ({why})" for c, why in refused[:_NAMED])
    return [
        f"{len(refused)} firms' credit codes refused: {shown}; and {len(refused) - _NAMED} "
        f"more (each firm's city_source says why): for each, {then}"
    ]


def _check_warnings(failed: list[tuple[str, str]]) -> list[str]:
    """A warning per code failing its check, or one for them all when there are many (each
    firm's ``city_source`` still names the character expected)."""
    then = (
        "province and city are still read from the division digits (3-6); correct the code, "
        "or give province and city columns"
    )
    if len(failed) <= _NAMED:
        return [f"firm {code}: credit code fails its check, {why}: {then}" for code, why in failed]
    shown = ", ".join(
        f"{c} ({uscc_check_char(c.strip()[:17])!r} expected)" for c, _ in failed[:_NAMED]
    )
    return [
        f"{len(failed)} firms' credit codes fail their check (GB 32100-2015 5.3): {shown} and "
        f"{len(failed) - _NAMED} more (each firm's city_source names the character expected): "
        f"{then}"
    ]


#: Municipalities: their 市辖区 / 县 rows are named by the municipality.
_MUNICIPALITY_ROWS = ("市辖区", "县")


@cache
def industry_names() -> pl.DataFrame:
    """GB/T 4754-2017 sections and divisions of industry: ``code``, ``level``, ``section``,
    ``name_zh``.

    Examples
    --------
    >>> n = industry_names()
    >>> n.filter(pl.col("code") == "31")["name_zh"].item()
    '黑色金属冶炼和压延加工业'
    """
    return pl.read_csv(verified_data_path("vocabulary/gbt4754-2017.csv"), infer_schema=False)


def _sector_name() -> pl.Expr:
    """``C 制造业 / 30 非金属矿物制品业`` from a sector code (``3011``, ``C3011``, ``30``)."""
    return pl.format(
        "{} {} / {} {}",
        pl.col("_section"),
        pl.col("_section_name"),
        pl.col("_division"),
        pl.col("_division_name"),
    )


def _division(frame: pl.DataFrame) -> pl.Expr:
    """The six division digits of a credit code, in a ``credit_code`` column or the firm_id."""
    col = _code_column(frame)
    return pl.col(col).cast(pl.String).str.strip_chars().str.to_uppercase().str.extract(_USCC, 1)


def province_from_credit_code(firm_table: pl.DataFrame) -> pl.DataFrame:
    """Fill ``province`` from the credit code's division digits where the firms table gives
    none, and say where each province came from (``province_source``).

    Examples
    --------
    >>> f = pl.DataFrame({"firm_id": ["91320506MA1XXXXX0A"], "province": [None]},
    ...                  schema={"firm_id": pl.String, "province": pl.String})
    >>> province_from_credit_code(f).row(0)
    ('91320506MA1XXXXX0A', 'CN-JS', 'unified social credit code (division digits 3-4)')
    """
    out = _code_province(firm_table)
    given = pl.col("province").is_not_null()
    return out.with_columns(
        pl.coalesce("province", "_p").alias("province"),
        pl.when(given)
        .then(pl.lit("firms table"))
        .when(pl.col("_p").is_not_null())
        .then(pl.lit(PROVINCE_NOTE))
        .alias("province_source"),
    ).drop("_prov2", "_p")


def _code_province(firm_table: pl.DataFrame) -> pl.DataFrame:
    """Add ``_prov2`` (division digits 3-4 of the credit code) and ``_p`` (its region code)."""
    from carbonacct.vocabulary import regions

    provinces = (
        regions()
        .filter(pl.col("gb2260").is_not_null() & pl.col("parent").is_null())
        .select(pl.col("gb2260").str.slice(0, 2).alias("_prov2"), pl.col("code").alias("_p"))
        .unique("_prov2")
    )
    return firm_table.with_columns(_division(firm_table).str.slice(0, 2).alias("_prov2")).join(
        provinces, on="_prov2", how="left"
    )


def _contradicts() -> pl.Expr:
    """The firms table's province is not the one the credit code's digits 3-4 give."""
    return (
        pl.col("province").is_not_null()
        & pl.col("_p").is_not_null()
        & (pl.col("province") != pl.col("_p"))
    )


def province_conflicts(frame: pl.DataFrame) -> list[tuple[str, str, str, str]]:
    """Firms whose province column contradicts their credit code: (code, province given,
    the code's division digits 3-6, the province they give)."""
    if "province" not in frame.columns:
        return []
    col = _code_column(frame)
    rows = _code_province(frame).filter(_contradicts())
    return (
        rows.select(
            pl.col(col).cast(pl.String),
            "province",
            _division(rows).str.slice(0, 4).alias("_digits"),
            "_p",
        )
        .unique(maintain_order=True)
        .rows()
    )


@cache
def prefectures() -> pl.DataFrame:
    """Prefecture-level divisions: ``code`` (six digits), ``name_zh``, ``province_gb2260``.

    Examples
    --------
    >>> p = prefectures()
    >>> p.filter(pl.col("code") == "320500")["name_zh"].item()
    '苏州市'
    """
    return pl.read_csv(verified_data_path("vocabulary/gbt2260-prefectures.csv"), infer_schema=False)


def _city_names() -> pl.DataFrame:
    """``city_code`` → the prefecture's name (a municipality's 市辖区 / 县 by the municipality)."""
    from carbonacct.vocabulary import regions

    names = regions().select(
        pl.col("gb2260").alias("province_gb2260"), pl.col("name_zh").alias("_m")
    )
    return (
        prefectures()
        .join(names.unique("province_gb2260"), on="province_gb2260", how="left")
        .select(
            pl.col("code").alias("city_code"),
            pl.when(pl.col("name_zh").is_in(_MUNICIPALITY_ROWS))
            .then(pl.col("_m"))
            .otherwise(pl.col("name_zh"))
            .alias("_city_name"),
        )
    )


def with_places(firm_table: pl.DataFrame) -> pl.DataFrame:
    """Add ``sector_name``, ``province`` (from the credit code where none was given),
    ``province_source``, ``city`` (named from the credit code where none was given),
    ``city_code`` and ``city_source`` to the per-firm table."""
    names = industry_names()
    divisions = names.filter(pl.col("level") == "division").select(
        pl.col("code").alias("_division"),
        pl.col("section").alias("_section"),
        pl.col("name_zh").alias("_division_name"),
    )
    sections = names.filter(pl.col("level") == "section").select(
        pl.col("code").alias("_section"), pl.col("name_zh").alias("_section_name")
    )
    if "province_source" not in firm_table.columns:
        firm_table = province_from_credit_code(firm_table)
    firm_table = _code_province(firm_table).with_columns(
        _contradicts().fill_null(False).alias("_conflict")
    )
    code = pl.when(~pl.col("_conflict")).then(_division(firm_table))
    firm_table = firm_table.with_columns(
        _refusals(firm_table).alias("_refused"),
        _refusals(firm_table, credit_code_check_failure).alias("_failed"),
    )
    out = (
        firm_table.with_columns(
            pl.col("sector").cast(pl.String).str.slice(0, 2).alias("_division"),
            pl.when(code.is_not_null())
            .then(pl.concat_str(code.str.slice(0, 4), pl.lit("00")))
            .alias("city_code"),
        )
        .join(divisions, on="_division", how="left")
        .join(sections, on="_section", how="left")
        .join(_city_names(), on="city_code", how="left")
    )
    given = pl.col("city").is_not_null()
    return out.with_columns(
        pl.when(pl.col("_division_name").is_not_null())
        .then(_sector_name())
        .otherwise(pl.col("sector"))
        .alias("sector_name"),
        pl.coalesce("city", "_city_name").alias("city"),
        pl.when(given)
        .then(pl.lit("firms table"))
        .when(pl.col("_refused").is_not_null())
        .then(
            pl.format(
                "credit code refused, {}: no city read from it; give a city column", "_refused"
            )
        )
        .when(pl.col("_conflict"))
        .then(
            pl.format(
                "the province column ({}) contradicts the credit code's division digits "
                "(province {}): no city read from the code; give a city column",
                "province",
                "_p",
            )
        )
        .when(pl.col("_city_name").is_not_null())
        .then(_checked(pl.lit(CITY_NOTE)))
        .when(pl.col("city_code").is_not_null())
        .then(_checked(pl.lit(CITY_UNKNOWN)))
        .alias("city_source"),
    ).drop(
        "_division",
        "_section",
        "_division_name",
        "_section_name",
        "_city_name",
        "_refused",
        "_failed",
        "_conflict",
        "_prov2",
        "_p",
    )


def _checked(note: pl.Expr) -> pl.Expr:
    """A city note, and that the credit code failed its check where it did."""
    failed = pl.format("{}; the credit code failed its check ({})", note, pl.col("_failed"))
    return pl.when(pl.col("_failed").is_not_null()).then(failed).otherwise(note)
