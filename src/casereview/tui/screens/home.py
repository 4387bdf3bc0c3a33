"""The home screen: the dashboard (the period's scorecard, by all sites or each site), where
everything is (the destination keys), and what needs doing now (nights without a return).

The scorecard is computed in a thread worker with its own connection, so the screen never
freezes; switching between all sites and one site redraws from the scorecard already made.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from casereview.domain.values import format_uk_date
from casereview.metrics.periods import Period, month_of, quarter_of, week_of
from casereview.storage.changelog import last_change_id
from casereview.storage.nights import unaudited_nights
from casereview.tui.navigation import destinations
from casereview.tui.screens.action_sources import ACTIONS_BINDING
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.menu_grid import MenuGrid
from casereview.tui.widgets.scorecard_view import ScorecardView

if TYPE_CHECKING:
    # The metrics engine and every record model behind it are loaded by the scorecard's
    # worker, not before the first paint (bench/README.md, cold start).
    from casereview.metrics.scorecard import Scorecard

KINDS = ("week", "month", "quarter")
SHOWN_NIGHTS = 3
PERIOD_OF = {"week": week_of, "month": month_of, "quarter": quarter_of}


def default_period(today: date) -> Period:
    """The last week that has ended: on a Monday morning, the week just gone."""
    return week_of(today).previous()


def period_of_kind(kind: str, current: Period, today: date) -> Period:
    """The period of another kind that holds the current one's end, going no later than the
    last week that has ended (a month or quarter may be in progress, a week is not chosen so)."""
    last_week = default_period(today)
    day = min(current.end, last_week.end)
    return PERIOD_OF[kind](day)


class ScorecardReady(Message):
    def __init__(self, card: Scorecard, request: int) -> None:
        super().__init__()
        self.card, self.request = card, request


class HomeScreen(Screen):
    DEFAULT_CSS = """
    HomeScreen #bottom { height: 14; border-top: solid $primary-darken-2; }
    HomeScreen #menu-box { width: 1fr; height: 100%; }
    HomeScreen #side { width: 60; height: 100%; padding: 0 1; }
    HomeScreen #plan, HomeScreen #todo { height: auto; }
    """

    BINDINGS = [
        Binding("left_square_bracket", "shift_period(-1)", "Prev period", key_display="["),
        Binding("right_square_bracket", "shift_period(1)", "Next period", key_display="]"),
        Binding("f2", "next_scope", "Site"),
        Binding("f3", "next_kind", "Week/month/qtr"),
        Binding("f4", "set_target", "Target"),
        Binding("f5", "refresh", "Refresh"),
        ACTIONS_BINDING,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period: Period | None = None
        self.scope = "all"
        self.card: Scorecard | None = None
        self._card_change: int | None = None  # the last change-log entry the card has seen
        self._request = 0
        self._painted = False  # the first frame is on screen: the workers may start

    def compose(self) -> ComposeResult:
        yield Header()
        yield ScorecardView(id="scorecard")
        with Horizontal(id="bottom"):
            with Vertical(id="menu-box"):
                yield Static("Where to go: press the key, or Tab here, the arrows and Enter",
                             classes="title")
                yield MenuGrid(destinations(self.app.access), id="menu")
            with Vertical(id="side"):
                yield Static("", id="plan")
                yield Static("", id="todo")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Dashboard"
        for dest in destinations(self.app.access):
            self._bindings.bind(dest.key, f"go('{dest.key}')", dest.title, show=False)
        self.refresh_bindings()
        self.period = default_period(self.app.now().date())
        self.query_one(ScorecardView).table.focus()
        self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        self._painted = True

    def _after_first_paint(self, start: Callable[..., object], *args) -> None:
        """Start a worker now, or once the first frame is on screen: the scorecard and the
        plan panel are read in threads, and a thread importing the metrics engine and the
        record models while the first frame is drawn takes the interpreter from it (the
        first frame shows that they are coming)."""
        if self._painted:
            start(*args)
        else:
            self.call_after_refresh(start, *args)

    def on_screen_resume(self) -> None:
        # Back from another screen: the nights panel and the scorecard change only if records
        # or settings did, and every change has a change-log entry, so the last entry says
        # whether to compute the scorecard again (it reads two years of weeks: seconds on a
        # large database, better not spent on every return from browsing).
        self.refresh_todo()
        if self.card is None or last_change_id(self.app.db) != self._card_change:
            self.recompute()

    # --- the scorecard -----------------------------------------------------------------------

    @property
    def view(self) -> ScorecardView:
        return self.query_one(ScorecardView)

    def recompute(self) -> None:
        self._card_change = last_change_id(self.app.db)
        self._request += 1
        self.view.waiting(f"Computing the scorecard for {self.period.label}…")
        self._after_first_paint(self.compute_scorecard, self.period, self._request)

    @work(thread=True, exclusive=True, group="scorecard", exit_on_error=False)
    def compute_scorecard(self, period: Period, request: int) -> None:
        worker = get_current_worker()
        db = self.app.worker_db()
        try:
            now = self.app.now()  # the app's clock: which nights have ended, what is to date
            card = build_scorecard(db, period, today=now.date(), generated_at=now)
        finally:
            db.close()
        if not worker.is_cancelled:
            self.post_message(ScorecardReady(card, request))

    def on_scorecard_ready(self, message: ScorecardReady) -> None:
        if message.request != self._request:
            return  # an older period's answer, overtaken by a newer request
        self.card = message.card
        if self.scope not in self.card.scopes():
            self.scope = "all"
        self.view.show(self.card, self.scope)
        self.app.keep_long_lived()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "scorecard" and event.state == WorkerState.ERROR:
            self.view.waiting(f"[red]The scorecard could not be computed: "
                              f"{event.worker.error}[/red]")
            self.view.table.loading = False

    def action_shift_period(self, step: int) -> None:
        period = self.period.previous() if step < 0 else _next(self.period)
        if step > 0 and period.start > self.app.now().date():
            self.notify("That period has not started yet.", severity="warning")
            return
        self.period = period
        self.recompute()

    def action_next_kind(self) -> None:
        kind = KINDS[(KINDS.index(self.period.kind) + 1) % len(KINDS)]
        self.period = period_of_kind(kind, self.period, self.app.now().date())
        self.recompute()

    def action_next_scope(self) -> None:
        if self.card is None:
            return
        scopes = self.card.scopes()
        self.scope = scopes[(scopes.index(self.scope) + 1) % len(scopes)]
        self.view.show(self.card, self.scope)

    def action_refresh(self) -> None:
        self.recompute()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        line = self.view.selected_line()
        if line is not None and self.card is not None:
            from casereview.tui.screens.chart import ChartScreen

            self.app.push_screen(ChartScreen(self.card, line.measure.name, line.scope))

    def action_set_target(self) -> None:
        line = self.view.selected_line()
        if line is None or self.card is None:
            self.notify("Choose a measure in the scorecard first.", severity="warning")
            return
        from casereview.metrics.display import scope_title
        from casereview.tui.widgets.dialogs import AskText

        measure, scope = line.measure.name, line.scope
        where = scope_title(scope, self.card.reference.sites)
        current = "" if line.target is None else f"{line.target:g}"

        def done(text: str | None) -> None:
            from casereview.metrics.series import TargetInvalid, set_target

            if text is None:
                return
            try:
                value = set_target(self.app.db, measure, scope, text, self.app.user)
            except TargetInvalid as exc:
                self.notify(f"Target not saved: {exc}", severity="error")
                return
            self.notify(f"Target for {line.measure.title} ({where}) "
                        + ("cleared" if value is None else f"set to {value:g}"))
            self.recompute()

        # Targets are weekly whatever period is shown; a count's is asked for as a week's.
        per = " per week (a month or quarter is compared pro rata)" \
            if line.measure.is_count else ""
        self.app.push_screen(AskText(
            f"Target for [b]{line.measure.title}[/b] ({where}){per}. A blank clears it.",
            value=current, label="Weekly target" if line.measure.is_count else "Target",
            required=False), done)

    # --- where to go, what needs doing --------------------------------------------------------

    def refresh_todo(self) -> None:
        self._after_first_paint(self.refresh_plan)
        today = self.app.now().date()
        missing = unaudited_nights(self.app.db, today - timedelta(days=7),
                                   today - timedelta(days=1))
        if missing:
            # The newest few, and how many in all: the panel shares its lines with the
            # programme targets and the overdue actions.
            lines = [f"  {site}: night of {format_uk_date(date.fromisoformat(night))}"
                     for site, night in missing[:SHOWN_NIGHTS]]
            text = (f"[b]Nights with no return (last 7 days): {len(missing)}[/b]\n"
                    + "\n".join(lines))
        else:
            text = "[b]Every night of the last 7 has its audit return.[/b]"
        self.query_one("#todo", Static).update(text)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def refresh_plan(self) -> None:
        """Each current programme target against expected, and the overdue actions: read in
        a worker (the targets' models are not needed for the first paint)."""
        from casereview.tui.screens.home_plan import plan_text

        db = self.app.worker_db()
        try:
            text = plan_text(db, self.app.now().date())
        finally:
            db.close()
        self.app.call_from_thread(self.query_one("#plan", Static).update, text)

    def action_actions(self) -> None:
        """The selected measure's actions at its scope (raising the first if none)."""
        line = self.view.selected_line()
        if line is None:
            self.notify("Choose a measure in the scorecard first.", severity="warning")
            return
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        show_actions(self.app, Source("measure", line.measure.name, line.scope))

    def action_go(self, key: str) -> None:
        for dest in destinations(self.app.access):
            if dest.key == key:
                self.app.open_destination(dest.factory)

    def on_menu_grid_chosen(self, event: MenuGrid.Chosen) -> None:
        self.action_go(event.key)


def build_scorecard(*args, **kwargs) -> Scorecard:
    """metrics.scorecard.build_scorecard for the scopes the dashboard shows, imported on the
    first call (in the worker)."""
    from casereview.metrics.scorecard import DASHBOARD_SCOPES
    from casereview.metrics.scorecard import build_scorecard as build

    return build(*args, scope_kinds=DASHBOARD_SCOPES, **kwargs)


def _next(period: Period) -> Period:
    return PERIOD_OF[period.kind](period.end + timedelta(days=1))
