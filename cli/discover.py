"""`carbonacct carriers` and `carbonacct template`: what the inputs look like."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._listing import emit_machine, listing_options
from ._output import emit

_FIRM = "91320500EXAMPLE0001"
#: kind -> (Chinese or library headers, example rows). Every header is one the
#: readers map (carbonacct.vocabulary.COLUMN_MAP); a test runs the footprint on them.
TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]] = {
    "readings": (
        (
            "企业代码",
            "计量器具编号",
            "厂区",
            "能源品种",
            "采集时间",
            "统计期",
            "数量",
            "计量单位",
            "读数类型",
        ),
        (
            # intervals labelled by their start (00:00, 00:15 ...): detected, not assumed
            (_FIRM, "E-01", "site-A", "电力", "2024-01-01 00:00:00", None, 412.5, "kWh", "间隔"),
            (_FIRM, "E-01", "site-A", "电力", "2024-01-01 00:15:00", None, 398.0, "kWh", "间隔"),
            (_FIRM, "G-01", "site-A", "天然气", "2024-01-01 00:00:00", None, 184230, "Nm3", "累计"),
            (_FIRM, "G-01", "site-A", "天然气", "2024-02-01 00:00:00", None, 214524, "Nm3", "累计"),
            (_FIRM, None, "site-A", "烟煤", None, "2024", 1200, "t", "间隔"),
        ),
    ),
    "firms": (
        ("企业代码", "企业名称", "所在省份", "行业代码"),
        ((_FIRM, "苏州示例精密铸造有限公司 (example)", "江苏省", "3391"),),
    ),
    "activity": (
        ("企业代码", "统计期", "指标", "指标值", "计量单位"),
        ((_FIRM, "2024", "value_added", 38600, "万元"), (_FIRM, "2024", "castings", 12450, "t")),
    ),
    "fuel-parameters": (
        ("企业代码", "能源品种", "参数", "指标值", "计量单位"),
        ((_FIRM, "烟煤", "ncv", 22.5, "GJ/t"), (_FIRM, "烟煤", "carbon_content", 0.0255, "tC/GJ")),
    ),
    # the two rows of the materials module's own example (a user's declared values)
    "materials": (
        ("品种", "类别", "计量单位", "参数", "数值", "数值单位", "来源"),
        (
            (
                "电极",
                "process",
                "t",
                "emission_factor",
                3.663,
                "tCO2/t",
                "CETS—AG—03.01—V01—2024 附录A",
            ),
            ("粗钢", "carbon_product", "t", "carbon_content", 0.0101, "tC/t", "lab report 2025-03"),
        ),
    ),
}


@click.command()
@listing_options
def carriers(**opts: Any) -> None:
    """List the energy carriers: code, Chinese name, unit.

    --verbose adds the English name, aliases and category."""
    from carbonacct.vocabulary import carriers as table

    rows = table().select("code", "name_zh", "name_en", "aliases", "category", "canonical_unit")
    if not emit_machine(rows, "carriers", opts):
        emit(
            rows if opts["verbose"] else rows.select("code", "name_zh", "canonical_unit"),
            "table",
            title="Carriers (the carrier column takes the code, the Chinese name or an alias)",
        )


@click.command()
@click.argument("kind", type=click.Choice(sorted([*TEMPLATES, "assessment"])))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The file to write: .csv (UTF-8) or .xlsx (default KIND.csv); "
    "the green-factory assessment .yaml or .xlsx (default assessment.yaml).",
)
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def template(kind: str, output: str | None, force: bool = False) -> None:
    """Write an example input file (CSV or xlsx, Chinese headers) to fill in."""
    import polars as pl

    if kind == "assessment":
        from . import _assessment_template

        out = Path(output or "assessment.yaml")
        if out.suffix.lower() not in (".yaml", ".yml", ".xlsx"):
            raise click.BadParameter(f"{out.name}: use a .yaml or .xlsx name.", param_hint="-o")
        _assessment_template.write(out)
        click.echo(f"wrote {out}", err=True)
        return

    headers, rows = TEMPLATES[kind]
    frame = pl.DataFrame(
        [dict(zip(headers, r, strict=True)) for r in rows], infer_schema_length=None
    )
    out = Path(output or f"{kind}.csv")
    if out.exists() and not force:  # a filled-in table is not overwritten by an example
        raise click.ClickException(f"{out} exists; give --force to overwrite it, or another -o.")
    if out.suffix.lower() == ".xlsx":
        from carbonacct.io.writers.xlsx import write_workbook

        write_workbook({kind: frame}, out)
    elif out.suffix.lower() == ".csv":
        from carbonacct.io.writers.csv import to_csv

        out.write_text(to_csv(frame), encoding="utf-8")
    else:
        raise click.BadParameter(f"{out.name}: use a .csv or .xlsx name.", param_hint="-o")
    click.echo(f"wrote {out}", err=True)


@click.group()
def pathways() -> None:
    """The carbon-peak pathways carbonacct ships, with their documents and grades."""


@pathways.command("list")
@listing_options
def list_pathways(**opts: Any) -> None:
    """Every shipped pathway target: pathway, metric, region, years, change, unit (--verbose:
    sectors, product, value type, obligation, grade; the documents follow the table)."""
    import polars as pl

    from carbonacct.pathways import load_pathways

    rows = pl.concat(
        [
            p.targets.drop("prefixes").with_columns(
                pl.lit(p.id).alias("pathway"), pl.lit(p.manifest.document).alias("document")
            )
            for p in load_pathways()
        ],
        how="diagonal_relaxed",
    )
    shown = ("pathway", "metric", "region", "sectors", "product", "base_year", "year", "value")
    rows = rows.select(*shown, "value_type", "unit", "obligation", "grade", "document")
    if emit_machine(rows, "pathways", opts):
        return
    title = "Pathways (carbonacct check --pathway ID; a file of your own works the same way)"
    if opts["verbose"]:
        _emit_with_documents(rows, "pathway", rows, title)
        return
    target = (
        pl.when(pl.col("value_type") == "relative")
        .then(pl.format("{}% vs {}", (pl.col("value") * 100).round(6), pl.col("base_year")))
        .otherwise(pl.format("{} {}", pl.col("value"), pl.col("unit")))
    )
    shown = rows.with_columns(target.alias("target"))
    for (pathway, region, document), part in shown.group_by(
        "pathway", "region", "document", maintain_order=True
    ):
        where = f" ({region})" if region else ""
        part = part.select("metric", "product", "year", "target")
        emit(part, "table", title=f"{pathway}{where}: {document}")
    click.echo("carbonacct check --pathway ID; a file of your own works the same way")


def _emit_with_documents(rows: Any, key: str, shown: Any, title: str) -> None:
    """People get the ``shown`` rows, then each ``key``'s document once."""
    emit(shown.drop("document", strict=False), "table", title=title)
    documents = rows.select(key, "document").unique(maintain_order=True)
    emit(documents, "table", title="Documents")


#: What a row measures, in a word, where a table lists a product under several indicators
#: (clinker energy and clinker coal are both kgce/t): without it, one row reads as printed twice.
MEASURES = {
    "product_energy_intensity": "energy",
    "product_electricity_intensity": "power",
    "product_coal_intensity": "coal",
    "product_comprehensive_ac_power_intensity": "power_total",
    "product_process_energy_intensity": "process",
}


def _named(part: Any, values: tuple[str, ...]) -> Any:
    """Product, unit and ``values``; with ``measures`` when a product has several rows."""
    import polars as pl

    if not part["product"].is_duplicated().any():
        return part.select("product", "unit", *values)
    measures = pl.col("metric").replace(MEASURES).alias("measures")
    return part.select("product", measures, "unit", *values)


@click.group()
def benchmarks() -> None:
    """The 标杆/基准 levels and GB quota grades carbonacct ships, with documents and grades."""


@benchmarks.command("list")
@listing_options
def list_benchmarks(**opts: Any) -> None:
    """Every shipped 标杆/基准 level and GB energy-quota grade: product, unit, levels, edition or
    standard (--verbose: indicator, deadline, grade of the source; the documents follow)."""
    import polars as pl

    from carbonacct.benchmarks import benchmark_levels, quota_grades

    levels = benchmark_levels().select(
        "product", "metric", "indicator", "unit", "benchmark", "baseline", "deadline",
        "edition", "grade", "document",
    )  # fmt: skip
    grades = quota_grades().select(
        "product", "metric", "indicator", "unit", "grade1", "grade2", "grade3",
        "standard", "table", "grade",
    )  # fmt: skip
    both = [
        levels.with_columns(kind=pl.lit("level")),
        grades.with_columns(kind=pl.lit("quota_grade")),
    ]
    if emit_machine(pl.concat(both, how="diagonal_relaxed"), "benchmarks", opts):
        return  # one table for machines
    verbose = opts["verbose"]
    if verbose:
        _emit_with_documents(levels, "edition", levels, "标杆/基准 levels (benchmark, baseline)")
    else:  # one table per document, titled with it
        for (document,), part in levels.group_by("document", maintain_order=True):
            shown = _named(part, ("benchmark", "baseline"))
            emit(shown, "table", title=f"标杆/基准 levels: {document}")
    title = "GB energy-consumption quota grades{} (grade 3 = 限定值)"
    if verbose:
        emit(grades.rename({"grade": "source_grade"}), "table", title=title.format(""))
        return
    for (standard,), part in grades.group_by("standard", maintain_order=True):
        shown = _named(part, ("grade1", "grade2", "grade3"))
        emit(shown, "table", title=title.format(f": {standard}"))
