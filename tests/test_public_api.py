"""The public face: one sorted ``__all__`` of exactly the public names, no module shadowed."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import carbonacct


def _sort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then everything else
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_the_sorted_public_names() -> None:
    for name in carbonacct.__all__:  # the package loads its names on first use
        getattr(carbonacct, name)
    public = {
        name
        for name, value in vars(carbonacct).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(carbonacct.__all__) == public | {"__version__"}
    assert carbonacct.__all__ == sorted(carbonacct.__all__, key=_sort_key)


#: every module of every package: (package, module name), the top level and each subpackage
MODULES = sorted(
    (package, info.name)
    for package in ["carbonacct"]
    + [i.name for i in pkgutil.walk_packages(carbonacct.__path__, "carbonacct.") if i.ispkg]
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
)


def test_subpackages_are_walked() -> None:
    packages = {package for package, _ in MODULES}
    assert {"carbonacct", "carbonacct.verify", "carbonacct.compliance"} <= packages


@pytest.mark.parametrize(("package", "name"), MODULES, ids=[f"{p}.{n}" for p, n in MODULES])
def test_no_submodule_shadowed_by_a_function(package: str, name: str) -> None:
    module = importlib.import_module(f"{package}.{name}")
    attribute = getattr(importlib.import_module(package), name)
    assert attribute is module, f"{package}.{name} is {attribute!r}, not the module"
