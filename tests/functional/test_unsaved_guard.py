"""Backing out of a half-typed record asks first; an empty form leaves at once."""

from textual.widgets import Input

from casereview.tui.app import create_app
from casereview.tui.widgets.dialogs import Confirm
from tests.conftest import NOW


async def _escape_twice_keeps_then_leaves(pilot, screen_type):
    app = pilot.app
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, Confirm)
    await pilot.press("n")  # stay: what was typed is still there
    await pilot.pause()
    assert isinstance(app.screen, screen_type)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert not isinstance(app.screen, screen_type)


async def test_night_log_asks_before_dropping_a_typed_move(ref_db, db_path):
    from casereview.tui.screens.night_log import NightLogScreen

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("2", "3", ":", "3", "0")
        await _escape_twice_keeps_then_leaves(pilot, NightLogScreen)


async def test_night_log_empty_form_leaves_at_once(ref_db, db_path):
    from casereview.tui.screens.night_log import NightLogScreen

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (NightLogScreen, Confirm))


async def test_toc_form_asks_before_dropping_typed_dates(ref_db, db_path):
    from casereview.tui.screens.toc_form import TocFormScreen

    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        app.screen.action_new()
        await pilot.pause()
        assert isinstance(app.screen, TocFormScreen)
        app.screen.query_one("#patient_ref", Input).value = "9990000018"
        await _escape_twice_keeps_then_leaves(pilot, TocFormScreen)


async def test_experience_entry_asks_before_dropping_answers(ref_db, db_path):
    from casereview.tui.screens.experience_entry import ExperienceEntryScreen

    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#comment", Input).value = "lovely staff"
        await _escape_twice_keeps_then_leaves(pilot, ExperienceEntryScreen)


async def test_night_log_asks_before_another_night_or_site_drops_a_typed_move(ref_db, db_path):
    """PgUp (the night before) and a change of site clear the form for the other night: with
    a move half typed they ask first, and "no" keeps the move, the night and the site."""
    from textual.widgets import Select

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        log = app.screen
        night, site = log.night, log.site
        await pilot.press("2", "3", ":", "3", "0", "enter")  # refused: the wards are missing
        await pilot.pause()
        await pilot.press("pageup")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep it
        await pilot.pause()
        assert app.screen is log and log.night == night
        assert log.query_one("#time", Input).value == "23:30"

        other = next(code for code in ("WCH", "NGH") if code != site)
        log.query_one("#site", Select).value = other
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert log.site == site and log.query_one("#time", Input).value == "23:30"

        await pilot.press("pageup")
        await pilot.pause()
        await pilot.press("y")  # drop it: the night before, an empty form, no stale message
        await pilot.pause()
        assert app.screen is log and log.night < night
        assert log.query_one("#time", Input).value == ""
        assert "Not saved" not in str(log.query_one("#message").render())


async def test_night_log_changes_night_at_once_when_nothing_is_typed(ref_db, db_path):
    from casereview.tui.screens.night_log import NightLogScreen

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        log = app.screen
        assert isinstance(log, NightLogScreen)
        night = log.night
        await pilot.press("pageup")
        await pilot.pause()
        assert app.screen is log and log.night < night
