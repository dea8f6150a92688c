"""The `factors` and `units` commands, as a user calls them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from carbonacct.cli import cli


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_units_convert_prints_the_number() -> None:
    assert run("units", "convert", "1", "tce", "GJ").strip() == "29.3076"
    assert run("units", "convert", "2", "万千瓦时", "MWh").strip() == "20"
    out = json.loads(run("units", "convert", "1", "toe", "GJ", "--format", "json"))
    assert out["result"] == 41.868


def test_units_convert_unknown_unit_is_a_clear_error() -> None:
    result = CliRunner().invoke(cli, ["units", "convert", "1", "kwh", "GJ"])
    assert result.exit_code != 0
    assert "kWh" in str(result.exception)


def test_factors_search_jiangsu() -> None:
    out = run("factors", "search", "江苏")
    assert "0.5978" in out and "公告2024年第33号" in out
    rows = json.loads(run("factors", "search", "江苏", "--format", "json"))
    by_year = {r["year"]: r["value"] for r in rows}
    assert by_year == {2021: 0.6451, 2022: 0.5978, 2023: 0.5827}


def test_factors_list_and_show() -> None:
    sets = json.loads(run("factors", "list", "--format", "json"))
    assert {s["id"] for s in sets} >= {"gbt2589-2020", "gbt32151-2024", "mee-nbs-2025-47"}
    shown = json.loads(run("factors", "show", "gbt32150-2025", "--format", "json"))
    assert shown["document"].startswith("GB/T 32150-2025")
    assert shown["factors"][0]["value"] == 0.11
    csv = run("factors", "show", "ets-reporting", "--format", "csv")
    assert "0.5703" in csv


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["factors", "--help"],
        ["factors", "list", "--help"],
        ["factors", "show", "--help"],
        ["factors", "search", "--help"],
        ["factors", "rehash", "--help"],
        ["factors", "check", "--help"],
        ["units", "--help"],
        ["units", "convert", "--help"],
    ):
        assert "Usage:" in run(*args)


def test_factors_check_every_shipped_file() -> None:
    from carbonacct._manifest import data_dir

    manifests = sorted(
        str(p) for p in data_dir().glob("*/*.toml") if p.with_suffix(".csv").exists()
    )
    out = run("factors", "check", *manifests)
    assert out.count(": ok,") == len(manifests) > 20
