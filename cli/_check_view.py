"""What `carbonacct check` prints for people: a count table by status and sector, the products,
the exceptions (every binding breach first) and the firms to follow up. A list cut for the
terminal says what it cut and where the rest is; the detail is in the -o file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ._output import _console, _console_width, current_lang, emit, words

if TYPE_CHECKING:
    import carbonacct

#: Rows of the exceptions shown besides the binding breaches, and at most this many breaches.
TOP = 20
MOST_BREACHES = 100
#: Statuses of the exceptions that mean a binding obligation is missed.
BINDING = ("breach", "exceeds_limit")


def show(result: carbonacct.CheckResult, output: str | None) -> None:
    """Print the check's views for people on stdout."""
    _by_status(result.firms, output, result.provenance.get("year"))
    if result.product_summary.height:
        emit(
            _products_named(result.product_summary.drop("target_source", "basis")),
            "table",
            title=words("products_title"),
        )
    _exceptions(result.exceptions, output)
    _follow_up(result.follow_up(), output)


def _say(key: str, *args: object) -> None:
    """A sentence, wrapped at the terminal's width (display cells: a Chinese character is two)."""
    text = words(key).format(*args)
    _console(_console_width()).print(text, markup=False, highlight=False, overflow="fold")


def _where(output: str | None, sheet: str) -> str:
    """Where the rows not shown are: the sheet of the -o file, or how to write them."""
    if output and output.lower().endswith(".xlsx"):
        return words("rest_in_sheet").format(sheet, output)
    if output:
        return words("rest_in_file").format(output)
    return words("rest_with_o").format(sheet)


def _by_status(firms: pl.DataFrame, output: str | None, year: object) -> None:
    """Firms per status and sector (its GB/T 4754 division), one row per sector and a total."""
    from carbonacct.compliance import STATUSES

    if not firms.height:
        emit(firms, "table", title=words("firms_by_status_sector_title"))
        return
    sector = (
        pl.col("sector_name")
        .str.split(" / ")
        .list.last()
        .fill_null(pl.col("sector").cast(pl.String))
        .fill_null(words("no_sector"))
        .alias("sector_name")
    )
    counts = firms.select(sector, "status").group_by("sector_name", "status").len()
    wide = counts.pivot(on="status", index="sector_name", values="len").fill_null(0)
    shown = [s for s in STATUSES if s in wide.columns]
    wide = wide.select("sector_name", *shown).sort("sector_name")
    # the total first: on a narrow terminal the parts after the first repeat the sector only
    wide = wide.select("sector_name", pl.sum_horizontal(*shown).alias("firms"), *shown)
    total = wide.select(
        pl.lit(words("all_sectors")).alias("sector_name"),
        *(pl.col(c).sum() for c in wide.columns[1:]),
    )
    frame = pl.concat([wide, total], how="vertical_relaxed")
    title = (
        words("firms_by_status_sector_year").format(year)
        if isinstance(year, int)
        else words("firms_by_status_sector_title")
    )
    emit(frame, "table", title=title)
    _say("by_place_note", _where(output, "summary"))


def _products_named(frame: pl.DataFrame) -> pl.DataFrame:
    """The product column in people's words (the written files keep the codes)."""
    from carbonacct.benchmarks import product_label

    names = [product_label(p, current_lang()) for p in frame["product"]]
    return frame.with_columns(pl.Series("product", names, dtype=pl.String))


def _what(rows: pl.DataFrame) -> list[str | None]:
    """What each exception is about, in people's words: the product's name and its indicator
    (水泥熟料：熟料单位产品综合电耗), else the metric's (the written files keep the codes)."""
    from carbonacct.benchmarks import indicator_label, product_label

    lang = current_lang()
    sep = "：" if lang == "zh" else ": "
    out: list[str | None] = []
    for p, m in zip(rows["product"], rows["metric"], strict=True):
        metric = None if m is None else indicator_label(m, p, lang)
        out.append(
            metric if p is None else sep.join(filter(None, (product_label(p, lang), metric)))
        )
    return out


def _exceptions(exceptions: pl.DataFrame, output: str | None) -> None:
    """Every binding breach (up to MOST_BREACHES), then the worst others up to TOP rows."""
    binding = exceptions.filter(pl.col("status").is_in(BINDING))
    others = exceptions.filter(~pl.col("status").is_in(BINDING))
    shown_binding = binding.head(MOST_BREACHES)
    top = pl.concat([shown_binding, others.head(max(TOP - shown_binding.height, 0))])
    view = top.select(
        "name",
        pl.Series("metric", _what(top), dtype=pl.String),
        "check_year",
        pl.col("actual", "required").round_sig_figs(6),  # float noise not shown; files keep it
        "unit",
        "status",
        pl.col("gap_rel").round(4),
    )
    emit(view, "table", title=f"{words('exceptions_title')} ({exceptions.height})")
    if top.height == exceptions.height:
        return
    cut_binding = binding.height - shown_binding.height
    said = (
        words("all_breaches").format(binding.height)
        if not cut_binding
        else words("some_breaches").format(shown_binding.height, binding.height)
    )
    rest = pl.concat(
        [binding.slice(shown_binding.height), others.slice(top.height - shown_binding.height)]
    )
    counted = rest.group_by("status").len().sort("len", "status", descending=[True, False])
    sep = "、" if current_lang() == "zh" else ", "
    by_status = sep.join(f"{n} {words(s)}" for s, n in counted.iter_rows())
    where = _where(output, "exceptions")
    _say("exceptions_cut", top.height, exceptions.height, said, by_status, where)


def _follow_up(incomplete: pl.DataFrame, output: str | None) -> None:
    """Firms to follow up for their data (CheckResult.follow_up), the first TOP, and how many
    more."""
    if not incomplete.height:
        return
    emit(
        incomplete.select("name", "report_year", "status", "follow_up").head(TOP),
        "table",
        title=f"{words('incomplete_title')} ({incomplete.height})",
    )
    if incomplete.height > TOP:
        _say("firms_cut", TOP, incomplete.height, _where(output, "firms"))


__all__ = ["show"]
