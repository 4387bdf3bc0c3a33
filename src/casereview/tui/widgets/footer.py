"""The footer every screen shows: the screen's keys on one line, drawn as Textual's Footer draws
them, but as one widget.

Textual's Footer is a container with a widget per key, and builds them all again (each styled
and laid out, then the whole screen laid out again) whenever the screen's bindings may have
changed: on every change of focus and whenever a key's action becomes possible or not. On an
entry form that is every Tab, every one-key answer and every save, and it cost more than the
rest of the key's work. This footer is one line of text: when the bindings change it works out
the keys it would show, and draws itself again only if they differ from what it shows.

What it shows follows Textual's footer: the first binding of each action that is shown, " key "
then "description "; a disabled key dimmed; the command palette's key on the right after a thin
line (drawn compact, as Textual draws it); keys that do not fit are cut off at the right. A
click on a key presses it (a disabled key rings the bell). It does not light a key up under the
mouse as Textual's does.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class _Key(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


class Footer(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer--palette-line",
    }
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer--palette-line {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self._keys: tuple[_Key, ...] = ()
        self._palette: _Key | None = None
        self._spans: list[tuple[int, int, _Key]] = []  # (first cell, end cell, key) drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            return
        keys, palette = self._shown(screen)
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def _shown(self, screen: Screen) -> tuple[tuple[_Key, ...], _Key | None]:
        """The keys to show (one per action, as the screen's bindings order them) and the
        command palette's key."""
        app = self.app
        keys: list[_Key] = []
        actions: set[str] = set()
        palette = None
        for key, (_, binding, enabled, _) in screen.active_bindings.items():
            if (self.show_command_palette and app.ENABLE_COMMAND_PALETTE
                    and key == app.COMMAND_PALETTE_BINDING):
                palette = _Key(binding.key, app.get_key_display(binding), binding.description,
                               enabled)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(_Key(binding.key, app.get_key_display(binding),
                                 binding.description, enabled))
        return tuple(keys), palette

    def _pieces(self, key: _Key, compact: bool = False) -> list[tuple[str, Style]]:
        """A key as Textual's FooterKey draws it: " key " and "description ", or compact (the
        palette's key) "key" and " description"."""
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        if not key.enabled:
            key_style += Style(dim=True)
            description_style += Style(dim=True)
        display, description = ((key.display, f" {key.description}") if compact
                                else (f" {key.display} ", f"{key.description} "))
        return [(display, key_style)] + ([(description, description_style)]
                                         if key.description else [])

    def render(self) -> Text:
        if not self._keys and not self._palette and self.is_mounted:
            self._keys, self._palette = self._shown(self.screen)
        width = self.size.width
        right = Text(no_wrap=True)
        if self._palette is not None:
            right.append("▏", self.get_component_rich_style("footer--palette-line"))
            for piece, style in self._pieces(self._palette, compact=True):
                right.append(piece, style)
            right.append(" ")
        room = max(0, width - right.cell_len)
        left = Text(no_wrap=True)
        spans: list[tuple[int, int, _Key]] = []
        for key in self._keys:
            start = left.cell_len
            if start >= room:
                break
            for piece, style in self._pieces(key):
                left.append(piece, style)
            spans.append((start, min(left.cell_len, room), key))
        left.truncate(room, pad=True)
        if self._palette is not None:
            spans.append((room + 1, width, self._palette))
        self._spans = spans
        return left + right

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
