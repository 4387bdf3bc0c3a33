"""What every entry screen gets from the one form (tui/screens/form_base.py): a problem
beside its field that goes as soon as the field changes, the guard before F2 closes a night
with a move typed but not saved, and a signed-off review that is read-only with no Save in
its footer."""

from textual.widgets import Input, Static

from casereview.domain.review import SIGNED_OFF
from casereview.storage.moves import night_status
from casereview.tui.app import create_app
from casereview.tui.screens.form_base import FormScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.widgets.dialogs import AskText, Confirm
from tests.conftest import NOW


def _problem(screen, name: str) -> str:
    widget = screen.query_one(f"#{name}-problem", Static)
    return str(widget.render()) if widget.display else ""


async def _night_log(pilot) -> NightLogScreen:
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NightLogScreen)
    return pilot.app.screen


async def test_every_entry_screen_is_a_form():
    from casereview.tui.screens.experience_entry import ExperienceEntryScreen
    from casereview.tui.screens.review_form import ReviewFormScreen
    from casereview.tui.screens.toc_form import TocFormScreen

    for screen in (NightLogScreen, ExperienceEntryScreen, ReviewFormScreen, TocFormScreen):
        assert issubclass(screen, FormScreen)
        for copied in ("show_message", "show_problems", "clear_problems", "mark_clean"):
            assert copied not in vars(screen), f"{screen.__name__} keeps its own {copied}"


async def test_a_problem_goes_as_soon_as_its_field_changes(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _night_log(pilot)
        await pilot.press(*"12:00", "enter")  # in the day, and nothing else typed
        await pilot.pause()
        assert "outside the night window" in _problem(screen, "time")
        assert "required" in _problem(screen, "from_ward")
        screen.query_one("#from_ward", Input).focus()
        await pilot.press("a")
        await pilot.pause()
        assert _problem(screen, "from_ward") == ""  # changed: its problem is gone
        assert "outside the night window" in _problem(screen, "time")  # the others stay


async def test_f2_with_a_typed_move_asks_before_closing_the_night(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _night_log(pilot)
        await pilot.press(*"23:30")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "typed but not saved" in app.screen.question
        await pilot.press("n")  # back to the move
        await pilot.pause()
        assert app.screen is screen and screen.query_one("#time", Input).value == "23:30"
        assert screen.focused is screen.query_one("#time", Input)
        assert not night_status(ref_db, "NGH", screen.night).closed
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")  # close it without the move
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press("enter")
        await pilot.pause()
        assert night_status(ref_db, "NGH", screen.night).closed
        assert screen.query_one("#time", Input).value == "23:30"  # still typed, not lost


async def test_f2_with_nothing_typed_goes_straight_to_the_return(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _night_log(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AskText)


async def test_a_signed_off_review_shows_no_save(ref_db, ctx, db_path):
    from casereview.domain.review import Review
    from casereview.domain.validation import validate
    from casereview.storage.reviews import save_review, sign_off
    from casereview.tui.screens.review_form import ReviewFormScreen
    from tests.review_samples import complete_raw

    rid = save_review(ref_db, validate(Review, complete_raw(), ctx), "amy")
    sign_off(ref_db, rid, "lead")
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        app.push_screen(ReviewFormScreen(rid))
        await pilot.pause()
        screen = app.screen
        assert screen.status == SIGNED_OFF and screen.read_only

        def footer_actions():
            return {b.binding.action for b in screen.active_bindings.values()
                    if b.binding.show and screen.check_action(b.binding.action.split("(")[0],
                                                              ())}

        assert "save" not in footer_actions() and "amend" in footer_actions()
        await pilot.press("f5")  # amending: the form takes keys again and Save is back
        await pilot.pause()
        assert not screen.read_only and "save" in footer_actions()
