"""Re-importing is safe (SPEC 7.1): a file imported before is refused, naming when and by
whom, unless --again; a row the same in every imported field as a live record, or as an
earlier row of the file, is an error naming that record or line unless --allow-duplicates.
Both flags are recorded in the change log. Run through the real command."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from safety_support import MOVE_COLUMNS

from casereview.cli import main
from casereview.io import importer
from casereview.storage.db import connect
from casereview.storage.records import soft_delete

MOVE_ROW = ["2026-11-16 23:00", "NGH", "A1", "A2", "CAPACITY", "", "84", "yes", "S. Okafor",
            "yes", "1", "note"]


def row(**changes: str) -> list[str]:
    values = dict(zip(MOVE_COLUMNS, MOVE_ROW))
    values.update(changes)
    return [values[c] for c in MOVE_COLUMNS]


def moves_file(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MOVE_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture
def db(ref_db, db_path):
    ref_db.conn.close()
    return db_path


def run(db: Path, *args: str, user: str = "tester") -> int:
    return main(["import", *args, "--db", str(db), "--user", user])


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def live(db: Path, table: str = "move") -> int:
    return query(db, f"SELECT COUNT(*) FROM {table} WHERE deleted_at IS NULL")[0][0]


def import_entries(db: Path) -> list[dict]:
    return [json.loads(a) for (a,) in query(
        db, "SELECT after FROM change_log WHERE action = 'import' ORDER BY id")]


# --- the same file twice --------------------------------------------------------------------

def test_the_same_file_twice_is_refused_naming_when_and_by_whom(db, tmp_path, capsys):
    path = moves_file(tmp_path / "a2.csv", [row(), row(moved_at="2026-11-17 01:00")])
    assert run(db, "moves", str(path), user="alice") == 0
    capsys.readouterr()
    assert run(db, "moves", str(path), user="bob") == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err
    assert f"{path}: this file was imported already, on " in err
    assert " by alice (import moves: 2 written)" in err
    assert "add --again" in err
    assert live(db) == 2
    # The contents decide, not the name.
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    assert run(db, "moves", str(copy)) == 1
    assert "imported already (as a2.csv)" in capsys.readouterr().err
    assert live(db) == 2


def test_again_imports_it_once_more_and_is_recorded(db, tmp_path, capsys):
    path = moves_file(tmp_path / "a2.csv", [row()])
    assert run(db, "moves", str(path)) == 0
    conn = connect(db)
    soft_delete(conn, "move", 1, "tester", "imported into the wrong database")
    conn.conn.close()
    assert run(db, "moves", str(path), "--again") == 0
    assert live(db) == 1
    first, second = import_entries(db)
    assert "again" not in first
    assert second["again"] is True
    assert second["sha256"] == first["sha256"] and len(first["sha256"]) == 64
    assert query(db, "SELECT again, written FROM import_file ORDER BY id") == [(0, 1), (1, 1)]


def test_a_refused_or_empty_import_leaves_no_fingerprint(db, tmp_path, capsys):
    bad = moves_file(tmp_path / "bad.csv", [row(to_ward="ZZ")])
    assert run(db, "moves", str(bad)) == 1
    assert query(db, "SELECT COUNT(*) FROM import_file") == [(0,)]
    # Once the reference data is right, the same file imports (it wrote nothing before).
    assert run(db, "moves", str(bad), "--skip-invalid") == 0
    assert query(db, "SELECT COUNT(*) FROM import_file") == [(0,)]


# --- duplicate rows -------------------------------------------------------------------------

def test_a_row_repeated_in_the_file_is_an_error_naming_the_line(db, tmp_path, capsys):
    path = moves_file(tmp_path / "m.csv", [row(), row(notes="other"), row()])
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert (f"{path}, line 4: is the same in every imported field as line 2 of this file; "
            "if it is a separate record (e.g. two patients moved together without references), "
            "import with --allow-duplicates") in err
    assert "--allow-duplicates" in err
    assert live(db) == 0


def test_a_row_the_same_as_a_live_record_is_an_error_naming_it(db, tmp_path, capsys):
    assert run(db, "moves", str(moves_file(tmp_path / "first.csv", [row(), row(age="90")]))) == 0
    path = moves_file(tmp_path / "second.csv", [row(age="91"), row(age="90")])
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert (f"{path}, line 3: is the same in every imported field as move 2, already "
            "recorded") in err
    assert live(db) == 2
    # A deleted record is not a duplicate.
    conn = connect(db)
    soft_delete(conn, "move", 2, "tester")
    conn.conn.close()
    assert run(db, "moves", str(path)) == 0
    assert live(db) == 3


def test_allow_duplicates_writes_them_and_is_recorded(db, tmp_path, capsys):
    """Two patients moved together without references are two moves."""
    path = moves_file(tmp_path / "m.csv", [row(), row()])
    assert run(db, "moves", str(path), "--allow-duplicates") == 0
    assert live(db) == 2
    assert import_entries(db)[-1]["allow_duplicates"] is True
    assert query(db, "SELECT allow_duplicates FROM import_file") == [(1,)]


def test_skip_invalid_rejects_duplicates_with_the_row_as_the_file_held_it(db, tmp_path,
                                                                          capsys):
    path = moves_file(tmp_path / "m.csv", [row(), row(moved_at="16/11/2026 23:00"), row(
        notes="kept")])
    assert run(db, "moves", str(path), "--skip-invalid") == 0
    assert live(db) == 2
    with open(tmp_path / "m.csv.rejects.csv", newline="", encoding="utf-8") as handle:
        rejects = list(csv.reader(handle))
    assert rejects[1][:12] == row(moved_at="16/11/2026 23:00")  # as typed, not as stored
    assert rejects[1][12].startswith("is the same in every imported field as line 2")


def test_duplicates_are_found_across_batches(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    rows = [row(moved_at=f"2026-11-1{d} 23:{m:02d}") for d in (2, 3) for m in range(3)]
    path = moves_file(tmp_path / "m.csv", [*rows, rows[1]])
    assert run(db, "moves", str(path)) == 1
    assert "line 8: is the same in every imported field as line 3 of this file" in (
        capsys.readouterr().err)
    assert live(db) == 0


def test_many_moves_in_one_minute_are_compared_whole(db, tmp_path, capsys, monkeypatch):
    """Sixty moves a minute, in no order, across batches: rows that share only the minute
    (or every field but one, a blank beside a value) are not duplicates; the exact ones
    are, named by record and by line."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 25)
    minutes = [f"2026-11-1{d} 23:{m:02d}" for d in (2, 3) for m in (5, 40)]
    first = [row(moved_at=minutes[i % 4], age=str(60 + i % 50), notes=f"n{i}")
             for i in range(240)]
    first += [row(moved_at=minutes[0], age="61", notes="")]  # blank notes beside "n1"
    order = list(range(len(first)))
    order.reverse()
    assert run(db, "moves", str(moves_file(tmp_path / "a.csv", [first[i] for i in order]))
               ) == 0
    assert live(db) == 241
    again = [row(moved_at=minutes[1], age="99", notes="new"), first[7], first[200],
             row(moved_at=minutes[3], age="63", notes="n3b")]
    path = moves_file(tmp_path / "b.csv", again)
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    first_id = {tuple(r): 241 - i for i, r in enumerate(reversed([first[i] for i in order]))}
    assert f"line 3: is the same in every imported field as move {first_id[tuple(first[7])]}" \
        in err
    assert f"line 4: is the same in every imported field as move " \
           f"{first_id[tuple(first[200])]}" in err
    assert "b.csv, line 2:" not in err and "b.csv, line 5:" not in err
    assert live(db) == 241


def test_a_workbook_duplicate_names_the_sheet_row(db, tmp_path, capsys):
    path = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Nov"
    book.active.append(list(MOVE_COLUMNS))
    book.active.append(row())
    book.active.append(row())
    book.save(path)
    assert run(db, "moves", str(path)) == 1
    assert (f"{path}, sheet 'Nov', row 3: is the same in every imported field as row 2 of "
            "this file") in capsys.readouterr().err


EXPERIENCE_HEADER = ("sample_date,site_code,ward_code,collected_by,patient_ref,age,dementia,"
                     "proxy,fft,dignity,involved,moved_at_night,discharge_info,themes,comment")


def test_experience_and_toc_duplicates_are_found_too(db, tmp_path, capsys):
    sample = "2026-11-16,NGH,A1,P. Green,,82,no,no,VERY_GOOD,ALWAYS,,NO,,,Lovely"
    first = tmp_path / "e1.csv"
    first.write_text(f"{EXPERIENCE_HEADER}\n{sample}\n", encoding="utf-8")
    assert run(db, "experience", str(first)) == 0
    second = tmp_path / "e2.csv"
    # The same answers written another way are the same sample.
    second.write_text(f"{EXPERIENCE_HEADER}\n16/11/2026,ngh,a1,P. Green,,82,n,n,very good,"
                      "always,,no,,,Lovely\n", encoding="utf-8")
    assert run(db, "experience", str(second)) == 1
    assert ("line 2: is the same in every imported field as experience sample 1, already "
            "recorded; if it is a separate record, import with --allow-duplicates") in (
        capsys.readouterr().err)
    assert live(db, "experience") == 1

    header = ("audit_date,auditor,site_code,ward_code,patient_ref,admission_date,"
              "medically_fit_date,outcome")
    audit = "2026-11-20,Q. Lead,NGH,A1,9990000018,2026-11-01,2026-11-10,STILL_IN_HOSPITAL"
    toc = tmp_path / "toc.csv"
    toc.write_text(f"{header}\n{audit}\n{audit}\n", encoding="utf-8")
    assert run(db, "toc", str(toc)) == 1
    assert "line 3: is the same in every imported field as line 2" in capsys.readouterr().err
    assert live(db, "toc") == 0
