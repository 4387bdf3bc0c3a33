"""The entry screens fit the terminal. The night log: at 80x24 as at 130x42, the night's
status (its moves and whether it is closed) and the list of its moves are on screen under the
form, with a move typed, and with problems shown beside the fields. The experience entry form:
at 80x24 the ward's samples for the week are on screen under the form."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Header, Static

from casereview.domain.experience import Experience
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.experience import save_experience
from casereview.tui.app import create_app
from casereview.tui.screens.experience_entry import ExperienceEntryScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.widgets.footer import Footer
from tests.conftest import NOW, settle

MOVE = ["23:15", "a1", "a2", "cap", "2", "84", "y", "S Okafor", "y", "9990000018"]


async def _type_fields(pilot, values) -> None:
    for text in values:
        for ch in text:
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("tab")
    await pilot.press("enter")
    await pilot.pause()


def _shown(screen, widget) -> bool:
    """Drawn whole between the header and the footer."""
    region = widget.region
    top = screen.query_one(Header).region.bottom
    bottom = screen.query_one(Footer).region.y
    return bool(region.area) and screen.region.contains_region(region) \
        and region.y >= top and region.bottom <= bottom


@pytest.mark.parametrize("size,shown_moves", [((80, 24), 8), ((130, 42), 20)])
async def test_status_and_moves_are_on_screen(ref_db, db_path, size, shown_moves):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NightLogScreen)
        await _type_fields(pilot, MOVE)
        status = screen.query_one("#status", Static)
        moves = screen.query_one("#moves", DataTable)
        assert moves.row_count == 1
        assert "1 move, not closed" in str(status.render())
        assert _shown(screen, status) and _shown(screen, moves)
        # Room for a night's moves: the header row and at least ``shown_moves`` moves.
        assert moves.region.height >= 1 + shown_moves

        # A move with three problems, each shown beside its field: still both on screen.
        await _type_fields(pilot, ["14:00", "a1", "a1", "xx"])
        assert "Not saved: 3 problems" in str(screen.query_one("#message", Static).render())
        assert _shown(screen, status) and _shown(screen, moves)
        assert moves.region.height >= 2  # its header and the move


async def test_the_fields_are_one_line_high_only_on_a_short_terminal(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#time").region.height == 1
        await pilot.resize_terminal(130, 42)
        await pilot.pause()
        assert app.screen.query_one("#time").region.height == 3


async def test_the_wards_samples_for_the_week_are_on_screen_at_80x24(ref_db, db_path):
    context = load_context(ref_db, NOW)
    for day in ("2026-11-23", "2026-11-23", "2026-11-23"):
        save_experience(ref_db, validate(Experience, {
            "sample_date": day, "site_code": "NGH", "ward_code": "A1", "fft": "GOOD",
            "collected_by": "T. Volunteer"}, context), "seed")
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExperienceEntryScreen)
        await pilot.press("a", "1", "tab")
        await settle(app, pilot)
        samples = screen.query_one("#week-samples", DataTable)
        assert samples.row_count == 3
        assert _shown(screen, samples)
        assert samples.region.height >= 1 + 3  # its header and the week's three samples
