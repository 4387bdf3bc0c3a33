"""`casereview check` finds a change log that was tampered with behind the application's back:
a copy of the database is edited through a raw connection after dropping the guard trigger."""

from __future__ import annotations

import json

import pytest
from safety_support import move_raw, raw_connection, run_cli

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage import records
from casereview.storage.check import check_database
from casereview.storage.db import backup_to, connect
from casereview.storage.moves import save_move

LATER = "2031-01-06T10:00:00+00:00"


@pytest.fixture
def copy(ref_db, ctx, tmp_path, monkeypatch):
    """A copy of a database with a few logged changes, closed, ready to tamper with. The last
    change (to move 1) is made at a later time than the others."""
    ids = [save_move(ref_db, validate(Move, move_raw(n), ctx), "alice") for n in range(4)]
    monkeypatch.setattr(records, "now_utc", lambda: LATER)
    records.update(ref_db, "move", ids[0], {"notes": "first"}, "bob")
    target = backup_to(ref_db, tmp_path / "copy.db")
    assert run_cli("check", "--db", str(target)).returncode == 0
    return target


def _problems(path) -> list[str]:
    db = connect(path, migrate=False)
    try:
        return check_database(db)
    finally:
        db.conn.close()


def test_an_altered_entry_is_found(copy):
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_no_update")
    conn.execute("UPDATE change_log SET user = 'mallory' WHERE id = 3")
    conn.close()
    assert any("entry 3 was altered" in p for p in _problems(copy))
    result = run_cli("check", "--db", str(copy))
    assert result.returncode == 1
    assert "entry 3 was altered" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_rewritten_before_value_is_found(copy):
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_no_update")
    last = conn.execute("SELECT id, before FROM change_log WHERE action = 'update'").fetchone()
    conn.execute("UPDATE change_log SET before = ? WHERE id = ?",
                 (json.dumps({"notes": "forged"}), last["id"]))
    conn.close()
    assert any(f"entry {last['id']} was altered" in p for p in _problems(copy))


def test_a_removed_entry_is_found(copy):
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_no_delete")
    conn.execute("DELETE FROM change_log WHERE id = 2")
    conn.close()
    problems = _problems(copy)
    assert any("entries 2-2 are missing" in p for p in problems)
    assert any("entry 3 does not follow" in p for p in problems)
    assert run_cli("check", "--db", str(copy)).returncode == 1


def test_a_removed_last_entry_is_found_from_the_record_it_covered(copy):
    """Cutting the tail off the chain leaves the chain itself whole; the record changed by
    that last entry gives it away."""
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_no_delete")
    last_id = conn.execute("SELECT MAX(id) FROM change_log").fetchone()[0]
    conn.execute("DELETE FROM change_log WHERE id = ?", (last_id,))
    conn.close()
    problems = _problems(copy)
    assert any(f"move 1 was changed at {LATER}" in p for p in problems), problems


def test_a_record_slipped_in_without_an_entry_is_found(copy):
    conn = raw_connection(copy)
    row = dict(conn.execute("SELECT * FROM move WHERE id = 1").fetchone())
    row["id"] = 99
    cols = ", ".join(row)
    conn.execute(f"INSERT INTO move ({cols}) VALUES ({', '.join('?' for _ in row)})",
                 list(row.values()))
    conn.close()
    assert "change log: move 99 has no change-log entry" in _problems(copy)


def test_a_whole_chain_rebuilt_without_the_triggers_is_reported(copy):
    conn = raw_connection(copy)
    conn.execute("DROP TRIGGER change_log_follows_last")
    conn.close()
    assert ("change log: the guard trigger change_log_follows_last has been removed"
            in _problems(copy))


def test_a_damaged_file_is_reported_not_a_traceback(copy):
    data = bytearray(copy.read_bytes())
    # Scribble over the middle of the file, leaving the header readable.
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\xff" * 4096
    copy.write_bytes(bytes(data))
    result = run_cli("check", "--db", str(copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "problem" in result.stderr or "damaged" in result.stderr


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not a database\n" * 100)
    result = run_cli("check", "--db", str(path))
    assert result.returncode == 1
    assert "not a casereview database" in result.stderr
    assert "Traceback" not in result.stderr
