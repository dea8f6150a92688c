"""The one table reader: files, data sets and frames as lazy frames with library column names.

Each input becomes one or more *parts* (a CSV file, a Parquet file or data
set, an Excel sheet, a JSON file, a frame), read by the rules of its format:

* typed sources (Parquet, Arrow, Excel cells, JSON numbers, frames) keep their
  types: numbers and datetimes are used as they are;
* CSV is text: it is decoded losslessly (UTF-8 with or without BOM, else
  GB18030/GBK, or the encoding given) and every column is read as text, so a
  bad cell becomes a rejected row with its row number instead of a parse
  failure;
* foreign headers (Chinese, mixed case, stray spaces) are mapped to library
  names (:data:`carbonacct.vocabulary.COLUMN_MAP`) — on one machine and in a
  Dask worker alike;
* an Excel workbook is read sheet by sheet: the sheets that hold the required
  columns are read, the others are listed as *unread* with their row counts
  (``sheet=`` picks one).

Every part knows its row count, so that a row of the combined input can be
traced back to its file (and sheet) and its row within it.
"""

from __future__ import annotations

import atexit
import codecs
import glob
import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import polars as pl

from carbonacct.errors import InputError
from carbonacct.vocabulary import COLUMN_FALLBACK, COLUMN_MAP

__all__ = [
    "Part",
    "Source",
    "Unread",
    "detect_encoding",
    "parse_once",
    "read_parts",
    "release",
    "rename_columns",
]

TableLike = str | Path | pl.DataFrame | pl.LazyFrame | Any

#: Encodings tried, in order, when none is given (GB18030 is a superset of GBK and GB2312).
ENCODINGS = ("utf-8", "gb18030")
_CHUNK = 1 << 24


@dataclass(frozen=True)
class Part:
    """One table of the input: a file, a data set, a sheet or a frame.

    ``rows`` is its row count; ``files`` and ``file_rows`` list the files of
    a multi-file Parquet data set in the order they are read.
    """

    frame: pl.LazyFrame
    label: str
    format: str
    rows: int
    files: tuple[str, ...] = ()
    file_rows: tuple[int, ...] = ()
    #: The row (CSV: line) of the first data row in the file, as a spreadsheet shows it.
    first: int = 1
    #: A text part parsed once: its scratch Parquet copy of normalised rows (``frame`` reads it).
    parsed: str | None = None
    #: A scratch copy ``frame`` reads (a CSV in another encoding, as UTF-8): see :func:`release`.
    scratch: str | None = None


@dataclass(frozen=True)
class Unread:
    """A table that was found and not read (an Excel sheet that does not hold readings)."""

    label: str
    rows: int
    reason: str


@dataclass(frozen=True)
class Source:
    """Where an input came from: a name for messages, checksum, format, and its parts."""

    name: str
    #: SHA-256 of the input, or its computation still running on a thread beside the pass
    digest: str | Future[str] | None = None
    format: str = "frame"
    files: tuple[str, ...] = field(default_factory=tuple)
    encodings: tuple[str, ...] = field(default_factory=tuple)
    unread: tuple[Unread, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with the digest resolved (a running computation does not pickle)."""
        values = [getattr(self, f.name) for f in fields(self)]
        return (Source, (self.name, self.sha256, *values[2:]))

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the input files (waits for the thread computing it, if any)."""
        return self.digest.result() if isinstance(self.digest, Future) else self.digest

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"name": self.name, "format": self.format, "sha256": self.sha256}
        if self.encodings:
            rec["encodings"] = list(self.encodings)
        if self.unread:
            rec["unread"] = [
                {"table": u.label, "rows": u.rows, "why": u.reason} for u in self.unread
            ]
        return rec


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    """SHA-256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _hashing(digest: Callable[[Any], str], paths: Any) -> Future[str]:
    """The SHA-256 of ``paths`` computed on a thread, while the pass reads them (hashlib and
    file reads release the GIL, so it overlaps the pass instead of preceding it)."""
    global _HASHER
    if _HASHER is None:
        _HASHER = ThreadPoolExecutor(1, thread_name_prefix="carbonacct-sha256")
    return _HASHER.submit(digest, paths)


_HASHER: ThreadPoolExecutor | None = None


def _sha256_many(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(str(p.name).encode())
        digest.update(sha256_file(p).encode())
    return digest.hexdigest()


def rename_columns(columns: Sequence[str], source: str = "the input") -> dict[str, str]:
    """Map foreign headers (Chinese, mixed case, stray spaces, BOM) to library names.

    Raises
    ------
    InputError
        When two headers mean the same column (企业代码 and firm_id, or one header
        written twice): which one holds the data cannot be guessed.
    """
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    for c in columns:
        key = c.strip().lstrip("\ufeff").strip()
        if "_duplicated_" in key:  # polars' name for a header that appears twice
            key = key.split("_duplicated_")[0]
        base, _, n = key.rpartition("_")
        if n.isdigit() and base in columns:  # the Excel reader's name for it (企业代码_1)
            key = base
        name = COLUMN_MAP.get(key) or COLUMN_MAP.get(key.lower()) or key.lower().replace(" ", "_")
        if name in taken and key in COLUMN_FALLBACK:
            name = COLUMN_FALLBACK[key]
        if name in taken:
            raise InputError(
                f"{source}: columns {taken[name]!r} and {c!r} both mean {name!r}; keep one "
                "(or rename the other).",
                file=source,
                row=1,
                column=c,
            )
        taken[name] = c
        if name != c:
            mapping[c] = name
    return mapping


def _renamed(lf: pl.LazyFrame, source: str = "the input") -> pl.LazyFrame:
    return lf.rename(rename_columns(lf.collect_schema().names(), source))


# -- encodings ---------------------------------------------------------------------------------


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset."""
    line, done = 1, 0
    with path.open("rb") as fh:
        while done < offset:
            block = fh.read(min(_CHUNK, offset - done))
            if not block:
                break
            line += block.count(b"\n")
            done += len(block)
    return line


_WIDE = re.compile("[\u0800-\uffff]")


def _first_error(path: Path, encoding: str) -> tuple[int, bytes, bool] | None:
    """(byte offset, bad bytes, saw UTF-8 text of 3 bytes a character before it) of the first
    undecodable byte. GBK pairs often decode as 2-byte UTF-8 (原 = D4 AD = U+052D) but rarely as
    3-byte sequences, which is what Chinese text in UTF-8 is made of."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done, wide = 0, False
    with path.open("rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                if not wide:  # the part of this block before the error
                    head = block[: exc.start].decode(encoding, errors="ignore")
                    wide = _WIDE.search(head) is not None
                return done + exc.start, block[exc.start : exc.end + 3], wide
            wide = wide or _WIDE.search(text) is not None
            if not block:
                return None
            done += len(block)


def detect_encoding(path: str | Path, encoding: str | None = None, *, whole: bool = True) -> str:
    """The encoding of a text file, checked over every byte (decoding is never lossy).

    UTF-8 (with or without BOM) is tried first, then GB18030 (which covers GBK
    and GB2312, the encodings of Excel's CSV on a Chinese system). A file that
    has valid UTF-8 Chinese text and then a broken byte is corrupt UTF-8, not
    GBK: it is refused, not re-read in another encoding. A UTF-16 file (Excel's
    "Unicode text") is recognised by its byte-order mark.

    Raises
    ------
    InputError
        Naming the file, the line and the bytes that do not decode.
    """
    path = Path(path)
    if encoding is None:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
    candidates = (encoding,) if encoding else ENCODINGS
    for enc in candidates:
        try:
            codecs.lookup(enc)
        except LookupError:
            raise InputError(
                f"{path}: {enc!r} is not a known text encoding (try utf-8 or gb18030).",
                file=str(path),
                row=None,
                column=None,
                value=enc,
            ) from None
        if not whole and enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return enc
        err = _first_error(path, enc)
        if err is None:
            return "utf-8" if enc.lower().replace("_", "-") in ("utf-8", "utf8") else enc
        offset, bad, had_text = err
        if enc == "utf-8" and not encoding and not had_text:
            continue  # no UTF-8 text before the first odd byte: try GB18030
        line = _line_of(path, offset)
        hint = (
            "the file is damaged there, or in another encoding: give it (--encoding)"
            if enc != "utf-8" or had_text
            else "save the file as UTF-8, or give its encoding (--encoding gb18030)"
        )
        raise InputError(
            f"{path}, line {line}: bytes {bad[:4]!r} are not valid {enc}; nothing was read: "
            f"{hint}.",
            file=str(path),
            row=line,
            column=None,
            value=bad[:4].hex(),
        )
    raise AssertionError("unreachable")  # pragma: no cover


_TRANSCODED: list[Path] = []


def _cleanup() -> None:
    for d in _TRANSCODED:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup)


def _scratch() -> Path:
    """A temporary directory removed when the process ends."""
    tmp = Path(tempfile.mkdtemp(prefix="carbonacct-"))
    _TRANSCODED.append(tmp)
    return tmp


def release(part: Part) -> None:
    """Remove the scratch copy a part reads (its UTF-8 copy), once nothing reads that part: when
    it was parsed into a copy of its own (the part must not be read after this)."""
    if part.scratch is None:
        return
    folder = Path(part.scratch).parent
    if folder in _TRANSCODED:
        _TRANSCODED.remove(folder)
        shutil.rmtree(folder, ignore_errors=True)


#: Rows from which a part with text to parse is parsed once into a scratch copy
#: (below, parsing it again in each of the checks' passes costs less than the copy).
PARSE_ONCE_ROWS = 10_000


def parsed_once(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``lf`` written once to a scratch Parquet file and read back from there.

    The checks read the readings in several passes (labels, periods,
    duplicates, registers, sums, gaps, rejects); a plan over text would read and
    parse the text again in each. The copy is streamed (memory stays flat)
    and its columns are exactly ``lf``'s, so every result is the same.
    """
    return pl.scan_parquet(parse_once(lf))


def parse_once(lf: pl.LazyFrame) -> Path:
    """``lf`` written to a scratch Parquet file (see :func:`parsed_once`): its path."""
    out = _scratch() / "parsed.parquet"
    lf.sink_parquet(out, compression="lz4")
    return out


def _utf8_copy(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a text file in another encoding (polars reads UTF-8 only), decoded
    strictly (a byte that does not decode raises UnicodeDecodeError). Blocks of ASCII are
    copied as they are in an encoding where ASCII is itself (GBK, GB18030)."""
    out = _scratch() / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    plain = _ascii_is_itself(encoding)
    with path.open("rb") as src, out.open("wb") as dst:
        while True:
            block = src.read(_CHUNK)
            if plain and block.isascii() and not decoder.getstate()[0]:
                dst.write(block)
            else:
                dst.write(decoder.decode(block, final=not block).encode("utf-8"))
            if not block:
                return out


def _ascii_is_itself(encoding: str) -> bool:
    """Whether ASCII bytes are the same characters in ``encoding`` (not so in UTF-16)."""
    ascii_bytes = bytes(range(128))
    try:
        return ascii_bytes.decode(encoding) == ascii_bytes.decode("ascii")
    except UnicodeDecodeError:
        return False


def separator_of(header: str) -> str:
    """The field separator a CSV header line uses: the most frequent of comma, tab and
    semicolon (a comma when it has none)."""
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _separator(path: Path) -> str:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        return separator_of(fh.readline())


def _csv_part(path: Path, encoding: str | None) -> tuple[Part, str]:
    enc = detect_encoding(path, encoding, whole=False)  # another encoding: checked by the copy
    try:
        readable = path if enc == "utf-8" else _utf8_copy(path, enc)
    except UnicodeDecodeError:
        detect_encoding(path, encoding)  # raises, naming the line and the bytes
        raise
    sep = _separator(readable)
    lf = pl.scan_csv(readable, infer_schema=False, separator=sep, truncate_ragged_lines=False)
    rows = int(lf.select(pl.len()).collect().item())
    copy = None if readable == path else str(readable)
    return Part(_renamed(lf, str(path)), str(path), "csv", rows, first=2, scratch=copy), enc


# -- Excel -------------------------------------------------------------------------------------


def _excel_parts(
    path: Path, sheet: str | None, wanted: Callable[[list[str]], str | None] | None
) -> tuple[list[Part], list[Unread], list[str]]:
    """Every sheet that holds the wanted columns; the others listed with their row counts."""
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    names = list(reader.sheet_names)
    if sheet is not None and sheet not in names:
        raise InputError(
            f"{path}: no sheet {sheet!r}; the workbook has {names}.",
            file=str(path),
            row=None,
            column=None,
            value=sheet,
        )
    parts, unread, notes = [], [], []
    for name in names:
        label = f"{path}#{name}"
        frame, header, why = _sheet_table(reader, name, label, wanted if sheet is None else None)
        if sheet is not None and name != sheet:
            unread.append(Unread(label, frame.height, f"not the sheet asked for ({sheet!r})"))
            continue
        if why is not None:
            # a cover or notes sheet: its first cell is no header, and every filled row unread
            why, rows = _non_table(reader, name, frame) or (why, frame.height)
            unread.append(Unread(label, rows, why))
            continue
        visible = getattr(reader.load_sheet(name, n_rows=0), "visible", "visible")
        if visible != "visible":
            notes.append(f"{label}: a {visible} sheet, read ({frame.height} rows)")
        if header > 0:
            notes.append(f"{label}: header found on row {header + 1} (rows above it skipped)")
        parts.append(Part(frame.lazy(), label, "excel", frame.height, first=header + 2))
        if wanted is None and sheet is None:
            # a side table (firms, activity ...) is the first sheet; the rest are listed
            unread += [Unread(f"{path}#{n}", -1, "only the first sheet is read") for n in names[1:]]
            break
    return parts, unread, notes


def _non_table(reader: Any, name: str, frame: pl.DataFrame) -> tuple[str, int] | None:
    """(why not read, rows with a filled cell) of a sheet of one column or none: a cover or
    notes sheet, said by its cells (the first quoted as written); None for several columns."""
    if frame.width > 1:
        return None
    sheet = reader.load_sheet(name, header_row=None).to_polars()
    cells = [
        text
        for row in sheet.cast(pl.String).rows()
        for text in (str(v).strip() for v in row if v is not None)
        if text
    ]
    if not cells:
        return "not a table: empty", 0
    rows = sum(1 for row in sheet.cast(pl.String).rows() if any(v and v.strip() for v in row))
    first = cells[0] if len(cells[0]) <= 40 else cells[0][:39] + "…"
    plural = "s" * (len(cells) != 1)
    return f"not a table: {len(cells)} filled cell{plural}, the first {first!r}", rows


#: How far down a sheet the header row is looked for (title rows above it are common).
HEADER_SEARCH_ROWS = 10


def _sheet_table(
    reader: Any, name: str, label: str, wanted: Callable[[list[str]], str | None] | None
) -> tuple[pl.DataFrame, int, str | None]:
    """(the sheet as a table, its header row, why it is not read): the first row that holds
    the wanted columns is the header."""
    first_why, first = None, pl.DataFrame()
    for header in range(HEADER_SEARCH_ROWS if wanted is not None else 1):
        try:
            frame = reader.load_sheet(name, header_row=header).to_polars()
        except Exception:  # fewer rows than that
            break
        names = rename_columns(frame.columns, label)
        frame = frame.rename(names)
        why = wanted(frame.columns) if wanted is not None else None
        for given, read in names.items():  # the headers quoted as the sheet has them (CUR, not cur)
            why = why.replace(repr(read), repr(given)) if why else why
        if why is None:
            return frame, header, None
        first_why = first_why or why
        if header == 0:
            first = frame
    return first, 0, first_why


# -- the reader --------------------------------------------------------------------------------


def _frame_part(source: Any) -> Part:
    if isinstance(source, pl.LazyFrame):
        return Part(
            _renamed(source), "<LazyFrame>", "frame", int(source.select(pl.len()).collect().item())
        )
    if isinstance(source, pl.DataFrame):
        return Part(_renamed(source.lazy()), "<DataFrame>", "frame", source.height)
    try:
        frame = pl.from_pandas(source) if not hasattr(source, "schema") else pl.from_arrow(source)
    except Exception as exc:
        raise InputError(
            f"Cannot read {type(source).__name__} as a table; pass a path or a polars, pandas or "
            "Arrow table.",
            file=None,
            row=None,
            column=None,
        ) from exc
    assert isinstance(frame, pl.DataFrame)
    return Part(_renamed(frame.lazy()), f"<{type(source).__name__}>", "frame", frame.height)


def _parquet_meta(path: Path) -> tuple[int, tuple[tuple[str, str], ...]]:
    """(rows, (column, type) of each column) from a Parquet file's footer."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path)
        schema = meta.schema_arrow
        return int(meta.metadata.num_rows), tuple((f.name, str(f.type)) for f in schema)
    except Exception as exc:  # not Parquet, truncated, unreadable
        raise InputError(
            f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc}).",
            file=str(path),
            row=None,
            column=None,
        ) from None


def _without_repeated_hive_columns(lf: pl.LazyFrame, first_file: Path) -> pl.LazyFrame:
    """A partition column (firm=F1/) that a column of the files already holds (企业代码) is
    dropped: the files' own column is the reading's."""
    import pyarrow.parquet as pq

    names = pq.read_schema(first_file).names
    meaning = lambda c: rename_columns([c]).get(c, c)  # noqa: E731
    in_files = {meaning(c) for c in names}
    drop = [c for c in lf.collect_schema().names() if c not in names and meaning(c) in in_files]
    return lf.drop(drop) if drop else lf


def _parquet_files_part(
    path: Path, name: str, checksum: bool
) -> tuple[Part, Future[str] | None] | list[Path]:
    """The files as one typed data set; the files themselves when their columns or types
    differ (ms, µs UTC and ns timestamps from three exporters), to be read one by one."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(path.rglob("*.parquet"))
    else:
        files = sorted(Path(p) for p in glob.glob(name, recursive=True))
    if not files:
        raise InputError(
            f"{name}: no Parquet, CSV or Excel files found.", file=name, row=None, column=None
        )
    if len(files) > 1 and any(f.stat().st_size == 0 for f in files):
        return files  # a failed export among them: each file read, the empty one skipped
    metas = [_parquet_meta(f) for f in files]
    counts = tuple(rows for rows, _ in metas)
    if len({schema for rows, schema in metas if rows}) > 1:
        return files
    # a partition file of a hive data set (firm=F1/0.parquet) keeps its partition columns
    hive = path.is_dir() or any("=" in p for p in path.parent.parts)
    lf = pl.scan_parquet(path if path.is_dir() else name, hive_partitioning=hive)
    if hive:
        lf = _without_repeated_hive_columns(lf, files[0])
    part = Part(_renamed(lf, name), name, "parquet", sum(counts), tuple(map(str, files)), counts)
    return part, _hashing(_sha256_many, files) if checksum else None


def read_parts(
    source: TableLike,
    *,
    checksum: bool = True,
    encoding: str | None = None,
    sheet: str | None = None,
    wanted: Callable[[list[str]], str | None] | None = None,
) -> tuple[list[Part], Source]:
    """Read one input as its parts, with library column names and the types of its format.

    Parameters
    ----------
    source : path or frame
        ``.csv``/``.txt``, ``.parquet`` (a file, a directory or hive data set,
        or a glob), ``.xlsx``/``.xlsm``/``.xls``, ``.json``, or a polars,
        pandas or Arrow table.
    checksum : bool
        Compute the SHA-256 of the input files for the provenance record.
    encoding : str, optional
        Encoding of a CSV file (default: detected, UTF-8 or GB18030).
    sheet : str, optional
        The one Excel sheet to read.
    wanted : callable, optional
        For Excel: given a sheet's mapped column names, None if the sheet is
        to be read, else the reason it is not; without it only the first
        sheet is read (and the others are listed as unread).
    """
    try:
        return _read_parts(source, checksum, encoding, sheet, wanted)
    except InputError:
        raise
    except Exception as exc:  # any reader's failure (polars, pyarrow, calamine, zip) is the file's
        name = str(source) if isinstance(source, (str, Path)) else type(source).__name__
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{name}: cannot be read as a table ({first}).",
            file=name,
            row=None,
            column=None,
        ) from None


def _read_parts(
    source: TableLike,
    checksum: bool,
    encoding: str | None,
    sheet: str | None,
    wanted: Callable[[list[str]], str | None] | None,
) -> tuple[list[Part], Source]:
    if not isinstance(source, (str, Path)):
        part = _frame_part(source)
        return [part], Source(part.label)
    path = Path(source)
    name = str(path)
    if path.is_dir() and _tables_in(path):
        files = sorted(p for p in path.rglob("*") if p.is_file() and _readable(p))
        return _each_file(name, files, checksum, encoding, sheet, wanted)
    if path.is_dir() or "*" in name:
        read = _parquet_files_part(path, name, checksum)
        if isinstance(read, list):
            return _each_file(name, read, checksum, encoding, sheet, wanted)
        part, digest = read
        return [part], Source(name, digest, "parquet", part.files)
    if not path.exists():
        raise InputError(f"{name}: no such file.", file=name, row=None, column=None)
    digest = _hashing(sha256_file, path) if checksum else None
    suffix = path.suffix.lower()
    if suffix in _EMPTY_READ_AS and path.stat().st_size == 0:  # a failed export: no rows
        empty = Part(pl.LazyFrame(), name, "empty", 0)
        return [empty], Source(name, digest, suffix.lstrip(".") or "empty", (name,))
    if suffix in (".csv", ".txt", ".tsv"):
        part, enc = _csv_part(path, encoding)
        return [part], Source(name, digest, "csv", (name,), (enc,))
    if suffix == ".parquet":
        read = _parquet_files_part(path, name, False)
        assert not isinstance(read, list)  # one file
        part = read[0]
        return [Part(part.frame, name, "parquet", part.rows)], Source(
            name, digest, "parquet", (name,)
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        parts, unread, notes = _excel_parts(path, sheet, wanted)
        return parts, Source(
            name, digest, "excel", (name,), unread=tuple(unread), notes=tuple(notes)
        )
    if suffix == ".json":
        frame = pl.read_json(path)
        return [Part(_renamed(frame.lazy(), name), name, "json", frame.height)], Source(
            name, digest, "json", (name,)
        )
    raise InputError(
        f"{name}: unsupported file type {suffix!r}; use .csv, .parquet, .xlsx or .json.",
        file=name,
        row=None,
        column=None,
    )


#: The formats whose 0-byte file is read as a table of no rows.
_EMPTY_READ_AS = (".csv", ".txt", ".tsv", ".parquet", ".xlsx", ".xlsm", ".xls", ".json")

#: What a folder's files are read as besides Parquet (hidden files and others are left alone).
_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")


def _readable(path: Path) -> bool:
    return not path.name.startswith((".", "_", "~$")) and path.suffix.lower() in (
        *_TABLE_SUFFIXES,
        ".parquet",
    )


def _tables_in(folder: Path) -> bool:
    """Whether a folder holds CSV or Excel files (then every table file in it is read as if
    listed one by one; a folder of Parquet files alone is one data set)."""
    return any(p.suffix.lower() in _TABLE_SUFFIXES and _readable(p) for p in folder.rglob("*"))


def _each_file(
    name: str,
    files: list[Path],
    checksum: bool,
    encoding: str | None,
    sheet: str | None,
    wanted: Callable[[list[str]], str | None] | None,
) -> tuple[list[Part], Source]:
    """A folder's (or glob's) files read as if listed one by one: the same figures and rejects."""
    parts: list[Part] = []
    sources: list[Source] = []
    for f in files:
        p, s = _read_parts(f, checksum, encoding, sheet, wanted)
        parts += p
        sources.append(s)
    digest = ",".join(s.sha256 or "-" for s in sources) if checksum else None
    return parts, Source(
        name,
        digest,
        "multiple",
        tuple(f for s in sources for f in s.files),
        tuple(e for s in sources for e in s.encodings),
        tuple(u for s in sources for u in s.unread),
        tuple(n for s in sources for n in s.notes),
    )
