"""Every screen listed on the home screen is on screen at 130x42 (a terminal beside which the
scorecard still has most of the height), and the menu can be driven by the keyboard alone."""

from __future__ import annotations

import html
import re

from textual.widgets import DataTable, Static

from casereview.tui.app import create_app
from casereview.tui.navigation import destinations
from casereview.tui.screens.home import HomeScreen
from casereview.tui.widgets.menu_grid import MenuGrid
from tests.conftest import NOW

_TEXT = re.compile(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)
_X = re.compile(r'\bx="([\d.]+)"')


def screen_lines(svg: str) -> list[str]:
    """The screenshot's text, line by line: its <text> runs joined by their y, then x."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in _TEXT.finditer(svg):
        x = float(_X.search(match[0])[1])
        text = html.unescape(re.sub(r"<[^>]+>", "", match[2])).replace("\xa0", " ")
        rows.setdefault(float(match[1]), []).append((x, text))
    return ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


async def test_every_destination_is_visible_at_130_by_42(ref_db, db_path):
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = screen_lines(app.export_screenshot())
        assert len(lines) >= 42
        text = "\n".join(lines[:41])  # above the footer
        for dest in destinations():
            assert f"{dest.key}  {dest.title}" in text, dest.title
        # Nothing is hidden below a scroll either: the grid's every row is inside its region.
        grid = app.screen.query_one("#menu-grid", DataTable)
        assert grid.max_scroll_y == 0 and grid.max_scroll_x == 0
        assert grid.region.bottom <= 41 and grid.row_count * 2 >= len(destinations())


async def test_the_menu_by_arrows_and_enter(ref_db, db_path):
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        menu = app.screen.query_one(MenuGrid)
        grid = menu.table
        grid.focus()
        await pilot.pause()
        last = destinations()[-1]
        # The last entry: bottom of the second column (the grid reads down each column).
        for key in ["right"] + ["down"] * (menu.rows - 1):
            await pilot.press(key)
        await pilot.pause()
        assert menu.at(grid.cursor_row, grid.cursor_column).key == last.key
        about = str(app.screen.query_one("#menu-about", Static).render())
        assert last.description in about.replace("\n", " ")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, last.factory.resolve())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
