"""Importing a CSV of one KIND: all-or-nothing by default, or valid rows only with the
invalid ones written to FILE.rejects.csv. Every row goes through the record's model; the
valid rows are written with executemany in one transaction."""

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


def import_file(db: sqlite_utils.Database, kind: ImportKind, path: Path, context: Context,
                user: str, *, skip_invalid: bool = False,
                progress: Progress | None = None) -> ImportResult:
    path = Path(path)
    result = ImportResult(kind.name, path)
    table = read_table(path, kind.columns, kind.required)
    built: list[Any] = []
    rejects: list[tuple[list[str], str]] = []
    state: dict = {}
    for number, (line, raw) in enumerate(table.rows, start=1):
        if progress and number % 5000 == 0:
            progress(number, None)
        row_problems: list[FileProblem] = []
        if "__error__" in raw:
            row_problems.append(FileProblem(line, None, raw["__error__"]))
            values = raw.get("__raw__", [])
        else:
            values = [raw.get(c, "") for c in table.columns]
            try:
                record = kind.build(raw, context)
                if kind.check is not None:
                    kind.check(db.conn, record, state)
            except RecordInvalid as exc:
                row_problems += [FileProblem(line, p.field or None, p.message)
                                 for p in exc.problems]
            except RowRejected as exc:
                row_problems.append(FileProblem(line, exc.field, str(exc)))
            else:
                built.append(record)
        if row_problems:
            result.problems += row_problems
            rejects.append((list(values), "; ".join(
                (f"{p.field}: {p.message}" if p.field else p.message) for p in row_problems)))
    if result.problems and not skip_invalid:
        raise ImportFailed(result)
    at = now_utc()
    rejects_path = path.with_name(path.name + ".rejects.csv") if rejects else None
    try:
        with transaction(db) as conn:
            result.written = kind.write(conn, built, user, at) if built else 0
            log_change(conn, user, at, Change("import", kind.name, None, None, {
                "file": path.name, "written": result.written, "rejected": len(rejects)}))
            # Written before the commit, so a file that cannot be written (full disk)
            # stops the import rather than losing the rejected rows.
            if rejects_path is not None:
                write_rejects(rejects_path, table.header_raw, rejects)
    except BaseException:
        if rejects_path is not None:
            rejects_path.unlink(missing_ok=True)
        raise
    if progress:
        progress(result.written, result.written)
    if rejects_path is not None:
        result.rejected_rows = len(rejects)
        result.rejects_path = rejects_path
    return result


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
