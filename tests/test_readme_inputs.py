"""The README's input-format section: every Chinese header it lists is one the readers map."""

from __future__ import annotations

import re
from pathlib import Path

from carbonacct.vocabulary import COLUMN_MAP

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Input files", 1)[1].split("\n## ", 1)[0]


def test_every_chinese_header_in_the_readings_table_is_mapped_to_its_column() -> None:
    rows = [line for line in SECTION.splitlines() if line.startswith("| `")]
    assert len(rows) >= 10
    checked = 0
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`(\w+)`", cells[0])
        for group, name in zip(cells[2].split(";"), names, strict=False):
            for header in (h.strip() for h in group.split("/") if h.strip() not in ("", "—")):
                assert COLUMN_MAP.get(header) == name, (header, name)
                checked += 1
    assert checked >= 20


def test_every_input_is_described_with_an_example() -> None:
    for title in (
        "Readings", "Firms", "Activity", "Fuel parameters", "Green electricity", "Materials",
        "Pathways", "Benchmarks", "Reported lines", "Project file",
    ):  # fmt: skip
        assert f"**{title}**" in SECTION, title
    assert SECTION.count("Example") >= 8
