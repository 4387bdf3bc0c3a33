"""The database, its -wal and -shm files, backups, import rejects and identifiable exports are
created readable by their owner only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from safety_support import MOVE_COLUMNS, move_raw, run_cli
from schema_fixtures import build_at_version, earlier_versions

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.io.importer import import_file
from casereview.io.kinds import KINDS
from casereview.storage.db import backup_to, connect
from casereview.storage.files import private_output
from casereview.storage.moves import save_move


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000])
def umask(request):
    """Run under a permissive umask: the 0600 must not depend on the user's settings."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path, umask, ctx):
    path = tmp_path / "db" / "new.db"
    db = connect(path)
    from casereview.storage.reference import save_site

    save_site(db, "NGH", "Northgate", "t")  # the -wal and -shm exist while it is open
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        assert part.exists(), suffix
        assert mode(part) == 0o600, suffix
    db.conn.close()


def test_backups_are_owner_only(ref_db, tmp_path, umask):
    target = backup_to(ref_db, tmp_path / "out" / "copy.db")
    assert mode(target) == 0o600


def test_a_backup_replacing_a_readable_file_is_owner_only(ref_db, tmp_path, umask):
    target = tmp_path / "copy.db"
    target.write_text("old")
    target.chmod(0o644)
    backup_to(ref_db, target)
    assert mode(target) == 0o600


def test_the_command_line_backup_is_owner_only(ref_db, db_path, tmp_path):
    ref_db.conn.close()
    target = tmp_path / "cli-copy.db"
    assert run_cli("backup", "--db", str(db_path), "--to", str(target)).returncode == 0
    assert mode(target) == 0o600


def test_the_backup_before_an_upgrade_is_owner_only(tmp_path, umask):
    path = build_at_version(tmp_path / "old.db", earlier_versions()[0])
    path.chmod(0o644)
    connect(path).conn.close()
    (backup,) = tmp_path.glob("old.v*.bak")
    assert mode(backup) == 0o600


def test_import_rejects_are_owner_only(ref_db, ctx, tmp_path, umask):
    path = tmp_path / "moves.csv"
    good, bad = move_raw(1), move_raw(2, patient_ref="9990000019")
    path.write_text("\n".join([",".join(MOVE_COLUMNS),
                               ",".join(good[c] for c in MOVE_COLUMNS),
                               ",".join(bad[c] for c in MOVE_COLUMNS)]) + "\n")
    result = import_file(ref_db, KINDS["moves"], path, ctx, "t", skip_invalid=True)
    assert result.rejected_rows == 1
    assert mode(result.rejects_path) == 0o600


def test_private_output_is_owner_only_and_atomic(tmp_path, umask):
    target = tmp_path / "identifiable.csv"
    target.write_text("earlier\n")
    target.chmod(0o644)
    with pytest.raises(RuntimeError), private_output(target) as handle:
        handle.write("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "earlier\n"  # a failed write leaves the earlier file
    with private_output(target) as handle:
        handle.write("whole\n")
    assert target.read_text() == "whole\n"
    assert mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["identifiable.csv"]


def test_an_existing_database_keeps_the_mode_its_owner_chose(ref_db, db_path, ctx):
    """A team may share a database deliberately through a group; opening it must not undo
    that (new files are still 0600)."""
    ref_db.conn.close()
    db_path.chmod(0o660)
    db = connect(db_path)
    save_move(db, validate(Move, move_raw(), ctx), "t")
    assert mode(db_path) == 0o660
    db.conn.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_identifiable_exports_are_owner_only(ref_db, ctx, tmp_path, umask, fmt):
    from casereview.io.record_export import export_records

    save_move(ref_db, validate(Move, move_raw(), ctx), "t")
    out = tmp_path / "exports" / f"moves-identifiable.{fmt}"
    export_records(ref_db, "moves", "t", identifiable=True, fmt=fmt, out=out)
    assert mode(out) == 0o600
