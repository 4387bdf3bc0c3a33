"""`casereview import actions FILE` (SPEC 7) and `export actions`: the action plan a team keeps
in a spreadsheet, all or nothing, every problem with its line and field."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.io.record_export import export_records
from casereview.storage.actions import progress_notes, ratings

HEADER = "title,description,owner,agency_code,raised_on,due_date,status,closed_on,rag,progress\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def count(db) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM action").fetchone()[0]


def test_a_plan_imports_with_its_progress_as_one_note(ref_db, ctx, tmp_path):
    path = write(tmp_path, (
        "Choice letters,Letter 2 late,J. Smith,acute,01/10/2026,31/12/2026,open,,amber,"
        "Template agreed\n"
        "Night moves,,K. Patel,,2026-09-01,2026-10-01,DONE,2026-10-02,,\n"))
    result = import_file(ref_db, KINDS["actions"], path, ctx, "importer")
    assert result.written == 2
    first = dict(ref_db.conn.execute("SELECT * FROM action WHERE title = 'Choice letters'")
                 .fetchone())
    assert (first["agency_code"], first["raised_on"], first["status"], first["rag"]) == (
        "ACUTE", "2026-10-01", "OPEN", "AMBER")
    [n] = progress_notes(ref_db.conn, first["id"])
    assert (n["noted_on"], n["author"], n["text"]) == ("2026-10-01", "J. Smith",
                                                       "Template agreed")
    assert [r.rag for r in ratings(ref_db.conn, first["id"])] == ["AMBER"]


def test_bad_rows_are_refused_with_line_and_field_and_nothing_is_written(ref_db, ctx, tmp_path):
    path = write(tmp_path, (
        "ok,,J,,2026-10-01,2026-11-01,OPEN,,GREEN,,\n"
        "due early,,J,,2026-10-01,2026-09-01,OPEN,,GREEN,,\n"
        "no close,,J,,2026-10-01,2026-11-01,DONE,,,,\n"
        "agency,,J,NHSX,2026-10-01,2026-11-01,OPEN,,GREEN,,\n"
        "no rating,,J,,2026-10-01,2026-11-01,IN_PROGRESS,,,,\n"
        "source,,J,,2026-10-01,2026-11-01,OPEN,,RED,,review:42\n"
        "source2,,J,,2026-10-01,2026-11-01,OPEN,,RED,,dashboard:1\n"),
        header=HEADER.strip() + ",source\n")
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["actions"], path, ctx, "importer")
    found = {(p.line, p.field) for p in caught.value.result.problems}
    assert found == {(3, "due_date"), (4, "closed_on"), (5, "agency_code"), (6, "rag"),
                     (7, "source"), (8, "source")}
    assert "line 7, field source: there is no case-note review 42" in str(caught.value)
    assert count(ref_db) == 0
    assert ref_db.conn.execute("SELECT COUNT(*) FROM action_progress").fetchone()[0] == 0


def test_a_missing_required_column_is_an_error(ref_db, ctx, tmp_path):
    from casereview.io.csvfile import FileInvalid

    path = write(tmp_path, "x,J,2026-10-01,2026-11-01\n",
                 header="title,owner,raised_on,due_date\n")
    with pytest.raises(FileInvalid, match="status"):
        import_file(ref_db, KINDS["actions"], path, ctx, "importer")


def test_export_has_the_import_columns_with_every_note(ref_db, ctx, tmp_path):
    from tests.unit.action_samples import note, store

    action_id = store(ref_db, ctx, source="ward:A1")
    note(ref_db, ctx, action_id, "2026-11-05", "first")
    note(ref_db, ctx, action_id, "2026-11-11", "slipping", rag="AMBER")
    out = io.StringIO()
    export_records(ref_db, "actions", "tester", stream=out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["title"] == "Choice letters on time" and row["source"] == "ward:A1"
    assert row["rag"] == "AMBER"
    assert row["progress"] == ("2026-11-05 J. Smith: first\n"
                               "2026-11-11 J. Smith: slipping [AMBER]")


def test_a_workbook_plan_imports_with_sheet_rows_in_messages(ref_db, ctx, tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Title", "Owner", "Raised_on", "Due_date", "Status", "Closed_on", "RAG",
               "Progress"])
    ws.append(["Huddle", "C. Lyons", dt.datetime(2026, 10, 1), dt.datetime(2026, 12, 1),
               "in progress", None, "A", "Running on Tuesdays"])
    ws.append(["Letters", "F. Rahman", "01/10/2026", "2026-09-01", "OPEN", None, "G", None])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["actions"], path, ctx, "importer")
    [problem] = caught.value.result.problems
    assert (problem.line, problem.field) == (3, "due_date")
    assert count(ref_db) == 0
    ws.delete_rows(3)
    wb.save(path)
    assert import_file(ref_db, KINDS["actions"], path, ctx, "importer").written == 1
    row = ref_db.conn.execute("SELECT raised_on, status, rag FROM action").fetchone()
    assert tuple(row) == ("2026-10-01", "IN_PROGRESS", "AMBER")


def test_the_same_action_twice_is_a_duplicate(ref_db, ctx, tmp_path):
    line = "Huddle,,C. Lyons,,2026-10-01,2026-12-01,OPEN,,GREEN,\n"
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["actions"], write(tmp_path, line + line), ctx, "importer")
    assert [(p.line, p.field) for p in caught.value.result.problems][0][0] == 3
