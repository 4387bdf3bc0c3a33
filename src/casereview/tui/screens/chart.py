"""One measure's SPC chart: the weekly series with each segment's mean and limits, the weeks
that signal special cause marked, rebases and notes shown, and the weeks listed beside their
reading. Opened with Enter on a measure of the dashboard; for all sites and each site it
reads the scorecard already computed, so it opens at once; a ward's series is computed when
the ward is chosen.

Keys: F2 steps through the scopes (all sites, each site, each ward where the measure has ward
scope); r rebases the chart at the week selected in the list (a reason is required), or takes
back the rebase there; n adds a note to the selected week, x removes its latest note (after
asking). Each is saved at once and logged.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from casereview.domain.values import format_uk_date
from casereview.metrics.definitions import MEASURES
from casereview.metrics.display import (
    ASSURANCE_SHORT,
    DIRECTION_WORDS,
    VARIATION_SHORT,
    format_target,
    format_value,
    scope_title,
)
from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import DASHBOARD_SCOPES, Line, Scorecard, chart_of, scope_kind
from casereview.metrics.series import chart_weeks, target_for, weekly_series
from casereview.metrics.spc import SIGNAL_WORDS
from casereview.storage.spc import (
    ChartSettingInvalid,
    active_rebases,
    add_note,
    delete_note,
    notes_for,
    rebase,
    undo_rebase,
)
from casereview.tui.widgets.dialogs import AskText, Confirm
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.scorecard_view import VARIATION_STYLES
from casereview.tui.widgets.xmr_chart import NOTE, REBASE, XmrChart

# The scopes the dashboard's scorecard holds; a ward's series is computed here.
CARD_SCOPES = DASHBOARD_SCOPES


class ChartScreen(Screen):
    DEFAULT_CSS = """
    ChartScreen #chart-about { height: auto; padding: 0 1; }
    ChartScreen XmrChart { height: 1fr; min-height: 12; margin: 0 1; }
    ChartScreen #weeks { height: 12; margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f2", "next_scope", "Scope"),
        Binding("f3", "focus_weeks", "Weeks list"),
        Binding("r", "rebase", "Rebase at week"),
        Binding("n", "note", "Note on week"),
        Binding("x", "remove_note", "Remove week's note"),
        Binding("f9", "actions", "Actions"),
    ]

    def __init__(self, card: Scorecard, measure: str, scope: str = "all") -> None:
        super().__init__()
        self.card, self.measure, self.scope = card, measure, scope
        self._weekly: dict[str, list] = {}   # a ward's weekly series, once computed
        self._line: Line | None = None

    # --- the chart of the current scope, with its rebases and notes as stored --------------

    def _series(self, scope: str) -> list:
        if scope_kind(scope) in CARD_SCOPES:
            return self.card.line(self.measure, scope).weekly
        if scope not in self._weekly:
            db, anchor = self.app.db, self.card.anchor
            self._weekly[scope] = weekly_series(db, self.measure, scope, anchor,
                                                chart_weeks(db, anchor))
        return self._weekly[scope]

    @property
    def line(self) -> Line:
        """The current scope's line, its chart drawn with the rebases and notes stored now."""
        if self._line is None or self._line.scope != self.scope:
            db, key = self.app.db, (self.measure, self.scope)
            weekly = self._series(self.scope)
            target = target_for(self.card.targets, self.measure, self.scope)
            chart = chart_of(weekly, self.measure, self.scope, target,
                             {key: active_rebases(db, *key)}, {key: notes_for(db, *key)})
            base = (self.card.line(self.measure, self.scope)
                    if scope_kind(self.scope) in CARD_SCOPES else None)
            self._line = Line(MEASURES[self.measure], self.scope,
                              base and base.current, base and base.previous, weekly,
                              base.recent if base else [], chart, self.card.anchor.label,
                              target, base and base.period_target)
        return self._line

    def scopes(self) -> list[str]:
        """All sites, each site, and each ward where the measure has ward scope."""
        kinds = self.line.measure.scopes
        out = ["all"] if "all" in kinds else []
        if "site" in kinds:
            out += [f"site:{code}" for code in self.card.reference.sites]
        if "ward" in kinds:
            out += [f"ward:{code}" for code in self.card.reference.wards]
        return out

    # --- drawing -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="chart-about")
        yield XmrChart(self.line.chart, id="chart")
        yield DataTable(id="weeks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "SPC chart"
        table = self.query_one("#weeks", DataTable)
        table.add_column("Week", width=9)
        table.add_column("Monday", width=12)
        table.add_column(Text("Value", justify="right"), width=9)
        table.add_column(Text("Mean", justify="right"), width=8)
        table.add_column("Reading", width=13)
        table.add_column("Why, rebases and notes", width=60)
        self.draw()

    def draw(self) -> None:
        line, chart = self.line, self.line.chart
        name = line.measure.name
        reference = self.card.reference
        where = scope_title(self.scope, reference.sites, reference.wards)
        about = [f"[b]{line.measure.title}[/b]  ·  {where}  ·  "
                 f"{DIRECTION_WORDS[line.measure.direction]}",
                 f"Read at week {line.week}: {line.signal}."]
        for segment in chart.segments:
            if segment.mean is None:
                continue
            limits = (f", limits {format_value(name, segment.lcl, as_mean=True)} to "
                      f"{format_value(name, segment.ucl, as_mean=True)}"
                      if segment.ucl is not None else "")
            reason = f" (rebased: {segment.reason})" if segment.reason is not None else ""
            about.append(f"{segment.start} to {segment.end}{reason}: mean of the first "
                         f"{segment.baseline_n} weeks with data "
                         f"{format_value(name, segment.mean, as_mean=True)}{limits}.")
        about.append("[#5b9bd5]◆ improvement[/]  [#ed7d31]◆ concern[/]  • common cause"
                     f"  [#ffc000]{REBASE} rebase[/]  [magenta]{NOTE} note[/]"
                     + ("  [green]╌ target[/]" if line.target is not None else "")
                     + "   [dim]r: rebase at the selected week   n: note[/dim]")
        if line.target is not None:
            assurance = (f": {ASSURANCE_SHORT[line.assurance].lower()}"
                         if line.assurance else "")
            # The chart is weekly, so it shows the target as set: a count's is a week's.
            weekly = " a week" if line.measure.is_count else ""
            about.append(f"Target {format_target(name, line.target)}{weekly}{assurance}.")
        self.query_one("#chart-about", Static).update("\n".join(about))
        chart_widget = self.query_one(XmrChart)
        chart_widget.chart = chart
        chart_widget.refresh()

        table = self.query_one("#weeks", DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        starts = {s.start: s.reason for s in chart.segments if s.reason is not None}
        for point in reversed(chart.points):  # newest first
            monday = parse_week(point.week).start
            why = []
            if point.flagged:
                reading = Text(VARIATION_SHORT[point.variation],
                               style=VARIATION_STYLES[point.variation])
                why.append(SIGNAL_WORDS[(point.rules[0], point.side)]
                           + (f" (+{len(point.rules) - 1} more)" if len(point.rules) > 1
                              else ""))
            else:
                reading = Text("" if point.variation is None else "Common cause", style="dim")
            if point.week in starts:
                why.append(f"{REBASE} rebased: {starts[point.week]}")
            why += [f"{NOTE} {text}" for text in point.notes]
            mean = "" if point.mean is None else format_value(name, point.mean, as_mean=True)
            table.add_row(point.week, format_uk_date(monday),
                          Text(format_value(name, point.value), justify="right"),
                          Text(mean, justify="right"), reading, "; ".join(why), key=point.week)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    # --- keys ------------------------------------------------------------------------------------

    def action_next_scope(self) -> None:
        scopes = self.scopes()
        if len(scopes) < 2:
            return
        at = scopes.index(self.scope) if self.scope in scopes else -1
        self.scope = scopes[(at + 1) % len(scopes)]
        self.draw()

    def action_actions(self) -> None:
        """This measure's actions at this scope (raising the first if it has none)."""
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        show_actions(self.app, Source("measure", self.measure, self.scope))

    def action_focus_weeks(self) -> None:
        self.query_one("#weeks", DataTable).focus()

    def selected_week(self) -> str | None:
        table = self.query_one("#weeks", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_rebase(self) -> None:
        week = self.selected_week()
        if week is None:
            return
        title = self.line.measure.title
        where = scope_title(self.scope, self.card.reference.sites, self.card.reference.wards)
        rebased = any(r.week == week for r in active_rebases(self.app.db, self.measure,
                                                             self.scope))
        if rebased:
            question = (f"Take back the rebase of [b]{title}[/b] ({where}) at {week}? Its "
                        f"limits will again run on from the segment before. Why?")
        else:
            question = (f"Rebase [b]{title}[/b] ({where}) at {week}: from this week the mean "
                        f"and limits are recalculated from the new process. What changed?")

        def done(reason: str | None) -> None:
            if reason is None:
                return
            change = undo_rebase if rebased else rebase
            self._save(lambda: change(self.app.db, self.measure, self.scope, week, reason,
                                      self.app.user),
                       f"Rebase at {week} taken back" if rebased else f"Rebased at {week}")

        self.app.push_screen(AskText(question, label="Reason", required=True), done)

    def action_note(self) -> None:
        week = self.selected_week()
        if week is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            self._save(lambda: add_note(self.app.db, self.measure, self.scope, week, text,
                                        self.app.user), f"Note added to {week}")

        self.app.push_screen(AskText(f"A note on {week} of [b]{self.line.measure.title}"
                                     f"[/b], shown on the chart and in the board pack.",
                                     label="Note", required=True), done)

    def action_remove_note(self) -> None:
        week = self.selected_week()
        notes = [n for n in notes_for(self.app.db, self.measure, self.scope) if n.week == week]
        if not notes:
            self.notify(f"{week} has no note on this chart.", severity="warning")
            return
        note = notes[-1]

        def done(yes: bool | None) -> None:
            if yes:
                self._save(lambda: delete_note(self.app.db, note.id, self.app.user),
                           f"Note on {week} removed")

        self.app.push_screen(Confirm(f"Remove the note on {week}: [i]{note.text}[/i]?"), done)

    def _save(self, save, done: str) -> None:
        try:
            save()
        except ChartSettingInvalid as exc:
            self.notify(f"Not saved: {exc}", severity="error")
            return
        self._line = None
        self.draw()
        self.notify(done)

