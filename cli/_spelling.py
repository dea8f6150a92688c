"""The library's messages with the CLI's spelling of its options.

The library speaks to Python callers (``give interval_label='end'``); on the command line the
same advice is ``--interval-label end``. The options are the running command's own.
"""

from __future__ import annotations

import re

import click


def _options(command: click.Command | None) -> dict[str, str]:
    """Python name -> the option's long name, for the command's options."""
    if command is None:
        return {}
    names: dict[str, str] = {}
    for p in command.params:
        longs = [o for o in p.opts if o.startswith("--")]
        if isinstance(p, click.Option) and p.name and longs:
            names[p.name] = longs[0]
    return names


def cli_spelling(text: str, command: click.Command | None = None) -> str:
    """``name='value'`` -> ``--name value``, ``name=`` and a bare ``snake_name`` -> ``--name``,
    for the options of ``command`` (default: the one running)."""
    if command is None:
        ctx = click.get_current_context(silent=True)
        command = ctx.command if ctx is not None else None
    for name, option in sorted(_options(command).items(), key=lambda kv: -len(kv[0])):
        value = rf"(?<![\w-]){re.escape(name)}=(?:'([^']*)'|\"([^\"]*)\"|([\w.+-]+))"
        text = re.sub(value, rf"{option} \1\2\3", text)  # an unmatched group is empty
        text = re.sub(rf"(?<![\w-]){re.escape(name)}=", option, text)
        if "_" in name:
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?!\w)", option, text)
    return text
