"""Records inserted together (an import, the demo) share ONE change-log entry holding every
record's values and the id range it covers (schema 8): each record's history still shows its
insert with its own values, `check` counts it as logged, and the range is part of the hash."""

from __future__ import annotations

import hashlib
import json

from safety_support import move_raw, raw_connection

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage import records
from casereview.storage.changelog import entry_hash, history, verify_chain
from casereview.storage.check import check_database, unlogged_changes
from casereview.storage.db import backup_to, connect, now_utc, transaction
from casereview.storage.history import record_history
from casereview.storage.moves import save_move


def _rows(ctx, numbers) -> list[dict]:
    return [validate(Move, move_raw(n, notes=f"move {n}"), ctx).to_row() for n in numbers]


def _batch(db, ctx, numbers, user="importer") -> None:
    with transaction(db) as conn:
        records.insert_many(conn, "move", _rows(ctx, numbers), user, now_utc())


def test_a_batch_is_one_entry_covering_consecutive_ids(ref_db, ctx):
    _batch(ref_db, ctx, range(5))
    (entry,) = ref_db.conn.execute("SELECT * FROM change_log WHERE record_type = 'move'")
    assert (entry["action"], entry["record_id"], entry["first_id"], entry["last_id"]) == \
        ("insert", None, 1, 5)
    stored = json.loads(entry["after"])
    assert stored["columns"] == list(_rows(ctx, [0])[0])  # the n-th row is record 1 + n
    assert [r[stored["columns"].index("notes")] for r in stored["rows"]] == \
        [f"move {n}" for n in range(5)]
    assert verify_chain(ref_db.conn) == [] and check_database(ref_db) == []


def test_each_record_of_a_batch_has_its_own_insert_in_its_history(ref_db, ctx):
    _batch(ref_db, ctx, range(3))             # ids 1-3
    single = save_move(ref_db, validate(Move, move_raw(7), ctx), "nurse")  # id 4, own entry
    _batch(ref_db, ctx, range(10, 12))        # ids 5-6
    records.update(ref_db, "move", 2, {"notes": "corrected"}, "matron")
    for record_id, notes in ((1, "move 0"), (3, "move 2"), (5, "move 10"), (6, "move 11")):
        (insert,) = [e for e in history(ref_db.conn, "move", record_id)
                     if e["action"] == "insert"]
        assert insert["after"]["id"] == record_id and insert["after"]["notes"] == notes
    assert [e["action"] for e in history(ref_db.conn, "move", 2)] == ["insert", "update"]
    assert [e.action for e in record_history(ref_db.conn, "move", 2)] == ["insert", "update"]
    # The single insert between the batches is its own, not a batch's.
    (own,) = history(ref_db.conn, "move", single)
    assert own["user"] == "nurse" and own["after"]["id"] == single
    # Ids no batch covers, and ids that are not numbers, match nothing.
    assert history(ref_db.conn, "move", 99) == [] and history(ref_db.conn, "move", "x1") == []
    assert record_history(ref_db.conn, "move", 0) == []


def test_check_counts_a_batch_record_as_logged_but_not_one_outside_every_range(
        ref_db, ctx, tmp_path):
    _batch(ref_db, ctx, range(4))
    assert unlogged_changes(ref_db.conn) == []
    copy = backup_to(ref_db, tmp_path / "copy.db")
    conn = raw_connection(copy)
    row = dict(conn.execute("SELECT * FROM move WHERE id = 4").fetchone())
    row["id"] = 5  # just past the batch's range
    conn.execute(f"INSERT INTO move ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))
    conn.close()
    db = connect(copy, migrate=False)
    try:
        assert "change log: move 5 has no change-log entry" in check_database(db)
    finally:
        db.conn.close()


def test_the_range_is_part_of_the_hash(ref_db, ctx, tmp_path):
    _batch(ref_db, ctx, range(4))
    copy = backup_to(ref_db, tmp_path / "copy.db")
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_no_update")
    conn.execute("UPDATE change_log SET last_id = 40 WHERE first_id IS NOT NULL")
    conn.close()
    db = connect(copy, migrate=False)
    try:
        assert any("was altered after it was written" in p for p in check_database(db))
    finally:
        db.conn.close()


def test_entries_without_a_range_hash_as_before_schema_8():
    fields = ["0" * 64, "2026-11-23T09:00:00+00:00", "zoë", "insert", "move", "7", None,
              '{"a": 1}', None]
    expected = hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()
    assert entry_hash(*fields) == expected
    assert entry_hash(*fields, 1, 5) != expected
