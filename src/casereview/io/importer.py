"""Importing a file of one KIND (CSV or workbook, io/tabular.py): all-or-nothing by default,
or valid rows only with the invalid ones written to FILE.rejects.csv. Every row goes through the
record's model; the valid rows are written with executemany in one transaction, chunk by chunk.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from casereview.domain.validation import Context, RecordInvalid
from casereview.io.csvfile import FileInvalid, FileProblem
from casereview.io.duplicates import DuplicateFinder, SameRecord
from casereview.io.tabular import read_table
from casereview.storage.access import Permission, authorise
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import Database, now_utc, transaction
from casereview.storage.files import private_output
from casereview.storage.history import format_logged_at
from casereview.storage.imports import ImportedFile, imported_before, last_id, record_import
from casereview.storage.records import bulk_load

Progress = Callable[[int, int | None], None]

# What importing each KIND needs: records a lead completes (reviews may arrive complete or
# signed off) and the action plan are a lead's; wards are reference data, an admin's.
IMPORT_PERMISSION = {
    "moves": Permission.ENTER, "nights": Permission.ENTER, "toc": Permission.ENTER,
    "experience": Permission.ENTER, "reviews": Permission.COMPLETE_REVIEW,
    "actions": Permission.MANAGE_ACTIONS, "wards": Permission.ADMIN,
}


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
    # Optional fast path, made once per import: for a list of rows, gives for each what
    # ``build`` would for a row it can prove valid, or None to leave the row to ``build``
    # (whose verdict and messages rule).
    fast: Callable[[Context], Callable[[list[dict[str, str]]], list[Any]]] | None = None
    # Optional: the JSON the change log keeps of a list of built rows (changelog.encode_rows),
    # made where the rows are validated (in the second process of a parallel import);
    # ``write`` then takes it as ``encoded=``.
    encode: Callable[[list[Any]], str] | None = None
    # Optional: what makes two records of this kind the same (the duplicate-row rule).
    same: SameRecord | None = None


@dataclass
class ImportResult:
    kind: str
    path: Path
    written: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    rejected_rows: int = 0
    rejects_path: Path | None = None
    place: str = ""     # the file (and sheet) messages name
    unit: str = "line"  # "line" of a CSV, "row" of a sheet

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(ValueError):
    def __init__(self, result: ImportResult):
        self.result = result
        name = result.place or str(result.path)
        lines = [p.describe(name, result.unit) for p in result.problems]
        super().__init__("\n".join(lines))


# Rows validated between two writes: large enough for executemany to pay off, small enough
# that memory stays flat however long the file is.
CHUNK_ROWS = 5000


class AlreadyImported(FileInvalid):
    """The file's bytes were imported into this database before (SPEC 7.1)."""


def import_file(db: Database, kind: ImportKind, path: Path, context: Context,
                user: str, *, skip_invalid: bool = False,
                progress: Progress | None = None, parallel: bool = False,
                sheet: str | None = None, again: bool = False,
                allow_duplicates: bool = False,
                announce: Callable[[str], None] | None = None) -> ImportResult:
    """Validate every row and write the valid ones, in one transaction.

    The file streams through in chunks: each chunk is validated and, while the import can
    still succeed, written with executemany inside the transaction, so a million-row file
    never sits in memory. The first invalid row (without ``skip_invalid``) stops the writing
    but not the validation, so every problem is still listed, and the transaction is rolled
    back: nothing is written. With ``parallel`` a large file is validated in a second
    process while this one writes (io/pipeline.py); the rows, problems and messages are the
    same either way.

    A file whose bytes were imported before is refused (AlreadyImported) unless ``again``;
    a row the same as a live record, or as an earlier row of the file, is a problem unless
    ``allow_duplicates`` (io/duplicates.py; kinds with a ``same`` rule). Both are recorded
    in the change log's import entry when used.

    ``sheet`` chooses a workbook's sheet; ``announce`` is given each line worth telling the
    person about how the file was read (the sheet, Windows-1252, a semicolon separator);
    ``progress(rows so far, about how many in all or None)`` is called after each chunk.
    """
    from casereview.io.pipeline import validated_rows

    # The role a KIND needs (SPEC 8); a site grant limits the rows through the context,
    # whose reference holds the granted sites only.
    authorise(db, None, IMPORT_PERMISSION.get(kind.name, Permission.ADMIN))
    path = Path(path)
    result = ImportResult(kind.name, path)
    table = read_table(path, kind.columns, kind.required, sheet=sheet)
    result.place, result.unit = table.place or str(path), table.unit
    if announce:
        for note in table.notes:
            announce(note)
    # (line, the row as the file held it or None until looked up again, the error)
    rejects: list[tuple[int, list[str] | None, str]] = []
    state: dict = {}
    at = now_utc()
    rejects_path = path.with_name(path.name + ".rejects.csv")
    rejects_written = False
    # Asked before any row is read (and again under the write lock, against a second
    # import of the same file at the same moment).
    _refuse_if_imported(db.conn, table.fingerprint, path, again)
    try:
        with transaction(db) as conn, _bulk(conn, kind), \
                validated_rows(kind, context, path, table, parallel=parallel) as batches:
            _refuse_if_imported(conn, table.fingerprint, path, again)
            finder = (DuplicateFinder(conn, kind.same, table.unit)
                      if kind.same is not None and not allow_duplicates else None)
            count = 0
            for checked, encoded in batches:
                built: list[Any] = []
                lines: list[int] = []
                kept: list[list[str] | None] = []
                for line, values, record, problems in checked:
                    if problems is None and kind.check is not None:
                        try:
                            kind.check(conn, record, state)
                        except RowRejected as exc:
                            problems = [FileProblem(line, exc.field, str(exc))]
                            encoded = None  # it no longer matches the rows written
                    if problems:
                        _reject(result, rejects, line, values, problems)
                    else:
                        built.append(record)
                        if finder is not None:
                            lines.append(line)
                            kept.append(values)
                if finder is not None and built:
                    duplicates = finder.find(conn, built, lines)
                    if duplicates:
                        encoded = None
                        for index, message in duplicates.items():
                            _reject(result, rejects, lines[index], kept[index],
                                    [FileProblem(lines[index], None, message)])
                        built = [r for i, r in enumerate(built) if i not in duplicates]
                        lines = [n for i, n in enumerate(lines) if i not in duplicates]
                count += len(checked)
                if progress:
                    progress(count, table.estimated_rows)
                first_id = last_id(conn, kind.same.table) + 1 if finder is not None else 0
                wrote = _write(kind, conn, built, encoded, user, at, result, skip_invalid)
                if finder is not None and wrote:
                    finder.wrote(first_id, lines)
                result.written += wrote
            if result.problems and not skip_invalid:
                result.problems.sort(key=lambda p: p.line or 0)
                raise ImportFailed(result)  # rolls the transaction back
            _log_import(conn, user, at, kind, path, table, result, len(rejects), sheet=sheet,
                        again=again, allow_duplicates=allow_duplicates)
            # Written before the commit, so a file that cannot be written (full disk)
            # stops the import rather than losing the rejected rows.
            if rejects:
                rejects_written = True
                write_rejects(rejects_path, table.header_raw, _as_held(path, table, rejects))
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


def _bulk(conn, kind: ImportKind):
    """A kind with a table of its own loads it as a bulk load (storage.records.bulk_load),
    keeping the index its duplicate check searches."""
    if kind.same is None:
        return nullcontext()
    return bulk_load(conn, kind.same.table, keep=(kind.same.probe,))


def _reject(result: ImportResult, rejects: list, line: int, values: list[str] | None,
            problems: list[FileProblem]) -> None:
    result.problems += problems
    rejects.append((line, values, "; ".join(
        (f"{p.field}: {p.message}" if p.field else p.message) for p in problems)))


def _refuse_if_imported(conn, fingerprint: str | None, path: Path, again: bool) -> None:
    if fingerprint is None or again:
        return
    before = imported_before(conn, fingerprint)
    if before is None:
        return
    when = format_logged_at(before.imported_at)
    same_name = "" if before.file_name == path.name else f" (as {before.file_name})"
    raise AlreadyImported(str(path), [FileProblem(None, None, (
        f"this file was imported already{same_name}, on {when} by {before.imported_by} "
        f"(import {before.kind}: {before.written:,} written); importing it again would count "
        "its records twice. If that is what you mean (e.g. after deleting them), add --again"))])


def _log_import(conn, user: str, at: str, kind: ImportKind, path: Path, table, result,
                rejected: int, *, sheet: str | None, again: bool,
                allow_duplicates: bool) -> None:
    """The import's change-log entry and, when it wrote anything, its fingerprint."""
    after: dict[str, Any] = {"file": path.name, "written": result.written,
                             "rejected": rejected}
    if table.fingerprint:
        after["sha256"] = table.fingerprint
    if sheet is not None or table.unit == "row":
        after["sheet"] = getattr(table.layout, "sheet", None) or sheet
    if again:
        after["again"] = True  # the person said --again
    if allow_duplicates:
        after["allow_duplicates"] = True
    log_change(conn, user, at, Change("import", kind.name, None, None, after))
    if table.fingerprint and result.written:
        record_import(conn, ImportedFile(table.fingerprint, kind.name, path.name, at, user,
                                         result.written), rejected=rejected, again=again,
                      allow_duplicates=allow_duplicates)


def _as_held(path: Path, table, rejects: list) -> list[tuple[list[str], str]]:
    """The rejected rows with their values as the file held them, in file order. A row the
    fast path accepted keeps no copy of its values (an import of a million rows would pay for
    a million copies); the few that a later check rejects are read from the file again."""
    rejects = sorted(rejects, key=lambda r: r[0])
    missing = {line for line, values, _ in rejects if values is None}
    found: dict[int, list[str]] = {}
    if missing:
        again = read_table(path, table.columns, (), layout=table.layout)
        for line, raw in again.rows:
            if line in missing:
                found[line] = [raw.get(c, "") for c in table.columns]
                if len(found) == len(missing):
                    break
    return [(values if values is not None else found.get(line, []), error)
            for line, values, error in rejects]


# What validating one row gives: (line, the row's values as the file held them (kept for a
# rejects file; None for a good row that no later check can reject), the built record or
# None, the problems or None).
Checked = tuple[int, list[str] | None, Any, list[FileProblem] | None]


def checked_batches(kind: ImportKind, context: Context, columns: list[str],
                    rows: Iterable[tuple[int, dict[str, str]]], size: int | None = None,
                    ) -> Iterator[tuple[list[Checked], str | None]]:
    """The rows validated on their own, ``size`` (CHUNK_ROWS) at a time: by the kind's fast
    path where it has one and the row is one it can prove valid, by the kind's model
    otherwise; each batch with the JSON of its good records when the kind makes it
    (``ImportKind.encode``)."""
    size = size or CHUNK_ROWS
    checker = RowChecker(kind, context, columns)
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield checker.batch(chunk)


class RowChecker:
    """One import's validation of its rows, a batch at a time (the fast path takes a whole
    batch, a column at a time, and remembers the values it has seen for the import)."""

    def __init__(self, kind: ImportKind, context: Context, columns: list[str]):
        self.kind, self.context, self.columns = kind, context, columns
        self.fast = kind.fast(context) if kind.fast is not None else None

    def batch(self, chunk: list[tuple[int, dict[str, str]]]
              ) -> tuple[list[Checked], str | None]:
        kind, context, columns = self.kind, self.context, self.columns
        keep_values = kind.check is not None
        records = self.fast([raw for _, raw in chunk]) if self.fast is not None else None
        batch: list[Checked] = []
        append = batch.append
        for index, (line, raw) in enumerate(chunk):
            record = records[index] if records is not None else None
            if record is not None:
                append((line, [raw.get(c, "") for c in columns] if keep_values else None,
                        record, None))
            else:
                append(_checked_by_model(kind, context, columns, line, raw, keep_values))
        return batch, _encoded(kind, batch)


def _encoded(kind: ImportKind, batch: list[Checked]) -> str | None:
    if kind.encode is None:
        return None
    return kind.encode([record for _, _, record, problems in batch if problems is None])


def _checked_by_model(kind: ImportKind, context: Context, columns: list[str], line: int,
                      raw: dict[str, str], keep_values: bool) -> Checked:
    if "__error__" in raw:
        return line, list(raw.get("__raw__", [])), None, [
            FileProblem(line, None, raw["__error__"])]
    try:
        record = kind.build(raw, context)
    except RecordInvalid as exc:
        return line, [raw.get(c, "") for c in columns], None, [
            FileProblem(line, p.field or None, p.message) for p in exc.problems]
    except RowRejected as exc:
        return line, [raw.get(c, "") for c in columns], None, [
            FileProblem(line, exc.field, str(exc))]
    return line, [raw.get(c, "") for c in columns] if keep_values else None, record, None


def _write(kind: ImportKind, conn, built: list[Any], encoded: str | None, user: str, at: str,
           result: ImportResult, skip_invalid: bool) -> int:
    """Write a batch's good rows; once a problem has doomed the import, write nothing."""
    if not built or (result.problems and not skip_invalid):
        return 0
    if kind.encode is not None:
        return kind.write(conn, built, user, at, encoded=encoded)
    return kind.write(conn, built, user, at)


def write_rejects(target: Path, header: list[str], rejects: list[tuple[list[str], str]]) -> None:
    """The rejected rows as the file held them (so that, once corrected, the file imports
    as it is) plus an ``error`` column. Owner-only: the rows may hold patient references."""
    with private_output(target) as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "error"])
        for values, error in rejects:
            writer.writerow([*values, error])


__all__ = ["AlreadyImported", "FileInvalid", "ImportFailed", "ImportKind", "ImportResult",
           "RowRejected", "import_file"]
