"""The append-only change log: who changed what, when, before and after.

Every entry is written in the same transaction as the change it records. Entries are chained
by hash, so `casereview check` can show that none was removed or altered; triggers in the
schema refuse UPDATE and DELETE on the table whatever code path tries.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii

GENESIS = "0" * 64


@dataclass(frozen=True)
class Change:
    action: str
    record_type: str
    record_id: str | None
    before: dict | None = None
    after: dict | None = None
    reason: str | None = None


# One encoder for every entry: json.dumps with keyword arguments builds a new encoder per call,
# which an import of a million rows pays a million times. Same output as
# json.dumps(value, sort_keys=True, default=str).
_ENCODER = json.JSONEncoder(sort_keys=True, default=str)
_encode = _ENCODER.encode


def _dump(value: dict | None) -> str | None:
    return None if value is None else _encode(value)


def entry_hash(prev_hash: str, at: str, user: str, action: str, record_type: str,
               record_id: str | None, before: str | None, after: str | None,
               reason: str | None) -> str:
    payload = json.dumps([prev_hash, at, user, action, record_type, record_id, before, after,
                          reason])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _last_hash(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else GENESIS


def log_changes(conn: sqlite3.Connection, user: str, at: str, changes: Iterable[Change]) -> int:
    """Append entries; the caller holds the write transaction. Returns how many were written."""
    prev = _last_hash(conn)
    rows = []
    for change in changes:
        before, after = _dump(change.before), _dump(change.after)
        record_id = None if change.record_id is None else str(change.record_id)
        digest = entry_hash(prev, at, user, change.action, change.record_type, record_id,
                            before, after, change.reason)
        rows.append((at, user, change.action, change.record_type, record_id, before, after,
                     change.reason, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO change_log (at, user, action, record_type, record_id, before, after, "
        "reason, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def log_change(conn: sqlite3.Connection, user: str, at: str, change: Change) -> None:
    log_changes(conn, user, at, [change])


def log_inserts(conn: sqlite3.Connection, user: str, at: str, action: str, record_type: str,
                entries: Iterable[tuple[int, dict]]) -> int:
    """Append one entry per inserted record, (record id, stored values) each: the same entries
    as ``log_changes`` would write for Change(action, record_type, id, None, values), built
    without the per-row overheads (a batch import writes a million of them).

    The hash payload is what ``entry_hash`` would serialise, assembled from its constant
    middle (time, user, action, type) and the JSON-escaped values; a test holds the two equal.
    """
    prev = _last_hash(conn)
    middle = json.dumps([at, user, action, record_type])[1:-1]
    escape = encode_basestring_ascii
    sha256 = hashlib.sha256
    rows = []
    append = rows.append
    for record_id, values in entries:
        rid = str(record_id)
        after = _encode(values)
        payload = f'["{prev}", {middle}, {escape(rid)}, null, {escape(after)}, null]'
        digest = sha256(payload.encode("utf-8")).hexdigest()
        append((at, user, action, record_type, rid, None, after, None, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO change_log (at, user, action, record_type, record_id, before, after, "
        "reason, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Problems with the chain, as sentences; empty when it is whole."""
    problems = []
    prev = GENESIS
    expected_id = None
    for row in conn.execute(
        "SELECT id, at, user, action, record_type, record_id, before, after, reason, "
        "prev_hash, hash FROM change_log ORDER BY id"
    ):
        if expected_id is not None and row["id"] != expected_id:
            problems.append(f"change log entries {expected_id}-{row['id'] - 1} are missing")
        if row["prev_hash"] != prev:
            problems.append(f"change log entry {row['id']} does not follow the entry before it")
        digest = entry_hash(row["prev_hash"], row["at"], row["user"], row["action"],
                            row["record_type"], row["record_id"], row["before"], row["after"],
                            row["reason"])
        if digest != row["hash"]:
            problems.append(f"change log entry {row['id']} was altered after it was written")
        prev = row["hash"]
        expected_id = row["id"] + 1
        if len(problems) > 20:
            problems.append("... (further problems not listed)")
            break
    return problems


def history(conn: sqlite3.Connection, record_type: str, record_id: int | str) -> list[dict]:
    rows = conn.execute(
        "SELECT id, at, user, action, before, after, reason FROM change_log "
        "WHERE record_type = ? AND record_id = ? ORDER BY id",
        (record_type, str(record_id)),
    ).fetchall()
    return [
        {
            "id": r["id"], "at": r["at"], "user": r["user"], "action": r["action"],
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(r["after"]) if r["after"] else None,
            "reason": r["reason"],
        }
        for r in rows
    ]
