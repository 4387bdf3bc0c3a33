"""The files people keep, imported by the real command (SPEC 7.1): Excel workbooks (merged
header cells, formulas, dates as cells and as text, a hidden sheet, --sheet), semicolon- and
tab-separated text, Windows-1252, a stray empty column, and files that are not what their
name says. Every refusal names the file, the line or sheet row and the field, and writes
nothing; --skip-invalid writes the good rows and the rejects beside the file."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safety_support import MOVE_COLUMNS

from casereview.cli import main
from casereview.io.csvfile import FileInvalid
from casereview.io.kinds import KINDS

MOVE_ROW = ["2026-11-16 23:00", "NGH", "A1", "A2", "CAPACITY", "", "84", "yes", "S. Okafor",
            "yes", "1", "note"]


@pytest.fixture
def db(ref_db, db_path):
    """The reference database, closed so that the command opens it as a person would."""
    ref_db.conn.close()
    return db_path


def run(db: Path, *args: str) -> int:
    return main(["import", *args, "--db", str(db), "--user", "tester"])


def count(db: Path, table: str = "move") -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE deleted_at IS NULL"
                            ).fetchone()[0]
    finally:
        conn.close()


def stored(db: Path, sql: str) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def moves_text(rows: list[list[str]], delimiter: str = ",", header=MOVE_COLUMNS) -> str:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def row(**changes: str) -> list[str]:
    values = dict(zip(MOVE_COLUMNS, MOVE_ROW))
    values.update(changes)
    return [values[c] for c in MOVE_COLUMNS]


# --- workbooks ------------------------------------------------------------------------------

def _audit_workbook(path: Path, *, hidden_first: bool = False) -> None:
    """A workbook as a ward team keeps one: a date-time cell, a date typed as text, a formula
    with its saved result, a merged header cell over an empty column, a hidden second sheet
    of notes."""
    book = xlsxwriter.Workbook(str(path))
    if hidden_first:
        secret = book.add_worksheet("Old")
        secret.write_row(0, 0, ["nothing", "here"])
        secret.hide()
    sheet = book.add_worksheet("Moves")
    sheet.activate()  # the sheet open when the workbook was saved
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    header = list(MOVE_COLUMNS)
    sheet.write_row(0, 0, header)
    # The last column's header is merged across a stray empty column (M1) for looks.
    sheet.merge_range(0, len(header) - 1, 0, len(header), "notes")
    sheet.write_datetime(1, 0, datetime(2026, 11, 16, 23, 15), stamp)
    sheet.write_row(1, 1, row()[1:])
    sheet.write_string(2, 0, "17/11/2026 01:30")  # a date typed as text
    sheet.write_row(2, 1, row()[1:])
    sheet.write_row(3, 0, row())
    sheet.write_formula(3, 6, "=80+5", None, 85)  # age from a formula, with its saved value
    sheet.write_number(3, 10, 2)
    if not hidden_first:
        hidden = book.add_worksheet("Lookups")
        hidden.write_row(0, 0, ["reason", "label"])
        hidden.hide()
    book.close()


def test_a_workbook_imports_its_first_sheet_with_dates_formulas_and_a_merged_header(
        db, tmp_path, capsys):
    path = tmp_path / "audit.xlsx"
    _audit_workbook(path)
    assert run(db, "moves", str(path)) == 0
    err = capsys.readouterr().err
    assert f"{path}: sheet 'Moves' (the first of 2; choose another with --sheet NAME)" in err
    assert "imported 3 moves" in err
    assert stored(db, "SELECT moved_at, age, move_number FROM move ORDER BY id") == [
        ("2026-11-16T23:15+00:00", 84, 1), ("2026-11-17T01:30+00:00", 84, 1),
        ("2026-11-16T23:00+00:00", 85, 2)]


def test_the_first_visible_sheet_is_read_and_sheet_chooses_another(db, tmp_path, capsys):
    path = tmp_path / "audit.xlsx"
    _audit_workbook(path, hidden_first=True)
    assert run(db, "moves", str(path)) == 0
    assert "sheet 'Moves'" in capsys.readouterr().err
    assert count(db) == 3
    assert run(db, "moves", str(path), "--sheet", "nope") == 1
    err = capsys.readouterr().err
    assert "has no sheet 'nope' (its sheets: 'Old', 'Moves')" in err


def test_a_workbook_problem_names_the_sheet_row_and_field_and_writes_nothing(
        db, tmp_path, capsys):
    path = tmp_path / "audit.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Nov"
    sheet.append(list(MOVE_COLUMNS))
    sheet.append(row())
    sheet.append([])  # an empty row keeps the numbering of the sheet
    sheet.append(row(to_ward="ZZ"))
    book.save(path)
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert f"{path}, sheet 'Nov', row 4, field to_ward:" in err
    assert "nothing imported" in err
    assert count(db) == 0
    assert run(db, "moves", str(path), "--skip-invalid") == 0
    assert count(db) == 1
    rejects = tmp_path / "audit.xlsx.rejects.csv"
    with open(rejects, newline="", encoding="utf-8") as handle:
        kept = list(csv.reader(handle))
    assert kept[0] == [*MOVE_COLUMNS, "error"]
    assert kept[1][:12] == row(to_ward="ZZ")
    assert kept[1][12].startswith("to_ward:")


def test_a_formula_saved_without_its_result_is_named_not_read_as_empty(db, tmp_path, capsys):
    """A program writing workbooks may leave the working-out to Excel: the cell has a formula
    and no saved result. Read as empty it would lose the value silently; it is an error
    naming the cell, its column and the formula."""
    path = tmp_path / "generated.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Moves"
    sheet.append(list(MOVE_COLUMNS))
    sheet.append(row())
    sheet.append(row(age="=80+5"))       # openpyxl saves the formula, not its result
    sheet.append(row(notes='=A2&" & B"'))  # text formula, quoted characters in the XML
    book.save(path)
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert (f"{path}, sheet 'Moves', row 3: cell G3 (age) holds a formula (=80+5) whose "
            "result was not saved in the file: open the workbook in Excel or LibreOffice and "
            "save it") in err
    assert "row 4: cell L4 (notes) holds a formula (=A2&\" & B\")" in err
    assert "row 2" not in err
    assert count(db) == 0
    assert run(db, "moves", str(path), "--skip-invalid") == 0
    assert count(db) == 1


def test_a_formula_whose_saved_result_is_empty_text_is_read_as_empty(db, tmp_path, capsys):
    """Excel saves a formula giving "" with an empty result: that result was saved."""
    path = tmp_path / "audit.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Moves")
    sheet.write_row(0, 0, list(MOVE_COLUMNS))
    sheet.write_row(1, 0, row())
    sheet.write_formula(1, 11, '=IF(1,"",2)', None, "")  # notes: blank, by formula
    book.close()
    assert run(db, "moves", str(path)) == 0, capsys.readouterr().err
    assert stored(db, "SELECT notes FROM move") == [(None,)]


def test_a_row_of_formulas_saved_without_results_is_not_skipped_as_blank(db, tmp_path,
                                                                         capsys):
    path = tmp_path / "generated.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(MOVE_COLUMNS))
    sheet.append(row())
    sheet.append(["=A2" if i == 0 else f"=B{i}" for i in range(len(MOVE_COLUMNS))])
    book.save(path)
    assert run(db, "moves", str(path)) == 1
    assert "row 3: cell A3 (moved_at) holds a formula (=A2)" in capsys.readouterr().err
    assert count(db) == 0


def test_a_value_under_a_merged_header_cell_is_named_with_the_merge(db, tmp_path, capsys):
    path = tmp_path / "audit.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, MOVE_COLUMNS[:-1])
    sheet.merge_range(0, 11, 0, 12, "notes")
    sheet.write_row(1, 0, [*row(), "second note"])
    book.close()
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert "row 2: has a value in column M, which has no name in the header (its header " \
           "cell is merged into L1:M1; unmerge the header cells)" in err
    assert count(db) == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reads_a_workbook(db, tmp_path, capsys, kind):
    """The header alone: every KIND goes through the same reader (an empty sheet of data
    imports nothing and says so)."""
    path = tmp_path / f"{kind}.xlsx"
    book = openpyxl.Workbook()
    book.active.append(list(KINDS[kind].columns))
    book.save(path)
    assert run(db, kind, str(path)) == 0
    assert "imported 0 " in capsys.readouterr().err


# --- CSV dialects and encodings -------------------------------------------------------------

@pytest.mark.parametrize("delimiter,said", [(";", "semicolon-separated"),
                                             ("\t", "tab-separated")])
def test_semicolon_and_tab_files_are_recognised_and_said(db, tmp_path, capsys, delimiter,
                                                         said):
    path = tmp_path / "moves.csv"
    path.write_text(moves_text([row(notes="a, b"), row(notes="c")], delimiter),
                    encoding="utf-8")
    assert run(db, "moves", str(path)) == 0
    err = capsys.readouterr().err
    assert f"{path}: {said}\n" in err
    assert stored(db, "SELECT notes FROM move ORDER BY id") == [("a, b",), ("c",)]


def test_a_windows_1252_file_with_a_curly_apostrophe(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    path.write_bytes(moves_text([row(notes="patient’s choice")]).encode("cp1252"))
    assert run(db, "moves", str(path)) == 0
    err = capsys.readouterr().err
    assert "read as Windows-1252" in err
    assert stored(db, "SELECT notes FROM move") == [("patient’s choice",)]


def test_a_stray_empty_trailing_column_is_ignored(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    path.write_text(moves_text([row() + [""], row(notes="x") + [""]], header=[
        *MOVE_COLUMNS, ""]), encoding="utf-8")
    assert run(db, "moves", str(path)) == 0
    assert count(db) == 2


def test_a_value_under_an_unnamed_column_is_an_error_or_a_reject(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    path.write_text(moves_text([row() + [""], row(notes="x") + ["oops"]], header=[
        *MOVE_COLUMNS, ""]), encoding="utf-8")
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert f"{path}, line 3: has a value in column 13, which has no name in the header" in err
    assert count(db) == 0
    assert run(db, "moves", str(path), "--skip-invalid") == 0
    assert count(db) == 1
    assert "1 invalid row written to" in capsys.readouterr().err


def test_a_workbook_with_a_csv_name_is_named_as_such(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    book = openpyxl.Workbook()
    book.active.append(list(MOVE_COLUMNS))
    book.save(path)
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert (f"{path}: is an Excel workbook saved with a .csv ending, not CSV text: rename it "
            "moves.xlsx and import that") in err
    assert count(db) == 0


def test_csv_text_with_an_xlsx_name_is_named_as_such(db, tmp_path, capsys):
    path = tmp_path / "moves.xlsx"
    path.write_text(moves_text([row()]), encoding="utf-8")
    assert run(db, "moves", str(path)) == 1
    assert "has an .xlsx ending but is CSV text" in capsys.readouterr().err


def test_sheet_with_a_csv_file_is_refused(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    path.write_text(moves_text([row()]), encoding="utf-8")
    assert run(db, "moves", str(path), "--sheet", "Moves") == 2  # a usage error (SPEC 7)
    assert "--sheet is for workbooks" in capsys.readouterr().err
    assert count(db) == 0


def test_an_unknown_separator_is_named(db, tmp_path, capsys):
    path = tmp_path / "moves.csv"
    path.write_text(moves_text([row()], "|"), encoding="utf-8")
    assert run(db, "moves", str(path)) == 1
    err = capsys.readouterr().err
    assert f"{path}, line 1, field moved_at|site_code|" in err
    assert "the header looks separated by '|': save the file with commas, semicolons or " \
           "tabs between the columns" in err


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=40),
                      st.text(max_size=20).map(lambda t: t.encode("utf-8"))))
def test_the_encoding_is_told_from_the_whole_file_across_reading_chunks(tmp_path, monkeypatch,
                                                                        body):
    """UTF-8 if the bytes are UTF-8 (a character split between two reads included),
    Windows-1252 if not but they are that, refused otherwise."""
    from casereview.io import tabular

    monkeypatch.setattr(tabular, "_CHUNK", 3)
    path = tmp_path / "t.csv"
    path.write_bytes(b"notes\n" + body.replace(b"\x00", b""))
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        expected = "utf-8-sig"
    except UnicodeDecodeError as not_utf8:
        first_bad = data[not_utf8.start]
        bad_line = data.count(b"\n", 0, not_utf8.start) + 1
        try:
            data.decode("cp1252")
            expected = "cp1252"
        except UnicodeDecodeError:
            expected = None
    try:
        table = tabular.read_table(path, ("notes",), ())
    except FileInvalid as exc:
        assert expected is None, exc
        assert (f"{path}, line {bad_line}: is neither UTF-8 nor Windows-1252 text "
                f"(byte 0x{first_bad:02X})") in str(exc)
    else:
        assert table.layout.encoding == expected
