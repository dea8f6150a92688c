"""Carbon materials (GB/T 32151.34-2024) through the record engine, by hand to 0.01 t."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from carbonacct.errors import InputError, OptionError
from carbonacct.sectors import account_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "examples" / "carbon_materials" / "月度存证_2025年3-4月.csv"
METHOD = "carbon-materials-gbt32151.34"
STEAM = (("steam_basis", "enthalpy"),)
C = 44 / 12
SET = "carbon-materials-gbt32151.34-2024"  # opt-in: 表C.1/表C.2 values graded secondary


@pytest.fixture(scope="module")
def result():
    return account_record(RECORD, method=METHOD, choices=STEAM, default_set=SET)


def _by_source(result, period: str) -> dict[str, float]:
    t = result.by_source.filter(pl.col("period") == period)
    return dict(zip(t["source"], t["co2_t"], strict=True))


def test_march_record_direct_indirect_total_by_hand(result) -> None:
    # The GBK record of 2025年3月 (examples/carbon_materials), every value written out.
    # Fuels, 5.2.1, 表C.1 defaults (natural gas 389.31 GJ/10^4 Nm3, 15.3 tC/TJ, 99 %;
    # diesel 42.652 GJ/t, 20.2 tC/TJ, 98 %):
    gas = 85.6 * 389.31 * 0.0153 * 0.99 * C  # = 1 850.83 t
    diesel = 12.5 * 42.652 * 0.0202 * 0.98 * C  # = 38.70 t
    # Calcination: petroleum coke 6 200 t × 88.5 % in; calcined coke 5 300 t × 98.2 % and
    # dust 85 t × 80 % out: 5 487 − 5 204.6 − 68 = 214.4 tC
    calcination = (6200 * 0.885 - 5300 * 0.982 - 85 * 0.80) * C  # = 786.13 t
    # Baking: green 4 800 t × 88 % and packing coke 120 t × 96 % in; baked 4 450 t × 96.2 %
    # out: 4 224 + 115.2 − 4 280.9 = 58.3 tC
    baking = (4800 * 0.880 + 120 * 0.96 - 4450 * 0.962) * C  # = 213.77 t
    # Graphitisation: baked 3 900 t × 96.2 %, resistor 95 t × 97 %, insulation 60 t × 95 % in;
    # graphitised 3 800 t × 99.5 % out: 3 751.8 + 92.15 + 57 − 3 781 = 119.95 tC
    graphitisation = (3900 * 0.962 + 95 * 0.97 + 60 * 0.95 - 3800 * 0.995) * C  # = 439.82 t
    # Fume incineration, 5.2.5.1: 28.5 t × 85 % C × 99 % × 44/12
    fume = 28.5 * 0.85 * 0.99 * C  # = 87.94 t
    # Sorbent, 5.2.5.2: limestone 520 t × 90 % (default) × 0.440 (表C.2) × 100 % (default)
    sorbent = 520 * 0.90 * 0.440 * 1.0  # = 205.92 t
    direct = gas + diesel + calcination + baking + graphitisation + fume + sorbent
    # Indirect: 4 180 万kWh = 41 800 MWh bought, 125 万kWh = 1 250 MWh sold, both × 0.5703;
    # 3 600 t of steam sold at 2 780 kJ/kg (mass × enthalpy, chosen) × 0.11 tCO2/GJ
    electricity = 41_800 * 0.5703  # = 23 838.54 t
    electricity_out = -1_250 * 0.5703  # = −712.875 t
    steam_out = -3_600 * 2_780 * 1e-3 * 0.11  # 10 008 GJ → −1 100.88 t
    indirect = electricity + electricity_out + steam_out

    assert direct == pytest.approx(3623.105908, abs=1e-6)
    assert indirect == pytest.approx(22024.785, abs=1e-6)
    got = {
        k: result.total("2025-03", k, figure="full_precision")
        for k in ("co2_direct_t", "co2_indirect_t", "co2_t")
    }
    assert got["co2_direct_t"] == pytest.approx(direct, abs=0.005)
    assert got["co2_indirect_t"] == pytest.approx(indirect, abs=0.005)
    assert got["co2_t"] == pytest.approx(direct + indirect, abs=0.005)
    assert round(got["co2_t"], 2) == 25647.89

    src = _by_source(result, "2025-03")
    assert src["combustion"] == pytest.approx(gas + diesel, abs=0.005)
    assert src["calcination"] == pytest.approx(calcination, abs=0.005)
    assert src["baking"] == pytest.approx(baking, abs=0.005)
    assert src["graphitisation"] == pytest.approx(graphitisation, abs=0.005)
    assert src["fume_incineration"] == pytest.approx(fume, abs=0.005)
    assert src["desulfurisation"] == pytest.approx(sorbent, abs=0.005)
    assert src["electricity_export"] == pytest.approx(electricity_out, abs=0.005)
    assert src["heat_export"] == pytest.approx(steam_out, abs=0.005)


def test_year_is_the_sum_of_its_months_and_steam_counts_as_heat(result) -> None:
    for name in ("co2_direct_t", "co2_indirect_t", "co2_t"):
        months = sum(result.total(p, name, figure="full_precision") for p in ("2025-03", "2025-04"))
        assert result.total("2025", name, figure="full_precision") == pytest.approx(months)
    march = result.totals.filter(
        (pl.col("period") == "2025-03") & (pl.col("figure") == "full_precision")
    ).row(0, named=True)
    # the auxiliary item counts exported steam in GJ: 3 600 t × 2 780 kJ/kg = 10 008 GJ
    assert march["heat_out_GJ"] == pytest.approx(10_008.0)
    assert march["product_t"] == pytest.approx(3_800.0)
    assert march["intensity_tco2_per_t"] == pytest.approx(25647.890908 / 3800, abs=1e-6)


def test_defaults_used_carry_their_set_and_grade(result) -> None:
    params = result.parameters.filter(
        (pl.col("month") == "2025-03") & (pl.col("material") == "石灰石")
    )
    purity = params.filter(pl.col("parameter") == "purity").row(0, named=True)
    assert purity["value"] == pytest.approx(0.90)
    assert "carbon-materials-gbt32151.34-2024" in purity["source"]
    assert purity["grade"] == "secondary (1)"


def _record_without(pattern: str, tmp_path: Path) -> Path:
    rows = RECORD.read_text(encoding="gbk").splitlines()
    out = tmp_path / "record.csv"
    out.write_text("\n".join(r for r in rows if pattern not in r) + "\n", encoding="gbk")
    return out


def test_carbon_product_without_carbon_content_is_named(tmp_path: Path) -> None:
    record = _record_without("2025年3月,煅烧,煅后焦,碳输出,含碳量", tmp_path)
    with pytest.raises(InputError) as err:
        account_record(record, method=METHOD, choices=STEAM, default_set=SET)
    text = str(err.value)
    for part in ("煅后焦", "2025-03", "carbon_content", "5.2.2"):
        assert part in text


def test_open_balance_is_refused_not_computed_from_its_inputs(tmp_path: Path) -> None:
    # March graphitisation without the graphitised product's carbon content, --no-strict:
    # computed from its inputs alone it would be (3 751.8 + 92.15 + 57) × 44/12 = 14 303.15 t
    # instead of 439.82 t. The whole balance is refused: its four other streams (seven rows:
    # three inputs × 2 values + the product's quantity) are rejected naming 石墨化品.
    record = _record_without("2025年3月,石墨化,石墨化品,碳输出,含碳量", tmp_path)
    got = account_record(record, method=METHOD, choices=STEAM, default_set=SET, strict=False)
    march = got.by_source.filter(pl.col("period") == "2025-03")
    assert "graphitisation" not in march["source"].to_list()
    rej = got.rejects.filter(pl.col("process") == "graphitisation", pl.col("month") == "2025-03")
    assert rej.height == 7
    opened = rej.filter(pl.col("reject_reason").str.contains("not computed"))
    assert opened.height == 7 - 1
    assert all("石墨化品" in r for r in opened["reject_reason"])
    # April's graphitisation balance is whole and still computed.
    april = got.by_source.filter(pl.col("period") == "2025-04")
    assert "graphitisation" in april["source"].to_list()
    assert got.quality.rows_accounted + got.quality.rows_rejected == 68 - 1


def test_steam_without_a_chosen_basis_is_refused() -> None:
    with pytest.raises(OptionError, match="steam_basis") as err:
        account_record(RECORD, method=METHOD, default_set=SET)
    assert "外供蒸汽" in str(err.value)


def test_feedwater_basis_needs_the_feedwater_enthalpy() -> None:
    with pytest.raises(InputError, match="feedwater_enthalpy"):
        account_record(
            RECORD,
            method=METHOD,
            choices=(("steam_basis", "enthalpy_above_feedwater"),),
            default_set=SET,
        )


@pytest.mark.parametrize("chosen", [None, "none"])
def test_defaults_are_opt_in_and_the_error_names_the_set(chosen: str | None) -> None:
    # Not asked for, the secondary-graded 表C.1/表C.2 values (limestone 0.440, 90 %, 100 %)
    # are not applied: natural gas and limestone lack their values, and the error names
    # the set to opt in to.
    with pytest.raises(InputError) as err:
        account_record(RECORD, method=METHOD, choices=STEAM, default_set=chosen)
    text = str(err.value)
    assert "天然气" in text or "石灰石" in text
    assert f"--default-set {SET}" in text


def _cli(*args: str) -> tuple[int, str, str]:
    """The installed console script, as a user runs it: (exit code, stdout, stderr)."""
    exe = Path(sys.executable).with_name("carbonacct")
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def test_cli_example(tmp_path: Path) -> None:
    import json

    book = tmp_path / "carbon.xlsx"
    args = ("sector", str(RECORD), "--method", METHOD, "--choice", "steam_basis=enthalpy")
    code, _, err = _cli(*args)
    assert code != 0 and f"--default-set {SET}" in err  # no default set unless asked
    args = (*args, "--default-set", SET)
    code, out, err = _cli(*args, "-o", str(book))
    assert code == 0, err
    # March: direct 3 623.105908 → 3623.11; total 25 647.890908 → 25647.89; / 3 800 t = 6.7494
    assert "3623.11" in out and "25647.89" in out and "6.7494" in out
    assert "rows in 68 = accounted 68 + rejected 0" in err
    assert book.exists()
    code, out, _ = _cli(*args, "--format", "json")
    march = [
        r
        for r in json.loads(out)["tables"]["totals"]
        if r["period"] == "2025-03" and r["figure"] == "full_precision"
    ]
    assert march[0]["co2_direct_t"] == pytest.approx(3623.105908, abs=1e-6)


@pytest.mark.parametrize(
    ("extra", "code", "text"),
    [
        ((), 2, "steam_basis"),  # steam by mass without a chosen rule
        (("--choice", "steam_basis"), 2, "NAME=VALUE"),
        (("--choice", "steam_basis=gross"), 2, "enthalpy_above_feedwater"),
    ],
)
def test_cli_refusals(extra: tuple[str, ...], code: int, text: str) -> None:
    got, _, err = _cli("sector", str(RECORD), "--method", METHOD, "--default-set", SET, *extra)
    assert got == code
    assert text in err
