"""What a citation points at: shipped sets, the rows of a set that cite one document, or an
ETS guideline carbonacct knows of but ships no values from.

Recognised: a set id, a shipped set's document or title, an announcement number
(``公告2024年第33号``, ``2024 No. 33``), a standard number (``GB/T 32151.34-2024``), a
document number cited by a set's rows (``环办气候〔2021〕9号`` in any bracket style) or a
guideline named by them (``发电设施``), and the MEE sector guidelines of the national ETS
(cement, aluminium, steel: ``CETS—AG—02.01—V01—2024`` ...), whose default tables are not
shipped (see the reference notes, sector-methods-2026 §2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from carbonacct.factors import FactorLibrary

__all__ = ["ETS_GUIDELINES", "Claim", "claimed"]

#: MEE ETS documents recognised as citations although no values are shipped from them:
#: (identifier, title, words that name it together with 指南 / guideline).
ETS_GUIDELINES = (
    ("CETS-AG-02.01-V01-2024", "企业温室气体排放核算与报告指南 水泥行业", ("水泥", "cement")),
    ("CETS-AG-04.01-V01-2024", "企业温室气体排放核算与报告指南 铝冶炼行业", ("铝冶炼", "电解铝", "alumin")),
    ("CETS-AG-03.01-V01-2024", "企业温室气体排放核算与报告指南 钢铁行业", ("钢铁", "steel")),
    ("环办气候函〔2023〕332号", "2023–2025 填报说明 (水泥熟料生产, 钢铁生产)", ("填报说明",)),
)  # fmt: skip

_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{2,8})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d+)\s*号"
)
_GUIDELINE = re.compile(r"指南\s*([\u4e00-\u9fff]{2,8})")


@dataclass
class Claim:
    """The sets a citation names; ``sources`` narrows them to rows citing one document."""

    sets: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    guideline: str | None = None
    rest: str = ""


def _norm(text: str) -> str:
    return re.sub(r"[—–－]", "-", re.sub(r"[\s《》<>\"'“”()（）]+", "", text)).lower()


def _doc_numbers(text: str) -> set[str]:
    """Document numbers in a text, in one bracket style: 环办气候〔2021〕9号."""
    return {f"{a}〔{y}〕{int(n)}号" for a, y, n in _DOC_NUMBER.findall(text)}


def _dashes(text: str) -> str:
    return re.sub(r"[—–－‐-]+", "-", text).upper()


def _row_sources(claim: str, lib: FactorLibrary) -> tuple[list[str], list[str]]:
    """Sets and row sources that cite the document number or guideline the claim names."""
    numbers, sets, sources = _doc_numbers(claim), [], []
    for sid in lib.sets:
        frame = lib.get(sid).data
        if "source" not in frame.columns:
            continue
        for src in frame["source"].drop_nulls().unique().sort():
            names = {g for g in _GUIDELINE.findall(src) if g in claim}
            head = _norm(re.split(r"\s[(（]", src)[0])  # a notice's title before " (2022)"
            if numbers & _doc_numbers(src) or names or (len(head) >= 8 and head in _norm(claim)):
                sets.append(sid)
                sources.append(src)
    return list(dict.fromkeys(sets)), sources


def _own_document(claim: str, sets: list[str], lib: FactorLibrary) -> list[str]:
    """The row sources of ``sets`` whose own document the claim names, when a set's combined
    title stands for several publications (2024年全国电力碳足迹因子 is not the CPCD 2023 row)."""
    folded, out = _norm(claim), []
    for sid in sets:
        frame = lib.get(sid).data
        if "source" not in frame.columns:
            continue
        srcs = frame["source"].drop_nulls().unique().sort().to_list()
        named = [
            src
            for src in srcs
            if any(len(n) >= 8 and n in folded for n in map(_norm, re.split(r"[()（）]", src)))
        ]
        if 0 < len(named) < len(srcs):
            out += named
    return out


def _guideline(claim: str) -> str | None:
    folded = _dashes(claim)
    for ident, title, words in ETS_GUIDELINES:
        said = any(w.lower() in claim.lower() for w in words) and re.search(
            r"指南|guideline|填报说明", claim, re.I
        )
        if _dashes(ident) in folded or ident in _doc_numbers(claim) or said:
            return f"{title} ({ident})"
    return None


def claimed(claim: str, lib: FactorLibrary) -> Claim:
    """The sets (and rows) a citation points at, and the citation with the matched names removed."""
    text, folded = claim.strip(), _norm(claim)
    ids = [sid for sid in lib.sets if sid in text]
    whole = set(ids)  # named by id or whole title: every row of the set counts
    for sid, fs in lib.sets.items():
        for title in (fs.manifest.document, fs.manifest.title):
            t = _norm(title)
            # the whole title, or its leading name before a parenthesis (关于发布…的公告)
            head = _norm(re.split(r"[(（]", title)[0])
            if t and t in folded:
                whole.add(sid)
            if (t and t in folded) or (len(head) >= 8 and head in folded):
                ids.append(sid)
                text = text.replace(re.split(r"[(（]", title)[0].strip(), " ")
    m = re.search(r"(\d{4})\s*(?:年)?\s*(?:No\.?|第|#)\s*(\d+)\s*号?", text, re.I)
    if m:
        tag = f"{m.group(1)}年第{int(m.group(2))}号"
        ids += [sid for sid, fs in lib.sets.items() if tag in fs.manifest.document]
        text = text.replace(m.group(0), " ")
    for std in re.findall(r"GB/?T?\s*[\d.]+-\d{4}", re.sub(r"[—–－]", "-", text)):
        norm = std.replace(" ", "")
        ids += [
            sid for sid, fs in lib.sets.items() if norm in fs.manifest.document.replace(" ", "")
        ]
    row_sets, sources = ([], []) if ids else _row_sources(claim, lib)
    if not sources:
        sources = _own_document(claim, [s for s in ids if s not in whole], lib)
    guideline = None if ids or row_sets else _guideline(claim)
    text = _DOC_NUMBER.sub(" ", text)
    return Claim(list(dict.fromkeys(ids + row_sets)), sources, guideline, text)


def only_sources(frame: pl.DataFrame, sources: list[str]) -> pl.DataFrame:
    """The rows of a candidate frame that cite one of ``sources`` (all rows when none)."""
    return frame.filter(pl.col("source").is_in(sources)) if sources else frame
