"""A measure's SPC chart drawn for paper (the board pack): the weekly values, each segment's
mean and limits, the target, the weeks that signal marked by colour AND shape (so a grey
print or a colour-blind reader still tells them apart), rebases and numbered notes.

Drawn with matplotlib's Agg backend into SVG: inline in the HTML, and embedded as vector
graphics in the PDF. matplotlib is imported here only, when a chart is drawn: the app's cold
start never pays for it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from casereview.metrics.definitions import MEASURES
from casereview.metrics.spc import COMMON, CONCERN, IMPROVEMENT, NEITHER

# Making Data Count's colours, darkened enough to print: blue improvement, orange concern,
# purple special cause with no direction, grey common cause.
READING_STYLE = {
    IMPROVEMENT: ("#1F5FA8", "s", "Improvement"),
    CONCERN: ("#D55E00", "^", "Concern"),
    NEITHER: ("#6A3D9A", "D", "Special cause"),
    COMMON: ("#7F7F7F", "o", "Common cause"),
}
NO_READING = ("#7F7F7F", "o", "Too few weeks for a reading")
LINE_GREY = "#9A9A9A"
MEAN_COLOUR = "#222222"
LIMIT_COLOUR = "#555555"
TARGET_COLOUR = "#1B7F3B"
FONT_PT = 9.0


@dataclass(frozen=True)
class Segment:
    """Weeks ``start`` to ``end`` (exclusive) of a chart, with their own mean and limits."""

    start: int
    end: int
    mean: float | None
    lcl: float | None
    ucl: float | None


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows, already decided (readings, suppression): drawing only draws."""

    measure: str                         # its name: numbers are shown as the measure's are
    mondays: list[date]
    values: list[float | None]           # None: a gap (no value) or hidden (suppressed)
    readings: list[str | None]           # COMMON / IMPROVEMENT / ... ; None = no reading
    segments: list[Segment]
    percent: bool = False
    target: float | None = None
    hidden: list[bool] = field(default_factory=list)      # a suppressed week (--publish)
    rebases: list[int] = field(default_factory=list)      # index where a new segment starts
    notes: list[tuple[int, str]] = field(default_factory=list)  # (index, marker "1", "2"...)

    @property
    def has_values(self) -> bool:
        return any(v is not None for v in self.values)


def segment_at(spec: ChartSpec, index: int) -> Segment | None:
    """The segment week ``index`` belongs to."""
    for seg in spec.segments:
        if seg.start <= index < seg.end:
            return seg
    return None


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.fonttype": "path",        # the glyphs as paths: the same on every machine
        "svg.hashsalt": "casereview",  # the same ids for the same chart: reproducible files
        "font.family": "DejaVu Sans",  # shipped with matplotlib
        "font.size": FONT_PT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    from matplotlib.figure import Figure

    return Figure


def _tick_label(day: date, first: bool, previous: date | None) -> str:
    text = f"{day.day} {day:%b}"
    if first or (previous is not None and previous.year != day.year):
        text += f"\n{day.year}"
    return text


def _format_number(spec: ChartSpec, value: float) -> str:
    """A mean, limit or target as the scorecard and the words beside the chart show it."""
    from casereview.metrics.display import format_value

    return format_value(spec.measure, value, as_mean=True)


def draw(spec: ChartSpec, width_mm: float, height_mm: float):
    """The chart as a matplotlib Figure of the given printed size (fonts at their true size)."""
    Figure = _matplotlib()
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4))
    # Margins in millimetres, whatever the chart's size: room for the value axis on the left,
    # the mean, limit and target labels on the right, the dates and the key below.
    left, right, bottom, top = 13.0, 24.0, 15.0, 3.0
    ax = fig.add_axes((left / width_mm, bottom / height_mm, 1 - (left + right) / width_mm,
                       1 - (bottom + top) / height_mm))
    n = len(spec.values)
    xs = list(range(n))

    # The weekly line joins the weeks with data; a gap is drawn as a gap in time only.
    drawn = [(x, v) for x, v in zip(xs, spec.values) if v is not None]
    if drawn:
        ax.plot([x for x, _ in drawn], [v for _, v in drawn], color=LINE_GREY, linewidth=1.1,
                zorder=2)
    used: dict[str, tuple[str, str, str]] = {}
    groups: dict[str | None, list[tuple[int, float]]] = {}
    for x, v, reading in zip(xs, spec.values, spec.readings):
        if v is not None:
            groups.setdefault(reading if reading in READING_STYLE else None, []).append((x, v))
    for reading in (COMMON, None, NEITHER, CONCERN, IMPROVEMENT):  # signals drawn on top
        if reading not in groups:
            continue
        colour, shape, label = READING_STYLE.get(reading, NO_READING)
        special = reading in (IMPROVEMENT, CONCERN, NEITHER)
        # A week with no reading yet is a hollow dot: it is not common cause either.
        ax.scatter([x for x, _ in groups[reading]], [v for _, v in groups[reading]],
                   marker=shape, s=36 if special else 14,
                   facecolors="white" if reading is None else colour,
                   edgecolors="white" if special else colour, linewidths=0.6 if special else 0.9,
                   zorder=4)
        used[label] = (colour, shape, label)

    right = n - 0.5
    for seg in spec.segments:
        if seg.mean is None:
            continue
        x0, x1 = seg.start - 0.4, seg.end - 0.6
        ax.hlines(seg.mean, x0, x1, colors=MEAN_COLOUR, linewidth=1.2, zorder=3)
        for limit in (seg.lcl, seg.ucl):
            if limit is not None:
                ax.hlines(limit, x0, x1, colors=LIMIT_COLOUR, linewidth=0.9,
                          linestyles=(0, (4, 2)), zorder=3)
    # The current segment's lines and the target, named at the right-hand end.
    labels: list[tuple[str, float, str, str]] = []
    last = next((s for s in reversed(spec.segments) if s.mean is not None), None)
    if last is not None:
        labels += [(name, v, colour, "normal") for name, v, colour in (
            ("Upper", last.ucl, LIMIT_COLOUR), ("Mean", last.mean, MEAN_COLOUR),
            ("Lower", last.lcl, LIMIT_COLOUR)) if v is not None]
    if spec.target is not None:
        ax.axhline(spec.target, color=TARGET_COLOUR, linewidth=1.1, linestyle=(0, (1, 1.5)),
                   zorder=3)
        labels.append(("Target", spec.target, TARGET_COLOUR, "bold"))
    for index in spec.rebases:
        ax.axvline(index - 0.5, color="#000000", linewidth=0.9, linestyle=(0, (2, 2)), zorder=1)
        ax.annotate("limits\nrecalculated", (index - 0.5, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -2), textcoords="offset points", va="top",
                    fontsize=FONT_PT - 1.5, color="#000000")
    for index, marker in spec.notes:
        value = spec.values[index] if index < n else None
        ax.annotate(marker, (index, 1.0 if value is None else value),
                    xycoords=("data", "axes fraction" if value is None else "data"),
                    xytext=(0, 9), textcoords="offset points", ha="center", va="bottom",
                    fontsize=FONT_PT - 1, fontweight="bold", color="#000000",
                    bbox={"boxstyle": "circle,pad=0.15", "fc": "#FFF2CC", "ec": "#7F6000",
                          "lw": 0.6})
    hidden = [x for x, h in zip(xs, spec.hidden) if h]
    if hidden:
        ax.scatter(hidden, [0] * len(hidden), marker="x", s=14, color="#000000",
                   transform=ax.get_xaxis_transform(), clip_on=False, zorder=4)
        used["Suppressed"] = ("#000000", "x", "Week not shown (1-7 people)")

    ax.set_xlim(-0.8, max(n - 0.2, 1))
    ax.margins(y=0.12)
    lo, hi = ax.get_ylim()
    if lo < 0 or not spec.percent:
        ax.set_ylim(bottom=0)  # no measure goes below zero; a count is read from zero
    if spec.percent and hi > 100:
        ax.set_ylim(top=104)
    if MEASURES[spec.measure].is_count:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole
    _right_labels(ax, spec, labels, right)
    step = max(1, -(-n // 6))  # at most 6 dates, each wide enough to read
    ticks = list(range(0, n, step))
    ax.set_xticks(ticks, [_tick_label(spec.mondays[t], i == 0,
                                      spec.mondays[ticks[i - 1]] if i else None)
                          for i, t in enumerate(ticks)])
    ax.tick_params(length=3, pad=2)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if spec.percent:
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}%")
    if not spec.has_values:
        ax.text(0.5, 0.8, "No weeks to show", transform=ax.transAxes, ha="center",
                va="center", color="#595959",
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none"})

    _legend(fig, used, spec)
    return fig


def _right_labels(ax, spec: ChartSpec, labels: list[tuple[str, float, str, str]],
                  right: float) -> None:
    """Name each line at the right-hand end, moved apart where lines lie close together (a
    mean of 0.1 between limits of 0 and 0.2) so that no label sits on another."""
    if not labels:
        return
    points_per_pixel = 72 / ax.figure.dpi
    place = [(ax.transData.transform((0, value))[1] * points_per_pixel, i)
             for i, (_, value, _, _) in enumerate(labels)]
    gap = FONT_PT * 1.05
    shifted: dict[int, float] = {}
    floor = None
    for y, i in sorted(place):  # bottom up: each at least a line above the one below
        at = y if floor is None else max(y, floor + gap)
        shifted[i], floor = at - y, at
    for i, (name, value, colour, weight) in enumerate(labels):
        ax.annotate(f"{name} {_format_number(spec, value)}", (right, value),
                    xytext=(4, shifted[i]), textcoords="offset points", va="center",
                    fontsize=FONT_PT - 1, color=colour, fontweight=weight,
                    annotation_clip=False)


def _legend(fig, used: dict, spec: ChartSpec) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, marker=m, linestyle="none", markersize=5, label=label,
                      markerfacecolor="white" if label == NO_READING[2] else c)
               for c, m, label in used.values()]
    handles.append(Line2D([], [], color=MEAN_COLOUR, linewidth=1.2, label="Mean"))
    handles.append(Line2D([], [], color=LIMIT_COLOUR, linewidth=0.9, linestyle=(0, (4, 2)),
                          label="Limits"))
    if spec.target is not None:
        handles.append(Line2D([], [], color=TARGET_COLOUR, linewidth=1.1,
                              linestyle=(0, (1, 1.5)), label="Target"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), frameon=False,
               fontsize=FONT_PT - 1, handlelength=1.6, columnspacing=1.2,
               bbox_to_anchor=(0.5, 0.0))


_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def chart_svg(spec: ChartSpec, width_mm: float, height_mm: float) -> str:
    """The chart as an SVG document (no metadata, so no date: the same chart, the same file)."""
    fig = draw(spec, width_mm, height_mm)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _METADATA.sub("", out.getvalue())


def chart_png(spec: ChartSpec, width_mm: float, height_mm: float, dpi: int = 150) -> bytes:
    fig = draw(spec, width_mm, height_mm)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()
