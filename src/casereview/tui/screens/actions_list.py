"""The action plan: every action, newest raised first, read from SQLite a page at a time
(keyset paging); filters by status, rating, owner, agency, overdue and source. Opened from a
source (a review, an audit, a sample, a ward, a measure), it lists that source's actions and
Ctrl+N raises a new one from it.
"""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Select, Static

from casereview.domain.action import CLOSED, RAGS, SOURCE_KINDS, STATUSES, Source
from casereview.domain.values import format_uk_date
from casereview.storage.actions import ActionFilter, action_list, action_source, owners
from casereview.storage.records import soft_delete
from casereview.tui.widgets.dialogs import Confirm
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.paged_table import PagedTable, position_text
from casereview.tui.widgets.ticks import TickBox

RAG_STYLES = {"RED": "bold white on #c00000", "AMBER": "bold black on #ffc000",
              "GREEN": "bold white on #00803c"}
LIVE_CHOICE = "LIVE"
STATUS_CHOICES = [("open/in progress", LIVE_CHOICE),
                  *((label, code) for code, label in STATUSES.items())]
COLUMNS = (("Raised", 11), ("Due", 13), ("Status", 11), ("Rating", 7), ("Title", 32),
           ("Owner", 14), ("Agency", 9), ("From", 16))


def rag_cell(rag: str | None) -> Text:
    if not rag:
        return Text("")
    return Text(f" {RAGS[rag]} ".ljust(7), style=RAG_STYLES[rag])


def source_text(row: dict) -> str:
    source = action_source(row)
    return "" if source is None else source.short()


def action_cells(today: date):
    """A stored action as the list shows it; a due date passed on an open action in red."""
    def cells(row: dict) -> tuple:
        due = date.fromisoformat(row["due_date"])
        overdue = row["status"] not in CLOSED and due < today
        return (
            Text(format_uk_date(date.fromisoformat(row["raised_on"]))),
            Text(format_uk_date(due) + (" !" if overdue else ""),
                 style="bold red" if overdue else ""),
            Text(STATUSES.get(row["status"], row["status"])),
            rag_cell(row["rag"]),
            Text(row["title"]),
            Text(row["owner"]),
            Text(row["agency_code"] or ""),
            Text(source_text(row), style="dim"),
        )
    return cells


class ActionListScreen(Screen):
    DEFAULT_CSS = """
    ActionListScreen #filters { height: 3; padding: 0 1; }
    ActionListScreen #filters #status { width: 30; }
    ActionListScreen #filters #rag { width: 20; }
    ActionListScreen #filters #owner { width: 22; }
    ActionListScreen #filters #agency { width: 20; }
    ActionListScreen #filters #source-kind { width: 20; }
    ActionListScreen #filters #overdue { width: 16; }
    ActionListScreen #count { padding: 0 1; height: 1; color: $text-muted; }
    ActionListScreen #actions { height: 1fr; margin: 0 1; }
    ActionListScreen #message { height: auto; padding: 0 1; }
    """

    AUTO_FOCUS = "#actions"

    BINDINGS = [
        Binding("ctrl+n", "new", "New action"),
        Binding("ctrl+o", "open_source", "Open its source"),
        Binding("f3", "focus_list", "List"),
        Binding("f5", "reload", "Refresh"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, source: Source | None = None, preset: dict | None = None, *,
                 status: str | None = None, overdue: bool = False,
                 raise_if_none: bool = False) -> None:
        """``source``: list only its actions (and raise new ones from it, with ``preset``
        values such as a review's learning); ``raise_if_none``: a source with no actions yet
        opens the form to raise the first. ``status``/``overdue``: the filters to open
        with."""
        super().__init__()
        self.source = source
        self.raise_if_none = raise_if_none
        self.preset = preset or {}
        self.initial_status = status
        self.initial_overdue = overdue
        self.filter = ActionFilter()

    def compose(self) -> ComposeResult:
        reference = self.app.context().reference
        yield Header()
        with Horizontal(id="filters"):
            # Each prompt names its filter: the row fits 130 columns without labels.
            initial = {"value": self.initial_status} if self.initial_status else {}
            yield Select([(f"status: {label}", code) for label, code in STATUS_CHOICES],
                         id="status", prompt="status: any", **initial)
            yield Select([(f"rating: {label}", code) for code, label in RAGS.items()],
                         id="rag", prompt="rating: any")
            yield Select([(o, o) for o in owners(self.app.db)], id="owner",
                         prompt="owner: anyone")
            yield Select([(f"agency: {code}", code) for code in reference.agencies],
                         id="agency", prompt="agency: any")
            if self.source is None:
                yield Select([(f"from: {label}", kind) for kind, label in
                              SOURCE_KINDS.items()], id="source-kind", prompt="from: any")
            yield TickBox("overdue", self.initial_overdue, id="overdue")
        yield Static("", id="count")
        yield PagedTable(self.app.worker_db, action_cells(self.app.now().date()), id="actions")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.title = ("Action plan" if self.source is None
                      else f"Actions from {self.source.describe()}")
        self.query_one("#actions", PagedTable).set_columns(COLUMNS)
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("#actions", PagedTable).reload()

    # --- filters --------------------------------------------------------------------------

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self.reload()

    @on(Checkbox.Changed, "#overdue")
    def _overdue_changed(self, event: Checkbox.Changed) -> None:
        self.reload()

    def current_filter(self) -> ActionFilter:
        def chosen(selector: str) -> str | None:
            found = self.query(selector)
            if not found:
                return None
            value = found.first(Select).value
            return value if isinstance(value, str) else None

        overdue = self.query_one("#overdue", Checkbox).value
        kind = self.source.kind if self.source else chosen("#source-kind")
        return ActionFilter(
            status=chosen("#status"), rag=chosen("#rag"), owner=chosen("#owner"),
            agency_code=chosen("#agency"),
            overdue_on=self.app.now().date() if overdue else None, source_kind=kind,
            source_ref=self.source.stored_ref if self.source else None)

    # --- the list -------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.filter = self.current_filter()
        self.query_one("#actions", PagedTable).show(action_list(self.filter))

    @on(PagedTable.PageShown, "#actions")
    def _page_shown(self, event: PagedTable.PageShown) -> None:
        if self.raise_if_none:
            self.raise_if_none = False  # once, as the screen opens
            if not event.page.rows and event.page.at_end:
                self.action_new()
        where = position_text(event, "actions")
        if not where:
            if event.total is None:
                where = "Reading the actions…"
            elif self.source is not None:
                where = f"No actions from {self.source.describe()} yet — Ctrl+N raises one."
            else:
                where = ("No actions match the filters." if self.filter != ActionFilter()
                         else "No actions yet — Ctrl+N raises one.")
        self.query_one("#count", Static).update(where + "   [dim]! overdue[/dim]")

    def selected_row(self) -> dict | None:
        return self.query_one("#actions", PagedTable).row_data()

    @on(DataTable.RowSelected, "#actions")
    def _open(self, event: DataTable.RowSelected) -> None:
        from casereview.tui.screens.action_form import ActionFormScreen

        self.app.push_screen(ActionFormScreen(int(event.row_key.value)), self._after_form)

    def _after_form(self, message: str | None) -> None:
        if message:
            self.show_message(message, "ok")

    def action_new(self) -> None:
        from casereview.tui.screens.action_form import ActionFormScreen

        self.app.push_screen(ActionFormScreen(source=self.source, preset=self.preset),
                             self._after_form)

    def action_open_source(self) -> None:
        from casereview.tui.screens.action_sources import open_source

        row = self.selected_row()
        source = action_source(row) if row else None
        if source is None:
            self.show_message("This action has no source to open.", "warning")
            return
        problem = open_source(self.app, source)
        if problem:
            self.show_message(problem, "warning")

    def action_focus_list(self) -> None:
        self.query_one("#actions", PagedTable).focus()

    def action_delete(self) -> None:
        if not self.query_one("#actions", PagedTable).has_focus:
            return
        row = self.selected_row()
        if row is None:
            return
        record_id = row["id"]

        def done(confirmed: bool | None) -> None:
            if confirmed:
                try:
                    soft_delete(self.app.db, "action", record_id, self.app.user)
                except Exception as exc:
                    self.show_message(f"Not deleted: {escape(str(exc))}", "error")
                    return
                self.query_one("#actions", PagedTable).reload()
                self.show_message(f"Deleted action {record_id} (it can be restored).", "ok")

        self.app.push_screen(Confirm(f"Delete action {record_id}? It leaves every measure; "
                                     "the change log keeps it and it can be restored."), done)

    def show_message(self, text: str, kind: str = "") -> None:
        widget = self.query_one("#message", Static)
        widget.set_classes(kind)
        widget.update(text)
