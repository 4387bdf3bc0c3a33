"""Reviews in the store: drafts, completion, sign-off and amendments, and the paged list.

The ';'-separated ``agencies`` and ``themes`` columns are what people and files see; the
``review_agency`` and ``review_theme_link`` rows are the same sets in a form the measures can
join and the list can filter on. Both are written in the same transaction, always together.

A signed-off review is read-only: ``save_review`` refuses it, and the only way to change it
is ``amend``, which needs a reason and is logged with action 'amend'.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from casereview.domain.review import COMPLETE, DRAFT, SIGNED_OFF, Review
from casereview.storage.access import Access, Permission, access_of, authorise, check_row
from casereview.storage.changelog import Change, log_changes
from casereview.storage.db import Database, now_utc, transaction
from casereview.storage.paging import Keyset
from casereview.storage.records import (
    RecordNotFound,
    insert_in,
    insert_many,
    soft_delete,
    update_in,
)


class ReviewLocked(ValueError):
    """A signed-off review can only be changed by an amendment with a reason."""


class NotReadyToSignOff(ValueError):
    """Only a complete review can be signed off."""


class AmendmentRefused(ValueError):
    """An amendment without a reason, of a review not signed off, or that changes nothing."""


def _status_of(conn: sqlite3.Connection, record_id: int) -> str:
    row = conn.execute("SELECT status, deleted_at FROM review WHERE id = ?",
                       (record_id,)).fetchone()
    if row is None or row["deleted_at"] is not None:
        raise RecordNotFound(f"review {record_id} does not exist")
    return row["status"]


def _write_links(conn: sqlite3.Connection, pairs: Sequence[tuple[int, Review]],
                 replace: bool) -> None:
    if replace:
        ids = [(record_id,) for record_id, _ in pairs]
        conn.executemany("DELETE FROM review_agency WHERE review_id = ?", ids)
        conn.executemany("DELETE FROM review_theme_link WHERE review_id = ?", ids)
    conn.executemany("INSERT INTO review_agency (review_id, agency_code) VALUES (?, ?)",
                     [(rid, code) for rid, review in pairs for code in review.agencies])
    conn.executemany("INSERT INTO review_theme_link (review_id, theme_code) VALUES (?, ?)",
                     [(rid, code) for rid, review in pairs for code in review.themes])


def save_review(db: Database, review: Review, user: str,
                record_id: int | None = None, *, access: Access | None = None) -> int:
    """Insert a new review or replace the fields of one not yet signed off. The review's own
    status (draft or complete) is stored with it; signing off goes through ``sign_off``.
    An auditor writes drafts; completing a review, or changing a complete one, is a lead's."""
    if review.status == SIGNED_OFF:
        raise ValueError("a review is signed off with sign_off(), not saved as signed off")
    row = review.to_row()
    at = now_utc()
    with transaction(db) as conn:
        stored = _status_of(conn, record_id) if record_id is not None else DRAFT
        authorise(conn, access, Permission.ENTER if review.status == DRAFT and stored == DRAFT
                  else Permission.COMPLETE_REVIEW)
        if record_id is None:
            record_id = insert_in(conn, "review", row, user, at)
            _write_links(conn, [(record_id, review)], replace=False)
        else:
            if _status_of(conn, record_id) == SIGNED_OFF:
                raise ReviewLocked("this review is signed off: it can only be changed by an "
                                   "amendment that gives a reason")
            update_in(conn, "review", record_id, row, user, at)
            _write_links(conn, [(record_id, review)], replace=True)
    return record_id


def sign_off(db: Database, record_id: int, user: str, *,
             access: Access | None = None) -> dict:
    """Record who signed the review off and when; from then on it is read-only."""
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.COMPLETE_REVIEW)
        status = _status_of(conn, record_id)
        if status == SIGNED_OFF:
            raise NotReadyToSignOff("this review is already signed off")
        if status != COMPLETE:
            raise NotReadyToSignOff("only a complete review can be signed off: complete it "
                                    "first")
        return update_in(conn, "review", record_id, {
            "status": SIGNED_OFF, "signed_off_at": at, "signed_off_by": user,
        }, user, at, action="sign_off")


def amend(db: Database, record_id: int, review: Review, user: str,
          reason: str | None, *, access: Access | None = None) -> dict:
    """Change a signed-off review. The reason goes in the change log with action 'amend'; the
    original sign-off (who and when) stays on the review."""
    reason = (reason or "").strip()
    if not reason:
        raise AmendmentRefused("an amendment to a signed-off review needs a reason")
    if review.status != SIGNED_OFF:
        raise AmendmentRefused("an amendment keeps the review signed off: validate it with "
                               "status signed_off")
    row = review.to_row()
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.COMPLETE_REVIEW)
        if _status_of(conn, record_id) != SIGNED_OFF:
            raise AmendmentRefused("this review is not signed off: save the change instead")
        current = dict(conn.execute("SELECT * FROM review WHERE id = ?", (record_id,))
                       .fetchone())
        if all(current.get(k) == v for k, v in row.items()):
            raise AmendmentRefused("the amendment changes nothing")
        after = update_in(conn, "review", record_id, row, user, at, action="amend",
                          reason=reason)
        _write_links(conn, [(record_id, review)], replace=True)
    return after


def insert_reviews(conn: sqlite3.Connection, reviews: Sequence[Review], user: str, at: str,
                   sign_offs: Sequence[tuple[str, str] | None] | None = None) -> int:
    """Batch insert inside a transaction the caller holds (the importer, the demo).

    A review given as signed off is signed off by ``sign_offs[i]`` (who, when) if given, else
    by ``user`` at ``at``; each gets a 'sign_off' entry in the change log as well.
    """
    if not reviews:
        return 0
    rows = []
    signed: list[tuple[int, dict]] = []
    first_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM review").fetchone()[0] + 1
    for i, review in enumerate(reviews):
        row = dict(review.to_row(), signed_off_at=None, signed_off_by=None)
        if review.status == SIGNED_OFF:
            who, when = (sign_offs[i] if sign_offs and sign_offs[i] else (user, at))
            row.update(signed_off_by=who, signed_off_at=when)
            signed.append((first_id + i, {"status": SIGNED_OFF, "signed_off_at": when,
                                          "signed_off_by": who}))
        rows.append(row)
    # insert_many numbers the rows from MAX(id) + 1 too, in this same transaction.
    written = insert_many(conn, "review", rows, user, at)
    _write_links(conn, [(first_id + i, r) for i, r in enumerate(reviews)], replace=False)
    log_changes(conn, user, at, (Change("sign_off", "review", str(rid), None, after)
                                 for rid, after in signed))
    return written


def delete_review(db: Database, record_id: int, user: str,
                  reason: str | None = None, *, access: Access | None = None) -> None:
    """Soft delete a review not yet signed off (a signed-off review is the record of what the
    agencies agreed; it is amended, never removed). Deleting a complete one is a lead's."""
    status = _status_of(db.conn, record_id)
    if status == SIGNED_OFF:
        raise ReviewLocked("a signed-off review cannot be deleted; amend it instead")
    soft_delete(db, "review", record_id, user, reason, access=access)


def get_review(db: Database, record_id: int, *,
               access: Access | None = None) -> dict:
    row = db.conn.execute("SELECT * FROM review WHERE id = ? AND deleted_at IS NULL",
                          (record_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"review {record_id} does not exist")
    return check_row(access_of(db, access), "review", dict(row))


def find_duplicate(conn: sqlite3.Connection, review: Review) -> int | None:
    """A live review of the same patient's same stay on the same date (a file imported
    twice, say)."""
    row = conn.execute(
        "SELECT id FROM review WHERE deleted_at IS NULL AND patient_ref = ? AND "
        "review_date = ? AND admission_date IS ? LIMIT 1",
        (review.patient_ref, review.review_date.isoformat() if review.review_date else None,
         review.admission_date.isoformat() if review.admission_date else None),
    ).fetchone()
    return row[0] if row else None


# --- the list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewFilter:
    status: str | None = None          # draft, complete, signed_off; None = any
    date_from: date | None = None      # review_date on or after
    date_to: date | None = None        # review_date on or before
    theme: str | None = None           # carries this theme code
    second_stage: bool | None = None   # True: needs a second-stage review; False: does not

    def where(self) -> tuple[str, list]:
        clauses, params = ["deleted_at IS NULL"], []
        if self.status:
            clauses.append("status = ?")
            params.append(self.status)
        if self.date_from:
            clauses.append("review_date >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            clauses.append("review_date <= ?")
            params.append(self.date_to.isoformat())
        if self.theme:
            clauses.append("EXISTS (SELECT 1 FROM review_theme_link t "
                           "WHERE t.review_id = review.id AND t.theme_code = ?)")
            params.append(self.theme)
        if self.second_stage is True:
            clauses.append("second_stage = 1")
        elif self.second_stage is False:
            clauses.append("COALESCE(second_stage, 0) = 0")
        return " AND ".join(clauses), params


LIST_COLUMNS = ("id, review_date, patient_ref, age, dementia, agencies, ideal_outcome, "
                "actual_outcome, score_overall, non_ideal_outcome, more_care_than_needed, "
                "second_stage, themes, status, signed_off_by")


def review_list(filters: ReviewFilter = ReviewFilter(), *,
                access: Access | None = None) -> Keyset:
    """The live reviews matching ``filters``, newest review date first, paged by keyset on
    (review_date, id): page 50, or the oldest page, costs what page 1 does."""
    where, params = filters.where()
    return Keyset("review", "review_date", LIST_COLUMNS, where, tuple(params), access)


__all__ = ["AmendmentRefused", "NotReadyToSignOff", "ReviewFilter", "ReviewLocked", "amend",
           "delete_review", "find_duplicate", "get_review", "insert_reviews", "review_list",
           "save_review", "sign_off", "DRAFT", "COMPLETE", "SIGNED_OFF"]


def learning_between(db: Database, start: date, end: date) -> list[tuple[str, str]]:
    """(review_date, learning) of the live complete and signed-off reviews dated from ``start``
    to ``end`` (the reviews the measures count), oldest first."""
    marks = ", ".join("?" for _ in (COMPLETE, SIGNED_OFF))
    return [tuple(row) for row in db.conn.execute(
        "SELECT review_date, learning FROM review WHERE deleted_at IS NULL "
        f"AND status IN ({marks}) AND review_date BETWEEN ? AND ? "
        "AND learning IS NOT NULL AND trim(learning) <> '' ORDER BY review_date, id",
        (COMPLETE, SIGNED_OFF, start.isoformat(), end.isoformat()))]
