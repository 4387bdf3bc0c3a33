"""A screen opened once, laid out once: two pieces of work Textual (8.2.8, pinned) does twice
when a screen is pushed, left out of a freshly built screen.

- Styles. Every widget is styled as it is mounted; the screen's first ScreenResume then
  styles every widget of the screen again (a screen coming back from under another may have
  missed changes of theme or class while it was hidden; a new one has missed nothing), and
  so did the size classes (breakpoints) set on the first Resize: they are set before the
  widgets are made.
- Layout. The first layout gives the screen its size, which sends the screen a Resize; that
  lays the screen out again at the size it has just been laid out at, and every screen under
  it too. A Resize to the size the screen is already laid out at is let go (a real change of
  the terminal's size comes with another size, and a screen under this one is laid out again
  when it comes back on top, as Textual does).

On the review form (118 widgets) the two were about a quarter of the time to its first frame.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.screen import Screen


class OpensOnce(Screen):
    """(Textual calls an event's handler on every class that defines one, this class's first:
    these only adjust the event, or keep Screen's handler from running.)"""

    _resumed_once = False

    def _on_compose(self, event: events.Compose) -> None:
        # The size classes (VERTICAL_BREAKPOINTS: "-short" on a 24-line terminal) before the
        # widgets are made and styled, not on the first Resize (which styled them again).
        self._set_breakpoints(self.app.size)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False  # just styled, widget by widget, as they mounted

    def _on_resize(self, event: events.Resize) -> None:
        if event.size == self._compositor.size and self.is_current:
            event.stop()
            event.prevent_default()  # laid out at this size already
            self._set_breakpoints(event.size)  # (what Screen's handler also does)

    def _set_breakpoints(self, size: Size) -> None:
        """The screen's (or the app's) breakpoint classes for ``size``, as Textual sets them
        on a Resize."""
        app = self.app
        across = (app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None
                  else self.HORIZONTAL_BREAKPOINTS) or []
        down = (app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None
                else self.VERTICAL_BREAKPOINTS) or []
        if not (across or down):
            return
        wanted = {name: False for _, name in across + down}
        for name in (self._get_breakpoint_classes(size.width, across)
                     | self._get_breakpoint_classes(size.height, down)):
            wanted[name] = True
        if any(self.has_class(name) != on for name, on in wanted.items()):
            self.update_classes(wanted, animate=False)
