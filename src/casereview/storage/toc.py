"""Transfer of Care audits and the policy timeline in the store.

An audit is stored with its evaluation (due date and status per step, adherence) against the
policy version in force on its audit_date: see domain/toc.py for why that version. Adding a
policy version re-evaluates, in the same transaction, every audit it now governs, and the
change log records the version and each audit whose evaluation changed.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from casereview.domain.toc import (
    DATE_FIELDS,
    DEFAULT_POLICY,
    STEPS,
    Adherence,
    Policy,
    Toc,
    derived_columns,
    evaluate,
)
from casereview.storage.access import Access, Permission, authorise
from casereview.storage.changelog import Change, log_change, log_changes
from casereview.storage.db import Database, connection_of, now_utc, transaction
from casereview.storage.paging import Keyset
from casereview.storage.records import get, insert_in, insert_many, update_in

DERIVED_COLUMNS = ("policy_id", *(f"{s}_{part}" for s in STEPS for part in ("due", "status")),
                   "required_steps", "on_time_steps", "adherence")


# --- the policy timeline ---------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyVersion:
    id: int | None            # None: the SPEC's default timeline (no version stored)
    effective_from: date | None
    policy: Policy
    created_at: str | None = None
    created_by: str | None = None
    reason: str | None = None


DEFAULT_VERSION = PolicyVersion(None, None, DEFAULT_POLICY)


class PolicyTimeline:
    """Every stored version, oldest first, answering 'which one was in force on this day'."""

    def __init__(self, versions: Sequence[PolicyVersion]):
        # Ordered by (effective_from, id): of two versions from the same day the later wins.
        self.versions = sorted(versions, key=lambda v: (v.effective_from, v.id))
        self._starts = [v.effective_from for v in self.versions]

    def in_force(self, day: date) -> PolicyVersion:
        index = bisect_right(self._starts, day)
        return self.versions[index - 1] if index else DEFAULT_VERSION

    def current(self, today: date) -> PolicyVersion:
        return self.in_force(today)


def policy_versions(conn: sqlite3.Connection | Database) -> list[PolicyVersion]:
    conn = connection_of(conn)
    rows = conn.execute("SELECT id, effective_from, steps, created_at, created_by, reason "
                        "FROM toc_policy ORDER BY effective_from, id").fetchall()
    return [PolicyVersion(r["id"], date.fromisoformat(r["effective_from"]),
                          Policy.from_json(r["steps"]), r["created_at"], r["created_by"],
                          r["reason"]) for r in rows]


def load_timeline(conn: sqlite3.Connection | Database) -> PolicyTimeline:
    conn = connection_of(conn)
    return PolicyTimeline(policy_versions(conn))


def policy_in_force(db: Database, day: date) -> PolicyVersion:
    return load_timeline(db.conn).in_force(day)


def evaluation_for(timeline: PolicyTimeline, toc: Toc) -> dict:
    assert toc.audit_date is not None
    version = timeline.in_force(toc.audit_date)
    return derived_columns(toc.steps(version.policy), version.id)


@dataclass(frozen=True)
class PolicyAdded:
    version_id: int
    reevaluated: int  # audits whose evaluation changed


def add_policy(db: Database, policy: Policy, effective_from: date, user: str,
               reason: str, *, access: Access | None = None) -> PolicyAdded:
    """Add a dated version of the timeline and re-evaluate the audits it governs."""
    if not reason or not reason.strip():
        raise ValueError("a change of policy needs a reason")
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.ADMIN)
        cursor = conn.execute(
            "INSERT INTO toc_policy (effective_from, steps, created_at, created_by, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            (effective_from.isoformat(), policy.to_json(), at, user, reason.strip()))
        version_id = cursor.lastrowid
        log_change(conn, user, at, Change(
            "insert", "toc_policy", str(version_id), None,
            {"effective_from": effective_from.isoformat(), "steps": policy.to_json()},
            reason.strip()))
        changed = _reevaluate(conn, effective_from, user, at,
                              f"policy version {version_id} in force from "
                              f"{effective_from.isoformat()}")
    return PolicyAdded(version_id, changed)


def _reevaluate(conn: sqlite3.Connection, since: date, user: str, at: str, reason: str) -> int:
    """Re-judge every audit dated on or after ``since`` (deleted ones too, so a restored audit
    is right). The derived columns are the application's own, so updated_at is left alone."""
    timeline = load_timeline(conn)
    rows = conn.execute("SELECT * FROM toc WHERE audit_date >= ? ORDER BY id",
                        (since.isoformat(),)).fetchall()
    changes = []
    for row in rows:
        current = dict(row)
        version = timeline.in_force(date.fromisoformat(current["audit_date"]))
        new = derived_columns(evaluate(version.policy, _dates_of(current)), version.id)
        before = {k: current[k] for k in DERIVED_COLUMNS if current[k] != new[k]}
        if not before:
            continue
        after = {k: new[k] for k in before}
        assignments = ", ".join(f"{k} = ?" for k in after)
        conn.execute(f"UPDATE toc SET {assignments} WHERE id = ?", [*after.values(), row["id"]])
        changes.append(Change("reevaluate", "toc", str(row["id"]), before, after, reason))
    log_changes(conn, user, at, changes)
    return len(changes)


def _dates_of(row: dict) -> dict[str, date | None]:
    return {name: date.fromisoformat(row[name]) if row.get(name) else None
            for name in DATE_FIELDS}


# --- audits ----------------------------------------------------------------------------------

def save_toc(db: Database, toc: Toc, user: str,
             record_id: int | None = None, *, access: Access | None = None) -> int:
    """Insert a new audit, or replace the fields of an existing one, with its evaluation."""
    at = now_utc()
    with transaction(db) as conn:
        row = toc.to_row() | evaluation_for(load_timeline(conn), toc)
        stored = [] if record_id is None else [r[0] for r in conn.execute(
            "SELECT site_code FROM toc WHERE id = ?", (record_id,))]
        authorise(conn, access, Permission.ENTER, row["site_code"], *stored)
        if record_id is None:
            return insert_in(conn, "toc", row, user, at)
        update_in(conn, "toc", record_id, row, user, at)
        return record_id


def insert_tocs(conn: sqlite3.Connection, tocs: Sequence[Toc], user: str, at: str) -> int:
    """Batch insert (import, demo) inside a transaction the caller holds."""
    timeline = load_timeline(conn)
    return insert_many(conn, "toc", [t.to_row() | evaluation_for(timeline, t) for t in tocs],
                       user, at)


@dataclass(frozen=True)
class TocFilter:
    site_code: str | None = None
    ward_code: str | None = None
    start: date | None = None   # audit_date from (e.g. the first of a month)
    end: date | None = None     # audit_date to, inclusive
    adherence: Adherence | None = None

    def where(self) -> tuple[str, list]:
        clauses, params = ["deleted_at IS NULL"], []
        if self.site_code:
            clauses.append("site_code = ?")
            params.append(self.site_code)
        if self.ward_code:
            clauses.append("ward_code = ?")
            params.append(self.ward_code)
        if self.start:
            clauses.append("audit_date >= ?")
            params.append(self.start.isoformat())
        if self.end:
            clauses.append("audit_date <= ?")
            params.append(self.end.isoformat())
        if self.adherence:
            clauses.append("adherence = ?")
            params.append(self.adherence.value)
        return " AND ".join(clauses), params


LIST_COLUMNS = ("id, audit_date, auditor, site_code, ward_code, patient_ref, admission_date, "
                "medically_fit_date, discharge_date, outcome, adherence, required_steps, "
                "on_time_steps, " + ", ".join(f"{s}_status, {s}_date" for s in STEPS))


def toc_list(where: TocFilter = TocFilter(), *, access: Access | None = None) -> Keyset:
    """The live audits matching ``where``, newest audit date first, paged by keyset on
    (audit_date, id) so that any page, the oldest included, costs one index seek."""
    clause, params = where.where()
    return Keyset("toc", "audit_date", LIST_COLUMNS, clause, tuple(params), access)


def get_toc(db: Database, record_id: int, *,
            access: Access | None = None) -> dict:
    return get(db, "toc", record_id, access=access)


def audits_dated_from(db: Database, day: date) -> int:
    """Live audits dated on or after ``day`` (those a policy version from then would judge)."""
    return db.conn.execute(
        "SELECT COUNT(*) FROM toc WHERE audit_date >= ? AND deleted_at IS NULL",
        (day.isoformat(),)).fetchone()[0]
