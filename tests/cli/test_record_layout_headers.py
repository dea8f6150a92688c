"""The record layout (a table too wide for the terminal) names fields as people read them."""

from __future__ import annotations

import polars as pl
import pytest

from carbonacct.cli._output import print_table


def test_en_record_layout_uses_people_headers(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pl.DataFrame(
        {"firm_id": ["91320500EXAMPLE0001"], "period": ["2024"], "energy_tce": [853.0]}
        | {f"co2_scope{i}_t": [1.0] for i in range(1, 9)}
    )
    print_table(frame, lang="en", width=40)
    out = capsys.readouterr().out
    assert "Energy (tce)" in out and "energy_tce" not in out
    assert "Field" in out and "field" not in out
