"""Importing a CSV of one KIND: all-or-nothing by default, or valid rows only with the
invalid ones written to FILE.rejects.csv. Every row goes through the record's model; the
valid rows are written with executemany in one transaction, chunk by chunk."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from casereview.domain.validation import Context, RecordInvalid
from casereview.io.csvfile import FileInvalid, FileProblem, read_table
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import now_utc, transaction
from casereview.storage.files import private_output

Progress = Callable[[int, int | None], None]


class RowRejected(ValueError):
    """A row that is valid on its own but clashes with another row or with the store."""

    def __init__(self, field: str | None, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class ImportKind:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # Validate one row (raw strings by column) into whatever ``write`` takes.
    build: Callable[[dict[str, str], Context], Any]
    # Write the built rows inside the caller's transaction; returns how many were written.
    write: Callable[[Any, list[Any], str, str], int]
    # Optional check of a built row against the rows before it and the store
    # (e.g. a second night return); raises RowRejected. Gets a dict it may keep state in.
    check: Callable[[Any, Any, dict], None] | None = None


@dataclass
class ImportResult:
    kind: str
    path: Path
    written: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    rejected_rows: int = 0
    rejects_path: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(ValueError):
    def __init__(self, result: ImportResult):
        self.result = result
        name = str(result.path)
        lines = [p.describe(name) for p in result.problems]
        super().__init__("\n".join(lines))


# Rows validated between two writes: large enough for executemany to pay off, small enough
# that memory stays flat however long the file is.
CHUNK_ROWS = 5000


def import_file(db: sqlite_utils.Database, kind: ImportKind, path: Path, context: Context,
                user: str, *, skip_invalid: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Validate every row and write the valid ones, in one transaction.

    The file streams through in chunks: each chunk is validated and, while the import can
    still succeed, written with executemany inside the transaction, so a million-row file
    never sits in memory. The first invalid row (without ``skip_invalid``) stops the writing
    but not the validation, so every problem is still listed, and the transaction is rolled
    back: nothing is written.
    """
    path = Path(path)
    result = ImportResult(kind.name, path)
    table = read_table(path, kind.columns, kind.required)
    rejects: list[tuple[list[str], str]] = []
    state: dict = {}
    at = now_utc()
    rejects_path = path.with_name(path.name + ".rejects.csv")
    rejects_written = False
    try:
        with transaction(db) as conn:
            built: list[Any] = []
            for number, (line, raw) in enumerate(table.rows, start=1):
                if progress and number % CHUNK_ROWS == 0:
                    progress(number, None)
                row_problems = _row_problems(kind, conn, context, line, raw, built, state)
                if row_problems:
                    result.problems += row_problems
                    values = raw.get("__raw__", []) if "__error__" in raw else \
                        [raw.get(c, "") for c in table.columns]
                    rejects.append((list(values), "; ".join(
                        (f"{p.field}: {p.message}" if p.field else p.message)
                        for p in row_problems)))
                if len(built) >= CHUNK_ROWS:
                    result.written += _write(kind, conn, built, user, at, result, skip_invalid)
            result.written += _write(kind, conn, built, user, at, result, skip_invalid)
            if result.problems and not skip_invalid:
                raise ImportFailed(result)  # rolls the transaction back
            log_change(conn, user, at, Change("import", kind.name, None, None, {
                "file": path.name, "written": result.written, "rejected": len(rejects)}))
            # Written before the commit, so a file that cannot be written (full disk)
            # stops the import rather than losing the rejected rows.
            if rejects:
                rejects_written = True
                write_rejects(rejects_path, table.header_raw, rejects)
    except BaseException:
        if rejects_written:
            rejects_path.unlink(missing_ok=True)
        raise
    if progress:
        progress(result.written, result.written)
    if rejects:
        result.rejected_rows = len(rejects)
        result.rejects_path = rejects_path
    return result


def _row_problems(kind: ImportKind, conn, context: Context, line: int, raw: dict[str, str],
                  built: list[Any], state: dict) -> list[FileProblem]:
    """Validate one row, appending it to ``built`` when it is good; its problems otherwise."""
    if "__error__" in raw:
        return [FileProblem(line, None, raw["__error__"])]
    try:
        record = kind.build(raw, context)
        if kind.check is not None:
            kind.check(conn, record, state)
    except RecordInvalid as exc:
        return [FileProblem(line, p.field or None, p.message) for p in exc.problems]
    except RowRejected as exc:
        return [FileProblem(line, exc.field, str(exc))]
    built.append(record)
    return []


def _write(kind: ImportKind, conn, built: list[Any], user: str, at: str,
           result: ImportResult, skip_invalid: bool) -> int:
    """Write and empty ``built``; once a problem has doomed the import, only empty it."""
    if not built:
        return 0
    doomed = bool(result.problems) and not skip_invalid
    written = 0 if doomed else kind.write(conn, built, user, at)
    built.clear()
    return written


def write_rejects(target: Path, header: list[str], rejects: list[tuple[list[str], str]]) -> None:
    """The rejected rows as the file held them (so that, once corrected, the file imports
    as it is) plus an ``error`` column. Owner-only: the rows may hold patient references."""
    with private_output(target) as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "error"])
        for values, error in rejects:
            writer.writerow([*values, error])


__all__ = ["FileInvalid", "ImportFailed", "ImportKind", "ImportResult", "RowRejected",
           "import_file"]
