"""`casereview check`: integrity, foreign keys and change-log continuity."""

from __future__ import annotations

import sqlite_utils

from casereview.storage.changelog import verify_chain


def check_database(db: sqlite_utils.Database) -> list[str]:
    """Problems found, as sentences; an empty list means the database is sound."""
    conn = db.conn
    problems = []
    for (message,) in conn.execute("PRAGMA integrity_check"):
        if message != "ok":
            problems.append(f"integrity: {message}")
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
    problems += verify_chain(conn)
    return problems
