"""README.md starts with the two set-up commands, and CI runs its test command exactly."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README.md must open with a bash block of set-up commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.split("\n", 2)[2].startswith("```bash\n"), (
        "the commands come first, under the title"
    )
    commands = setup_commands()
    assert len(commands) == 2
    # The main job installs the runtime dependencies only: no extras.
    install, main = (part.strip() for part in commands[0].split("&&", 1))
    assert install == "pip install -e ." and main.startswith("carbonacct footprint ")
    install, tests = (part.strip() for part in commands[1].split("&&", 1))
    assert install == 'pip install -e ".[test]"' and tests.startswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tests = setup_commands()[1].split("&&", 1)[1].strip()
    assert tests in ci
    assert any(line.startswith("python -m pip install") and '-e ".[test]"' in line for line in ci)


def test_readme_python_examples_run() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(examples, {}, "README.md", str(ROOT / "README.md"), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 3


def test_readme_main_job_runs_on_the_bundled_example() -> None:
    import shlex

    from click.testing import CliRunner

    from carbonacct.cli import cli

    main = setup_commands()[0].split("&&", 1)[1].strip()
    args = shlex.split(main)
    assert args[0] == "carbonacct"
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, [*args[1:], "--format", "csv"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "91320500EXAMPLE0001,2024," in result.output
    assert "rows in 105445 = accounted 105445 + rejected 0" in result.output


def test_readme_names_the_pure_python_reference_and_it_exists() -> None:
    # the outside tester could not find the reference the paths are compared with
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pure-Python reference" in text
    for name in ("tests/test_reference.py", "tests/test_distributed.py"):
        assert f"`{name}`" in text and (ROOT / name).is_file()
