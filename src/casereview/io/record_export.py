"""Record-level exports (`casereview export KIND`): the live records of one kind, optionally
between two dates, as CSV or XLSX.

- Every stored column is exported (derived ones such as audit_night included), except the
  soft-delete columns; deleted records are left out. The columns are the record model's
  stored columns (domain/record.py) after the id, then the store's own (who and when, a
  review's sign-off, a Transfer of Care audit's evaluation), as the table has them.
- ``patient_ref`` is replaced by ``patient_key`` (see io/pseudonym.py) unless the export is
  identifiable, in which case ``patient_ref`` is kept beside the key. An identifiable export is
  written to the change log (action 'export') and its file is created readable by its owner
  only (0600).
- The dates select on the date a record belongs to (SPEC 5): audit_night for moves and night
  returns (a move outside the night window: the local date it happened), review_date,
  audit_date, sample_date. Both ends are inclusive.
- Text cells go through ``neutralise``. A file is written beside its destination and moved
  into place when whole, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

import xlsxwriter
from pydantic import BaseModel

from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.record import shape
from casereview.domain.review import Review
from casereview.domain.toc import Toc
from casereview.domain.ward_entry import WardEntry
from casereview.io.cells import csv_cell, neutralise
from casereview.io.pseudonym import database_key, patient_key
from casereview.storage.access import Access, Permission, access_of, authorise, site_clause
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import Database, now_utc, transaction

HIDDEN = ("deleted_at", "deleted_by")
FORMATS = ("csv", "xlsx")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportKind:
    name: str
    table: str
    model: type[BaseModel] | None  # the record: its stored columns are the export's
    date_sql: str | None   # the date a record belongs to, for --from/--to
    order_sql: str
    source: str | None = None  # FROM, when not the table alone
    # The whole SELECT, for a kind exported in another shape than its model's stored columns.
    select_sql: str | None = None


EXPORT_KINDS: dict[str, ExportKind] = {k.name: k for k in [
    # A ward entry's site_name is the site's: the join gives one row per ward.
    ExportKind("wards", "ward", WardEntry, None, "site_code, ward_code",
               "ward JOIN site USING (site_code)"),
    ExportKind("moves", "move", Move, "COALESCE(audit_night, substr(moved_at, 1, 10))",
               "moved_at_utc, id"),
    ExportKind("nights", "night_audit", NightAudit, "audit_night",
               "audit_night, site_code, id"),
    ExportKind("reviews", "review", Review, "review_date", "review_date, id"),
    ExportKind("toc", "toc", Toc, "audit_date", "audit_date, id"),
    ExportKind("experience", "experience", Experience, "sample_date", "sample_date, id"),
    # The action plan in its import columns (progress: every note, dated, one a line; the
    # source as kind:reference), with the id and who changed it when.
    ExportKind("actions", "action", None, "raised_on", "raised_on, id", select_sql=(
        "SELECT id, title, description, owner, agency_code, raised_on, due_date, status, "
        "closed_on, rag, (SELECT group_concat(line, char(10)) FROM (SELECT noted_on || ' ' "
        "|| author || ': ' || text || COALESCE(' [' || rag || ']', '') AS line FROM "
        "action_progress p WHERE p.action_id = action.id ORDER BY noted_on, p.id)) AS "
        "progress, source_kind || ':' || source_ref AS source, created_at, created_by, "
        "updated_at, updated_by FROM action")),
]}


class ExportError(ValueError):
    """An export that cannot be made as asked (nothing was written)."""


@dataclass(frozen=True)
class ExportResult:
    kind: str
    rows: int
    path: Path | None
    identifiable: bool


def export_columns(db: Database, kind: ExportKind) -> list[str]:
    """The id, the model's stored columns, then the store's own columns of the table."""
    stored = list(shape(kind.model).stored_columns)
    if kind.source is not None:
        return stored
    table = db.columns(kind.table)
    return [*(["id"] if "id" in table else []), *stored,
            *(c for c in table if c not in stored and c != "id" and c not in HIDDEN)]


def _select(db: Database, kind: ExportKind, start: date | None,
            end: date | None, access: Access) -> sqlite3.Cursor:
    where, params = [], []
    if "site_code" in db.columns(kind.table):  # a site grant exports its sites' records only
        clause, sites = site_clause(access, "w.site_code" if kind.name == "wards"
                                    else "site_code")
        if clause:
            where.append(clause)
            params += sites
    if "deleted_at" in db.columns(kind.table):
        where.append("deleted_at IS NULL")
    if kind.date_sql and start:
        where.append(f"{kind.date_sql} >= ?")
        params.append(start.isoformat())
    if kind.date_sql and end:
        where.append(f"{kind.date_sql} <= ?")
        params.append(end.isoformat())
    sql = kind.select_sql or (f"SELECT {', '.join(export_columns(db, kind))} "
                              f"FROM {kind.source or kind.table}")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return db.conn.execute(sql + f" ORDER BY {kind.order_sql}", params)


def _records(db: Database, kind: ExportKind, start: date | None, end: date | None,
             identifiable: bool, access: Access) -> tuple[list[str], Iterator[list]]:
    """The heading and a stream of rows, patient_ref pseudonymised unless identifiable."""
    cursor = _select(db, kind, start, end, access)
    names = [d[0] for d in cursor.description]
    keep = [i for i, n in enumerate(names) if n not in HIDDEN]
    ref_at = names.index("patient_ref") if "patient_ref" in names else None
    key = database_key(db) if ref_at is not None else b""
    heading: list[str] = []
    for i in keep:
        if i == ref_at:
            heading += ["patient_ref", "patient_key"] if identifiable else ["patient_key"]
        else:
            heading.append(names[i])

    def rows() -> Iterator[list]:
        for record in cursor:
            out: list = []
            for i in keep:
                if i == ref_at:
                    pk = patient_key(key, record[i])
                    out += [record[i], pk] if identifiable else [pk]
                else:
                    out.append(record[i])
            yield out

    return heading, rows()


def _owner_only_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _write_csv(stream: TextIO, heading: list[str], rows: Iterator[list],
               progress: Progress | None) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(heading)
    n = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        n += 1
        if progress and n % 1000 == 0:
            progress(n)
    return n


def _write_xlsx(path: Path, kind: ExportKind, heading: list[str], rows: Iterator[list],
                progress: Progress | None) -> int:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "strings_to_numbers": False})
    ws = wb.add_worksheet(kind.name)
    bold = wb.add_format({"bold": True, "bottom": 1})
    widths = [max(10, len(h) + 2) for h in heading]
    for col, h in enumerate(heading):
        ws.write_string(0, col, h, bold)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(n, col, value)
            else:
                text = neutralise(str(value))
                ws.write_string(n, col, text)
                if n <= 200:  # size columns from the first rows; later rows can't widen
                    widths[col] = min(60, max(widths[col], len(text) + 2))
        if progress and n % 1000 == 0:
            progress(n)
    # Widths after the rows: constant_memory allows column settings at any time.
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    if heading:
        ws.autofilter(0, 0, max(n, 1), len(heading) - 1)
    wb.close()
    return n


def export_records(db: Database, kind_name: str, user: str, *,
                   start: date | None = None, end: date | None = None,
                   identifiable: bool = False, fmt: str = "csv", out: Path | None = None,
                   stream: TextIO | None = None, progress: Progress | None = None,
                   access: Access | None = None) -> ExportResult:
    """Write the export to ``out``, or (csv only) to ``stream``. An identifiable export is
    a lead's or an admin's; a site grant limits the rows to its sites."""
    access = access_of(db, access)
    if identifiable:
        authorise(db, access, Permission.EXPORT_IDENTIFIABLE)
    if kind_name not in EXPORT_KINDS:
        raise ExportError(f"there is no export kind {kind_name}; use one of "
                          f"{', '.join(EXPORT_KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt}; use csv or xlsx")
    if start and end and start > end:
        raise ExportError("--from is after --to")
    if out is None and (fmt == "xlsx" or stream is None):
        raise ExportError(f"an {fmt} export needs a file to write to (--out FILE)")
    kind = EXPORT_KINDS[kind_name]
    heading, rows = _records(db, kind, start, end, identifiable, access)

    if out is None:  # csv to the stream given (standard output)
        n = _write_csv(stream, heading, rows, progress)
        if identifiable:
            _log(db, user, kind, n, start, end, fmt, "standard output")
        return ExportResult(kind.name, n, None, identifiable)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        if identifiable:
            _owner_only_file(partial)  # 0600 from the first byte; writing keeps the mode
        if fmt == "csv":
            with open(partial, "w", encoding="utf-8", newline="") as f:
                n = _write_csv(f, heading, rows, progress)
        else:
            n = _write_xlsx(partial, kind, heading, rows, progress)
        if identifiable:
            os.chmod(partial, 0o600)
            # Logged before the file appears: an identifiable file never exists unrecorded.
            _log(db, user, kind, n, start, end, fmt, str(out.resolve()))
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportResult(kind.name, n, out, identifiable)


def _log(db: Database, user: str, kind: ExportKind, n: int, start: date | None,
         end: date | None, fmt: str, where: str) -> None:
    at = now_utc()
    with transaction(db) as conn:
        log_change(conn, user, at, Change(
            "export", kind.table, None, None,
            {"kind": kind.name, "identifiable": True, "rows": n, "format": fmt, "file": where,
             "from": start.isoformat() if start else None,
             "to": end.isoformat() if end else None}))
