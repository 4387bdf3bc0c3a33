"""The footer every screen shows: Textual's, rebuilt only when the keys it shows change.

Textual's Footer builds its keys again (a new widget per key, styled and laid out, and the
whole screen laid out again after it) whenever the screen's bindings may have changed: on
every change of focus, and whenever a key's action becomes possible or not. On an entry form
that is every Tab, every one-key answer and every save, and rebuilding a dozen keys cost more
than the rest of the key's work. The keys shown follow from the screen's active bindings, so
this footer keeps what it last built from: the same keys, nothing is done; the same keys with
some now enabled or disabled, those are restyled in place; other keys, it is rebuilt.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _keys: tuple | None = None       # what the keys shown were built from
    _enabled: tuple | None = None    # and which of them were enabled

    def _shown(self, screen: Screen) -> list[tuple]:
        palette = self.app.COMMAND_PALETTE_BINDING if self.show_command_palette else None
        return [(binding, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
                if binding.show or key == palette]

    def bindings_changed(self, screen: Screen) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            super().bindings_changed(screen)  # nothing is built (Textual's own rules)
            return
        shown = self._shown(screen)
        keys = tuple((b.key, b.action, b.description, b.key_display, b.group, tooltip)
                     for b, _, tooltip in shown)
        enabled = tuple(on for _, on, _ in shown)
        if self._bindings_ready and keys == self._keys:
            if enabled != self._enabled:
                self._enabled = enabled
                self._restyle({(b.key, b.action): on for b, on, _ in shown})
            return
        self._keys, self._enabled = keys, enabled
        super().bindings_changed(screen)

    def _restyle(self, enabled: dict[tuple[str, str], bool]) -> None:
        for footer_key in self.query(FooterKey):
            on = enabled.get((footer_key.key, footer_key.action))
            if on is not None and footer_key._disabled == on:
                footer_key._disabled = not on
                footer_key.set_class(not on, "-disabled")
