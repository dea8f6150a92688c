"""Transcribe the reference notes' factor tables into tests/data/golden_factors.csv.

The golden values come from the reference notes (the markdown tables with sources and
grades that the data was checked against), never from the shipped files, so a changed
value fails ``tests/test_factor_goldens.py`` however its checksum was made.

Usage: ``python tests/tools/golden_from_reference.py REFERENCE_FACTORS_MD``. Review the
diff of the CSV before committing it: every row cites the section it was read from.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from _golden_csv import write_golden

from carbonacct.factors import FACTOR_COLUMNS
from carbonacct.vocabulary import carrier_code, region_code

OUT = Path(__file__).resolve().parent.parent / "data" / "golden_factors.csv"
COLUMNS = ("section", "set_id", *FACTOR_COLUMNS[:7], "shipped")
#: §9 ("Later checks", which supersede the grades above) finds these unconfirmed.
LATER_UNVERIFIED = {("tce_coefficient", "lng"), ("tce_coefficient", "steam")}

IPCC = {
    "Anthracite": "anthracite",
    "Coking coal": "coking_coal",
    "Other bituminous coal": "bituminous_coal",
    "Sub-bituminous coal": "sub_bituminous_coal",
    "Lignite": "lignite",
    "Coke oven coke / lignite coke": "coke",
    "Petroleum coke": "petroleum_coke",
    "Coal tar": "coal_tar",
    "Crude oil": "crude_oil",
    "Motor gasoline": "gasoline",
    "Other kerosene": "kerosene",
    "Gas/diesel oil": "diesel",
    "Residual fuel oil": "fuel_oil",
    "LPG": "lpg",
    "Naphtha": "naphtha",
    "Natural gas": "natural_gas",
    "Coke oven gas / gas works gas": "coke_oven_gas",
    "Blast furnace gas": "blast_furnace_gas",
    "Oxygen steel furnace (converter) gas": "converter_gas",
}
GRID_SETS = {2021: "mee-nbs-2024-12", 2022: "mee-nbs-2024-33", 2023: "mee-nbs-2025-47"}
MEDIA = {
    "新水": "fresh_water",
    "软水": "softened_water",
    "除氧水": "deaerated_water",
    "压缩空气": "compressed_air",
    "氧气": "oxygen",
    "乙炔": "acetylene",
    "电石": "calcium_carbide",
}


def number(cell: str) -> float | None:
    """The single number of a cell ('**0.7143**', '20 908', '94%'); None for ranges and text."""
    text = re.sub(r"\*|\(.*?\)|\[.*?\]", "", cell).strip().rstrip("%").replace(" ", "")
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start : end if end > 0 else len(text)]


def rows(block: str) -> Iterator[list[str]]:
    for line in block.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            yield [c.strip() for c in line.strip().strip("|").split("|")]


def golden(
    sec: str,
    set_id: str,
    parameter: str,
    subject: str,
    value: float | None,
    unit: str,
    region: str = "",
    year: str = "",
    variant: str = "",
) -> dict[str, str]:
    shipped = "yes"
    if value is None:
        shipped = "no: a range, not a single value"
    elif (parameter, subject) in LATER_UNVERIFIED:
        shipped = "no: §9 later checks grade it unverified"
    return dict(
        section=sec,
        set_id=set_id,
        parameter=parameter,
        subject=subject,
        region=region,
        year=year,
        variant=variant,
        value="" if value is None else repr(value),
        unit=unit,
        shipped=shipped,
    )


def appendix_a(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 1.2")):
        name, unit, ncv, _, coef, grade = cells[:6]
        if "unverified" in grade.split(";")[0] or name.startswith("Carrier"):
            continue  # unverified rows are not shipped and carry no golden
        zh = name.split()[0]
        code = {"热力": "heat", "电力": "electricity", "蒸汽": "steam"}.get(zh) or carrier_code(
            zh, strict=False
        )
        if code is None:
            continue
        variant = "equivalent" if code in ("heat", "electricity") else ""
        per = {"kg": "kg", "m³": "m3", "MJ": "MJ", "kWh": "kWh"}[unit]
        yield golden(
            "§1.2",
            "gbt2589-2020",
            "tce_coefficient",
            code,
            number(coef),
            f"kgce/{per}",
            variant=variant,
        )
        if code not in ("heat", "electricity", "steam"):
            yield golden("§1.2", "gbt2589-2020", "reference_ncv", code, number(ncv), f"kJ/{per}")


def appendix_b(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 1.3")):
        code = MEDIA.get(cells[0].split()[0])
        if code and "unverified" not in cells[4].split(";")[0]:
            unit = {"t": "kgce/t", "m³": "kgce/m3", "kg": "kgce/kg"}[cells[1]]
            yield golden("§1.3", "gbt2589-2020", "tce_coefficient", code, number(cells[3]), unit)


def nbs(text: str) -> Iterator[dict[str, str]]:
    body = section(text, "### 1.4").split("\n\n", 1)[1]
    for name, value, unit in re.findall(
        r"\**([^\s;*(]+?)\s+([\d.]+)(?:\s+(tce/10⁴m³|tce/GJ|"
        r"tce/10⁴kWh|t/t))?\**\s*[;(\n]",
        body,
    ):
        if name in ("电力",):
            continue  # 4.0400 is the old 等价值 table; the current 当量 value is quoted beside it
        code = {"热力": "heat"}.get(name) or carrier_code(name, strict=False)
        if code is None:
            continue
        per = {"tce/10⁴m³": "tce/万m3", "tce/GJ": "tce/GJ"}.get(unit, "tce/t")
        yield golden(
            "§1.4",
            "nbs-energy-statistics",
            "tce_coefficient",
            code,
            float(value),
            per,
            variant="equivalent" if code == "heat" else "",
        )
    yield golden(
        "§1.4",
        "nbs-energy-statistics",
        "tce_coefficient",
        "electricity",
        1.229,
        "tce/万kWh",
        variant="equivalent",
    )


def table_a(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 2.2")):
        code = carrier_code(cells[0].split()[0], strict=False)
        if code is None:
            continue
        per = "t" if cells[1].strip("*") == "t" else "万Nm3"
        yield golden("§2.2", "gbt32151-2024", "ncv", code, number(cells[2]), f"GJ/{per}")
        yield golden("§2.2", "gbt32151-2024", "carbon_content", code, number(cells[3]), "tC/TJ")
        yield golden("§2.2", "gbt32151-2024", "oxidation_rate", code, number(cells[4]), "percent")


def table_b(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 2.3")):
        names = [n.strip() for n in cells[0].split("/")]
        code = carrier_code(names[0], strict=False)
        if code is None or number(cells[1]) is None:
            continue
        gas = code in (
            "natural_gas",
            "coke_oven_gas",
            "blast_furnace_gas",
            "converter_gas",
            "closed_carbide_furnace_gas",
            "other_gas",
        )
        yield golden(
            "§2.3", "ndrc-2013", "ncv", code, number(cells[1]), "GJ/万Nm3" if gas else "GJ/t"
        )
        yield golden("§2.3", "ndrc-2013", "carbon_content", code, number(cells[2]), "tC/TJ")
        yield golden("§2.3", "ndrc-2013", "oxidation_rate", code, number(cells[3]), "percent")


def grid(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 3.2")):
        if not cells[0].isdigit():
            continue
        year = int(cells[0])
        for value, variant in zip(
            cells[3:6], ("average", "excl_market_nonfossil", "fossil_only"), strict=True
        ):
            yield golden(
                "§3.2",
                GRID_SETS[year],
                "co2_factor",
                "electricity",
                number(value),
                "tCO2/MWh",
                "CN",
                str(year),
                variant,
            )
    block = section(text, "### 3.3")
    for cells in rows(block):
        region = region_code(cells[0].strip("*"), strict=False)
        if region is None:
            continue
        for year, value in zip((2021, 2022, 2023), cells[1:4], strict=True):
            yield golden(
                "§3.3",
                GRID_SETS[year],
                "co2_factor",
                "electricity",
                number(value),
                "tCO2/MWh",
                region,
                str(year),
                "average",
            )
    legacy = block[block.index("**Legacy regional factors**") :]
    legacy = legacy[legacy.index("Values:") : legacy.index("tCO2/MWh")]
    for name, value in re.findall(r"(\S+) \**([\d.]+)\**", legacy):
        yield golden(
            "§3.3 legacy",
            "ndrc-2012-regional",
            "co2_factor",
            "electricity",
            float(value),
            "tCO2/MWh",
            region_code(name) or "",
            "2012",
            "legacy_regional",
        )


def ets(text: str) -> Iterator[dict[str, str]]:
    """Each factor for the data years it was issued for; a later notice wins a shared year."""
    by_year: dict[int, float] = {}
    for cells in rows(section(text, "### 3.1")):
        value = number(cells[1])
        if value is None or "do not use" in cells[4]:
            continue
        years = [int(y) for y in re.findall(r"20\d\d", cells[3])]
        if "–" in cells[3]:  # "2019–2020 reporting"
            years += list(range(years[0], years[1] + 1))
        for year in years:
            by_year[year] = value
    for year, value in sorted(by_year.items()):
        yield golden(
            "§3.1",
            "ets-reporting",
            "co2_factor",
            "electricity",
            value,
            "tCO2/MWh",
            "CN",
            str(year),
            "ets_reporting",
        )


FOOTPRINT_KINDS = {
    "燃煤": "coal_fired",
    "燃气": "gas_fired",
    "水电": "hydro",
    "核电": "nuclear",
    "风电": "wind",
    "光伏": "solar_pv",
    "光热": "solar_thermal",
    "生物质": "biomass",
}


def footprint(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 3.4")):
        if not cells[0].isdigit():
            continue
        year = cells[0]

        def row(variant: str, value: float | None, year: str = year) -> dict[str, str]:
            return golden(
                "§3.4",
                "electricity-footprint",
                "co2e_footprint_factor",
                "electricity",
                value,
                "kgCO2e/kWh",
                "CN",
                year,
                variant,
            )

        yield row("average", number(cells[1]))
        for name, value in re.findall(r"(\S+) ([\d.]+)", cells[2]):
            yield row(FOOTPRINT_KINDS[name], float(value))
        for part in cells[3].split(";"):
            value = float(part.split()[-1])
            yield row(
                "td_incl_losses" if "含线损" in part and "不含" not in part else "td_excl_losses",
                value,
            )


def baseline(text: str) -> Iterator[dict[str, str]]:
    """CCER/CDM baseline factors quoted in §3.3's prose ("2023 华北 OM = 0.935 tCO2/MWh")."""
    regions = {"华北": "grid-north", "东北": "grid-northeast", "华东": "grid-east",
               "华中": "grid-central", "西北": "grid-northwest", "南方": "grid-south"}  # fmt: skip
    pattern = r"(\d{4}) (\S+) (OM|BM) = ([\d.]+) tCO2/MWh"
    for year, region, kind, value in re.findall(pattern, section(text, "### 3.3")):
        variant = "operating_margin" if kind == "OM" else "build_margin"
        yield golden(
            "§3.3", "ccer-baseline", "co2_factor", "electricity", float(value), "tCO2/MWh",
            regions[region], year, variant,
        )  # fmt: skip


def heat(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 3.5")):
        if cells[0].startswith("Purchased heat"):
            value = float(re.search(r"([\d.]+) tCO2/GJ", cells[1]).group(1))  # type: ignore[union-attr]
            yield golden(
                "§3.5", "gbt32150-2025", "co2_factor", "heat", value, "tCO2/GJ", variant="default"
            )


def ipcc(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 4.1")):
        code = IPCC.get(cells[0])
        if code is None or "unverified" in cells[4]:
            continue
        yield golden("§4.1", "ipcc-2006", "co2_per_energy", code, number(cells[1]), "kgCO2/TJ")
        yield golden("§4.1", "ipcc-2006", "ncv", code, number(cells[2]), "GJ/t")
        # IPCC assumes complete oxidation (§2.5: "about 1 % higher, because OF = 1")
        yield golden("§2.5", "ipcc-2006", "oxidation_rate", code, 100.0, "percent")
        if "/" in cells[3]:
            ch4, n2o = (float(v) for v in cells[3].split("/"))
            yield golden("§4.1", "ipcc-2006", "ch4_per_energy", code, ch4, "kgCH4/TJ")
            yield golden("§4.1", "ipcc-2006", "n2o_per_energy", code, n2o, "kgN2O/TJ")


def gwp(text: str) -> Iterator[dict[str, str]]:
    editions = ("SAR", "AR4", "AR5", "AR6")
    for cells in rows(section(text, "### 4.2")):
        gases = [g.strip() for g in re.sub(r"\(.*?\)", "", cells[0]).split("/")]
        if cells[0] in ("Gas",):
            continue
        for edition, cell in zip(editions, cells[1:5], strict=True):
            values = [v.strip() for v in re.sub(r"\(.*?\)", "", cell).split("/")]
            if (
                "unverified" in cell
                or cell.strip() == "—"
                or (
                    "unverified" in cells[5] and ("SAR unverified" in cells[5] and edition == "SAR")
                )
            ):
                continue
            if len(gases) > 1:
                for gas, v in zip(gases, values, strict=True):
                    yield golden(
                        "§4.2", "ipcc-gwp100", "gwp100", gas, number(v), "1", variant=edition
                    )
                continue
            gas = gases[0].split()[0]
            yield golden(
                "§4.2", "ipcc-gwp100", "gwp100", gas, number(values[0]), "1", variant=edition
            )
            if gas == "CH4" and edition == "AR6":  # "27.9 (non-fossil 27.0 / fossil 29.8)"
                fossil = re.search(r"non-fossil ([\d.]+) / fossil ([\d.]+)", cell)
                assert fossil is not None
                yield golden(
                    "§4.2",
                    "ipcc-gwp100",
                    "gwp100",
                    "CH4-non-fossil",
                    float(fossil.group(1)),
                    "1",
                    variant=edition,
                )
                yield golden(
                    "§4.2",
                    "ipcc-gwp100",
                    "gwp100",
                    "CH4-fossil",
                    float(fossil.group(2)),
                    "1",
                    variant=edition,
                )


def carbonates(text: str) -> Iterator[dict[str, str]]:
    for cells in rows(section(text, "### 5.1")):
        formula = cells[0].split()[0]
        if number(cells[1].split("(")[0]) is not None:
            yield golden(
                "§5.1",
                "gbt32151.34-2024",
                "process_co2_factor",
                formula,
                number(cells[1].split("(")[0]),
                "tCO2/t",
            )


def main(reference: str) -> None:
    text = Path(reference).read_text(encoding="utf-8")
    out = [
        g
        for part in (
            appendix_a,
            appendix_b,
            nbs,
            table_a,
            table_b,
            ets,
            grid,
            footprint,
            baseline,
            heat,
            ipcc,
            gwp,
            carbonates,
        )
        for g in part(text)
    ]
    write_golden(OUT, out, "golden values", COLUMNS)


if __name__ == "__main__":
    main(sys.argv[1])
