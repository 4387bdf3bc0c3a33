"""Patient-experience samples in the store: saving, the keyset-paged list with its filters,
and the count of samples per older-adult ward per ISO week that the ward-by-week grid and
``experience_target_met_pct`` both read."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from casereview.domain.experience import (
    DEFAULT_WEEKLY_TARGET,
    QUESTIONS,
    WEEKLY_TARGET_SETTING,
    Experience,
    parse_weekly_target,
)
from casereview.domain.reference import Reference, Ward
from casereview.storage.access import Access, Permission, access_of, authorise
from casereview.storage.db import Database, connection_of, now_utc, transaction
from casereview.storage.paging import Keyset
from casereview.storage.records import insert_in, update_in
from casereview.storage.reference import set_setting

# The Monday of a stored ISO date: 'weekday 0' moves forward to the Sunday ending the ISO week
# (or stays on a Sunday), six days back is its Monday.
MONDAY_OF = "date({column}, 'weekday 0', '-6 days')"


def save_experience(db: Database, sample: Experience, user: str,
                    record_id: int | None = None, *, access: Access | None = None) -> int:
    """Insert a new sample, or replace the fields of an existing one."""
    row = sample.to_row()
    at = now_utc()
    with transaction(db) as conn:
        stored = [] if record_id is None else [r[0] for r in conn.execute(
            "SELECT site_code FROM experience WHERE id = ?", (record_id,))]
        authorise(conn, access, Permission.ENTER, row["site_code"], *stored)
        if record_id is None:
            return insert_in(conn, "experience", row, user, at)
        update_in(conn, "experience", record_id, row, user, at)
        return record_id


# --- the weekly target ------------------------------------------------------------------------

def weekly_target(conn: sqlite3.Connection | Database) -> int:
    """The samples each older-adult ward should collect per ISO week. A value that is not a
    whole number >= 1 cannot be stored through ``set_weekly_target``; should one be there all
    the same, the SPEC default is used rather than failing every summary."""
    conn = connection_of(conn)
    row = conn.execute("SELECT value FROM setting WHERE key = ?",
                       (WEEKLY_TARGET_SETTING,)).fetchone()
    if row is None:
        return DEFAULT_WEEKLY_TARGET
    try:
        return parse_weekly_target(row[0])
    except ValueError:
        return DEFAULT_WEEKLY_TARGET


def set_weekly_target(db: Database, value: object, user: str, *,
                      access: Access | None = None) -> int:
    target = parse_weekly_target(value)
    set_setting(db, WEEKLY_TARGET_SETTING, str(target), user, access=access,
                permission=Permission.MANAGE_ACTIONS)
    return target


# --- the sample list --------------------------------------------------------------------------

@dataclass(frozen=True)
class SampleFilter:
    """What the sample list shows. ``week`` is the Monday of an ISO week; ``answers`` maps a
    coded question (fft, dignity, ...) to the answer wanted."""

    site_code: str | None = None
    ward_code: str | None = None
    week: date | None = None
    answers: dict[str, str] = field(default_factory=dict)
    theme: str | None = None

    def where(self) -> tuple[str, list]:
        clauses = ["deleted_at IS NULL"]
        params: list = []
        if self.site_code:
            clauses.append("site_code = ?")
            params.append(self.site_code)
        if self.ward_code:
            clauses.append("ward_code = ?")
            params.append(self.ward_code)
        if self.week is not None:
            monday = self.week - timedelta(days=self.week.weekday())
            clauses.append("sample_date BETWEEN ? AND ?")
            params += [monday.isoformat(), (monday + timedelta(days=6)).isoformat()]
        for question, answer in sorted(self.answers.items()):
            if question not in QUESTIONS:  # column names come from our own list only
                raise ValueError(f"{question} is not an experience question")
            clauses.append(f"{question} = ?")
            params.append(answer)
        if self.theme:
            # themes is stored ';'-separated; wrapping both sides in ';' matches whole codes.
            clauses.append("(';' || themes || ';') LIKE ?")
            params.append(f"%;{self.theme};%")
        return " AND ".join(clauses), params


def sample_list(where: SampleFilter = SampleFilter(), *,
                access: Access | None = None) -> Keyset:
    """The live samples matching ``where``, newest first, paged by keyset on
    (sample_date, id) (never OFFSET)."""
    sql_where, params = where.where()
    return Keyset("experience", "sample_date", "*", sql_where, tuple(params), access)


# --- samples per ward per ISO week ------------------------------------------------------------

def samples_by_ward_week(conn: sqlite3.Connection, first_monday: date,
                         last_monday: date) -> dict[tuple[str, date], int]:
    """Live samples per (ward, Monday of the ISO week), for the weeks from ``first_monday`` to
    ``last_monday``: every sample dated Monday-Sunday of a week counts in it."""
    last_sunday = last_monday + timedelta(days=6)
    monday = MONDAY_OF.format(column="sample_date")
    out: dict[tuple[str, date], int] = {}
    for ward, week, n in conn.execute(
        f"SELECT ward_code, {monday} AS week, COUNT(*) FROM experience "
        "WHERE deleted_at IS NULL AND sample_date BETWEEN ? AND ? GROUP BY ward_code, week",
        (first_monday.isoformat(), last_sunday.isoformat()),
    ):
        out[(ward, date.fromisoformat(week))] = n
    return out


@dataclass(frozen=True)
class GridRow:
    ward: Ward
    counts: list[int]  # one per week of the grid, in order

    def missed(self, target: int) -> list[bool]:
        return [n < target for n in self.counts]


@dataclass(frozen=True)
class WardWeekGrid:
    """Samples per older-adult ward per ISO week against the weekly target."""

    weeks: list[date]  # Mondays, oldest first
    rows: list[GridRow]
    target: int

    def wards_missing(self, week: date) -> list[Ward]:
        i = self.weeks.index(week)
        return [r.ward for r in self.rows if r.counts[i] < self.target]

    def met(self, week: date) -> int:
        return len(self.rows) - len(self.wards_missing(week))


def ward_week_grid(conn: sqlite3.Connection | Database, reference: Reference, last_week: date,
                   weeks: int = 8, site_code: str | None = None, *,
                   access: Access | None = None) -> WardWeekGrid:
    """The ``weeks`` ISO weeks ending with the one holding ``last_week``, for every older-adult
    ward (of ``site_code`` if given) at the sites the session is granted."""
    conn = connection_of(conn)
    access = access_of(conn, access)
    last_monday = last_week - timedelta(days=last_week.weekday())
    mondays = [last_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    counts = samples_by_ward_week(conn, mondays[0], last_monday)
    wards = [w for w in reference.wards.values()
             if w.older_adults and (site_code is None or w.site_code == site_code)
             and access.sees_site(w.site_code)]
    rows = [GridRow(w, [counts.get((w.ward_code, m), 0) for m in mondays]) for w in wards]
    return WardWeekGrid(mondays, rows, weekly_target(conn))


def get_experience(db: Database, record_id: int) -> dict | None:
    """A live sample as stored, or None if it is not there (or deleted)."""
    row = db.conn.execute("SELECT * FROM experience WHERE id = ? AND deleted_at IS NULL",
                          (record_id,)).fetchone()
    return None if row is None else dict(row)
