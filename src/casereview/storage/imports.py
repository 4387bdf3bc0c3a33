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
                    columns: Sequence[str], keys: Sequence[tuple]) -> list[tuple]:
    """(id, probe, *columns) of every live record of ``table`` holding one of ``keys``
    (each the ``probe`` value, then the value of each of ``columns``): the records the same
    as those rows. Found through the index on the ``probe`` column however large the table,
    and compared in SQL, so only the records that are the same come back, however many
    records share a probe value (sixty moves in one minute). Two statements for the lot
    (the values go in as JSON): the probe values that any live record holds, then the whole
    keys of only the rows with one of those."""
    probes = {key[0] for key in keys}
    held = {row[0] for row in conn.execute(
        f"SELECT DISTINCT m.{probe} FROM json_each(?) AS b JOIN {table} AS m "
        f"ON m.{probe} = b.value WHERE m.deleted_at IS NULL",
        (json.dumps(sorted(probes)),))}
    if not held:
        return []
    wanted = [key for key in set(keys) if key[0] in held]
    # The keys of the rows that may be the same, in a table of their own for one join: each
    # is looked up through the index and compared column by column (IS: NULL is NULL).
    slots = [f"k{i}" for i in range(len(columns) + 1)]  # the probe may be a column too
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS same_keys_{len(slots)} "
                 f"({', '.join(slots)})")
    keys_table = f"temp.same_keys_{len(slots)}"
    try:
        conn.executemany(f"INSERT INTO {keys_table} VALUES ({', '.join('?' * len(slots))})",
                         wanted)
        same = " AND ".join(f"m.{c} IS k.k{i}" for i, c in enumerate(columns, start=1))
        return conn.execute(
            f"SELECT m.id, m.{probe}, {', '.join('m.' + c for c in columns)} "
            f"FROM {keys_table} AS k JOIN {table} AS m ON m.{probe} = k.k0 "
            f"WHERE m.deleted_at IS NULL AND {same}").fetchall()
    finally:
        conn.execute(f"DELETE FROM {keys_table}")
