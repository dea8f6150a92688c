"""data_complete per rule: energy rules are complete when the energy is, CO2 rules when the CO2
is; every refused row (readings, activity, actuals) counts in the firm's rows_rejected, and the
follow-up says what is missing (issue 13, outside re-trial 2, new finding 4)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from carbonacct import check
from carbonacct.workflows import check_from_readings


def _write(tmp_path: Path, **files: str) -> dict[str, Path]:
    out = {}
    for name, text in files.items():
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_bytes(text.encode("gbk"))
    return out


def _row(frame: pl.DataFrame, **where: object) -> dict:  # type: ignore[type-arg]
    hit = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert hit.height == 1, hit
    return hit.row(0, named=True)


def test_energy_complete_co2_not_and_every_refused_row_counted(tmp_path: Path) -> None:
    files = _write(
        tmp_path,
        readings=(
            "企业代码,能源品种,统计期,数量,计量单位\n"
            # 2020 has no grid factor: its electricity CO2 is missing, its energy is not
            "MAL,原煤,2020,4000,吨\n"
            "MAL,电力,2020,800,万kWh\n"
            "MAL,原煤,2025,3600,吨\n"
            "MAL,电力,2025,800,万kWh\n"
            "BAD,原煤,2020,4000,吨\n"
            "BAD,电力,2020,800,万kWh\n"
            "BAD,原煤,2025,3600,吨\n"
            'BAD,电力,2025,"12x,3",万kWh\n'  # refused: 2025 energy understated
            "TYP,原煤,2025,3600,吨\n"
        ),
        firms=(
            "企业代码,企业名称,省份,行业代码\n"
            "MAL,苏机械厂,江苏,C3411\nBAD,苏机械二厂,江苏,C3411\nTYP,苏机械三厂,江苏,C3411\n"
        ),
        activity=(
            "企业代码,统计期,指标,指标值,计量单位\n"
            "MAL,2020,value_added,5000,万元\nMAL,2025,value_added,5000,万元\n"
            "BAD,2020,value_added,5000,万元\nBAD,2025,value_added,5000,万元\n"
            "TYP,2025,value_aded,5000,万元\n"  # a typo: refused by row
        ),
    )
    result = check_from_readings(
        files["readings"], files["firms"], files["activity"], price_basis="constant:2020"
    )
    res = result.results.filter(pl.col("pathway") == "cn-industry-2025")
    # MAL 2025 vs 2020: energy (3 600 × 0.7143 + 8 000 MWh × 0.1229) / 5 000
    # = (2 571.48 + 983.2) / 5 000 = 0.710936 tce/万元 vs 2020 (2 857.2 + 983.2) / 5 000
    # = 0.76808: complete (every reading accounted); its CO2 rule is not (2020 grid factor)
    energy = _row(res, firm_id="MAL", metric="energy_intensity_va", check_year=2025)
    assert abs(energy["actual"] - (3600 * 0.7143 + 8000 * 0.1229) / 5000) < 1e-9
    assert energy["data_complete"] is True
    co2 = _row(res, firm_id="MAL", metric="co2_intensity_va", check_year=2025)
    assert co2["data_complete"] is False
    firms = {f["firm_id"]: f for f in result.firms.iter_rows(named=True)}
    assert "2020" in firms["MAL"]["follow_up"] and "CO2 factor" in firms["MAL"]["follow_up"]
    # BAD: one reading refused in 2025: its energy rule is incomplete, and the follow-up says so
    bad = _row(res, firm_id="BAD", metric="energy_intensity_va", check_year=2025)
    assert bad["data_complete"] is False
    assert firms["BAD"]["rows_rejected"] == 1 and firms["BAD"]["data_complete"] is False
    assert "2025: 1 reading row(s) rejected" in firms["BAD"]["follow_up"]
    # TYP: the refused activity row counts (it was NaN before)
    assert firms["TYP"]["rows_rejected"] == 1
    assert "refused" in firms["TYP"]["follow_up"]


def test_refused_actuals_rows_count_per_firm() -> None:
    firms = pl.DataFrame({"firm_id": ["A", "B"], "province": ["广东"] * 2, "sector": ["C3411"] * 2})
    actuals = pl.DataFrame(
        {
            "firm_id": ["A", "A", "B", "B"],
            "year": [2020, 2025, 2020, 2025],
            "metric": [
                "energy_intensity_va",
                "energy_intensity_va",
                "energy_intensity_va",
                "energy_intensity_vx",
            ],
            "value": ["1.0", "0.8", "1.0", "0.8"],
            "unit": ["tce/万元"] * 4,
            "price_basis": ["constant:2020"] * 4,
        }
    )
    result = check(firms, actuals=actuals, pathways=["cn-industry-2025"])
    f = {r["firm_id"]: r for r in result.firms.iter_rows(named=True)}
    # A: nothing refused here, and its actuals give no reading counts: unknown, not 0
    assert f["A"]["rows_rejected"] is None
    assert f["B"]["rows_rejected"] == 1 and f["B"]["status"] == "invalid_input"
