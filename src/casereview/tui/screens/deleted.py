"""Deleted records: every soft-deleted record of every type, most recently deleted first, with
who deleted it and why; restore one, or open its history."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select, Static

from casereview.storage.check import record_tables
from casereview.storage.errors import DatabaseError
from casereview.storage.history import PAGE, DeletedRecord, deleted_records
from casereview.storage.records import RecordNotFound, RestoreRefused, restore
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.widgets.dialogs import Confirm
from casereview.tui.widgets.footer import Footer

PREFETCH = 10


class DeletedScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    DeletedScreen #bar { height: 3; padding: 0 1; }
    DeletedScreen #bar Label { padding: 1 1 0 1; }
    DeletedScreen #bar Select { width: 28; }
    DeletedScreen #message { height: auto; padding: 0 2; }
    DeletedScreen #deleted { height: 1fr; margin: 0 1; }
    """

    BINDINGS = [
        Binding("r", "restore", "Restore"),
        Binding("enter", "history", "History", show=True),
        Binding("f3", "focus_list", "List"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, DeletedRecord] = {}
        self.last: tuple[str, str, int] | None = None  # keyset for the next page
        self.more = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Label("Record type")
            yield Select([(t, t) for t in record_tables(self.app.db)], id="type",
                         prompt="all types", allow_blank=True)
        yield Static("", id="message")
        yield DataTable(id="deleted", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Deleted records"
        self.query_one("#deleted", DataTable).add_columns(
            "Deleted (UK time)", "By", "Type", "Id", "Record", "Reason")
        self.reload()
        if self.rows:
            self.show_message("Enter shows a record's history; r restores it.")
        self.query_one("#deleted", DataTable).focus()

    @property
    def record_type(self) -> str | None:
        value = self.query_one("#type", Select).value
        return value if isinstance(value, str) else None

    def reload(self) -> None:
        self.query_one("#deleted", DataTable).clear()
        self.rows.clear()
        self.last, self.more = None, False
        self._next_page()
        if not self.rows:
            kind = f"{self.record_type} " if self.record_type else ""
            self.show_message(f"No deleted {kind}records.")

    def _next_page(self) -> None:
        page = deleted_records(self.app.db, after=self.last, record_type=self.record_type,
                               limit=PAGE)
        table = self.query_one("#deleted", DataTable)
        for record in page:
            key = f"{record.record_type}:{record.id}"
            self.rows[key] = record
            table.add_row(record.deleted_at_local, Text(record.deleted_by or ""),
                          record.record_type, str(record.id), Text(record.description),
                          Text(record.reason or ""), key=key)
        if page:
            tail = page[-1]
            self.last = (tail.deleted_at, tail.record_type, tail.id)
        self.more = len(page) == PAGE

    def selected(self) -> DeletedRecord | None:
        table = self.query_one("#deleted", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.rows.get(key.value)

    # --- events -------------------------------------------------------------------------------

    @on(Select.Changed, "#type")
    def _type_changed(self, event: Select.Changed) -> None:
        self.show_message("")
        self.reload()

    @on(DataTable.RowHighlighted, "#deleted")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.more and event.cursor_row >= event.data_table.row_count - PREFETCH:
            self._next_page()

    @on(DataTable.RowSelected, "#deleted")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_history()

    def action_history(self) -> None:
        from casereview.tui.screens.history import HistoryScreen

        record = self.selected()
        if record is not None:
            self.app.push_screen(HistoryScreen(record.record_type, record.id))

    def action_focus_list(self) -> None:
        self.query_one("#deleted", DataTable).focus()

    def action_restore(self) -> None:
        record = self.selected()
        if record is None:
            self.show_message("Nothing to restore.", "warning")
            return
        name = f"{record.record_type} {record.id}"

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                restore(self.app.db, record.record_type, record.id, self.app.user)
            except (RestoreRefused, RecordNotFound, DatabaseError) as exc:
                # e.g. a read-only database or a full disk: say so, keep the list as it was.
                self.show_message(f"Not restored: {escape(str(exc))}", "error")
                return
            self.reload()
            self.show_message(f"Restored {name} ({escape(record.description)}); it counts in the "
                              "measures again. The change log records who restored it.", "ok")

        self.app.push_screen(Confirm(f"Restore {name}?\n{escape(record.description)}\nIt will "
                                     "count in every measure again."), done)
