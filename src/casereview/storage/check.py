"""`casereview check`: integrity, foreign keys and change-log continuity."""

from __future__ import annotations

import sqlite3

from casereview.storage.changelog import has_batches, verify_chain
from casereview.storage.db import Database, schema_version, user_version

LIMIT = 20  # problems listed per kind; the rest are counted


def record_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding audit records: an id and the created/updated/deleted columns that every
    record type carries (so record types added later are checked too)."""
    tables = []
    for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"):
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}
        if {"id", "created_at", "updated_at", "deleted_at"} <= columns:
            tables.append(name)
    return tables


def unlogged_changes(conn: sqlite3.Connection) -> list[str]:
    """Records changed later than their last change-log entry (or with none at all): what a
    removed or never-written entry leaves behind. Entries carry the same timestamp as the
    change they record, so a record's updated_at and deleted_at never pass its last entry."""
    problems = []
    # The batch entry that inserted the record, if it came in one (schema 8).
    batch = """COALESCE((SELECT CASE WHEN b.first_id <= r.id THEN b.at END
                         FROM change_log b
                         WHERE b.record_type = :t AND b.first_id IS NOT NULL
                           AND b.last_id >= r.id
                         ORDER BY b.last_id LIMIT 1), '')""" if has_batches(conn) else "''"
    for table in record_tables(conn):
        rows = conn.execute(
            f"""
            SELECT r.id, MAX(r.updated_at, COALESCE(r.deleted_at, '')) AS changed,
                   NULLIF(MAX(
                       COALESCE((SELECT MAX(c.at) FROM change_log c
                                 WHERE c.record_type = :t
                                   AND c.record_id = CAST(r.id AS TEXT)), ''),
                       {batch}), '') AS logged
            FROM {table} r
            WHERE logged IS NULL OR logged < changed
            ORDER BY r.id LIMIT :limit
            """, {"t": table, "limit": LIMIT + 1}).fetchall()
        for row in rows[:LIMIT]:
            if row["logged"] is None:
                problems.append(f"change log: {table} {row['id']} has no change-log entry")
            else:
                problems.append(f"change log: {table} {row['id']} was changed at "
                                f"{row['changed']} but its last change-log entry is at "
                                f"{row['logged']}")
        if len(rows) > LIMIT:
            problems.append(f"change log: ... further {table} records not listed")
    return problems


def check_database(db: Database) -> list[str]:
    """Problems found, as sentences; an empty list means the database is sound."""
    conn = db.conn
    problems = []
    for (message,) in conn.execute("PRAGMA integrity_check"):
        if message != "ok":
            problems.append(f"integrity: {message}")
    if problems:
        # Damaged pages make the other checks unreliable (or crash them).
        return problems
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
    version, latest = user_version(conn), schema_version()
    if version == 0:
        problems.append("schema: this file has no casereview schema")
        return problems
    problems += verify_chain(conn)
    problems += unlogged_changes(conn)
    problems += missing_triggers(conn, min(version, latest))
    return problems


# The triggers that make the change log append-only, and the schema version that added each.
GUARD_TRIGGERS = {
    "change_log_no_update": 1,
    "change_log_no_delete": 1,
    "change_log_follows_last": 5,
    "spc_rebase_no_update": 11,
    "spc_rebase_no_delete": 11,
}


def missing_triggers(conn: sqlite3.Connection, version: int) -> list[str]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [f"change log: the guard trigger {name} has been removed"
            for name, since in GUARD_TRIGGERS.items() if since <= version and name not in present]
