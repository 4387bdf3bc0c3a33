"""`casereview backup` is an online, consistent copy even while other processes write, and
the restore procedure in docs/data-safety.md brings a database back from one."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from safety_support import env, move_raw, run_cli

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage.check import check_database
from casereview.storage.db import backup_to, connect
from casereview.storage.errors import DiskFull
from casereview.storage.moves import save_move

WORKER = str(Path(__file__).with_name("safety_worker.py"))


def _counts(path: Path) -> tuple[int, int]:
    """(moves, move insert entries)."""
    conn = sqlite3.connect(str(path))
    try:
        return (conn.execute("SELECT COUNT(*) FROM move").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM change_log WHERE record_type = 'move' "
                             "AND action = 'insert'").fetchone()[0])
    finally:
        conn.close()


def test_backups_taken_while_two_teams_write_are_consistent(ref_db, db_path, tmp_path):
    ref_db.conn.close()
    writers = []
    for team in range(2):
        ready = tmp_path / f"ready-{team}"
        writers.append((subprocess.Popen(
            [sys.executable, WORKER, "save-forever", str(db_path), str(ready)], env=env(),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), ready))
    try:
        for writer, ready in writers:
            while not ready.exists():
                assert writer.poll() is None, writer.stderr.read()
                time.sleep(0.01)
        seen = []
        for n in range(4):
            target = tmp_path / "backups" / f"copy-{n}.db"
            result = run_cli("backup", "--db", str(db_path), "--to", str(target))
            assert result.returncode == 0, result.stderr
            assert f"backup written to {target}" in result.stderr
            # A snapshot: every move in it has its entry, and the chain is whole.
            copy = connect(target, migrate=False)
            assert check_database(copy) == []
            copy.conn.close()
            moves, entries = _counts(target)
            assert moves == entries
            seen.append(moves)
            # One self-contained, owner-only file: no -wal left beside it to lose.
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            assert not Path(str(target) + "-wal").exists()
        assert all(writer.poll() is None for writer, _ in writers)  # still writing throughout
        assert seen == sorted(seen) and seen[-1] > 0
    finally:
        for writer, _ in writers:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            writer.stderr.close()


def test_the_default_backup_goes_beside_the_database(fresh_db, db_path):
    fresh_db.conn.close()
    result = run_cli("backup", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    (backup,) = db_path.parent.glob("test-backup-*.db")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_backup_never_overwrites_the_live_database(fresh_db, db_path):
    fresh_db.conn.close()
    result = run_cli("backup", "--db", str(db_path), "--to", str(db_path))
    assert result.returncode == 1 and "the database itself" in result.stderr


def test_a_full_disk_during_a_backup_leaves_an_earlier_backup_whole(ref_db, tmp_path,
                                                                     monkeypatch):
    from casereview.storage import db as storage_db
    from casereview.storage import files

    target = tmp_path / "nightly.db"
    backup_to(ref_db, target)
    earlier = target.read_bytes()
    real = files.private_path

    @contextmanager
    def disk_fills_up(path):
        with real(path) as tmp:
            yield tmp
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(storage_db, "private_path", disk_fills_up)
    with pytest.raises(DiskFull, match="disk is full"):
        backup_to(ref_db, target)
    assert target.read_bytes() == earlier
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_the_documented_restore_procedure_works(ref_db, ctx, db_path, tmp_path):
    """docs/data-safety.md, 'Restoring from a backup', step by step."""
    for n in range(3):
        save_move(ref_db, validate(Move, move_raw(n), ctx), "alice")
    backup = tmp_path / "backups" / "casereview-backup.db"
    assert run_cli("backup", "--db", str(db_path), "--to", str(backup)).returncode == 0
    save_move(ref_db, validate(Move, move_raw(9), ctx), "alice")  # after the backup
    ref_db.conn.close()
    # The database is damaged.
    data = bytearray(db_path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\0" * 8192
    db_path.write_bytes(bytes(data))
    # 1. check the backup
    assert run_cli("check", "--db", str(backup)).returncode == 0
    # 2. move the damaged database and its -wal/-shm aside (keep them)
    aside = tmp_path / "damaged"
    aside.mkdir()
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(db_path) + suffix)
        if part.exists():
            shutil.move(str(part), aside / (db_path.name + suffix))
    # 3. copy the backup into place, owner-only
    shutil.copy2(backup, db_path)
    os.chmod(db_path, 0o600)
    # 4. check the restored database
    result = run_cli("check", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert _counts(db_path) == (3, 3)
