"""Moves and night audit returns in the store."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from casereview.storage.access import Access, Permission, access_of, authorise, check_row
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import now_utc, transaction
from casereview.storage.nights import unaudited_nights  # noqa: F401  (where it was)
from casereview.storage.paging import Keyset
from casereview.storage.records import insert_in, update_in

if TYPE_CHECKING:  # the home screen reads nights without loading the record models
    from casereview.domain.move import Move, NightAudit
    from casereview.storage.db import Database


class NightAlreadyClosed(ValueError):
    """A second return for the same site and night."""


def _night_closed(conn: sqlite3.Connection, site_code: str, night: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM night_audit WHERE site_code = ? AND audit_night = ? AND deleted_at IS NULL",
        (site_code, night),
    ).fetchone() is not None


def save_move(db: Database, move: Move, user: str,
              record_id: int | None = None, *, access: Access | None = None) -> int:
    """Insert a new move, or replace the fields of an existing one. A move added to a night
    that already has its return is allowed, and the change log says so. The session must
    hold a grant for the move's site (and, for a change, the site it had)."""
    row = move.to_row()
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.ENTER, row["site_code"],
                  *_site_of(conn, "move", record_id))
        if record_id is None:
            record_id = insert_in(conn, "move", row, user, at)
        else:
            update_in(conn, "move", record_id, row, user, at)
        night = row["audit_night"]
        if night and _night_closed(conn, row["site_code"], night):
            log_change(conn, user, at, Change(
                "late_entry", "move", str(record_id), None, {"audit_night": night},
                f"saved after the night of {night} at {row['site_code']} was closed"))
    return record_id


def _site_of(conn: sqlite3.Connection, table: str, record_id: int | None) -> list[str]:
    """The stored site of a record about to be changed ([] for a new one)."""
    if record_id is None:
        return []
    row = conn.execute(f"SELECT site_code FROM {table} WHERE id = ?", (record_id,)).fetchone()
    return [row[0]] if row else []


def close_night(db: Database, audit: NightAudit, user: str, *,
                access: Access | None = None) -> int:
    row = audit.to_row()
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.ENTER, row["site_code"])
        if _night_closed(conn, row["site_code"], row["audit_night"]):
            raise NightAlreadyClosed(
                f"the night of {audit.audit_night:%d %b %Y} at {row['site_code']} already has "
                "its audit return")
        return insert_in(conn, "night_audit", row, user, at)


@dataclass(frozen=True)
class NightStatus:
    site_code: str
    audit_night: date
    moves: int
    audit_id: int | None
    audited_by: str | None
    completed_at: str | None

    @property
    def closed(self) -> bool:
        return self.audit_id is not None


def night_status(db: Database, site_code: str, night: date, *,
                 access: Access | None = None) -> NightStatus:
    conn = db.conn
    access_of(conn, access).require(Permission.VIEW, site_code)
    moves = conn.execute(
        "SELECT COUNT(*) FROM move WHERE site_code = ? AND audit_night = ? AND deleted_at IS NULL",
        (site_code, night.isoformat()),
    ).fetchone()[0]
    audit = conn.execute(
        "SELECT id, audited_by, completed_at FROM night_audit WHERE site_code = ? AND "
        "audit_night = ? AND deleted_at IS NULL", (site_code, night.isoformat()),
    ).fetchone()
    return NightStatus(site_code, night, moves, audit["id"] if audit else None,
                       audit["audited_by"] if audit else None,
                       audit["completed_at"] if audit else None)


def moves_for_night(db: Database, site_code: str, night: date, *,
                    access: Access | None = None) -> list[dict]:
    """The night's moves in time order (a night holds tens at most, so no paging)."""
    access = access_of(db, access)
    access.require(Permission.VIEW, site_code)
    rows = db.conn.execute(
        "SELECT * FROM move WHERE site_code = ? AND audit_night = ? AND deleted_at IS NULL "
        "ORDER BY moved_at_utc, id", (site_code, night.isoformat()),
    ).fetchall()
    return [check_row(access, "move", dict(r)) for r in rows]


def set_night_window(db: Database, start: str, end: str, user: str, *,
                     access: Access | None = None) -> int:
    """Change the out-of-hours window (a setting) and recompute every move's stored
    out_of_hours and audit_night from its local time with the model's own rule
    (``domain.move.night_of``), in one transaction. Returns how many moves changed."""
    from casereview.domain.move import night_of
    from casereview.domain.validation import NightWindow
    from casereview.storage.reference import write_setting

    window = NightWindow.from_settings(start, end)
    s, e = f"{window.start:%H:%M}", f"{window.end:%H:%M}"

    def out_of_hours(moved_at: str) -> int:
        return int(night_of(window, datetime.fromisoformat(moved_at))[0])

    def audit_night(moved_at: str) -> str | None:
        night = night_of(window, datetime.fromisoformat(moved_at))[1]
        return night.isoformat() if night else None

    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.ADMIN)
        write_setting(conn, "night_window_start", s, user, at)
        write_setting(conn, "night_window_end", e, user, at)
        conn.create_function("out_of_hours_at", 1, out_of_hours, deterministic=True)
        conn.create_function("audit_night_at", 1, audit_night, deterministic=True)
        before = conn.total_changes
        conn.execute("UPDATE move SET out_of_hours = out_of_hours_at(moved_at), "
                     "audit_night = audit_night_at(moved_at)")
        changed = conn.total_changes - before
        log_change(conn, user, at, Change("recompute", "move", None, None,
                                          {"night_window": window.label(), "moves": changed}))
    return changed


# Columns of the moves register (everything but the audit columns).
REGISTER_COLUMNS = ("id, moved_at, moved_at_utc, audit_night, out_of_hours, site_code, "
                    "from_ward, to_ward, reason, patient_ref, age, dementia, authorised_by, "
                    "informed, move_number, notes")


def moves_register(site_code: str | None = None, *, access: Access | None = None) -> Keyset:
    """Every live move, newest first, optionally at one site: paged by keyset on
    move_live_time (all sites) or move_site_time (one site)."""
    if site_code is None:
        return Keyset("move", "moved_at_utc", REGISTER_COLUMNS, access=access)
    return Keyset("move", "moved_at_utc", REGISTER_COLUMNS,
                  "deleted_at IS NULL AND site_code = ?", (site_code,), access)


def get_move(db: Database, record_id: int, *, access: Access | None = None) -> dict | None:
    """A live move as stored, or None if it is not there (or deleted); refused at a site
    the session has no grant for, patient reference masked for a viewer."""
    row = db.conn.execute("SELECT * FROM move WHERE id = ? AND deleted_at IS NULL",
                          (record_id,)).fetchone()
    return None if row is None else check_row(access_of(db, access), "move", dict(row))
