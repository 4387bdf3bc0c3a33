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
