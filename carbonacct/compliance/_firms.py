"""The check's firms table, read so that a bad row fails only its own firm.

A province that names no region or several (``苏``), a sector that is no GB/T 4754-2017
code, or a firm given twice: that firm is ``invalid_input`` with the file, row, column and
reason, and every other firm is checked. (The footprint's own reader stops at such a row;
the check reads the table first and hands the footprint the rows it can use.)

Sector codes are normalised before they are read: full-width characters (``Ｃ３０１１``) by
Unicode NFKC, spaces removed, the section letter upper-cased. A GB/T 4754-2017 code is an
optional section letter and a division (2 digits), group (3) or class (4) code; the standard
has 97 divisions numbered 01-97 (20 sections A-T; NBS, as restated by the Jiangsu statistics
bureau). A section letter of a shipped section (B, C, D, whose divisions are all shipped)
must be the section of its division (``C7010`` is refused: 70 is not in section C).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import polars as pl

from carbonacct.errors import CarbonacctError
from carbonacct.io import TableLike, read_side_table

#: Divisions (大类) of GB/T 4754-2017 are numbered 01-97.
LAST_DIVISION = 97
_CODE = r"^([A-T]?)(\d{2}|\d{3}|\d{4})$"


def normalise_sector(value: Any) -> str | None:
    """A sector cell as its code: NFKC (full-width to ASCII), no spaces, letter upper-cased.

    Examples
    --------
    >>> normalise_sector("Ｃ３０１１"), normalise_sector(" C 3011"), normalise_sector(3011.0)
    ('C3011', 'C3011', '3011')
    """
    if value is None:
        return None
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    text = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def sector_problem(code: str, sections: dict[str, str]) -> str | None:
    """Why a normalised code is no GB/T 4754-2017 code (None when it is one).

    ``sections`` maps each shipped division to its section letter."""
    import re

    m = re.match(_CODE, code)
    if m is None:
        return (
            "is not a GB/T 4754-2017 code (an optional section letter and 2, 3 or 4 digits: "
            "C3011, 3011, C30)"
        )
    letter, digits = m.groups()
    division = int(digits[:2])
    if not 1 <= division <= LAST_DIVISION:
        return f"is not a GB/T 4754-2017 code: its division {digits[:2]} is not one of 01-97"
    shipped = set(sections.values())
    if letter and letter in shipped and sections.get(digits[:2]) != letter:
        return (
            f"is not a GB/T 4754-2017 code: division {digits[:2]} is not in section {letter}; "
            "give the code without its letter or with the right one"
        )
    return None


def _division_sections() -> dict[str, str]:
    from carbonacct.compliance._places import industry_names

    names = industry_names().filter(pl.col("level") == "division")
    return dict(names.select("code", "section").iter_rows())


def _province(value: Any) -> tuple[str | None, str | None]:
    from carbonacct.vocabulary import region_code

    if value in (None, ""):
        return None, None
    try:
        return region_code(value), None
    except CarbonacctError as exc:
        return None, str(exc)


def read_firms_rows(firms: TableLike) -> tuple[pl.DataFrame, Any]:
    """``firm_id``, ``name``, ``province`` (region code), ``city``, ``sector`` (its digits) per
    firm, once each, with ``_invalid``: why the firm's row is refused (null when it is not)."""
    frame, src = read_side_table(firms, ("firm_id",), "the firms table")
    for col in ("name", "province", "city", "sector"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    sections = _division_sections()
    rows, codes, whys = frame["row"].to_list(), [], []
    for row, province, sector in zip(
        rows, frame["province"].to_list(), frame["sector"].to_list(), strict=True
    ):
        code, why = _province(province)
        where = f"{src.name}, row {row}"
        reason = f"{where}, column 'province': {why}" if why else None
        sector_code = normalise_sector(sector)
        problem = sector_problem(sector_code, sections) if sector_code else None
        if problem and reason is None:
            reason = (
                f"{where}, column 'sector': {sector!r} {problem}; no sector pathway or level "
                "can apply to this firm until it is corrected"
            )
        digits = (
            None if problem or sector_code is None else sector_code.lstrip("ABCDEFGHIJKLMNOPQRST")
        )
        codes.append((code, digits))
        whys.append(reason)
    frame = frame.with_columns(
        pl.col("firm_id").cast(pl.String).str.strip_chars(),
        pl.Series("province", [c[0] for c in codes], dtype=pl.String),
        pl.Series("sector", [c[1] for c in codes], dtype=pl.String),
        pl.Series("_invalid", whys, dtype=pl.String),
        pl.lit(src.name).alias("_source"),
    )
    return _once(frame, src.name), src


def _once(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Each firm once: a firm_id given in several rows keeps its first row, refused with the
    rows it is repeated in (which row is right cannot be told)."""
    repeated = (
        frame.filter(pl.col("firm_id").is_duplicated())
        .group_by("firm_id")
        .agg(pl.col("row").sort().cast(pl.String).str.join(", ").alias("_rows"))
    )
    note = pl.format(
        "{}, rows {}, column 'firm_id': {} is given more than once, so which row holds its "
        "sector and province cannot be told: give each firm once",
        pl.lit(name),
        "_rows",
        "firm_id",
    )
    return (
        frame.unique("firm_id", keep="first", maintain_order=True)
        .join(repeated, on="firm_id", how="left")
        .with_columns(
            pl.when(pl.col("_rows").is_not_null())
            .then(note)
            .otherwise(pl.col("_invalid"))
            .alias("_invalid")
        )
        .drop("_rows")
    )
