"""The `carbonacct` command line: a thin skin over the public Python API.

Every command does what one documented library call does, plus reading,
writing and printing. No accounting logic lives here.

Commands are imported when they are run, not when the program starts, so that
``carbonacct --help`` and ``carbonacct units convert`` do not pay for polars,
pint, matplotlib or openpyxl.

Exit codes
----------
0  done
1  input or data error (a file that does not exist or cannot be read, a value the library refuses)
2  usage error (an unknown option, a missing argument, a choice not offered)
3  compliance finding, when ``--fail-on breach|off_track|exceeds_limit|invalid_input`` is given
4  rejected rows under ``--strict`` (footprint, check, sector)

No traceback reaches the user; ``--debug`` (or ``CARBONACCT_DEBUG=1``) shows it.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from ._errors import EXIT_DATA, exit_code, one_line

# One Parquet file read at a time: the same speed here, a third less peak memory on
# multi-file data sets (polars reads several files at once by default).
os.environ.setdefault("POLARS_MAX_CONCURRENT_SCANS", "1")
# One row group decoded ahead, not several: the pass that writes the rejected rows reads the
# input again as text (20 M rows, 10 % rejected: that pass alone 1.21 GB -> 0.87 GB).
os.environ.setdefault("POLARS_ROW_GROUP_PREFETCH_SIZE", "1")
# Arrow's buffers from malloc, which keeps what a row group freed for the next one (below):
# fresh pages cost the kernel about as much system time as the reading itself.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
# polars' allocator keeps freed pages for 10 s by default: the duplicate check's many short
# steps (joins of small tables) then hold every step's temporaries at once; 1 s releases
# them (20 M rows, 10 % rejected, --rejects: 1.03 GB -> 0.96 GB peak, same CPU time).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000")


def _keep_freed_memory() -> None:
    """glibc: keep freed blocks for reuse instead of returning them to the system at once
    (the peak stays what it was; the pages of each row group are not faulted in again), in
    one arena: each thread reading row groups otherwise gets its own, which keeps its own
    freed blocks (the straggler batches read again in new threads: 20 M rows, 10 % rejected,
    read again batch by batch, --rejects: 908 MB -> 597 MB peak, same CPU time)."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold, m_arena_max = -1, -2, -3, -8
    libc.mallopt(m_arena_max, 1)
    libc.mallopt(m_mmap_threshold, 32 << 20)
    libc.mallopt(m_trim_threshold, 1 << 30)
    libc.mallopt(m_top_pad, 64 << 20)


__all__ = ["cli", "main"]

#: name -> (module, attribute, short help). The short help is the command's first
#: docstring line, kept here so that `--help` imports no command (tests compare them).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "benchmarks": (
        "discover",
        "benchmarks",
        "The 标杆/基准 levels and GB quota grades carbonacct ships, with documents and grades.",
    ),
    "carriers": ("discover", "carriers", "List the energy carriers: code, Chinese name, unit."),
    "check": (
        "check",
        "check",
        "Check each firm against the pathways and the 标杆/基准 levels; print the summary.",
    ),
    "check-factor": (
        "verify",
        "check_factor_cmd",
        "Is VALUE (in UNIT) in the publication CITATION, and where? Exit 1 if not.",
    ),
    "factors": (
        "factors",
        "factors",
        "The published factor sets carbonacct ships, with their sources.",
    ),
    "footprint": (
        "footprint",
        "footprint",
        "Energy (tce, GB/T 2589) and CO2 (GB/T 32150) of each firm and period.",
    ),
    "green-score": (
        "green",
        "green_score",
        "Score factories against GB/T 36132 (2018 or 2025) and show what is missing to pass.",
    ),
    "pathways": (
        "discover",
        "pathways",
        "The carbon-peak pathways carbonacct ships, with their documents and grades.",
    ),
    "reconcile": (
        "verify",
        "reconcile_cmd",
        "Recompute reported CO2 line by line and explain each difference.",
    ),
    "report": (
        "report",
        "report",
        "Energy and CO2 by carrier and month, pathways, products, green-factory score, quality, provenance.",
    ),
    "restate": (
        "restate",
        "restate",
        "Re-compute a saved footprint with a newer factor set: old vs new per firm and period.",
    ),
    "sector": (
        "sector",
        "sector",
        "Account a monthly record (月度存证) by a sector guideline: totals per month and year.",
    ),
    "synth": (
        "synth",
        "synth",
        "Write synthetic meter readings (firms × meters × a year of intervals) with firms and "
        "activity, or (--level firm) firm-level yearly actuals for a batch check.",
    ),
    "template": (
        "discover",
        "template",
        "Write an example input file (CSV or xlsx, Chinese headers) to fill in.",
    ),
    "units": (
        "units",
        "units",
        "Unit conversion with carbonacct's registry (tce, kgce, toe, tCO2, 万kWh, 吨标准煤...).",
    ),
    "validate": (
        "footprint",
        "validate",
        "Check readings and print the quality report: every row accounted or rejected, and why.",
    ),
}


class _LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(import_module(f"{__name__}.{module}"), attribute)
        from ._same_path import guarded  # an output onto an input is refused before reading

        return guarded(command)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A mistyped command names the nearest ones (``footprnt`` -> footprint)."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            import difflib

            near = difflib.get_close_matches(args[0], self.list_commands(ctx), n=3, cutoff=0.6)
            if near and args and not args[0].startswith("-"):
                hint = " or ".join(repr(n) for n in near)
                raise click.UsageError(
                    f"No such command {args[0]!r}. Did you mean {hint}?", ctx
                ) from exc
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, _shorten(COMMANDS[name][2], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="carbonacct", prog_name="carbonacct")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the Python traceback of an error (also CARBONACCT_DEBUG=1).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of table headers and statuses for people (default from the locale: LANG).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Project file of default options (default: ./carbonacct.toml when there is one).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None, config: str | None) -> None:
    """Carbon and energy accounting for industrial enterprises (GB/T 2589, GB/T 32150, MEE/NBS).

    Options default from a project file, carbonacct.toml in the working directory
    (or --config): [inputs] firms, activity...; [method] Method fields such as
    steam_enthalpy_kJ_per_kg, grid_factor, coal_types; [check] price_basis, pathways.
    What a run writes records the file in its provenance.

    Exit codes: 0 done, 1 input or data error (an input file that does not exist
    and a broken carbonacct.toml too), 2 usage error, 3 compliance finding
    (with --fail-on), 4 rejected rows (footprint, check, sector with --strict); 141 the reader of the output
    went away (`| head`), silently, as Unix tools do.
    """
    if lang:
        ctx.meta["carbonacct.lang"] = lang
    if ctx.resilient_parsing:
        return
    from ._output import default_lang

    if (lang or default_lang()) == "zh" and ctx.invoked_subcommand is not None:
        # Excel headers for people in Chinese; the columns sheet maps them back
        from carbonacct.io.writers.xlsx import header_language

        ctx.with_resource(header_language("zh"))
    from ._config import load

    load(ctx, config, list(COMMANDS))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: every error becomes one line and an exit code."""
    args = _debug_first(sys.argv[1:] if argv is None else list(argv))
    debug = "--debug" in args or os.environ.get("CARBONACCT_DEBUG", "") not in ("", "0")
    if args[:1] in (["footprint"], ["validate"], ["report"]):
        _keep_freed_memory()
    try:
        code = cli.main(args=args, prog_name="carbonacct", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_DATA)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        if debug:
            _traceback()
        if _missing_input(exc):  # an input error: one line, no usage text
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(EXIT_DATA)
        exc.show()
        sys.exit(exc.exit_code)
    except SystemExit:
        if _pipe_closed():
            _end_quietly()
        raise
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if debug:
            _traceback()
        # a folder or a glob is an input too (not only the files named)
        inputs = [a for a in args if not a.startswith("-") and (os.path.exists(a) or "*" in a)]
        click.echo(_spelled(one_line(exc, debug=debug, inputs=inputs), args), err=True)
        sys.exit(exit_code(exc))
    # --help, --version and ctx.exit(n) come back as an int in non-standalone mode
    if argv is None and args[:1] in (["footprint"], ["validate"]):
        # the console script after a run over the data: every file written is closed, so the
        # interpreter's teardown (freeing the run's tables one by one) is skipped
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 0)
    if isinstance(code, int) and code:
        sys.exit(code)


def _spelled(message: str, args: list[str]) -> str:
    """An error in the CLI's spelling of the command's options (--grid-factor national)."""
    from ._spelling import cli_spelling

    name = next((a for a in args if a in COMMANDS), "")
    try:
        command = cli.get_command(click.Context(cli), name) if name else None
    except Exception:  # an import that fails is reported as it is
        return message
    return cli_spelling(message, command)


def _debug_first(args: list[str]) -> list[str]:
    """``--debug`` after the command too (``carbonacct footprint r.csv --debug``): it is the
    group's option, so it is moved before the command (options after ``--`` are left alone)."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[1:end]:
        return args
    return ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]


def _missing_input(exc: click.ClickException) -> bool:
    """An input file that does not exist or cannot be read: an input error (exit 1), not usage."""
    param = getattr(exc, "param", None)
    kind = getattr(param, "type", None)
    return isinstance(exc, click.BadParameter) and isinstance(kind, click.Path) and kind.exists


#: Exit status of a command whose reader closed the pipe (``| head``): 128 + SIGPIPE, as a
#: Unix tool killed by the signal reports it.
EXIT_PIPE = 141


def _pipe_closed() -> bool:
    """Whether click met a closed stdout (it then pacifies stdout and exits 1, silently)."""
    return type(sys.stdout).__name__ == "_PacifyFlushWrapper"


def _end_quietly() -> None:
    """Stop as Unix tools do when the reader of stdout has gone: no message, status 141."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # nothing left to flush into the closed pipe
    except (OSError, AttributeError, ValueError):
        pass
    sys.exit(EXIT_PIPE)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 1)].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _traceback() -> None:
    import traceback

    traceback.print_exc()
