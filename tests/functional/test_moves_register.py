"""The moves register through Pilot: newest first a page at a time, End to the oldest page,
PgUp and Home back, a site filter, Enter opens the move's night in the night log."""

from datetime import date, datetime, timedelta

from textual.widgets import Select, Static

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage.db import now_utc, transaction
from casereview.storage.records import insert_many
from casereview.tui.app import create_app
from casereview.tui.screens.moves_list import MovesListScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import NOW

COUNT = 250  # two and a half pages


def _fill(ref_db, ctx):
    start = datetime(2026, 10, 1, 22, 0)
    rows = []
    for i in range(COUNT):
        at = start + timedelta(hours=i)
        site, wards = ("WCH", ("B1", "B2")) if i % 5 == 0 else ("NGH", ("A1", "A2"))
        rows.append(validate(Move, {"moved_at": f"{at:%Y-%m-%d %H:%M}", "site_code": site,
                                    "from_ward": wards[0], "to_ward": wards[1],
                                    "reason": "CAPACITY"}, ctx).to_row())
    with transaction(ref_db) as conn:
        insert_many(conn, "move", rows, "test", now_utc())


async def _settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _open(pilot):
    await pilot.press("v")
    await _settle(pilot.app, pilot)
    assert isinstance(pilot.app.screen, MovesListScreen)
    return pilot.app.screen.query_one("#moves", PagedTable)


def _position(app) -> str:
    return str(app.screen.query_one("#position", Static).render())


async def test_pages_newest_first_to_the_oldest_and_back(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open(pilot)
        assert table.row_count == 100 and table.row_data()["id"] == COUNT
        assert _position(app) == f"Moves 1-100 of {COUNT}, newest first"
        await pilot.press("end")
        await _settle(app, pilot)
        assert [r["id"] for r in table.page.rows][-1] == 1 and table.page.at_end
        assert _position(app) == f"Moves 151-{COUNT} of {COUNT}, newest first"
        assert table.cursor_row == 99  # on the oldest move
        await pilot.press("pageup")  # a screenful up the page
        await _settle(app, pilot)
        assert table.page.rows[0]["id"] == 100 and 50 < table.cursor_row < 99
        table.move_cursor(row=0)
        await pilot.press("pageup")  # from the page's first row: the page before
        await _settle(app, pilot)
        assert table.page.rows[0]["id"] == COUNT - 50 and table.row_count == 100
        assert table.cursor_row == 99
        await pilot.press("home")
        await _settle(app, pilot)
        assert table.page.rows[0]["id"] == COUNT and table.page.at_start
        await pilot.press("pagedown")  # a screenful down: no row is passed over unseen
        await _settle(app, pilot)
        assert table.page.rows[0]["id"] == COUNT and 0 < table.cursor_row < 50
        table.move_cursor(row=99)
        await pilot.press("pagedown")  # from the last row: the next page
        await _settle(app, pilot)
        assert table.page.rows[0]["id"] == COUNT - 100 and table.cursor_row == 0
        assert _position(app) == f"Moves 101-200 of {COUNT}, newest first"


async def test_cursor_runs_on_across_the_end_of_a_page(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open(pilot)
        table.move_cursor(row=99)
        await pilot.press("down")
        await _settle(app, pilot)
        assert table.row_data()["id"] == COUNT - 100 and table.cursor_row == 0
        await pilot.press("up")
        await _settle(app, pilot)
        assert table.row_data()["id"] == COUNT - 99 and table.cursor_row == 99


async def test_site_filter(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open(pilot)
        app.screen.query_one("#site", Select).value = "WCH"
        await _settle(app, pilot)
        assert {r["site_code"] for r in table.page.rows} == {"WCH"}
        assert _position(app) == f"Moves 1-{COUNT // 5} of {COUNT // 5}, newest first"


async def test_enter_opens_the_moves_night(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        table = await _open(pilot)
        assert table.row_data()["audit_night"] is None  # 07:00: by day, no night to open
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, MovesListScreen)
        await pilot.press("down")
        row = table.row_data()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, NightLogScreen)
        assert app.screen.site == row["site_code"]
        assert app.screen.night == date.fromisoformat(row["audit_night"])
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, MovesListScreen)


async def test_empty_register(ref_db, db_path):
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open(pilot)
        assert table.row_count == 0
        assert _position(app) == "No moves logged yet."
        await pilot.press("end", "pagedown", "home")
        await _settle(app, pilot)
        assert table.row_count == 0


async def test_typed_text_is_shown_as_typed_not_as_markup(ref_db, ctx, db_path):
    """A note or an authoriser holding '[' is text: '[/b]' used to stop the register."""
    move = validate(Move, {"moved_at": "2026-11-16 23:15", "site_code": "NGH",
                           "from_ward": "A1", "to_ward": "A2", "reason": "CAPACITY",
                           "authorised_by": "[red]S. Okafor", "notes": "[/b] moved [b]twice"},
                    ctx)
    with transaction(ref_db) as conn:
        insert_many(conn, "move", [move.to_row()], "test", now_utc())
    app = create_app(db_path, "lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _open(pilot)
        table = app.screen.query_one(PagedTable)
        (line,) = table.get_row_at(0)  # the row, drawn as one line
        assert "[red]S. Okafor" in line.plain and "[/b] moved [b]twice" in line.plain
