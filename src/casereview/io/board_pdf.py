"""The board pack as a PDF on A4 landscape, laid out with fpdf2: a cover, the scorecard, the
charts four to a page (each programme from a new page), then the review themes and learning.

The charts are drawn by matplotlib at their printed size (so their labels are at their true
point size) and placed as 200 dpi images; the text is DejaVu Sans, the font matplotlib ships,
so the PDF looks the same on every machine and prints every character the measures use.
Sizes are for reading on paper without zoom: body text 10 pt, tables 9.5 pt, chart labels at
least 8 pt.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF

from casereview.io.board_chart import chart_png
from casereview.io.board_pack import BoardPack, Icon, MeasureChart, ScoreLine, note_words
from casereview.metrics.display import target_heading

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 12.0
BODY_W = PAGE_W - 2 * MARGIN
FOOT = 9.0                      # room kept at the foot for the page line
BLUE = (31, 78, 121)
GREY_TEXT = (70, 70, 70)
RULE_GREY = (200, 200, 200)
GAP = 6.0                       # between the two chart columns
CELL_W = (BODY_W - GAP) / 2
# Charts are placed as 200 dpi images: as sharp as a laser printer prints, and fpdf2 places
# one in milliseconds where reading matplotlib's SVG back took a third of a second a chart.
CHART_DPI = 200

# (heading, width mm, right-aligned)
SCORE_COLUMNS = [("Measure", 66, False), ("This {w}", 21, True), ("Previous {w}", 21, True),
                 ("13-week mean", 21, True), ("SPC signal", 64, False),
                 ("Mean judged against", 24, True), ("Assurance", 34, False),
                 ("{t}", 22, True)]


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def _fonts() -> dict[str, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf",
            "I": folder / "DejaVuSans-Oblique.ttf"}


class _Paper(FPDF):
    def __init__(self, pack: BoardPack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        for style, path in _fonts().items():
            self.add_font("DejaVu", style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + FOOT)
        self.set_title(pack.title)
        self.set_author("casereview")
        self.set_creator("casereview")
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-MARGIN - 4)
        self.set_font("DejaVu", "", 8.5)
        self.set_text_color(*GREY_TEXT)
        label = f"{self.pack.title} ({self.pack.dates})"
        if self.pack.publish:
            label += ", published"
        self.cell(BODY_W * 0.8, 5, label)
        self.cell(BODY_W * 0.2, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # --- small pieces ---------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        self.set_font("DejaVu", style, size)

    def heading(self, text: str, size: float = 15) -> None:
        self.font(size, "B")
        self.set_text_color(*BLUE)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def para(self, text: str, size: float = 10, style: str = "", colour=(0, 0, 0),
             w: float = 0) -> None:
        self.font(size, style)
        self.set_text_color(*colour)
        self.multi_cell(w, size * 0.45, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(0, 0, 0)

    def icon(self, icon: Icon | None, x: float, y: float, d: float = 4.6) -> None:
        """A Making Data Count icon: a letter in a coloured circle of diameter ``d``."""
        if icon is None:
            return
        self.set_fill_color(*_hex(icon.colour))
        self.set_draw_color(*_hex(icon.colour))
        self.ellipse(x, y, d, d, style="F")
        if icon.letter:
            self.set_text_color(255, 255, 255)
            self.font(d * 1.75, "B")
            self.set_xy(x, y)
            self.cell(d, d, icon.letter, align="C")
            self.set_text_color(0, 0, 0)

    def bullets(self, items: list[str], size: float = 10, w: float = BODY_W) -> None:
        for item in items:
            self.font(size)
            y = self.get_y()
            self.set_xy(self.l_margin + 1, y)
            self.cell(4, size * 0.45, "•")
            self.set_xy(self.l_margin + 5, y)
            self.multi_cell(w - 5, size * 0.45, item, new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(0.8)

    def icon_line(self, icon: Icon | None, text: str, x: float, w: float, size: float = 9.5,
                  colour=(0, 0, 0)) -> None:
        """An icon, then its words wrapped beside it."""
        y = self.get_y()
        indent = 0.0
        if icon is not None:
            self.icon(icon, x, y + 0.1, 4.2)
            indent = 5.6
        self.font(size)
        self.set_text_color(*colour)
        self.set_xy(x + indent, y)
        self.multi_cell(w - indent, size * 0.43, text, new_x="LEFT", new_y="NEXT", align="L")
        self.set_text_color(0, 0, 0)
        self.set_x(x)


# --- the pages ---------------------------------------------------------------------------------

def _cover(pdf: _Paper, pack: BoardPack) -> None:
    pdf.add_page()
    pdf.heading(pack.title, 20)
    last = "so far" if pack.in_progress else f"of the {pack.period_words}"
    pdf.para(f"{pack.dates}. Generated {pack.generated} by casereview. SPC readings are of "
             f"week {pack.anchor_week}, the last full week {last}.", 11)
    if pack.in_progress:
        pdf.para(f"The {pack.period_words} has not ended yet: its figures are to date.", 11,
                 "B")
    if pack.publish:
        pdf.para("Published: counts from 1 to 7, and rates or means built on them, are shown "
                 "as *; weeks that would show them are not drawn on the charts; free text "
                 "(learning, notes) is left out.", 10, "I", GREY_TEXT)
    pdf.ln(3)
    pdf.heading(f"What changed since the last {pack.period_words}", 14)
    pdf.bullets(pack.changes, 10.5)
    pdf.ln(2)
    pdf.heading("The measures at a glance", 14)
    for icon, n in pack.tally:
        y = pdf.get_y()
        pdf.icon(icon, pdf.l_margin + 1, y + 0.2)
        pdf.set_xy(pdf.l_margin + 8, y)
        pdf.font(10.5)
        pdf.cell(0, 5, f"{n} measure{'s' if n != 1 else ''}: {icon.words.lower()}",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(2)
    pdf.heading("Reading this paper", 14)
    pdf.bullets(pack.reading_notes, 9.5)


def _row_height(pdf: _Paper, cells: list[tuple[str, float, float]], size: float) -> float:
    """The height of a table row: its tallest wrapped cell. ``cells``: (text, width, indent);
    the first cell is bold."""
    lines = 1
    for i, (text, w, indent) in enumerate(cells):
        pdf.font(size, "B" if i == 0 else "")
        lines = max(lines, len(pdf.multi_cell(w - indent - 2, size * 0.43, text, dry_run=True,
                                              output="LINES")))
    return lines * size * 0.43 + 2.2


def _score_header(pdf: _Paper, pack: BoardPack) -> None:
    pdf.font(9, "B")
    pdf.set_fill_color(*BLUE)
    pdf.set_text_color(255, 255, 255)
    y = pdf.get_y()
    x = pdf.l_margin
    texts = [heading.format(w=pack.period_words, t=target_heading(pack.period))
             for heading, _, _ in SCORE_COLUMNS]
    lines = max(len(pdf.multi_cell(w - 2, 4, text, dry_run=True, output="LINES"))
                for text, (_, w, _) in zip(texts, SCORE_COLUMNS))
    h = lines * 4 + 1.6
    pdf.rect(x, y, BODY_W, h, style="F")
    for text, (_, w, right) in zip(texts, SCORE_COLUMNS):
        pdf.set_xy(x + 1, y + 0.8)
        pdf.multi_cell(w - 2, 4, text, align="R" if right else "L", new_x="RIGHT",
                       new_y="TOP")
        x += w
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.l_margin, y + h)


ROW_SIZE = 9.5


def _score_cells(line: ScoreLine) -> tuple[list[str], list[float], float]:
    assurance = line.assurance.words.split(":")[0] if line.assurance else ""
    texts = [line.title, line.value, line.previous, line.recent_mean, line.signal,
             line.judged_mean, assurance, line.target]
    indents = [0, 0, 0, 0, 5.4 if line.variation else 0, 0, 5.4 if line.assurance else 0, 0]
    return texts, indents


def _score_height(pdf: _Paper, line: ScoreLine) -> float:
    texts, indents = _score_cells(line)
    widths = [w for _, w, _ in SCORE_COLUMNS]
    return _row_height(pdf, list(zip(texts, widths, indents)), ROW_SIZE)


def _score_row(pdf: _Paper, pack: BoardPack, line: ScoreLine) -> None:
    size = ROW_SIZE
    texts, indents = _score_cells(line)
    h = _score_height(pdf, line)
    if pdf.get_y() + h > PAGE_H - MARGIN - FOOT:
        pdf.add_page()
        _score_header(pdf, pack)
    y, x = pdf.get_y(), pdf.l_margin
    for (heading, w, right), text, indent in zip(SCORE_COLUMNS, texts, indents):
        if heading == "SPC signal":
            pdf.icon(line.variation, x + 1, y + 1.1, 4.2)
        if heading == "Assurance":
            pdf.icon(line.assurance, x + 1, y + 1.1, 4.2)
        pdf.font(size, "B" if heading == "Measure" else "")
        pdf.set_xy(x + indent + 1, y + 1.2)
        pdf.multi_cell(w - indent - 2, size * 0.43, text, align="R" if right else "L",
                       new_x="RIGHT", new_y="TOP")
        x += w
    pdf.set_draw_color(*RULE_GREY)
    pdf.line(pdf.l_margin, y + h, pdf.l_margin + BODY_W, y + h)
    pdf.set_xy(pdf.l_margin, y + h)


def _scorecard(pdf: _Paper, pack: BoardPack) -> None:
    pdf.add_page()
    pdf.heading("Scorecard", 18)
    pdf.para(f"All sites. The SPC signal is the reading of week {pack.anchor_week}, judged "
             "against the mean beside it; the icons are explained on the first page.", 9.5,
             colour=GREY_TEXT)
    pdf.ln(1)
    for section in pack.sections:
        # A programme's table is kept on one page when it fits on one.
        needed = 10 + 15 + sum(_score_height(pdf, line) for line in section.lines)
        if pdf.get_y() + needed > PAGE_H - MARGIN - FOOT:
            pdf.add_page()
        pdf.heading(section.title, 12.5)
        _score_header(pdf, pack)
        for line in section.lines:
            _score_row(pdf, pack, line)
        pdf.ln(4)


def _chart_cell(pdf: _Paper, chart: MeasureChart, x: float, y: float, h: float) -> None:
    pdf.set_xy(x, y)
    pdf.font(11, "B")
    pdf.cell(CELL_W, 5.5, chart.title, new_x="LEFT", new_y="NEXT")
    pdf.set_x(x)
    pdf.icon_line(chart.variation, chart.variation_words, x, CELL_W)
    pdf.set_y(pdf.get_y() + 0.6)
    pdf.icon_line(chart.assurance, chart.assurance_words, x, CELL_W)
    pdf.set_y(pdf.get_y() + 0.6)
    pdf.icon_line(None, chart.figures, x, CELL_W, 9, GREY_TEXT)
    notes = [note_words(*note) for note in chart.notes]
    note_h = 0.0
    if notes:
        pdf.font(8.5)
        note_h = sum(len(pdf.multi_cell(CELL_W, 3.7, n, dry_run=True, output="LINES"))
                     for n in notes) * 3.7 + 1
    top = pdf.get_y() + 0.5
    chart_h = max(40.0, y + h - top - note_h)
    png = chart_png(chart.spec, CELL_W, chart_h, dpi=CHART_DPI)
    pdf.image(io.BytesIO(png), x=x, y=top, w=CELL_W, h=chart_h,
              title=chart.title, alt_text=f"SPC chart: {chart.title}")
    if notes:
        pdf.set_xy(x, top + chart_h + 0.5)
        pdf.font(8.5)
        for n in notes:
            pdf.multi_cell(CELL_W, 3.7, n, new_x="LEFT", new_y="NEXT", align="L")


def _charts(pdf: _Paper, pack: BoardPack, progress: Callable[[str], None]) -> None:
    done, total = 0, len(pack.charts)
    for section in pack.sections:
        for i, chart in enumerate(section.charts):
            if i % 4 == 0:
                pdf.add_page()
                title = section.title if i == 0 else f"{section.title} (continued)"
                pdf.heading(title, 14)
                top = pdf.get_y()
                cell_h = (PAGE_H - MARGIN - FOOT - top - 4) / 2
            done += 1
            progress(f"chart {done} of {total} ({chart.title})")
            col, row = i % 2, (i % 4) // 2
            _chart_cell(pdf, chart, MARGIN + col * (CELL_W + GAP),
                        top + row * (cell_h + 4), cell_h)


def _table(pdf: _Paper, headings: list[str], widths: list[float], aligns: str,
           rows: list[list[str]], bold_rows: set[int] = frozenset()) -> None:
    """A plain table: wrapped cells, a rule under each row, the headings again on a new page."""
    size, line_h = 9.5, 4.1

    def header() -> None:
        pdf.font(9, "B")
        pdf.set_fill_color(*BLUE)
        pdf.set_text_color(255, 255, 255)
        y, x = pdf.get_y(), pdf.l_margin
        pdf.rect(x, y, sum(widths), 6.5, style="F")
        for text, w, align in zip(headings, widths, aligns):
            pdf.set_xy(x + 1, y + 1.2)
            pdf.cell(w - 2, 4, text, align=align)
            x += w
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, y + 6.5)

    header()
    for i, row in enumerate(rows):
        style = "B" if i in bold_rows else ""
        pdf.font(size, style)
        lines = max(len(pdf.multi_cell(w - 2, line_h, text, dry_run=True, output="LINES"))
                    for text, w in zip(row, widths))
        h = lines * line_h + 2
        if pdf.get_y() + h > PAGE_H - MARGIN - FOOT:
            pdf.add_page()
            header()
        y, x = pdf.get_y(), pdf.l_margin
        for text, w, align in zip(row, widths, aligns):
            pdf.font(size, style)
            pdf.set_xy(x + 1, y + 1)
            pdf.multi_cell(w - 2, line_h, text, align=align, new_x="RIGHT", new_y="TOP")
            x += w
        pdf.set_draw_color(*RULE_GREY)
        pdf.line(pdf.l_margin, y + h, pdf.l_margin + sum(widths), y + h)
        pdf.set_xy(pdf.l_margin, y + h)


def _table_heading(pdf: _Paper, text: str) -> None:
    """A table's heading, on a new page unless the heading, the column headings and two rows
    fit below it (a heading never stands alone at the foot of a page)."""
    if pdf.get_y() + 28 > PAGE_H - MARGIN - FOOT:
        pdf.add_page()
    pdf.heading(text, 12.5)


def _action_plan(pdf: _Paper, pack: BoardPack) -> None:
    if not (pack.ratings or pack.targets):
        return
    word = pack.period_words
    pdf.add_page()
    pdf.heading("Action plan and programme targets", 18)
    if pack.ratings:
        _table_heading(pdf, f"Open actions by rating at the end of the {word}")
        _table(pdf, ["Rating", f"Open, this {word}", f"Open, previous {word}"],
               [60, 50, 55], "LRR", [list(r) for r in pack.ratings])
        pdf.ln(4)
    if pack.targets:
        _table_heading(pdf, f"Programme targets running in the {word}")
        _table(pdf, ["Target", "Done against expected"], [110, 163], "LL",
               [list(t) for t in pack.targets])
        pdf.ln(4)
    if pack.open_actions:
        _table_heading(pdf, "Open actions, overdue first")
        rows = [[a.title, a.owner, a.due + (" (overdue)" if a.overdue else ""), a.rating]
                for a in pack.open_actions]
        _table(pdf, ["Action", "Owner", "Due", "Rating"], [155, 50, 43, 25], "LLLL", rows,
               {i for i, a in enumerate(pack.open_actions) if a.overdue})
        pdf.ln(4)
    elif pack.publish and pack.ratings:
        pdf.para("The actions' titles are free text and are left out of a published paper.",
                 10, "I", GREY_TEXT)
        pdf.ln(3)


def _learning(pdf: _Paper, pack: BoardPack) -> None:
    word = pack.period_words
    pdf.add_page()
    pdf.heading("Review themes and learning", 18)
    pdf.para(f"Reviews completed this {word}: {pack.reviews_completed}. A review may carry "
             "several themes.", 10)
    pdf.ln(2)
    _table(pdf, ["Theme", f"Reviews this {word}", f"Previous {word}"], [120, 35, 35], "LRR",
           [list(t) for t in pack.themes])
    pdf.ln(5)
    if pack.publish:
        pdf.para("Learning is free text and is left out of a published paper.", 10, "I",
                 GREY_TEXT)
        return
    pdf.heading(f"Learning from the reviews of the {word}", 14)
    if not pack.learning:
        pdf.para(f"No review completed this {word} recorded learning.", 10)
    pdf.bullets([f"{day}: {text}" for day, text in pack.learning], 10)


def board_pdf(pack: BoardPack, progress: Callable[[str], None] | None = None) -> bytes:
    step = progress or (lambda _: None)
    # fpdf2 notes each SVG feature it skips (matplotlib's <metadata>, say) on its logger.
    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)
    pdf = _Paper(pack)
    _cover(pdf, pack)
    _scorecard(pdf, pack)
    _charts(pdf, pack, step)
    _action_plan(pdf, pack)
    _learning(pdf, pack)
    return bytes(pdf.output())


def write_board_pdf(pack: BoardPack, path: Path,
                    progress: Callable[[str], None] | None = None) -> None:
    data = board_pdf(pack, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
