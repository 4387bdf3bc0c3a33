"""Tick boxes that say ticked or not by their glyph, not by colour alone.

Textual's Checkbox and SelectionList draw the same "X" in both states and tell them apart by
its colour (green or a dim grey), which a colour-blind person, a monochrome terminal or a
printed screenshot cannot see. Here a ticked box shows "X" and an unticked one is empty. Every
screen uses these two instead of Textual's (a test checks that none imports the originals).
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

TICKED = "X"
UNTICKED = " "


class TickBox(Checkbox):
    """A Checkbox showing "X" when ticked and an empty box when not."""

    @property
    def BUTTON_INNER(self) -> str:  # read by ToggleButton where it draws the box
        return TICKED if self.value else UNTICKED


class TickList(SelectionList):
    """A SelectionList whose boxes show "X" when ticked and are empty when not."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self.selected:
            return strip
        # SelectionList draws the box as its first three segments (left side, glyph, right
        # side); the glyph of an unticked one is blanked.
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            glyph = segments[1]
            segments[1] = glyph._replace(text=UNTICKED)
            return Strip(segments, strip.cell_length)
        return strip
