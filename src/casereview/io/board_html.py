"""The board pack as one self-contained HTML file: the charts inline as SVG, styled to print
on A4 landscape (a browser's Print gives the same pages as the PDF, near enough)."""

from __future__ import annotations

from html import escape

from casereview.io.board_chart import chart_svg
from casereview.io.board_pack import BoardPack, Icon, MeasureChart, ScoreLine, note_words

# The size a chart is drawn at: half an A4 landscape page's width, as in the PDF.
CHART_MM = (134.0, 66.0)

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111;
       max-width: 273mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 4mm 0; color: #1F4E79; }
h2 { font-size: 14pt; margin: 6mm 0 2mm 0; color: #1F4E79; }
h3 { font-size: 11pt; margin: 0 0 1mm 0; }
p.note, .muted { color: #444; }
section.page { page-break-after: always; break-after: page; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th { background: #1F4E79; color: #fff; text-align: left; font-weight: bold; padding: 1.2mm; }
td { border-bottom: 0.3mm solid #ccc; padding: 1.2mm; vertical-align: top; }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }
td:first-child { font-weight: bold; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.icon { display: inline-block; width: 5mm; height: 5mm; line-height: 5mm; border-radius: 50%;
        color: #fff; font-weight: bold; text-align: center; font-size: 8.5pt;
        margin-right: 1.2mm; vertical-align: middle; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm 6mm; }
.chart { break-inside: avoid; page-break-inside: avoid; }
.chart svg { width: 100%; height: auto; }
.chart p { margin: 0.6mm 0; font-size: 9.5pt; }
ul { margin: 1mm 0; padding-left: 6mm; }
li { margin: 0.8mm 0; }
"""


def _icon(icon: Icon | None) -> str:
    if icon is None:
        return ""
    return (f'<span class="icon" style="background:{icon.colour}" title="{escape(icon.words)}">'
            f"{escape(icon.letter)}</span>")


def _score_table(lines: list[ScoreLine], word: str, target_heading: str) -> str:
    head = ["Measure", f"This {word}", f"Previous {word}", "13-week mean", "SPC signal",
            "Mean judged against", "Assurance", target_heading]
    numeric = {1, 2, 3, 5, 7}
    widths = (24, 8, 8, 8, 23, 9, 12, 8)  # per cent of the page, as the PDF's columns
    out = ["<table><colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths)
           + "</colgroup><thead><tr>" + "".join(
        f'<th class="{"n" if i in numeric else ""}">{escape(h)}</th>'
        for i, h in enumerate(head)) + "</tr></thead><tbody>"]
    for line in lines:
        assurance = (_icon(line.assurance) + escape(line.assurance.words.split(":")[0])
                     if line.assurance else "")
        cells = [escape(line.title), escape(line.value), escape(line.previous),
                 escape(line.recent_mean), _icon(line.variation) + escape(line.signal),
                 escape(line.judged_mean), assurance, escape(line.target)]
        out.append("<tr>" + "".join(f'<td class="{"n" if i in numeric else ""}">{c}</td>'
                                    for i, c in enumerate(cells)) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def chart_id(chart: MeasureChart) -> str:
    """ooh_nc_moves, actions_rag-RED: the id of a chart's block in the page."""
    code = chart.scope.partition(":")[2]
    return chart.measure.name + (f"-{code}" if code else "")


def _chart(chart: MeasureChart) -> str:
    parts = [f'<div class="chart" id="chart-{chart_id(chart)}">',
             f"<h3>{escape(chart.title)}</h3>",
             f"<p>{_icon(chart.variation)}{escape(chart.variation_words)}</p>",
             f"<p>{_icon(chart.assurance)}{escape(chart.assurance_words)}</p>",
             f'<p class="muted">{escape(chart.figures)}</p>',
             _inline_svg(chart)]
    for note in chart.notes:
        parts.append(f'<p class="muted">{escape(note_words(*note))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def _inline_svg(chart: MeasureChart) -> str:
    svg = chart_svg(chart.spec, *CHART_MM)
    start = svg.find("<svg")
    return svg[start:]


def _rows(headings: list[str], numeric: set[int], rows: list[list[str]],
          strong: set[int] = frozenset()) -> str:
    out = ["<table><thead><tr>" + "".join(
        f'<th class="{"n" if i in numeric else ""}">{escape(h)}</th>'
        for i, h in enumerate(headings)) + "</tr></thead><tbody>"]
    for k, row in enumerate(rows):
        cells = "".join(f'<td class="{"n" if i in numeric else ""}">'
                        f'{"<b>" if k in strong else ""}{escape(c)}{"</b>" if k in strong else ""}'
                        "</td>" for i, c in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    return "\n".join(out) + "</tbody></table>"


def _action_plan(pack: BoardPack) -> list[str]:
    if not (pack.ratings or pack.targets):
        return []
    word = pack.period_words
    out = ['<section class="page" id="action-plan"><h1>Action plan and programme targets</h1>']
    if pack.ratings:
        out.append(f"<h2>Open actions by rating at the end of the {word}</h2>")
        out.append(_rows(["Rating", f"Open, this {word}", f"Open, previous {word}"], {1, 2},
                         [list(r) for r in pack.ratings]))
    if pack.targets:
        out.append(f"<h2>Programme targets running in the {word}</h2>")
        out.append(_rows(["Target", "Done against expected"], set(),
                         [list(t) for t in pack.targets]))
    if pack.open_actions:
        out.append("<h2>Open actions, overdue first</h2>")
        out.append(_rows(["Action", "Owner", "Due", "Rating"], set(),
                         [[a.title, a.owner, a.due + (" (overdue)" if a.overdue else ""),
                           a.rating] for a in pack.open_actions],
                         {i for i, a in enumerate(pack.open_actions) if a.overdue}))
    elif pack.publish and pack.ratings:
        out.append('<p class="note">The actions\' titles are free text and are left out of a '
                   "published paper.</p>")
    out.append("</section>")
    return out


def board_html(pack: BoardPack) -> str:
    from casereview.metrics.display import target_heading

    word = pack.period_words
    out = ["<!DOCTYPE html>", '<html lang="en-GB"><head><meta charset="utf-8">',
           f"<title>{escape(pack.title)}</title>", f"<style>{CSS}</style></head><body>"]
    # Cover
    out.append('<section class="page" id="cover">')
    out.append(f"<h1>{escape(pack.title)}</h1>")
    out.append(f"<p><b>{escape(pack.dates)}</b>. Generated {escape(pack.generated)} by "
               f"casereview. SPC readings at week {escape(pack.anchor_week)}.</p>")
    if pack.in_progress:
        out.append(f"<p><b>The {word} has not ended yet: figures are to date.</b></p>")
    if pack.publish:
        out.append('<p class="note">Published: counts from 1 to 7, and rates or means built '
                   "on them, are shown as *; weeks that would show them are not drawn; free "
                   "text is left out.</p>")
    out.append(f"<h2>What changed since the last {word}</h2><ul>")
    out += [f"<li>{escape(c)}</li>" for c in pack.changes]
    out.append("</ul><h2>The measures at a glance</h2><ul>")
    out += [f"<li>{_icon(icon)}{n} {escape(icon.words.lower())}</li>" for icon, n in pack.tally]
    out.append("</ul><h2>Reading this paper</h2><ul>")
    out += [f"<li>{escape(n)}</li>" for n in pack.reading_notes]
    out.append("</ul></section>")
    # Scorecard
    out.append('<section class="page" id="scorecard"><h1>Scorecard</h1>')
    for section in pack.sections:
        out.append(f"<h2>{escape(section.title)}</h2>")
        out.append(_score_table(section.lines, word, target_heading(pack.period)))
    out.append("</section>")
    # Charts
    for section in pack.sections:
        out.append(f'<section class="page" id="charts-{section.programme}">'
                   f"<h1>{escape(section.title)}</h1><div class=\"grid\">")
        out += [_chart(c) for c in section.charts]
        out.append("</div></section>")
    out += _action_plan(pack)
    # Themes and learning
    out.append('<section id="learning"><h1>Review themes and learning</h1>')
    out.append(f"<p>Reviews completed this {word}: {escape(pack.reviews_completed)}.</p>")
    out.append(f'<table><thead><tr><th>Theme</th><th class="n">Reviews this {word}</th>'
               f'<th class="n">Previous {word}</th></tr></thead><tbody>')
    out += [f'<tr><td>{escape(t)}</td><td class="n">{escape(a)}</td>'
            f'<td class="n">{escape(b)}</td></tr>' for t, a, b in pack.themes]
    out.append("</tbody></table>")
    if pack.publish:
        out.append('<p class="note">Learning is free text and is left out of a published '
                   "paper.</p>")
    else:
        out.append(f"<h2>Learning from the reviews of the {word}</h2>")
        if pack.learning:
            out.append("<ul>" + "".join(f"<li><b>{escape(d)}</b>: {escape(t)}</li>"
                                        for d, t in pack.learning) + "</ul>")
        else:
            out.append(f"<p>No review completed this {word} recorded learning.</p>")
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"
