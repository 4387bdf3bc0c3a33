"""The history view (h) and the deleted-records view (d), driven through Pilot; and storage
failures (read-only database, full disk) shown as messages in the app, keeping what was
typed."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import DataTable, Input, Select, Static

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage import records
from casereview.storage.db import now_utc, transaction
from casereview.storage.history import PAGE
from casereview.storage.moves import save_move
from casereview.tui.app import create_app
from casereview.tui.screens.deleted import DeletedScreen
from casereview.tui.screens.history import HistoryScreen
from casereview.tui.screens.night_log import NightLogScreen
from tests.conftest import NOW


def _raw(n: int = 0, **kw) -> dict:
    raw = {"moved_at": f"2026-11-1{n % 10} 23:{n % 60:02d}", "site_code": "NGH",
           "from_ward": "A1", "to_ward": "A2", "reason": "CAPACITY", "notes": f"move {n}"}
    raw.update(kw)
    return raw


def _save(db, ctx, n=0, user="nurse", **kw) -> int:
    return save_move(db, validate(Move, _raw(n, **kw), ctx), user)


def _text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


async def test_h_shows_the_latest_changes_and_enter_opens_a_records_history(ref_db, ctx,
                                                                          db_path):
    first = _save(ref_db, ctx, 1)
    records.update(ref_db, "move", first, {"to_ward": "A3"}, "matron", reason="wrong ward")
    _save(ref_db, ctx, 2)
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#entries", DataTable)
        newest = _cells(table, 0)
        assert newest[2] == "insert" and newest[3] == "move 2"
        # The update of move 1 is the second newest; Enter on it opens move 1's history.
        await pilot.press("f3", "down")
        await pilot.pause()
        assert "wrong ward" in _text(screen, "#detail")
        await pilot.press("enter")
        await pilot.pause()
        assert table.row_count == 2
        assert [_cells(table, r)[2] for r in range(2)] == ["insert", "update"]
        assert _cells(table, 1)[1] == "matron"
        assert "to_ward A2 → A3" in _cells(table, 1)[4]
        assert "History of move 1" in _text(screen, "#message")
        # Escape goes back to the latest changes, a second Escape to the home screen.
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count > 2
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_search_by_record_type_and_id_from_the_keyboard(ref_db, ctx, db_path):
    record_id = _save(ref_db, ctx, 3)
    records.soft_delete(ref_db, "move", record_id, "nurse", reason="entered twice")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        types = [str(o[0]) for o in screen.query_one("#type", Select)._options][1:]
        # Shift+Tab to the type, open it, walk down to "move", Enter; Tab to the id.
        await pilot.press("shift+tab", "enter")
        for _ in range(types.index("move") + 1):
            await pilot.press("down")
        await pilot.press("enter", "tab")
        for ch in str(record_id):
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#type", Select).value == "move"
        table = screen.query_one("#entries", DataTable)
        assert [_cells(table, r)[2] for r in range(table.row_count)] == ["insert", "delete"]
        assert "entered twice" in _cells(table, 1)[4]


async def test_an_unknown_record_says_so(ref_db, db_path):
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#type", Select).value = "move"
        await pilot.press("9", "9", "9", "enter")
        await pilot.pause()
        assert "No change-log entries for move 999" in _text(screen, "#message")


async def test_latest_changes_are_paged_from_the_store(ref_db, ctx, db_path):
    rows = [validate(Move, _raw(n), ctx).to_row() for n in range(PAGE + 50)]
    with transaction(ref_db) as conn:
        for row in rows:  # a batch of one each: an entry each
            records.insert_many(conn, "move", [row], "importer", now_utc())
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        table = app.screen.query_one("#entries", DataTable)
        assert table.row_count == PAGE  # one page, not the whole log
        table.focus()
        table.move_cursor(row=PAGE - 1)
        await pilot.pause()
        total = ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
        assert table.row_count == total


async def test_d_lists_deleted_records_and_r_restores_one(ref_db, ctx, db_path):
    keep = _save(ref_db, ctx, 4)
    gone = _save(ref_db, ctx, 5)
    records.soft_delete(ref_db, "move", gone, "nurse", reason="entered twice")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeletedScreen)
        table = screen.query_one("#deleted", DataTable)
        assert table.row_count == 1
        cells = _cells(table, 0)
        assert cells[1:4] == ["nurse", "move", str(gone)]
        assert "A1 → A2" in cells[4] and "15 Nov 2026 23:05" in cells[4]
        assert cells[5] == "entered twice"
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await pilot.pause()
        assert table.row_count == 0
        assert "Restored move" in _text(screen, "#message")
    row = records.get(ref_db, "move", gone)
    assert row["deleted_at"] is None and row["updated_by"] == "lead"
    last = ref_db.conn.execute("SELECT action, user FROM change_log ORDER BY id DESC LIMIT 1")
    assert tuple(last.fetchone()) == ("restore", "lead")
    assert records.get(ref_db, "move", keep)["deleted_at"] is None


async def test_escape_at_the_confirmation_restores_nothing(ref_db, ctx, db_path):
    gone = _save(ref_db, ctx, 6)
    records.soft_delete(ref_db, "move", gone, "nurse")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#deleted", DataTable).row_count == 1
    assert records.get(ref_db, "move", gone)["deleted_at"] is not None


async def test_enter_on_a_deleted_record_opens_its_history(ref_db, ctx, db_path):
    gone = _save(ref_db, ctx, 7)
    records.soft_delete(ref_db, "move", gone, "nurse", reason="wrong patient")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#entries", DataTable)
        assert [_cells(table, r)[2] for r in range(table.row_count)] == ["insert", "delete"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DeletedScreen)


async def test_a_restore_that_would_make_a_second_night_return_is_refused(ref_db, ctx,
                                                                         db_path):
    from casereview.domain.move import NightAudit
    from casereview.storage.moves import close_night

    def audit(by):
        return validate(NightAudit, {"site_code": "NGH", "audit_night": "2026-11-16",
                                     "audited_by": by}, ctx)

    first = close_night(ref_db, audit("K. Mensah"), "night team")
    records.soft_delete(ref_db, "night_audit", first, "night team", reason="wrong auditor")
    close_night(ref_db, audit("L. Byrne"), "night team")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeletedScreen)
        message = _text(screen, "#message")
        assert "Not restored" in message and "already takes its place" in message
        assert screen.query_one("#deleted", DataTable).row_count == 1
    assert records.get(ref_db, "night_audit", first)["deleted_at"] is not None


# --- storage failures in the app ---------------------------------------------------------------

@pytest.fixture
def read_only_app_db(monkeypatch, db_path):
    """The app's connections open the database read-only (as SQLite does for a file the user
    may not write)."""
    real = sqlite3.connect

    def read_only(database, *args, **kwargs):
        if str(database) == str(db_path):
            kwargs["uri"] = True
            database = f"file:{database}?mode=ro"
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)


@pytest.fixture
def full_disk_app_db(monkeypatch):
    """The disk fills up as the storage layer writes the change-log entry of any change."""
    import errno

    from casereview.storage import moves

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(records, "log_change", no_space)
    monkeypatch.setattr(moves, "log_change", no_space)


async def _type_a_move(pilot):
    for text in ["23:15", "a1", "a2", "cap"]:
        for ch in text:
            await pilot.press(ch)
        await pilot.press("tab")
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("failure,expected", [
    ("read_only_app_db", "the database is read-only"),
    ("full_disk_app_db", "the disk is full"),
])
async def test_a_save_that_cannot_be_written_keeps_what_was_typed(ref_db, db_path, request,
                                                                  failure, expected):
    ref_db.conn.close()
    request.getfixturevalue(failure)
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NightLogScreen)
        await _type_a_move(pilot)
        message = _text(screen, "#message")
        assert "Not saved" in message and expected in message
        assert "nothing was saved" in message
        assert screen.query_one("#time", Input).value == "23:15"
        assert screen.query_one("#reason", Input).value.upper().startswith("CAP")
    conn = sqlite3.connect(str(db_path))
    assert conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("failure,expected", [
    ("read_only_app_db", "the database is read-only"),
    ("full_disk_app_db", "the disk is full"),
])
async def test_a_restore_that_cannot_be_written_is_a_message(ref_db, ctx, db_path, request,
                                                             failure, expected):
    gone = _save(ref_db, ctx, 8)
    records.soft_delete(ref_db, "move", gone, "nurse")
    ref_db.conn.close()
    request.getfixturevalue(failure)
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeletedScreen)
        message = _text(screen, "#message")
        assert "Not restored" in message and expected in message
        assert screen.query_one("#deleted", DataTable).row_count == 1


async def test_reference_data_that_cannot_be_saved_keeps_what_was_typed(ref_db, db_path,
                                                                       read_only_app_db):
    ref_db.conn.close()
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#site_code", Input).focus()
        for ch in "RVH":
            await pilot.press(ch)
        await pilot.press("tab")
        for ch in "Riverside":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert "Not saved: the database is read-only" in _text(screen, "#site-problem")
        assert screen.query_one("#site_code", Input).value == "RVH"
        assert screen.query_one("#site_name", Input).value == "Riverside"


async def test_closing_a_night_on_a_full_disk_is_a_message(ref_db, db_path, full_disk_app_db):
    ref_db.conn.close()
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # audited by: the user, as offered
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NightLogScreen)
        message = _text(screen, "#message")
        assert "Night not closed" in message and "the disk is full" in message


# --- text that looks like markup is shown as typed -------------------------------------------

MARKUP = "[/b] [red]=1+1"


async def test_text_that_looks_like_markup_never_breaks_a_screen(ref_db, ctx, db_path):
    """Square brackets typed by a person are text, not styling: the night log, its problems,
    the history and the deleted list all show them as typed."""
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#time", Input).value = "23:15"
        screen.query_one("#from_ward", Input).value = "A1"
        screen.query_one("#to_ward", Input).value = "[/i]"
        screen.query_one("#reason", Input).value = "CAPACITY"
        screen.query_one("#patient_ref", Input).value = "[/b]x"
        screen.query_one("#notes", Input).value = MARKUP
        screen.query_one("#notes", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "'[/b]x' is not a patient reference" in _text(screen, "#patient_ref-problem")
        assert screen.query_one("#notes", Input).value == MARKUP  # kept
        screen.query_one("#to_ward", Input).value = "A2"
        screen.query_one("#patient_ref", Input).value = ""
        screen.query_one("#authorised_by", Input).value = "[b]Okafor"
        screen.query_one("#notes", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        table = screen.query_one("#moves", DataTable)
        assert table.row_count == 1
        assert MARKUP in _cells(table, 0)
        record_id = ref_db.conn.execute("SELECT id FROM move").fetchone()[0]
        records.soft_delete(ref_db, "move", record_id, "[/u]nurse", reason=MARKUP)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        deleted = app.screen.query_one("#deleted", DataTable)
        assert _cells(deleted, 0)[1] == "[/u]nurse" and _cells(deleted, 0)[5] == MARKUP
        await pilot.press("enter")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        entries = history.query_one("#entries", DataTable)
        assert MARKUP in _cells(entries, 1)[4]  # deleted: <reason>
        await pilot.press("down")
        await pilot.pause()
        assert MARKUP in _text(history, "#detail")
        await pilot.press("escape", "r")
        await pilot.pause()
        await pilot.press("enter")  # the confirmation quotes the record as typed
        await pilot.pause()
        assert "Restored move" in _text(app.screen, "#message")


@pytest.mark.parametrize("failure,expected", [
    (None, "is not a patient reference"),
    ("read_only_app_db", "the database is read-only"),
])
async def test_an_experience_sample_with_markup_or_unsaveable_keeps_what_was_typed(
        ref_db, db_path, request, failure, expected):
    from casereview.tui.screens.experience_entry import ExperienceEntryScreen

    ref_db.conn.close()
    if failure:
        request.getfixturevalue(failure)
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ExperienceEntryScreen)
        for ch in "a1":
            await pilot.press(ch)
        await pilot.press("tab")
        for ch in "Helper":
            await pilot.press(ch)
        await pilot.press("tab", "1")  # FFT very good
        entry.query_one("#patient_ref", Input).value = "[/b]x" if failure is None else ""
        entry.query_one("#comment", Input).value = MARKUP
        entry.query_one("#comment", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        shown = _text(entry, "#message") + " ".join(
            str(w.render()) for w in entry.query(".problem"))
        assert expected in shown
        assert entry.query_one("#comment", Input).value == MARKUP
    conn = sqlite3.connect(str(db_path))
    assert conn.execute("SELECT COUNT(*) FROM experience").fetchone()[0] == 0
    conn.close()


async def test_a_toc_audit_with_markup_or_unsaveable_keeps_what_was_typed(ref_db, db_path,
                                                                         monkeypatch):
    """Markup-like text quoted back in a problem, then a read-only database at save."""
    from casereview.tui.screens.toc_form import TocFormScreen

    ref_db.conn.close()
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TocFormScreen)
        values = {"site_code": "NGH", "ward_code": "A1", "patient_ref": "[/b]x",
                  "admission_date": "01/10/2026", "medically_fit_date": "10/10/2026",
                  "letter2_date": "[/i]", "outcome": "PREFERRED", "notes": MARKUP}
        for field, text in values.items():
            form.query_one(f"#{field}", Input).value = text
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'[/b]x' is not a patient reference" in _text(form, "#patient_ref-problem")
        assert form.query_one("#notes", Input).value == MARKUP
        # Now valid, but the database cannot be written.
        form.query_one("#patient_ref", Input).value = "9990000026"
        form.query_one("#letter2_date", Input).value = "12/10/2026"
        real = sqlite3.connect

        def read_only(database, *args, **kwargs):
            if str(database) == str(db_path):
                kwargs["uri"] = True
                database = f"file:{database}?mode=ro"
            return real(database, *args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", read_only)
        app.db.conn.close()
        app._db = None  # the next use reopens it, read-only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved: the database is read-only" in _text(form, "#message")
        assert form.query_one("#notes", Input).value == MARKUP
    conn = sqlite3.connect(str(db_path))
    assert conn.execute("SELECT COUNT(*) FROM toc").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("failure,expected", [
    (None, "is not a patient reference"),
    ("read_only_app_db", "the database is read-only"),
])
async def test_a_review_with_markup_or_unsaveable_keeps_what_was_typed(ref_db, db_path,
                                                                      request, failure,
                                                                      expected):
    from textual.widgets import TextArea

    from casereview.tui.screens.review_form import ReviewFormScreen

    ref_db.conn.close()
    if failure:
        request.getfixturevalue(failure)
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReviewFormScreen)
        form.query_one("#review_date", Input).value = "20/11/2026"
        form.query_one("#patient_ref", Input).value = "[/b]x" if failure is None \
            else "9990000026"
        form.query_one("#admission_date", Input).value = "01/10/2026"
        form.query_one("#learning", TextArea).text = MARKUP
        await pilot.pause()
        await pilot.press("f2")  # save as a draft
        await pilot.pause()
        shown = _text(form, "#message") + " ".join(
            str(w.render()) for w in form.query(".problem"))
        assert expected in shown
        assert form.query_one("#learning", TextArea).text == MARKUP
    conn = sqlite3.connect(str(db_path))
    assert conn.execute("SELECT COUNT(*) FROM review").fetchone()[0] == 0
    conn.close()


async def test_a_batch_entry_is_listed_as_one_and_each_record_keeps_its_insert(ref_db, ctx,
                                                                             db_path):
    rows = [validate(Move, _raw(n), ctx).to_row() for n in range(30)]
    with transaction(ref_db) as conn:
        records.insert_many(conn, "move", rows, "importer", now_utc())
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#entries", DataTable)
        newest = _cells(table, 0)
        assert newest[2:4] == ["insert", "move 1–30"]
        assert "30 records inserted together (ids 1–30)" in newest[4]
        # One record of the batch: its own insert, with its own values.
        screen.query_one("#type", Select).value = "move"
        screen.query_one("#record-id", Input).focus()
        await pilot.press("7", "enter")
        await pilot.pause()
        assert table.row_count == 1
        only = _cells(table, 0)
        assert only[2:4] == ["insert", "move 7"] and "16 Nov 2026 23:06" in only[4]
        assert "A1" in _text(screen, "#detail")
