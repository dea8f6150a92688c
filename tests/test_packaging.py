"""The wheel holds the library, the CLI and every data file; its console script runs."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("carbonacct-*.whl")
    return path


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "carbonacct/_data/" + str(p.relative_to(ROOT / "factors"))
        for p in (ROOT / "factors").rglob("*")
        if p.suffix in (".csv", ".toml")
    }
    assert shipped and shipped <= names
    assert "carbonacct/cli/__init__.py" in names and "carbonacct/py.typed" in names
    assert not any(n.startswith(("cli/", "tests/", "factors/")) for n in names)
    entry = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "carbonacct = carbonacct.cli:main" in entry


def test_console_script_runs_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    where = subprocess.run(
        [py, "-c", "import carbonacct, carbonacct.cli; print(carbonacct.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(env_dir) in where  # the wheel's copy, not the source tree
    out = subprocess.run(
        [env_dir / "bin" / "carbonacct", "units", "convert", "1", "tce", "GJ"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert out.strip() == "29.3076"
    out = subprocess.run(
        [env_dir / "bin" / "carbonacct", "factors", "search", "江苏", "--format", "csv"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert "0.5978" in out
