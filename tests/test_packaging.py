"""The wheel holds the library, the CLI and every data file; its console script runs.

The console-script test must pass on a fresh machine, where the base interpreter has none of the
project's packages: it makes a plain venv, points it at the *running* environment's
site-packages with a ``.pth`` file (so the dependencies are found without a download), and
installs the built wheel into it with ``--no-deps``.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Source directory -> the package it becomes in the wheel (pyproject [tool.setuptools.package-dir]).
SOURCE_PACKAGES = {
    "carbonacct": "carbonacct",
    "cli": "carbonacct/cli",
    "factors": "carbonacct/_data",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a clean copy: an in-tree build/ left by an earlier build could hide a
    # subpackage missing from pyproject's packages list.
    src = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in SOURCE_PACKAGES:
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        check=True,
    )
    (path,) = out.glob("carbonacct-*.whl")
    return path


def source_files(suffixes: tuple[str, ...]) -> set[str]:
    """Every file of the source tree with one of ``suffixes``, named as the wheel names it."""
    names = set()
    for src, dst in SOURCE_PACKAGES.items():
        for p in (ROOT / src).rglob("*"):
            if p.suffix in suffixes and "__pycache__" not in p.parts:
                names.add(f"{dst}/{p.relative_to(ROOT / src).as_posix()}")
    return names


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    # Every subpackage and module (a subpackage missing from pyproject's packages list fails here).
    modules = source_files((".py",))
    packages = {n for n in modules if n.endswith("/__init__.py")}
    assert {"carbonacct/__init__.py", "carbonacct/io/__init__.py"} <= packages
    assert not modules - names, f"modules missing from the wheel: {sorted(modules - names)}"
    # Every factor data file and the shipped font.
    data = {n for n in source_files((".csv", ".toml")) if n.startswith("carbonacct/_data/")}
    assert data and not data - names, f"data missing from the wheel: {sorted(data - names)}"
    assert "carbonacct/py.typed" in names
    assert any(n.startswith("carbonacct/_fonts/") and n.endswith(".ttc") for n in names)
    assert not any(n.startswith(("cli/", "tests/", "factors/")) for n in names)
    entry = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "carbonacct = carbonacct.cli:main" in entry


def running_site_packages() -> list[str]:
    """The directories the running interpreter imports installed packages from."""
    paths = sysconfig.get_paths()
    dirs = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dict.fromkeys(dirs) if Path(d).is_dir()]


def test_console_script_runs_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=False, with_pip=True)
    py = env_dir / "bin" / "python"
    own_site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Plain path lines in a .pth are appended after the venv's own site-packages, so the
    # wheel installed there shadows any copy (editable or not) of the running environment.
    (Path(own_site) / "_running_env.pth").write_text(
        "\n".join(running_site_packages()) + "\n", encoding="utf-8"
    )
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    where = subprocess.run(
        [py, "-c", "import carbonacct, carbonacct.cli; print(carbonacct.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(env_dir))  # the wheel's copy, not the source tree
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
