"""Reading an import CSV: UTF-8 with or without a BOM, exact headers, physical line numbers."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_FIELD = 100_000  # characters; a longer field is an error, not a memory blow-up


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters written as escapes (\\n,
    \\x0b, \\u2028), so that a value quoted back from a file cannot break a message."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text)


@dataclass(frozen=True)
class FileProblem:
    line: int | None
    field: str | None
    message: str

    def describe(self, filename: str) -> str:
        where = filename
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        # One problem, one line: a value quoted back from a multi-line cell keeps its line
        # breaks visible rather than splitting the message.
        return one_line(f"{where}: {self.message}")


class FileInvalid(ValueError):
    """The file as a whole cannot be read (encoding, header)."""

    def __init__(self, filename: str, problems: list[FileProblem]):
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(p.describe(filename) for p in problems))

    def __reduce__(self):  # raised in the validating process, raised again in the importer
        return FileInvalid, (self.filename, self.problems)


def _unreadable(name: str, exc: OSError) -> FileInvalid:
    if isinstance(exc, FileNotFoundError):
        return FileInvalid(name, [FileProblem(None, None, "no such file")])
    if isinstance(exc, IsADirectoryError):
        return FileInvalid(name, [FileProblem(None, None, "is a folder, not a file")])
    return FileInvalid(name, [FileProblem(None, None, "cannot be read (permission denied)")])


def decode(path: Path) -> str:
    name = str(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise _unreadable(name, exc) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileInvalid(name, [FileProblem(
            line, None, f"is not UTF-8 text (byte 0x{data[exc.start]:02X}); save the file as "
            "'CSV UTF-8' and import it again")]) from None


def _lines(path: Path) -> Iterator[str]:
    """The file's lines, decoded as they are read, so that a large file is never held whole.
    A byte that is not UTF-8 stops the reading; only then is the whole file decoded, to name
    the line it is on."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise _unreadable(str(path), exc) from None

    def lines() -> Iterator[str]:
        with handle:
            try:
                yield from handle
            except UnicodeDecodeError:
                decode(path)  # raises FileInvalid with the line number
                raise

    return lines()


@dataclass
class Table:
    """The header and an iterator of (line number, {column: value}) for the data rows."""

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    header_raw: list[str]


def read_table(path: Path, known: tuple[str, ...], required: tuple[str, ...]) -> Table:
    """Open ``path`` and check its header against the known and required columns.

    Row-level shape problems (too many or too few fields, a field too long) are yielded as
    rows carrying the key ``"__error__"`` so that the importer reports them with the rest.
    """
    name = str(path)
    reader = csv.reader(_lines(path), strict=False)
    csv.field_size_limit(max(MAX_FIELD * 4, 131072))
    try:
        header = next(reader)
    except StopIteration:
        raise FileInvalid(name, [FileProblem(None, None, "is empty: expected a header row "
                                                         f"with {', '.join(known)}")]) from None
    except csv.Error as exc:
        raise FileInvalid(name, [FileProblem(1, None, f"header cannot be read: {exc}")]) from None
    columns = [h.strip().lower() for h in header]
    problems = []
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        if not column:
            problems.append(FileProblem(1, None, f"column {position} has no name"))
        elif column in seen:
            problems.append(FileProblem(1, column, "column appears more than once in the header"))
        elif column not in known:
            problems.append(
                FileProblem(1, column, f"unknown column (expected: {', '.join(known)})"))
        seen.add(column)
    for column in required:
        if column not in seen:
            problems.append(FileProblem(1, column, "required column is missing from the header"))
    if problems:
        raise FileInvalid(name, problems)

    width = len(columns)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        line = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, {"__error__": f"cannot be read as CSV: {exc}"}
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            # Whole-record tests first (one C call each): this loop runs once per row.
            joined = "".join(record)
            if not joined or joined.isspace():
                continue
            if len(record) != width:
                yield start, {"__error__": f"has {len(record)} fields but the header has "
                                           f"{width}", "__raw__": record}
                continue
            if len(joined) > MAX_FIELD and max(map(len, record)) > MAX_FIELD:
                too_long = next(c for c, v in zip(columns, record, strict=True)
                                if len(v) > MAX_FIELD)
                yield start, {"__error__": f"field {too_long} is longer than {MAX_FIELD} "
                                           "characters", "__raw__": record}
                continue
            yield start, dict(zip(columns, record, strict=True))

    return Table(columns, rows(), header)
