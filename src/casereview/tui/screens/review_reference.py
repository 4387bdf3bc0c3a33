"""Agencies and review themes: the editable reference lists behind the review form.

A code, once used by a review, is part of that review's record, so codes are added and
renamed here but never removed.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from casereview.domain.reference import parse_reference_code
from casereview.storage.errors import DatabaseError
from casereview.storage.reference import (
    agencies_in_use,
    get_agency,
    get_review_theme,
    review_themes_in_use,
    save_agency,
    save_theme,
)
from casereview.tui.widgets.footer import Footer

AGENCY_FIELDS = ("agency_code", "agency_name", "agency_type")
THEME_FIELDS = ("theme_code", "theme_label")


class ReviewReferenceScreen(Screen):
    DEFAULT_CSS = """
    ReviewReferenceScreen #lists { height: 1fr; }
    ReviewReferenceScreen .list { height: auto; padding: 0 1; }
    ReviewReferenceScreen .form { height: auto; }
    ReviewReferenceScreen .form Input { width: 1fr; }
    ReviewReferenceScreen .problem { color: $error; height: auto; }
    ReviewReferenceScreen DataTable { height: auto; max-height: 16; }
    """
    BINDINGS = [
        Binding("f2", "focus_field('agency_code')", "Agencies"),
        Binding("f3", "focus_field('theme_code')", "Themes"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="lists"):
            with Vertical(classes="list"):
                yield Static("[b]Agencies[/b]  add or rename (Enter saves; Enter on a row "
                             "loads it; codes in use are kept, so there is no delete)",
                             classes="title")
                with Horizontal(classes="form"):
                    yield Input(placeholder="code, e.g. HOSPICE", id="agency_code")
                    yield Input(placeholder="name", id="agency_name")
                    yield Input(placeholder="type, e.g. health", id="agency_type")
                yield Static("", classes="problem", id="agency-problem")
                yield DataTable(id="agencies", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="list"):
                yield Static("[b]Review themes[/b]  add or rename (Enter saves; Enter on a row "
                             "loads it)",
                             classes="title")
                with Horizontal(classes="form"):
                    yield Input(placeholder="code, e.g. TRANSPORT", id="theme_code")
                    yield Input(placeholder="label", id="theme_label")
                yield Static("", classes="problem", id="theme-problem")
                yield DataTable(id="themes", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Agencies and review themes"
        self.query_one("#agencies", DataTable).add_columns("Code", "Name", "Type", "Reviews")
        self.query_one("#themes", DataTable).add_columns("Code", "Label", "Reviews")
        self.reload()
        self.query_one("#agency_code", Input).focus()

    def action_focus_field(self, widget_id: str) -> None:
        self.query_one(f"#{widget_id}", Input).focus()

    def reload(self) -> None:
        agencies = self.query_one("#agencies", DataTable)
        agencies.clear()
        for code, name, kind, used in agencies_in_use(self.app.db):
            agencies.add_row(code, Text(name), Text(kind), str(used), key=code)
        themes = self.query_one("#themes", DataTable)
        themes.clear()
        for code, label, used in review_themes_in_use(self.app.db):
            themes.add_row(code, Text(label), str(used), key=code)

    @on(Input.Submitted, "#agency_code, #agency_name, #agency_type")
    def save_agency_form(self, event: Input.Submitted) -> None:
        event.stop()
        values = {f: self.query_one(f"#{f}", Input).value.strip() for f in AGENCY_FIELDS}
        problem = self.query_one("#agency-problem", Static)
        try:
            code = parse_reference_code(values["agency_code"])
        except ValueError as exc:
            problem.update(f"code: {escape(str(exc))}")
            self.query_one("#agency_code", Input).focus()
            return
        if not values["agency_name"]:
            problem.update("name: is required")
            self.query_one("#agency_name", Input).focus()
            return
        try:
            save_agency(self.app.db, code, values["agency_name"], values["agency_type"],
                        self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Saved agency {code}.[/green]")
        for field_id in AGENCY_FIELDS:
            self.query_one(f"#{field_id}", Input).value = ""
        self.reload()
        self.query_one("#agency_code", Input).focus()

    @on(Input.Submitted, "#theme_code, #theme_label")
    def save_theme_form(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#theme-problem", Static)
        label = self.query_one("#theme_label", Input).value.strip()
        try:
            code = parse_reference_code(self.query_one("#theme_code", Input).value)
        except ValueError as exc:
            problem.update(f"code: {escape(str(exc))}")
            self.query_one("#theme_code", Input).focus()
            return
        if not label:
            problem.update("label: is required")
            self.query_one("#theme_label", Input).focus()
            return
        try:
            save_theme(self.app.db, "review_theme", code, label, self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Saved theme {code}.[/green]")
        for field_id in THEME_FIELDS:
            self.query_one(f"#{field_id}", Input).value = ""
        self.reload()
        self.query_one("#theme_code", Input).focus()

    @on(DataTable.RowSelected, "#agencies")
    def load_agency(self, event: DataTable.RowSelected) -> None:
        row = get_agency(self.app.db, event.row_key.value)
        if row is not None:
            self.query_one("#agency_code", Input).value = row["agency_code"]
            self.query_one("#agency_name", Input).value = row["agency_name"]
            self.query_one("#agency_type", Input).value = row["agency_type"]
            self.query_one("#agency_name", Input).focus()

    @on(DataTable.RowSelected, "#themes")
    def load_theme(self, event: DataTable.RowSelected) -> None:
        row = get_review_theme(self.app.db, event.row_key.value)
        if row is not None:
            self.query_one("#theme_code", Input).value = row["theme_code"]
            self.query_one("#theme_label", Input).value = row["label"]
            self.query_one("#theme_label", Input).focus()
