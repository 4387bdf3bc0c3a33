"""The scorecard as a table: per programme, each measure's value, the previous period's, the
13-week mean, a sparkline of the last 13 weeks, the SPC signal in words and colour, and the
target with its assurance. The screen that holds it computes the Scorecard; this only shows
it, for one scope at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from casereview.domain.values import format_uk_date
from casereview.tui.widgets.sparkline import sparkline_text

if TYPE_CHECKING:  # the scorecard is computed (and its modules loaded) in a worker
    from casereview.metrics.scorecard import Line, Scorecard

# How a scorecard's numbers and words are written (metrics.display) is loaded with the first
# scorecard shown, which its worker has made: the first frame says it is being computed.

VARIATION_STYLES = {"improvement": "bold #5b9bd5", "concern": "bold #ed7d31",
                    "common": "#a5a5a5", "neither": "bold #ffc000"}
ASSURANCE_STYLES = {"pass": "#5b9bd5", "fail": "#ed7d31", "hit_and_miss": "#a5a5a5"}
PROGRAMME_KEY = "programme:"
SCOPE_SEPARATOR = "|"


def signal_cell(line: Line) -> Text:
    """The reading and the mean it was judged against (SPEC 6): 'Improvement · 20.6'."""
    from casereview.metrics.display import VARIATION_SHORT, format_value

    if line.variation is None:
        segment = line.segment
        enough = segment is not None and segment.enough
        return Text("no value" if enough else "too few weeks", style="dim")
    text = Text(VARIATION_SHORT[line.variation], style=VARIATION_STYLES[line.variation])
    mean = line.judged_mean
    if mean is not None:
        text.append(f" · {format_value(line.measure.name, mean, as_mean=True)}", style="dim")
    return text


def target_cell(line: Line) -> Text:
    """The target for the period's value (a count's weekly target pro rata for a month or a
    quarter) and the assurance of the weekly chart against the weekly target."""
    from casereview.metrics.display import ASSURANCE_SHORT, format_target

    if line.target is None:
        return Text("")
    text = Text(format_target(line.measure.name, line.period_target))
    if line.assurance:
        text.append(f" {ASSURANCE_SHORT[line.assurance].lower()}",
                    style=ASSURANCE_STYLES[line.assurance])
    return text


class ScorecardView(Vertical):
    DEFAULT_CSS = """
    ScorecardView { height: 1fr; }
    ScorecardView #sc-title { height: 1; padding: 0 1; text-style: bold; }
    ScorecardView #sc-table { height: 1fr; }
    ScorecardView #sc-detail { height: 2; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.card: Scorecard | None = None
        self.scope = "all"

    def compose(self) -> ComposeResult:
        yield Static("Scorecard", id="sc-title")
        yield DataTable(id="sc-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="sc-detail")

    @property
    def table(self) -> DataTable:
        return self.query_one("#sc-table", DataTable)

    def waiting(self, text: str) -> None:
        self.query_one("#sc-title", Static).update(text)
        self.table.loading = True

    def show(self, card: Scorecard, scope: str) -> None:
        """Fill the table for one scope, keeping the cursor on the same measure."""
        from casereview.metrics.definitions import PROGRAMME_TITLES
        from casereview.metrics.display import period_words, target_heading

        self.card, self.scope = card, scope
        table = self.table
        keep = self.selected_measure()
        word = {"quarter": "qtr", "month": "mth"}.get(period_words(card.period),
                                                     period_words(card.period))
        table.loading = False
        table.clear(columns=True)
        # 128 columns in all: the measure's title gives way to the signal's mean (the detail
        # line below the table shows the whole title).
        table.add_column("Measure", width=38, key="measure")
        this = "To date" if card.in_progress else f"This {word}"
        for heading, key, width in ((this, "value", 9), (f"Prev {word}", "previous", 9),
                                    ("13-wk mean", "mean", 10)):
            table.add_column(Text(heading, justify="right"), width=width, key=key)
        table.add_column(f"Last {_recent_weeks()} wks", width=_recent_weeks(), key="spark")
        table.add_column("SPC signal · mean", width=20, key="signal")
        table.add_column(target_heading(card.period, short=True), width=16, key="target")
        present = {r.measure for r in card.summary.rows}
        for programme, title in PROGRAMME_TITLES.items():
            lines = [line for line in card.lines(scope, programme) if line.measure.name in present]
            if not lines:
                continue
            table.add_row(Text(title, style="bold underline"), key=PROGRAMME_KEY + programme)
            for line in lines:
                table.add_row(*self._cells(line), key=self._key(line))
        self.query_one("#sc-title", Static).update(self._title(card, scope))
        if keep and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        else:
            table.move_cursor(row=min(1, table.row_count - 1))
        self.show_detail()

    def _title(self, card: Scorecard, scope: str) -> str:
        from casereview.metrics.display import period_words, scope_title

        period = card.period
        where = scope_title(scope, card.reference.sites)
        note = "  [i](in progress: to date)[/i]" if card.in_progress else ""
        return (f"Scorecard: {period_words(period)} {period.label} "
                f"({format_uk_date(period.start)} to {format_uk_date(period.end)})  ·  "
                f"{where}{note}")

    def _key(self, line: Line) -> str:
        """The row's key: the measure's name, with the line's scope when it is not the one
        shown (the open actions by rating on the all-sites card)."""
        if line.scope == self.scope:
            return line.measure.name
        return f"{line.measure.name}{SCOPE_SEPARATOR}{line.scope}"

    def _cells(self, line: Line) -> list:
        from casereview.metrics.display import format_value, line_title

        name = line.measure.name
        spark = [v for _, v in line.weekly[-_recent_weeks():]]
        style = VARIATION_STYLES.get(line.variation or "", "")
        return [
            line_title(name, line.scope),
            Text(format_value(name, line.value), justify="right"),
            Text(format_value(name, line.previous_value), justify="right"),
            Text(format_value(name, line.recent_mean, as_mean=True), justify="right"),
            sparkline_text(spark, style) if spark else Text(""),
            signal_cell(line),
            target_cell(line),
        ]

    def selected_measure(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None or key.startswith(PROGRAMME_KEY) else key

    def selected_line(self) -> Line | None:
        key = self.selected_measure()
        if self.card is None or key is None:
            return None
        measure, _, scope = key.partition(SCOPE_SEPARATOR)
        return self.card.line(measure, scope or self.scope)

    def show_detail(self) -> None:
        from casereview.metrics.display import (
            ASSURANCE_SHORT,
            describe_target,
            line_title,
            scales_target,
        )

        line = self.selected_line()
        detail = self.query_one("#sc-detail", Static)
        if line is None:
            detail.update("")
            return
        text = f"[b]{line_title(line.measure.name, line.scope)}[/b]: {line.signal}."
        if line.target is not None and self.card is not None:
            name, period = line.measure.name, self.card.period
            text += " " + describe_target(name, line.target, line.period_target, period)
            if line.assurance:
                # Assurance reads the weekly chart against the weekly target.
                text += "; week by week: " if scales_target(name, period) else ": "
                text += ASSURANCE_SHORT[line.assurance].lower()
            text += "."
        detail.update(text + "  [dim]Enter: chart[/dim]")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()


def _recent_weeks() -> int:
    # Read when a scorecard is shown: by then the worker that made it has loaded the module.
    from casereview.metrics.series import RECENT_WEEKS

    return RECENT_WEEKS
