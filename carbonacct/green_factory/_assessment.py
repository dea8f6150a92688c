"""Reading assessments (YAML, JSON, Excel, a mapping) and weight tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError

__all__ = ["read_assessment", "read_weights"]


def _error(path: str, message: str, column: str | None = None) -> InputError:
    return InputError(f"{path}: {message}", file=path, row=None, column=column)


def _firm_id(data: dict[str, Any], file: str) -> dict[str, Any]:
    """``firm_id``, with ``factory_id`` accepted as an alias (one vocabulary across carbonacct)."""
    alias = data.pop("factory_id", None)
    if alias is not None and data.get("firm_id") not in (None, alias):
        raise _error(
            file,
            f"firm_id {data['firm_id']!r} and factory_id {alias!r} differ; give firm_id only.",
            "firm_id",
        )
    if data.get("firm_id") is None and alias is not None:
        data["firm_id"] = alias
    if data.get("firm_id") is not None:
        data["firm_id"] = str(data["firm_id"])
    return data


def _parse(path: Path) -> Any:
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(path.read_text(encoding="utf-8"))
        if suffix == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
        if suffix in (".xlsx", ".xlsm"):
            return _read_excel_assessment(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSON and YAML errors are ValueErrors
        raise _error(str(path), f"cannot be read as an assessment: {exc}") from None
    except Exception as exc:  # yaml.YAMLError is not a ValueError
        if type(exc).__module__.startswith("yaml"):
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise _error(str(path), f"is not valid YAML: {problem}{where}.") from None
        if suffix in (".xlsx", ".xlsm"):  # the spreadsheet reader's own error (zip, calamine)
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise _error(
                str(path), f"is not a readable Excel workbook ({first}); save it again as .xlsx."
            ) from None
        raise
    raise _error(str(path), "an assessment is .yaml, .json or .xlsx.")


def read_assessment(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Read an assessment from YAML, JSON, an Excel workbook, or a mapping.

    Keys: ``firm_id`` (``factory_id`` is accepted as an alias), ``name``,
    ``model``, ``period``, ``product`` (the footprint's product),
    ``quota_product`` (the product key of the GB quota grades, default
    ``product``), ``answers`` (item id → status, fraction, reason, evidence),
    ``indicators`` (name → value, unit, evidence), ``inputs`` (the factory's
    figures), ``levels`` (item id → baseline, leading), ``weights`` (item id →
    weight) with ``weights_source``, ``pass_mark`` [%] with ``pass_mark_source``.
    An Excel workbook has a sheet ``answers`` (item_id, status, fraction,
    reason, evidence) and optional sheets ``indicators``, ``levels``,
    ``weights``, ``factory`` and ``inputs`` (key, value).

    Examples
    --------
    >>> read_assessment({"factory_id": 7, "answers": {"B": "met"}})["firm_id"]
    '7'
    """
    if isinstance(source, Mapping):
        data = dict(source)
        data.setdefault("_file", "<dict>")
        return _firm_id(data, data["_file"])
    path = Path(source)
    data = _parse(path)
    if not isinstance(data, dict):
        raise _error(str(path), "an assessment is a mapping of keys (firm_id, model, answers...).")
    for key in ("answers", "indicators", "levels", "weights", "inputs"):
        if data.get(key) is not None and not isinstance(data[key], Mapping):
            raise _error(str(path), f"{key} must be a mapping, got {data[key]!r}.", key)
    data["_file"] = str(path)
    return _firm_id(data, str(path))


def _read_excel_assessment(path: Path) -> dict[str, Any]:
    sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0)
    if "answers" not in sheets:
        raise _error(str(path), f"a workbook needs a sheet 'answers'; it has {sorted(sheets)}.")
    data: dict[str, Any] = {}
    if "factory" in sheets:
        data.update({k: v for k, v in sheets["factory"].iter_rows()})
    if "inputs" in sheets:  # the factory's figures (key, value), as under inputs in YAML
        data["inputs"] = {k: v for k, v in sheets["inputs"].iter_rows()}
    data["answers"] = {
        r["item_id"]: {k: v for k, v in r.items() if k != "item_id" and v is not None}
        for r in sheets["answers"].iter_rows(named=True)
    }
    for name in ("indicators", "levels", "weights"):
        if name in sheets:
            rows = sheets[name].iter_rows(named=True)
            key = "name" if name == "indicators" else "item_id"
            data[name] = {
                r[key]: {k: v for k, v in r.items() if k != key and v is not None} for r in rows
            }
    if "weights" in data:
        data["weights"] = {k: v.get("weight") for k, v in data["weights"].items()}
    return data


def read_weights(path: str | Path) -> dict[str, Any]:
    """Item id → weight from a CSV with columns ``item_id`` and ``weight``.

    Values are checked when scoring (a non-number is refused with the item named).
    """
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise _error(str(path), f"cannot be read as a weights CSV: {exc}") from None
    missing = [c for c in ("item_id", "weight") if c not in frame.columns]
    if missing:
        raise _error(
            str(path),
            f"a weights CSV has columns item_id and weight; missing {missing} (has {frame.columns}).",
            missing[0],
        )
    return {str(r["item_id"]): r["weight"] for r in frame.iter_rows(named=True)}
