"""Transcribe the dual-control exclusion rules of the reference notes into
tests/data/golden_exclusions.csv.

The golden rules come from ``targets-and-exclusions-2026.md`` §5 (one row per document:
its number, grade, publication date and the exact wording quoted there), never from the
shipped ``factors/exclusions/dual-control.csv``, so a changed clause, grade or date fails
``tests/compliance/test_exclusion_rules.py`` however its checksum was made.

Whether a row is shipped follows the project rule (only ``official`` rules, read in a copy
of the official text) and what the rule does to the energy of an intensity target; each
row that is not shipped carries the reason.

Usage: ``python tests/tools/golden_exclusions_from_reference.py REFERENCE_DIR``. Review the
diff of the CSV before committing it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from _golden_csv import write_golden

OUT = Path(__file__).resolve().parent.parent / "data" / "golden_exclusions.csv"
NOTE = "targets-and-exclusions-2026.md"
#: Rows of §5 that are official but change nothing the check computes, with the reason.
NOT_AN_INTENSITY_RULE = {
    "5.5": "total-only rule (the increment of renewable electricity over 2020), superseded "
    "by 113号 for the 14th-FYP assessment (5.7)",
    "5.9": "a required green-power share, not an exclusion",
}
#: The effect each shipped row has on the energy of the intensity per value added.
EFFECT = {"5.4": "feedstock", "5.6": "voucher", "5.7": "non_fossil"}


def _rows(text: str) -> list[list[str]]:
    start = text.index("## 5. Exclusion rules")
    block = text[start : text.index("### 5.1", start)]
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in block.splitlines()
        if re.match(r"^\| 5\.\d", line)
    ]


def _document(cell: str) -> str:
    found = re.search(r"(?:发改\w+|国发)〔\d{4}〕\d+号", cell)
    return found.group(0) if found else cell.split(",")[0].strip("* ")


def _published(cell: str) -> str:
    after = re.search(r"published (\d{4}-\d{2}-\d{2})", cell)
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", cell)
    return after.group(1) if after else (dates[-1] if dates else "")


def _wording(cell: str) -> str:
    return cell.replace("**", "").replace("\u201c", '"').replace("\u201d", '"')


def transcribe(ref_dir: Path) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for number, doc, wording, _effect, grade_cell, _source in _rows(
        (ref_dir / NOTE).read_text(encoding="utf-8")
    ):
        grade = grade_cell.replace("*", "").split("(")[0].split("+")[0].strip()
        if grade != "official":
            shipped = f"no: graded {grade} in §5 (only official rules are shipped)"
        elif number in NOT_AN_INTENSITY_RULE:
            shipped = f"no: {NOT_AN_INTENSITY_RULE[number]}"
        else:
            shipped = "yes"
        kwh = re.search(r"1个绿证单位对应(\d+)千瓦时", wording)
        out.append(
            {
                "section": f"§{number}",
                "document": out[-1]["document"] if doc == "same" else _document(doc),
                "grade": grade,
                "published": _published(doc),
                "effect": EFFECT.get(number, ""),
                "kwh_per_certificate": kwh.group(1) if kwh else "",
                "wording": _wording(wording),
                "shipped": shipped,
            }
        )
    return out


def main(ref_dir: str) -> None:
    write_golden(OUT, transcribe(Path(ref_dir)), "golden exclusion rows")


if __name__ == "__main__":
    main(sys.argv[1])
