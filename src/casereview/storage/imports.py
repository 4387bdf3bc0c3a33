"""What the importer asks of the store: the files imported before (by fingerprint, schema 13)
and the live records that may be the same as rows being imported."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportedFile:
    sha256: str
    kind: str
    file_name: str
    imported_at: str  # ISO 8601, UTC
    imported_by: str
    written: int


def imported_before(conn: sqlite3.Connection, sha256: str) -> ImportedFile | None:
    """The latest import of a file with these bytes, if any."""
    row = conn.execute("SELECT sha256, kind, file_name, imported_at, imported_by, written "
                       "FROM import_file WHERE sha256 = ? ORDER BY id DESC LIMIT 1",
                       (sha256,)).fetchone()
    return None if row is None else ImportedFile(*row)


def record_import(conn: sqlite3.Connection, file: ImportedFile, *, rejected: int, again: bool,
                  allow_duplicates: bool) -> None:
    """Inside the import's transaction."""
    conn.execute("INSERT INTO import_file (sha256, kind, file_name, imported_at, imported_by, "
                 "written, rejected, again, allow_duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (file.sha256, file.kind, file.file_name, file.imported_at, file.imported_by,
                  file.written, rejected, int(again), int(allow_duplicates)))


def last_id(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]


def live_candidates(conn: sqlite3.Connection, table: str, probe: str,
                    columns: Sequence[str], probes: Sequence) -> list[tuple]:
    """(index in ``probes``, id, probe, *columns) of every live record of ``table`` whose
    ``probe`` column (an indexed one) holds ``probes[index]``: the only records that can be
    the same as the rows with those values. One statement for the lot (the values go in as
    one JSON array), found through the index however large the table; only the candidates
    come back."""
    sql = (f"SELECT b.key, m.id, m.{probe}, {', '.join('m.' + c for c in columns)} "
           f"FROM json_each(?) AS b JOIN {table} AS m ON m.{probe} = b.value "
           "WHERE m.deleted_at IS NULL")
    return conn.execute(sql, (json.dumps(list(probes)),)).fetchall()
