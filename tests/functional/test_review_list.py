"""The review list (filters, newest first, paged from SQLite) and the agencies-and-themes
reference screen, driven through Pilot."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable, Select, SelectionList

from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.storage.db import transaction
from casereview.storage.reviews import insert_reviews
from casereview.tui.app import create_app
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.screens.review_reference import ReviewReferenceScreen
from casereview.tui.screens.reviews import ReviewListScreen
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import NOW, settle
from tests.review_samples import complete_raw

N_REVIEWS = 230
PAGE_SIZE = 100
FIRST = date(2026, 1, 5)


def _seed(db, ctx) -> None:
    """A review every day from 5 Jan 2026; every fifth a draft, every third second-stage,
    every fourth carries FAMILY."""
    reviews = []
    for n in range(N_REVIEWS):
        day = FIRST + timedelta(days=n)
        reviews.append(validate(Review, complete_raw(
            patient_ref=f"H{n:05d}", review_date=day.isoformat(),
            admission_date=(day - timedelta(days=30)).isoformat(), medically_fit_date="",
            discharge_date="", status="draft" if n % 5 == 0 else "complete",
            score_overall="2" if n % 3 == 0 else "4",
            themes="FAMILY" if n % 4 == 0 else ""), ctx))
    with transaction(db) as conn:
        insert_reviews(conn, reviews, "seed", "2026-11-23T09:00:00+00:00")


def _ids(table: DataTable) -> list[int]:
    return [int(key.value) for key in table.rows]


async def _open_list(pilot) -> ReviewListScreen:
    await pilot.press("r")
    await settle(pilot.app, pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewListScreen)
    return screen


async def test_list_is_newest_first_a_page_at_a_time(ref_db, db_path, ctx):
    _seed(ref_db, ctx)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_list(pilot)
        table = screen.query_one("#reviews", PagedTable)
        assert table.row_count == PAGE_SIZE  # one page, not the whole table
        assert _ids(table)[:3] == [N_REVIEWS, N_REVIEWS - 1, N_REVIEWS - 2]
        assert "Reviews 1-100 of 230, newest first" in _summary(screen)
        table.move_cursor(row=PAGE_SIZE - 1)
        await pilot.press("down")  # on past the page's last row: the next page
        await settle(app, pilot)
        assert _ids(table) == list(range(N_REVIEWS - PAGE_SIZE, N_REVIEWS - 2 * PAGE_SIZE, -1))
        assert table.cursor_row == 0
        await pilot.press("end")  # the oldest reviews
        await settle(app, pilot)
        assert _ids(table) == list(range(PAGE_SIZE, 0, -1))
        assert "Reviews 131-230 of 230" in _summary(screen)
        table.move_cursor(row=0)
        await pilot.press("pageup")  # from the page's first row: the page before
        await settle(app, pilot)
        assert _ids(table) == list(range(2 * PAGE_SIZE, PAGE_SIZE, -1))
        await pilot.press("home")
        await settle(app, pilot)
        assert _ids(table)[0] == N_REVIEWS and table.page.at_start


def _summary(screen) -> str:
    return str(screen.query_one("#summary").render())


async def test_filters(ref_db, db_path, ctx):
    _seed(ref_db, ctx)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_list(pilot)
        table = screen.query_one("#reviews", PagedTable)
        # Status by keys: F2 focuses it, Enter opens, Down to "Draft", Enter.
        await pilot.press("f2", "enter", "down", "enter")
        await settle(app, pilot)
        assert screen.query_one("#status", Select).value == "draft"
        assert table.row_count == N_REVIEWS // 5
        # Dates typed: 5 Jan + 0..9 days -> ids 1..10, of which drafts are 1 and 6.
        screen.query_one("#date_from").focus()
        for ch in "05/01/2026":
            await pilot.press(ch)
        await pilot.press("tab")
        for ch in "14/01/2026":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert _ids(table) == [6, 1]
        assert "(filtered)" in _summary(screen)
        assert app.focused is table
        screen.query_one("#status", Select).value = "any"
        screen.query_one("#second_stage", Select).value = "yes"
        await settle(app, pilot)
        assert _ids(table) == [10, 7, 4, 1]  # n = 9, 6, 3, 0
        screen.query_one("#theme", Select).value = "FAMILY"
        await settle(app, pilot)
        assert _ids(table) == [1]  # n = 0 is the only one both second stage and FAMILY
        screen.query_one("#second_stage", Select).value = "any"
        await settle(app, pilot)
        assert _ids(table) == [9, 5, 1]  # n = 8, 4, 0
        # A half-typed date waits instead of failing.
        screen.query_one("#date_to").value = "14/0"
        await settle(app, pilot)
        assert _ids(table) == [9, 5, 1]


async def test_enter_opens_the_review_and_n_starts_one(ref_db, db_path, ctx):
    _seed(ref_db, ctx)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _open_list(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ReviewFormScreen) and form.record_id == N_REVIEWS - 1
        await pilot.press("escape")
        await settle(app, pilot)
        list_screen = pilot.app.screen
        assert list_screen.query_one("#reviews", PagedTable).cursor_row == 1  # kept its place
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewFormScreen)
        assert pilot.app.screen.record_id is None


async def test_delete_a_draft_from_the_list(ref_db, db_path, ctx):
    _seed(ref_db, ctx)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_list(pilot)
        table = screen.query_one("#reviews", PagedTable)
        table.move_cursor(row=N_REVIEWS - 226)  # id 226: n = 225, a draft
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert 226 not in _ids(table) and table.cursor_row == N_REVIEWS - 226
        assert "Reviews 1-100 of 229" in _summary(screen)
    assert ref_db.conn.execute("SELECT deleted_by FROM review WHERE id = 226").fetchone()[0] \
        == "amy"


async def test_agencies_and_themes_are_editable(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewReferenceScreen)
        for text in ["hospice", "St Clare Hospice", "voluntary"]:
            for ch in text:
                await pilot.press(ch if ch != " " else "space")
            await pilot.press("tab")
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        await pilot.press("f3")
        for text in ["transport", "transport home"]:
            for ch in text:
                await pilot.press(ch if ch != " " else "space")
            await pilot.press("tab")
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        # A blank name is refused.
        await pilot.press("f2", "x", "enter")
        await pilot.pause()
        assert "name: is required" in str(screen.query_one("#agency-problem").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r", "n")
        await pilot.pause()
        form = pilot.app.screen
        agencies = form.query_one("#agencies", SelectionList)
        assert "HOSPICE" in [agencies.get_option_at_index(i).value
                             for i in range(agencies.option_count)]
    conn = ref_db.conn
    assert tuple(conn.execute("SELECT * FROM agency WHERE agency_code = 'HOSPICE'").fetchone()) \
        == ("HOSPICE", "St Clare Hospice", "voluntary")
    assert conn.execute("SELECT label FROM review_theme WHERE theme_code = 'TRANSPORT'"
                        ).fetchone()[0] == "transport home"
    assert conn.execute("SELECT COUNT(*) FROM agency WHERE agency_code = 'X'").fetchone()[0] == 0


async def test_the_cursor_stays_on_its_review_when_the_list_shifts(ref_db, db_path, ctx):
    """Back from a form after a newer review was added (here by another user): the cursor is
    on the same review, one row further down, not on its old row."""
    from casereview.storage.reviews import save_review

    _seed(ref_db, ctx)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_list(pilot)
        table = screen.query_one("#reviews", PagedTable)
        await pilot.press("down")
        assert table.row_data()["id"] == N_REVIEWS - 1
        newest = FIRST + timedelta(days=N_REVIEWS)
        save_review(ref_db, validate(Review, complete_raw(
            patient_ref="H99999", review_date=newest.isoformat(),
            admission_date=(newest - timedelta(days=30)).isoformat(), medically_fit_date="",
            discharge_date=""), ctx), "bob")
        table.reload()
        await settle(app, pilot)
        assert _ids(table)[0] == N_REVIEWS + 1
        assert table.row_data()["id"] == N_REVIEWS - 1 and table.cursor_row == 2
