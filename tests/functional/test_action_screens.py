"""The action plan driven through Pilot, then read from the database: raising an action from a
signed-off review (its learning pre-filled) and from a measure's chart, bad input refused with
the field named and nothing saved, a progress note that turns an action amber, closing one
with a date, the list's filters, programme targets, and the home screen's panel."""

from __future__ import annotations

from datetime import date

from textual.widgets import Checkbox, Input, Select, Static, TextArea

from casereview.domain.action import Source
from casereview.domain.programme_target import ProgrammeTarget
from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.storage.actions import progress_notes, ratings, save_target
from casereview.storage.reviews import save_review, sign_off
from casereview.tui.app import create_app
from casereview.tui.screens.action_form import ActionFormScreen
from casereview.tui.screens.action_note import ProgressNoteScreen
from casereview.tui.screens.actions_list import ActionListScreen
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.screens.targets import TargetFormScreen, TargetListScreen
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import NOW, settle
from tests.review_samples import complete_raw
from tests.unit.action_samples import store

SIZE = (130, 45)


def app_for(db_path):
    return create_app(db_path, "lead", clock=lambda: NOW)


def actions(db) -> list[dict]:
    return [dict(r) for r in db.conn.execute("SELECT * FROM action ORDER BY id")]


def problem(screen, field: str) -> str:
    return str(screen.query_one(f"#{field}-problem", Static).render())


async def type_into(pilot, screen, field: str, text: str) -> None:
    """Focus a field, clear it and type, as a person would."""
    widget = screen.query_one(f"#{field}")
    widget.focus()
    if isinstance(widget, TextArea):
        widget.text = ""
    else:
        widget.value = ""
    await pilot.pause()
    for ch in text:
        await pilot.press(ch if ch != " " else "space")
    await pilot.pause()


async def new_action_form(pilot) -> ActionFormScreen:
    await pilot.press("p")
    await settle(pilot.app, pilot)
    assert isinstance(pilot.app.screen, ActionListScreen)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ActionFormScreen)
    return pilot.app.screen


def signed_off_review(db, ctx) -> int:
    review_id = save_review(db, validate(Review, complete_raw(), ctx), "lead")
    sign_off(db, review_id, "lead")
    return review_id


async def test_raise_from_a_signed_off_review_with_its_learning(ref_db, ctx, db_path):
    review_id = signed_off_review(ref_db, ctx)
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        pilot.app.push_screen(ReviewFormScreen(review_id))
        await pilot.pause()
        await pilot.press("f9")
        await settle(pilot.app, pilot)
        # No actions yet: the list opens the form to raise the first, from the review.
        form = pilot.app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#description", TextArea).text == "Home first was not considered."
        assert form.query_one("#source", Input).value == f"review:{review_id}"
        await type_into(pilot, form, "title", "Home first prompt at board rounds")
        await type_into(pilot, form, "owner", "S. Rahman")
        await type_into(pilot, form, "due_date", "31/01/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [row] = actions(ref_db)
        assert (row["source_kind"], row["source_ref"]) == ("review", str(review_id))
        assert row["description"] == "Home first was not considered."
        assert (row["raised_on"], row["due_date"], row["status"], row["rag"]) == (
            "2026-11-23", "2027-01-31", "OPEN", "GREEN")
        assert row["created_by"] == "lead"
        # Back to the review's actions: the new one is listed there.
        await pilot.press("escape")
        await settle(pilot.app, pilot)
        listed = pilot.app.screen
        assert isinstance(listed, ActionListScreen) and listed.source == Source(
            "review", str(review_id))
        assert listed.query_one("#actions", PagedTable).row_count == 1


async def test_raise_from_the_night_moves_chart(ref_db, db_path):
    from casereview.tui.screens.chart import ChartScreen

    async with app_for(db_path).run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        home = pilot.app.screen
        home.query_one("#sc-table").focus()
        await pilot.press("enter")  # the first measure: non-clinical moves out of hours
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChartScreen)
        await pilot.press("f9")
        await settle(pilot.app, pilot)
        form = pilot.app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#source", Input).value == "measure:ooh_nc_moves@all"
        await type_into(pilot, form, "title", "Bed meeting at 20:00")
        await type_into(pilot, form, "owner", "Site management team")
        await type_into(pilot, form, "due_date", "2027-02-28")
        await pilot.press("enter")
        await pilot.pause()
        [row] = actions(ref_db)
        assert (row["source_kind"], row["source_ref"]) == ("measure", "ooh_nc_moves@all")


async def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(ref_db, db_path):
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        form = await new_action_form(pilot)
        await type_into(pilot, form, "title", "Letters")
        await type_into(pilot, form, "owner", "F. Rahman")
        await type_into(pilot, form, "raised_on", "20/11/2026")
        await type_into(pilot, form, "due_date", "19/11/2026")
        await type_into(pilot, form, "agency_code", "NHSX")
        await type_into(pilot, form, "status", "DONE")
        await type_into(pilot, form, "rag", "")
        await type_into(pilot, form, "source", "review:999")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the date the action was raised" in problem(form, "due_date")
        assert "not a known agency" in problem(form, "agency_code")
        assert "required when the status is done" in problem(form, "closed_on")
        assert actions(ref_db) == []
        # What was typed stays; the next problems come one by one as they are mended.
        assert form.query_one("#title", Input).value == "Letters"
        await type_into(pilot, form, "due_date", "30/11/2026")
        await type_into(pilot, form, "agency_code", "ACUTE")
        await type_into(pilot, form, "status", "OPEN")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required while the action is open" in problem(form, "rag")
        await type_into(pilot, form, "rag", "AMBER")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "there is no case-note review 999" in problem(form, "source")
        assert actions(ref_db) == []
        await type_into(pilot, form, "source", "ward:A1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [row] = actions(ref_db)
        assert (row["due_date"], row["rag"], row["source_ref"]) == ("2026-11-30", "AMBER", "A1")


async def test_a_progress_note_turns_the_action_amber(ref_db, ctx, db_path):
    action_id = store(ref_db, ctx, raised_on="2026-11-01")
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        pilot.app.push_screen(ActionFormScreen(action_id))
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        note = pilot.app.screen
        assert isinstance(note, ProgressNoteScreen)
        assert note.query_one("#author", Input).value == "lead"
        # An empty note is refused and nothing is written.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problem(note, "text") == "is required"
        # So is one dated before the action was raised (a rule of the stored action).
        await type_into(pilot, note, "text", "Supplier has slipped a month")
        await type_into(pilot, note, "noted_on", "31/10/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the date the action was raised" in problem(note, "noted_on")
        assert progress_notes(ref_db.conn, action_id) == []
        await type_into(pilot, note, "noted_on", "20/11/2026")
        await type_into(pilot, note, "rag", "amber")
        await pilot.press("enter")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#rag", Input).value == "AMBER"
        assert "Supplier has slipped a month" in str(form.query_one("#notes", Static).render())
    [n] = progress_notes(ref_db.conn, action_id)
    assert (n["noted_on"], n["author"], n["rag"]) == ("2026-11-20", "lead", "AMBER")
    assert [(r.rated_on, r.rag) for r in ratings(ref_db.conn, action_id)] == [
        (date(2026, 11, 1), "GREEN"), (date(2026, 11, 20), "AMBER")]
    assert ref_db.conn.execute("SELECT rag FROM action").fetchone()[0] == "AMBER"


async def test_closing_an_action_with_its_date(ref_db, ctx, db_path):
    action_id = store(ref_db, ctx, raised_on="2026-11-01")
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        pilot.app.push_screen(ActionFormScreen(action_id))
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        form = pilot.app.screen
        assert form.query_one("#closed_on", Input).value == "23/11/2026"
        await type_into(pilot, form, "closed_on", "21/11/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
    row = actions(ref_db)[0]
    assert (row["status"], row["closed_on"]) == ("DONE", "2026-11-21")


async def test_list_filters_overdue_and_rating(ref_db, ctx, db_path):
    store(ref_db, ctx, title="Overdue one", due_date="2026-11-10", rag="RED")
    store(ref_db, ctx, title="On time", due_date="2026-12-31")
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot.app, pilot)
        screen = pilot.app.screen
        table = screen.query_one("#actions", PagedTable)
        assert table.row_count == 2
        screen.query_one("#overdue", Checkbox).value = True
        await settle(pilot.app, pilot)
        assert table.row_count == 1
        assert "Overdue one" in table.get_row_at(0)[0].plain
        screen.query_one("#overdue", Checkbox).value = False
        screen.query_one("#rag", Select).value = "GREEN"
        await settle(pilot.app, pilot)
        assert table.row_count == 1 and "On time" in table.get_row_at(0)[0].plain


async def test_an_action_opens_its_source(ref_db, ctx, db_path):
    review_id = signed_off_review(ref_db, ctx)
    store(ref_db, ctx, source=f"review:{review_id}")
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot.app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewFormScreen) and screen.record_id == review_id


async def test_programme_targets_set_edit_and_refuse(ref_db, db_path):
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TargetListScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, TargetFormScreen)
        await type_into(pilot, form, "programme", "REVIEWS")
        await type_into(pilot, form, "target_count", "80")
        await type_into(pilot, form, "start_date", "01/04/2026")
        await type_into(pilot, form, "end_date", "31/03/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the start date" in problem(form, "end_date")
        assert ref_db.conn.execute("SELECT COUNT(*) FROM programme_target").fetchone()[0] == 0
        await type_into(pilot, form, "end_date", "31/03/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        listed = pilot.app.screen
        assert isinstance(listed, TargetListScreen)
        row = dict(ref_db.conn.execute("SELECT * FROM programme_target").fetchone())
        assert (row["programme"], row["scope"], row["target_count"]) == ("reviews", "all", 80)
        # Edit it: 90.
        await pilot.press("enter")
        await pilot.pause()
        form = pilot.app.screen
        await type_into(pilot, form, "target_count", "90")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert ref_db.conn.execute("SELECT target_count FROM programme_target").fetchone()[0] \
            == 90


async def test_home_shows_targets_against_expected_and_overdue_actions(ref_db, ctx, db_path):
    save_target(ref_db, validate(ProgrammeTarget, {
        "programme": "reviews", "start_date": "2026-04-01", "end_date": "2027-03-31",
        "target_count": 80}, ctx), "lead")
    store(ref_db, ctx, title="Letters overdue", due_date="2026-11-10")
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        await settle(pilot.app, pilot)
        text = str(pilot.app.screen.query_one("#plan", Static).render())
        # 80 x 237 / 365 days = 51.9 expected by 23 Nov 2026, none done.
        assert "Case-note reviews: 0 of 80 by 31 Mar 2027, 52 behind" in text
        assert "Overdue actions: 1" in text and "Letters overdue" in text


async def test_an_audit_shows_its_actions_and_an_action_opens_the_audit(ref_db, ctx, db_path):
    from casereview.tui.screens.toc_form import TocFormScreen
    from tests.unit.toc_samples import store as store_toc

    audit_id = store_toc(ref_db, ctx)
    async with app_for(db_path).run_test(size=SIZE) as pilot:
        pilot.app.push_screen(TocFormScreen(audit_id))
        await pilot.pause()
        await pilot.press("f9")
        await settle(pilot.app, pilot)
        form = pilot.app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#source", Input).value == f"toc:{audit_id}"
        await type_into(pilot, form, "title", "Escalation letters on time")
        await type_into(pilot, form, "owner", "F. Rahman")
        await type_into(pilot, form, "due_date", "31/12/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        opened = pilot.app.screen
        assert isinstance(opened, TocFormScreen) and opened.record_id == audit_id
    [row] = actions(ref_db)
    assert (row["source_kind"], row["source_ref"]) == ("toc", str(audit_id))
