"""The import's faster row path keeps every rule: the Modulus 11 check agrees with the
nhs-number library, the clock changes are found whichever year, cached parsers still refuse
bad text every time, and a streamed import stays all-or-nothing across chunks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nhs_number import is_valid

from casereview.domain import values
from casereview.domain.values import localise, nhs_number_valid, parse_patient_ref
from casereview.io import importer
from casereview.io.csvfile import FileInvalid
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.storage.changelog import history, verify_chain
from tests.conftest import NOW

HEADER = "moved_at,site_code,from_ward,to_ward,reason,patient_ref\n"


@settings(max_examples=500)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_modulus_11_agrees_with_the_library(digits):
    assert nhs_number_valid(digits) == is_valid(digits)


@pytest.mark.parametrize("digits", ["9990000018", "9990000019", "0101011234", "3112990009",
                                    "3213990001", "0000000000", "\u0669" * 10])
def test_modulus_11_agrees_with_the_library_at_the_edges(digits):
    """The Scottish CHI range (a date of birth in the first six digits) and non-ASCII digits
    are left to the library."""
    assert nhs_number_valid(digits) == is_valid(digits)


@settings(max_examples=300)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)),
       st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_a_wall_time_is_refused_exactly_when_it_does_not_exist(day, at):
    """Whatever the day: the spring-forward hour is refused, every other time is kept (the
    check runs only on the days the clocks change)."""
    london = ZoneInfo("Europe/London")
    naive = datetime.combine(day, at)
    exists = naive.replace(tzinfo=london).astimezone(ZoneInfo("UTC")).astimezone(london) \
        .replace(tzinfo=None) == naive
    if exists:
        assert localise(day, at).replace(tzinfo=None) == naive
    else:
        with pytest.raises(ValueError, match="does not exist in UK time"):
            localise(day, at)


def test_clock_change_days_are_the_last_sundays():
    for year in range(2000, 2046):
        days = values.clock_change_days(year)
        assert len(days) == 2 and all(d.weekday() == 6 for d in days)
        assert {d.month for d in days} == {3, 10} and all(d.day >= 25 for d in days)


def test_cached_parsers_refuse_bad_text_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="Modulus 11"):
            parse_patient_ref("999 000 0019")
        with pytest.raises(ValueError, match="not a real calendar date"):
            values.parse_date("31/02/2026")
        with pytest.raises(ValueError, match="not a whole number"):
            values.parse_age("8.5")
    assert parse_patient_ref(" 999-000-0018 ") == parse_patient_ref("9990000018")


def _run(db, path, **kw):
    from casereview.storage.context import load_context

    return import_file(db, KINDS["moves"], path, load_context(db, NOW), "importer", **kw)


def _rows(n, start=datetime(2026, 11, 1, 22, 0)):
    return "".join(f"{start + timedelta(minutes=i):%Y-%m-%d %H:%M},NGH,A1,A2,CAPACITY,\n"
                   for i in range(n))


def test_a_bad_row_after_several_chunks_writes_nothing(ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    f = tmp_path / "moves.csv"
    f.write_text(HEADER + _rows(10) + "2026-11-02 23:00,NGH,A1,A1,CAPACITY,\n" + _rows(2),
                 encoding="utf-8")
    entries = ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    with pytest.raises(ImportFailed, match="line 12, field to_ward: must differ"):
        _run(ref_db, f)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
    assert ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == entries


def test_skip_invalid_writes_every_valid_row_across_chunks(ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    f = tmp_path / "moves.csv"
    f.write_text(HEADER + _rows(4) + "2026-11-02 23:00,NGH,A1,B1,CAPACITY,\n"
                 + _rows(5, datetime(2026, 11, 3, 22, 0)), encoding="utf-8")
    result = _run(ref_db, f, skip_invalid=True)
    assert result.written == 9 and result.rejected_rows == 1
    ids = [r[0] for r in ref_db.conn.execute("SELECT id FROM move ORDER BY id")]
    assert ids == list(range(1, 10))
    batches = ref_db.conn.execute(
        "SELECT first_id, last_id FROM change_log WHERE record_type = 'move' "
        "AND action = 'insert' ORDER BY id").fetchall()
    # One entry per chunk of 3 rows read (3, 2 + the bad one, 3, 1), covering every id once.
    assert [last - first + 1 for first, last in batches] == [3, 2, 3, 1]
    covered = [i for first, last in batches for i in range(first, last + 1)]
    assert covered == list(range(1, 10)) and verify_chain(ref_db.conn) == []
    assert all(history(ref_db.conn, "move", i)[0]["after"]["id"] == i for i in covered)


def test_a_byte_that_is_not_utf8_far_into_the_file_is_named_and_nothing_written(
        ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 50)
    f = tmp_path / "moves.csv"
    body = HEADER + _rows(3000)
    f.write_bytes(body.encode() + "2026-11-05 23:00,NGH,A1,A2,CAPACITY,Zoë\n".encode("latin-1")
                  .replace(b"\xeb", b"\x81"))  # a byte neither UTF-8 nor Windows-1252
    with pytest.raises(FileInvalid, match="line 3002: is neither UTF-8 nor Windows-1252"):
        _run(ref_db, f)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
