"""The import KINDs of SPEC 7.1 and how each is validated and written."""

from __future__ import annotations

import sqlite3

from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.reference import WardEntry
from casereview.domain.toc import Toc
from casereview.domain.validation import Context, validate
from casereview.io.importer import ImportKind, RowRejected
from casereview.storage.changelog import Change, log_changes
from casereview.storage.records import insert_many
from casereview.storage.toc import insert_tocs


def _build(model):
    def build(raw: dict[str, str], context: Context):
        return validate(model, raw, context)
    return build


# --- moves ----------------------------------------------------------------------------------

MOVE_COLUMNS = ("moved_at", "site_code", "from_ward", "to_ward", "reason", "patient_ref", "age",
                "dementia", "authorised_by", "informed", "move_number", "notes")


def _write_moves(conn: sqlite3.Connection, moves: list[Move], user: str, at: str) -> int:
    return insert_many(conn, "move", [m.to_row() for m in moves], user, at)


MOVES = ImportKind("moves", MOVE_COLUMNS, ("moved_at", "site_code", "from_ward", "to_ward",
                                           "reason"), _build(Move), _write_moves)


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


NIGHTS = ImportKind("nights", ("site_code", "audit_night", "audited_by"),
                    ("site_code", "audit_night", "audited_by"), _build(NightAudit),
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


WARDS = ImportKind("wards", ("site_code", "site_name", "ward_code", "ward_name", "older_adults"),
                   ("site_code", "ward_code", "ward_name"), _build_ward, _write_wards,
                   _check_ward)


# --- experience -----------------------------------------------------------------------------

EXPERIENCE_COLUMNS = ("sample_date", "site_code", "ward_code", "collected_by", "patient_ref",
                      "age", "dementia", "proxy", "fft", "dignity", "involved",
                      "moved_at_night", "discharge_info", "themes", "comment")


def _write_experience(conn: sqlite3.Connection, samples: list[Experience], user: str,
                      at: str) -> int:
    return insert_many(conn, "experience", [s.to_row() for s in samples], user, at)


EXPERIENCE = ImportKind("experience", EXPERIENCE_COLUMNS,
                        ("sample_date", "site_code", "ward_code", "collected_by", "fft"),
                        _build(Experience), _write_experience)


# --- toc ------------------------------------------------------------------------------------

TOC_COLUMNS = ("audit_date", "auditor", "site_code", "ward_code", "patient_ref",
               "admission_date", "medically_fit_date", "letter1_date", "choice_discussion_date",
               "letter2_date", "escalation_date", "letter3_date", "interim_offered",
               "discharge_date", "outcome", "notes")
TOC_REQUIRED = ("audit_date", "auditor", "site_code", "ward_code", "patient_ref",
                "admission_date", "medically_fit_date", "outcome")


def _write_tocs(conn: sqlite3.Connection, tocs: list[Toc], user: str, at: str) -> int:
    # Each audit is judged against the policy version in force on its audit date.
    return insert_tocs(conn, tocs, user, at)


TOC = ImportKind("toc", TOC_COLUMNS, TOC_REQUIRED, _build(Toc), _write_tocs)


KINDS: dict[str, ImportKind] = {k.name: k for k in (WARDS, MOVES, NIGHTS, TOC, EXPERIENCE)}
