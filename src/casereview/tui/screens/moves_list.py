"""The moves register: every move logged, newest first, at all sites or one, paged from
SQLite however many years it holds. Enter opens the move's night in the night log."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select, Static

from casereview.domain.values import format_nhs_number, format_uk_date
from casereview.storage.moves import moves_register
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.paged_table import PagedTable, position_text

ALL_SITES = "*"
# Fixed widths: every page lines up the same, and nothing reflows as pages turn.
COLUMNS = (("Night of", 11), ("Moved at", 17), ("Site", 6), ("From", 10), ("To", 10),
           ("Reason", 22), ("Move no.", 8), ("Age", 3), ("Dementia", 8), ("Authorised by", 28),
           ("Informed", 8), ("Patient", 12), ("Notes", 32))


def _yes_no(value: int | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def move_cells(row: dict, clinical: dict[str, bool]) -> tuple[Text, ...]:
    """A stored move as the register shows it (UK dates, local times). Every cell is Text:
    what people typed is shown as typed ("[/b]" in a note is not markup), and the table does
    not parse each cell for markup as it draws it."""
    night = row["audit_night"]
    moved_at = row["moved_at"]
    return (
        Text(format_uk_date(date.fromisoformat(night))) if night else Text("day", style="dim"),
        Text(f"{format_uk_date(date.fromisoformat(moved_at[:10]))} {moved_at[11:16]}"),
        Text(row["site_code"]), Text(row["from_ward"]), Text(row["to_ward"]),
        Text(row["reason"] + (" (clinical)" if clinical.get(row["reason"]) else "")),
        Text("" if row["move_number"] is None else str(row["move_number"])),
        Text("" if row["age"] is None else str(row["age"])),
        Text(_yes_no(row["dementia"])),
        Text(row["authorised_by"]) if row["authorised_by"] else Text("not recorded", style="red"),
        Text(_yes_no(row["informed"])),
        Text(format_nhs_number(row["patient_ref"]) if row["patient_ref"] else ""),
        Text(row["notes"] or ""),
    )


class MovesListScreen(Screen):
    DEFAULT_CSS = """
    MovesListScreen #bar { height: 3; padding: 0 1; }
    MovesListScreen #bar Label { padding: 1 1 0 0; }
    MovesListScreen #bar Select { width: 44; }
    MovesListScreen #position { padding: 1 2 0 2; width: 1fr; }
    MovesListScreen #moves { height: 1fr; margin: 0 1; }
    """

    # Straight to the list: a focus change rebuilds the footer, which is a good part of the
    # time to the first painted page.
    AUTO_FOCUS = "#moves"

    BINDINGS = [
        Binding("f2", "focus_site", "Site"),
        Binding("f3", "focus_moves", "Moves"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        reference = self.app.context().reference
        self.clinical = {code: clinical for code, (_, clinical) in reference.reasons.items()}
        with Horizontal(id="bar"):
            yield Label("Site")
            yield Select([("All sites", ALL_SITES)]
                         + [(f"{code}  {name}", code) for code, name in reference.sites.items()],
                         id="site", allow_blank=False, value=ALL_SITES)
            yield Static("", id="position")
        yield PagedTable(self.app.worker_db, lambda row: move_cells(row, self.clinical),
                         id="moves")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Moves register"
        table = self.query_one("#moves", PagedTable)
        table.set_columns(COLUMNS)
        self.site_shown: str | None = None
        table.show(moves_register())

    @on(Select.Changed, "#site")
    def _site_changed(self, event: Select.Changed) -> None:
        site = event.value if isinstance(event.value, str) and event.value != ALL_SITES else None
        if site == self.site_shown:
            return  # the Select's first Changed, for the list on_mount already asked for
        self.site_shown = site
        self.query_one("#moves", PagedTable).show(moves_register(site))

    @on(PagedTable.PageShown)
    def _page_shown(self, event: PagedTable.PageShown) -> None:
        self.query_one("#position", Static).update(
            position_text(event, "moves") or "No moves logged yet.")

    @on(DataTable.RowSelected, "#moves")
    def _open_night(self, event: DataTable.RowSelected) -> None:
        from casereview.tui.screens.night_log import NightLogScreen

        row = self.query_one("#moves", PagedTable).row_data()
        if row is None:
            return
        if not row["audit_night"]:
            self.notify("This move was outside the night window; it belongs to no night.",
                        severity="warning")
            return
        self.app.push_screen(NightLogScreen(site=row["site_code"],
                                            night=date.fromisoformat(row["audit_night"])))

    def on_screen_resume(self) -> None:
        # A move edited or deleted in the night log shows here on return.
        self.query_one("#moves", PagedTable).reload()

    def action_focus_site(self) -> None:
        self.query_one("#site", Select).focus()

    def action_focus_moves(self) -> None:
        self.query_one("#moves", PagedTable).focus()
