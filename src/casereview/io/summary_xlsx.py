"""The summary as an Excel workbook for people (SPEC 7.2): a scorecard sheet (every measure
for all sites and each site, beside the previous period, the 13-week mean and the SPC signal),
a sheet per programme with every scope, and a definitions sheet. Text cells go through
``neutralise``; the file is written beside its destination and moved into place when whole.
"""

from __future__ import annotations

import os
from datetime import datetime
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


def _headings(ws: Worksheet, f: _Formats, columns: list[tuple[str, float]]) -> None:
    for col, (heading, width) in enumerate(columns):
        ws.set_column(col, col, width)
        ws.write_string(HEADER_ROW, col, heading, f.header)
    ws.set_row(HEADER_ROW, 30)


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
          f.coloured.get(r.variation, f.text))
    _text(ws, row, col + 5, r.signal, f.text)
    _text(ws, row, col + 6, ASSURANCE_SHORT.get(r.assurance, ""),
          f.coloured.get(r.assurance, f.text))
    # A count's target pro rata for a month or quarter (42.857...) is shown to 1 place.
    whole = r.target is None or float(r.target).is_integer()
    _number(ws, row, col + 7, r.target,
            f.numbers[kind] if kind != "count" or whole else f.mean_of_counts, f)


def _line_headings(card: Scorecard) -> list[tuple[str, float]]:
    word = period_words(card.period)
    return [(this_heading(card.period, card.in_progress), 12), (f"Previous {word}", 12),
            ("Change", 10),
            ("13-week mean (weekly)", 13), ("SPC signal", 15), ("SPC signal in words", 60),
            ("Assurance (target)", 20), (target_heading(card.period), 12)]


def _scorecard_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard,
                     publish: bool) -> None:
    ws = wb.add_worksheet("Scorecard")
    _about(ws, f, card, "Scorecard", publish)
    columns = [("Programme", 28), ("Scope", 26), ("Measure", 46), *_line_headings(card),
               ("Numerator", 11), ("Denominator", 12), ("Measure code", 34)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    present = {r.measure for r in card.summary.rows}
    for scope in card.scopes():
        for line in card.lines(scope):
            if line.measure.name not in present:
                continue
            r = file_row(line, publish=publish)
            _text(ws, row, 0, PROGRAMME_TITLES[line.measure.programme], f.text)
            _text(ws, row, 1, scope_title(scope, card.reference.sites), f.text)
            _text(ws, row, 2, line_title(line.measure.name, line.scope), f.bold)
            _line_cells(ws, f, row, 3, r)
            _number(ws, row, 11, r.numerator, f.numbers["count"], f)
            _number(ws, row, 12, r.denominator, f.numbers["count"], f)
            _text(ws, row, 13, line.measure.name, f.text)
            row += 1
    _finish(ws, row, len(columns), freeze_cols=3)


def _programme_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard, programme: str,
                     publish: bool) -> None:
    ws = wb.add_worksheet(SHEET_NAMES.get(programme, programme[:31]))
    _about(ws, f, card, PROGRAMME_TITLES.get(programme, programme), publish)
    columns = [("Measure", 44), ("Scope", 16), ("Scope name", 30), *_line_headings(card),
               ("Numerator", 11), ("Denominator", 12), ("Measure code", 34)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    for summary_row in card.summary.rows:
        measure = MEASURES[summary_row.measure]
        if measure.programme != programme:
            continue
        line = card.line(measure.name, summary_row.scope)
        r = file_row(line, publish=publish)
        _text(ws, row, 0, line_title(measure.name, summary_row.scope), f.bold)
        _text(ws, row, 1, summary_row.scope, f.text)
        _text(ws, row, 2, _scope_name(card, summary_row.scope), f.text)
        _line_cells(ws, f, row, 3, r)
        _number(ws, row, 11, r.numerator, f.numbers["count"], f)
        _number(ws, row, 12, r.denominator, f.numbers["count"], f)
        _text(ws, row, 13, measure.name, f.text)
        row += 1
    _finish(ws, row, len(columns), freeze_cols=1)


def _scope_name(card: Scorecard, scope: str) -> str:
    kind, _, code = scope.partition(":")
    if kind == "theme":
        return card.reference.review_themes.get(code, code)
    return scope_title(scope, card.reference.sites, card.reference.wards)


def _definitions_sheet(wb: xlsxwriter.Workbook, f: _Formats, card: Scorecard) -> None:
    ws = wb.add_worksheet("Definitions")
    _text(ws, 0, 0, "Definitions of the measures (casereview SPEC section 6)", f.title)
    _text(ws, 1, 0, "Values are unrounded in the cells; the number formats round them for "
                    "reading (percentages to 1 decimal place).", f.note)
    columns = [("Measure code", 34), ("Measure", 44), ("Programme", 30), ("Kind", 12),
               ("Improvement", 18), ("Scopes", 16), ("Definition", 80)]
    _headings(ws, f, columns)
    row = HEADER_ROW + 1
    for m in MEASURES.values():
        for col, value in enumerate([m.name, m.title, PROGRAMME_TITLES[m.programme],
                                     KIND_WORDS[m.kind], DIRECTION_WORDS[m.direction],
                                     ", ".join(m.scopes), m.definition]):
            _text(ws, row, col, value, f.wrap if col == 6 else f.text)
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
    for note in notes:
        row += 1
        _text(ws, row, 0, note, f.text)
    ws.freeze_panes(HEADER_ROW + 1, 1)


def _finish(ws: Worksheet, last_row: int, n_cols: int, *, freeze_cols: int) -> None:
    ws.freeze_panes(HEADER_ROW + 1, freeze_cols)
    if last_row > HEADER_ROW + 1:
        ws.autofilter(HEADER_ROW, 0, last_row - 1, n_cols - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)


def write_scorecard_xlsx(card: Scorecard, path: Path, *, publish: bool = False) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    wb = xlsxwriter.Workbook(str(partial), {"strings_to_formulas": False,
                                             "strings_to_urls": False})
    try:
        f = _Formats(wb)
        _scorecard_sheet(wb, f, card, publish)
        present = {MEASURES[r.measure].programme for r in card.summary.rows}
        for programme in PROGRAMME_TITLES:
            if programme in present:
                _programme_sheet(wb, f, card, programme, publish)
        _definitions_sheet(wb, f, card)
        wb.set_properties({"title": f"casereview summary {card.period.label}",
                           "author": "casereview"})
        wb.close()  # xlsxwriter writes the file here
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
