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
    notes = [f"{name}: sheet '{ws.title}'" + (
        f" (the first of {len(book.sheetnames)}; choose another with --sheet NAME)"
        if sheet is None and len(book.sheetnames) > 1 else "")]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, cells in enumerate(values, start=2):
                texts = [cell_text(c) for c in cells]
                if not "".join(texts).strip():
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
