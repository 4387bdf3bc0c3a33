"""Reference data (sites, wards, agencies, move reasons, themes) and settings, with the SPEC's
defaults seeded into every new database."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from casereview.domain.reference import Reference, Ward
from casereview.storage.access import Access, Permission, access_of, authorise
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import new_secret, now_utc, transaction

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.storage.db import Database


SYSTEM_USER = "casereview"

DEFAULT_AGENCIES = [
    ("ACUTE", "Acute hospital trust", "health"),
    ("COMMUNITY", "Community health services", "health"),
    ("ASC", "Adult social care", "social care"),
    ("GP", "General practice / primary care", "health"),
    ("MH", "Mental health trust", "health"),
    ("VCS", "Voluntary and community sector", "voluntary"),
    ("CAREHOME", "Care home provider", "social care"),
    ("AMB", "Ambulance", "health"),
]

DEFAULT_REASONS = [
    ("CAPACITY", "bed needed for an admission / flow", False),
    ("ESCALATION", "into or out of an escalation (surge) area", False),
    ("OUTLIER", "outlier repatriation to base specialty ward", False),
    ("WARD_CLOSURE", "ward closure, cleaning or staffing", False),
    ("OTHER_NC", "other non-clinical reason", False),
    ("CLINICAL", "clinical need or change of specialty", True),
    ("INFECTION", "infection prevention (isolation, cohorting)", True),
    ("END_OF_LIFE", "side room for end-of-life care", True),
]

DEFAULT_REVIEW_THEMES = [
    ("COMMUNICATION", "communication between agencies"),
    ("DECISIONS", "professional decision-making"),
    ("RISK_AVERSE", "risk-averse discharge"),
    ("CHOICE", "patient choice"),
    ("FAMILY", "family and carer involvement"),
    ("ASSESSMENT_DELAY", "waiting for assessment"),
    ("CARE_AVAILABILITY", "care package or placement availability"),
    ("EQUIPMENT", "equipment"),
    ("INFO_SHARING", "information sharing / shared care record"),
    ("HOME_FIRST", "home first not considered"),
    ("WARD_MOVES", "multiple ward moves"),
    ("GOOD_PRACTICE", "notable good practice"),
]

DEFAULT_EXPERIENCE_THEMES = [
    ("STAFF_ATTITUDE", "staff attitude"),
    ("COMMUNICATION", "communication"),
    ("NOISE_AT_NIGHT", "noise at night"),
    ("FOOD", "food and drink"),
    ("WAITING", "waiting"),
    ("WARD_MOVES", "ward moves"),
    ("DISCHARGE", "discharge"),
]

DEFAULT_SETTINGS = {
    "night_window_start": "22:00",
    "night_window_end": "07:00",
    "experience_weekly_target": "5",
}


def seed_defaults_in(conn: sqlite3.Connection, at: str) -> None:
    """Fill a brand-new database with the SPEC's default reference data and its secret,
    inside the caller's transaction (the one that creates the schema)."""
    conn.executemany("INSERT OR IGNORE INTO agency VALUES (?, ?, ?)", DEFAULT_AGENCIES)
    conn.executemany("INSERT OR IGNORE INTO move_reason VALUES (?, ?, ?)",
                     [(c, label, int(clin)) for c, label, clin in DEFAULT_REASONS])
    conn.executemany("INSERT OR IGNORE INTO review_theme VALUES (?, ?)", DEFAULT_REVIEW_THEMES)
    conn.executemany("INSERT OR IGNORE INTO experience_theme VALUES (?, ?)",
                     DEFAULT_EXPERIENCE_THEMES)
    settings = dict(DEFAULT_SETTINGS, secret=new_secret())
    conn.executemany(
        "INSERT OR IGNORE INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
        [(k, v, at, SYSTEM_USER) for k, v in settings.items()],
    )
    log_change(conn, SYSTEM_USER, at, Change("create", "database", None, None,
                                             {"defaults": "seeded"}))


# Settings whose value is never written to the change log (the change itself is).
SECRET_SETTINGS = {"secret"}
REDACTED = "(hidden)"


def set_setting(db: Database, key: str, value: str, user: str, *,
                access: Access | None = None,
                permission: Permission = Permission.ADMIN) -> None:
    """A setting is an administrator's, unless the caller says it is a target (a lead's)."""
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, permission)
        write_setting(conn, key, value, user, at)


def write_setting(conn, key: str, value: str, user: str, at: str) -> None:
    """Set a setting inside the caller's transaction, logging the old and new values (never
    the database secret's)."""
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    old = row[0] if row else None
    if old == value:
        return
    conn.execute(
        "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (key, value, at, user),
    )
    hidden = key in SECRET_SETTINGS
    log_change(conn, user, at, Change("setting", "setting", key,
                                      {"value": REDACTED if hidden else old},
                                      {"value": REDACTED if hidden else value}))


def load_reference(db: Database, access: Access | None = None) -> Reference:
    """The reference data as the session may see it: a site grant keeps only its sites and
    their wards (pick lists, validation and every measure's scopes follow)."""
    conn = db.conn
    reference = Reference(
        sites={r[0]: r[1] for r in conn.execute(
            "SELECT site_code, site_name FROM main.site ORDER BY site_code")},
        wards={r[0]: Ward(r[0], r[1], r[2], bool(r[3])) for r in conn.execute(
            "SELECT ward_code, ward_name, site_code, older_adults FROM main.ward "
            "ORDER BY site_code, ward_code")},
        reasons={r[0]: (r[1], bool(r[2])) for r in conn.execute(
            "SELECT reason_code, label, clinical FROM move_reason ORDER BY clinical, reason_code")},
        agencies={r[0]: r[1] for r in conn.execute(
            "SELECT agency_code, agency_name FROM agency ORDER BY agency_code")},
        review_themes={r[0]: r[1] for r in conn.execute(
            "SELECT theme_code, label FROM review_theme ORDER BY theme_code")},
        experience_themes={r[0]: r[1] for r in conn.execute(
            "SELECT theme_code, label FROM experience_theme ORDER BY theme_code")},
    )
    return granted_reference(reference, access_of(db, access))


def granted_reference(reference: Reference, access: Access) -> Reference:
    if access.every_site:
        return reference
    return replace(reference,
                   sites={k: v for k, v in reference.sites.items() if access.sees_site(k)},
                   wards={k: w for k, w in reference.wards.items()
                          if access.sees_site(w.site_code)})


def _upsert(db: Database, table: str, key: str, values: dict, user: str,
            access: Access | None = None) -> None:
    at = now_utc()
    with transaction(db) as conn:
        authorise(conn, access, Permission.ADMIN)
        before_row = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?",
                                  (values[key],)).fetchone()
        before = dict(before_row) if before_row else None
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != key)
        conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT({key}) DO UPDATE SET {updates}",
            list(values.values()),
        )
        if before != values:
            log_change(conn, user, at, Change("update" if before else "insert", table,
                                              values[key], before, values))


def save_site(db: Database, site_code: str, site_name: str, user: str) -> None:
    _upsert(db, "site", "site_code", {"site_code": site_code, "site_name": site_name}, user)


def save_ward(db: Database, ward: Ward, user: str) -> None:
    _upsert(db, "ward", "ward_code", {
        "ward_code": ward.ward_code, "ward_name": ward.ward_name,
        "site_code": ward.site_code, "older_adults": int(ward.older_adults),
    }, user)


def save_reason(db: Database, code: str, label: str, clinical: bool,
                user: str) -> None:
    _upsert(db, "move_reason", "reason_code",
            {"reason_code": code, "label": label, "clinical": int(clinical)}, user)


def save_agency(db: Database, code: str, name: str, agency_type: str,
                user: str) -> None:
    _upsert(db, "agency", "agency_code",
            {"agency_code": code, "agency_name": name, "agency_type": agency_type}, user)


def save_theme(db: Database, table: str, code: str, label: str, user: str) -> None:
    if table not in ("review_theme", "experience_theme"):
        raise ValueError(f"unknown theme list {table}")
    _upsert(db, table, "theme_code", {"theme_code": code, "label": label}, user)


def agencies_and_themes(db: Database) -> tuple[list[tuple[str, str, str]],
                                                list[tuple[str, str]]]:
    """Every agency (code, name, type) and every review theme (code, label), by code."""
    agencies = [tuple(r) for r in db.conn.execute(
        "SELECT agency_code, agency_name, agency_type FROM agency ORDER BY agency_code")]
    themes = [tuple(r) for r in db.conn.execute(
        "SELECT theme_code, label FROM review_theme ORDER BY theme_code")]
    return agencies, themes


def review_usage(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    """How many live reviews each agency takes part in, and carry each theme (codes in no
    live review are left out). It reads every review's links: a screen shows it after the
    lists themselves."""
    agencies = dict(db.conn.execute(
        "SELECT l.agency_code, COUNT(*) FROM review_agency l JOIN review r ON r.id = "
        "l.review_id WHERE r.deleted_at IS NULL GROUP BY l.agency_code").fetchall())
    themes = dict(db.conn.execute(
        "SELECT l.theme_code, COUNT(*) FROM review_theme_link l JOIN review r ON r.id = "
        "l.review_id WHERE r.deleted_at IS NULL GROUP BY l.theme_code").fetchall())
    return agencies, themes


def get_agency(db: Database, code: str) -> dict | None:
    row = db.conn.execute("SELECT * FROM agency WHERE agency_code = ?", (code,)).fetchone()
    return None if row is None else dict(row)


def get_review_theme(db: Database, code: str) -> dict | None:
    row = db.conn.execute("SELECT * FROM review_theme WHERE theme_code = ?",
                          (code,)).fetchone()
    return None if row is None else dict(row)
