"""A process killed (SIGKILL) in the middle of a large import or a save leaves the database
intact (`casereview check` passes) with the import wholly there or wholly absent."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safety_support import MOVE_COLUMNS, env, move_raw, run_cli

WORKER = str(Path(__file__).with_name("safety_worker.py"))
ROWS = 20_000

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "moves.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, MOVE_COLUMNS)
        writer.writeheader()
        for n in range(ROWS):
            writer.writerow(move_raw(n, notes=f"bulk-{n}"))
    return path


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, *args], env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"worker ended early: {process.stderr.read()}")
        time.sleep(0.01)


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def _state(db_path: Path) -> tuple[int, int]:
    """(moves, import entries), read after the kill (the open recovers the WAL)."""
    import sqlite3

    conn = sqlite3.connect(str(db_path))
    try:
        moves = conn.execute("SELECT COUNT(*) FROM move").fetchone()[0]
        imports = conn.execute(
            "SELECT COUNT(*) FROM change_log WHERE action = 'import'").fetchone()[0]
    finally:
        conn.close()
    return moves, imports


def _assert_check_passes(db_path: Path) -> None:
    result = run_cli("check", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stderr


def test_kill_inside_the_import_transaction_leaves_nothing(ref_db, db_path, big_file, tmp_path):
    """Killed after every row is written but before the commit: none of it survives."""
    ref_db.conn.close()
    paused = tmp_path / "paused"
    worker = _start("import", str(db_path), str(big_file), str(paused))
    _wait_for(paused, worker)
    # Pages of the uncommitted rows had spilled to the WAL on disk.
    assert Path(str(db_path) + "-wal").stat().st_size > 100_000
    _kill(worker)
    _assert_check_passes(db_path)
    assert _state(db_path) == (0, 0)
    # And the same file imports whole afterwards.
    worker = _start("import", str(db_path), str(big_file))
    out, err = worker.communicate(timeout=600)
    assert worker.returncode == 0, err
    assert out.strip() == str(ROWS)
    assert _state(db_path) == (ROWS, 1)
    _assert_check_passes(db_path)


def test_kill_while_the_import_is_writing_leaves_all_or_nothing(ref_db, db_path, big_file):
    """Killed at whatever point the writing has reached (the WAL is growing)."""
    ref_db.conn.close()
    wal = Path(str(db_path) + "-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    worker = _start("import", str(db_path), str(big_file))
    while worker.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000:
            break
        time.sleep(0.005)
    if worker.poll() is not None:
        pytest.fail("the import finished before it could be killed")
    _kill(worker)
    _assert_check_passes(db_path)
    assert _state(db_path) in ((0, 0), (ROWS, 1))


def test_kill_during_saves_leaves_every_saved_move_with_its_entry(ref_db, db_path, tmp_path):
    ref_db.conn.close()
    ready = tmp_path / "ready"
    worker = _start("save-forever", str(db_path), str(ready))
    _wait_for(ready, worker)
    # Let it save a good number more, then kill it wherever it is.
    while _state(db_path)[0] < 200:
        assert worker.poll() is None
        time.sleep(0.01)
    _kill(worker)
    _assert_check_passes(db_path)  # includes: every move has its change-log entry
    moves, _ = _state(db_path)
    assert moves >= 200
