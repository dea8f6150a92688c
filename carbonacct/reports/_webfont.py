"""The shipped CJK font, subset to the characters of a page and embedded in it.

A page then shows its Chinese text in WenQuanYi Micro Hei (Apache-2.0) on a
machine without a CJK font, and stays self-contained: only the glyphs the
page uses are embedded (a few tens of kB instead of 5 MB).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from importlib import resources

__all__ = ["FAMILY", "font_face"]

FAMILY = "carbonacct-cjk"


@lru_cache(maxsize=8)
def _subset(characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = resources.files("carbonacct") / "_fonts" / "wqy-microhei.ttc"
    # the shipped font's own created/modified dates are kept: fontTools would otherwise
    # stamp ``head.modified`` with the time of saving, and two runs would differ
    font = TTFont(str(path), fontNumber=0, lazy=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge timestamps: not needed
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and licence names
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face(text: str) -> str:
    """A CSS ``@font-face`` rule holding the glyphs of the non-ASCII characters of ``text``."""
    characters = "".join(sorted({ch for ch in text if ord(ch) > 0x7F}))
    if not characters:
        return ""
    data = base64.b64encode(_subset(characters)).decode()
    return f"@font-face{{font-family:'{FAMILY}';src:url(data:font/ttf;base64,{data}) format('truetype')}}"
