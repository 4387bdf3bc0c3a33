"""Every destination at once, in a few lines: a grid of "key  title" cells filled column by
column in the registry's order, and below it the highlighted entry's description. The arrows
move between cells, Enter opens one; the keys themselves are bound by the screen.

A one-line-per-entry list needs as many lines as there are screens (14 and growing), more
than a 42-line terminal can give beside the scorecard; two columns need half."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from casereview.tui.navigation import Destination


class MenuGrid(Vertical):
    DEFAULT_CSS = """
    MenuGrid { height: auto; }
    MenuGrid > DataTable { height: auto; margin: 0 1; scrollbar-size-vertical: 0; }
    MenuGrid > #menu-about { height: 2; padding: 0 2; color: $text-muted; }
    """

    class Chosen(Message):
        """An entry was opened with Enter (or a click)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, destinations: Sequence[Destination], *, columns: int = 2,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.destinations = list(destinations)
        self.columns = columns
        self.rows = -(-len(self.destinations) // columns)  # ceiling division

    def compose(self) -> ComposeResult:
        yield DataTable(id="menu-grid", show_header=False, cursor_type="cell",
                        zebra_stripes=False)
        yield Static("", id="menu-about")

    def on_mount(self) -> None:
        table = self.table
        width = max(len(d.key) + 2 + len(d.title) for d in self.destinations)
        for col in range(self.columns):
            table.add_column("", width=width, key=str(col))
        for row in range(self.rows):
            table.add_row(*[self._label(self.at(row, col)) for col in range(self.columns)])
        self._describe(0, 0)

    @property
    def table(self) -> DataTable:
        return self.query_one("#menu-grid", DataTable)

    def at(self, row: int, column: int) -> Destination | None:
        """The destination in a cell: column by column, so each column reads down in order."""
        index = column * self.rows + row
        return self.destinations[index] if index < len(self.destinations) else None

    def keys(self) -> list[str]:
        """The keys shown, in the grid's order."""
        return [d.key for d in self.destinations]

    @staticmethod
    def _label(dest: Destination | None) -> Text:
        if dest is None:
            return Text("")
        return Text.assemble((dest.key, "bold"), "  ", dest.title)

    def _describe(self, row: int, column: int) -> None:
        dest = self.at(row, column)
        about = self.query_one("#menu-about", Static)
        about.update("" if dest is None else Text.assemble(
            (dest.title, "bold"), ": ", dest.description))

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._describe(event.coordinate.row, event.coordinate.column)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        dest = self.at(event.coordinate.row, event.coordinate.column)
        if dest is not None:
            self.post_message(self.Chosen(dest.key))
