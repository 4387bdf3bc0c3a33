"""A list whose page read fails keeps the app running: the table says why in place of its
rows, and r (or Enter on that line) reads the page again."""

import sqlite3

from casereview.tui.app import create_app
from casereview.tui.screens.moves_list import MovesListScreen
from casereview.tui.widgets.paged_table import PagedTable
from tests.conftest import NOW
from tests.functional.test_moves_register import _fill, _settle


class Breaker:
    """Stands in for app.worker_db: the next ``failures`` opens raise, as a missing or
    unreadable database file would."""

    def __init__(self, app) -> None:
        self.real = app.worker_db
        self.failures = 0
        self.error = "unable to open database file"

    def __call__(self):
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError(self.error)
        return self.real()


async def _open_failing(app, pilot, breaker: Breaker, failures: int) -> PagedTable:
    await _settle(app, pilot)  # the home screen's own reads are done
    breaker.failures = failures
    await pilot.press("v")
    await _settle(app, pilot)
    assert app.is_running and isinstance(app.screen, MovesListScreen)
    return app.screen.query_one("#moves", PagedTable)


async def test_a_failed_page_read_shows_a_message_and_r_retries(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    app.worker_db = breaker = Breaker(app)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open_failing(app, pilot, breaker, 1)
        assert table.row_count == 1 and table.row_data() is None
        line = str(table.get_row_at(0)[0])
        assert "Could not read the list" in line and "unable to open database file" in line
        assert "Press r to try again" in line
        assert table.failed is not None
        table.focus()
        await pilot.press("enter")  # on the failure line: nothing to open, so no crash
        await _settle(app, pilot)
        assert app.is_running
        assert table.row_count == 100 and table.row_data()["id"] == 250  # Enter retried
        assert table.failed is None


async def test_r_retries_after_a_failure_and_the_count_follows(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    app.worker_db = breaker = Breaker(app)
    async with app.run_test(size=(130, 40)) as pilot:
        table = await _open_failing(app, pilot, breaker, 1)
        table.focus()
        await pilot.pause()
        assert any(b.binding.action == "retry" for b in app.screen.active_bindings.values()
                   if table.check_action("retry", ()))
        await pilot.press("r")
        await _settle(app, pilot)
        assert table.row_count == 100 and table.total == 250
        assert not table.check_action("retry", ())  # nothing left to retry: r is no key


async def test_a_failed_count_keeps_the_page_and_r_counts_again(ref_db, ctx, db_path):
    _fill(ref_db, ctx)
    app = create_app(db_path, "manager", clock=lambda: NOW)
    app.worker_db = breaker = Breaker(app)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settle(app, pilot)
        real = breaker.real
        opens = {"n": 0}

        def page_then_failed_count():
            opens["n"] += 1
            if opens["n"] == 2:  # the count, taken once the page is drawn
                raise sqlite3.OperationalError("database is locked")
            return real()

        breaker.real = page_then_failed_count
        await pilot.press("v")
        await _settle(app, pilot)
        table = app.screen.query_one("#moves", PagedTable)
        assert app.is_running and table.row_count == 100 and table.total is None
        assert table.failed == "count"
        table.focus()
        await pilot.press("r")
        await _settle(app, pilot)
        assert table.total == 250 and table.failed is None
