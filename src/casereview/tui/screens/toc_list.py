"""The Transfer of Care audits: filter by site, ward, month and adherence; the list is read
from SQLite a page at a time (keyset paging), End and Home jumping to the oldest and the
newest audits however many years the table holds."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from casereview.domain.toc import STEPS, Adherence
from casereview.domain.values import format_nhs_number, format_uk_date
from casereview.metrics.periods import PeriodError, parse_month
from casereview.storage.records import soft_delete
from casereview.storage.toc import TocFilter, toc_list
from casereview.tui.screens.action_sources import ACTIONS_BINDING
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.paged_table import PagedTable, position_text
from casereview.tui.widgets.toc_steps import LEGEND, adherence_cell, status_cell

STEP_HEADINGS = {"letter1": "Letter 1", "choice_discussion": "Choice", "letter2": "Letter 2",
                 "escalation": "Escalation", "letter3": "Letter 3"}
OUTCOMES = {"PREFERRED": "preferred", "INTERIM": "interim", "OTHER_SETTING": "other setting",
            "STILL_IN_HOSPITAL": "in hospital", "DIED": "died"}
# Fixed widths, so that a whole audit fits on a line of a 130-column terminal and nothing
# reflows as the pages turn. Ward codes are unique across sites, so the ward names the site
# (and the site filter narrows the list to one).
COLUMNS = (("Audit date", 11), ("Ward", 8), ("Patient", 12),
           *((heading, max(9, len(heading))) for heading in STEP_HEADINGS.values()),
           ("Adherence", 15), ("Outcome", 13))


def toc_cells(row: dict) -> tuple[Text, ...]:
    """A stored audit as the list shows it: UK dates, each step's status in its colour."""
    return (
        Text(format_uk_date(date.fromisoformat(row["audit_date"]))), Text(row["ward_code"]),
        Text(format_nhs_number(row["patient_ref"])),
        *(status_cell(row[f"{step}_status"], bool(row[f"{step}_date"])) for step in STEPS),
        adherence_cell(row["adherence"]), Text(OUTCOMES.get(row["outcome"], row["outcome"])),
    )


class TocListScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    TocListScreen #filters { height: 3; padding: 0 1; }
    TocListScreen #filters Label { padding: 1 1 0 1; }
    TocListScreen #filters #site { width: 26; }
    TocListScreen #filters #ward { width: 34; }
    TocListScreen #filters #month { width: 14; }
    TocListScreen #filters #adherence { width: 24; }
    TocListScreen #count { padding: 0 1; height: 1; color: $text-muted; }
    TocListScreen #audits { height: 1fr; margin: 0 1; }
    TocListScreen #message { height: auto; padding: 0 1; }
    """

    AUTO_FOCUS = "#audits"

    BINDINGS = [
        Binding("ctrl+n", "new", "New audit"),
        Binding("f3", "focus_list", "List"),
        Binding("f5", "reload", "Refresh"),
        Binding("ctrl+l", "policy", "Policy timeline"),
        ACTIONS_BINDING,
        Binding("delete", "delete", "Delete", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = TocFilter()

    def compose(self) -> ComposeResult:
        reference = self.app.context().reference
        yield Header()
        with Horizontal(id="filters"):
            yield Label("Site")
            yield Select([(f"{c}  {n}", c) for c, n in reference.sites.items()], id="site",
                         prompt="all sites")
            yield Label("Ward")
            yield Select(self._ward_options(None), id="ward", prompt="all wards")
            yield Label("Month")
            yield Input(id="month", placeholder="YYYY-MM")
            yield Label("Adherence")
            yield Select([(a.label, a.value) for a in Adherence], id="adherence",
                         prompt="any")
        yield Static("", id="count")
        yield PagedTable(self.app.worker_db, toc_cells, id="audits")
        yield Static("", id="message")
        yield Footer()

    def _ward_options(self, site: str | None) -> list[tuple[str, str]]:
        reference = self.app.context().reference
        wards = reference.wards_on(site) if site else reference.wards.values()
        return [(f"{w.ward_code}  {w.ward_name}", w.ward_code) for w in wards]

    def on_mount(self) -> None:
        self.title = "Transfer of Care audits"
        self.query_one("#audits", PagedTable).set_columns(COLUMNS)
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from the form: an audit saved or changed there shows, the page keeps its place.
        self.query_one("#audits", PagedTable).reload()

    # --- filters --------------------------------------------------------------------------

    @on(Select.Changed, "#site")
    def _site_changed(self, event: Select.Changed) -> None:
        site = event.value if isinstance(event.value, str) else None
        ward = self.query_one("#ward", Select)
        ward.set_options(self._ward_options(site))
        self.reload()

    @on(Select.Changed, "#ward, #adherence")
    def _filter_changed(self, event: Select.Changed) -> None:
        self.reload()

    @on(Input.Changed, "#month")
    def _month_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self.reload()
            return
        try:
            parse_month(text)
        except PeriodError:
            return  # still typing
        self.reload()

    @on(Input.Submitted, "#month")
    def _month_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            try:
                parse_month(text)
            except PeriodError as exc:
                self.show_message(str(exc), "error")
                return
        self.query_one("#audits", PagedTable).focus()

    def current_filter(self) -> TocFilter:
        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None

        start = end = None
        month_text = self.query_one("#month", Input).value.strip()
        if month_text:
            try:
                month = parse_month(month_text)
                start, end = month.start, month.end
            except PeriodError:
                pass
        adherence = chosen("#adherence")
        return TocFilter(site_code=chosen("#site"), ward_code=chosen("#ward"), start=start,
                         end=end, adherence=Adherence(adherence) if adherence else None)

    # --- the list -------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """List the audits matching the filters from the newest (and count them)."""
        self.filter = self.current_filter()
        self.query_one("#audits", PagedTable).show(toc_list(self.filter))

    @on(PagedTable.PageShown, "#audits")
    def _page_shown(self, event: PagedTable.PageShown) -> None:
        where = position_text(event, "audits")
        if where:
            where += ("   " + LEGEND)
        elif event.total is None:
            where = "Reading the audits…"
        else:
            where = ("No audits match the filters." if self.filter != TocFilter()
                     else "No audits yet — Ctrl+N to enter one.")
        self.query_one("#count", Static).update(where)

    def selected_id(self) -> int | None:
        row = self.query_one("#audits", PagedTable).row_data()
        return None if row is None else row["id"]

    @on(DataTable.RowSelected, "#audits")
    def _open(self, event: DataTable.RowSelected) -> None:
        from casereview.tui.screens.toc_form import TocFormScreen

        self.app.push_screen(TocFormScreen(int(event.row_key.value)), self._after_form)

    def _after_form(self, message: str | None) -> None:
        if message:
            self.show_message(message, "ok")

    def action_new(self) -> None:
        from casereview.tui.screens.toc_form import TocFormScreen

        self.app.push_screen(TocFormScreen(), self._after_form)

    def action_actions(self) -> None:
        """The selected audit's actions (raising the first if it has none)."""
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        record_id = self.selected_id()
        if record_id is not None:
            show_actions(self.app, Source("toc", str(record_id)))

    def action_policy(self) -> None:
        from casereview.tui.screens.toc_policy import TocPolicyScreen

        self.app.push_screen(TocPolicyScreen())

    def action_focus_list(self) -> None:
        self.query_one("#audits", PagedTable).focus()

    def action_delete(self) -> None:
        if not self.query_one("#audits", PagedTable).has_focus:
            return
        record_id = self.selected_id()
        if record_id is None:
            return
        self.confirm_delete(f"audit {record_id}",
                            lambda: soft_delete(self.app.db, "toc", record_id, self.app.user),
                            self.query_one("#audits", PagedTable).reload)
