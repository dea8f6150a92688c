"""The error hierarchy: every library error a CarbonacctError paired with its builtin."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import carbonacct
from carbonacct import errors


def test_input_error_composes_its_message_from_its_fields() -> None:
    err = errors.InputError(
        problem="green electricity needs a non-negative value",
        file="green.csv",
        row=4,
        column="value",
        value=-3.0,
        hint="write the contracted MWh",
    )
    assert str(err) == (
        "green.csv, row 4, column 'value': green electricity needs a non-negative value "
        "(got -3.0). write the contracted MWh."
    )
    assert (err.file, err.row, err.column, err.value) == ("green.csv", 4, "value", -3.0)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.row == 4


def test_a_given_message_is_kept() -> None:
    assert str(errors.InputError("as written", file="f.csv")) == "as written"


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.InputError, ValueError),
        (errors.OptionError, ValueError),
        (errors.UnknownUnitError, ValueError),
        (errors.FactorNotFoundError, LookupError),
    ],
)
def test_each_error_is_also_its_builtin(cls: type, builtin: type) -> None:
    assert issubclass(cls, errors.CarbonacctError) and issubclass(cls, builtin)


def test_former_bare_value_errors_are_carbonacct_errors(tmp_path: Path) -> None:
    from carbonacct.emissions import grid_table
    from carbonacct.energy import standard_coal_table
    from carbonacct.synth import generate

    with pytest.raises(carbonacct.OptionError, match="electricity_equal_value"):
        standard_coal_table(["electricity"], basis="equal")
    with pytest.raises(carbonacct.OptionError, match="grid_factor"):
        grid_table(["CN-JS"], [2023], "nope")  # type: ignore[arg-type]
    with pytest.raises(carbonacct.OptionError, match="interval"):
        generate(tmp_path, firms=1, interval="5min")
