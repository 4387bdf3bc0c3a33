"""SPC chart rebases and notes (SPEC 6), per measure and scope; schema 11.

A rebase is append-only: ``rebase`` starts a new segment of the chart at a week, ``undo_rebase``
takes it back with a later entry. Both need a reason and both are written to the change log
in the same transaction. Notes are records: added, and deleted (never edited) with a log entry.
"""

from __future__ import annotations

import re
from datetime import date

from casereview.domain.spc import REBASE, UNDO_REBASE, Note, Rebase
from casereview.storage.access import Permission, authorise
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import Database, now_utc, transaction

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
NOTE_LENGTH = 200


class ChartSettingInvalid(ValueError):
    """A rebase or note that cannot be saved; the message names the field and the rule."""


def _week(week: str) -> str:
    match = WEEK.match(week or "")
    try:
        if match is None:
            raise ValueError
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ChartSettingInvalid(f"week: '{week}' is not an ISO week such as 2026-W05") from None
    return week


def _required(field: str, text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ChartSettingInvalid(f"{field}: {what} is required")
    if len(text) > NOTE_LENGTH:
        raise ChartSettingInvalid(f"{field}: at most {NOTE_LENGTH} characters ({len(text)} given)")
    return text


def _rebase_entry(db, measure: str, scope: str, week: str, action: str, reason: str,
                  user: str) -> None:
    week, reason = _week(week), _required("reason", reason, "a reason for the change")
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)  # rebases are a lead's (SPEC 8)
        active = {r.week for r in active_rebases(db, measure, scope)}
        if action == REBASE and week in active:
            raise ChartSettingInvalid(f"week: the chart of {measure} ({scope}) is already "
                                      f"rebased at {week}")
        if action == UNDO_REBASE and week not in active:
            raise ChartSettingInvalid(f"week: the chart of {measure} ({scope}) has no rebase "
                                      f"at {week} to take back")
        cursor = conn.execute(
            "INSERT INTO spc_rebase (measure, scope, week, action, reason, created_at, "
            "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (measure, scope, week, action, reason, at, user))
        log_change(conn, user, at, Change(
            f"spc_{action}", "spc_rebase", str(cursor.lastrowid), None,
            {"measure": measure, "scope": scope, "week": week, "action": action},
            reason))


def rebase(db: Database, measure: str, scope: str, week: str, reason: str,
           user: str) -> None:
    """Recalculate the chart's limits from ``week`` on (a new segment), for ``reason``."""
    _rebase_entry(db, measure, scope, week, REBASE, reason, user)


def undo_rebase(db: Database, measure: str, scope: str, week: str, reason: str,
                user: str) -> None:
    """Take back the rebase at ``week`` with a later entry (the first stays on record)."""
    _rebase_entry(db, measure, scope, week, UNDO_REBASE, reason, user)


def active_rebases(db: Database, measure: str, scope: str) -> list[Rebase]:
    """The rebases in force for a chart, oldest week first: for each week its latest entry,
    if that entry is a rebase."""
    return _in_force(db.conn.execute(
        "SELECT measure, scope, week, action, reason, created_at, created_by FROM spc_rebase "
        "WHERE measure = ? AND scope = ? ORDER BY week, id", (measure, scope))
    ).get((measure, scope), [])


def _in_force(rows) -> dict[tuple[str, str], list[Rebase]]:
    """Rebases in force from entries ordered by measure, scope, week, id: for each week its
    latest entry, if that entry is a rebase."""
    latest = {tuple(row[:3]): tuple(row) for row in rows}
    rebases: dict[tuple[str, str], list[Rebase]] = {}
    for measure, scope, week, action, reason, at, by in latest.values():
        if action == REBASE:
            rebases.setdefault((measure, scope), []).append(
                Rebase(measure, scope, week, reason, at, by))
    return rebases


def rebase_history(db: Database, measure: str, scope: str
                   ) -> list[tuple[str, str, str, str, str]]:
    """Every entry for a chart, oldest first: (at, user, action, week, reason)."""
    return [tuple(r) for r in db.conn.execute(
        "SELECT created_at, created_by, action, week, reason FROM spc_rebase "
        "WHERE measure = ? AND scope = ? ORDER BY id", (measure, scope))]


def add_note(db: Database, measure: str, scope: str, week: str, text: str,
             user: str) -> Note:
    week, text = _week(week), _required("note", text, "some text")
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)
        cursor = conn.execute(
            "INSERT INTO spc_note (measure, scope, week, text, created_at, created_by, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (measure, scope, week, text, at, user, at, user))
        note = Note(cursor.lastrowid, measure, scope, week, text, at, user)
        log_change(conn, user, at, Change("insert", "spc_note", str(note.id), None,
                                          {"measure": measure, "scope": scope, "week": week,
                                           "text": text}))
    return note


def delete_note(db: Database, note_id: int, user: str) -> None:
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)
        row = conn.execute("SELECT measure, scope, week, text FROM spc_note "
                           "WHERE id = ? AND deleted_at IS NULL", (note_id,)).fetchone()
        if row is None:
            raise ChartSettingInvalid(f"note: there is no note {note_id}")
        conn.execute("UPDATE spc_note SET deleted_at = ?, deleted_by = ?, updated_at = ?, "
                     "updated_by = ? WHERE id = ?", (at, user, at, user, note_id))
        log_change(conn, user, at, Change("delete", "spc_note", str(note_id),
                                          dict(zip(("measure", "scope", "week", "text"), row)),
                                          None))


def notes_for(db: Database, measure: str, scope: str) -> list[Note]:
    """The live notes on a chart, by week then as added."""
    return [Note(*row) for row in db.conn.execute(
        "SELECT id, measure, scope, week, text, created_at, created_by FROM spc_note "
        "WHERE measure = ? AND scope = ? AND deleted_at IS NULL ORDER BY week, id",
        (measure, scope))]


ByChart = dict[tuple[str, str], list]  # (measure, scope) -> [Rebase] or [Note]


def chart_settings(db: Database) -> tuple[ByChart, ByChart]:
    """Every chart's rebases in force and live notes, by (measure, scope): for a scorecard,
    which draws many charts, in two queries."""
    rebases = _in_force(db.conn.execute(
        "SELECT measure, scope, week, action, reason, created_at, created_by "
        "FROM spc_rebase ORDER BY measure, scope, week, id"))
    notes: dict[tuple[str, str], list[Note]] = {}
    for row in db.conn.execute(
            "SELECT id, measure, scope, week, text, created_at, created_by FROM spc_note "
            "WHERE deleted_at IS NULL ORDER BY measure, scope, week, id"):
        note = Note(*row)
        notes.setdefault((note.measure, note.scope), []).append(note)
    return rebases, notes
