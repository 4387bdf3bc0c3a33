"""Samples per older-adult ward per ISO week against the weekly target: the wards that missed
it stand out in red, the week still running in yellow until its wards reach the target."""

from __future__ import annotations

from datetime import date, timedelta

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from casereview.domain.values import format_uk_date
from casereview.metrics.periods import week_of
from casereview.storage.errors import DatabaseError
from casereview.storage.experience import WardWeekGrid, set_weekly_target, ward_week_grid
from casereview.tui.widgets.dialogs import AskText
from casereview.tui.widgets.footer import Footer

WEEKS_SHOWN = 8
WARD_WIDTH = 30
MET_ROW = "__met__"


def cell(n: int, target: int, week_over: bool) -> Text:
    """One ward-week: met (green), missed (red, marked), or still running (yellow)."""
    if n >= target:
        return Text(f"{n:>3}  ", style="green")
    if week_over:
        return Text(f"{n:>3} ✗", style="bold white on red")
    return Text(f"{n:>3} …", style="yellow")


def missed_line(grid: WardWeekGrid, week: date, today: date) -> str:
    """The wards short of the target in one week, with their counts, as a sentence."""
    i = grid.weeks.index(week)
    short = [(r.ward.ward_code, r.counts[i]) for r in grid.rows if r.counts[i] < grid.target]
    label = week_of(week).label
    over = week + timedelta(days=6) < today
    if not grid.rows:
        return "No older-adult wards: mark wards as supporting older adults (w on the home screen)."
    if not short:
        return f"[green]{label}: every older-adult ward has its {grid.target}.[/green]"
    listed = ", ".join(f"{code} ({n})" for code, n in short)
    if over:
        return (f"[red][b]{label}: {len(short)} of {len(grid.rows)} wards missed the target:"
                f"[/b] {listed}[/red]")
    return f"[yellow]{label} so far, still short: {listed}[/yellow]"


class ExperienceGridScreen(Screen):
    DEFAULT_CSS = """
    ExperienceGridScreen #target { height: auto; padding: 0 2; }
    ExperienceGridScreen #grid { height: auto; max-height: 1fr; margin: 1 1 0 1; }
    ExperienceGridScreen #missed { height: auto; padding: 1 2 0 2; }
    """

    # on_mount chooses what to focus; the default would take the first field first.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("f5", "shift(-1)", "Earlier"),
        Binding("f6", "shift(1)", "Later"),
        Binding("f4", "next_site", "Site"),
        Binding("f2", "set_target", "Set target"),
        Binding("e", "enter_samples", "Enter samples"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last_week: date | None = None
        self.site: str | None = None
        self.grid: WardWeekGrid | None = None
        self._suspended = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="target")
        yield DataTable(id="grid", cursor_type="cell", zebra_stripes=True, header_height=2)
        yield Static("", id="missed")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Patient experience: samples per ward per week"
        self.last_week = self.app.now().date()
        self.reload()
        self.query_one("#grid", DataTable).focus()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Back from entering samples: the counts have changed.
        if self._suspended:
            self._suspended = False
            self.reload()

    def reload(self) -> None:
        assert self.last_week is not None
        today = self.app.now().date()
        reference = self.app.context().reference
        grid = ward_week_grid(self.app.db, reference, self.last_week, WEEKS_SHOWN,
                              self.site)
        self.grid = grid
        table = self.query_one("#grid", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        # Fixed widths: see add_sample_columns in experience_entry.
        table.add_column("Ward", key="ward", width=WARD_WIDTH)
        for monday in grid.weeks:
            week = week_of(monday)
            table.add_column(Text(f"{week.label[5:]}\n{monday.day} {monday:%b}"),
                             key=monday.isoformat(), width=7)
        table.add_column("Met", key="met", width=5)
        for row in grid.rows:
            over = [m + timedelta(days=6) < today for m in grid.weeks]
            cells = [cell(n, grid.target, o) for n, o in zip(row.counts, over, strict=True)]
            finished = [n for n, o in zip(row.counts, over, strict=True) if o]
            met = sum(1 for n in finished if n >= grid.target)
            table.add_row(Text(f"{row.ward.ward_code} {row.ward.ward_name}"[:WARD_WIDTH]), *cells,
                          Text(f"{met}/{len(finished)}"), key=row.ward.ward_code)
        if grid.rows:
            table.add_row(Text("Wards meeting target", style="bold"),
                          *[Text(f"{grid.met(m)}/{len(grid.rows)}", style="bold")
                            for m in grid.weeks], Text(""), key=MET_ROW)
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        site = f" at {self.site}" if self.site else " at every site"
        self.query_one("#target", Static).update(
            f"Target: [b]{grid.target}[/b] samples per older-adult ward per ISO week{site}. "
            f"Weeks {week_of(grid.weeks[0]).label} to {week_of(grid.weeks[-1]).label} "
            f"({format_uk_date(grid.weeks[0])} - "
            f"{format_uk_date(grid.weeks[-1] + timedelta(days=6))}). "
            "[red] n ✗ [/red] missed, [yellow]n …[/yellow] week still running.")
        self.show_missed()

    def show_missed(self) -> None:
        if self.grid is None:
            return
        today = self.app.now().date()
        lines = []
        finished = [m for m in self.grid.weeks if m + timedelta(days=6) < today]
        if finished:
            lines.append(missed_line(self.grid, finished[-1], today))
        if self.grid.weeks[-1] + timedelta(days=6) >= today:
            lines.append(missed_line(self.grid, self.grid.weeks[-1], today))
        lines.append("[dim]Enter on a cell lists that ward's samples for the week; "
                     "e enters samples for the ward.[/dim]")
        self.query_one("#missed", Static).update("\n".join(lines))

    # --- moving about ---------------------------------------------------------------------

    def action_shift(self, weeks: int) -> None:
        assert self.last_week is not None
        target = self.last_week + timedelta(weeks=weeks)
        if week_of(target).start > self.app.now().date():
            return
        self.last_week = target
        self.reload()

    def action_next_site(self) -> None:
        sites = [None, *self.app.context().reference.sites]
        self.site = sites[(sites.index(self.site) + 1) % len(sites)] \
            if self.site in sites else None
        self.reload()

    def _cursor_ward_week(self) -> tuple[str | None, date | None]:
        table = self.query_one("#grid", DataTable)
        if not table.row_count:
            return None, None
        key = table.coordinate_to_cell_key(table.cursor_coordinate)
        ward = key.row_key.value if key.row_key.value != MET_ROW else None
        column = key.column_key.value
        week = date.fromisoformat(column) if column not in ("ward", "met") else None
        return ward, week

    @on(DataTable.CellSelected, "#grid")
    def _open_week(self, event: DataTable.CellSelected) -> None:
        from casereview.tui.screens.experience_list import ExperienceListScreen

        ward, week = self._cursor_ward_week()
        self.app.push_screen(ExperienceListScreen(ward_code=ward, week=week))

    def action_enter_samples(self) -> None:
        from casereview.tui.screens.experience_entry import ExperienceEntryScreen

        ward, _ = self._cursor_ward_week()
        self.app.push_screen(ExperienceEntryScreen(ward_code=ward))

    def action_set_target(self) -> None:
        current = self.grid.target if self.grid else 5

        def done(value: str | None) -> None:
            if value is None:
                return
            try:
                set_weekly_target(self.app.db, value, self.app.user)
            except (ValueError, DatabaseError) as exc:
                self.notify(f"Target not changed: {escape(str(exc))}", severity="error")
                return
            self.reload()

        self.app.push_screen(AskText(
            "Samples each older-adult ward should collect per ISO week (setting "
            "experience_weekly_target; the change is logged).", value=str(current),
            label="Weekly target"), done)
