"""The footer (tui/widgets/footer.py): one line drawn from the screen's bindings as Textual's
footer draws them (the snapshot tests hold its looks), redrawn only when the keys it shows
change, and a click on a key presses it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from casereview.tui.widgets.footer import Footer


class Form(Screen):
    BINDINGS = [
        Binding("f2", "save", "Save"),
        Binding("ctrl+s", "save", "Save"),  # a second key for the same action: shown once
        Binding("f3", "other", "Other"),
        Binding("f4", "hidden", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved = 0
        self.other_possible: bool | None = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield Footer()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "other":
            return self.other_possible
        return True

    def action_save(self) -> None:
        self.saved += 1

    def action_other(self) -> None:
        pass


class Harness(App):
    def get_default_screen(self) -> Screen:
        return Form()


def line(app: App) -> str:
    return app.screen.query_one(Footer).render().plain


async def test_the_footer_shows_each_action_once_and_the_palette_on_the_right():
    app = Harness()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = line(app)
        assert text.startswith(" f2 Save  f3 Other ")
        assert "ctrl+s" not in text and "^s" not in text and "Hidden" not in text
        assert text.rstrip().endswith("▏^p palette")
        assert len(text) == 60


async def test_a_disabled_key_is_dimmed_and_a_hidden_one_leaves():
    app = Harness()
    async with app.run_test(size=(60, 10)) as pilot:
        screen = app.screen
        footer = screen.query_one(Footer)
        screen.other_possible = None  # possible later: shown dimmed
        screen.refresh_bindings()
        await pilot.pause()
        other = [span for span in footer.render().spans
                 if footer.render().plain[span.start:span.end].strip() == "f3"]
        assert other and other[0].style.dim
        screen.other_possible = False  # not here at all
        screen.refresh_bindings()
        await pilot.pause()
        assert "Other" not in line(app)


async def test_the_footer_is_drawn_again_only_when_its_keys_change(monkeypatch):
    app = Harness()
    async with app.run_test(size=(60, 10)) as pilot:
        footer = app.screen.query_one(Footer)
        await pilot.pause()
        refreshes = []
        monkeypatch.setattr(footer, "refresh", lambda *a, **k: refreshes.append(1))
        await pilot.press("tab", "tab", "tab")  # the focus moves; the keys stay the same
        await pilot.pause()
        assert refreshes == []
        app.screen.other_possible = None
        app.screen.refresh_bindings()
        await pilot.pause()
        assert refreshes


async def test_a_click_on_a_key_presses_it():
    app = Harness()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        await pilot.click(Footer, offset=(2, 0))  # on " f2 Save "
        await pilot.pause()
        assert app.screen.saved == 1
        app.screen.other_possible = None
        app.screen.refresh_bindings()
        await pilot.pause()
        bells = []
        app.bell = lambda: bells.append(1)
        await pilot.click(Footer, offset=(12, 0))  # on the disabled " f3 Other "
        await pilot.pause()
        assert bells == [1]
