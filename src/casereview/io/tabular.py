"""Reading an import file, whatever shape people keep it in, as one table (SPEC 7.1).

One function is the API::

    table = read_table(path, known, required, sheet=None)

``known`` is every column the file may have and ``required`` those it must have (header
names are matched whatever their case, surrounding spaces ignored). The file is recognised
from its bytes, not trusted by its name:

- an Excel workbook (``.xlsx``): the first visible sheet, or ``sheet``; the first row is the
  header; date cells are written as ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM`` with a time), whole
  numbers without a decimal point, and text as typed (a text date is read by the model as any
  other); a formula gives its saved result;
- CSV text: UTF-8 (with or without a BOM), or Windows-1252 when it is not UTF-8 but is valid
  Windows-1252 (Excel's "CSV (Comma delimited)"); comma-, semicolon- or tab-separated, told
  from the header row;
- anything else (a workbook or PDF with a ``.csv`` name, UTF-16 text, an old ``.xls``) is
  refused with a FileInvalid that names what the file appears to be and how to fix it.

The result (``Table``) gives:

- ``columns``: the header's names, lower case, and ``rows``: an iterator of
  ``(line, {column: text})`` with ``line`` the CSV's physical line or the sheet's row number.
  A row the reader cannot make sense of (wrong number of fields, a value under an unnamed
  column) comes as ``{"__error__": message, "__raw__": values}`` for the caller to report
  with the rest. A column with an empty header and no values is left out altogether.
- ``header_raw``: the header as the file spells it (for a rejects file), in ``columns`` order;
- ``notes``: one line each for what was recognised that a person should know (the sheet
  read, Windows-1252, a semicolon or tab separator);
- ``fingerprint``: the SHA-256 of the file's bytes; ``estimated_rows``: about how many data
  rows there are (for a progress bar), or None;
- ``unit``: "line" or "row", the word for ``line`` in messages; ``place``: the file (and
  sheet) to name in messages;
- ``layout``: how it was read; ``read_table(..., layout=table.layout)`` opens the same file
  again without recognising it again (the second process of a parallel import does).

Every problem with the file as a whole raises ``FileInvalid`` (io/csvfile.py) before any
row is read.
"""

from __future__ import annotations

import codecs
import hashlib
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from casereview.io.csvfile import (
    FileInvalid,
    FileProblem,
    OptionMisused,
    Table,
    check_header,
    read_csv,
    unreadable,
)

__all__ = ["FileInvalid", "FileProblem", "Layout", "Table", "read_table"]

_CHUNK = 1 << 20
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
# Bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252 either.
_NOT_CP1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_SEPARATORS = {",": None, ";": "semicolon-separated", "\t": "tab-separated"}
WORKBOOK_ENDINGS = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Layout:
    """How a file is read: ``kind`` "csv" (with its encoding and delimiter) or "xlsx" (with
    the sheet)."""

    kind: str
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    sheet: str | None = None


def read_table(path: Path, known: tuple[str, ...], required: tuple[str, ...], *,
               sheet: str | None = None, layout: Layout | None = None) -> Table:
    """The file at ``path`` as a Table, its header checked against ``known`` and
    ``required``; see the module's description."""
    path = Path(path)
    if layout is not None:
        table = _open(path, known, required, layout)
        table.layout = table.layout or layout
        return table
    scan = _scan(path)
    name = str(path)
    notes: list[str] = []
    if scan.kind == "xlsx":
        layout = Layout("xlsx", sheet=sheet)
    else:
        if sheet is not None:
            raise OptionMisused(name, [FileProblem(None, None, (
                "--sheet is for workbooks, and this file is CSV text; leave --sheet out"))])
        encoding = "utf-8-sig" if scan.utf8 else "cp1252"
        if not scan.utf8:
            notes.append(f"{name}: not UTF-8; read as Windows-1252 (Excel's \"CSV (Comma "
                         "delimited)\")")
        delimiter = _delimiter(scan.head, encoding, known)
        if _SEPARATORS[delimiter]:
            notes.append(f"{name}: {_SEPARATORS[delimiter]}")
        layout = Layout("csv", encoding, delimiter)
    table = _open(path, known, required, layout)
    table.layout = table.layout or layout
    table.fingerprint = scan.sha256
    table.notes = notes + table.notes
    if table.estimated_rows is None and scan.lines:
        table.estimated_rows = max(scan.lines - 1, 0)
    return table


def _open(path: Path, known, required, layout: Layout) -> Table:
    if layout.kind == "xlsx":
        from casereview.io.workbook import read_sheet

        return read_sheet(path, known, required, layout.sheet)
    return read_csv(path, known, required, encoding=layout.encoding,
                    delimiter=layout.delimiter)


@dataclass
class _Scan:
    kind: str          # "csv" or "xlsx"
    sha256: str
    utf8: bool
    head: bytes        # the first bytes, for the header
    lines: int


def _scan(path: Path) -> _Scan:
    """One pass over the bytes: the fingerprint, what the file is, its encoding and length."""
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise unreadable(name, exc) from None
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, is_cp1252, lines = True, True, 0
    bad: tuple[int, int] | None = None  # (offset, byte) of the first byte that is not UTF-8
    offset, last = 0, b""
    with handle:
        head = handle.read(_CHUNK)
        kind = _what_is(path, head)
        if kind == "csv" and b"\x00" in head.split(b"\n", 1)[0]:
            raise _refused(name, "is a binary file, not CSV text")
        chunk = head
        while chunk:
            digest.update(chunk)
            if kind == "csv":
                lines += chunk.count(b"\n")
                # An ASCII chunk is UTF-8 as it is (unless a character began before it).
                pending = len(utf8.getstate()[0])  # bytes of a character begun before
                if is_utf8 and not (chunk.isascii() and not pending):
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError as exc:
                        is_utf8 = False
                        at = max(offset - pending + exc.start, 0)
                        bad = (at, _byte_at(path, at))
                # (One byte search each, which is all but free, where a regular
                # expression would cost more than the hash.)
                if is_cp1252 and any(byte in chunk for byte in _NOT_CP1252):
                    is_cp1252 = False
            offset += len(chunk)
            last = chunk[-1:]
            chunk = handle.read(_CHUNK)
        if kind == "csv" and is_utf8:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
                bad = (offset - 1, head[-1] if head else 0)
    if kind == "csv" and not is_utf8 and not is_cp1252:
        assert bad is not None
        line = _line_of(path, bad[0])
        raise FileInvalid(name, [FileProblem(line, None, (
            f"is neither UTF-8 nor Windows-1252 text (byte 0x{bad[1]:02X}); save the file as "
            "'CSV UTF-8' and import it again"))])
    # A last line without its line break is a line too.
    return _Scan(kind, digest.hexdigest(), is_utf8, head, lines + (last not in (b"\n", b"")))


def _byte_at(path: Path, offset: int) -> int:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return (handle.read(1) or b"\0")[0]


def _line_of(path: Path, offset: int) -> int:
    count = 0
    with open(path, "rb") as handle:
        while offset > 0:
            chunk = handle.read(min(_CHUNK, offset))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count + 1


def _refused(name: str, what: str) -> FileInvalid:
    return FileInvalid(name, [FileProblem(None, None, what)])


def _what_is(path: Path, head: bytes) -> str:
    """"xlsx" or "csv", or a FileInvalid naming what the file appears to be."""
    name = str(path)
    workbook_name = path.suffix.lower() in WORKBOOK_ENDINGS
    if head.startswith(_ZIP):
        inside = _zip_names(path)
        if "xl/workbook.xml" in inside:
            if workbook_name:
                return "xlsx"
            return _raise(name, (
                f"is an Excel workbook saved with a {path.suffix or 'missing'} ending, not CSV "
                f"text: rename it {path.stem}.xlsx and import that (or save it from Excel as "
                "'CSV UTF-8')"))
        if "content.xml" in inside:
            return _raise(name, "is an OpenDocument spreadsheet (.ods), not CSV text: save it "
                                "as .xlsx or 'CSV UTF-8' and import that")
        if "word/document.xml" in inside:
            return _raise(name, "is a Word document, not CSV text or a workbook")
        return _raise(name, "is a zip file, not CSV text or a workbook")
    if workbook_name:
        if _looks_like_text(head):
            return _raise(name, f"has an {path.suffix} ending but is CSV text, not a workbook: "
                                f"rename it {path.stem}.csv and import that")
        return _raise(name, f"has an {path.suffix} ending but is not a workbook: save it "
                            "from Excel as .xlsx again")
    if head.startswith(_OLE):
        return _raise(name, "is an old-style Excel workbook (.xls) or another Office file, "
                            "not CSV text: save it from Excel as .xlsx or 'CSV UTF-8' and "
                            "import that")
    if head.startswith(b"%PDF"):
        return _raise(name, "is a PDF document, not CSV text")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _raise(name, "is UTF-16 text (Excel's 'Unicode Text'), not CSV: save it from "
                            "Excel as 'CSV UTF-8' and import that")
    return "csv"


def _raise(name: str, message: str) -> str:
    raise _refused(name, message)


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head[:4096]


def _zip_names(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


def _delimiter(head: bytes, encoding: str, known: tuple[str, ...]) -> str:
    """The separator that makes the most of the header row's names known columns (a comma
    when none does better)."""
    import csv

    first = head.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    wanted = set(known)
    best, best_score = ",", -1
    for delimiter in _SEPARATORS:
        try:
            fields = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        score = sum(1 for f in fields if f.strip().lower() in wanted)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- cells of a workbook as text ------------------------------------------------------------

def cell_text(value: object) -> str:
    """A workbook cell's value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        value = _nearest_second(value)
        if value.time() == time(0):
            return value.date().isoformat()
        if value.second:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, timedelta):  # a duration cell ([h]:mm)
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _nearest_second(value: datetime) -> datetime:
    """Excel keeps times as fractions of a day: 23:15 may come back as 23:14:59.999999."""
    if value.microsecond >= 500_000:
        value += timedelta(seconds=1)
    return value.replace(microsecond=0)


def column_letter(position: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


__all__ += ["cell_text", "check_header", "column_letter"]
