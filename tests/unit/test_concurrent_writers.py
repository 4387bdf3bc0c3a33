"""Several ward teams writing to one database at once (separate processes on one server)
never see 'database is locked' and never lose a row: WAL, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from safety_support import env, run_cli

from casereview.storage.changelog import verify_chain
from casereview.storage.db import connect

WORKER = str(Path(__file__).with_name("safety_worker.py"))
PROCESSES = 5
MOVES_EACH = 250


def test_five_processes_saving_and_updating_250_moves_each_lose_nothing(ref_db, db_path, tmp_path):
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, WORKER, "moves", str(db_path), str(w),
                          str(MOVES_EACH), str(go)],
                         env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(PROCESSES)
    ]
    go.touch()  # every worker starts writing at the same moment
    outcomes = [w.communicate(timeout=600) for w in workers]
    for worker, (out, err) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0, err
        assert "locked" not in err and "busy" not in err
        assert out.strip() == str(MOVES_EACH)

    db = connect(db_path)
    conn = db.conn
    assert conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == PROCESSES * MOVES_EACH
    per_team = dict(conn.execute(
        "SELECT created_by, COUNT(*) FROM move GROUP BY created_by").fetchall())
    assert per_team == {f"team-{w}": MOVES_EACH for w in range(PROCESSES)}
    # Every note is there once: no row lost, none written twice.
    notes = {r[0] for r in conn.execute("SELECT notes FROM move")}
    assert notes == {f"w{w}-{n}" for w in range(PROCESSES) for n in range(MOVES_EACH)}
    # One change-log entry per move, and the hash chain survived the interleaving.
    assert conn.execute(
        "SELECT COUNT(*) FROM change_log WHERE record_type = 'move' AND action = 'insert'"
    ).fetchone()[0] == PROCESSES * MOVES_EACH
    assert conn.execute(
        "SELECT COUNT(*) FROM change_log WHERE record_type = 'move' AND action = 'update'"
    ).fetchone()[0] == PROCESSES * (MOVES_EACH // 2)
    assert conn.execute("SELECT COUNT(*) FROM move WHERE informed = 0").fetchone()[0] == (
        PROCESSES * (MOVES_EACH // 2))
    assert verify_chain(conn) == []
    db.conn.close()
    assert run_cli("check", "--db", str(db_path)).returncode == 0
