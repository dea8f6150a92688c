"""Transcribe the GB quota grades of the reference notes into tests/data/golden_quota_grades.csv.

The golden grades come from ``pathways-and-benchmarks.md`` §2.3, never from
the shipped ``factors/benchmarks/gb-quota-grades.csv``, so a changed grade fails
``tests/compliance/test_quota_goldens.py`` however its checksum was made.

Usage: ``python tests/tools/golden_quota_from_reference.py REFERENCE_DIR``. Review the
diff of the CSV before committing it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from _golden_csv import write_golden

OUT = Path(__file__).resolve().parent.parent / "data" / "golden_quota_grades.csv"
E = "product_energy_intensity"
#: (product, metric) -> (standard, the row's product/process cell, position in its "a / b" lists)
ROWS: dict[tuple[str, str], tuple[str, str, int]] = {
    ("cement", E): ("GB 16780-2021", "Cement, comprehensive", 0),
    ("cement_clinker", E): ("GB 16780-2021", "Clinker, comprehensive", 0),
    ("cement_clinker", "product_electricity_intensity"): (
        "GB 16780-2021",
        "Clinker, electricity",
        0,
    ),
    ("cement_clinker", "product_coal_intensity"): ("GB 16780-2021", "Clinker, coal", 0),
    ("cement_grinding", "product_electricity_intensity"): (
        "GB 16780-2021",
        "Cement preparation (grinding) section electricity",
        0,
    ),
    ("sinter", E): ("GB 21256-2025", "Sintering", 0),
    ("pellet", E): ("GB 21256-2025", "Pelletising", 0),
    ("blast_furnace_iron", E): ("GB 21256-2025", "Blast furnace", 0),
    ("bof_steel", E): ("GB 21256-2025", "BOF (ordinary converters)", 0),
    ("eaf_steel_lt50t", E): ("GB 21256-2025", "EAF, <50 t", 0),
    ("eaf_steel_50_70t", E): ("GB 21256-2025", "EAF, 50–70 t", 0),
    ("eaf_steel_ge70t", E): ("GB 21256-2025", "EAF, ≥70 t", 0),
    ("coke_top_charging", E): ("GB 21342-2025", "Top-charging coke oven", 0),
    ("coke_stamp_charging", E): ("GB 21342-2025", "Stamp-charging coke oven", 0),
    ("electrolytic_aluminium", "product_electricity_intensity"): (
        "GB 21346-2022",
        "Aluminium liquid, AC power",
        0,
    ),
    ("electrolytic_aluminium", "product_comprehensive_ac_power_intensity"): (
        "GB 21346-2022",
        "Aluminium liquid, comprehensive AC power",
        0,
    ),
    ("aluminium_ingot", "product_comprehensive_ac_power_intensity"): (
        "GB 21346-2022",
        "Aluminium ingot, comprehensive AC power",
        0,
    ),
    ("aluminium_ingot", E): ("GB 21346-2022", "Aluminium ingot, comprehensive energy", 0),
    ("alumina_bayer", "product_process_energy_intensity"): (
        "GB 21346-2022",
        "Bayer alumina, process / comprehensive",
        0,
    ),
    ("alumina_bayer", E): ("GB 21346-2022", "Bayer alumina, process / comprehensive", 1),
    ("alumina_other", "product_process_energy_intensity"): (
        "GB 21346-2022",
        "Alumina, other processes, process / comprehensive",
        0,
    ),
    ("alumina_other", E): (
        "GB 21346-2022",
        "Alumina, other processes, process / comprehensive",
        1,
    ),
    ("refining", "refining_energy_factor_intensity"): ("GB 30251-2024", "Refining", 0),
    ("ethylene", E): ("GB 30251-2024", "Ethylene", 0),
    ("px", E): ("GB 30251-2024", "PX", 0),
    ("pta", E): ("GB 30251-2024", "PTA", 0),
    ("polypropylene_gas_phase", E): ("GB 30251-2024", "Polypropylene, gas phase / liquid bulk", 0),
    ("polypropylene_liquid_bulk", E): (
        "GB 30251-2024",
        "Polypropylene, gas phase / liquid bulk",
        1,
    ),
    ("urea_turbine_compressor", E): (
        "GB 21344-2023",
        "Urea, CO2 compressor on steam turbine / electric motor",
        0,
    ),
    ("urea_motor_compressor", E): (
        "GB 21344-2023",
        "Urea, CO2 compressor on steam turbine / electric motor",
        1,
    ),
    ("calcium_carbide", E): ("GB 21343-2023", "Calcium carbide, comprehensive", 0),
    ("calcium_carbide", "product_electricity_intensity"): (
        "GB 21343-2023",
        "Calcium carbide, furnace electricity",
        0,
    ),
    ("pvc_carbide_general", E): ("GB 21257-2024", "PVC, carbide route, general-purpose", 0),
    ("soda_ash_ammonia_light", E): ("GB 29140-2024", "Ammonia-soda, light / heavy", 0),
    ("soda_ash_ammonia_heavy", E): ("GB 29140-2024", "Ammonia-soda, light / heavy", 1),
    ("soda_ash_joint_light", E): ("GB 29140-2024", "Joint soda (refined salt), light / heavy", 0),
    ("soda_ash_joint_heavy", E): ("GB 29140-2024", "Joint soda (refined salt), light / heavy", 1),
    ("mto_excl_feedstock", E): (
        "GB 30180-2024",
        "MTO, feedstock energy not counted / counted (App. A)",
        0,
    ),
    ("mto_incl_feedstock", E): (
        "GB 30180-2024",
        "MTO, feedstock energy not counted / counted (App. A)",
        1,
    ),
    ("pv_glass_le300", E): ("GB 21340-2019", "PV rolled glass, ≤300 t/d / >300 t/d", 0),
    ("pv_glass_gt300", E): ("GB 21340-2019", "PV rolled glass, ≤300 t/d / >300 t/d", 1),
    ("sanitary_ware_le0.3", E): ("GB 21252-2023", "Sanitary ware, absorption ≤0.3% / >0.3%", 0),
    ("sanitary_ware_gt0.3", E): ("GB 21252-2023", "Sanitary ware, absorption ≤0.3% / >0.3%", 1),
    ("tyre_all_steel_radial", E): (
        "GB 29449-2024",
        "Tyres: all-steel radial / semi-steel radial",
        0,
    ),
    ("tyre_semi_steel_radial", E): (
        "GB 29449-2024",
        "Tyres: all-steel radial / semi-steel radial",
        1,
    ),
}
LISTS: dict[str, tuple[str, str, list[str]]] = {
    # standard, row cell, the products in the order of the row's "a / b / c" lists
    "ammonia": (
        "GB 21344-2023",
        "Ammonia: premium anthracite / non-premium & briquette / pulverised coal / lignite / "
        "natural gas",
        [
            "ammonia_premium_anthracite",
            "ammonia_non_premium_anthracite",
            "ammonia_pulverised_coal",
            "ammonia_lignite",
            "ammonia_natural_gas",
        ],
    ),
    "map": (
        "GB 21344-2023",
        "MAP, traditional granular / traditional powder / slurry granular / slurry powder",
        [
            "map_traditional_granular",
            "map_traditional_powder",
            "map_slurry_granular",
            "map_slurry_powder",
        ],
    ),
    "dap": (
        "GB 21344-2023",
        "DAP, traditional granular / slurry granular",
        ["dap_traditional_granular", "dap_slurry_granular"],
    ),
    "caustic": (
        "GB 21257-2024",
        "Caustic soda, liquid ≥30% / liquid ≥45% / solid ≥98%",
        ["caustic_soda_30", "caustic_soda_45", "caustic_soda_solid_98"],
    ),
    "methanol": (
        "GB 29436-2023",
        "Methanol from bituminous coal / anthracite / lignite / natural gas / coke-oven gas",
        [
            "methanol_bituminous",
            "methanol_anthracite",
            "methanol_lignite",
            "methanol_natural_gas",
            "methanol_coke_oven_gas",
        ],
    ),
    "eg": (
        "GB 29436-2023",
        "Ethylene glycol from ethylene / syngas / coal",
        ["ethylene_glycol_ethylene", "ethylene_glycol_syngas", "ethylene_glycol_coal"],
    ),
    "flat_glass": (
        "GB 21340-2019",
        "Flat glass, >800 t/d / 500–800 t/d / ≤500 t/d",
        ["flat_glass_gt800", "flat_glass_500_800", "flat_glass_le500"],
    ),
    "tile": (
        "GB 21252-2023",
        "Dry-pressed tile, absorption ≤0.2% / 0.2–0.5% / 0.5–10% / >10%",
        ["ceramic_tile_le0.2", "ceramic_tile_0.2_0.5", "ceramic_tile_0.5_10", "ceramic_tile_gt10"],
    ),
    "ferroalloy": (
        "GB 21341-2022",
        "Ferrosilicon / silicomanganese / high-carbon ferrochrome, comprehensive",
        ["ferrosilicon", "silicomanganese", "high_carbon_ferrochrome"],
    ),
    "silicon": (
        "GB 21347-2023",
        "Industrial silicon (charcoal / petcoke and coal / coal reductant); magnesium",
        [
            "industrial_silicon_charcoal",
            "industrial_silicon_petcoke_coal",
            "industrial_silicon_coal",
            "magnesium",
        ],
    ),
    "anode": (
        "GB 25324-2022",
        "Prebaked anode, calcination / forming / roasting",
        ["prebaked_anode_calcination", "prebaked_anode_forming", "prebaked_anode_roasting"],
    ),
}


def cells_of(text: str) -> dict[tuple[str, str], list[str]]:
    """§2.3 rows keyed by (standard, product/process cell); the standard carries down."""
    block = text[text.index("### 2.3") :]
    block = block[: block.index("\n## 3")]
    out: dict[tuple[str, str], list[str]] = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not cells[0].startswith("GB "):
            continue
        standard = " ".join(cells[0].split()[:2])
        out[(standard, cells[1])] = cells
    return out


def numbers(cell: str) -> list[float | None]:
    """'310 / 340' -> [310, 340]; '2500 / 2700 / 2800; 3500' -> 4 values; '—' -> None."""
    parts = re.split(r"\s*[/;]\s*", cell.strip())
    return [None if p in ("—", "-", "") else float(p.replace("−", "-")) for p in parts]


def transcribe(ref_dir: Path) -> list[dict[str, str]]:
    text = (ref_dir / "pathways-and-benchmarks.md").read_text(encoding="utf-8")
    table = cells_of(text)
    found: list[tuple[str, str, str, list[float | None]]] = []
    for (product, metric), (standard, label, i) in ROWS.items():
        cells = table[(standard, label)]
        found.append((product, metric, standard, [numbers(c)[i] for c in cells[3:6]]))
    for standard, label, products in LISTS.values():
        cells = table[(standard, label)]
        for i, product in enumerate(products):
            found.append((product, E, standard, [numbers(c)[i] for c in cells[3:6]]))
    # the PVC ethylene route stands in the notes column of the carbide row
    pvc = table[("GB 21257-2024", "PVC, carbide route, general-purpose")][6]
    m = re.search(r"ethylene route (\d+) / (\d+) / (\d+)", pvc)
    assert m, pvc
    found.append(("pvc_ethylene", E, "GB 21257-2024", [float(g) for g in m.groups()]))
    # the PVC paste resin grades (targets-and-exclusions-2026, 723号 area 29) are graded
    # "not found" there: not shipped, so not transcribed
    return [
        {
            "product": p,
            "metric": metric,
            "standard": std,
            **{f"grade{k + 1}": "" if v is None else repr(v) for k, v in enumerate(g)},
        }
        for p, metric, std, g in sorted(found)
    ]


def main(ref_dir: str) -> None:
    write_golden(OUT, transcribe(Path(ref_dir)), "golden quota rows")


if __name__ == "__main__":
    main(sys.argv[1])
