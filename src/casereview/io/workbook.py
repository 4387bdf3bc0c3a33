"""Reading one sheet of an Excel workbook as an import table (io/tabular.py is the API).

openpyxl in read-only mode streams the sheet's XML, so a sheet of a million rows never sits
in memory; ``data_only`` gives a formula's saved result, as Excel shows it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from casereview.io.csvfile import (
    MAX_FIELD,
    FileInvalid,
    FileProblem,
    Table,
    check_header,
    unnamed_value,
    unreadable,
)

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# A cell of the sheet's XML (not self-closing), its attributes and its content.
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.S)
# A saved result: a <v> element with content, even none (Excel saves a formula giving "" as
# <v></v>), or an inline string. A bare <v/> (or no <v>) is a formula saved without it.
_VALUE = re.compile(rb'<(?:\w+:)?(?:v|is)>')


def read_sheet(path: Path, known: tuple[str, ...], required: tuple[str, ...],
               sheet: str | None = None) -> Table:
    """The sheet ``sheet`` (the first visible one when None) of the workbook at ``path``."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from casereview.io.tabular import Layout, cell_text, column_letter

    name = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise unreadable(name, exc) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileInvalid(name, [FileProblem(None, None, (
            f"cannot be read as an Excel workbook ({exc}); open it in Excel and save it "
            "as .xlsx again"))]) from None
    ws = _choose(book, name, sheet)
    place = f"{name}, sheet '{ws.title}'"
    estimated = (ws.max_row - 1) if ws.max_row else None
    # A sheet's recorded size may be wrong (some programs write none or a stale one): read
    # every row there is rather than trust it.
    ws.reset_dimensions()
    values = ws.iter_rows(min_row=1, values_only=True)
    header_cells = next(values, None)
    if header_cells is None or not any(c not in (None, "") for c in header_cells):
        book.close()
        raise FileInvalid(place, [FileProblem(1, None, (
            f"is empty: the first row should be the header, with {', '.join(known)}"))],
            "row")
    header = [cell_text(c).strip() for c in header_cells]
    checked = check_header(place, header, known, required, "row")
    columns, named, unnamed = checked.columns, checked.positions, set(checked.unnamed)
    width = len(header)
    merges: list[dict[int, str]] = []  # the header's merged cells, found when first needed
    # Formulas saved without their result (a program that writes workbooks may leave the
    # working-out to Excel): read as empty, they would be silently lost.
    unsaved = _formulas_without_results(path, ws._worksheet_path)
    notes = [f"{name}: sheet '{ws.title}'" + (
        f" (the first of {len(book.sheetnames)}; choose another with --sheet NAME)"
        if sheet is None and len(book.sheetnames) > 1 else "")]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, cells in enumerate(values, start=2):
                texts = [cell_text(c) for c in cells]
                if not "".join(texts).strip() and number not in unsaved:
                    continue
                kept = [texts[i] if i < len(texts) else "" for i in named]
                error = None
                for i, text in enumerate(texts):
                    if (i in unnamed or i >= width) and text.strip():
                        if not merges:
                            merges.append(_merged_header(path, ws._worksheet_path))
                        merged = merges[0]
                        why = (f" (its header cell is merged into {merged[i]}; unmerge the "
                               "header cells)" if i in merged else
                               " (it is beyond the header's last column)" if i >= width
                               else "")
                        error = unnamed_value(column_letter(i + 1), known, why)
                        break
                if error is None and number in unsaved:
                    error = _unsaved_message(number, unsaved[number], header, named)
                if error is None:
                    too_long = next((c for c, v in zip(columns, kept) if len(v) > MAX_FIELD),
                                    None)
                    if too_long:
                        error = f"field {too_long} is longer than {MAX_FIELD} characters"
                if error is not None:
                    yield number, {"__error__": error, "__raw__": kept}
                else:
                    yield number, dict(zip(columns, kept))
        finally:
            book.close()

    return Table(columns, rows(), checked.raw, notes=notes, estimated_rows=estimated,
                 unit="row", place=place, layout=Layout("xlsx", sheet=ws.title))


def _choose(book, name: str, sheet: str | None):
    if sheet is None:
        for ws in book.worksheets:
            if ws.sheet_state == "visible":
                return ws
        return book.worksheets[0]
    for wanted in (sheet, sheet.strip().lower()):
        for ws in book.worksheets:
            if ws.title == wanted or ws.title.strip().lower() == wanted:
                return ws
    book.close()
    raise FileInvalid(name, [FileProblem(None, None, (
        f"has no sheet '{sheet}' (its sheets: "
        f"{', '.join(repr(t) for t in book.sheetnames)}); give one of those to --sheet"))])


def _merged_header(path: Path, part: str) -> dict[int, str]:
    """For each column (0-based) whose header cell is part of a merged range: the range
    (e.g. A1:C1). read-only openpyxl does not read merges, so the sheet's XML (``part`` of
    the workbook) is searched for them; only done when a row has a value under a column
    without a name."""
    from openpyxl.utils import column_index_from_string

    found: dict[int, str] = {}
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
            while chunk := xml.read(1 << 20):
                text = tail + chunk
                for m in _MERGE.finditer(text):
                    first_col, first_row, last_col, last_row = m.groups()
                    if int(first_row) != 1:
                        continue
                    span = range(column_index_from_string(first_col.decode()) - 1,
                                 column_index_from_string(last_col.decode()))
                    ref = f"{first_col.decode()}1:{last_col.decode()}{last_row.decode()}"
                    for i in span:
                        found[i] = ref
                tail = text[-200:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    return found


def _formulas_without_results(path: Path, part: str) -> dict[int, dict[int, str]]:
    """{sheet row: {column (0-based): the formula}} of the cells holding a formula with no
    saved result. read-only openpyxl gives such a cell as empty, so the sheet's XML is
    searched (streamed; only the rows of a sheet that has formulas are looked at)."""
    from openpyxl.utils import column_index_from_string

    found: dict[int, dict[int, str]] = {}
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
            while chunk := xml.read(1 << 20):
                text = tail + chunk
                cut = text.rfind(b"row>")  # the end of the last whole row
                if cut < 0:
                    tail = text
                    continue
                body, tail = text[:cut + 4], text[cut + 4:]
                if b"<f" not in body and b":f" not in body:
                    continue
                for cell in _CELL.finditer(body):
                    attributes, content = cell.groups()
                    formula = _FORMULA.search(content)
                    if formula is None or _VALUE.search(content):
                        continue
                    ref = _CELL_REF.search(attributes)
                    if ref is None:
                        continue
                    column = column_index_from_string(ref[1].decode()) - 1
                    found.setdefault(int(ref[2]), {})[column] = (
                        "=" + _xml_text(formula[1]) if formula[1] else "a shared formula")
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    return found


def _xml_text(raw: bytes) -> str:
    from html import unescape

    return unescape(raw.decode("utf-8", "replace"))


def _unsaved_message(number: int, cells: dict[int, str], header: list[str],
                     named: list[int]) -> str | None:
    from casereview.io.tabular import column_letter

    for i, formula in sorted(cells.items()):
        if i in named:
            return (f"cell {column_letter(i + 1)}{number} ({header[i]}) holds a formula "
                    f"({formula}) whose result was not saved in the file: open the workbook "
                    "in Excel or LibreOffice and save it (they save each formula's result), "
                    "or type the value")
    return None
