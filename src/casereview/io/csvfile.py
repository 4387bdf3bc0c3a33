"""Reading an import CSV (UTF-8 with or without a BOM, or Windows-1252; comma, semicolon or
tab separated), exact headers, physical line numbers. io/tabular.py recognises the file and
calls ``read_csv``; it is the module to use."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
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

    def describe(self, filename: str, unit: str = "line") -> str:
        where = filename
        if self.line is not None:
            where += f", {unit} {self.line}"
        message = self.message
        if self.field and ":" in self.field:
            # A header such as "a:b" would read as "field a:b: ..." and blur where the
            # location ends; such a name is quoted in the message instead.
            message = f"column {self.field!r}: {message}"
        elif self.field:
            where += f", field {self.field}"
        # One problem, one line: a value quoted back from a multi-line cell keeps its line
        # breaks visible rather than splitting the message.
        return one_line(f"{where}: {message}")


class FileInvalid(ValueError):
    """The file as a whole cannot be read (encoding, header)."""

    def __init__(self, filename: str, problems: list[FileProblem], unit: str = "line"):
        self.filename = filename
        self.problems = problems
        self.unit = unit
        super().__init__("\n".join(p.describe(filename, unit) for p in problems))

    def __reduce__(self):  # raised in the validating process, raised again in the importer
        return FileInvalid, (self.filename, self.problems, self.unit)


class OptionMisused(FileInvalid):
    """An option that does not apply to this file (e.g. --sheet with CSV text): a usage
    error, not a problem with the file."""

    def __reduce__(self):
        return OptionMisused, (self.filename, self.problems, self.unit)


def unreadable(name: str, exc: OSError) -> FileInvalid:
    if isinstance(exc, FileNotFoundError):
        return FileInvalid(name, [FileProblem(None, None, "no such file")])
    if isinstance(exc, IsADirectoryError):
        return FileInvalid(name, [FileProblem(None, None, "is a folder, not a file")])
    return FileInvalid(name, [FileProblem(None, None, "cannot be read (permission denied)")])


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines, decoded as they are read, so that a large file is never held whole.
    (io/tabular.py has checked the whole file decodes before it asks.)"""
    try:
        handle = open(path, encoding=encoding, newline="")
    except OSError as exc:
        raise unreadable(str(path), exc) from None

    def lines() -> Iterator[str]:
        with handle:
            yield from handle

    return lines()


@dataclass
class Table:
    """The header and an iterator of (line number, {column: value}) for the data rows; what
    else io/tabular.py says about the file (its description there)."""

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    header_raw: list[str]
    notes: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    estimated_rows: int | None = None
    unit: str = "line"
    place: str = ""
    layout: object = None


@dataclass(frozen=True)
class Header:
    """A checked header: the named columns (lower case) and their positions, and the
    positions of the columns without a name (ignored while they hold no value)."""

    columns: list[str]
    positions: list[int]
    raw: list[str]
    unnamed: list[int]


def check_header(name: str, header: list[str], known: tuple[str, ...],
                 required: tuple[str, ...], unit: str = "line", line: int = 1) -> Header:
    """The header row checked against the known and required columns; FileInvalid listing
    every problem otherwise."""
    names = [h.strip().lower() for h in header]
    problems = []
    seen: set[str] = set()
    for column in names:
        if not column:
            continue
        if column in seen:
            problems.append(FileProblem(line, column,
                                        "column appears more than once in the header"))
        elif column not in known:
            problems.append(FileProblem(line, column, "unknown column (expected: "
                                                      f"{', '.join(known)})"
                                        + _separator_hint(column)))
        seen.add(column)
    for column in required:
        if column not in seen:
            problems.append(FileProblem(line, column,
                                        "required column is missing from the header"))
    if problems:
        raise FileInvalid(name, problems, unit)
    positions = [i for i, c in enumerate(names) if c]
    return Header([names[i] for i in positions], positions, [header[i] for i in positions],
                  [i for i, c in enumerate(names) if not c])


def _separator_hint(column: str) -> str:
    """A header read as one column because its separator is not one casereview knows."""
    for mark, name in (("|", "'|'"), (",", "commas"), (";", "semicolons"), ("\t", "tabs")):
        if mark in column:
            return (f"; the header looks separated by {name}: save the file with commas, "
                    "semicolons or tabs between the columns")
    return ""


def unnamed_value(position: str, known: tuple[str, ...], why: str = "") -> str:
    """The message for a value under a column whose header is empty."""
    return (f"has a value in column {position}, which has no name in the header{why}: give "
            f"the column its name (one of {', '.join(known)}) or delete the column")


def read_csv(path: Path, known: tuple[str, ...], required: tuple[str, ...], *,
             encoding: str = "utf-8-sig", delimiter: str = ",") -> Table:
    """Open ``path`` and check its header against the known and required columns.

    Row-level shape problems (too many or too few fields, a field too long, a value under a
    column with no name) are yielded as rows carrying the key ``"__error__"`` so that the
    importer reports them with the rest.
    """
    name = str(path)
    reader = csv.reader(_lines(path, encoding), delimiter=delimiter, strict=False)
    csv.field_size_limit(max(MAX_FIELD * 4, 131072))
    try:
        header = next(reader)
    except StopIteration:
        raise FileInvalid(name, [FileProblem(None, None, "is empty: expected a header row "
                                                         f"with {', '.join(known)}")]) from None
    except csv.Error as exc:
        raise FileInvalid(name, [FileProblem(1, None, f"header cannot be read: {exc}")]) from None
    checked = check_header(name, header, known, required)
    columns = checked.columns
    width = len(header)
    unnamed = checked.unnamed
    named = checked.positions
    # A stray empty column (a trailing comma from a spreadsheet) may be missing from rows
    # that end before it.
    shortest = (max(named) + 1) if unnamed else width

    def shaped(record: list[str]) -> dict[str, str] | str:
        """The row by column, or the message for a value under an unnamed column."""
        for i in unnamed:
            if i < len(record) and record[i].strip():
                return unnamed_value(str(i + 1), known)
        return {c: record[i] for c, i in zip(columns, named)}

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
            if len(record) != width and not shortest <= len(record) <= width:
                yield start, {"__error__": f"has {len(record)} fields but the header has "
                                           f"{width}", "__raw__": record}
                continue
            if len(joined) > MAX_FIELD and max(map(len, record)) > MAX_FIELD:
                too_long = next(c for c, v in zip(columns, _kept(record, named))
                                if len(v) > MAX_FIELD)
                yield start, {"__error__": f"field {too_long} is longer than {MAX_FIELD} "
                                           "characters", "__raw__": _kept(record, named)}
                continue
            if not unnamed:
                yield start, dict(zip(columns, record))
                continue
            row = shaped(record)
            if isinstance(row, str):
                yield start, {"__error__": row, "__raw__": _kept(record, named)}
            else:
                yield start, row

    return Table(columns, rows(), checked.raw, place=name)


def _kept(record: list[str], positions: list[int]) -> list[str]:
    return [record[i] if i < len(record) else "" for i in positions]

