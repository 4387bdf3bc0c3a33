"""The Transfer of Care screens driven through Pilot: type an audit and watch each step's
status change as the dates go in, save it and read the database; edit, filter, page, and add
a policy version."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Select, Static

from casereview.domain.toc import Toc
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.toc import insert_tocs, policy_versions, save_toc
from casereview.tui.app import create_app
from casereview.tui.screens.toc_form import TocFormScreen
from casereview.tui.screens.toc_list import TocListScreen
from casereview.tui.screens.toc_policy import TocPolicyScreen
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import NOW, settle

PAGE = 100

RAW = {
    "audit_date": "2026-11-20", "auditor": "K. Mensah", "site_code": "NGH", "ward_code": "A1",
    "patient_ref": "9990000026", "admission_date": "2026-10-01",
    "medically_fit_date": "2026-10-10", "letter1_date": "2026-10-02",
    "letter2_date": "2026-10-12", "escalation_date": "2026-10-17",
    "letter3_date": "2026-10-24", "discharge_date": "2026-10-30", "outcome": "PREFERRED",
}


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_audits(pilot):
    """The audit list opened from the home screen, its first page shown: (screen, table)."""
    await pilot.press("t")
    await settle(pilot.app, pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TocListScreen)
    return screen, screen.query_one("#audits", PagedTable)


def line_of(table, row: int) -> str:
    """A list row as drawn: one line of fixed-width columns."""
    (line,) = table.get_row_at(row)
    return line.plain


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def fill(pilot, screen, field: str, text: str) -> None:
    """Focus a field, clear it and type into it, as a person would."""
    widget = screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.pause()


async def open_form(pilot) -> TocFormScreen:
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TocListScreen)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TocFormScreen)
    return pilot.app.screen


async def test_statuses_change_as_dates_are_typed_then_saved(ref_db, db_path):
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        form = await open_form(pilot)
        assert form.query_one("#audit_date", Input).value == "23/11/2026"
        assert "waiting for the anchor date" in text_of(form, "#letter2-status")
        for field, text in [("site_code", "ngh"), ("ward_code", "a1"),
                            ("patient_ref", "999 000 0026")]:
            await fill(pilot, form, field, text)

        await fill(pilot, form, "admission_date", "01/10/2026")
        assert "due Sat 3 Oct 2026" in text_of(form, "#letter1-due")
        assert "missing" in text_of(form, "#letter1-status")
        assert "waiting" in text_of(form, "#letter2-status")  # no fit date yet

        await fill(pilot, form, "medically_fit_date", "10/10/2026")
        assert "due Mon 12 Oct 2026" in text_of(form, "#letter2-due")
        assert "missing" in text_of(form, "#letter2-status")

        # letter 2 on its due day: on time; the day after: late
        await fill(pilot, form, "letter2_date", "12/10/2026")
        assert "on time" in text_of(form, "#letter2-status")
        await fill(pilot, form, "letter2_date", "13/10/2026")
        assert "late (1 day after due)" in text_of(form, "#letter2-status")
        await fill(pilot, form, "letter2_date", "13/10/20")
        assert "not a date" in text_of(form, "#letter2-status")
        await fill(pilot, form, "letter2_date", "11/10/2026")
        assert "on time" in text_of(form, "#letter2-status")

        # discharged on the escalation's due day: escalation and letter 3 not required
        assert "missing" in text_of(form, "#escalation-status")
        await fill(pilot, form, "discharge_date", "17/10/2026")
        assert "not required" in text_of(form, "#escalation-status")
        assert "not required" in text_of(form, "#letter3-status")
        await fill(pilot, form, "discharge_date", "18/10/2026")
        assert "missing" in text_of(form, "#escalation-status")
        assert "not required" in text_of(form, "#letter3-status")
        assert "not timed" in text_of(form, "#choice_discussion-due")

        await fill(pilot, form, "escalation_date", "17/10/2026")
        await fill(pilot, form, "letter1_date", "03/10/2026")
        assert "3 of 3" in text_of(form, "#summary")
        await fill(pilot, form, "outcome", "pref")
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved audit" in text_of(form, "#message")
        # ready for the next case file from the same ward
        assert form.query_one("#patient_ref", Input).value == ""
        assert form.query_one("#admission_date", Input).value == ""
        assert form.query_one("#ward_code", Input).value == "a1"
    row = ref_db.conn.execute("SELECT * FROM toc").fetchone()
    assert row["created_by"] == "auditor" and row["audit_date"] == "2026-11-23"
    assert (row["site_code"], row["ward_code"], row["patient_ref"]) == ("NGH", "A1",
                                                                        "9990000026")
    assert (row["admission_date"], row["medically_fit_date"], row["discharge_date"]) == (
        "2026-10-01", "2026-10-10", "2026-10-18")
    assert row["outcome"] == "PREFERRED"
    assert (row["letter1_status"], row["letter2_status"], row["escalation_status"],
            row["letter3_status"]) == ("on_time", "on_time", "on_time", "not_required")
    assert row["adherence"] == "full"


async def test_problems_are_shown_by_their_fields_and_nothing_is_saved(ref_db, db_path):
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        form = await open_form(pilot)
        await fill(pilot, form, "site_code", "ngh")
        await fill(pilot, form, "ward_code", "b1")
        await fill(pilot, form, "admission_date", "01/10/2026")
        await fill(pilot, form, "medically_fit_date", "30/09/2026")
        await fill(pilot, form, "letter2_date", "24/11/2026")
        await pilot.press("enter")
        await pilot.pause()
        assert "not on NGH" in text_of(form, "#ward_code-problem")
        assert "before the admission date" in text_of(form, "#medically_fit_date-problem")
        assert "is required" in text_of(form, "#patient_ref-problem")
        assert "is required" in text_of(form, "#outcome-problem")
        assert "in the future" in text_of(form, "#letter2-status")
        assert "Not saved" in text_of(form, "#message")
        assert form.query_one("#ward_code", Input).value == "b1"  # kept as typed
    assert ref_db.conn.execute("SELECT COUNT(*) FROM toc").fetchone()[0] == 0


async def test_edit_an_audit_from_the_list(ref_db, db_path):
    ctx = load_context(ref_db, NOW)
    record_id = save_toc(ref_db, validate(Toc, dict(RAW, letter2_date=""), ctx), "first")
    app = create_app(db_path, "editor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        listing, table = await open_audits(pilot)
        assert table.row_count == 1
        assert "✘ missing" in line_of(table, 0)  # Letter 2
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TocFormScreen) and form.record_id == record_id
        assert form.query_one("#admission_date", Input).value == "01/10/2026"
        assert "missing" in text_of(form, "#letter2-status")
        await fill(pilot, form, "letter2_date", "12/10/2026")
        assert "on time" in text_of(form, "#letter2-status")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is listing
        assert "✔ on time" in line_of(table, 0)
        assert "Saved audit" in text_of(listing, "#message")
    row = ref_db.conn.execute("SELECT * FROM toc WHERE id = ?", (record_id,)).fetchone()
    assert row["letter2_date"] == "2026-10-12" and row["letter2_status"] == "on_time"
    assert row["updated_by"] == "editor" and row["created_by"] == "first"
    assert ref_db.conn.execute("SELECT COUNT(*) FROM toc").fetchone()[0] == 1


async def test_list_filters_and_pages(ref_db, db_path):
    ctx = load_context(ref_db, NOW)
    audits = []
    for i in range(PAGE + 30):
        ward, site = ("B1", "WCH") if i % 3 == 0 else ("A1", "NGH")
        late = i % 2 == 0
        audits.append(validate(Toc, dict(
            RAW, site_code=site, ward_code=ward,
            audit_date="2026-10-31" if i % 2 == 0 else f"2026-11-{1 + i % 22:02d}",
            letter2_date="2026-10-20" if late else "2026-10-12"), ctx))
    with transaction(ref_db) as conn:
        insert_tocs(conn, audits, "loader", now_utc())
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen, table = await open_audits(pilot)
        assert table.row_count == PAGE  # one page, not the table
        assert f"Audits 1-{PAGE} of {PAGE + 30}, newest first" in text_of(screen, "#count")
        newest = [r["id"] for r in table.page.rows]
        table.move_cursor(row=PAGE - 1)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert table.row_count == 30 and table.page.at_end  # the rest, on the next page
        assert f"Audits {PAGE + 1}-{PAGE + 30} of {PAGE + 30}" in text_of(screen, "#count")
        older = [r["id"] for r in table.page.rows]
        assert sorted(newest + older) == list(range(1, PAGE + 31))
        keys = [(r["audit_date"], r["id"]) for r in table.page.rows]
        assert keys == sorted(keys, reverse=True)
        await pilot.press("home")
        await settle(app, pilot)
        assert [r["id"] for r in table.page.rows] == newest
        await pilot.press("end")  # the oldest page, straight from the index
        await settle(app, pilot)
        assert [r["id"] for r in table.page.rows] == (newest + older)[-PAGE:]

        screen.query_one("#site", Select).value = "WCH"
        await settle(app, pilot)
        wch = sum(1 for i in range(PAGE + 30) if i % 3 == 0)
        assert table.row_count == wch
        assert {r["site_code"] for r in table.page.rows} == {"WCH"}
        assert " B1 " in line_of(table, 0)

        await fill(pilot, screen, "month", "2026-11")
        await settle(app, pilot)
        wch_nov = sum(1 for i in range(PAGE + 30) if i % 3 == 0 and i % 2 == 1)
        assert table.row_count == wch_nov
        assert f"Audits 1-{wch_nov} of {wch_nov}" in text_of(screen, "#count")

        screen.query_one("#adherence", Select).value = "not_full"
        await settle(app, pilot)
        assert table.row_count == 0  # odd i: letter 2 on time
        assert "No audits match the filters." in text_of(screen, "#count")

        screen.query_one("#adherence", Select).value = "full"
        await settle(app, pilot)
        assert table.row_count == wch_nov


async def test_policy_screen_adds_a_dated_version(ref_db, db_path):
    ctx = load_context(ref_db, NOW)
    record_id = save_toc(ref_db, validate(Toc, RAW, ctx), "first")  # all on time
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 50)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TocPolicyScreen)
        assert "default timeline" in text_of(screen, "#in-force")
        assert screen.query_one("#letter2-days", Input).value == "2"
        await fill(pilot, screen, "letter2-days", "1")
        await fill(pilot, screen, "effective_from", "01/11/2026")
        await fill(pilot, screen, "reason", "Discharge board")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await pilot.pause()
        assert "Saved policy version" in text_of(screen, "#message")
        assert "1 audit re-judged" in text_of(screen, "#message")
        assert "version 1, in force from 1 Nov 2026" in text_of(screen, "#in-force")
        assert screen.query_one("#versions", DataTable).row_count == 2
    [version] = policy_versions(ref_db.conn)
    assert version.effective_from == date(2026, 11, 1) and version.created_by == "lead"
    assert version.policy.rule("letter2").days == 1 and version.reason == "Discharge board"
    row = ref_db.conn.execute("SELECT * FROM toc WHERE id = ?", (record_id,)).fetchone()
    assert row["letter2_status"] == "late" and row["policy_id"] == version.id


async def test_policy_change_needs_a_reason_and_a_past_date(ref_db, db_path):
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 50)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        await fill(pilot, screen, "effective_from", "01/12/2026")
        await fill(pilot, screen, "letter3-days", "x")
        await pilot.press("enter")
        await pilot.pause()
        assert "in the future" in text_of(screen, "#effective_from-problem")
        assert "is required" in text_of(screen, "#reason-problem")
        assert "not a whole number" in text_of(screen, "#letter3-problem")
    assert policy_versions(ref_db.conn) == []


async def test_delete_from_the_list_after_confirming(ref_db, db_path):
    ctx = load_context(ref_db, NOW)
    keep = save_toc(ref_db, validate(Toc, RAW, ctx), "first")
    gone = save_toc(ref_db, validate(Toc, dict(RAW, audit_date="2026-11-21"), ctx), "first")
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen, table = await open_audits(pilot)
        assert table.row_count == 2  # newest first: the 21 Nov audit is under the cursor
        assert table.row_data()["id"] == gone
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("escape")  # changed my mind
        await settle(app, pilot)
        assert table.row_count == 2
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.row_count == 1 and table.row_data()["id"] == keep
        assert f"Deleted audit {gone}" in text_of(screen, "#message")
    rows = dict(ref_db.conn.execute("SELECT id, deleted_by FROM toc").fetchall())
    assert rows == {keep: None, gone: "lead"}


async def test_deleting_the_only_audit_of_the_last_page_shows_the_page_before(ref_db, db_path):
    ctx = load_context(ref_db, NOW)
    with transaction(ref_db) as conn:
        insert_tocs(conn, [validate(Toc, RAW, ctx) for _ in range(PAGE + 1)], "loader",
                    now_utc())
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen, table = await open_audits(pilot)
        table.move_cursor(row=PAGE - 1)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert [r["id"] for r in table.page.rows] == [1]  # the oldest, alone on its page
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        ids = [r["id"] for r in table.page.rows]
        assert 1 not in ids and len(ids) == PAGE and table.page.at_end
        assert f"Audits 1-{PAGE} of {PAGE}" in text_of(screen, "#count")
