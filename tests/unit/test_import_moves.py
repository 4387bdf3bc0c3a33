"""SPEC 7 / 7.1: imports of wards, moves and nights: all-or-nothing, line and field named,
--skip-invalid with a rejects file."""

import csv

import pytest

from casereview.io.csvfile import FileInvalid
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.storage.context import load_context
from tests.conftest import NOW

MOVES_HEADER = ("moved_at,site_code,from_ward,to_ward,reason,patient_ref,age,dementia,"
                "authorised_by,informed,move_number,notes\n")


def _count(db, table):
    return db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _run(db, kind, path, **kw):
    return import_file(db, KINDS[kind], path, load_context(db, NOW), "importer", **kw)


def test_good_moves_file(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text(MOVES_HEADER
                 + "2026-11-16 23:15,NGH,A1,A2,CAPACITY,999 000 0018,84,y,S Okafor,y,2,\n"
                 + "17/11/2026 02:30,WCH,B1,B2,INFECTION,,,,,,,\"note, with comma\"\n",
                 encoding="utf-8")
    result = _run(ref_db, "moves", f)
    assert result.written == 2 and _count(ref_db, "move") == 2
    row = ref_db.conn.execute("SELECT * FROM move WHERE site_code = 'WCH'").fetchone()
    assert row["audit_night"] == "2026-11-16" and row["notes"] == "note, with comma"


def test_one_bad_row_writes_nothing_and_names_line_and_field(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text(MOVES_HEADER
                 + "2026-11-16 23:15,NGH,A1,A2,CAPACITY,,,,,,,\n"
                 + "2026-11-16 23:20,NGH,A1,B2,CAPACITY,,,,,,,\n"
                 + "2026-11-16 23:25,NGH,A1,A2,CAPACITY,,130,,,,,\n", encoding="utf-8")
    log_before = _count(ref_db, "change_log")
    with pytest.raises(ImportFailed) as exc:
        _run(ref_db, "moves", f)
    message = str(exc.value)
    assert f"{f}, line 3, field to_ward: ward B2 is on site WCH, not on NGH" in message
    assert f"{f}, line 4, field age:" in message
    assert _count(ref_db, "move") == 0 and _count(ref_db, "change_log") == log_before


def test_skip_invalid_writes_valid_rows_and_rejects_file(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text(MOVES_HEADER
                 + "2026-11-16 23:15,NGH,A1,A2,CAPACITY,,,,,,,\n"
                 + "2026-11-16 23:20,NGH,A1,A1,CAPACITY,,,,,,,\n", encoding="utf-8")
    result = _run(ref_db, "moves", f, skip_invalid=True)
    assert result.written == 1 and result.rejected_rows == 1
    rejects = list(csv.DictReader(open(tmp_path / "moves.csv.rejects.csv", encoding="utf-8")))
    assert rejects[0]["to_ward"] == "A1" and "must differ" in rejects[0]["error"]


def test_headers_case_insensitive_optional_columns_may_be_left_out(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text(" Moved_At ,SITE_CODE,from_ward,to_ward,Reason\n"
                 "2026-11-16 23:15,NGH,A1,A2,CAPACITY\n", encoding="utf-8-sig")
    assert _run(ref_db, "moves", f).written == 1


@pytest.mark.parametrize("header,problem", [
    ("moved_at,site_code,from_ward,to_ward,reason,colour", "field colour: unknown column"),
    ("moved_at,site_code,from_ward,to_ward", "field reason: required column is missing"),
    ("moved_at,site_code,from_ward,to_ward,reason,reason", "appears more than once"),
])
def test_header_problems(ref_db, tmp_path, header, problem):
    f = tmp_path / "moves.csv"
    f.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(FileInvalid, match=problem):
        _run(ref_db, "moves", f)


def test_not_utf8_named_with_line(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_bytes(MOVES_HEADER.encode() + "2026-11-16 23:15,NGH,A1,A2,CAPACITY,,,,Zoë,,,\n"
                  .encode("latin-1").replace(b"\xeb", b"\x81"))
    with pytest.raises(FileInvalid, match="line 2: is neither UTF-8 nor Windows-1252"):
        _run(ref_db, "moves", f)


def test_empty_file(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text("", encoding="utf-8")
    with pytest.raises(FileInvalid, match="is empty"):
        _run(ref_db, "moves", f)


def test_wrong_field_count(ref_db, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text("moved_at,site_code,from_ward,to_ward,reason\n2026-11-16 23:15,NGH,A1\n",
                 encoding="utf-8")
    with pytest.raises(ImportFailed, match="line 2: has 3 fields but the header has 5"):
        _run(ref_db, "moves", f)


def test_nights_import_refuses_second_return(ref_db, tmp_path):
    f = tmp_path / "nights.csv"
    f.write_text("site_code,audit_night,audited_by\nNGH,2026-11-16,KM\nWCH,16/11/2026,KM\n"
                 "NGH,2026-11-16,LB\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="line 4, field audit_night: a second return"):
        _run(ref_db, "nights", f)
    f.write_text("site_code,audit_night,audited_by\nNGH,2026-11-16,KM\n", encoding="utf-8")
    _run(ref_db, "nights", f)
    with pytest.raises(ImportFailed, match="already has a return"):
        _run(ref_db, "nights", f, again=True)  # the rule for the record, not for the file


def test_wards_import(fresh_db, tmp_path):
    f = tmp_path / "wards.csv"
    f.write_text("site_code,site_name,ward_code,ward_name,older_adults\n"
                 "NGH,Northgate,A1,Ward A1,yes\nNGH,,A2,Ward A2,no\nWCH,Westbrook,B1,Ward B1,\n",
                 encoding="utf-8")
    assert _run(fresh_db, "wards", f).written == 3
    rows = fresh_db.conn.execute("SELECT ward_code, site_code, older_adults FROM ward "
                                 "ORDER BY ward_code").fetchall()
    assert [tuple(r) for r in rows] == [("A1", "NGH", 1), ("A2", "NGH", 0), ("B1", "WCH", 0)]


def test_wards_import_new_site_needs_name_and_codes_unique_across_sites(ref_db, tmp_path):
    f = tmp_path / "wards.csv"
    f.write_text("site_code,site_name,ward_code,ward_name\nNEW,,N1,Ward N1\nWCH,,A1,Moved\n"
                 "NGH,,C1,c\nNGH,,C1,c again\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        _run(ref_db, "wards", f)
    text = str(exc.value)
    assert "line 2, field site_name: is required for the new site NEW" in text
    assert "line 3, field ward_code: ward A1 is already on site NGH" in text
    assert "line 5, field ward_code: ward C1 appears twice" in text


def test_a_column_name_with_a_colon_is_quoted_in_its_message(ref_db, ctx, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("moved_at,site_code,from_ward,to_ward,reason,a:b\n", encoding="utf-8")
    with pytest.raises(FileInvalid) as raised:
        import_file(ref_db, KINDS["moves"], path, ctx, "tester")
    assert f"{path}, line 1: column 'a:b': unknown column" in str(raised.value)
