"""A screen opened once is laid out once (tui/opening.py): pushing a form does not lay out the
screens under it again, nor restyle the form's widgets a second time; a real change of the
terminal's size still reaches the form and, when it comes back, the screen under it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Label

from casereview.tui.opening import OpensOnce
from casereview.tui.widgets.text_input import Input


class Under(Screen):
    def compose(self) -> ComposeResult:
        yield Label("under")


class Form(OpensOnce):
    DEFAULT_CSS = """Form Input { width: 20; } Form.-short Input { width: 10; }
    Form Input:focus, Form.-short Input:focus { width: 30; }"""
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def compose(self) -> ComposeResult:
        for n in range(5):
            yield Input(id=f"f{n}", compact=True)


class Harness(App):
    def get_default_screen(self) -> Screen:
        return Under()


def spy(monkeypatch, obj, name: str) -> list:
    calls: list = []
    original = getattr(obj, name)
    monkeypatch.setattr(obj, name, lambda *a, **k: calls.append(a) or original(*a, **k))
    return calls


async def test_opening_a_form_lays_out_neither_the_screen_under_it_nor_itself_twice(monkeypatch):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        under = app.screen
        under_layouts = spy(monkeypatch, under, "_refresh_layout")
        form = Form()
        form_layouts = spy(monkeypatch, form, "_refresh_layout")
        restyled = spy(monkeypatch, app.stylesheet, "update_nodes")
        app.push_screen(form)
        await pilot.pause()
        await pilot.pause()
        assert under_layouts == []
        # Once at its size as it opens (a widget may still ask for a layout of its own later)
        assert [call for call in form_layouts if call] == [(Size(80, 24),)]
        assert not any(len(list(nodes)) > 2 for nodes, *_ in restyled)  # no whole-screen restyle
        first = form.query_one("#f0", Input)
        form.set_focus(first)
        await pilot.pause()
        assert first.size.width == 30  # a focused field is still styled as it changes
        assert "-textual-compact" in first.classes and first.compact


async def test_a_real_resize_reaches_the_form_and_the_screen_under_it(monkeypatch):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        under = app.screen
        form = Form()
        app.push_screen(form)
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert form.size == (100, 30)
        app.pop_screen()
        await pilot.pause()
        assert under.size == (100, 30)


async def test_the_size_classes_are_set_before_the_first_layout_and_follow_a_resize():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = Form(classes="")
        app.push_screen(form)
        await pilot.pause()
        assert form.has_class("-short") and not form.has_class("-tall")
        assert form.query_one("#f1", Input).size.width == 10
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        assert form.has_class("-tall") and not form.has_class("-short")
        assert form.query_one("#f1", Input).size.width == 20
