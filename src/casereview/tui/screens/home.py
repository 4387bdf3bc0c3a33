"""The home screen: where everything is, and what needs doing now."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from casereview.domain.values import format_uk_date
from casereview.storage.moves import unaudited_nights
from casereview.tui.navigation import destinations


class HomeScreen(Screen):
    DEFAULT_CSS = """
    HomeScreen #menu { height: auto; max-height: 20; margin: 1 2; }
    HomeScreen #todo { margin: 0 3; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Where to go (press the key, or Enter on a line)", classes="title")
            yield OptionList(
                *[Option(f"[b]{d.key}[/b]  {d.title}  [dim]{d.description}[/dim]", id=d.key)
                  for d in destinations()],
                id="menu",
            )
            yield Static("", id="todo")
        yield Footer()

    def on_mount(self) -> None:
        for dest in destinations():
            self._bindings.bind(dest.key, f"go('{dest.key}')", dest.title, show=True)
        self.refresh_bindings()
        self.query_one("#menu", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_todo()

    def refresh_todo(self) -> None:
        today = self.app.now().date()
        missing = unaudited_nights(self.app.db, today - timedelta(days=7),
                                   today - timedelta(days=1))
        if missing:
            lines = [f"  {site}: night of {format_uk_date(_iso(night))}" for site, night in
                     missing[:8]]
            more = f"\n  ... and {len(missing) - 8} more" if len(missing) > 8 else ""
            text = ("[b]Nights without an audit return (last 7 days)[/b]\n" + "\n".join(lines)
                    + more)
        else:
            text = "[b]Every night of the last 7 has its audit return.[/b]"
        self.query_one("#todo", Static).update(text)

    def action_go(self, key: str) -> None:
        for dest in destinations():
            if dest.key == key:
                self.app.open_destination(dest.factory)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_go(event.option.id)


def _iso(text: str):
    from datetime import date

    return date.fromisoformat(text)
