"""Reading the audit trail for people: the change log of one record, the latest changes, and
the records that were soft-deleted (so they can be looked at and restored).

Lists are paged by key (the entry id, or the deletion time), never loaded whole.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from casereview.domain.values import LONDON, format_uk_date
from casereview.storage.changelog import RECORD_ENTRIES, expand_batch, record_key
from casereview.storage.check import record_tables

PAGE = 200


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    user: str
    action: str
    record_type: str
    record_id: str | None
    before: dict | None
    after: dict | None
    reason: str | None
    # A batch entry (many records inserted together) covers the ids first_id..last_id.
    first_id: int | None = None
    last_id: int | None = None

    @property
    def batch(self) -> bool:
        return self.first_id is not None

    @property
    def record_label(self) -> str:
        """The record(s) the entry is about: an id, a range of ids, or (all) of the type."""
        if self.record_id:
            return self.record_id
        if self.batch:
            return f"{self.first_id}–{self.last_id}"
        return "(all)"

    @property
    def at_local(self) -> str:
        return format_logged_at(self.at)

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the entry mentions, in a stable order."""
        before, after = self.before or {}, self.after or {}
        names = list(dict.fromkeys([*before, *after]))
        return [(n, before.get(n), after.get(n)) for n in names]

    def summary(self, width: int = 80) -> str:
        """One line: what changed, for a list."""
        if self.batch and not self.record_id:
            count = (self.last_id or 0) - (self.first_id or 0) + 1
            text = f"{count:,} records inserted together (ids {self.first_id}–{self.last_id})"
            return text if len(text) <= width else text[:width - 1] + "…"
        if self.action == "update" or self.action == "setting" or (
                self.before and self.after):
            parts = [f"{name} {_short(old)} → {_short(new)}" for name, old, new in self.changes()
                     if old != new]
            text = "; ".join(parts) or "no field changed"
        elif self.action == "delete":
            text = "deleted" + (f": {self.reason}" if self.reason else "")
        elif self.action == "restore":
            text = "restored"
        elif self.after:
            text = ", ".join(f"{k} {_short(v)}" for k, v in self.after.items()
                             if v not in (None, "") and k != "id")
        else:
            text = self.reason or ""
        if self.reason and self.action not in ("delete",) and self.reason not in text:
            text += f" (reason: {self.reason})"
        return text if len(text) <= width else text[:width - 1] + "…"


def _short(value: object, limit: int = 30) -> str:
    if value is None or value == "":
        return "—"
    text = shown_value(value).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def format_logged_at(at: str) -> str:
    """A change-log time (UTC) as people read it: 23 Nov 2026 09:00 in UK time."""
    try:
        stamp = datetime.fromisoformat(at).astimezone(LONDON)
    except ValueError:
        return at
    return f"{format_uk_date(stamp.date())} {stamp:%H:%M}"


def _entry(row: sqlite3.Row, record_id: int | str | None = None) -> Entry:
    """An Entry from a change_log row. A batch entry read for one record (``record_id``)
    becomes that record's insert; listed on its own it stays a batch, without its values
    (the query leaves them out: a batch holds thousands)."""
    rid, after = row["record_id"], row["after"]
    first, last = row["first_id"], row["last_id"]
    if first is not None and record_id is not None:
        rid, after = expand_batch(row, record_id)
    return Entry(row["id"], row["at"], row["user"], row["action"], row["record_type"],
                 rid, _load(row["before"]), _load(after), row["reason"], first, last)


def _load(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


_COLUMNS = "id, at, user, action, record_type, record_id, before, after, reason, first_id, last_id"
# Lists leave a batch entry's values out: they are read for one record when it is shown.
_LIST_COLUMNS = _COLUMNS.replace(" after,", " CASE WHEN first_id IS NULL THEN after END AS after,")


def record_history(conn: sqlite3.Connection, record_type: str,
                   record_id: int | str) -> list[Entry]:
    """Every entry for one record, oldest first (its batch entry, if it was inserted in one,
    as its insert), with the entries that changed every record of its type at once (e.g.
    recomputing nights after the night window changed) since the record was created."""
    rows = conn.execute(
        f"""
        WITH own AS (SELECT * FROM change_log WHERE {RECORD_ENTRIES})
        SELECT {_COLUMNS} FROM own
        UNION ALL
        SELECT {_COLUMNS} FROM change_log
        WHERE record_type = :type AND record_id IS NULL AND first_id IS NULL
          AND id > (SELECT MIN(id) FROM own)
        ORDER BY id
        """, {"type": record_type, **record_key(record_id)}).fetchall()
    entries = [_entry(r, record_id) for r in rows]
    # A range that matched a batch without the record (a gap in the ids) is no entry of it.
    return [e for e in entries if not (e.batch and e.after is None)]


def recent_changes(conn: sqlite3.Connection, *, before_id: int | None = None,
                   record_type: str | None = None, limit: int = PAGE) -> list[Entry]:
    """The latest entries, newest first; pass the last id shown as ``before_id`` for the next
    page."""
    clauses, params = [], []
    if before_id is not None:
        clauses.append("id < ?")
        params.append(before_id)
    if record_type:
        clauses.append("record_type = ?")
        params.append(record_type)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT {_LIST_COLUMNS} FROM change_log {where} ORDER BY id DESC LIMIT ?",
                        [*params, limit]).fetchall()
    return [_entry(r) for r in rows]


def record_types(conn: sqlite3.Connection) -> list[str]:
    """Every kind of record the change log mentions, record tables first."""
    logged = [r[0] for r in conn.execute("SELECT DISTINCT record_type FROM change_log")]
    tables = record_tables(conn)
    return tables + sorted(t for t in logged if t not in tables)


# --- deleted records ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DeletedRecord:
    record_type: str
    id: int
    deleted_at: str
    deleted_by: str | None
    description: str
    reason: str | None

    @property
    def deleted_at_local(self) -> str:
        return format_logged_at(self.deleted_at)


# What identifies a record to the people who entered it, per type; other tables show their
# first few columns.
DESCRIBE = {
    "move": ("moved_at", "site_code", "from_ward", "to_ward", "reason"),
    "night_audit": ("audit_night", "site_code", "audited_by"),
    "review": ("review_date", "patient_ref", "status"),
    "toc": ("audit_date", "ward_code", "patient_ref", "auditor"),
    "experience": ("sample_date", "ward_code", "fft", "collected_by"),
    "action": ("raised_on", "title", "owner"),
    "programme_target": ("programme", "scope", "start_date", "end_date", "target_count"),
}
_SKIP = {"id", "created_at", "created_by", "updated_at", "updated_by", "deleted_at",
         "deleted_by"}


def _describe(table: str, row: dict) -> str:
    columns = DESCRIBE.get(table) or [c for c in row if c not in _SKIP][:4]
    parts = []
    for column in columns:
        value = row.get(column)
        if value in (None, ""):
            continue
        parts.append(shown_value(value) + (" →" if column == "from_ward" else ""))
    return " ".join(parts)


def shown_value(value: object) -> str:
    """A stored value as people read it: dates UK style (16 Nov 2026), local timestamps with
    their time (16 Nov 2026 23:15); anything else as it is."""
    value = str(value)
    try:
        if len(value) == 10:
            return format_uk_date(date.fromisoformat(value))
        if len(value) >= 16 and value[10] == "T":
            stamp = datetime.fromisoformat(value)
            return f"{format_uk_date(stamp.date())} {stamp:%H:%M}"
    except ValueError:
        pass
    return value


def deleted_records(conn: sqlite3.Connection, *, after: tuple[str, str, int] | None = None,
                    record_type: str | None = None, limit: int = PAGE) -> list[DeletedRecord]:
    """Soft-deleted records of every type, most recently deleted first. ``after`` is the
    (deleted_at, record_type, id) of the last one shown, for the next page."""
    tables = [t for t in record_tables(conn) if record_type in (None, t)]
    if not tables:
        return []
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS record_type, id, deleted_at, deleted_by FROM {t} "
        "WHERE deleted_at IS NOT NULL" for t in tables)
    where, params = "", []
    if after is not None:
        where = "WHERE (deleted_at, record_type, id) < (?, ?, ?)"
        params = list(after)
    keys = conn.execute(
        f"SELECT * FROM ({union}) {where} "
        "ORDER BY deleted_at DESC, record_type DESC, id DESC LIMIT ?",
        [*params, limit]).fetchall()
    out = []
    for key in keys:
        table, record_id = key["record_type"], key["id"]
        row = dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone())
        reason = conn.execute(
            "SELECT reason FROM change_log WHERE record_type = ? AND record_id = ? AND "
            "action = 'delete' ORDER BY id DESC LIMIT 1", (table, str(record_id))).fetchone()
        out.append(DeletedRecord(table, record_id, key["deleted_at"], key["deleted_by"],
                                 _describe(table, row), reason[0] if reason else None))
    return out
