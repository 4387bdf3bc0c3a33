"""Bad input never crashes and never half-writes. Property-based tests feed every record model
and every import KIND malformed values, wrong encodings, empty files, duplicated headers, huge
fields and formula-like text; every failure is a message naming the file, line and field."""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from safety_support import MOVE_COLUMNS, move_raw, run_cli

import casereview.domain
from casereview.domain.validation import RecordInvalid, validate
from casereview.io.csvfile import MAX_FIELD, FileInvalid
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.storage.check import check_database


def record_models() -> list[type[BaseModel]]:
    """Every pydantic model in casereview.domain (record types added later included)."""
    found = []
    for info in pkgutil.iter_modules(casereview.domain.__path__):
        module = importlib.import_module(f"casereview.domain.{info.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel
                    and obj.__module__ == module.__name__):
                found.append(obj)
    return sorted(found, key=lambda m: m.__name__)


HOSTILE = [
    "", " ", "\t", "=1+1", "=cmd|'/c calc'!A1", "+44 20 7946 0000", "-2", "-", "@SUM(A1:A9)",
    "\x00", "\r\n", "\u2028", "\ufeffA1", "NaN", "inf", "-inf", "1e309", "9" * 5000,
    "0" * 30, "\u0663", "\uff10", "é", "Ward Bjørk", "'", '"', '""', ";", ";;;", "a;b;c",
    "9999-12-31 23:59", "9999-12-31 23:59+14:00", "2026-03-29 01:30", "2026-10-25 01:30+05:00",
    "31/02/2026", "1999-12-31", "2026-11-23 09:01", "0000-00-00", "2026-11-16T23:15Z",
    "24:00", "23:60", "-1", "121", "true", "YES", "maybe", "9990000018", "999 000 0018",
    "9990000019", "999-000-0018", "X" * 21, "x" * 2000, "NGH", "A1", "CAPACITY", "draft",
    "signed_off", "HOME", "VERY_GOOD", "letter2", "2026-11-16",
]

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                         st.text(alphabet="0123456789-/: T+Z", max_size=25))


@pytest.mark.parametrize("model", record_models(), ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_models_turn_any_values_into_a_record_or_field_problems(model, ctx, data):
    fields = sorted(model.model_fields)
    raw = data.draw(st.dictionaries(st.sampled_from(fields), hostile_text, max_size=len(fields)))
    try:
        validate(model, raw, ctx)
    except RecordInvalid as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.field in fields or problem.field == "", problem
            assert problem.message and "Traceback" not in problem.message


def test_record_models_were_found():
    names = {m.__name__ for m in record_models()}
    assert {"Move", "NightAudit", "WardEntry"} <= names


# --- import files ---------------------------------------------------------------------------

def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]


@st.composite
def import_files(draw):
    kind = KINDS[draw(st.sampled_from(sorted(KINDS)))]
    columns = list(kind.columns)
    header = draw(st.lists(st.sampled_from(columns + ["notes ", "NOTES", "x", ""]),
                           min_size=0, max_size=len(columns) + 2))
    if draw(st.booleans()):
        header = list(kind.required) + [c for c in header if c not in kind.required]
    header = [draw(st.sampled_from([c, c.upper(), f" {c} "])) for c in header]
    rows = draw(st.lists(st.lists(hostile_text, max_size=len(header) + 2), max_size=6))
    text = _csv_text(header, rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=200))
    return kind, data, draw(st.booleans())


def _log_count(db) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]


# A field's name may hold a colon itself (the column ":"), so it ends at the first ": ".
LOCATED = re.compile(r"^(?P<file>.+?)(, line (?P<line>\d+))?(, field (?P<field>.+?))?: .+")


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=import_files())
def test_imports_of_any_file_succeed_or_say_where_and_write_nothing(ref_db, ctx, tmp_path,
                                                                   case):
    kind, data, skip_invalid = case
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    Path(str(path) + ".rejects.csv").unlink(missing_ok=True)
    before = _log_count(ref_db)
    try:
        result = import_file(ref_db, kind, path, ctx, "tester", skip_invalid=skip_invalid)
    except (FileInvalid, ImportFailed) as exc:
        assert _log_count(ref_db) == before  # nothing written
        lines = str(exc).splitlines()
        assert lines
        for line in lines:
            match = LOCATED.match(line)
            assert match and match["file"] == str(path), line
            if match["field"]:
                field = match["field"].strip()
                assert field in kind.columns or field.lower() in line.lower(), line
        problems = exc.problems if isinstance(exc, FileInvalid) else exc.result.problems
        physical_lines = data.count(b"\n") + 1
        for problem in problems:
            assert problem.line is None or 1 <= problem.line <= physical_lines + 1
    else:
        assert _log_count(ref_db) > before  # at least the import's own entry
        if result.rejected_rows:
            assert result.rejects_path.exists()
    assert check_database(ref_db) == []


# --- the cases by name ------------------------------------------------------------------------

def _moves_file(tmp_path, text: str | bytes, name="moves.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


GOOD_ROW = "2026-11-16 23:00,NGH,A1,A2,CAPACITY,,84,yes,S. Okafor,yes,1,{notes}\n"
HEADER = ",".join(MOVE_COLUMNS) + "\n"


def _import(db, ctx, path, **kw):
    return import_file(db, KINDS["moves"], path, ctx, "tester", **kw)


def test_a_windows_1252_file_is_read_as_such_and_said(ref_db, ctx, tmp_path):
    """Excel's "CSV (Comma delimited)" is Windows-1252: read as it is, and the person told."""
    text = HEADER + GOOD_ROW.format(notes="fine") + GOOD_ROW.format(notes="Ward Bjørk’s")
    path = _moves_file(tmp_path, text.encode("cp1252"))
    notes: list[str] = []
    assert _import(ref_db, ctx, path, announce=notes.append).written == 2
    assert notes == [f"{path}: not UTF-8; read as Windows-1252 (Excel's \"CSV (Comma "
                     "delimited)\")"]
    assert ref_db.conn.execute("SELECT notes FROM move ORDER BY id DESC").fetchone()[0] == (
        "Ward Bjørk’s")


def test_a_file_neither_utf8_nor_windows_1252_is_refused_with_its_line(ref_db, ctx, tmp_path):
    text = (HEADER + GOOD_ROW.format(notes="fine")).encode() + GOOD_ROW.format(
        notes="Ward B").encode().replace(b"Ward B", b"Ward \x81")
    path = _moves_file(tmp_path, text)
    with pytest.raises(FileInvalid) as caught:
        _import(ref_db, ctx, path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3: is neither UTF-8 nor Windows-1252 text "
                              "(byte 0x81)")
    assert "CSV UTF-8" in message
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


def test_a_bom_is_accepted(ref_db, ctx, tmp_path):
    path = _moves_file(tmp_path, ("\ufeff" + HEADER + GOOD_ROW.format(notes="x")).encode())
    assert _import(ref_db, ctx, path).written == 1


@pytest.mark.parametrize("content", [b"", b"\n\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(ref_db, ctx, tmp_path, content):
    path = _moves_file(tmp_path, content)
    with pytest.raises(FileInvalid) as caught:
        _import(ref_db, ctx, path)
    assert str(caught.value).startswith(str(path))
    assert "empty" in str(caught.value) or "missing from the header" in str(caught.value)


def test_a_header_only_file_imports_nothing_and_says_so(ref_db, ctx, tmp_path):
    result = _import(ref_db, ctx, _moves_file(tmp_path, HEADER))
    assert result.written == 0


def test_a_duplicated_header_is_refused_naming_the_column(ref_db, ctx, tmp_path):
    path = _moves_file(tmp_path, "moved_at,site_code,from_ward,to_ward,reason,Site_Code\n")
    with pytest.raises(FileInvalid) as caught:
        _import(ref_db, ctx, path)
    assert (f"{path}, line 1, field site_code: column appears more than once in the header"
            in str(caught.value))


def test_a_huge_field_is_refused_with_line_and_field(ref_db, ctx, tmp_path):
    huge = "x" * (MAX_FIELD + 1)
    text = HEADER + GOOD_ROW.format(notes="ok") + GOOD_ROW.format(notes=huge)
    path = _moves_file(tmp_path, text)
    with pytest.raises(ImportFailed) as caught:
        _import(ref_db, ctx, path)
    assert f"{path}, line 3: field notes is longer than {MAX_FIELD} characters" in str(
        caught.value)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


def test_a_field_past_the_csv_limit_is_a_message_too(ref_db, ctx, tmp_path):
    text = HEADER + GOOD_ROW.format(notes='"' + "y" * (MAX_FIELD * 5) + '"')
    path = _moves_file(tmp_path, text)
    with pytest.raises(ImportFailed) as caught:
        _import(ref_db, ctx, path)
    assert f"{path}, line 2" in str(caught.value)


def test_one_bad_row_fails_the_whole_file_listing_every_problem(ref_db, ctx, tmp_path):
    text = (HEADER + GOOD_ROW.format(notes="a")
            + "2026-11-16 23:00,NGH,A1,A1,CAPACITY,9990000019,200,perhaps,,,0,\n"
            + GOOD_ROW.format(notes="c"))
    path = _moves_file(tmp_path, text)
    with pytest.raises(ImportFailed) as caught:
        _import(ref_db, ctx, path)
    message = str(caught.value)
    for field in ("to_ward", "patient_ref", "age", "dementia", "move_number"):
        assert f"{path}, line 3, field {field}: " in message
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


def test_formula_text_is_stored_as_typed(ref_db, ctx, tmp_path):
    """Neutralising is for exports; the record keeps exactly what was entered."""
    path = _moves_file(tmp_path, HEADER + GOOD_ROW.format(notes="=HYPERLINK(1)"))
    _import(ref_db, ctx, path)
    assert ref_db.conn.execute("SELECT notes FROM move").fetchone()[0] == "=HYPERLINK(1)"


@pytest.mark.parametrize("content,expected", [
    (b"\xff\xfe" + "moved_at\n".encode("utf-16-le"), "is UTF-16 text (Excel's 'Unicode Text')"),
    (HEADER.encode() + b"2026-11-16 23:00,NGH\n", "line 2: has 2 fields but the header has 12"),
    (HEADER.encode() + GOOD_ROW.format(notes="a").encode().replace(b"NGH", b"N\x00H"),
     "line 2, field site_code"),
])
def test_the_command_line_reports_bad_files_without_a_traceback(ref_db, db_path, tmp_path,
                                                                content, expected):
    ref_db.conn.close()
    path = _moves_file(tmp_path, content)
    result = run_cli("import", "moves", str(path), "--db", str(db_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nothing imported" in result.stderr
    assert expected in result.stderr
    assert str(path) in result.stderr


def test_skip_invalid_writes_rejects_verbatim_with_the_error(ref_db, ctx, tmp_path):
    text = (HEADER + GOOD_ROW.format(notes="a")
            + "2026-11-16 23:00,NGH,A1,A2,NOPE,,,,,,,=2+2\n")
    path = _moves_file(tmp_path, text)
    result = _import(ref_db, ctx, path, skip_invalid=True)
    assert (result.written, result.rejected_rows) == (1, 1)
    rows = list(csv.reader(result.rejects_path.open(encoding="utf-8")))
    assert rows[0] == [*MOVE_COLUMNS, "error"]
    # The rejected row as the file held it, so that once corrected it imports as it is.
    assert rows[1][:12] == ["2026-11-16 23:00", "NGH", "A1", "A2", "NOPE", "", "", "", "", "",
                            "", "=2+2"]
    assert rows[1][12] == "reason: 'NOPE' is not a known move reason"


def test_move_raw_helper_is_valid(ctx):
    from casereview.domain.move import Move

    assert validate(Move, move_raw(3), ctx).from_ward == "A1"


# --- exports neutralise formula-like text ------------------------------------------------------

@given(text=st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula(text):
    from casereview.io.cells import FORMULA_STARTS, neutralise

    out = neutralise(text)
    if text.startswith(FORMULA_STARTS):
        try:
            float(text)
        except ValueError:
            assert out == "'" + text
        else:
            assert out == text  # a negative number stays a number
    else:
        assert out == text


# Modules that write CSV but are not exports: the importer's rejects file gives the user's own
# rows back verbatim, so that once corrected it imports as it is.
NOT_EXPORTS = {"casereview.io.importer", "casereview.io.workbook"}  # they read files


def test_every_module_writing_csv_or_xlsx_neutralises_its_cells():
    """A new export that forgets the formula-injection guard fails here."""
    import casereview.io

    writers = []
    for info in pkgutil.iter_modules(casereview.io.__path__):
        name = f"casereview.io.{info.name}"
        source = Path(importlib.import_module(name).__file__).read_text(encoding="utf-8")
        if any(w in source for w in ("csv.writer", "csv.DictWriter", "xlsxwriter",
                                     "add_worksheet", "openpyxl")):
            writers.append(name)
            if name not in NOT_EXPORTS:
                assert "neutralise" in source or "casereview.io.cells" in source, name
    assert "casereview.io.summary_files" in writers


# --- record exports: whatever text was stored, no cell is read as a formula ----------------------

formula_text = st.one_of(
    st.builds(lambda head, tail: head + tail, st.sampled_from(["=", "+", "-", "@", "\t", "\r"]),
              st.text(max_size=20)),
    st.sampled_from(["=1+1", "+44 20", "-2", "-", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")",
                     "-1e3", "+5"]))


def _formula_like(cell: str) -> bool:
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False  # a number, read as the number it is


@pytest.mark.parametrize("notes", ["x\r+1", "a\r\n=SUM(A1)", "ok\r-x", "ward\rround"])
def test_a_carriage_return_inside_a_text_does_not_split_the_exported_row(ref_db, ctx,
                                                                       tmp_path, notes):
    """A lone carriage return in a stored note: the CSV export keeps the record on one row
    (a spreadsheet starts a new row at an unquoted CR, and the rest of the text would land
    in the next row's first cell, unneutralised)."""
    from casereview.domain.move import Move
    from casereview.io.record_export import export_records
    from casereview.storage.moves import save_move

    save_move(ref_db, validate(Move, move_raw(1, notes=notes), ctx), "tester")
    out = tmp_path / "moves.csv"
    export_records(ref_db, "moves", "tester", identifiable=True, fmt="csv", out=out)
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    cell = rows[1][rows[0].index("notes")]
    assert cell == notes.strip().replace("\r\n", "\n").replace("\r", "\n")
    assert not [c for row in rows for c in row if _formula_like(c)]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=formula_text, authorised=formula_text, identifiable=st.booleans())
def test_record_exports_neutralise_any_stored_text(ref_db, ctx, tmp_path, notes, authorised,
                                                   identifiable):
    import openpyxl

    from casereview.domain.move import Move
    from casereview.io.record_export import export_records
    from casereview.storage.moves import save_move

    move = validate(Move, move_raw(1, notes=notes, authorised_by=authorised), ctx)
    save_move(ref_db, move, "tester")
    out_csv, out_xlsx = tmp_path / "moves.csv", tmp_path / "moves.xlsx"
    export_records(ref_db, "moves", "tester", identifiable=identifiable, fmt="csv", out=out_csv)
    export_records(ref_db, "moves", "tester", identifiable=identifiable, fmt="xlsx",
                   out=out_xlsx)
    cells = [c for row in csv.reader(out_csv.open(encoding="utf-8", newline="")) for c in row]
    sheet = openpyxl.load_workbook(out_xlsx, read_only=True).worksheets[0]
    cells += [c for row in sheet.iter_rows(values_only=True) for c in row
              if isinstance(c, str)]
    assert not [c for c in cells if _formula_like(c)]
    # The stored record keeps what was typed (stripped, as the model stores text).
    stored = ref_db.conn.execute("SELECT notes FROM move ORDER BY id DESC LIMIT 1").fetchone()
    assert stored[0] == (notes.strip() or None)
