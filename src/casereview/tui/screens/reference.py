"""Sites and wards: add a site, add or rename a ward, mark older-adult wards."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from casereview.domain.reference import Ward
from casereview.domain.validation import RecordInvalid, validate
from casereview.domain.ward_entry import WardEntry
from casereview.storage.errors import DatabaseError
from casereview.storage.reference import save_site, save_ward
from casereview.tui.screens.action_sources import ACTIONS_BINDING
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer


class ReferenceScreen(Screen):
    DEFAULT_CSS = """
    ReferenceScreen .form { height: auto; padding: 0 1; }
    ReferenceScreen .form Input { width: 1fr; }
    ReferenceScreen .form #older_adults { width: 12; }
    ReferenceScreen .problem { color: $error; padding: 0 2; height: auto; }
    ReferenceScreen DataTable { height: 1fr; margin: 0 1; }
    ReferenceScreen .title { padding: 1 1 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f3", "focus_table", "Wards list"),
        ACTIONS_BINDING,
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Add or rename a site (Enter saves)", classes="title")
        with Horizontal(classes="form"):
            yield Input(placeholder="site code, e.g. NGH", id="site_code")
            yield Input(placeholder="site name", id="site_name")
        yield Static("", classes="problem", id="site-problem")
        yield Static("Add or change a ward (Enter saves; Enter on a ward below loads it)",
                     classes="title")
        with Horizontal(classes="form"):
            yield Input(placeholder="ward code, e.g. NGH-ELD1", id="ward_code")
            yield Input(placeholder="ward name", id="ward_name")
            yield CodeInput(placeholder="site", id="ward_site")
            yield Input(placeholder="older y/n", id="older_adults")
        yield Static("", classes="problem", id="ward-problem")
        with Vertical():
            yield Label("", id="ward-count")
            yield DataTable(id="wards", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sites and wards"
        self.query_one("#wards", DataTable).add_columns("Ward", "Name", "Site", "Older adults")
        self.reload()
        self.query_one("#site_code", Input).focus()

    def reload(self) -> None:
        reference = self.app.context().reference
        self.query_one("#ward_site", CodeInput).set_choices(reference.sites)
        table = self.query_one("#wards", DataTable)
        table.clear()
        for ward in reference.wards.values():
            table.add_row(ward.ward_code, Text(ward.ward_name),
                          Text(f"{ward.site_code} {reference.sites.get(ward.site_code, '')}"),
                          "yes" if ward.older_adults else "no", key=ward.ward_code)
        self.query_one("#ward-count", Label).update(
            f" {len(reference.sites)} sites, {len(reference.wards)} wards")

    @on(Input.Submitted, "#site_code, #site_name")
    def save_site_form(self, event: Input.Submitted) -> None:
        event.stop()
        code = self.query_one("#site_code", Input).value
        name = self.query_one("#site_name", Input).value
        problem = self.query_one("#site-problem", Static)
        try:
            from casereview.domain.reference import parse_reference_code

            code = parse_reference_code(code)
        except ValueError as exc:
            problem.update(f"site code: {escape(str(exc))}")
            return
        if not name.strip():
            problem.update("site name: is required")
            self.query_one("#site_name", Input).focus()
            return
        try:
            save_site(self.app.db, code, name.strip(), self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Saved site {code}.[/green]")
        self.query_one("#site_code", Input).value = ""
        self.query_one("#site_name", Input).value = ""
        self.reload()
        self.query_one("#site_code", Input).focus()

    @on(Input.Submitted, "#ward_code, #ward_name, #ward_site, #older_adults")
    def save_ward_form(self, event: Input.Submitted) -> None:
        event.stop()
        context = self.app.context()
        site_input = self.query_one("#ward_site", CodeInput)
        raw = {
            "ward_code": self.query_one("#ward_code", Input).value,
            "ward_name": self.query_one("#ward_name", Input).value,
            "site_code": site_input.value_for_save(),
            "older_adults": self.query_one("#older_adults", Input).value,
        }
        problem = self.query_one("#ward-problem", Static)
        try:
            entry = validate(WardEntry, raw, context)
        except RecordInvalid as exc:
            problem.update(escape("; ".join(str(p) for p in exc.problems)))
            return
        if entry.site_code not in context.reference.sites:
            problem.update(f"site_code: '{entry.site_code}' is not a known site; add it above")
            return
        existing = context.reference.wards.get(entry.ward_code)
        if existing and existing.site_code != entry.site_code:
            problem.update(f"ward_code: {entry.ward_code} is already on site "
                           f"{existing.site_code}; ward codes are unique across sites")
            return
        try:
            save_ward(self.app.db, Ward(entry.ward_code, entry.ward_name, entry.site_code,
                                        bool(entry.older_adults)), self.app.user)
        except DatabaseError as exc:  # read-only or full disk: keep what was typed
            problem.update(f"[red]Not saved: {escape(str(exc))}[/red]")
            return
        problem.update(f"[green]Saved ward {entry.ward_code}.[/green]")
        for field_id in ("ward_code", "ward_name", "older_adults"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.reload()
        self.query_one("#ward_code", Input).focus()

    @on(DataTable.RowSelected, "#wards")
    def load_ward(self, event: DataTable.RowSelected) -> None:
        ward = self.app.context().reference.wards.get(event.row_key.value)
        if ward is None:
            return
        self.query_one("#ward_code", Input).value = ward.ward_code
        self.query_one("#ward_name", Input).value = ward.ward_name
        self.query_one("#ward_site", CodeInput).value = ward.site_code
        self.query_one("#older_adults", Input).value = "y" if ward.older_adults else "n"
        self.query_one("#ward_name", Input).focus()

    def action_actions(self) -> None:
        """The actions raised for the ward under the cursor in the list."""
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        table = self.query_one("#wards", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            show_actions(self.app, Source("ward", key))

    def action_focus_table(self) -> None:
        self.query_one("#wards", DataTable).focus()
