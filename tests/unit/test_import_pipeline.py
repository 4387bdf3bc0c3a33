"""A large import validates in a second process while the first writes (io/pipeline.py): the
records, the change log, the problems and their messages, the rejects file and the failures
are the same as an import validated in-process. Here every file counts as large."""

from __future__ import annotations

import pickle
import queue
import threading
from datetime import datetime, timedelta

import pytest

from casereview.domain.reference import Ward
from casereview.io import importer, pipeline
from casereview.io.csvfile import FileInvalid
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.storage.changelog import verify_chain
from casereview.storage.check import check_database
from casereview.storage.context import load_context
from casereview.storage.db import connect
from casereview.storage.reference import save_site, save_ward
from tests.conftest import NOW

HEADER = "moved_at,site_code,from_ward,to_ward,reason,patient_ref,age,notes\n"
ROWS = 12_000  # three chunks of CHUNK_ROWS (5,000)


def _good(i: int) -> str:
    at = datetime(2026, 1, 5, 22, 0) + timedelta(minutes=7 * i)
    at = at.replace(hour=22 + i % 2)
    return f"{at:%Y-%m-%d %H:%M},NGH,A1,A2,CAPACITY,999 000 0018,{60 + i % 40},row {i}\n"


def _file(tmp_path, bad: dict[int, str] | None = None):
    lines = [_good(i) for i in range(ROWS)]
    for i, line in (bad or {}).items():
        lines[i] = line
    path = tmp_path / "moves.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _db(path):
    db = connect(path)
    save_site(db, "NGH", "Northgate General", "test")
    for code in ("A1", "A2"):
        save_ward(db, Ward(code, f"Ward {code}", "NGH", True), "test")
    return db


def _import(tmp_path, name, source, *, parallel, monkeypatch, **options):
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0 if parallel else 1 << 62)
    db = _db(tmp_path / f"{name}.db")
    try:
        result = import_file(db, KINDS["moves"], source, load_context(db, NOW), "importer",
                             parallel=True, **options)
        return db, result
    except BaseException:
        db.conn.close()
        raise


def _content(db) -> list[tuple]:
    return [tuple(r) for r in db.conn.execute(
        "SELECT id, moved_at, moved_at_utc, audit_night, out_of_hours, site_code, from_ward, "
        "to_ward, reason, patient_ref, age, notes FROM move ORDER BY id")]


def _batches(db) -> list[tuple]:
    return [tuple(r) for r in db.conn.execute(
        "SELECT first_id, last_id, after FROM change_log WHERE record_type = 'move' "
        "ORDER BY id")]


def test_a_good_file_gives_the_same_records_and_log_either_way(tmp_path, monkeypatch):
    source = _file(tmp_path)
    here, r1 = _import(tmp_path, "here", source, parallel=False, monkeypatch=monkeypatch)
    there, r2 = _import(tmp_path, "there", source, parallel=True, monkeypatch=monkeypatch)
    try:
        assert r1.written == r2.written == ROWS
        assert _content(here) == _content(there)
        assert _batches(here) == _batches(there)  # the same entries
        assert [(f, t) for f, t, _ in _batches(there)] == [(1, 5000), (5001, 10000),
                                                           (10001, 12000)]
        assert verify_chain(there.conn) == [] and check_database(there) == []
    finally:
        here.conn.close()
        there.conn.close()


def test_problems_are_the_same_and_nothing_is_written(tmp_path, monkeypatch):
    bad = {3: "2026-01-05 23:00,NGH,A1,A1,CAPACITY,,,\n",
           7_500: "2026-01-05 23:00,NGH,A1,A2,NOPE,999 000 0019,130,\n",
           11_999: "not a row\n"}
    source = _file(tmp_path, bad)
    outcomes = []
    for name, parallel in (("here", False), ("there", True)):
        with pytest.raises(ImportFailed) as caught:
            _import(tmp_path, name, source, parallel=parallel, monkeypatch=monkeypatch)
        outcomes.append(str(caught.value))
        db = connect(tmp_path / f"{name}.db")
        assert db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
        db.conn.close()
    assert outcomes[0] == outcomes[1]
    assert "line 5, field to_ward" in outcomes[1] and "line 7502, field reason" in outcomes[1]
    assert "line 7502, field patient_ref" in outcomes[1] and "line 12001" in outcomes[1]


def test_skip_invalid_writes_the_same_rows_and_rejects(tmp_path, monkeypatch):
    bad = {10: "2026-01-05 23:00,NGH,A1,A9,CAPACITY,,,\n",
           6_000: "2026-01-05 23:00,NGH,A1,A2,CAPACITY,,eighty,\n"}
    source = _file(tmp_path, bad)
    results = []
    for name, parallel in (("here", False), ("there", True)):
        db, result = _import(tmp_path, name, source, parallel=parallel,
                             monkeypatch=monkeypatch, skip_invalid=True)
        results.append((result.written, result.rejected_rows,
                        result.rejects_path.read_text(encoding="utf-8"), _content(db)))
        db.conn.close()
    assert results[0] == results[1]
    assert results[1][:2] == (ROWS - 2, 2)


def test_a_byte_that_is_not_utf8_is_named_and_nothing_written(tmp_path, monkeypatch):
    source = _file(tmp_path)
    with open(source, "ab") as handle:
        handle.write("2026-11-05 23:00,NGH,A1,A2,CAPACITY,,,Zoë\n".encode("latin-1")
                     .replace(b"\xeb", b"\x81"))  # neither UTF-8 nor Windows-1252
    with pytest.raises(FileInvalid, match=f"line {ROWS + 2}: is neither UTF-8"):
        _import(tmp_path, "there", source, parallel=True, monkeypatch=monkeypatch)
    db = connect(tmp_path / "there.db")
    assert db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
    db.conn.close()


def test_a_check_against_the_store_still_runs_in_the_importer(ref_db, ctx, tmp_path,
                                                              monkeypatch):
    """Night returns are checked against each other and the store, which only the importing
    process can see."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    path = tmp_path / "nights.csv"
    path.write_text("site_code,audit_night,audited_by\nNGH,2026-11-16,A. Nurse\n"
                    "WCH,2026-11-16,B. Nurse\nNGH,2026-11-16,C. Nurse\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="line 4, field audit_night: a second return"):
        import_file(ref_db, KINDS["nights"], path, ctx, "importer", parallel=True)


def test_a_validating_process_that_dies_fails_the_import():
    inbox: queue.Queue = queue.Queue()
    inbox.put(None)  # what the pipe gives when the child is gone

    class Gone:
        exitcode = -9

        def join(self, timeout=None):
            return None

    with pytest.raises(RuntimeError, match="stopped unexpectedly .exit code -9.; nothing"):
        next(pipeline._received(inbox, Gone(), threading.Event(), None))


class _Sender:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(pickle.dumps(message))

    def close(self):
        pass


class _Idle:
    """The importer's "I would wait" flag, as a schedule: set before the batches listed."""

    def __init__(self, raw_batches):
        self.raw, self.batch = set(raw_batches), 0

    def is_set(self):
        self.batch += 1
        return self.batch in self.raw

    def clear(self):
        pass


@pytest.mark.parametrize("raw", [(), (1,), (2, 3), (1, 2, 3)])
def test_batches_the_importer_validates_itself_are_the_same(tmp_path, ctx, raw):
    """Whichever batches the child sends as read (because the importer was idle), the
    importer validates them to the same rows, problems and log JSON, in file order."""
    from casereview.io.importer import RowChecker, checked_batches
    from casereview.io.tabular import read_table

    kind = KINDS["moves"]
    source = _file(tmp_path, bad={3: "2026-02-30 23:00,NGH,A1,A2,CAPACITY,,70,x\n",
                                  7001: "2026-01-20 23:00,NGH,A1,A1,CAPACITY,,70,y\n",
                                  11_999: "2026-01-20 23:00,NGH,A1,A2,NOPE,,70,z\n"})
    table = read_table(source, kind.columns, kind.required)
    expected = list(checked_batches(kind, ctx, table.columns, table.rows))
    sender = _Sender()
    pipeline._validate_in_child(sender, pipeline._for_child(kind, ctx), ctx, str(source),
                                None, _Idle(raw))
    tags = [pickle.loads(m)[0] for m in sender.sent]
    assert tags == [("raw" if n in raw else "batch") for n in (1, 2, 3)] + ["done"]
    inbox: queue.Queue = queue.Queue()
    for message in sender.sent:
        inbox.put(message)
    got = list(pipeline._received(inbox, None, threading.Event(),
                                  RowChecker(kind, ctx, table.columns)))
    assert got == expected
    assert sum(1 for batch, _ in got for *_, problems in batch if problems) == 3


def test_unsendable_kinds_stay_in_process(tmp_path, ctx):
    import dataclasses

    kind = dataclasses.replace(KINDS["moves"], build=lambda raw, context: None)
    assert pipeline._for_child(kind, ctx) is None
    assert pipeline._for_child(KINDS["moves"], ctx) is not None
    assert importer.CHUNK_ROWS == 5000


def test_the_second_process_is_only_used_when_asked_for(tmp_path, ctx, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    started = []
    monkeypatch.setattr(pipeline.multiprocessing, "get_context",
                        lambda method: started.append(method) or pytest.fail("spawned"))
    path = _file(tmp_path)
    db = _db(tmp_path / "lib.db")
    try:
        result = import_file(db, KINDS["moves"], path, load_context(db, NOW), "importer")
    finally:
        db.conn.close()
    assert result.written == ROWS and started == []


class _Value:
    def __init__(self, value):
        self.value = value


class _StartingInbox(queue.Queue):
    """The inbox while the child is starting: empty for the importer's first ``k`` looks."""

    def __init__(self, k):
        super().__init__()
        self.k = k

    def empty(self):
        self.k -= 1
        return self.k >= 0 or super().empty()


@pytest.mark.parametrize("own", [0, 1, 2, 3, 4])
def test_the_first_batches_are_validated_here_while_the_child_starts(tmp_path, ctx, own):
    """While the second process starts, the importer validates the file's first batches
    itself, then tells the child how many rows to pass over: every row once, in order."""
    from casereview.io.importer import RowChecker, checked_batches
    from casereview.io.tabular import read_table

    kind = KINDS["moves"]
    source = _file(tmp_path, bad={4999: "2026-02-30 23:00,NGH,A1,A2,CAPACITY,,70,x\n",
                                  5000: "2026-01-20 23:00,NGH,A1,A1,CAPACITY,,70,y\n"})
    table = read_table(source, kind.columns, kind.required)
    expected = list(checked_batches(kind, ctx, table.columns, table.rows))
    taken = min(own * importer.CHUNK_ROWS, ROWS)
    sender = _Sender()
    pipeline._validate_in_child(sender, pipeline._for_child(kind, ctx), ctx, str(source),
                                None, _Idle(()), _Value(taken))
    inbox = _StartingInbox(own)
    if own <= 3:
        for message in sender.sent:
            inbox.put(message)
    else:  # the importer reads every row before the child is ready: it must not wait for it
        inbox.put(None)  # (what a gone child gives: reading it would fail the import)
    start = _Value(-1)
    got = list(pipeline._received(inbox, None, threading.Event(),
                                  RowChecker(kind, ctx, table.columns),
                                  read_table(source, kind.columns, kind.required).rows, start))
    assert start.value == taken
    assert got == expected


def test_a_child_waiting_to_be_told_where_to_start_stops_if_the_importer_has_gone(
        tmp_path, ctx, monkeypatch):
    """Killed after the child said it was ready, the importer never says where to start:
    the child does not wait for ever."""
    kind = KINDS["moves"]
    source = _file(tmp_path)

    class Gone:
        def is_alive(self):
            return False

    monkeypatch.setattr(pipeline.multiprocessing, "parent_process", lambda: Gone())
    sender = _Sender()
    pipeline._validate_in_child(sender, pipeline._for_child(kind, ctx), ctx, str(source),
                                None, _Idle(()), _Value(-1))
    assert [pickle.loads(m)[0] for m in sender.sent] == ["ready"]
