"""One measure's SPC chart: the weekly series with its mean and limits, the weeks that signal
special cause marked, and the weeks listed beside their reading. Opened with Enter on a
measure of the dashboard; it reads the scorecard already computed, so it opens at once."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from casereview.domain.values import format_uk_date
from casereview.metrics.display import (
    ASSURANCE_SHORT,
    DIRECTION_WORDS,
    VARIATION_SHORT,
    format_target,
    format_value,
    scope_title,
)
from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import Scorecard
from casereview.metrics.spc import SIGNAL_WORDS
from casereview.tui.widgets.scorecard_view import VARIATION_STYLES
from casereview.tui.widgets.xmr_chart import XmrChart


class ChartScreen(Screen):
    DEFAULT_CSS = """
    ChartScreen #chart-about { height: auto; padding: 0 1; }
    ChartScreen XmrChart { height: 1fr; min-height: 12; margin: 0 1; }
    ChartScreen #weeks { height: 12; margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f2", "next_scope", "Site"),
        Binding("f3", "focus_weeks", "Weeks list"),
    ]

    def __init__(self, card: Scorecard, measure: str, scope: str = "all") -> None:
        super().__init__()
        self.card, self.measure, self.scope = card, measure, scope

    @property
    def line(self):
        return self.card.line(self.measure, self.scope)

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
        table.add_column(Text("Value", justify="right"), width=10)
        table.add_column("Reading", width=14)
        table.add_column("Why", width=56)
        self.draw()

    def draw(self) -> None:
        line, chart = self.line, self.line.chart
        name = line.measure.name
        where = scope_title(self.scope, self.card.reference.sites)
        about = [f"[b]{line.measure.title}[/b]  ·  {where}  ·  "
                 f"{DIRECTION_WORDS[line.measure.direction]}",
                 f"Read at week {line.week}: {line.signal}."]
        if chart.mean is not None:
            limits = (f"  Upper limit {format_value(name, chart.ucl, as_mean=True)}, lower "
                      f"limit {format_value(name, chart.lcl, as_mean=True)}."
                      if chart.ucl is not None else "")
            about.append(f"Mean of the first {chart.baseline_n} weeks with data "
                         f"{format_value(name, chart.mean, as_mean=True)}.{limits}  "
                         f"[#5b9bd5]◆ improvement[/]  [#ed7d31]◆ concern[/]  • common cause"
                         + ("  [green]╌ target[/]" if line.target is not None else ""))
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
        table.clear()
        for point in reversed(chart.points):  # newest first
            monday = parse_week(point.week).start
            if point.flagged:
                reading = Text(VARIATION_SHORT[point.variation],
                               style=VARIATION_STYLES[point.variation])
                why = SIGNAL_WORDS[(point.rules[0], point.side)]
                if len(point.rules) > 1:
                    why += f"; +{len(point.rules) - 1} more"
            else:
                reading = Text("" if point.variation is None else "Common cause", style="dim")
                why = ""
            table.add_row(point.week, format_uk_date(monday),
                          Text(format_value(name, point.value), justify="right"), reading, why,
                          key=point.week)

    def action_next_scope(self) -> None:
        kind = self.scope.split(":", 1)[0]
        scopes = [s for s in self.card.scopes()
                  if s.split(":", 1)[0] in self.line.measure.scopes or s == "all"]
        if kind not in ("all", "site") or len(scopes) < 2:
            return
        self.scope = scopes[(scopes.index(self.scope) + 1) % len(scopes)]
        self.draw()

    def action_focus_weeks(self) -> None:
        self.query_one("#weeks", DataTable).focus()
