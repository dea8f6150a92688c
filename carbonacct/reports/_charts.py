"""Charts of the reports, drawn with matplotlib (Agg) and inlined as PNG.

Chinese labels use the WenQuanYi Micro Hei font shipped with the package
(Apache-2.0, see ``carbonacct/_fonts/NOTICE.txt``), so they render on machines
without a CJK font. Year axes carry whole years only.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

from carbonacct.benchmarks import product_label
from carbonacct.pathways import required_value
from carbonacct.vocabulary import LABELS, carrier_label, header, label

__all__ = [
    "chart_font",
    "green_chart",
    "pathway_chart",
    "product_chart",
    "sector_label",
    "share_chart",
    "share_rows",
    "stacked",
    "status_chart",
]


@cache
def chart_font() -> Any:
    """The CJK font for chart labels, registered with matplotlib once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = str(resources.files("carbonacct") / "_fonts" / "wqy-microhei.ttc")
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams["font.family"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return font_manager.FontProperties(fname=path)


def png(fig: Any) -> str:
    """The figure as base64 PNG text (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def figure(title: str) -> tuple[Any, Any]:
    chart_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.set_title(title)
    return fig, ax


def stacked(frame: pl.DataFrame, value: str, title: str, ylabel: str, lang: str = "en") -> str:
    """Stacked bars of ``value`` by period, one colour per carrier (named in ``lang``)."""
    fig, ax = figure(title)
    wide = frame.pivot(on="carrier", index="period", values=value, aggregate_function="sum").sort(
        "period"
    )
    bottom = [0.0] * wide.height
    for carrier in [c for c in wide.columns if c != "period"]:
        heights = wide[carrier].fill_null(0.0).to_list()
        ax.bar(wide["period"].to_list(), heights, bottom=bottom, label=carrier_label(carrier, lang))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel(ylabel)
    if wide.width > 1:  # no monthly readings (all by quarter or year): no legend
        # outside: never over a bar
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return png(fig)


def pathway_chart(row: dict[str, Any], change: float, interp: str, lang: str) -> str:
    """The trajectory a pathway requires from the base year, and the firm's two figures."""
    from matplotlib.ticker import MaxNLocator

    word = header(row["metric"], lang)
    fig, ax = figure(f"{row['pathway']}: {word}" + ("" if "(" in word else f" ({row['unit']})"))
    years = list(range(int(row["base_year"]), int(row["target_year"]) + 1))
    req = [
        required_value(row["base_value"], change, row["base_year"], row["target_year"], y, interp)
        for y in years
    ]
    ax.plot(years, req, "--", color="#555", label=label("required", lang))
    ax.plot(
        [row["base_year"], row["check_year"]],
        [row["base_value"], row["actual"]],
        "o-",
        color="#e76f51",
        label=label("actual", lang),
    )
    ax.axvline(row["target_year"], color="#999", linewidth=0.8)
    ax.annotate(f"{label('target', lang)} {row['target_year']}", (row["target_year"], req[-1]))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole years on the axis
    ax.legend(fontsize=8)
    return png(fig)


def product_chart(products: pl.DataFrame, lang: str) -> str:
    fig, ax = figure(label("products", lang))
    for i, r in enumerate(products.iter_rows(named=True)):
        ax.plot([r["benchmark"], r["baseline"]], [i, i], color="#bbb", linewidth=6)
        ax.plot([r["actual"]], [i], "o", color="#e76f51")
        ax.annotate(
            f"{r['actual']:g} {r['unit']} ({label(r['level'], lang)})",
            (r["actual"], i + 0.15),
            fontsize=8,
        )
    ax.set_yticks(range(products.height), [product_label(p, lang) for p in products["product"]])
    return png(fig)


def green_chart(green: Any, lang: str) -> str:
    fig, ax = figure(f"{label('green_score', lang)}: {green.score_pct:.1f} %")
    b = green.by_indicator
    ax.barh(
        b["level1"].to_list(),
        b["max_points"].to_list(),
        color="#ddd",
        label=label("max_points", lang),
    )
    ax.barh(
        b["level1"].to_list(), b["points"].to_list(), color="#2a9d8f", label=label("points", lang)
    )
    ax.legend(fontsize=8)
    return png(fig)


#: A colour per status that says what it means: a binding breach red, off track orange, above a
#: path amber; below a path light green, on track green; refused, missing or insufficient data and
#: no target in greys (no verdict), darker where the firm has to act.
STATUS_COLOURS = {
    "breach": "#c0392b",
    "off_track": "#e67e22",
    "invalid_input": "#566573",
    "insufficient_data": "#99a3a4",
    "above_path": "#f5b041",
    "no_data": "#cacfd2",
    "below_path": "#82e0aa",
    "on_track": "#27ae60",
    "not_covered": "#e5e8e8",
}


def status_words(status: str, lang: str) -> str:
    """A status for people: its Chinese label, or its English words (``below the path``)."""
    if lang == "zh":
        return label(status, lang)
    return LABELS[status][0] if status in LABELS else status.replace("_", " ")


def sector_label(code: Any, name: Any) -> str:
    """A sector by its code and the last part of its name (``C 制造业 / 33 金属制品业``:
    ``3391 金属制品业``); the code alone without a name.

    >>> sector_label("3391", "C 制造业 / 33 金属制品业"), sector_label("3391", None)
    ('3391 金属制品业', '3391')
    """
    if not name:
        return str(code)
    return f"{code} {str(name).rsplit('/', 1)[-1].strip().split(' ', 1)[-1]}"


def status_chart(by_sector: pl.DataFrame, statuses: list[str], lang: str) -> str:
    """Firms per sector, one bar per sector stacked by status in the status colours (the
    first sector of the frame on top)."""
    from matplotlib.ticker import MaxNLocator

    fig, ax = figure(label("firms_by_status", lang))
    fig.set_size_inches(8, max(2.4, 0.38 * by_sector.height + 1.2))
    left = [0] * by_sector.height
    names = by_sector["sector_name"] if "sector_name" in by_sector.columns else None
    sectors = [
        sector_label(code, name)
        for code, name in zip(
            by_sector["sector"],
            names if names is not None else [None] * by_sector.height,
            strict=True,
        )
    ]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # firms are counted whole
    for status in statuses:
        counts = by_sector[status].to_list()
        ax.barh(
            sectors,
            counts,
            left=left,
            label=status_words(status, lang),
            color=STATUS_COLOURS.get(status, "#999999"),
            edgecolor="white",
            linewidth=0.5,
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))  # never over a bar
    return png(fig)


def share_rows(ps: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The product summary's rows with a share at 标杆 (charted), and those without one (no
    output given: no share, never a 0 % bar)."""
    known = pl.col("share_at_benchmark").is_not_null()
    return ps.filter(known), ps.filter(~known)


def share_chart(ps: pl.DataFrame, lang: str) -> str | None:
    """Output share at 标杆 per product and sector against the target share; None when no
    output is at its 标杆 (every share 0 or unknown): an empty axis says nothing. A product
    without a share (no output given) has no bar."""
    ps = share_rows(ps)[0]
    shares = ps["share_at_benchmark"]
    if not bool((shares > 0).any()):
        return None
    fig, ax = figure(label("share_chart_title", lang))
    fig.set_size_inches(8, max(2.4, 0.38 * ps.height + 1.2))
    labels = [
        f"{product_label(a, lang)} {b}" for a, b in zip(ps["product"], ps["sector"], strict=True)
    ]
    values = (shares * 100).to_list()
    ax.barh(
        labels,
        values,
        height=0.5,
        color=STATUS_COLOURS["on_track"],
        label=label("share_at_benchmark", lang),
    )
    for i, v in enumerate(values):  # inside the bar's end (the target mark may be just past it)
        inside = v >= 12
        ax.annotate(
            f"{v:.1f} %",
            (v, i),
            xytext=(-3 if inside else 3, 0),
            textcoords="offset points",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=8,
        )
    marked = False
    for i, target in enumerate(ps["target_share"].to_list()):
        if target is not None:
            ax.plot(
                [target * 100],
                [i],
                "k|",
                markersize=18,
                label=None if marked else label("target_share", lang),
            )
            marked = True
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return png(fig)
