"""Writing a golden CSV, shared by the transcription tools of this folder."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def write_golden(
    out: Path, rows: Sequence[dict[str, Any]], what: str, columns: Sequence[str] | None = None
) -> None:
    """Write ``rows`` to ``out`` (UTF-8, ``\\n`` line ends, columns of the first row unless
    given) and say how many ``what`` were written."""
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns or rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{out}: {len(rows)} {what}")
