"""Actions, their progress notes and dated ratings, and programme targets in the store.

Each write is one short transaction with its change-log entries: saving an action whose
rating changed also adds the dated rating; adding a progress note that sets a rating updates
the action and adds the rating, dated with the note. Notes and ratings are never changed or
removed (the schema refuses it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from casereview.domain.action import CLOSED, LIVE, Action, ProgressNote, Rating, Source
from casereview.domain.programme_target import ProgrammeTarget
from casereview.domain.validation import Problem, RecordInvalid
from casereview.storage.access import Permission, authorise
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import Database, connection_of, now_utc, transaction
from casereview.storage.paging import Keyset
from casereview.storage.records import get, insert_in, update_in

# --- actions -------------------------------------------------------------------------------

def _add_rating(conn: sqlite3.Connection, action_id: int, rated_on: date, rag: str, user: str,
                at: str, progress_id: int | None = None) -> None:
    values = {"action_id": action_id, "rated_on": rated_on.isoformat(), "rag": rag,
              "progress_id": progress_id}
    cursor = conn.execute(
        "INSERT INTO action_rating (action_id, rated_on, rag, progress_id, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?)",
        (action_id, values["rated_on"], rag, progress_id, at, user))
    log_change(conn, user, at, Change("insert", "action_rating", str(cursor.lastrowid), None,
                                      values))


def _add_note(conn: sqlite3.Connection, action_id: int, note: ProgressNote, user: str,
              at: str) -> int:
    assert note.noted_on is not None
    values = {"action_id": action_id, "noted_on": note.noted_on.isoformat(),
              "author": note.author, "text": note.text, "rag": note.rag}
    cursor = conn.execute(
        "INSERT INTO action_progress (action_id, noted_on, author, text, rag, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)", (*values.values(), at, user))
    note_id = cursor.lastrowid
    log_change(conn, user, at, Change("insert", "action_progress", str(note_id), None, values))
    return note_id


def insert_action_in(conn: sqlite3.Connection, action: Action, user: str, at: str,
                     notes: Sequence[ProgressNote] = ()) -> int:
    """A new action inside the caller's transaction, its rating dated the day it was raised,
    then any notes in date order (a note with a rating changes it from the note's date)."""
    assert action.raised_on is not None
    action_id = insert_in(conn, "action", action.to_row(), user, at)
    if action.rag:
        _add_rating(conn, action_id, action.raised_on, action.rag, user, at)
    for note in sorted(notes, key=lambda n: n.noted_on):
        _note_in(conn, action_id, note, user, at)
    return action_id


def save_action(db, action: Action, user: str, record_id: int | None = None, *,
                rated_on: date | None = None, notes: Sequence[ProgressNote] = ()) -> int:
    """Insert a new action, or replace an existing one's fields. A changed rating is dated
    ``rated_on`` (today, on a form; never before the action was raised)."""
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)  # the action plan is a lead's
        if record_id is None:
            return insert_action_in(conn, action, user, at, notes)
        before = _row(conn, record_id)
        update_in(conn, "action", record_id, action.to_row(), user, at)
        if action.rag and action.rag != before["rag"]:
            day = max(rated_on or action.raised_on, action.raised_on)
            _add_rating(conn, record_id, day, action.rag, user, at)
        for note in notes:
            _note_in(conn, record_id, note, user, at)
        return record_id


def _row(conn: sqlite3.Connection, record_id: int) -> dict:
    row = conn.execute("SELECT * FROM action WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        from casereview.storage.records import RecordNotFound

        raise RecordNotFound(f"action {record_id} does not exist")
    return dict(row)


def _note_in(conn: sqlite3.Connection, action_id: int, note: ProgressNote, user: str,
             at: str) -> int:
    row = _row(conn, action_id)
    problem = note.problem_with(date.fromisoformat(row["raised_on"]))
    if problem:
        raise RecordInvalid([Problem("noted_on", problem)])
    note_id = _add_note(conn, action_id, note, user, at)
    if note.rag:
        assert note.noted_on is not None
        _add_rating(conn, action_id, note.noted_on, note.rag, user, at, note_id)
        current = rating_on_record(conn, action_id, None)
        if current != row["rag"]:
            update_in(conn, "action", action_id, {"rag": current}, user, at,
                      reason=f"rating set by progress note {note_id}")
    return note_id


def add_progress(db, action_id: int, note: ProgressNote, user: str) -> int:
    """Add a progress note (refused if dated before the action was raised); a rating it
    carries is dated with the note, and becomes the action's rating unless a later-dated
    rating exists."""
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)
        return _note_in(conn, action_id, note, user, at)


def rating_on_record(conn: sqlite3.Connection, action_id: int, day: date | None) -> str | None:
    """The action's rating on ``day`` (its latest of all with None)."""
    sql = "SELECT rag FROM action_rating WHERE action_id = ?"
    params: list = [action_id]
    if day is not None:
        sql += " AND rated_on <= ?"
        params.append(day.isoformat())
    row = conn.execute(sql + " ORDER BY rated_on DESC, id DESC LIMIT 1", params).fetchone()
    return row[0] if row else None


def get_action(db, record_id: int) -> dict:
    return get(db, "action", record_id)


def progress_notes(conn: sqlite3.Connection | Database, action_id: int) -> list[dict]:
    """The action's notes, oldest first."""
    conn = connection_of(conn)
    return [dict(r) for r in conn.execute(
        "SELECT * FROM action_progress WHERE action_id = ? ORDER BY noted_on, id",
        (action_id,))]


def ratings(conn: sqlite3.Connection | Database, action_id: int) -> list[Rating]:
    conn = connection_of(conn)
    return [Rating(date.fromisoformat(r["rated_on"]), r["rag"]) for r in conn.execute(
        "SELECT rated_on, rag FROM action_rating WHERE action_id = ? ORDER BY rated_on, id",
        (action_id,))]


def action_source(row: dict) -> Source | None:
    return Source.stored(row.get("source_kind"), row.get("source_ref"))


def actions_for_source(conn: sqlite3.Connection, source: Source) -> list[dict]:
    """The live actions raised from ``source`` (a measure's actions: for its scope), newest
    raised first."""
    return [dict(r) for r in conn.execute(
        "SELECT * FROM action WHERE deleted_at IS NULL AND source_kind = ? AND source_ref = ? "
        "ORDER BY raised_on DESC, id DESC", (source.kind, source.stored_ref))]


def source_exists(conn: sqlite3.Connection | Database, source: Source) -> bool:
    """Whether the review, audit or sample an action points at is a live record (other kinds
    are checked by their codes)."""
    conn = connection_of(conn)
    if source.record_id is None:
        return True
    return conn.execute(f"SELECT 1 FROM {source.kind} WHERE id = ? AND deleted_at IS NULL",
                        (source.record_id,)).fetchone() is not None


@dataclass(frozen=True)
class ActionFilter:
    status: str | None = None      # a status code, or "LIVE" for open or in progress
    rag: str | None = None
    owner: str | None = None       # whole name, any case
    agency_code: str | None = None
    overdue_on: date | None = None  # only actions overdue on this day (today)
    source_kind: str | None = None
    source_ref: str | None = None

    def where(self) -> tuple[str, list]:
        clauses, params = ["deleted_at IS NULL"], []
        if self.status == "LIVE":
            clauses.append(f"status IN {LIVE!r}")
        elif self.status:
            clauses.append("status = ?")
            params.append(self.status)
        if self.rag:
            clauses.append("rag = ?")
            params.append(self.rag)
        if self.owner:
            clauses.append("owner = ? COLLATE NOCASE")
            params.append(self.owner.strip())
        if self.agency_code:
            clauses.append("agency_code = ?")
            params.append(self.agency_code)
        if self.overdue_on:
            clauses.append(f"status NOT IN {CLOSED!r} AND due_date < ?")
            params.append(self.overdue_on.isoformat())
        if self.source_kind:
            clauses.append("source_kind = ?")
            params.append(self.source_kind)
        if self.source_ref:
            clauses.append("source_ref = ?")
            params.append(self.source_ref)
        return " AND ".join(clauses), params


LIST_COLUMNS = ("id, title, owner, agency_code, raised_on, due_date, status, closed_on, rag, "
                "source_kind, source_ref")


def action_list(where: ActionFilter = ActionFilter()) -> Keyset:
    """The live actions matching ``where``, newest raised first, paged by keyset on
    (raised_on, id)."""
    clause, params = where.where()
    return Keyset("action", "raised_on", LIST_COLUMNS, clause, tuple(params))


def overdue_actions(conn: sqlite3.Connection | Database, today: date,
                    limit: int = 10) -> list[dict]:
    """Open actions past their due date, the longest overdue first."""
    conn = connection_of(conn)
    return [dict(r) for r in conn.execute(
        f"SELECT {LIST_COLUMNS} FROM action WHERE deleted_at IS NULL AND status NOT IN "
        f"{CLOSED!r} AND due_date < ? ORDER BY due_date, id LIMIT ?",
        (today.isoformat(), limit))]


def count_overdue(conn: sqlite3.Connection | Database, today: date) -> int:
    conn = connection_of(conn)
    return conn.execute(
        f"SELECT COUNT(*) FROM action WHERE deleted_at IS NULL AND status NOT IN {CLOSED!r} "
        "AND due_date < ?", (today.isoformat(),)).fetchone()[0]


def owners(conn: sqlite3.Connection | Database) -> list[str]:
    """Everyone who owns a live action, for the list's owner filter."""
    conn = connection_of(conn)
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT owner FROM action WHERE deleted_at IS NULL ORDER BY owner "
        "COLLATE NOCASE")]


# --- programme targets ---------------------------------------------------------------------

def save_target(db, target: ProgrammeTarget, user: str, record_id: int | None = None) -> int:
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, None, Permission.MANAGE_ACTIONS)
        if record_id is None:
            return insert_in(conn, "programme_target", target.to_row(), user, at)
        update_in(conn, "programme_target", record_id, target.to_row(), user, at)
        return record_id


def target_rows(conn: sqlite3.Connection, *, current_on: date | None = None) -> list[dict]:
    """Live targets, the latest ending first; with ``current_on`` only those running that
    day."""
    sql = "SELECT * FROM programme_target WHERE deleted_at IS NULL"
    params: list = []
    if current_on is not None:
        sql += " AND start_date <= ? AND end_date >= ?"
        params += [current_on.isoformat()] * 2
    return [dict(r) for r in conn.execute(
        sql + " ORDER BY end_date DESC, programme, scope, id", params)]


def get_target(db, record_id: int) -> dict:
    return get(db, "programme_target", record_id)


def open_actions_on(conn: sqlite3.Connection, day: date) -> list[dict]:
    """The live actions open at the end of ``day`` (raised by then, not closed by then), each
    with its rating on that day as ``rag``: overdue ones first (longest overdue first), then
    by due date. What a board pack lists for a period ending on ``day``."""
    rows = [dict(r) for r in conn.execute(
        f"SELECT {LIST_COLUMNS} FROM action WHERE deleted_at IS NULL AND raised_on <= ? "
        "AND (closed_on IS NULL OR closed_on > ?) ORDER BY due_date, id",
        (day.isoformat(), day.isoformat()))]
    for row in rows:
        row["rag"] = rating_on_record(conn, row["id"], day) or row["rag"]
        row["overdue"] = row["due_date"] < day.isoformat()
    return sorted(rows, key=lambda r: not r["overdue"])
