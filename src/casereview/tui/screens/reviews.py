"""The case-note reviews: newest first, filtered by status, review date, theme and the
second-stage flag, read from SQLite a page at a time (keyset paging; End and Home jump to
the oldest and the newest)."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from casereview.domain.review import SIGNED_OFF, STATUS_LABELS
from casereview.domain.values import format_nhs_number, format_uk_date, parse_date
from casereview.storage.reviews import ReviewFilter, ReviewLocked, delete_review, review_list
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.paged_table import PagedTable, position_text

ANY = "any"
# Fixed widths: one review a line, and nothing reflows as the pages turn. Themes, the
# longest, come last.
COLUMNS = (("Review date", 11), ("Patient", 12), ("Age", 3), ("Status", 10),
           ("Outcome", 9), ("Ideal → actual", 27), ("Overall", 7), ("2nd stage", 9),
           ("Agencies", 18), ("Themes", 48))


class ReviewListScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    ReviewListScreen #filters { height: 3; padding: 0 1; }
    ReviewListScreen #filters Label { padding: 1 0 0 1; }
    ReviewListScreen #filters #status { width: 20; }
    ReviewListScreen #filters #theme { width: 30; }
    ReviewListScreen #filters #second_stage { width: 22; }
    ReviewListScreen #filters Input { width: 18; }
    ReviewListScreen #summary { height: auto; padding: 0 1; }
    ReviewListScreen #reviews { height: 1fr; margin: 0 1; }
    """

    AUTO_FOCUS = "#reviews"

    BINDINGS = [
        Binding("ctrl+n", "new", "New review"),
        Binding("n", "new", "New review", show=False),
        Binding("f2", "focus_filters", "Filters"),
        Binding("f3", "focus_list", "List"),
        Binding("delete", "delete", "Delete draft"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = ReviewFilter()

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
        yield PagedTable(self.app.worker_db, review_cells, id="reviews")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Case-note reviews"
        self.query_one("#reviews", PagedTable).set_columns(COLUMNS)
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from a review: its changes show, and the page and the cursor keep their place.
        self.query_one("#reviews", PagedTable).reload()

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
        """List the reviews matching the filters from the newest (and count them)."""
        self.query_one("#reviews", PagedTable).show(review_list(self.filters))

    @on(PagedTable.PageShown, "#reviews")
    def _page_shown(self, event: PagedTable.PageShown) -> None:
        where = position_text(event, "reviews")
        if where and self.filters != ReviewFilter():
            where += " (filtered)"
        elif not where:
            where = ("Reading the reviews…" if event.total is None else
                     "No reviews match the filters." if self.filters != ReviewFilter() else
                     "No reviews yet.")
        self.show_summary(f"{escape(where)}   [dim]Enter opens, Ctrl+N starts a new review, "
                          "F2 filters[/dim]")

    @on(DataTable.RowSelected, "#reviews")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReviewFormScreen(int(event.row_key.value)))

    def selected_id(self) -> int | None:
        row = self.query_one("#reviews", PagedTable).row_data()
        return None if row is None else row["id"]

    def action_new(self) -> None:
        self.app.push_screen(ReviewFormScreen())

    def action_focus_filters(self) -> None:
        self.query_one("#status", Select).focus()

    def action_focus_list(self) -> None:
        self.query_one("#reviews", PagedTable).focus()

    def action_delete(self) -> None:
        if not self.query_one("#reviews", PagedTable).has_focus:
            return
        record_id = self.selected_id()
        if record_id is None:
            return
        self.confirm_delete(
            f"review {record_id}", lambda: delete_review(self.app.db, record_id, self.app.user),
            self.query_one("#reviews", PagedTable).reload, restorable=False,
            refused=(ReviewLocked,), report=lambda text: self.show_summary(f"[red]{text}[/red]"))

    def show_summary(self, text: str) -> None:
        self.query_one("#summary", Static).update(text)


def review_cells(row: dict) -> tuple[Text, ...]:
    """A stored review as the list shows it; what people typed is shown as typed."""
    ideal, actual = row["ideal_outcome"] or "?", row["actual_outcome"] or "?"
    if row["non_ideal_outcome"] is None:
        outcome = Text("")
    elif not row["non_ideal_outcome"]:
        outcome = Text("ideal")
    elif row["more_care_than_needed"]:
        outcome = Text("more care", style="red")
    else:
        outcome = Text("non-ideal", style="yellow")
    status = Text(STATUS_LABELS[row["status"]],
                  style="green" if row["status"] == SIGNED_OFF else "")
    agencies = row["agencies"].split(";") if row["agencies"] else []
    return (
        Text(format_uk_date(date.fromisoformat(row["review_date"]))),
        Text(format_nhs_number(row["patient_ref"] or "")),
        Text("" if row["age"] is None else str(row["age"])),
        status,
        outcome,
        Text(f"{ideal} → {actual}" if row["ideal_outcome"] or row["actual_outcome"] else ""),
        Text("" if row["score_overall"] is None else str(row["score_overall"])),
        Text("needed", style="red") if row["second_stage"] else Text(""),
        Text(f"{len(agencies)}: {', '.join(agencies)}" if agencies else ""),
        Text(row["themes"].replace(";", ", ")),
    )
