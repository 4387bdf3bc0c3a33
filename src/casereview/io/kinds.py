"""The import KINDs of SPEC 7.1 and how each is validated and written.

A kind's columns, the ones a file must have, and the stored columns come from its record
model (domain/record.py), the one description of the record."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from operator import itemgetter

from casereview.domain.action import Action, ProgressNote
from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.record import FastRows, shape, stored_row
from casereview.domain.review import COMPLETE, Review
from casereview.domain.toc import Toc
from casereview.domain.validation import Context, Problem, RecordInvalid, validate
from casereview.domain.ward_entry import WardEntry
from casereview.io.duplicates import SameRecord
from casereview.io.importer import ImportKind, RowRejected
from casereview.metrics.actions import check_source
from casereview.storage.actions import insert_action_in
from casereview.storage.changelog import Change, encode_rows, log_changes
from casereview.storage.records import insert_many, insert_rows
from casereview.storage.reviews import find_duplicate, insert_reviews
from casereview.storage.toc import insert_tocs


def _build(model):
    def build(raw: dict[str, str], context: Context):
        return validate(model, raw, context)
    return build


# --- moves ----------------------------------------------------------------------------------

MOVE_COLUMNS = shape(Move).input_columns  # SPEC 7.1
STORED_COLUMNS = shape(Move).stored_columns


def _build_move(raw: dict[str, str], context: Context) -> tuple:
    return tuple(stored_row(validate(Move, raw, context)).values())


def _fast_moves(context: Context):
    return FastRows(Move, context).batch()


def _write_moves(conn: sqlite3.Connection, rows: list[tuple], user: str, at: str, *,
                 encoded: str | None = None) -> int:
    return insert_rows(conn, "move", STORED_COLUMNS, rows, user, at, encoded=encoded)


def _same_as_stored(table: str, noun: str, probe: str, columns: tuple[str, ...],
                    example: str = "") -> SameRecord:
    """The duplicate rule for a kind whose built record is its stored row as a tuple in
    STORED_COLUMNS order (moves): the file's columns, found by an indexed ``probe``."""
    return SameRecord(table, noun, probe, columns, itemgetter(
        *(STORED_COLUMNS.index(c) for c in (probe, *columns))), example)


def _same_as_row(table: str, noun: str, probe: str, columns: tuple[str, ...]) -> SameRecord:
    """The duplicate rule for a kind whose built record has ``to_row()`` (a dict of stored
    columns)."""
    pick = itemgetter(probe, *columns)
    return SameRecord(table, noun, probe, columns, lambda record: pick(record.to_row()))


# Rows go through the fast path (the Move model's own field rules, remembered per value,
# domain/record.py) when it can prove them valid, and through the Move model otherwise;
# either way the stored row is the model's. Two moves are the same when every column of the
# file is (found by the index on the UTC time).
MOVES = ImportKind("moves", MOVE_COLUMNS, shape(Move).required_columns, _build_move,
                   _write_moves, fast=_fast_moves, encode=encode_rows,
                   same=_same_as_stored("move", "move", "moved_at_utc", MOVE_COLUMNS,
                                        " (e.g. two patients moved together without "
                                        "references)"))


# --- nights ---------------------------------------------------------------------------------

def _check_night(conn: sqlite3.Connection, audit: NightAudit, state: dict) -> None:
    key = (audit.site_code, audit.audit_night.isoformat())
    seen = state.setdefault("nights", set())
    if key in seen:
        raise RowRejected("audit_night", f"a second return for {key[0]} on the night of "
                                         f"{key[1]} in this file")
    seen.add(key)
    if conn.execute("SELECT 1 FROM night_audit WHERE site_code = ? AND audit_night = ? "
                    "AND deleted_at IS NULL", key).fetchone():
        raise RowRejected("audit_night", f"{key[0]} already has a return for the night of "
                                         f"{key[1]}")


def _write_nights(conn: sqlite3.Connection, audits: list[NightAudit], user: str, at: str) -> int:
    return insert_many(conn, "night_audit", [a.to_row() for a in audits], user, at)


NIGHTS = ImportKind("nights", shape(NightAudit).input_columns,
                    shape(NightAudit).required_columns, _build(NightAudit),
                    _write_nights, _check_night)


# --- wards ----------------------------------------------------------------------------------

def _build_ward(raw: dict[str, str], context: Context) -> WardEntry:
    entry = validate(WardEntry, raw, context)
    existing = context.reference.wards.get(entry.ward_code)
    if existing and existing.site_code != entry.site_code:
        raise RowRejected("ward_code", f"ward {entry.ward_code} is already on site "
                                       f"{existing.site_code}; ward codes are unique across sites")
    return entry


def _check_ward(conn: sqlite3.Connection, entry: WardEntry, state: dict) -> None:
    sites = state.setdefault("sites", set())
    if entry.site_name:
        sites.add(entry.site_code)
    elif entry.site_code not in sites and not conn.execute(
            "SELECT 1 FROM site WHERE site_code = ?", (entry.site_code,)).fetchone():
        raise RowRejected("site_name", f"is required for the new site {entry.site_code}")
    seen = state.setdefault("wards", {})
    if entry.ward_code in seen:
        raise RowRejected("ward_code", f"ward {entry.ward_code} appears twice in this file")
    seen[entry.ward_code] = entry.site_code


def _write_wards(conn: sqlite3.Connection, entries: list[WardEntry], user: str, at: str) -> int:
    changes = []
    for e in entries:
        if e.site_name:
            before = conn.execute("SELECT site_name FROM site WHERE site_code = ?",
                                  (e.site_code,)).fetchone()
            if before is None or before[0] != e.site_name:
                conn.execute("INSERT INTO site (site_code, site_name) VALUES (?, ?) ON CONFLICT"
                             "(site_code) DO UPDATE SET site_name = excluded.site_name",
                             (e.site_code, e.site_name))
                changes.append(Change("update" if before else "insert", "site", e.site_code,
                                      {"site_name": before[0]} if before else None,
                                      {"site_name": e.site_name}))
        values = {"ward_code": e.ward_code, "ward_name": e.ward_name, "site_code": e.site_code,
                  "older_adults": int(bool(e.older_adults))}
        before = conn.execute("SELECT * FROM ward WHERE ward_code = ?", (e.ward_code,)).fetchone()
        conn.execute("INSERT INTO ward (ward_code, ward_name, site_code, older_adults) VALUES "
                     "(:ward_code, :ward_name, :site_code, :older_adults) ON CONFLICT(ward_code) "
                     "DO UPDATE SET ward_name = excluded.ward_name, "
                     "older_adults = excluded.older_adults", values)
        changes.append(Change("update" if before else "insert", "ward", e.ward_code,
                              dict(before) if before else None, values))
    log_changes(conn, user, at, changes)
    return len(entries)


WARDS = ImportKind("wards", shape(WardEntry).input_columns, shape(WardEntry).required_columns,
                   _build_ward, _write_wards,
                   _check_ward)


# --- reviews --------------------------------------------------------------------------------

REVIEW_COLUMNS = shape(Review).input_columns
# The fields SPEC 4.3 requires of every review; outcomes and the overall score are needed to
# complete one, so a file of drafts may leave their columns out.
REVIEW_REQUIRED = shape(Review).required_columns
_BLANK_STATUS_HINT = ("; the status is blank, so the row is imported as complete (write "
                      "draft in the status column for an unfinished review)")


def _build_review(raw: dict[str, str], context: Context) -> Review:
    """A blank or absent status means complete: a review in a file is a finished one unless
    the file says it is a draft, so it counts in the measures."""
    defaulted = not (raw.get("status") or "").strip()
    if defaulted:
        raw = dict(raw, status=COMPLETE)
    try:
        return validate(Review, raw, context)
    except RecordInvalid as exc:
        if not defaulted:
            raise
        raise RecordInvalid([
            Problem(p.field, p.message + _BLANK_STATUS_HINT)
            if "to complete a review" in p.message else p
            for p in exc.problems]) from None


def _check_review(conn: sqlite3.Connection, review: Review, state: dict) -> None:
    """The same patient's same stay reviewed on the same date twice is a file imported twice
    or a copied row, not a second review."""
    key = (review.patient_ref, review.review_date, review.admission_date)
    seen = state.setdefault("reviews", set())
    if key in seen:
        raise RowRejected("patient_ref", "this patient's stay already has a review on this "
                                         "date earlier in the file")
    seen.add(key)
    existing = find_duplicate(conn, review)
    if existing is not None:
        raise RowRejected("patient_ref", f"this patient's stay already has a review on this "
                                         f"date (review {existing})")


def _write_reviews(conn: sqlite3.Connection, reviews: list[Review], user: str, at: str) -> int:
    return insert_reviews(conn, reviews, user, at)


REVIEWS = ImportKind("reviews", REVIEW_COLUMNS, REVIEW_REQUIRED, _build_review, _write_reviews,
                     _check_review)


# --- experience -----------------------------------------------------------------------------

EXPERIENCE_COLUMNS = shape(Experience).input_columns


def _write_experience(conn: sqlite3.Connection, samples: list[Experience], user: str,
                      at: str) -> int:
    return insert_many(conn, "experience", [s.to_row() for s in samples], user, at)


EXPERIENCE = ImportKind("experience", EXPERIENCE_COLUMNS,
                        shape(Experience).required_columns, _build(Experience), _write_experience,
                        same=_same_as_row("experience", "experience sample", "sample_date",
                                          EXPERIENCE_COLUMNS))


# --- toc ------------------------------------------------------------------------------------

TOC_COLUMNS = shape(Toc).input_columns
TOC_REQUIRED = shape(Toc).required_columns


def _write_tocs(conn: sqlite3.Connection, tocs: list[Toc], user: str, at: str) -> int:
    # Each audit is judged against the policy version in force on its audit date.
    return insert_tocs(conn, tocs, user, at)


TOC = ImportKind("toc", TOC_COLUMNS, TOC_REQUIRED, _build(Toc), _write_tocs,
                 same=_same_as_row("toc", "Transfer of Care audit", "audit_date", TOC_COLUMNS))


# --- actions --------------------------------------------------------------------------------

# SPEC 7: an existing action plan. `progress` becomes one note dated raised_on, written by the
# owner; `source` (not in SPEC 7, optional) links the action to what it came from
# (review:12, ward:A1, measure:ooh_nc_moves@site:NGH ...).
ACTION_COLUMNS = ("title", "description", "owner", "agency_code", "raised_on", "due_date",
                  "status", "closed_on", "rag", "progress", "source")
ACTION_REQUIRED = ("title", "owner", "raised_on", "due_date", "status")


@dataclass(frozen=True)
class PlannedAction:
    action: Action
    notes: tuple[ProgressNote, ...]


def _build_action(raw: dict[str, str], context: Context) -> PlannedAction:
    action = validate(Action, {k: raw.get(k) for k in Action.model_fields}, context)
    text = (raw.get("progress") or "").strip()
    notes = ()
    if text:
        notes = (validate(ProgressNote, {"noted_on": action.raised_on, "author": action.owner,
                                         "text": text}, context),)
    return PlannedAction(action, notes)


def _check_action(conn: sqlite3.Connection, planned: PlannedAction, state: dict) -> None:
    try:
        check_source(conn, planned.action.source)
    except RecordInvalid as exc:
        problem = exc.problems[0]
        raise RowRejected(problem.field, problem.message) from None


def _write_actions(conn: sqlite3.Connection, planned: list[PlannedAction], user: str,
                   at: str) -> int:
    for p in planned:
        insert_action_in(conn, p.action, user, at, p.notes)
    return len(planned)


# Two actions are the same when every stored field the file gives is (found by raise date).
ACTION_SAME = ("title", "description", "owner", "agency_code", "due_date", "status",
               "closed_on", "rag", "source_kind", "source_ref")
_ACTION_KEY = itemgetter("raised_on", *ACTION_SAME)

ACTIONS = ImportKind("actions", ACTION_COLUMNS, ACTION_REQUIRED, _build_action, _write_actions,
                     _check_action,
                     same=SameRecord("action", "action", "raised_on", ACTION_SAME,
                                     lambda planned: _ACTION_KEY(planned.action.to_row())))


KINDS: dict[str, ImportKind] = {k.name: k for k in (WARDS, MOVES, NIGHTS, REVIEWS, TOC,
                                                   EXPERIENCE, ACTIONS)}
