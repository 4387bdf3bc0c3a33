"""The patient-experience screens driven through Pilot: samples typed quickly with one key per
answer, the ward-by-week grid following them, the filtered and paged sample list; then the
database is read to see what was stored."""

from __future__ import annotations

from datetime import date, datetime

from textual import events
from textual.widgets import DataTable, Input, Select, Static

from casereview.domain.experience import Experience
from casereview.domain.validation import validate
from casereview.domain.values import LONDON
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.experience import weekly_target
from casereview.storage.records import insert_many
from casereview.tui.app import create_app
from casereview.tui.screens.experience_entry import ExperienceEntryScreen
from casereview.tui.screens.experience_grid import ExperienceGridScreen
from casereview.tui.screens.experience_list import ExperienceListScreen
from casereview.tui.widgets.answer_keys import AnswerKeys
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import settle

# Mon 23 Nov 2026 09:00 in London, as in conftest: ISO week 2026-W48 has just begun.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
W47, W48 = date(2026, 11, 16), date(2026, 11, 23)
SIZE = (130, 45)


def seed(db, samples: list[tuple[str, str, str]]) -> None:
    """(date, ward, fft) samples, written as the importer would."""
    context = load_context(db, NOW)
    rows = [validate(Experience, {
        "sample_date": day, "ward_code": ward, "fft": fft, "collected_by": "seed",
        "site_code": context.reference.wards[ward].site_code,
        "comment": f"comment {i}"}, context).to_row() for i, (day, ward, fft) in
        enumerate(samples)]
    with transaction(db) as conn:
        insert_many(conn, "experience", rows, "seed", now_utc())


def text_of(widget: Static) -> str:
    return str(widget.render())


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


def grid_cell(screen: ExperienceGridScreen, ward: str, monday: date) -> str:
    table = screen.query_one("#grid", DataTable)
    return str(table.get_cell(ward, monday.isoformat())).strip()


async def test_enter_five_samples_quickly_and_the_grid_follows(ref_db, db_path):
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        grid = app.screen
        assert isinstance(grid, ExperienceGridScreen)
        assert grid_cell(grid, "A1", W48) == "0 …"  # the week is still running
        assert grid.query_one("#grid", DataTable).cursor_coordinate.row == 0  # on A1

        await pilot.press("e")  # enter samples for the ward under the cursor
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ExperienceEntryScreen)
        assert entry.query_one("#ward_code", Input).value == "A1"
        assert entry.focused is entry.query_one("#collected_by", Input)
        await type_text(pilot, "V. Helper")
        await pilot.press("tab")
        assert entry.focused is entry.query_one("#fft", AnswerKeys)

        for n in range(1, 6):
            # FFT very good, dignity always, involved definitely, not moved, discharge info yes:
            # each key answers its question and moves on to the next.
            for key in "1adny":
                await pilot.press(key)
            await pilot.press("enter")
            await pilot.pause()
            assert f"{n} of 5" in text_of(entry.query_one("#week-status", Static))
            assert entry.focused is entry.query_one("#fft", AnswerKeys)
            assert entry.query_one("#fft", AnswerKeys).value == ""  # cleared for the next
            assert entry.query_one("#collected_by", Input).value == "V. Helper"  # kept
        assert "target met" in text_of(entry.query_one("#week-status", Static))
        assert entry.query_one("#week-samples", DataTable).row_count == 5

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is grid
        assert grid_cell(grid, "A1", W48) == "5"
        assert grid_cell(grid, "A2", W48) == "0 …"
        assert grid_cell(grid, "__met__", W48) == "1/4"

    rows = ref_db.conn.execute("SELECT * FROM experience ORDER BY id").fetchall()
    assert len(rows) == 5
    for row in rows:
        assert (row["sample_date"], row["site_code"], row["ward_code"]) == (
            "2026-11-23", "NGH", "A1")
        assert (row["fft"], row["dignity"], row["involved"], row["moved_at_night"],
                row["discharge_info"]) == ("VERY_GOOD", "ALWAYS", "DEFINITELY", "NO", "YES")
        assert row["collected_by"] == "V. Helper" and row["created_by"] == "typist"
        assert row["patient_ref"] is None and row["themes"] == ""


async def test_every_field_of_a_sample_through_the_form(ref_db, db_path):
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        entry = app.screen
        assert entry.focused is entry.query_one("#ward_code", Input)
        await type_text(pilot, "b2")
        await pilot.press("tab")
        await type_text(pilot, "J. Hart")
        await pilot.press("tab")
        # FFT don't know, dignity sometimes, involved n/a, moved don't know, discharge not yet
        for key in "0sxdt":
            await pilot.press(key)
        assert entry.focused is entry.query_one("#patient_ref", Input)
        await type_text(pilot, "999 000 0018")
        await pilot.press("tab")
        await type_text(pilot, "91")
        await pilot.press("tab")
        await pilot.press("y")  # answered by a carer
        await pilot.press("y")  # dementia
        assert entry.focused is entry.query_one("#themes", Input)
        await type_text(pilot, "noi foo")
        assert "NOISE_AT_NIGHT; FOOD" in text_of(entry.query_one("#themes-hint", Static))
        await pilot.press("tab")
        await type_text(pilot, "(wife) Noisy [bay 3] at night")
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved sample" in text_of(entry.query_one("#message", Static))
    row = ref_db.conn.execute("SELECT * FROM experience").fetchone()
    assert (row["site_code"], row["ward_code"], row["collected_by"]) == ("WCH", "B2", "J. Hart")
    assert (row["fft"], row["dignity"], row["involved"], row["moved_at_night"],
            row["discharge_info"]) == ("DONT_KNOW", "SOMETIMES", "NOT_APPLICABLE", "DONT_KNOW",
                                       "NOT_YET")
    assert (row["patient_ref"], row["age"], row["proxy"], row["dementia"]) == (
        "9990000018", 91, 1, 1)
    assert row["themes"] == "NOISE_AT_NIGHT;FOOD"
    assert row["comment"] == "(wife) Noisy [bay 3] at night"


async def test_a_sample_with_problems_is_not_saved_and_each_field_says_why(ref_db, db_path):
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        entry = app.screen
        date_input = entry.query_one("#sample_date", Input)
        date_input.value = "24/11/2026"  # tomorrow
        date_input.focus()
        await pilot.press("tab")
        await type_text(pilot, "zz")  # no such ward
        await pilot.press("tab", "tab", "d")  # dignity: no key d; fft left blank
        entry.query_one("#age", Input).value = "130"
        entry.query_one("#themes", Input).value = "parking"
        await pilot.press("enter")
        await pilot.pause()
        problems = {name: text_of(entry.query_one(f"#{name}-problem", Static)) for name in
                    ("sample_date", "ward_code", "collected_by", "fft", "age", "themes")}
        assert "in the future" in problems["sample_date"]
        assert "'ZZ' is not a known ward" in problems["ward_code"]
        assert problems["collected_by"] == "is required"
        assert problems["fft"] == "is required"
        assert "above the maximum" in problems["age"]
        assert "'PARKING' is not a known theme" in problems["themes"]
        assert "Not saved: 6 problems" in text_of(entry.query_one("#message", Static))
        assert entry.focused is date_input  # the first field with a problem
        assert entry.query_one("#age", Input).value == "130"  # what was typed is kept
    assert ref_db.conn.execute("SELECT COUNT(*) FROM experience").fetchone()[0] == 0


async def test_a_key_that_is_no_answer_is_said_beside_the_question(ref_db, db_path):
    """A character that is no option's key is not dropped in silence: the question says which
    keys answer it, keeps the focus, and the next right key answers it and clears the line."""
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        entry = app.screen
        await type_text(pilot, "a1")
        await pilot.press("tab")
        await type_text(pilot, "R. Khan")
        await pilot.press("tab", "1", "q")  # fft very good; dignity has no key q
        await pilot.pause()
        dignity = entry.query_one("#dignity", AnswerKeys)
        problem = text_of(entry.query_one("#dignity-problem", Static))
        assert problem.startswith("'q' is not an answer here: a = ")
        assert entry.focused is dignity and dignity.value == ""
        await pilot.press("a")
        await pilot.pause()
        assert dignity.value == "ALWAYS"
        assert text_of(entry.query_one("#dignity-problem", Static)) == ""
        assert entry.focused is entry.query_one("#involved", AnswerKeys)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM experience").fetchone()[0] == 0


async def test_grid_picks_out_the_wards_that_missed_the_target(ref_db, db_path):
    seed(ref_db, [("2026-11-17", "A1", "GOOD")] * 5 + [("2026-11-18", "A2", "POOR")] * 3
         + [("2026-11-22", "B1", "GOOD")] * 6)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        grid = app.screen
        assert [grid_cell(grid, w, W47) for w in ("A1", "A2", "B1", "B2")] == [
            "5", "3 ✗", "6", "0 ✗"]
        table = grid.query_one("#grid", DataTable)
        assert "red" in str(table.get_cell("A2", W47.isoformat()).style)
        assert "green" in str(table.get_cell("A1", W47.isoformat()).style)
        missed = text_of(grid.query_one("#missed", Static))
        assert "2026-W47: 2 of 4 wards missed the target: A2 (3), B2 (0)" in missed
        assert grid_cell(grid, "__met__", W47) == "2/4"

        await pilot.press("f4")  # one site at a time: NGH
        await pilot.pause()
        assert [r.ward.ward_code for r in grid.grid.rows] == ["A1", "A2"]

        await pilot.press("f2")  # the weekly target is a setting
        await pilot.pause()
        await pilot.press("end", "backspace")
        await type_text(pilot, "3")
        await pilot.press("enter")
        await pilot.pause()
        assert grid_cell(grid, "A2", W47) == "3"
        assert "Target: 3 samples" in text_of(grid.query_one("#target", Static))
    assert weekly_target(ref_db.conn) == 3
    logged = ref_db.conn.execute("SELECT user FROM change_log WHERE action = 'setting' AND "
                                 "record_id = 'experience_weekly_target'").fetchone()
    assert logged["user"] == "manager"


async def test_grid_cell_opens_the_list_for_that_ward_and_week(ref_db, db_path):
    seed(ref_db, [("2026-11-18", "A2", "POOR")] * 3 + [("2026-11-10", "A2", "GOOD")])
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        grid = app.screen
        table = grid.query_one("#grid", DataTable)
        table.cursor_coordinate = (1, table.get_column_index(W47.isoformat()))
        await pilot.press("enter")
        await settle(app, pilot)
        listing = app.screen
        assert isinstance(listing, ExperienceListScreen)
        assert listing.where.ward_code == "A2" and listing.where.week == W47
        assert listing.query_one("#samples", PagedTable).row_count == 3


async def test_sample_list_pages_from_sqlite_and_filters(ref_db, db_path):
    days = [f"2026-{m:02d}-{d:02d}" for m in (9, 10, 11) for d in range(1, 29)
            if f"2026-{m:02d}-{d:02d}" <= "2026-11-22"]
    samples = [(days[i % len(days)], ("A1", "A2", "B1")[i % 3],
                ("VERY_GOOD", "GOOD", "POOR")[i % 3 == 1 and i % 2]) for i in range(250)]
    seed(ref_db, samples)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(app, pilot)
        listing = app.screen
        table = listing.query_one("#samples", PagedTable)
        count = listing.query_one("#count", Static)
        assert "Samples 1-100 of 250, newest first" in text_of(count)
        assert table.row_count == 100  # one page, not the table
        seen = [r["id"] for r in table.page.rows]
        for _ in range(2):
            table.move_cursor(row=table.row_count - 1)
            await pilot.press("pagedown")
            await settle(app, pilot)
            seen += [r["id"] for r in table.page.rows]
        assert table.page.at_end and "Samples 201-250 of 250" in text_of(count)
        assert sorted(seen) == list(range(1, 251))
        await pilot.press("home")
        await settle(app, pilot)
        assert [r["id"] for r in table.page.rows] == seen[:100]

        await pilot.press("f2")  # to the filters: ward
        await type_text(pilot, "b1")
        await pilot.press("enter")
        await settle(app, pilot)
        expected_b1 = sum(1 for s in samples if s[1] == "B1")
        assert f"Samples 1-{expected_b1} of {expected_b1}" in text_of(count)
        assert {r["ward_code"] for r in table.page.rows} == {"B1"}

        listing.query_one("#f-answer", Select).value = "fft=GOOD"
        await settle(app, pilot)
        assert not any(s[1] == "B1" and s[2] == "GOOD" for s in samples)
        assert "No samples match. Change the filters" in text_of(count)
        listing.query_one("#f-answer", Select).value = "fft=VERY_GOOD"
        await settle(app, pilot)
        expected = sum(1 for s in samples if s[1] == "B1" and s[2] == "VERY_GOOD")
        assert f"Samples 1-{expected} of {expected}" in text_of(count)

        await pilot.press("f8")  # clear every filter
        await settle(app, pilot)
        listing.query_one("#f-week", Input).value = "2026-W44"
        listing.query_one("#f-week", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        in_week = sum(1 for s in samples if "2026-10-26" <= s[0] <= "2026-11-01")
        assert table.row_count == in_week
        assert "26 Oct - 1 Nov 2026" in text_of(listing.query_one("#f-week-hint", Static))
        await pilot.press("f5")  # the week before
        await pilot.pause()
        assert listing.query_one("#f-week", Input).value == "2026-W43"


async def test_theme_filter_and_the_comment_in_full(ref_db, db_path):
    context = load_context(ref_db, NOW)
    long_comment = "Waited over an hour for help to the toilet, and nobody said sorry. " * 2
    rows = [validate(Experience, {"sample_date": "2026-11-18", "site_code": "NGH",
                                  "ward_code": "A1", "collected_by": "x", "fft": fft,
                                  "themes": themes, "comment": comment}, context).to_row()
            for fft, themes, comment in [("POOR", "WAITING", long_comment),
                                         ("GOOD", "FOOD", "Nice soup")]]
    with transaction(ref_db) as conn:
        insert_many(conn, "experience", rows, "seed", now_utc())
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(app, pilot)
        listing = app.screen
        theme = listing.query_one("#f-theme", Input)
        theme.focus()
        await type_text(pilot, "wait")
        await pilot.press("enter")
        await settle(app, pilot)
        assert listing.where.theme == "WAITING"
        assert listing.query_one("#samples", PagedTable).row_count == 1
        detail = text_of(listing.query_one("#detail", Static))
        assert long_comment.strip() in detail
        assert "Overall experience: Poor" in detail


async def test_edit_a_sample_from_the_list(ref_db, db_path):
    seed(ref_db, [("2026-11-18", "A1", "GOOD")])
    app = create_app(db_path, "editor", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(app, pilot)
        listing = app.screen
        await pilot.press("enter")
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ExperienceEntryScreen) and entry.editing_id is not None
        assert entry.query_one("#fft", AnswerKeys).value == "GOOD"
        assert entry.query_one("#comment", Input).value == "comment 0"
        await pilot.press("4")  # poor
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is listing  # back to the list, which shows the change
        (line,) = listing.query_one("#samples", PagedTable).get_row_at(0)
        assert "Poor" in line.plain and "Good" not in line.plain
    row = ref_db.conn.execute("SELECT fft, updated_by FROM experience").fetchone()
    assert tuple(row) == ("POOR", "editor")
    assert ref_db.conn.execute("SELECT COUNT(*) FROM experience").fetchone()[0] == 1


async def test_delete_a_sample_from_the_weeks_list(ref_db, db_path):
    seed(ref_db, [("2026-11-23", "A1", "GOOD"), ("2026-11-23", "A1", "POOR")])
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        entry = app.screen
        await type_text(pilot, "a1")
        await pilot.pause()
        assert "2 of 5" in text_of(entry.query_one("#week-status", Static))
        await pilot.press("f3", "delete")
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await pilot.pause()
        assert "1 of 5" in text_of(entry.query_one("#week-status", Static))
    live = ref_db.conn.execute("SELECT COUNT(*) FROM experience WHERE deleted_at IS NULL")
    assert live.fetchone()[0] == 1


def wheel(table, down: bool):
    kind = events.MouseScrollDown if down else events.MouseScrollUp
    return kind(table, 5, 5, 0, 1 if down else -1, 0, False, False, False)


async def test_the_mouse_wheel_past_a_pages_end_turns_the_page(ref_db, db_path):
    seed(ref_db, [("2026-11-02", "A1", "GOOD")] * 130)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(app, pilot)
        table = app.screen.query_one("#samples", PagedTable)
        assert table.row_count == 100
        table.post_message(wheel(table, down=True))  # within the page: it scrolls
        await settle(app, pilot)
        assert table.row_count == 100 and table.scroll_y > 0
        table.scroll_end(animate=False, immediate=True)  # as the scrollbar would
        await pilot.pause()
        table.post_message(wheel(table, down=True))  # past the end: the next page
        await settle(app, pilot)
        assert table.row_count == 30 and table.page.at_end
        table.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        table.post_message(wheel(table, down=False))  # past the top: back a page
        await settle(app, pilot)
        assert table.row_count == 100 and table.page.at_start
