"""The one-line text field every screen uses: Textual's Input, laid out once, not per key.

Textual's Input sets its virtual size (the width of its text) on every change of its value,
and the virtual size is a reactive that lays the whole screen out again: on an entry form,
every character typed re-measured every widget of the screen. The text's width only decides
how far the field itself scrolls, so here it is set without the screen's layout, and the
field alone is drawn again (a field sized by its content, ``width: auto``, is still laid out,
as Textual does).

A compact field is made compact before it is mounted without styling it on the spot (Textual
styles a widget whose class changes at once, even one not yet on screen, and styles it again
as it mounts: on the review form that was 25 fields styled twice).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input as TextualInput


class Input(TextualInput):
    def __init__(self, *args, compact: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if compact:
            self.set_reactive(TextualInput.compact, True)
            self.add_class("-textual-compact", update=False)

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if size != self.virtual_size:
            self.set_reactive(TextualInput.virtual_size, size)
            self.refresh()
        super()._watch_value(value)  # the rest of Textual's: suggestion, Changed, cursor
