"""The green-factory assessment template (`carbonacct template assessment`): YAML or xlsx.

One source, the YAML text below; the workbook's sheets are made from it, in the
layout :func:`carbonacct.green_factory.read_assessment` reads (``factory`` key/value,
``inputs`` key/value, ``answers``, ``indicators``, ``levels``, ``weights``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The example assessment, with a comment per key. Weights the model does not ship,
#: the levels and the pass mark are the user's (GB/T 36132 gives no pass mark).
YAML = """\
# Green-factory self-assessment (GB/T 36132). Fill in and score with:
#   carbonacct green-score assessment.yaml --footprint READINGS --firms firms.csv --activity activity.csv
# Weights the model does not ship, the baseline/leading levels and the pass mark are
# yours (a province's scheme or an evaluator's): name where each comes from.
firm_id: "91320500EXAMPLE0001"
name: 示例企业
model: gbt36132-2025            # or gbt36132-2018 (carbonacct green-score --help)
period: "2024"
product: castings               # the footprint's product (activity metric) for per-product indicators
weights_source: our provincial scheme 2024 (replace with yours)
weights: {L2.1: 8, L2.2: 8, L2.3: 8, L2.4: 6, L3.1: 6, L3.2: 5, L3.3: 5, L4.1: 8, L4.2: 8, L5.1: 3, L5.2: 3, L5.3: 2}
pass_mark: 60                   # [%] of the maximum points; leave out for a score with no verdict
pass_mark_source: our provincial scheme 2024 (replace with yours)
inputs:                         # the factory's own figures for the computed indicators
  site_area_m2: 52000
  building_footprint_m2: 21300
  floor_area_m2: 39500
  output_value_cny10k: 96500
  water_withdrawal_t: 118000
  waste_generated_t: 3400
  waste_utilised_t: 3050
  renewable_energy_tce: 96
indicators:                     # figures given directly, each with its unit and evidence
  platform_functions: {value: 9, unit: "1", evidence: 能碳管理平台验收报告}
  pollutant_ratio: {value: 0.42, unit: "1", evidence: 排污许可执行报告}
  footprint_share: {value: 0.5, unit: "1", evidence: 2 of 4 product categories}
  water_reuse_rate: {value: 0.91, unit: "1", evidence: 水平衡测试报告}
levels:                         # baseline and leading value per item (yours, with units as shown)
  L1.1: {baseline: 450, leading: 300}        # kgce/t of product
  L1.2: {baseline: 0.30, leading: 0.15}      # tCO2/万元
  L1.3: {baseline: 0.02, leading: 0.10}
  L1.4: {baseline: 4}
  L2.1: {baseline: 2.0, leading: 0.8}        # t/万元
  L2.2: {baseline: 0.85, leading: 0.95}
  L2.3: {baseline: 0.80, leading: 0.95}
  L3.3: {baseline: 0.8, leading: 0.5}
  L4.2: {baseline: 0.2, leading: 0.8}
  L5.1: {baseline: 1.0, leading: 3.0}        # 万元/m2
  L5.3: {baseline: 0.7, leading: 1.2}
answers:                        # status: met, partly (with fraction), not_met, not_applicable (with reason)
  B: {status: met, evidence: 营业执照、近三年无重大安全环境事故说明}
  L2.4: {status: partly, fraction: 0.5, evidence: 节约原材料案例 1 项}
  L3.1: {status: met, evidence: 节能降碳技术装备推荐目录中的设备}
  L3.2: {status: partly, fraction: 0.6, evidence: 改造项目清单}
  L4.1: {status: not_met, evidence: 尚无绿色设计产品}
"""


def _rows(mapping: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [{key: k, **v} for k, v in mapping.items()]


def write(out: Path) -> None:
    """Write the template as ``out``'s suffix says: .yaml/.yml or .xlsx."""
    import polars as pl
    import yaml

    if out.suffix.lower() in (".yaml", ".yml"):
        out.write_text(YAML, encoding="utf-8")
        return
    from carbonacct.io.writers.xlsx import write_workbook

    data = yaml.safe_load(YAML)
    factory = {k: v for k, v in data.items() if not isinstance(v, dict)}
    sheets = {
        "inputs": pl.DataFrame(
            {"key": list(data["inputs"]), "value": [float(v) for v in data["inputs"].values()]}
        ),
        "factory": pl.DataFrame(
            {"key": list(factory), "value": [str(v) for v in factory.values()]}
        ),
        "answers": pl.DataFrame(_rows(data["answers"], "item_id"), infer_schema_length=None),
        "indicators": pl.DataFrame(_rows(data["indicators"], "name")),
        "levels": pl.DataFrame(_rows(data["levels"], "item_id")),
        "weights": pl.DataFrame(
            {
                "item_id": list(data["weights"]),
                "weight": [float(v) for v in data["weights"].values()],
            }
        ),
    }
    write_workbook(sheets, out)
