"""Move reasons (editable, each clinical or not) and the out-of-hours night window."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from casereview.domain.reference import parse_reference_code
from casereview.domain.validation import NightWindow
from casereview.domain.values import parse_bool
from casereview.storage.errors import DatabaseError
from casereview.storage.moves import set_night_window
from casereview.storage.reference import save_reason
from casereview.tui.widgets.footer import Footer


class MoveSettingsScreen(Screen):
    DEFAULT_CSS = """
    MoveSettingsScreen .form { height: auto; padding: 0 1; }
    MoveSettingsScreen .form Input { width: 1fr; }
    MoveSettingsScreen .problem { padding: 0 2; height: auto; }
    MoveSettingsScreen .title { padding: 1 1 0 1; }
    MoveSettingsScreen DataTable { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f3", "focus_table", "Reasons list"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Night window: moves in it are out of hours (Enter saves; every stored "
                     "move's night is recomputed)", classes="title")
        with Horizontal(classes="form"):
            yield Input(placeholder="start HH:MM", id="window_start")
            yield Input(placeholder="end HH:MM", id="window_end")
        yield Static("", classes="problem", id="window-problem")
        yield Static("Add or change a move reason (Enter saves; Enter on a reason below "
                     "loads it)", classes="title")
        with Horizontal(classes="form"):
            yield Input(placeholder="code, e.g. CAPACITY", id="reason_code")
            yield Input(placeholder="label", id="reason_label")
            yield Input(placeholder="clinical y/n", id="reason_clinical")
        yield Static("", classes="problem", id="reason-problem")
        yield DataTable(id="reasons", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Move reasons and night window"
        context = self.app.context()
        self.query_one("#window_start", Input).value = f"{context.window.start:%H:%M}"
        self.query_one("#window_end", Input).value = f"{context.window.end:%H:%M}"
        self.query_one("#reasons", DataTable).add_columns("Code", "Label", "Clinical")
        self.reload()
        self.query_one("#reason_code", Input).focus()

    def reload(self) -> None:
        table = self.query_one("#reasons", DataTable)
        table.clear()
        for code, (label, clinical) in self.app.context().reference.reasons.items():
            table.add_row(code, Text(label), "yes" if clinical else "no (counts in the measures)",
                          key=code)

    @on(Input.Submitted, "#window_start, #window_end")
    def save_window(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#window-problem", Static)
        start = self.query_one("#window_start", Input).value
        end = self.query_one("#window_end", Input).value
        try:
            window = NightWindow.from_settings(start, end)
        except ValueError as exc:
            problem.update(f"[red]{escape(str(exc))}[/red]")
            return
        if window.start == window.end:
            problem.update("[red]the window must not start and end at the same time[/red]")
            return
        try:
            changed = set_night_window(self.app.db, start, end, self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Night window is now {window.label()}; {changed} stored moves "
                       "rechecked.[/green]")

    @on(Input.Submitted, "#reason_code, #reason_label, #reason_clinical")
    def save_reason_form(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#reason-problem", Static)
        try:
            code = parse_reference_code(self.query_one("#reason_code", Input).value)
        except ValueError as exc:
            problem.update(f"[red]code: {escape(str(exc))}[/red]")
            return
        label = self.query_one("#reason_label", Input).value.strip()
        if not label:
            problem.update("[red]label: is required[/red]")
            return
        try:
            clinical = parse_bool(self.query_one("#reason_clinical", Input).value)
        except ValueError as exc:
            problem.update(f"[red]clinical: {escape(str(exc))}[/red]")
            return
        if clinical is None:
            problem.update("[red]clinical: answer y or n (clinical moves are left out of the "
                           "non-clinical measures)[/red]")
            return
        try:
            save_reason(self.app.db, code, label, clinical, self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Saved reason {code}.[/green]")
        for field_id in ("reason_code", "reason_label", "reason_clinical"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.reload()
        self.query_one("#reason_code", Input).focus()

    @on(DataTable.RowSelected, "#reasons")
    def load_reason(self, event: DataTable.RowSelected) -> None:
        code = event.row_key.value
        label, clinical = self.app.context().reference.reasons[code]
        self.query_one("#reason_code", Input).value = code
        self.query_one("#reason_label", Input).value = label
        self.query_one("#reason_clinical", Input).value = "y" if clinical else "n"
        self.query_one("#reason_label", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#reasons", DataTable).focus()
