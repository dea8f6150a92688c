"""`--fail-on` accepts every status worse than on_track that the check can give."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from carbonacct import vocabulary
from carbonacct.cli import cli
from carbonacct.cli._errors import FAIL_ON, ComplianceFinding, raise_findings


def test_every_status_worse_than_on_track_is_accepted() -> None:
    order = list(vocabulary.STATUSES)
    worse = order[: order.index("on_track")]
    # below_path ("at or below" a non-binding path) is not a failing status
    expected = {s for s in worse if s != "below_path"} | {"exceeds_limit"}
    assert expected <= set(FAIL_ON)
    assert "above_path" in FAIL_ON and "on_track" not in FAIL_ON


def test_above_path_raises_exit_3() -> None:
    with pytest.raises(ComplianceFinding) as info:
        raise_findings(["on_track", "above_path", "above_path"], ["above_path"])
    assert info.value.exit_code == 3
    assert "2 above_path" in info.value.format_message()


def test_help_lists_above_path() -> None:
    out = CliRunner().invoke(cli, ["check", "--help"], terminal_width=200).output
    assert "above_path" in out
