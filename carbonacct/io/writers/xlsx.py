"""Excel output a person can use, written as a stream of XML built column by column.

One sheet per table with one header row (the controlled column names, whose
suffix spells the unit: ``energy_tce``; or, under :func:`header_language` ``"zh"``,
the Chinese words with the unit: ``综合能耗 (tce)``), so pandas and polars read
numbers as numbers; a ``units`` sheet (table, column, unit), a ``columns`` sheet
(table, column, dtype, header: how :func:`carbonacct.read_result` reads either
header back) and a ``provenance`` sheet.
Every sheet has a frozen bold header, filters, column widths and number
formats. Formula-like text is stored as text (a string cell, shown with
Excel's quote prefix); no cell is ever a formula. Control characters that a
workbook cannot hold are written as visible ``\\xNN`` escapes.

The cells are formatted by polars expressions, a block of rows at a time, and
streamed into the zip: 50,000 rows take seconds where a cell-by-cell writer
(openpyxl) takes most of a minute. The zip entries carry a fixed time, so
equal tables give equal bytes.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from ._base import Provenance, Tables, Units, schema_of

_BLOCK = 20_000  # rows formatted at a time
_SAMPLE = 200  # rows looked at to size a column
_MAX_WIDTH = 60
_EPOCH = (1980, 1, 1, 0, 0, 0)
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
# cellXfs indices in _STYLES
_S_FLOAT, _S_INT, _S_HEADER, _S_QUOTED = 1, 2, 3, 4

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.0##"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
<dxfs count="3">
<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>
<dxf><font><color rgb="FF9C5700"/></font><fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf>
<dxf><font><color rgb="FF006100"/></font><fill><patternFill><bgColor rgb="FFC6EFCE"/></patternFill></fill></dxf>
</dxfs>
</styleSheet>"""

#: Status cells coloured by meaning (dxf index of _STYLES): a binding limit exceeded red, above a
#: path amber, on track green; the same words under --lang zh.
_STATUS_COLOURS = {
    0: ("breach", "exceeds_limit", "超过约束性限值", "超过限额标准"),
    1: ("above_path", "off_track", "高于路径", "偏离路径"),
    2: ("on_track", "below_path", "符合要求", "低于路径"),
}

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text_expr(col: pl.Expr, ref: pl.Expr) -> pl.Expr:
    """A string cell; formula-like text gets the quote-prefix style (still a string)."""
    text = (
        col.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    style = pl.when(col.str.contains(r"^[=+\-@\t\r]")).then(pl.lit(f' s="{_S_QUOTED}"'))
    return pl.format(
        '<c r="{}" t="inlineStr"{}><is><t xml:space="preserve">{}</t></is></c>',
        ref,
        style.otherwise(pl.lit("")),
        text,
    )


def _cell_expr(name: str, dtype: pl.DataType, letter: str, row: pl.Expr) -> pl.Expr:
    col = pl.col(name)
    ref = pl.concat_str(pl.lit(letter), row)
    if dtype.is_float():
        value = pl.when(col.is_finite()).then(col.cast(pl.String))
        cell = pl.format(f'<c r="{{}}" s="{_S_FLOAT}"><v>{{}}</v></c>', ref, value)
    elif dtype.is_integer():
        cell = pl.format(f'<c r="{{}}" s="{_S_INT}"><v>{{}}</v></c>', ref, col.cast(pl.String))
    elif dtype == pl.Boolean:
        cell = pl.format('<c r="{}" t="b"><v>{}</v></c>', ref, col.cast(pl.Int8).cast(pl.String))
    else:
        cell = _text_expr(col, ref)
    return cell.fill_null("")


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column that is not a number becomes text; control characters become escapes."""
    out = []
    for name, dtype in frame.schema.items():
        if dtype.is_numeric() or dtype == pl.Boolean:
            continue
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            col = col.dt.to_string("%Y-%m-%d %H:%M:%S%.f")
        elif dtype.is_temporal():
            col = col.cast(pl.String)
        elif dtype != pl.String:  # lists, structs: their JSON text
            col = col.map_elements(
                lambda v: json.dumps(v, ensure_ascii=False, default=str), return_dtype=pl.String
            )
        out.append(
            pl.when(col.str.contains(_CONTROL))
            .then(col.map_elements(_escape_controls, return_dtype=pl.String))
            .otherwise(col)
            .alias(name)
        )
    return frame.with_columns(out) if out else frame


def _escape_controls(text: str) -> str:
    return "".join(
        f"\\x{ord(ch):02x}" if ord(ch) < 32 and ch not in "\t\n\r" else ch for ch in text
    )


#: The control characters a cell shows as ``\\x01`` escapes (so does the terminal table).
CONTROL = _CONTROL


def escape_controls(text: str) -> str:
    """``text`` with its control characters as the cells show them; as given when it has none."""
    return _escape_controls(text) if re.search(_CONTROL, text) else text


def _rows(frame: pl.DataFrame) -> Iterator[str]:
    """The <row> elements of ``frame``, header first, a block at a time."""
    header = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr" s="{_S_HEADER}"><is><t>'
        f"{escape(_escape_controls(name))}</t></is></c>"
        for i, name in enumerate(frame.columns)
    )
    yield f'<row r="1">{header}</row>'
    frame = _as_text(frame)
    for start in range(0, frame.height, _BLOCK):
        block = frame.slice(start, _BLOCK)
        row = (pl.int_range(pl.len()) + start + 2).cast(pl.String)
        cells = [
            _cell_expr(name, dtype, column_letter(i), row)
            for i, (name, dtype) in enumerate(block.schema.items())
        ]
        xml = block.select(
            pl.format('<row r="{}">{}</row>', row, pl.concat_str(cells)).alias("xml")
        )
        yield "".join(xml["xml"].to_list())


def _width(name: str, values: list[Any]) -> float:
    longest = _display_len(name)
    for v in values:
        if v is not None:
            longest = max(longest, _display_len(f"{v:,.3f}" if isinstance(v, float) else str(v)))
    return min(longest + 2, _MAX_WIDTH)


def _display_len(text: str) -> int:
    # a CJK character takes about two columns
    return len(text) + sum(1 for ch in text if ord(ch) > 0x2E80)


def _sheet_head(frame: pl.DataFrame) -> str:
    sample = frame.head(_SAMPLE)
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_width(c, sample[c].to_list()):.1f}" customWidth="1"/>'
        for i, c in enumerate(frame.columns, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _sheet_tail(frame: pl.DataFrame) -> str:
    if not frame.width:
        return "</sheetData></worksheet>"
    ref = f"A1:{column_letter(frame.width - 1)}{frame.height + 1}"
    return f'</sheetData><autoFilter ref="{ref}"/>{_status_colours(frame)}</worksheet>'


def _status_colours(frame: pl.DataFrame) -> str:
    """Conditional formats colouring the cells of each status column (a text column whose
    values are all check statuses, as codes or in Chinese) by their meaning."""
    from carbonacct.vocabulary import STATUSES

    statuses = {*STATUSES, "exceeds_limit"}
    statuses |= {t.zh for t in STATUSES.values()} | set(_STATUS_COLOURS[0])
    out, priority = [], 1
    for i, (name, dtype) in enumerate(frame.schema.items()):
        if dtype != pl.String or not frame.height:
            continue
        values = set(frame[name].drop_nulls().unique().to_list())
        if not values or not values <= statuses:
            continue
        rules = []
        for dxf, ws in _STATUS_COLOURS.items():
            for w in ws:
                rules.append(
                    f'<cfRule type="cellIs" dxfId="{dxf}" priority="{priority}" '
                    f'operator="equal"><formula>"{escape(w)}"</formula></cfRule>'
                )
                priority += 1
        cells = f"{column_letter(i)}2:{column_letter(i)}{frame.height + 1}"
        out.append(
            f'<conditionalFormatting sqref="{cells}">{"".join(rules)}</conditionalFormatting>'
        )
    return "".join(out)


def _sheet_names(names: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    out: list[str] = []
    for name in names:
        clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
        candidate, n = clean, 2
        while candidate.lower() in (o.lower() for o in out):
            candidate = f"{clean[:28]}_{n}"
            n += 1
        out.append(candidate)
    return out


def _package(names: list[str]) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": f'{head}<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'{head}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'{head}<workbook {_NS} xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets>'
        "</workbook>",
        "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{_PKG}/relationships">{rels}'
        f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _STYLES,
    }


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


#: The language of the header row of the table sheets (see :func:`header_language`).
_HEADER_LANG: ContextVar[str] = ContextVar("carbonacct_xlsx_headers", default="en")


@contextmanager
def header_language(lang: str) -> Iterator[None]:
    """Write the table sheets' headers in ``lang`` within the block: ``"zh"`` gives the
    vocabulary's Chinese words with units (``综合能耗 (tce)``), ``"en"`` the controlled names."""
    token = _HEADER_LANG.set(lang)
    try:
        yield
    finally:
        _HEADER_LANG.reset(token)


def headers(columns: list[str], lang: str) -> list[str]:
    """The header of each column in ``lang``, each one distinct (a word two columns share is
    followed by the controlled name).

    >>> headers(["energy_tce", "item_id", "clause"], "zh")
    ['综合能耗 (tce)', '条款', '条款 [clause]']
    """
    if lang != "zh":
        return list(columns)
    from carbonacct.vocabulary import header

    out: list[str] = []
    for c in columns:
        h = header(c, "zh")
        out.append(f"{h} [{c}]" if h in out else h)
    return out


def write_workbook(sheets: Mapping[str, pl.DataFrame], out: Path) -> Path:
    """Write ``sheets`` (name -> frame) as an .xlsx workbook."""
    names = _sheet_names(list(sheets))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _package(names).items():
            zf.writestr(_entry(name), text)
        for i, frame in enumerate(sheets.values(), start=1):
            with zf.open(_entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as fh:
                fh.write(_sheet_head(frame).encode())
                for chunk in _rows(frame):
                    fh.write(chunk.encode())
                fh.write(_sheet_tail(frame).encode())
    return out


def write(tables: Tables, out: Path, units: Units, provenance: Provenance) -> list[Path]:
    unit_rows = [(t, c, u) for t, per in units.items() for c, u in per.items()]
    # every column's dtype, so that carbonacct.read_result gives the frames back as written
    lang = _HEADER_LANG.get()
    named = {
        t: dict(zip(f.columns, headers(f.columns, lang), strict=True)) for t, f in tables.items()
    }
    dtype_rows = [
        (t, c, d, named[t][c]) for t, per in schema_of(tables).items() for c, d in per.items()
    ]
    prov = [
        (k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str))
        for k, v in provenance.items()
    ]
    sheets = {
        **{t: f.rename(named[t]) for t, f in tables.items()},
        "units": pl.DataFrame(unit_rows, schema=["table", "column", "unit"], orient="row"),
        "columns": pl.DataFrame(
            dtype_rows, schema=["table", "column", "dtype", "header"], orient="row"
        ),
        "provenance": pl.DataFrame(prov, schema=["key", "value"], orient="row"),
    }
    return [write_workbook(sheets, out)]
