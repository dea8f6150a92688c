"""`carbonacct sector` prints its reported figures rounded half up (四舍五入), as the
verifier and the published record round them."""

from __future__ import annotations

import polars as pl

from carbonacct.cli.sector import _as_reported


def test_reported_tonnes_are_rounded_half_up() -> None:
    # 22 024.785 is stored as 22 024.78499999…: f"{x:.2f}" gives 22024.78, half up 22024.79
    totals = pl.DataFrame(
        {
            "figure": ["reported", "computed"],
            "firm_id": ["A", "A"],
            "co2_combustion_t": [22024.785, 1.0],
            "co2_process_t": [2.675, 1.0],
        }
    )
    shown = _as_reported(totals)
    assert shown["co2_combustion_t"].to_list() == ["22024.79"]
    assert shown["co2_process_t"].to_list() == ["2.68"]
