"""An XmR chart drawn in the terminal: the weekly values as points, each segment's mean and
process limits as lines across its own weeks, the target if there is one, every week that
signals special cause marked in its colour (improvement blue, concern orange), the first week
of a rebased segment as a dotted line down the chart and every week with a note marked above."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from casereview.metrics.spc import CONCERN, IMPROVEMENT, NEITHER, Chart

SIGNAL_STYLES = {IMPROVEMENT: "bold #5b9bd5", CONCERN: "bold #ed7d31", NEITHER: "bold #ffc000"}
POINT, FLAGGED = "•", "◆"
REBASE, NOTE = "┆", "▾"
REBASE_STYLE, NOTE_STYLE = "#ffc000", "bold magenta"
AXIS_WIDTH = 9


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def render_chart(chart: Chart, width: int, height: int) -> Text:
    """The chart as text ``width`` x ``height`` (the last row holds the week labels)."""
    width, height = max(width, AXIS_WIDTH + 4), max(height, 6)
    plot_w, plot_h = width - AXIS_WIDTH, height - 1
    shown = chart.points[-plot_w:]  # one column a week at the least: the latest weeks
    numbers = [p.value for p in shown if p.value is not None]
    if not numbers:
        return Text("No weeks with data for this measure yet.", style="dim")
    segments = [chart.segments[k] for k in sorted({p.segment for p in shown})]
    levels = list(numbers)
    for extra in [chart.target, *(v for s in segments for v in (s.mean, s.ucl, s.lcl))]:
        if extra is not None:
            levels.append(extra)
    low, high = min(levels), max(levels)
    if high == low:
        high, low = high + 1, low - 1
    span = high - low
    low, high = low - span * 0.05, high + span * 0.05

    def row_of(v: float) -> int:
        return round((high - v) / (high - low) * (plot_h - 1))

    step = plot_w / max(len(shown), 1)

    def columns(i: int) -> range:
        """The columns week ``i`` of ``shown`` spans."""
        return range(min(int(i * step), plot_w - 1), min(max(int((i + 1) * step), int(i * step)
                                                              + 1), plot_w))

    grid = [[" "] * plot_w for _ in range(plot_h)]
    styles: list[list[str]] = [[""] * plot_w for _ in range(plot_h)]
    if chart.target is not None:
        r = row_of(chart.target)
        for c in range(plot_w):
            grid[r][c], styles[r][c] = "╌", "green"
    for i, point in enumerate(shown):  # each week draws its own segment's lines
        for level, char, style in ((point.ucl, "┄", "#a5a5a5"), (point.lcl, "┄", "#a5a5a5"),
                                   (point.mean, "─", "#7f7f7f")):
            if level is not None:
                r = row_of(level)
                for c in columns(i):
                    grid[r][c], styles[r][c] = char, style
    for i, point in enumerate(shown):
        if i > 0 and point.segment != shown[i - 1].segment:
            c = columns(i)[0]
            for r in range(plot_h):
                grid[r][c], styles[r][c] = REBASE, REBASE_STYLE
    for i, point in enumerate(shown):
        c = min(int(i * step + step / 2), plot_w - 1)
        if point.notes:
            grid[0][c], styles[0][c] = NOTE, NOTE_STYLE
        if point.value is None:
            continue
        r = row_of(point.value)
        grid[r][c] = FLAGGED if point.flagged else POINT
        styles[r][c] = SIGNAL_STYLES.get(point.variation, "bold") if point.flagged else "bold"

    text = Text()
    # The axis names each segment's mean and limits at their rows, and a value every third row.
    marked = {row_of(v): v for s in segments for v in (s.ucl, s.lcl, s.mean) if v is not None}
    for r in range(plot_h):
        value = marked.get(r, high - (high - low) * r / max(plot_h - 1, 1))
        axis = _fmt(value) if r % 3 == 0 or r in marked else ""
        text.append(f"{axis:>{AXIS_WIDTH - 2}} │", style="dim")
        for c in range(plot_w):
            text.append(grid[r][c], style=styles[r][c] or None)
        text.append("\n")
    # Week labels under the first, middle and last points.
    footer = [" "] * plot_w
    for i in sorted({0, len(shown) // 2, len(shown) - 1}):
        label = shown[i].week
        if len(label) > plot_w:
            break
        start = min(max(int(i * step + step / 2) - len(label) // 2, 0), plot_w - len(label))
        footer[start:start + len(label)] = list(label)
    text.append(" " * AXIS_WIDTH + "".join(footer), style="dim")
    return text


class XmrChart(Widget):
    """Draws a Chart to fit the widget's size."""

    DEFAULT_CSS = "XmrChart { height: 1fr; min-height: 10; }"

    def __init__(self, chart: Chart, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chart = chart

    def render(self) -> Text:
        return render_chart(self.chart, self.size.width, self.size.height)
