"""SPEC 8 on the command line: `casereview users`, and --user needing its password once the
database holds accounts (a refused sign-in exits 1 and changes nothing)."""

from __future__ import annotations

import sqlite3

import pytest

from casereview.cli import main

ADMIN_PW, AUDITOR_PW = "admin-password-1", "auditor-password-1"


def _count(db, table):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = str(tmp_path / "c.db")
    wards = tmp_path / "wards.csv"
    wards.write_text("site_code,site_name,ward_code,ward_name,older_adults\n"
                     "NGH,Northgate,A1,Ward A1,yes\nNGH,,A2,Ward A2,no\n"
                     "WCH,Westbrook,B1,Ward B1,yes\nWCH,,B2,Ward B2,no\n", encoding="utf-8")
    assert main(["import", "wards", str(wards), "--db", path]) == 0
    monkeypatch.setenv("CASEREVIEW_NEW_PASSWORD", ADMIN_PW)
    assert main(["users", "add", "ann", "--role", "admin", "--db", path]) == 0
    monkeypatch.setenv("CASEREVIEW_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("CASEREVIEW_NEW_PASSWORD", AUDITOR_PW)
    assert main(["users", "add", "bob", "--role", "auditor", "--sites", "NGH", "--db", path,
                 "--user", "ann"]) == 0
    monkeypatch.delenv("CASEREVIEW_PASSWORD")
    monkeypatch.delenv("CASEREVIEW_NEW_PASSWORD")
    return path


def test_users_list_shows_no_secret(db, monkeypatch, capsys):
    monkeypatch.setenv("CASEREVIEW_PASSWORD", ADMIN_PW)
    assert main(["users", "list", "--db", db, "--user", "ann"]) == 0
    out = capsys.readouterr().out
    assert "bob" in out and "auditor" in out and "NGH" in out
    assert "scrypt" not in out and AUDITOR_PW not in out


def test_without_a_password_a_command_is_refused(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    before = _count(db, "change_log")
    assert main(["summary", "--week", "2026-W47", "--db", db, "--user", "ann"]) == 1
    assert "must sign in" in capsys.readouterr().err
    assert _count(db, "change_log") == before


def test_wrong_password_exits_1_changes_nothing_and_is_logged(db, monkeypatch, capsys, tmp_path):
    moves = tmp_path / "moves.csv"
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,NGH,A1,A2,CAPACITY\n", encoding="utf-8")
    monkeypatch.setenv("CASEREVIEW_PASSWORD", "not-the-password")
    assert main(["import", "moves", str(moves), "--db", db, "--user", "bob"]) == 1
    assert "sign-in refused" in capsys.readouterr().err
    assert _count(db, "move") == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT user, reason FROM change_log ORDER BY id DESC LIMIT 1"
                        ).fetchone() == ("bob", "wrong password")
    conn.close()


def test_a_signed_in_auditor_imports_their_site_only(db, monkeypatch, capsys, tmp_path):
    moves = tmp_path / "moves.csv"
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,NGH,A1,A2,CAPACITY\n"
                     "2026-11-16 23:30,WCH,B1,B2,CAPACITY\n", encoding="utf-8")
    monkeypatch.setenv("CASEREVIEW_PASSWORD", AUDITOR_PW)
    assert main(["import", "moves", str(moves), "--db", db, "--user", "bob"]) == 1
    assert "WCH" in capsys.readouterr().err and _count(db, "move") == 0
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,NGH,A1,A2,CAPACITY\n", encoding="utf-8")
    assert main(["import", "moves", str(moves), "--db", db, "--user", "bob"]) == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT created_by FROM move").fetchone() == ("bob",)
    conn.close()
    # An identifiable export is a lead's; a backup an admin's.
    assert main(["export", "moves", "--identifiable", "--db", db, "--user", "bob"]) == 1
    assert "identifiable" in capsys.readouterr().err
    assert main(["backup", "--to", str(tmp_path / "b.db"), "--db", db, "--user", "bob"]) == 1
    assert not (tmp_path / "b.db").exists()


def test_later_account_changes_need_an_admin(db, monkeypatch, capsys):
    monkeypatch.setenv("CASEREVIEW_PASSWORD", AUDITOR_PW)
    monkeypatch.setenv("CASEREVIEW_NEW_PASSWORD", "another-password")
    assert main(["users", "add", "eve", "--role", "admin", "--db", db, "--user", "bob"]) == 1
    assert "admin" in capsys.readouterr().err
    monkeypatch.setenv("CASEREVIEW_PASSWORD", ADMIN_PW)
    assert main(["users", "add", "eve", "--role", "wizard", "--db", db, "--user", "ann"]) == 1
    assert "not known" in capsys.readouterr().err
    assert main(["users", "disable", "bob", "--db", db, "--user", "ann"]) == 0
    monkeypatch.setenv("CASEREVIEW_PASSWORD", AUDITOR_PW)
    assert main(["summary", "--week", "2026-W47", "--db", db, "--user", "bob"]) == 1
    assert "disabled" in capsys.readouterr().err


def test_serve_refuses_a_database_without_accounts(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "empty.db"), "--port", "1"]) == 1
    assert "no user accounts" in capsys.readouterr().err
