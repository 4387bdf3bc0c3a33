"""The append-only change log: who changed what, when, before and after.

Every entry is written in the same transaction as the change it records. Entries are chained
by hash, so `casereview check` can show that none was removed or altered; triggers in the
schema refuse UPDATE and DELETE on the table whatever code path tries.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
               reason: str | None, first_id: int | None = None,
               last_id: int | None = None) -> str:
    """The entry's SHA-256 over the previous entry's hash and every column. The id range of a
    batch entry (schema 8) is hashed only when there is one, so older entries keep theirs."""
    fields = [prev_hash, at, user, action, record_type, record_id, before, after, reason]
    if first_id is not None or last_id is not None:
        fields += [first_id, last_id]
    payload = json.dumps(fields)
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


def encode_rows(rows: Sequence[Sequence]) -> str:
    """The JSON a batch entry keeps its rows as (``log_batch``'s ``encoded``)."""
    return _encode(rows)


def log_batch(conn: sqlite3.Connection, user: str, at: str, action: str, record_type: str,
              columns: Sequence[str], first_id: int, rows: Sequence[Sequence], *,
              encoded: str | None = None) -> int:
    """Append ONE entry for records inserted together with the consecutive ids
    ``first_id``, ``first_id + 1``, ...: ``rows`` holds each record's values in ``columns``
    order. The entry keeps every value, as ``{"columns": [...], "rows": [[...], ...]}`` with
    the n-th row the record ``first_id + n``, and the range first_id..last_id that a record's
    history and ``check`` look it up by. ``encoded`` is ``encode_rows(rows)`` when the caller
    has it already (an import makes it where it validates). Returns how many records it
    covers (0 writes nothing)."""
    if not rows:
        return 0
    last_id = first_id + len(rows) - 1
    after = (f'{{"columns": {_encode(list(columns))}, '
             f'"rows": {encode_rows(rows) if encoded is None else encoded}}}')
    prev = _last_hash(conn)
    digest = entry_hash(prev, at, user, action, record_type, None, None, after, None,
                        first_id, last_id)
    conn.execute(
        "INSERT INTO change_log (at, user, action, record_type, record_id, before, after, "
        "reason, prev_hash, hash, first_id, last_id) VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL, "
        "?, ?, ?, ?)",
        (at, user, action, record_type, after, prev, digest, first_id, last_id),
    )
    return len(rows)


def batch_record(after: str, first_id: int, record_id: int) -> dict | None:
    """One record's values (with its id) out of a batch entry's ``after``, or None if the
    batch does not hold it."""
    batch = json.loads(after)
    columns, rows = batch["columns"], batch["rows"]
    position = record_id - first_id
    if not 0 <= position < len(rows):
        return None
    return {"id": record_id, **dict(zip(columns, rows[position], strict=True))}


def has_batches(conn: sqlite3.Connection) -> bool:
    """Whether the change log has batch entries' id ranges (schema 8; `check` also reads
    databases of earlier versions without upgrading them)."""
    return any(row[1] == "first_id" for row in conn.execute("PRAGMA table_info(change_log)"))


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Problems with the chain, as sentences; empty when it is whole."""
    problems = []
    prev = GENESIS
    expected_id = None
    ranges = "first_id, last_id" if has_batches(conn) else "NULL AS first_id, NULL AS last_id"
    for row in conn.execute(
        "SELECT id, at, user, action, record_type, record_id, before, after, reason, "
        f"prev_hash, hash, {ranges} FROM change_log ORDER BY id"
    ):
        if expected_id is not None and row["id"] != expected_id:
            problems.append(f"change log entries {expected_id}-{row['id'] - 1} are missing")
        if row["prev_hash"] != prev:
            problems.append(f"change log entry {row['id']} does not follow the entry before it")
        digest = entry_hash(row["prev_hash"], row["at"], row["user"], row["action"],
                            row["record_type"], row["record_id"], row["before"], row["after"],
                            row["reason"], row["first_id"], row["last_id"])
        if digest != row["hash"]:
            problems.append(f"change log entry {row['id']} was altered after it was written")
        prev = row["hash"]
        expected_id = row["id"] + 1
        if len(problems) > 20:
            problems.append("... (further problems not listed)")
            break
    return problems


# The entries of one record: its own (record_id) and the batch entry that inserted it.
RECORD_ENTRIES = """
    record_type = :type AND (
        record_id = :id
        OR (first_id <= :n
            AND id = (SELECT id FROM change_log
                      WHERE record_type = :type AND first_id IS NOT NULL AND last_id >= :n
                      ORDER BY last_id LIMIT 1)))
"""


def record_key(record_id: int | str) -> dict:
    """The parameters RECORD_ENTRIES takes besides :type (a batch range needs the number)."""
    text = str(record_id).strip()
    return {"id": text, "n": int(text) if text.isdigit() else -1}


def expand_batch(row: sqlite3.Row | dict, record_id: int | str) -> tuple[str | None, str | None]:
    """(record_id, after JSON) of an entry as one record's: a batch entry gives the record's
    own values (None if the batch does not hold it); other entries are returned as they are."""
    if row["first_id"] is None:
        return row["record_id"], row["after"]
    values = batch_record(row["after"], row["first_id"], int(record_id))
    return str(record_id), None if values is None else _encode(values)


def history(conn: sqlite3.Connection, record_type: str, record_id: int | str) -> list[dict]:
    """One record's entries, oldest first, with before and after as dicts."""
    rows = conn.execute(
        "SELECT id, at, user, action, record_id, before, after, reason, first_id FROM "
        f"change_log WHERE {RECORD_ENTRIES} ORDER BY id",
        {"type": record_type, **record_key(record_id)},
    ).fetchall()
    out = []
    for r in rows:
        _, after = expand_batch(r, record_id)
        if r["first_id"] is not None and after is None:
            continue  # the range matched but the record is not in the batch
        out.append({
            "id": r["id"], "at": r["at"], "user": r["user"], "action": r["action"],
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(after) if after else None,
            "reason": r["reason"],
        })
    return out
