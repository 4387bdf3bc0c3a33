"""SPEC 3: every insert, update, delete, restore, import and setting is written to an
append-only change log, in the same transaction as the change, and the database itself
refuses to rewrite it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from safety_support import log_entries, move_raw

from casereview.domain.move import Move, NightAudit
from casereview.domain.reference import Ward
from casereview.domain.validation import validate
from casereview.io.importer import import_file
from casereview.io.kinds import KINDS
from casereview.storage import changelog, records
from casereview.storage.changelog import history, verify_chain
from casereview.storage.db import now_utc, transaction
from casereview.storage.moves import close_night, save_move
from casereview.storage.reference import REDACTED, save_site, save_ward, set_setting


def _move(ctx, n=0, **kw) -> Move:
    return validate(Move, move_raw(n, **kw), ctx)


def _count(db) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]


def test_insert_is_logged_with_who_and_after(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    (entry,) = history(ref_db.conn, "move", record_id)
    assert entry["action"] == "insert" and entry["user"] == "alice"
    assert entry["before"] is None
    assert entry["after"]["from_ward"] == "A1" and entry["after"]["id"] == record_id
    row = records.get(ref_db, "move", record_id)
    assert entry["at"] == row["created_at"]


def test_update_logs_before_and_after_of_changed_fields(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    save_move(ref_db, _move(ctx, to_ward="A3", notes="bed for ED"), "bob", record_id)
    entry = history(ref_db.conn, "move", record_id)[-1]
    assert entry["action"] == "update" and entry["user"] == "bob"
    assert entry["before"] == {"to_ward": "A2", "notes": None}
    assert entry["after"] == {"to_ward": "A3", "notes": "bed for ED"}


def test_soft_delete_and_restore_are_logged(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    records.soft_delete(ref_db, "move", record_id, "bob", reason="entered twice")
    records.restore(ref_db, "move", record_id, "carol")
    actions = [(e["action"], e["user"]) for e in history(ref_db.conn, "move", record_id)]
    assert actions == [("insert", "alice"), ("delete", "bob"), ("restore", "carol")]
    deleted = history(ref_db.conn, "move", record_id)[1]
    assert deleted["reason"] == "entered twice"
    assert deleted["before"]["to_ward"] == "A2"


def test_batch_insert_logs_every_row_in_one_entry(ref_db, ctx):
    rows = [_move(ctx, n).to_row() for n in range(5)]
    with transaction(ref_db) as conn:
        insert_many_count = records.insert_many(conn, "move", rows, "alice", now_utc())
    assert insert_many_count == 5
    ids = [r[0] for r in ref_db.conn.execute("SELECT id FROM move ORDER BY id")]
    for record_id in ids:
        assert [e["action"] for e in history(ref_db.conn, "move", record_id)] == ["insert"]


def test_import_logs_rows_and_the_import(ref_db, ctx, tmp_path):
    path = tmp_path / "moves.csv"
    path.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                    "2026-11-16 23:00,NGH,A1,A2,CAPACITY\n"
                    "2026-11-17 02:30,NGH,A2,A3,OUTLIER\n", encoding="utf-8")
    result = import_file(ref_db, KINDS["moves"], path, ctx, "importer")
    assert result.written == 2
    (imported,) = log_entries(ref_db.conn, "moves")
    assert imported["action"] == "import" and imported["user"] == "importer"
    after = json.loads(imported["after"])
    assert len(after.pop("sha256")) == 64  # the file's fingerprint (SPEC 7.1)
    assert after == {"file": "moves.csv", "written": 2, "rejected": 0}
    (batch,) = log_entries(ref_db.conn, "move")  # the rows, inserted together
    assert (batch["action"], batch["first_id"], batch["last_id"]) == ("insert", 1, 2)
    assert [history(ref_db.conn, "move", i)[0]["after"]["to_ward"] for i in (1, 2)] == \
        ["A2", "A3"]


def test_settings_and_reference_data_are_logged(ref_db):
    set_setting(ref_db, "night_window_start", "21:00", "manager")
    (entry,) = log_entries(ref_db.conn, "setting")
    assert entry["user"] == "manager"
    assert json.loads(entry["before"]) == {"value": "22:00"}
    assert json.loads(entry["after"]) == {"value": "21:00"}
    save_site(ref_db, "NGH", "Northgate General Hospital", "manager")
    save_ward(ref_db, Ward("A4", "Ward A4", "NGH", True), "manager")
    assert log_entries(ref_db.conn, "site")[-1]["user"] == "manager"
    assert json.loads(log_entries(ref_db.conn, "ward")[-1]["after"])["ward_code"] == "A4"


def test_the_database_secret_never_appears_in_the_log(ref_db):
    set_setting(ref_db, "secret", "ab" * 32, "admin")
    (entry,) = log_entries(ref_db.conn, "setting")
    assert "ab" * 32 not in (entry["before"] + entry["after"])
    assert json.loads(entry["after"]) == {"value": REDACTED}


def test_night_return_and_late_move_are_logged(ref_db, ctx):
    audit = validate(NightAudit, {"site_code": "NGH", "audit_night": "2026-11-10",
                                  "audited_by": "K. Mensah"}, ctx)
    audit_id = close_night(ref_db, audit, "night team")
    assert history(ref_db.conn, "night_audit", audit_id)[0]["action"] == "insert"
    late = save_move(ref_db, _move(ctx), "alice")  # 22:00 on 10 Nov: that closed night
    assert [e["action"] for e in history(ref_db.conn, "move", late)] == ["insert",
                                                                       "late_entry"]


def test_a_change_and_its_entry_commit_together(ref_db, ctx):
    """A failure after the row is written but before the commit takes the entry with it,
    and a failure writing the entry takes the row with it."""
    before = _count(ref_db)
    with pytest.raises(RuntimeError), transaction(ref_db) as conn:
        records.insert_in(conn, "move", _move(ctx).to_row(), "alice", now_utc())
        raise RuntimeError("power cut")
    assert _count(ref_db) == before
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


def test_a_failed_log_write_leaves_no_record(ref_db, ctx, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("simulated failure writing the change log")

    monkeypatch.setattr(records, "log_change", broken)
    with pytest.raises(sqlite3.OperationalError):
        save_move(ref_db, _move(ctx), "alice")
    record_id = ref_db.conn.execute("SELECT MAX(id) FROM move").fetchone()[0]
    assert record_id is None


@pytest.mark.parametrize("statement", [
    "UPDATE change_log SET user = 'mallory' WHERE id = 1",
    "UPDATE change_log SET after = NULL",
    "DELETE FROM change_log WHERE id = 1",
    "DELETE FROM change_log",
])
def test_the_database_refuses_to_rewrite_the_log(ref_db, statement):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ref_db.conn.execute(statement)
    assert verify_chain(ref_db.conn) == []


def test_replace_cannot_rewrite_an_old_entry(ref_db):
    """INSERT OR REPLACE deletes the old row without firing the delete trigger; the insert
    trigger still refuses an entry that does not follow the last one."""
    first = log_entries(ref_db.conn)[0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ref_db.conn.execute(
            "INSERT OR REPLACE INTO change_log (id, at, user, action, record_type, record_id, "
            "before, after, reason, prev_hash, hash) VALUES (?, ?, 'mallory', 'insert', 'move', "
            "'1', NULL, NULL, NULL, ?, ?)", (first["id"], first["at"], first["prev_hash"],
                                            first["hash"]))
    assert log_entries(ref_db.conn)[0]["user"] == first["user"]


def test_an_entry_that_skips_the_chain_is_refused(ref_db):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ref_db.conn.execute(
            "INSERT INTO change_log (at, user, action, record_type, prev_hash, hash) "
            "VALUES ('2026-01-01', 'mallory', 'insert', 'move', ?, ?)",
            (changelog.GENESIS, "f" * 64))


def _filler(column: str, declared: str):
    """A value that satisfies the schema for a NOT NULL column of a record table."""
    known = {"site_code": "NGH", "ward_code": "A1", "from_ward": "A1", "to_ward": "A2",
             "reason": "CAPACITY", "status": "draft"}
    if column in known:
        return known[column]
    return 0 if declared.upper().startswith("INT") else "x"


@pytest.mark.parametrize("table", ["move", "night_audit", "review", "toc", "experience"])
def test_records_cannot_be_hard_deleted(ref_db, table):
    columns = {r[1]: r[2] for r in ref_db.conn.execute(f"PRAGMA table_info({table})")
               if r[3] and r[4] is None and r[1] != "id"}
    values = {c: _filler(c, d) for c, d in columns.items()}
    ref_db.conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES "
                        f"({', '.join('?' for _ in values)})", list(values.values()))
    with pytest.raises(sqlite3.DatabaseError, match="soft-delete"):
        ref_db.conn.execute(f"DELETE FROM {table}")
    assert ref_db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1


def test_hard_delete_of_a_saved_move_is_refused(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    with pytest.raises(sqlite3.DatabaseError, match="soft-delete"):
        ref_db.conn.execute("DELETE FROM move WHERE id = ?", (record_id,))
    assert records.get(ref_db, "move", record_id)["deleted_at"] is None


def test_chain_is_whole_after_every_kind_of_change(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    records.update(ref_db, "move", record_id, {"notes": "x"}, "bob")
    records.soft_delete(ref_db, "move", record_id, "bob")
    records.restore(ref_db, "move", record_id, "bob")
    set_setting(ref_db, "experience_weekly_target", "6", "bob")
    assert verify_chain(ref_db.conn) == []
