"""The night log fits the terminal: at 80x24 as at 130x42, the night's status (its moves and
whether it is closed) and the list of its moves are on screen under the form, with a move
typed, and with problems shown beside the fields."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Footer, Header, Static

from casereview.tui.app import create_app
from casereview.tui.screens.night_log import NightLogScreen
from tests.conftest import NOW

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
