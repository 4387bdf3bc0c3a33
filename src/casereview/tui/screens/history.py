"""History: the change log of one record (who changed what, when, before and after), or the
latest changes of every record, paged from the store."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from casereview.storage.history import (
    PAGE,
    Entry,
    recent_changes,
    record_history,
    record_types,
    shown_value,
)
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.widgets.footer import Footer

# Rows left below the cursor when the next page is fetched.
PREFETCH = 10


class HistoryScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    HistoryScreen #bar { height: 3; padding: 0 1; }
    HistoryScreen #bar Label { padding: 1 1 0 1; }
    HistoryScreen #bar Select { width: 28; }
    HistoryScreen #record-id { width: 14; }
    HistoryScreen #message { height: auto; padding: 0 2; }
    HistoryScreen #entries { height: 2fr; margin: 0 1; }
    HistoryScreen #detail-box { height: 1fr; margin: 0 1; border-top: solid $primary; }
    """

    BINDINGS = [
        Binding("f3", "focus_entries", "Entries"),
        Binding("f4", "latest", "Latest changes"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, record_type: str | None = None, record_id: int | str | None = None):
        super().__init__()
        self.start = (record_type, None if record_id is None else str(record_id))
        self.entries: dict[str, Entry] = {}
        self.showing_record: tuple[str, str] | None = None
        self.last_id: int | None = None  # keyset for the next page of latest changes
        self.more = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Label("Record type")
            types = record_types(self.app.db)
            yield Select([(t, t) for t in types], id="type", prompt="all types",
                         allow_blank=True)
            yield Label("Id")
            yield Input(id="record-id", placeholder="e.g. 42")
            yield Label("Enter shows its history; blank id: the latest changes",
                        classes="muted")
        yield Static("", id="message")
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="detail-box"):
            yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "History"
        self.query_one("#entries", DataTable).add_columns(
            "When (UK time)", "Who", "Action", "Record", "What changed")
        record_type, record_id = self.start
        if record_type and record_id:
            self.query_one("#type", Select).value = record_type
            self.query_one("#record-id", Input).value = record_id
            self.show_record(record_type, record_id)
            self.query_one("#entries", DataTable).focus()
        else:
            self.show_latest()
            self.query_one("#record-id", Input).focus()

    # --- what is shown ------------------------------------------------------------------------

    @property
    def record_type(self) -> str | None:
        value = self.query_one("#type", Select).value
        return value if isinstance(value, str) else None

    def show_record(self, record_type: str, record_id: str) -> None:
        entries = record_history(self.app.db, record_type, record_id)
        self._reset()
        self.showing_record = (record_type, record_id)
        if not entries:
            self.show_message(f"No change-log entries for {escape(record_type)} "
                              f"{escape(record_id)}.",
                              "warning")
            return
        self._add(entries)
        back = "" if self.start[0] else " Escape: back to the latest changes."
        self.show_message(f"History of {escape(record_type)} {escape(record_id)}: "
                          f"{len(entries)} entr"
                          f"{'ies' if len(entries) != 1 else 'y'}, oldest first.{back}")

    def show_latest(self) -> None:
        self._reset()
        self.showing_record = None
        self._next_page()
        kind = f" to {self.record_type} records" if self.record_type else ""
        self.show_message(f"Latest changes{kind}, newest first. Enter on one shows the whole "
                          "history of its record.")

    def _next_page(self) -> None:
        page = recent_changes(self.app.db, before_id=self.last_id,
                              record_type=self.record_type, limit=PAGE)
        if page:
            self.last_id = page[-1].id
        self.more = len(page) == PAGE
        self._add(page)

    def _reset(self) -> None:
        self.query_one("#entries", DataTable).clear()
        self.entries.clear()
        self.last_id, self.more = None, False
        self.query_one("#detail", Static).update("")

    def _add(self, entries: list[Entry]) -> None:
        table = self.query_one("#entries", DataTable)
        for entry in entries:
            key = str(entry.id)
            self.entries[key] = entry
            record = f"{entry.record_type} {entry.record_label}"
            # Text, not markup: what people typed is shown as typed.
            table.add_row(entry.at_local, Text(entry.user), entry.action, Text(record),
                          Text(entry.summary(70)), key=key)
        if entries and len(self.entries) == len(entries):
            self.show_detail(entries[0])

    def show_detail(self, entry: Entry) -> None:
        lines = [f"[b]Entry {entry.id}[/b]  {entry.at_local}  by [b]{escape(entry.user)}[/b]: "
                 f"{entry.action} {entry.record_type}"
                 + (f" {entry.record_label}" if entry.record_id or entry.batch else "")]
        if entry.reason:
            lines.append(f"Reason: {escape(entry.reason)}")
        if entry.batch and not entry.record_id:
            lines.append(escape(entry.summary(200)) + "; enter an id above to see one of them.")
        changes = entry.changes()
        if changes:
            lines.append("")
            width = max(len(name) for name, _, _ in changes)
            lines.append(f"{'field'.ljust(width)}  {'before':<32}  after")
            for name, old, new in changes:
                row = escape(f"{name.ljust(width)}  {_cell(old):<32}  {_cell(new)}")
                lines.append(row if old == new else f"[b]{row}[/b]")
        self.query_one("#detail", Static).update("\n".join(lines))

    # --- events -------------------------------------------------------------------------------

    @on(Input.Submitted, "#record-id")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        record_id = event.value.strip()
        if not record_id:
            self.show_latest()
            return
        if self.record_type is None:
            self.show_message("Choose the record type first (Shift+Tab), then Enter.", "error")
            return
        self.show_record(self.record_type, record_id)
        if self.entries:
            self.query_one("#entries", DataTable).focus()

    @on(Select.Changed, "#type")
    def _type_changed(self, event: Select.Changed) -> None:
        if self.showing_record is None:
            self.show_latest()

    @on(DataTable.RowHighlighted, "#entries")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self.entries.get(event.row_key.value) if event.row_key else None
        if entry is not None:
            self.show_detail(entry)
        table = event.data_table
        if self.more and self.showing_record is None and \
                event.cursor_row >= table.row_count - PREFETCH:
            self._next_page()

    @on(DataTable.RowSelected, "#entries")
    def _selected(self, event: DataTable.RowSelected) -> None:
        entry = self.entries.get(event.row_key.value)
        if entry is None or self.showing_record is not None or not entry.record_id:
            return
        self.query_one("#type", Select).value = entry.record_type
        self.query_one("#record-id", Input).value = entry.record_id
        self.show_record(entry.record_type, entry.record_id)

    def action_focus_entries(self) -> None:
        self.query_one("#entries", DataTable).focus()

    def action_latest(self) -> None:
        self.query_one("#record-id", Input).value = ""
        self.show_latest()
        self.query_one("#entries", DataTable).focus()

    def action_back(self) -> None:
        opened_on_record = self.start[0] is not None
        if self.showing_record is not None and not opened_on_record:
            self.action_latest()
        else:
            self.app.pop_screen()


def _cell(value: object) -> str:
    if value is None or value == "":
        return "—"
    text = shown_value(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"
