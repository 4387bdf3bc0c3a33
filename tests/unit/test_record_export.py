"""`casereview export KIND`: pseudonymised unless identifiable, which is logged and 0600."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import casereview
from casereview.demo.patients import synthetic_nhs_number
from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.io.pseudonym import database_key, patient_key
from casereview.io.record_export import ExportError, export_records
from casereview.storage.db import connect, get_setting
from casereview.storage.moves import save_move
from casereview.storage.records import soft_delete

NHS = [synthetic_nhs_number(random.Random(seed)) for seed in range(3)]


def _move(ctx, at: str, ref: str = "", notes: str = "", reason: str = "CAPACITY"):
    return validate(Move, {"moved_at": at, "site_code": "NGH", "from_ward": "A1",
                           "to_ward": "A2", "reason": reason, "patient_ref": ref,
                           "notes": notes}, ctx)


@pytest.fixture
def moves_db(ref_db, ctx):
    ids = [
        save_move(ref_db, _move(ctx, "2026-09-30 23:10", NHS[0]), "test"),
        save_move(ref_db, _move(ctx, "2026-10-01 02:30", f"{NHS[1][:3]} {NHS[1][3:6]} "
                                                        f"{NHS[1][6:]}"), "test"),
        save_move(ref_db, _move(ctx, "2026-10-01 14:00", "h123456", "=1+2"), "test"),
        save_move(ref_db, _move(ctx, "2026-10-02 23:00", NHS[0]), "test"),
        save_move(ref_db, _move(ctx, "2026-10-03 23:00", NHS[2]), "test"),
    ]
    soft_delete(ref_db, "move", ids[4], "test")
    return ref_db


def _csv(db, **kwargs):
    stream = io.StringIO()
    result = export_records(db, "moves", "tester", stream=stream, **kwargs)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    return result, rows


def _exports_logged(db) -> list:
    return db.conn.execute("SELECT user, record_type, after FROM change_log "
                           "WHERE action = 'export'").fetchall()


def test_patient_key_is_hmac_of_the_normalised_reference(moves_db):
    secret = get_setting(moves_db, "secret")
    assert len(secret) == 64
    expected = hmac.new(bytes.fromhex(secret), NHS[1].encode("utf-8"),
                        hashlib.sha256).hexdigest()[:16]
    key = database_key(moves_db)
    assert patient_key(key, NHS[1]) == expected
    assert patient_key(key, f"{NHS[1][:3]}-{NHS[1][3:6]}-{NHS[1][6:]}") == expected
    assert patient_key(key, "h123456") == patient_key(key, "H123456")
    assert patient_key(key, None) is None and patient_key(key, "") is None


def test_pseudonymised_export(moves_db):
    result, rows = _csv(moves_db)
    assert result.rows == 4  # the deleted move is left out
    assert "patient_ref" not in rows[0] and "deleted_at" not in rows[0]
    key = database_key(moves_db)
    assert [r["patient_key"] for r in rows] == [patient_key(key, NHS[0]),
                                                patient_key(key, NHS[1]),
                                                patient_key(key, "H123456"),
                                                patient_key(key, NHS[0])]
    assert rows[0]["patient_key"] == rows[3]["patient_key"]  # same patient, same key
    assert not any(NHS[0] in value for r in rows for value in r.values())
    assert rows[2]["notes"] == "'=1+2"  # neutralised for spreadsheets
    assert _exports_logged(moves_db) == []


def test_the_key_differs_between_databases(moves_db, tmp_path):
    other = connect(tmp_path / "other.db")
    assert patient_key(database_key(other), NHS[0]) != patient_key(database_key(moves_db),
                                                                   NHS[0])


def test_dates_select_the_night_a_move_belongs_to(moves_db):
    _, rows = _csv(moves_db, start=date(2026, 9, 30), end=date(2026, 9, 30))
    assert [r["moved_at"][:16] for r in rows] == ["2026-09-30T23:10", "2026-10-01T02:30"]
    _, rows = _csv(moves_db, start=date(2026, 10, 1))
    assert [r["moved_at"][:16] for r in rows] == ["2026-10-01T14:00", "2026-10-02T23:00"]
    with pytest.raises(ExportError, match="after"):
        _csv(moves_db, start=date(2026, 10, 2), end=date(2026, 10, 1))


def test_identifiable_export_is_logged_and_owner_only(moves_db, tmp_path):
    out = tmp_path / "exports" / "moves.csv"
    result = export_records(moves_db, "moves", "tester", identifiable=True, out=out,
                            start=date(2026, 10, 1))
    assert result.rows == 2 and result.path == out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["patient_ref"] == "H123456" and rows[1]["patient_ref"] == NHS[0]
    assert rows[1]["patient_key"] == patient_key(database_key(moves_db), NHS[0])
    [(user, record_type, after)] = _exports_logged(moves_db)
    assert (user, record_type) == ("tester", "move")
    assert '"identifiable": true' in after and '"rows": 2' in after
    assert str(out.resolve()) in after and '"from": "2026-10-01"' in after
    assert not list(out.parent.glob("*.partial"))


def test_identifiable_to_standard_output_is_logged_too(moves_db):
    _, rows = _csv(moves_db, identifiable=True)
    assert rows[0]["patient_ref"] == NHS[0]
    [(_, _, after)] = _exports_logged(moves_db)
    assert "standard output" in after


def test_xlsx_export(moves_db, tmp_path):
    out = tmp_path / "moves.xlsx"
    export_records(moves_db, "moves", "tester", fmt="xlsx", out=out)
    ws = openpyxl.load_workbook(out)["moves"]
    heading = [c.value for c in ws[1]]
    assert "patient_key" in heading and "patient_ref" not in heading
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 5
    notes = heading.index("notes") + 1
    assert ws.cell(4, notes).value == "'=1+2" and ws.cell(4, notes).data_type == "s"
    assert ws.cell(2, heading.index("out_of_hours") + 1).value == 1  # numbers stay numbers


def test_a_failed_export_leaves_nothing(moves_db, ctx, tmp_path):
    out = tmp_path / "big.csv"

    class Stop(Exception):
        pass

    def stop(n):
        raise Stop

    rows = [(f"2026-10-0{1 + i % 3} 23:{i % 60:02d}") for i in range(1200)]
    from casereview.storage.db import now_utc, transaction
    from casereview.storage.records import insert_many

    with transaction(moves_db) as conn:
        insert_many(conn, "move", [_move(ctx, at).to_row() for at in rows], "t", now_utc())
    with pytest.raises(Stop):
        export_records(moves_db, "moves", "tester", identifiable=True, out=out, progress=stop)
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    assert _exports_logged(moves_db) == []


def test_every_kind_exports(ref_db, tmp_path):
    from casereview.io.record_export import EXPORT_KINDS

    for kind in EXPORT_KINDS:
        result = export_records(ref_db, kind, "t", out=tmp_path / f"{kind}.csv")
        assert (tmp_path / f"{kind}.csv").read_text().strip(), kind
    wards = list(csv.DictReader((tmp_path / "wards.csv").open()))
    assert wards[0] == {"site_code": "NGH", "site_name": "Northgate General", "ward_code": "A1",
                        "ward_name": "Ward A1", "older_adults": "1"}
    assert result.rows == 0


def _cli(*args, cwd: Path):
    env = {"PYTHONPATH": str(Path(casereview.__file__).parents[1]), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "casereview", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_cli_export(moves_db, db_path, tmp_path):
    done = _cli("export", "moves", "--db", str(db_path), "--from", "01/10/2026", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("id,moved_at,")
    assert len(done.stdout.splitlines()) == 3
    out = tmp_path / "m.xlsx"
    done = _cli("export", "moves", "--db", str(db_path), "--format", "xlsx", "--out", str(out),
                "--identifiable", "--user", "auditor", cwd=tmp_path)
    assert done.returncode == 0 and "4 moves written" in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _exports_logged(moves_db)[0][0] == "auditor"
    for bad in (["--from", "2026-02-30"], ["--format", "xlsx"], ["--from", "2026-10-02",
                                                                 "--to", "2026-10-01"]):
        done = _cli("export", "moves", "--db", str(db_path), *bad, cwd=tmp_path)
        assert done.returncode == 2, bad
    assert _cli("export", "patients", "--db", str(db_path), cwd=tmp_path).returncode == 2
