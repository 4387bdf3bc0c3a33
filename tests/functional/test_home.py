"""The home screen is the app's base screen: it lists what needs doing (nights without a
return), each entry opens its screen, and Escape from a screen comes back to it."""

from textual.widgets import Static

from casereview.domain.move import NightAudit
from casereview.domain.validation import validate
from casereview.storage.moves import close_night
from casereview.tui.app import create_app
from casereview.tui.screens.home import HomeScreen
from tests.conftest import NOW


async def test_home_lists_unaudited_nights_and_opens_screens(ref_db, ctx, db_path):
    for night in ("2026-11-21", "2026-11-22"):
        close_night(ref_db, validate(NightAudit, {"site_code": "NGH", "audit_night": night,
                                                  "audited_by": "K"}, ctx), "test")
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        todo = str(app.screen.query_one("#todo", Static).render())
        assert "WCH: night of 22 Nov 2026" in todo and "NGH: night of 22 Nov" not in todo
        for key in ("n", "v", "w", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, HomeScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_the_scorecard_is_computed_again_only_after_a_change(ref_db, ctx, db_path,
                                                                  monkeypatch):
    """Back on the dashboard after only looking at another screen, the scorecard already
    made is kept; after a record is saved it is computed again."""
    from casereview.domain.move import Move
    from casereview.storage.moves import save_move
    from casereview.tui.screens import home

    calls = []
    real = home.build_scorecard
    monkeypatch.setattr(home, "build_scorecard", lambda *a, **k: calls.append(1) or real(*a, **k))
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 1
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 1
        await pilot.press("w")
        await pilot.pause()
        save_move(ref_db, validate(Move, {"moved_at": "2026-11-16 23:15", "site_code": "NGH",
                                          "from_ward": "A1", "to_ward": "A2",
                                          "reason": "CAPACITY"}, ctx), "nurse")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 2
