"""The summary as an Excel workbook for people (SPEC 7.2): a scorecard sheet (every measure
for all sites and each site, beside the previous period, the 13-week mean and the SPC signal),
a sheet per programme with every scope, and a definitions sheet. Text cells go through
``neutralise``; the file is written beside its destination and moved into place when whole.
"""

from __future__ import annotations

import os
import textwrap
from datetime import datetime, time
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from casereview.domain.values import LONDON, format_uk_date
from casereview.io.cells import neutralise
from casereview.io.scorecard_rows import FileRow, file_row
from casereview.metrics.definitions import MEASURES, PROGRAMME_TITLES
from casereview.metrics.display import (
    ASSURANCE_SHORT,
    DIRECTION_WORDS,
    KIND_WORDS,
    NUMBER_FORMATS,
    TARGET_RULE,
    VARIATION_SHORT,
    line_title,
    period_words,
    scope_title,
    target_heading,
    this_heading,
)
from casereview.metrics.scorecard import Scorecard
from casereview.metrics.spc import (
    BASELINE_POINTS,
    COMMON,
    CONCERN,
    FAIL,
    HIT_AND_MISS,
    IMPROVEMENT,
    MIN_POINTS,
    NEITHER,
    PASS,
    RULE_WORDS,
)

SHEET_NAMES = {"moves": "Ward moves", "reviews": "Case reviews", "toc": "Transfer of Care",
               "experience": "Patient experience", "actions": "Action plan"}
HEADER_ROW = 4  # rows 0-2 say what the sheet is; the column headings sit on row 4

# Making Data Count colours: blue improvement / pass, orange concern / fail, grey otherwise.
COLOURS = {
    IMPROVEMENT: ("#DCE6F2", "#1F4E79"), PASS: ("#DCE6F2", "#1F4E79"),
    CONCERN: ("#FCE4D6", "#C55A11"), FAIL: ("#FCE4D6", "#C55A11"),
    COMMON: ("#EDEDED", "#404040"), HIT_AND_MISS: ("#EDEDED", "#404040"),
    NEITHER: ("#FFF2CC", "#7F6000"),
}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.bold = wb.add_format({"valign": "top", "bold": True})
        self.day = wb.add_format({"num_format": "d mmm yyyy", "valign": "top"})
        self.bold_wrap = wb.add_format({"valign": "top", "bold": True, "text_wrap": True})
        self.suppressed = wb.add_format({"align": "right", "valign": "top"})
        self.numbers = {kind: wb.add_format({"num_format": fmt, "valign": "top"})
                        for kind, fmt in NUMBER_FORMATS.items()}
        self.change = {kind: wb.add_format({"num_format": "+" + fmt + ";-" + fmt + ";0",
                                            "valign": "top"})
                       for kind, fmt in NUMBER_FORMATS.items()}
        self.mean_of_counts = wb.add_format({"num_format": "#,##0.0", "valign": "top"})
        self.coloured = {key: wb.add_format({"bg_color": bg, "font_color": fg, "bold": True,
                                             "valign": "top"})
                         for key, (bg, fg) in COLOURS.items()}
        self.coloured_wrap = {key: wb.add_format({"bg_color": bg, "font_color": fg,
                                                  "bold": True, "valign": "top",
                                                  "text_wrap": True})
                              for key, (bg, fg) in COLOURS.items()}


def _text(ws: Worksheet, row: int, col: int, value, fmt=None) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, neutralise(str(value)), fmt)


def _number(ws: Worksheet, row: int, col: int, value, fmt, f: _Formats) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):  # "*": suppressed for publication
        ws.write_string(row, col, neutralise(value), f.suppressed)
    else:
        ws.write_number(row, col, value, fmt)


def _fit_row(ws: Worksheet, row: int, cells: list[tuple[str, float]]) -> None:
    """Set the height of a row whose cells wrap: a spreadsheet program opening the file does
    not always fit it (LibreOffice keeps the default), and the lines then overlap.
    ``cells``: (text, column width) of the wrapped cells."""
    lines = max((len(textwrap.wrap(text, max(1, int(width))) or [""])
                 for text, width in cells if text), default=1)
    if lines > 1:
        ws.set_row(row, 15 * lines)


def _headings(ws: Worksheet, f: _Formats, columns: list[tuple[str, float]]) -> None:
    for col, (heading, width) in enumerate(columns):
        ws.set_column(col, col, width)
        ws.write_string(HEADER_ROW, col, heading, f.header)
    ws.set_row(HEADER_ROW, 45)  # three lines: no heading is cut


def _about(ws: Worksheet, f: _Formats, card: Scorecard, title: str, publish: bool) -> None:
    period = card.period
    to_date = " to date" if card.in_progress else ""
    _text(ws, 0, 0, f"{title}: {period.label}{to_date} ({format_uk_date(period.start)} to "
                    f"{format_uk_date(period.end)})", f.title)
    generated = datetime.fromisoformat(card.generated_at).astimezone(LONDON)
    progress = (" The period is in progress: its figures are to date." if card.in_progress
                else "")
    _text(ws, 1, 0, f"Generated {format_uk_date(generated.date())} {generated:%H:%M}. "
                    f"SPC signals read at week {card.anchor.label} over the weekly series "
                    f"since each programme began (at most {len(card.weekly.summaries)} weeks)."
                    + progress, f.note)
    if publish:
        _text(ws, 2, 0, "Published: counts from 1 to 7, and rates or means built on them, "
                        "are shown as *.", f.note)


def _line_cells(ws: Worksheet, f: _Formats, row: int, col: int, r: FileRow) -> None:
    """value, previous, change, 13-week mean, signal, signal detail, assurance, target."""
    kind = r.measure.kind
    _number(ws, row, col, r.value, f.numbers[kind], f)
    _number(ws, row, col + 1, r.previous, f.numbers[kind], f)
    _number(ws, row, col + 2, r.change, f.change[kind], f)
    _number(ws, row, col + 3, r.recent_mean,
            f.mean_of_counts if kind == "count" else f.numbers[kind], f)
    _text(ws, row, col + 4, VARIATION_SHORT.get(r.variation, ""),
          f.coloured_wrap.get(r.variation, f.wrap))
    _text(ws, row, col + 5, r.signal, f.wrap)
    _text(ws, row, col + 6, ASSURANCE_SHORT.get(r.assurance, ""),
          f.coloured_wrap.get(r.assurance, f.wrap))
    # A count's target pro rata for a month or quarter (42.857...) is shown to 1 place.
    whole = r.target is None or float(r.target).is_integer()
    _number(ws, row, col + 7, r.target,
            f.numbers[kind] if kind != "count" or whole else f.mean_of_counts, f)


def _line_headings(card: Scorecard) -> list[tuple[str, float]]:
    word = period_words(card.period)
    return [(this_heading(card.period, card.in_progress), 10), (f"Previous {word}", 10),
            ("Change", 8), ("13-week mean (weekly)", 10), ("SPC signal", 14),
            ("SPC signal in words", 36), ("Assurance (target)", 14),
            (target_heading(card.period), 10)]


def _scorecard_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard,
                     publish: bool) -> None:
    ws = wb.add_worksheet("Scorecard")
    _about(ws, f, card, "Scorecard", publish)
    columns = [("Programme", 24), ("Scope", 14), ("Measure", 40), *_line_headings(card),
               ("Numerator", 11), ("Denominator", 12), ("Measure code", 34)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    present = {r.measure for r in card.summary.rows}
    for scope in card.scopes():
        for line in card.lines(scope):
            if line.measure.name not in present:
                continue
            r = file_row(line, publish=publish)
            _text(ws, row, 0, PROGRAMME_TITLES[line.measure.programme], f.wrap)
            _text(ws, row, 1, scope_title(scope, card.reference.sites), f.wrap)
            _text(ws, row, 2, line_title(line.measure.name, line.scope), f.bold_wrap)
            _line_cells(ws, f, row, 3, r)
            _number(ws, row, 11, r.numerator, f.numbers["count"], f)
            _number(ws, row, 12, r.denominator, f.numbers["count"], f)
            _text(ws, row, 13, line.measure.name, f.text)
            _fit_row(ws, row, [(PROGRAMME_TITLES[line.measure.programme], 24),
                               (scope_title(scope, card.reference.sites), 14),
                               (line_title(line.measure.name, line.scope), 40 * 0.95),
                               (r.signal, 36)])
            row += 1
    _finish(ws, row, len(columns), freeze_cols=3, titles=(0, 2))


def _programme_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard, programme: str,
                     publish: bool) -> None:
    ws = wb.add_worksheet(SHEET_NAMES.get(programme, programme[:31]))
    _about(ws, f, card, PROGRAMME_TITLES.get(programme, programme), publish)
    columns = [("Measure", 36), ("Scope", 18), ("Scope name", 24), *_line_headings(card),
               ("Numerator", 11), ("Denominator", 12), ("Measure code", 34)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    for summary_row in card.summary.rows:
        measure = MEASURES[summary_row.measure]
        if measure.programme != programme:
            continue
        line = card.line(measure.name, summary_row.scope)
        r = file_row(line, publish=publish)
        _text(ws, row, 0, line_title(measure.name, summary_row.scope), f.bold_wrap)
        _text(ws, row, 1, summary_row.scope, f.wrap)
        _text(ws, row, 2, _scope_name(card, summary_row.scope), f.wrap)
        _line_cells(ws, f, row, 3, r)
        _number(ws, row, 11, r.numerator, f.numbers["count"], f)
        _number(ws, row, 12, r.denominator, f.numbers["count"], f)
        _text(ws, row, 13, measure.name, f.text)
        _fit_row(ws, row, [(line_title(measure.name, summary_row.scope), 36 * 0.95),
                           (summary_row.scope, 18), (_scope_name(card, summary_row.scope), 24),
                           (r.signal, 36)])
        row += 1
    _finish(ws, row, len(columns), freeze_cols=1, titles=(0, 2))


def _scope_name(card: Scorecard, scope: str) -> str:
    kind, _, code = scope.partition(":")
    if kind == "theme":
        return card.reference.review_themes.get(code, code)
    return scope_title(scope, card.reference.sites, card.reference.wards)


def _annotations_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard) -> None:
    """The charts' rebases (with their reasons) and notes, when there are any."""
    found = card.annotations()
    if not found:
        return
    ws = wb.add_worksheet("Chart notes")
    _text(ws, 0, 0, "Chart rebases and notes", f.title)
    _text(ws, 1, 0, "A rebase recalculates a chart's mean and limits from its week on, after a "
                    "change the team understands.", f.note)
    # Widths that print across one A4 landscape page at 100%; long text wraps.
    columns = [("Measure", 34), ("Scope", 14), ("Scope name", 22), ("Week", 9),
               ("Kind", 7), ("Reason or note", 52)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    for a in found:
        cells = [MEASURES[a.measure].title, a.scope, _scope_name(card, a.scope), a.week,
                 a.kind, a.text]
        for col, value in enumerate(cells):
            _text(ws, row, col, value, f.wrap)
        _fit_row(ws, row, [(text, width) for text, (_, width) in zip(cells, columns)])
        row += 1
    _finish(ws, row, len(columns), freeze_cols=1)


def _definitions_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard) -> None:
    ws = wb.add_worksheet("Definitions")
    _text(ws, 0, 0, "Definitions of the measures (casereview SPEC section 6)", f.title)
    _text(ws, 1, 0, "Values are unrounded in the cells; the number formats round them for "
                    "reading (percentages to 1 decimal place).", f.note)
    # Widths that print across one A4 landscape page at 100%; long text wraps.
    columns = [("Measure code", 25), ("Measure", 26), ("Programme", 16), ("Kind", 10),
               ("Improvement", 11), ("Scopes", 8), ("Definition", 36)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    for m in MEASURES.values():
        for col, value in enumerate([m.name, m.title, PROGRAMME_TITLES[m.programme],
                                     KIND_WORDS[m.kind], DIRECTION_WORDS[m.direction],
                                     ", ".join(m.scopes), m.definition]):
            _text(ws, row, col, value, f.wrap)
        _fit_row(ws, row, [(m.name, 25), (m.title, 26), (PROGRAMME_TITLES[m.programme], 16),
                           (DIRECTION_WORDS[m.direction], 11), (", ".join(m.scopes), 8),
                           (m.definition, 36)])
        row += 1
    row += 1
    _text(ws, row, 0, "Reading the SPC columns", f.title)
    notes = [
        f"Each measure's weekly values form an XmR chart: the centre line is the mean of the "
        f"first {BASELINE_POINTS} weeks with data, the limits are the mean +/- 2.66 x the mean "
        f"moving range. No signal is shown before {MIN_POINTS} weeks have data.",
        *(f"Special cause: {words}." for words in RULE_WORDS.values()),
        "A week marked by several rules is read by the first of those above (outside the "
        "limits, trend, two of three, shift).",
        "A chart may be rebased after a change the team understands: from that week its mean "
        "and limits are those of the new process. The signal in words names the mean it was "
        "judged against.",
        "Improvement or concern follows the measure's improvement direction; common cause "
        "means the week is within the usual variation.",
        "Assurance compares the target with the limits: outside them on the passing side, the "
        "process will consistently pass; on the failing side, consistently fail; between "
        "them, hit and miss.",
        TARGET_RULE,
        "The 13-week mean is the mean of the weekly values of the 13 weeks to the week the "
        "signal is read at.",
    ]
    printed = sum(width for _, width in columns)
    for note in notes:
        row += 1
        # Across the page, wrapped; a merged cell's height is not fitted by the spreadsheet,
        # so it is set from the length of the note.
        ws.merge_range(row, 0, row, len(columns) - 1, neutralise(note), f.wrap)
        ws.set_row(row, 15 * (1 + len(note) // printed))
    ws.freeze_panes(HEADER_ROW + 1, 1)
    _print_setup(ws, repeat_row=HEADER_ROW)


# What a reader of a printed scorecard or programme sheet needs: the columns up to the target.
# The numerator, denominator and measure code stay in the file for analysts, off the paper.
PRINTED_COLUMNS = 11


def _print_setup(ws: Worksheet, *, repeat_row: int | None = None) -> None:
    """A4 landscape at 100%: nothing is shrunk to fit, so every page reads as the sheet does."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.6)
    ws.set_print_scale(100)
    ws.set_footer("&L&A&RPage &P of &N")
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


# --- charts --------------------------------------------------------------------------------------
# Each measure's SPC chart (all sites) as a native chart, drawn from the same ChartSpec as the
# board pack's: values, the segment's mean and limits, the target, and the signalling weeks as
# their own marker series (colour AND shape: blue squares improvement, orange triangles
# concern, purple diamonds special cause without a direction).
CHART_PX = (460, 270)
CHART_ROWS = 15                 # rows (20 px) a chart and the gap under it take
CHARTS_PER_PAGE = 4             # two across, two down: one A4 landscape page at 100%
DATA_COLUMNS = ("value", "mean", "lower limit", "upper limit", "target", "improvement",
                "concern", "special cause")
MARKERS = {
    "improvement": ("square", "#1F5FA8", IMPROVEMENT),
    "concern": ("triangle", "#D55E00", CONCERN),
    "special cause": ("diamond", "#6A3D9A", NEITHER),
}


def _chart_lines(card: Scorecard) -> list:
    present = {r.measure for r in card.summary.rows}
    return [line for programme in PROGRAMME_TITLES for line in card.lines("all", programme)
            if line.measure.name in present]


def _chart_data_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard, publish: bool,
                      lines: list) -> tuple[str, dict[str, tuple[int, int, int]]]:
    """The weekly figures the charts draw: a row per week, eight columns per measure. Returns
    the sheet's name and, per (measure, scope), (first data column, first row, last row)."""
    from casereview.io.board_chart import segment_at
    from casereview.io.board_pack import chart_spec

    name = "Chart data"
    ws = wb.add_worksheet(name)
    _about(ws, f, card, "The weekly figures behind the charts (all sites)", publish)
    weeks = card.weekly.periods
    row_of = {p.start: HEADER_ROW + 1 + i for i, p in enumerate(weeks)}
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 12)
    ws.write_string(HEADER_ROW, 0, "Week", f.header)
    ws.write_string(HEADER_ROW, 1, "Monday", f.header)
    for i, p in enumerate(weeks):
        ws.write_string(HEADER_ROW + 1 + i, 0, p.label)
        ws.write_datetime(HEADER_ROW + 1 + i, 1, datetime.combine(p.start, time()), f.day)
    places = {}
    for k, line in enumerate(lines):
        spec = chart_spec(card, line, publish)
        col = 2 + k * len(DATA_COLUMNS)
        kind = line.measure.kind
        number = f.numbers[kind] if kind != "count" else f.mean_of_counts
        ws.set_column(col, col + len(DATA_COLUMNS) - 1, 11)
        title = line_title(line.measure.name, line.scope)
        for j, word in enumerate(DATA_COLUMNS):
            ws.write_string(HEADER_ROW, col + j, f"{title}: {word}", f.header)
        rows = [row_of[m] for m in spec.mondays]
        for i, (row, value, reading) in enumerate(zip(rows, spec.values, spec.readings)):
            seg = segment_at(spec, i)
            figures = [value, seg.mean if seg else None, seg.lcl if seg else None,
                       seg.ucl if seg else None, spec.target]
            figures += [value if reading == MARKERS[m][2] else None for m in DATA_COLUMNS[5:]]
            for j, v in enumerate(figures):
                if v is not None:
                    ws.write_number(row, col + j, v, number)
        if rows:
            places[(line.measure.name, line.scope)] = (col, rows[0], rows[-1])
    ws.freeze_panes(HEADER_ROW + 1, 2)
    _print_setup(ws, repeat_row=HEADER_ROW)
    ws.repeat_columns(0, 1)
    # Figures for the charts, not a page to print (hundreds of columns): hidden, and there
    # for anyone who unhides it to check a chart.
    ws.hide()
    return name, places


def _charts_sheet(wb: xlsxwriter.Workbook, ws: Worksheet, f: _Formats, card: Scorecard,
                  publish: bool, lines: list, data: str, places: dict) -> None:
    _about(ws, f, card, "SPC charts, all sites", publish)
    ws.set_column(0, 0, 66)   # 467 px: a chart
    ws.set_column(1, 1, 1)
    ws.set_column(2, 2, 66)
    breaks = []
    for k, line in enumerate(lines):
        if (line.measure.name, line.scope) not in places:
            continue
        slot = k % CHARTS_PER_PAGE
        page = k // CHARTS_PER_PAGE
        row = HEADER_ROW + page * 2 * CHART_ROWS + (slot // 2) * CHART_ROWS
        if slot == 0 and page:
            breaks.append(row)
        ws.insert_chart(row, 2 * (slot % 2), _native_chart(wb, data, line, places),
                        {"x_offset": 2, "y_offset": 4})
    last = HEADER_ROW + (-(-len(lines) // CHARTS_PER_PAGE)) * 2 * CHART_ROWS
    ws.set_h_pagebreaks(breaks)
    ws.freeze_panes(HEADER_ROW, 0)
    _print_setup(ws)
    ws.print_area(0, 0, last, 2)


def _native_chart(wb: xlsxwriter.Workbook, data: str, line, places: dict):
    col, first, last = places[(line.measure.name, line.scope)]
    chart = wb.add_chart({"type": "line"})

    def ref(c: int) -> list:
        return [data, first, c, last, c]

    cats = [data, first, 1, last, 1]
    chart.add_series({"name": "Weekly value", "categories": cats, "values": ref(col),
                      "line": {"color": "#9A9A9A", "width": 1.25},
                      "marker": {"type": "circle", "size": 4,
                                 "fill": {"color": "#7F7F7F"}, "border": {"none": True}}})
    chart.add_series({"name": "Mean", "categories": cats, "values": ref(col + 1),
                      "line": {"color": "#222222", "width": 1.5}, "marker": {"type": "none"}})
    for j, label in ((2, "Lower limit"), (3, "Upper limit")):
        chart.add_series({"name": label, "categories": cats, "values": ref(col + j),
                          "line": {"color": "#555555", "width": 1, "dash_type": "dash"},
                          "marker": {"type": "none"}})
    if line.target is not None:
        chart.add_series({"name": "Target", "categories": cats, "values": ref(col + 4),
                          "line": {"color": "#1B7F3B", "width": 1.5, "dash_type": "round_dot"},
                          "marker": {"type": "none"}})
    readings = {p.variation for p in line.chart.points}
    for j, word in enumerate(DATA_COLUMNS[5:], start=5):
        shape, colour, reading = MARKERS[word]
        if reading in readings:
            chart.add_series({"name": word.capitalize(), "categories": cats,
                              "values": ref(col + j), "line": {"none": True},
                              "marker": {"type": shape, "size": 7, "fill": {"color": colour},
                                         "border": {"color": "#FFFFFF"}}})
    chart.set_title({"name": line_title(line.measure.name, line.scope),
                     "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"date_axis": True, "num_format": "d mmm", "num_font": {"size": 9},
                      "major_unit": 28, "major_unit_type": "days",
                      "major_tick_mark": "outside"})
    y_axis = {"num_font": {"size": 9}, "major_gridlines": {"visible": True,
                                                           "line": {"color": "#E5E5E5"}}}
    if line.measure.kind == "pct":
        y_axis.update({"num_format": '0"%"', "max": 100})
    if line.measure.kind != "pct" or (line.chart.lcl or 0) <= 0:
        y_axis["min"] = 0
    chart.set_y_axis(y_axis)
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    chart.show_blanks_as("gap")
    chart.set_size({"width": CHART_PX[0], "height": CHART_PX[1]})
    return chart


def _finish(ws: Worksheet, last_row: int, n_cols: int, *, freeze_cols: int,
            titles: tuple[int, int] | None = None) -> None:
    """Freeze the headings, filter, and print: the headings on every page; the first page
    across holds the reader's columns (the measure and its figures, signal and target), the
    next repeats the columns that name the row (``titles``) beside the signal in words."""
    ws.freeze_panes(HEADER_ROW + 1, freeze_cols)
    if last_row > HEADER_ROW + 1:
        ws.autofilter(HEADER_ROW, 0, last_row - 1, n_cols - 1)
    _print_setup(ws, repeat_row=HEADER_ROW)
    ws.print_across()  # the first rows' every column before the next rows
    if titles is not None:
        ws.repeat_columns(*titles)
        ws.print_area(0, 0, max(last_row - 1, HEADER_ROW), min(n_cols, PRINTED_COLUMNS) - 1)


def write_scorecard_xlsx(card: Scorecard, path: Path, *, publish: bool = False) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    wb = xlsxwriter.Workbook(str(partial), {"strings_to_formulas": False,
                                             "strings_to_urls": False})
    try:
        f = _Formats(wb)
        _scorecard_sheet(wb, f, card, publish)
        charts = wb.add_worksheet("Charts")
        present = {MEASURES[r.measure].programme for r in card.summary.rows}
        for programme in PROGRAMME_TITLES:
            if programme in present:
                _programme_sheet(wb, f, card, programme, publish)
        _annotations_sheet(wb, f, card)
        lines = _chart_lines(card)
        data, places = _chart_data_sheet(wb, f, card, publish, lines)
        _charts_sheet(wb, charts, f, card, publish, lines, data, places)
        _definitions_sheet(wb, f, card)
        wb.set_properties({"title": f"casereview summary {card.period.label}",
                           "author": "casereview"})
        wb.close()  # xlsxwriter writes the file here
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
