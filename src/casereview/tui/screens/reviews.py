"""The case-note reviews: newest first, filtered by status, review date, theme and the
second-stage flag, read from SQLite a page at a time as the cursor nears the end."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from casereview.domain.review import SIGNED_OFF, STATUS_LABELS
from casereview.domain.values import format_nhs_number, format_uk_date, parse_date
from casereview.storage.errors import DatabaseError
from casereview.storage.reviews import (
    Key,
    ReviewFilter,
    ReviewLocked,
    count_reviews,
    delete_review,
    list_reviews,
)
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.widgets.dialogs import Confirm

PAGE_SIZE = 100
# Fetch the next page when the cursor comes this close to the last row loaded.
PREFETCH_ROWS = 10
ANY = "any"


class ReviewListScreen(Screen):
    DEFAULT_CSS = """
    ReviewListScreen #filters { height: 3; padding: 0 1; }
    ReviewListScreen #filters Label { padding: 1 0 0 1; }
    ReviewListScreen #filters #status { width: 20; }
    ReviewListScreen #filters #theme { width: 30; }
    ReviewListScreen #filters #second_stage { width: 22; }
    ReviewListScreen #filters Input { width: 16; }
    ReviewListScreen #summary { height: auto; padding: 0 1; }
    ReviewListScreen #reviews { height: 1fr; margin: 0 1; }
    """

    BINDINGS = [
        Binding("n", "new", "New review"),
        Binding("f2", "focus_filters", "Filters"),
        Binding("f3", "focus_list", "List"),
        Binding("delete", "delete", "Delete draft"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = ReviewFilter()
        self.next_key: Key | None = None
        self.loading = False

    def compose(self) -> ComposeResult:
        themes = self.app.context().reference.review_themes
        yield Header()
        with Horizontal(id="filters"):
            yield Select([("Any status", ANY), *[(STATUS_LABELS[s].capitalize(), s)
                                                  for s in STATUS_LABELS]],
                         value=ANY, allow_blank=False, id="status")
            yield Label("From")
            yield Input(placeholder="DD/MM/YYYY", id="date_from")
            yield Label("to")
            yield Input(placeholder="DD/MM/YYYY", id="date_to")
            yield Select([("Any theme", ANY), *[(code, code) for code in themes]], value=ANY,
                         allow_blank=False, id="theme")
            yield Select([("Any 2nd stage", ANY), ("2nd stage needed", "yes"),
                          ("No 2nd stage", "no")], value=ANY, allow_blank=False,
                         id="second_stage")
        yield Static("", id="summary")
        yield DataTable(id="reviews", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Case-note reviews"
        self.query_one("#reviews", DataTable).add_columns(
            "Review date", "Patient", "Age", "Status", "Outcome", "Ideal → actual", "Overall",
            "2nd stage", "Agencies", "Themes")
        self.query_one("#reviews", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    # --- filters --------------------------------------------------------------------------

    def read_filters(self) -> ReviewFilter | None:
        """The filters as typed, or None (with a message) while a date is not yet a date."""
        def pick(widget_id: str) -> str | None:
            value = self.query_one(f"#{widget_id}", Select).value
            return None if value in (ANY, Select.NULL) else str(value)

        dates: dict[str, date | None] = {}
        for widget_id in ("date_from", "date_to"):
            text = self.query_one(f"#{widget_id}", Input).value
            try:
                dates[widget_id] = parse_date(text) if text.strip() else None
            except ValueError as exc:
                self.show_summary(f"[red]{'From' if widget_id == 'date_from' else 'To'} "
                                  f"date: {exc}[/red]")
                return None
        stage = pick("second_stage")
        return ReviewFilter(status=pick("status"), date_from=dates["date_from"],
                            date_to=dates["date_to"], theme=pick("theme"),
                            second_stage=None if stage is None else stage == "yes")

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self.apply_filters()

    @on(Input.Changed)
    def _date_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        # Re-filter once the date is blank or looks whole; a half-typed date waits.
        if not text or len(text) >= 8:
            self.apply_filters()

    @on(Input.Submitted)
    def _date_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply_filters():
            self.action_focus_list()

    def apply_filters(self) -> bool:
        filters = self.read_filters()
        if filters is None:
            return False
        self.filters = filters
        self.reload()
        return True

    # --- the list -------------------------------------------------------------------------

    def reload(self) -> None:
        table = self.query_one("#reviews", DataTable)
        current = self.selected_id()
        table.clear()
        self.next_key = None
        self.load_page(after=None)
        # Back from a review: keep the cursor on it if it is still in the first page.
        if current is not None and str(current) in table.rows:
            table.move_cursor(row=table.get_row_index(str(current)))
        total = count_reviews(self.app.db, self.filters)
        self.show_summary(
            f"[b]{total}[/b] review{'s' if total != 1 else ''}"
            + (" match the filters" if self.filters != ReviewFilter() else "")
            + "   [dim]Enter opens, n starts a new review, F2 filters[/dim]")

    def load_page(self, after: Key | None) -> None:
        table = self.query_one("#reviews", DataTable)
        page = list_reviews(self.app.db, self.filters, after=after, limit=PAGE_SIZE)
        for row in page.rows:
            table.add_row(*_cells(row), key=str(row["id"]))
        self.next_key = page.next_key

    @on(DataTable.RowHighlighted, "#reviews")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self.next_key is not None and event.cursor_row >= table.row_count - PREFETCH_ROWS:
            self.load_page(after=self.next_key)

    @on(DataTable.RowSelected, "#reviews")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReviewFormScreen(int(event.row_key.value)))

    def selected_id(self) -> int | None:
        table = self.query_one("#reviews", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_new(self) -> None:
        self.app.push_screen(ReviewFormScreen())

    def action_focus_filters(self) -> None:
        self.query_one("#status", Select).focus()

    def action_focus_list(self) -> None:
        self.query_one("#reviews", DataTable).focus()

    def action_delete(self) -> None:
        if not self.query_one("#reviews", DataTable).has_focus:
            return
        record_id = self.selected_id()
        if record_id is None:
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                delete_review(self.app.db, record_id, self.app.user)
            except (ReviewLocked, DatabaseError) as exc:
                self.show_summary(f"[red]Not deleted: {escape(str(exc))}[/red]")
                return
            self.reload()

        self.app.push_screen(Confirm(f"Delete review {record_id}? It leaves every measure; "
                                     "the change log keeps it."), done)

    def show_summary(self, text: str) -> None:
        self.query_one("#summary", Static).update(text)


def _cells(row: dict) -> tuple[str, ...]:
    ideal, actual = row["ideal_outcome"] or "?", row["actual_outcome"] or "?"
    if row["non_ideal_outcome"] is None:
        outcome = ""
    elif not row["non_ideal_outcome"]:
        outcome = "ideal"
    elif row["more_care_than_needed"]:
        outcome = "[red]more care[/red]"
    else:
        outcome = "[yellow]non-ideal[/yellow]"
    stage = {None: "", 0: "", 1: "[red]needed[/red]"}[row["second_stage"]]
    status = STATUS_LABELS[row["status"]]
    if row["status"] == SIGNED_OFF:
        status = f"[green]{status}[/green]"
    agencies = row["agencies"].split(";") if row["agencies"] else []
    return (
        format_uk_date(date.fromisoformat(row["review_date"])),
        format_nhs_number(row["patient_ref"] or ""),
        "" if row["age"] is None else str(row["age"]),
        status,
        outcome,
        f"{ideal} → {actual}" if row["ideal_outcome"] or row["actual_outcome"] else "",
        "" if row["score_overall"] is None else str(row["score_overall"]),
        stage,
        f"{len(agencies)}: {', '.join(agencies)}" if agencies else "",
        row["themes"].replace(";", ", "),
    )
