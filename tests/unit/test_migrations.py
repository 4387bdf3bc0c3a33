"""Opening a database made by an earlier schema version upgrades it, after writing a backup
beside it; a database from a newer version is refused with a message that says so."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys

import pytest
from safety_support import env, raw_connection, run_cli
from schema_fixtures import build_at_version, earlier_versions, snapshot

from casereview.storage import db as storage_db
from casereview.storage.check import check_database
from casereview.storage.db import DatabaseError, connect, schema_version


def _version(path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _schema(path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(str(path))
    try:
        return {(r[0], r[1]) for r in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
    finally:
        conn.close()


def test_there_is_at_least_one_earlier_version():
    assert earlier_versions(), "the migration tests need at least two schema versions"


@pytest.mark.parametrize("version", earlier_versions())
def test_an_earlier_database_is_backed_up_then_upgraded(version, tmp_path):
    path = build_at_version(tmp_path / "casereview.db", version)
    before = snapshot(path)
    db = connect(path)
    try:
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert check_database(db) == []
    finally:
        db.conn.close()
    # The schema is what a new database gets.
    fresh = tmp_path / "fresh.db"
    connect(fresh).conn.close()
    assert _schema(path) == _schema(fresh)
    # Nothing was lost; the upgrade added no entries of its own to the old data.
    after = snapshot(path)
    for table in ("site", "ward", "move", "night_audit", "change_log"):
        kept = after[table][:len(before[table])]
        width = len(before[table][0]) if before[table] else 0
        assert [row[:width] for row in kept] == before[table], table
        # Columns added since (e.g. a batch entry's id range) are empty for the old rows.
        assert all(value is None for row in kept for value in row[width:]), table
    # The backup beside it is the database as it was, owner-only.
    (backup,) = tmp_path.glob(f"casereview.v{version}-*.bak")
    assert _version(backup) == version
    assert snapshot(backup) == before
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert run_cli("check", "--db", str(backup)).returncode == 0


@pytest.mark.parametrize("version", earlier_versions())
def test_the_command_line_upgrades_an_earlier_database(version, tmp_path):
    path = build_at_version(tmp_path / "casereview.db", version)
    result = run_cli("summary", "--week", "2026-W09", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert _version(path) == schema_version()
    assert len(list(tmp_path.glob("casereview.v*.bak"))) == 1


def test_check_reports_an_earlier_database_without_upgrading_it(tmp_path):
    version = earlier_versions()[0]
    path = build_at_version(tmp_path / "casereview.db", version)
    result = run_cli("check", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert f"schema version {version}" in result.stderr
    assert _version(path) == version
    assert not list(tmp_path.glob("*.bak"))


def test_processes_opening_an_old_database_together_upgrade_it_once(tmp_path):
    path = build_at_version(tmp_path / "casereview.db", earlier_versions()[0])
    code = ("import sys; from casereview.storage.db import connect; "
            "connect(sys.argv[1]).conn.close()")
    openers = [subprocess.Popen([sys.executable, "-c", code, str(path)], env=env(),
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for opener in openers:
        _, err = opener.communicate(timeout=120)
        assert opener.returncode == 0, err
    assert _version(path) == schema_version()
    assert len(list(tmp_path.glob("casereview.v*.bak"))) == 1


def test_a_newer_database_is_refused_and_left_alone(db_path):
    connect(db_path).conn.close()
    conn = raw_connection(db_path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer casereview") as caught:
        connect(db_path)
    assert f"schema version {schema_version() + 1}" in str(caught.value)
    # No command: the app itself is never started on it.
    for command in ([], ["check"], ["backup"], ["summary", "--week", "2026-W47"]):
        result = run_cli(*command, "--db", str(db_path), timeout=60)
        assert result.returncode == 1
        assert "newer casereview" in result.stderr and "Upgrade casereview" in result.stderr
        assert "Traceback" not in result.stderr
    assert db_path.read_bytes() == before
    assert _version(db_path) == schema_version() + 1


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    path = build_at_version(tmp_path / "casereview.db", schema_version())
    real = storage_db.migration_scripts()
    latest = schema_version()
    broken = "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);\n"
    monkeypatch.setattr(storage_db, "migration_scripts", lambda: [*real, (latest + 1, broken)])
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        connect(path)
    monkeypatch.undo()
    assert _version(path) == latest
    assert ("table", "half_done") not in _schema(path)
    db = connect(path)
    assert check_database(db) == []
    db.conn.close()


def test_an_interrupted_first_open_leaves_no_half_made_database(tmp_path, monkeypatch):
    """The schema, the default reference data and the secret commit together."""
    from casereview.storage import reference

    def fail(conn, at):
        raise RuntimeError("killed while seeding")

    monkeypatch.setattr(reference, "seed_defaults_in", fail)
    path = tmp_path / "new.db"
    with pytest.raises(RuntimeError):
        connect(path)
    assert _version(path) == 0 and _schema(path) == set()
    monkeypatch.undo()
    db = connect(path)
    assert db.conn.execute("SELECT value FROM setting WHERE key = 'secret'").fetchone()
    db.conn.close()


def test_an_sqlite_file_from_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE site (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a casereview one"):
        connect(path)
    assert _schema(path) == {("table", "site")}
