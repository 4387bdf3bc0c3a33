"""Databases as an earlier casereview wrote them, for the migration tests.

``build_at_version(path, v)`` applies only the migration scripts numbered up to ``v`` (the
very scripts casereview ships, so the fixtures stay true as versions are added) and fills the
database with a little of everything through the version-1 tables, with a whole change log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from casereview.storage.changelog import Change, log_changes
from casereview.storage.db import migration_scripts, statements

AT = "2026-03-02T10:00:00+00:00"
USER = "old version"
SECRET = "5e" * 32


def earlier_versions() -> list[int]:
    return [version for version, _ in migration_scripts()[:-1]]


def _fill(conn: sqlite3.Connection) -> None:
    """Reference data, two moves, a night return, one soft-deleted move and the settings, each
    with its change-log entry, written through the version-1 columns only."""
    conn.executemany("INSERT INTO setting VALUES (?, ?, ?, ?)", [
        ("night_window_start", "22:00", AT, USER), ("night_window_end", "07:00", AT, USER),
        ("experience_weekly_target", "5", AT, USER), ("secret", SECRET, AT, USER)])
    conn.execute("INSERT INTO site VALUES ('NGH', 'Northgate General')")
    conn.executemany("INSERT INTO ward VALUES (?, ?, 'NGH', 1)",
                     [("A1", "Ward A1"), ("A2", "Ward A2")])
    conn.executemany("INSERT INTO move_reason VALUES (?, ?, ?)",
                     [("CAPACITY", "bed needed for an admission / flow", 0),
                      ("CLINICAL", "clinical need", 1)])
    conn.execute("INSERT INTO agency VALUES ('ACUTE', 'Acute hospital trust', 'health')")
    changes = [Change("create", "database", None, None, {"defaults": "seeded"})]
    moves = [
        (1, "2026-03-01T23:15+00:00", "2026-03-01T23:15Z", "2026-03-01", 1, "A1", "A2",
         "CAPACITY", "9990000018", 84, 1, None),
        (2, "2026-03-02T02:30+00:00", "2026-03-02T02:30Z", "2026-03-01", 1, "A2", "A1",
         "CLINICAL", None, 70, 0, None),
        (3, "2026-03-02T03:00+00:00", "2026-03-02T03:00Z", "2026-03-01", 1, "A2", "A1",
         "CAPACITY", None, None, None, AT),
    ]
    for (mid, moved_at, utc, night, ooh, frm, to, reason, ref, age, dementia, deleted) in moves:
        conn.execute(
            "INSERT INTO move (id, moved_at, moved_at_utc, audit_night, out_of_hours, "
            "site_code, from_ward, to_ward, reason, patient_ref, age, dementia, created_at, "
            "created_by, updated_at, updated_by, deleted_at, deleted_by) VALUES "
            "(?, ?, ?, ?, ?, 'NGH', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mid, moved_at, utc, night, ooh, frm, to, reason, ref, age, dementia, AT, USER, AT,
             USER, deleted, USER if deleted else None))
        changes.append(Change("insert", "move", str(mid), None, {"id": mid, "to_ward": to}))
        if deleted:
            changes.append(Change("delete", "move", str(mid), {"to_ward": to}, None,
                                  "entered twice"))
    conn.execute(
        "INSERT INTO night_audit (id, site_code, audit_night, audited_by, completed_at, "
        "created_at, created_by, updated_at, updated_by) VALUES "
        "(1, 'NGH', '2026-03-01', 'K. Mensah', '2026-03-02T07:20+00:00', ?, ?, ?, ?)",
        (AT, USER, AT, USER))
    changes.append(Change("insert", "night_audit", "1", None, {"id": 1}))
    log_changes(conn, USER, AT, changes)


def build_at_version(path: Path, version: int) -> Path:
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN")
        for number, script in migration_scripts():
            if number > version:
                break
            for statement in statements(script):
                conn.execute(statement)
            if number == 1:
                _fill(conn)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    finally:
        conn.close()
    path.chmod(0o600)
    return path


CONTENT_TABLES = ("setting", "site", "ward", "move_reason", "agency", "move", "night_audit",
                  "change_log")


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """The fixture's data, for comparing before and after an upgrade."""
    conn = sqlite3.connect(str(path))
    try:
        return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")]
                for t in CONTENT_TABLES}
    finally:
        conn.close()
