"""A read-only database or a full disk gives a clear message, not a traceback, and nothing is
half-written.

A full disk is simulated two ways: SQLite's own SQLITE_FULL (``PRAGMA max_page_count`` caps
the file, which is exactly what SQLite reports when the disk fills), and an ``OSError``
ENOSPC raised inside the storage layer. A read-only database is a real read-only file when
the tests run as an ordinary user; as root (which may write any file) the database is opened
through SQLite's read-only mode instead, which fails the same way."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from safety_support import MOVE_COLUMNS, move_raw

from casereview import cli
from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage import db as storage_db
from casereview.storage import records
from casereview.storage.errors import DatabaseReadOnly, DiskFull
from casereview.storage.moves import save_move

ROWS = 400


@pytest.fixture
def moves_file(tmp_path) -> Path:
    path = tmp_path / "moves.csv"
    lines = [",".join(MOVE_COLUMNS)]
    for n in range(ROWS):
        raw = move_raw(n, notes="x" * 200)
        lines.append(",".join(raw[c] for c in MOVE_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(str(path))
    try:
        return (conn.execute("SELECT COUNT(*) FROM move").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])
    finally:
        conn.close()


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def disk_fills_up(monkeypatch):
    """Every connection casereview opens finds the disk full after a few more pages."""
    real = storage_db.connect

    def capped(path, **kwargs):
        db = real(path, **kwargs)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return db

    monkeypatch.setattr(storage_db, "connect", capped)


@pytest.fixture
def read_only(monkeypatch, db_path):
    """Make the database (and its folder) read-only for this process."""
    if os.geteuid() != 0:
        os.chmod(db_path, 0o444)
        os.chmod(db_path.parent, 0o555)
        yield
        os.chmod(db_path.parent, 0o755)
        os.chmod(db_path, 0o600)
        return
    real = sqlite3.connect

    def read_only_connect(database, *args, **kwargs):
        if str(database) == str(db_path):
            kwargs["uri"] = True
            database = f"file:{database}?mode=ro"
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    yield


# --- full disk ------------------------------------------------------------------------------

def test_a_full_disk_during_an_import_is_a_message_and_writes_nothing(
        ref_db, db_path, moves_file, disk_fills_up, capsys):
    ref_db.conn.close()
    before = _counts(db_path)
    code, err = _cli(capsys, "import", "moves", str(moves_file), "--db", str(db_path))
    assert code == 1
    assert "disk holding the database is full" in err and "nothing was saved" in err
    assert "Traceback" not in err
    assert _counts(db_path) == before


def test_a_full_disk_during_a_save_raises_disk_full(ref_db, ctx, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(records, "log_change", no_space)
    with pytest.raises(DiskFull, match="the disk is full .*; nothing was saved"):
        save_move(ref_db, validate(Move, move_raw(), ctx), "alice")
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
    assert not ref_db.conn.in_transaction


def test_sqlite_full_during_a_save_raises_disk_full(ref_db, ctx):
    pages = ref_db.conn.execute("PRAGMA page_count").fetchone()[0]
    ref_db.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull):
        for n in range(200):
            save_move(ref_db, validate(Move, move_raw(n, notes="y" * 500), ctx), "alice")
    # Every move saved before the disk filled still has its entry; the failed one left nothing.
    saved = ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0]
    logged = ref_db.conn.execute(
        "SELECT COUNT(*) FROM change_log WHERE record_type = 'move'").fetchone()[0]
    assert saved == logged


def test_a_full_disk_writing_the_rejects_file_stops_the_import(ref_db, db_path, tmp_path,
                                                               monkeypatch, capsys):
    from casereview.storage import files

    path = tmp_path / "moves.csv"
    path.write_text(",".join(MOVE_COLUMNS) + "\n"
                    + ",".join(move_raw(1)[c] for c in MOVE_COLUMNS) + "\n"
                    + ",".join(move_raw(2, reason="NOPE")[c] for c in MOVE_COLUMNS) + "\n",
                    encoding="utf-8")
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith(".rejects.csv"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", full)
    ref_db.conn.close()
    before = _counts(db_path)
    code, err = _cli(capsys, "import", "moves", str(path), "--skip-invalid", "--db",
                     str(db_path))
    assert code == 1
    assert "the disk is full" in err and "rejects.csv" in err
    assert _counts(db_path) == before
    assert not Path(str(path) + ".rejects.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_full_disk_creating_the_database_is_a_message(tmp_path, monkeypatch, capsys):
    real_open = os.open

    def full(path, flags, mode=0o777, **kwargs):
        if str(path).endswith("new.db"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(storage_db.os, "open", full)
    code, err = _cli(capsys, "summary", "--week", "2026-W47", "--db", str(tmp_path / "new.db"))
    assert code == 1
    assert "cannot create database" in err and "disk is full" in err


# --- read-only ------------------------------------------------------------------------------

def test_a_read_only_database_refuses_an_import_clearly(ref_db, db_path, moves_file, read_only,
                                                        capsys):
    ref_db.conn.close()
    before = _counts(db_path)
    code, err = _cli(capsys, "import", "moves", str(moves_file), "--db", str(db_path))
    assert code == 1
    assert "read-only" in err and "nothing was saved" in err
    assert "Traceback" not in err
    assert _counts(db_path) == before


def test_a_read_only_database_can_still_be_checked_and_summarised(ref_db, db_path, read_only,
                                                                  capsys):
    ref_db.conn.close()
    code, err = _cli(capsys, "check", "--db", str(db_path))
    assert code == 0, err
    code, err = _cli(capsys, "summary", "--week", "2026-W47", "--db", str(db_path))
    assert code == 0, err


def test_a_save_to_a_read_only_database_raises_read_only(ref_db, ctx, db_path, read_only):
    ref_db.conn.close()
    db = storage_db.connect(db_path)
    try:
        with pytest.raises(DatabaseReadOnly, match="read-only"):
            save_move(db, validate(Move, move_raw(), ctx), "alice")
    finally:
        db.conn.close()


def test_an_old_database_in_a_read_only_place_is_refused_clearly(tmp_path, monkeypatch, capsys):
    from schema_fixtures import build_at_version, earlier_versions

    path = build_at_version(tmp_path / "old.db", earlier_versions()[0])
    real = sqlite3.connect

    def read_only_connect(database, *args, **kwargs):
        if str(database) == str(path):
            kwargs["uri"] = True
            database = f"file:{database}?mode=ro"
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    code, err = _cli(capsys, "summary", "--week", "2026-W47", "--db", str(path))
    assert code == 1
    assert "read-only" in err and "Traceback" not in err


def test_a_backup_into_a_read_only_place_is_a_message(ref_db, db_path, tmp_path, monkeypatch,
                                                      capsys):
    from casereview.storage import files

    def denied(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(files, "create_owner_only", denied)
    ref_db.conn.close()
    code, err = _cli(capsys, "backup", "--db", str(db_path), "--to",
                     str(tmp_path / "locked" / "b.db"))
    assert code == 1
    assert "cannot write" in err and "Permission denied" in err
