"""A screen opened once, laid out once: two pieces of work Textual (8.2.8, pinned) does twice
when a screen is pushed, left out of a freshly built screen.

- Styles. Every widget is styled as it is mounted; the screen's first ScreenResume then
  styles every widget of the screen again (a screen coming back from under another may have
  missed changes of theme or class while it was hidden; a new one has missed nothing).
- Layout. The first layout gives the screen its size, which sends the screen a Resize; that
  lays the screen out again at the size it has just been laid out at, and every screen under
  it too. A Resize to the size the screen is already laid out at is let go (a real change of
  the terminal's size comes with another size, and a screen under this one is laid out again
  when it comes back on top, as Textual does).

On the review form (118 widgets) the two were about a quarter of the time to its first frame.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class OpensOnce(Screen):
    """(Textual calls an event's handler on every class that defines one, this class's first:
    these only adjust the event, or keep Screen's handler from running.)"""

    _resumed_once = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False  # just styled, widget by widget, as they mounted

    def _on_resize(self, event: events.Resize) -> None:
        if event.size == self._compositor.size and self.is_current:
            event.stop()
            event.prevent_default()  # laid out at this size already
