"""Helpers shared by the data-safety tests: raw move values, running the CLI in a real
subprocess, and reading a database behind the application's back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import casereview

SRC = Path(casereview.__file__).parents[1]

# A moves file's columns as SPEC 7.1 lists them: a file as people keep it (the Move model may
# take more; optional columns can be left out), written by name, never by position.
MOVE_COLUMNS = ("moved_at", "site_code", "from_ward", "to_ward", "reason", "patient_ref", "age",
                "dementia", "authorised_by", "informed", "move_number", "notes")


def move_raw(n: int = 0, **overrides: str) -> dict[str, str]:
    """A valid move for the ref_db reference data, before the conftest's NOW."""
    minute = n % 60
    hour = 22 + (n // 60) % 2
    raw = {
        "moved_at": f"2026-11-{10 + (n // 120) % 10:02d} {hour:02d}:{minute:02d}",
        "site_code": "NGH", "from_ward": "A1", "to_ward": "A2", "reason": "CAPACITY",
        "patient_ref": "9990000018", "age": "81", "dementia": "yes",
        "authorised_by": "S. Okafor", "informed": "yes", "move_number": "1", "notes": "",
    }
    raw.update(overrides)
    return raw


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = str(SRC) + os.pathsep + out.get("PYTHONPATH", "")
    return out


def run_cli(*args: str, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casereview", *args], env=env(),
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kwargs)


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain connection with no casereview code in the way (what a tamperer would use)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def log_entries(conn: sqlite3.Connection, record_type: str | None = None) -> list[sqlite3.Row]:
    if record_type is None:
        return conn.execute("SELECT * FROM change_log ORDER BY id").fetchall()
    return conn.execute("SELECT * FROM change_log WHERE record_type = ? ORDER BY id",
                        (record_type,)).fetchall()
