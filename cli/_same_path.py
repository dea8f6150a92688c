"""Outputs that would overwrite an input are refused before anything is read.

``footprint b2.csv -o b2.csv`` would replace the readings with the result; the paths are
compared resolved (``./b2.csv``, a symlink or a hard link are the same file).
"""

from __future__ import annotations

import functools
import glob
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

#: The parameters (by their Python names) that name a file a command writes.
OUTPUT_PARAMS = ("output", "rejects_path")


def _given_paths(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(item, (str, os.PathLike)):
            text = str(item)
            yield from (glob.glob(text, recursive=True) if "*" in text else [text])


def _same(output: Path, given: Path) -> bool:
    if given.is_dir():  # a file of an input folder would be read again (and overwritten)
        return output.resolve().is_relative_to(given.resolve())
    try:
        return os.path.samefile(output, given)
    except OSError:  # either does not exist
        return output.resolve() == given.resolve()


def refuse_outputs_onto_inputs(params: dict[str, Any], options: dict[str, str]) -> None:
    """A UsageError-free refusal (exit 1, one line) when an output names an input."""
    from carbonacct.errors import InputError

    inputs = [
        (name, path)
        for name, value in params.items()
        if name not in OUTPUT_PARAMS
        for path in _given_paths(value)
        if os.path.exists(path)
    ]
    for out_name in OUTPUT_PARAMS:
        out = params.get(out_name)
        if not isinstance(out, (str, os.PathLike)):
            continue
        for name, given in inputs:
            if _same(Path(out), Path(given)):
                where = (
                    f"inside the input folder {given} ({options.get(name, name)}), where a"
                    " next run would read it as an input"
                    if Path(given).is_dir()
                    else f"is the input {given} ({options.get(name, name)}): writing it would"
                    " overwrite that file"
                )
                raise InputError(
                    f"{options.get(out_name, out_name)} {out}: {where}. Give another path.",
                    file=str(out),
                    row=None,
                    column=None,
                )


def guarded(command: click.Command) -> click.Command:
    """The command, refusing an output onto an input before its body runs (once)."""
    callback = command.callback
    if callback is None or getattr(callback, "_outputs_guarded", False):
        return command
    options = {
        p.name: (p.opts[0] if p.opts[0].startswith("--") or len(p.opts) == 1 else p.opts[1])
        for p in command.params
        if p.name and isinstance(p, click.Option)
    }
    options.update(
        {p.name: p.name.upper() for p in command.params if isinstance(p, click.Argument) and p.name}
    )

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        refuse_outputs_onto_inputs(kwargs, options)
        return callback(*args, **kwargs)

    run._outputs_guarded = True  # type: ignore[attr-defined]
    command.callback = run
    return command
