"""Writing records: insert, update, soft delete and restore, each with its change-log entry in
the same short transaction. Every record type goes through here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING

from casereview.storage.access import (
    SITE_TABLES,
    Access,
    Permission,
    access_of,
    authorise,
    check_row,
    write_permission,
)
from casereview.storage.changelog import Change, log_batch, log_change
from casereview.storage.db import now_utc, transaction

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.storage.db import Database


class RecordNotFound(LookupError):
    pass


class RestoreRefused(ValueError):
    """Restoring would break a rule the live records keep (e.g. a second night return)."""


AUDIT_COLUMNS = ("created_at", "created_by", "updated_at", "updated_by", "deleted_at",
                 "deleted_by")


def _row_dict(conn: sqlite3.Connection, table: str, record_id: int) -> dict:
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"{table} {record_id} does not exist")
    return dict(row)


def _content(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in AUDIT_COLUMNS}


def insert_in(conn: sqlite3.Connection, table: str, values: dict, user: str, at: str) -> int:
    """Insert inside a transaction the caller holds."""
    row = dict(values, created_at=at, created_by=user, updated_at=at, updated_by=user)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    record_id = cursor.lastrowid
    log_change(conn, user, at, Change("insert", table, str(record_id), None,
                                      dict(values, id=record_id)))
    return record_id


def insert_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence], user: str, at: str, *, action: str = "insert",
                encoded: str | None = None) -> int:
    """Batch insert (executemany) inside a transaction the caller holds: ``rows`` hold the
    values of ``columns`` in that order. The records get consecutive ids after the largest
    one, and the batch gets ONE change-log entry holding every record's values (schema 8);
    ``encoded`` is their JSON if the caller has it already (changelog.encode_rows).

    An import runs this for a million rows, so each row is bound as it comes (no id, no
    copy): SQLite numbers the rows itself (the largest id + 1, and the caller's write lock
    means nobody else inserts meanwhile; checked below), and the who-and-when columns, the
    same for every row, are written into the statement once as quoted literals.
    """
    if not rows:
        return 0
    first_id = (conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
    audit = ", ".join(map(_literal, (at, user, at, user)))
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}, created_at, created_by, updated_at, "
        f"updated_by) VALUES ({', '.join('?' * len(columns))}, {audit})", rows)
    last_id = first_id + len(rows) - 1
    if conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] != last_id:
        raise RuntimeError(f"{table}: the batch did not get the ids {first_id}-{last_id}")
    return log_batch(conn, user, at, action, table, columns, first_id, rows, encoded=encoded)


# The import connection's page cache: a bulk load's tables and indexes stay in memory instead
# of being read back from the file (bounded, so memory stays flat however long the file).
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_load(conn: sqlite3.Connection, table: str, *, keep: Sequence[str] = ()
              ) -> Iterator[None]:
    """Inside the caller's transaction, for loading many rows into ``table``: a larger page
    cache, and, when the table is empty, its indexes dropped and built again at the end (a
    sort, instead of a row-by-row insert into each index in the file's order) except those
    on the ``keep`` columns (the ones the load itself searches). On an error the caller's
    transaction rolls back, and with it the dropped indexes come back."""
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        dropped = []
        if conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
            for name, sql in conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall():
                first = conn.execute(f"PRAGMA index_info({name})").fetchone()
                if first is None or first[2] not in keep:
                    dropped.append(sql)
                    conn.execute(f"DROP INDEX {name}")
        yield
        # The index builds sort with the connection's own cache (spilling to a temporary
        # file beyond it), so their memory does not grow with the table either.
        conn.execute(f"PRAGMA cache_size = {cache}")
        for sql in dropped:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (SQLite's only escape in one is a doubled quote)."""
    if "\x00" in text:
        raise ValueError("a NUL character cannot be written to the database")
    return "'" + text.replace("'", "''") + "'"


def insert_many(conn: sqlite3.Connection, table: str, rows: Sequence[dict], user: str,
                at: str, *, action: str = "insert") -> int:
    """``insert_rows`` for rows given as dicts, all with the same keys."""
    if not rows:
        return 0
    keys = list(rows[0])
    values = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    return insert_rows(conn, table, keys, [values(row) for row in rows], user, at,
                       action=action)


def update(db: Database, table: str, record_id: int, values: dict, user: str, *,
           action: str = "update", reason: str | None = None,
           access: Access | None = None) -> dict:
    """Change the given columns; returns the row after the change."""
    at = now_utc()
    with transaction(db) as conn:
        before = _row_dict(conn, table, record_id)
        authorise_change(conn, access, table, before)
        authorise_change(conn, access, table, {**before, **values})
        return update_in(conn, table, record_id, values, user, at, action=action, reason=reason)


def update_in(conn: sqlite3.Connection, table: str, record_id: int, values: dict, user: str,
              at: str, *, action: str = "update", reason: str | None = None) -> dict:
    before = _row_dict(conn, table, record_id)
    row = dict(values, updated_at=at, updated_by=user)
    assignments = ", ".join(f"{k} = ?" for k in row)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*row.values(), record_id])
    after = _row_dict(conn, table, record_id)
    changed_before = {k: before[k] for k in values if before.get(k) != after.get(k)}
    changed_after = {k: after[k] for k in changed_before}
    log_change(conn, user, at, Change(action, table, str(record_id), changed_before,
                                      changed_after, reason))
    return after


def authorise_change(conn: sqlite3.Connection, access: Access | None, table: str,
                     row: dict) -> None:
    """Refuse a change to a stored record that the session's role or site grant does not
    allow (a review past its draft is a lead's)."""
    permission = write_permission(table)
    if table == "review" and row.get("status") not in (None, "draft"):
        permission = Permission.COMPLETE_REVIEW
    authorise(conn, access, permission, row.get("site_code") if table in SITE_TABLES else None)


def soft_delete(db: Database, table: str, record_id: int, user: str,
                reason: str | None = None, *, access: Access | None = None) -> None:
    at = now_utc()
    with transaction(db) as conn:
        before = _row_dict(conn, table, record_id)
        authorise_change(conn, access, table, before)
        if before["deleted_at"] is not None:
            return
        conn.execute(f"UPDATE {table} SET deleted_at = ?, deleted_by = ? WHERE id = ?",
                     (at, user, record_id))
        log_change(conn, user, at, Change("delete", table, str(record_id), _content(before),
                                          None, reason))


def restore(db: Database, table: str, record_id: int, user: str, *,
            access: Access | None = None) -> None:
    at = now_utc()
    with transaction(db) as conn:
        before = _row_dict(conn, table, record_id)
        authorise_change(conn, access, table, before)
        if before["deleted_at"] is None:
            return
        try:
            conn.execute(
                f"UPDATE {table} SET deleted_at = NULL, deleted_by = NULL, updated_at = ?, "
                "updated_by = ? WHERE id = ?", (at, user, record_id))
        except sqlite3.IntegrityError as exc:
            raise RestoreRefused(
                f"{table} {record_id} cannot be restored: a live record already takes its "
                f"place ({exc})") from None
        log_change(conn, user, at, Change("restore", table, str(record_id), None,
                                          _content(before)))


def get(db: Database, table: str, record_id: int, *,
        access: Access | None = None) -> dict:
    """One record by id, as the session may see it (refused for a site not granted, patient
    reference masked for a viewer)."""
    return check_row(access_of(db, access), table, _row_dict(db.conn, table, record_id))

