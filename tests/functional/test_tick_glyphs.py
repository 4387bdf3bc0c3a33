"""A tick box shows ticked or unticked by its glyph, not by colour alone: the rendered text
differs. Every screen's tick boxes are these (none is Textual's own, which differ by colour)."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets.selection_list import Selection

from casereview.tui.app import create_app
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.screens.reviews import ReviewListScreen
from casereview.tui.widgets.ticks import TickBox, TickList
from tests.conftest import NOW

TUI = Path(__file__).resolve().parents[2] / "src" / "casereview" / "tui"


class Boxes(App):
    def compose(self) -> ComposeResult:
        yield TickBox("late", True, id="on")
        yield TickBox("late", False, id="off")
        yield TickList(Selection("ACUTE", "ACUTE", True), Selection("GP", "GP"), id="list")


def _line(widget, y: int = 0) -> str:
    return widget.render_line(y).text


async def test_a_ticked_box_and_an_unticked_one_differ_in_text():
    app = Boxes()
    async with app.run_test() as pilot:
        on, off = app.query_one("#on", TickBox), app.query_one("#off", TickBox)
        assert str(on.render()).startswith("▐X▌")
        assert str(off.render()).startswith("▐ ▌")
        off.value = True  # ticking it changes the glyph, not only the colour
        await pilot.pause()
        assert str(off.render()) == str(on.render())


async def test_a_ticked_list_entry_and_an_unticked_one_differ_in_text():
    app = Boxes()
    async with app.run_test() as pilot:
        selections = app.query_one("#list", TickList)
        assert _line(selections, 0).startswith("▐X▌ ACUTE")
        assert _line(selections, 1).startswith("▐ ▌ GP")
        selections.toggle("GP")
        selections.toggle("ACUTE")
        await pilot.pause()
        assert _line(selections, 0).startswith("▐ ▌ ACUTE")
        assert _line(selections, 1).startswith("▐X▌ GP")


async def test_the_review_forms_agencies_show_which_are_ticked(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewListScreen)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewFormScreen)
        agencies = screen.query_one("#agencies", TickList)
        agencies.focus()
        await pilot.press("space")  # the first agency, ACUTE
        await pilot.pause()
        assert _line(agencies, 0).startswith("▐X▌ ACUTE")
        assert _line(agencies, 1).startswith("▐ ▌ ")


def test_no_screen_builds_textuals_colour_only_tick_boxes():
    made = re.compile(r"\b(Checkbox|SelectionList|RadioButton|RadioSet)\(")
    found = [f"{path.relative_to(TUI)}:{n}" for path in TUI.rglob("*.py")
             if path.name != "ticks.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if made.search(line)]
    assert found == [], f"use tui/widgets/ticks.py (TickBox, TickList) instead: {found}"
