"""The summary as Markdown, ready to paste into a board paper: per programme, every measure
for all sites beside the previous period, the 13-week mean, the SPC signal, assurance and
target; then each site's values; then the review themes; then how to read it."""

from __future__ import annotations

from datetime import datetime

from casereview.domain.values import LONDON, format_uk_date
from casereview.io.scorecard_rows import FileRow, file_row
from casereview.metrics.definitions import MEASURES, PROGRAMME_TITLES
from casereview.metrics.display import (
    ASSURANCE_SHORT,
    NO_VALUE,
    TARGET_RULE,
    VARIATION_SHORT,
    format_target,
    format_value,
    line_title,
    period_words,
    scope_title,
    target_heading,
    this_heading,
)
from casereview.metrics.scorecard import Line, Scorecard
from casereview.metrics.spc import BASELINE_POINTS, MIN_POINTS, RULE_WORDS, SIGNAL_WORDS


def _cell(text: object) -> str:
    """Table cells hold one line and no bare pipes."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _table(headings: list[str], align: str, rows: list[list[str]]) -> list[str]:
    marks = {"l": ":--", "r": "--:"}
    out = ["| " + " | ".join(_cell(h) for h in headings) + " |",
           "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def signal_words(line: Line) -> str:
    """The reading in short, with the mean it was judged against (SPEC 6)."""
    point = line.point
    if point is None or point.variation is None:
        return line.signal  # too few points, or no value this week
    words = VARIATION_SHORT[point.variation]
    if point.flagged:
        words += f": {SIGNAL_WORDS[(point.rules[0], point.side)]}"
    return f"{words} ({line.judged_words})"


def _row_cells(line: Line, r: FileRow) -> list[str]:
    name = line.measure.name
    return [line_title(name, line.scope), format_value(name, r.value),
            format_value(name, r.previous),
            format_value(name, r.recent_mean, as_mean=True), signal_words(line),
            ASSURANCE_SHORT.get(r.assurance, ""), format_target(name, r.target)]


def _short(line: Line, r: FileRow) -> str:
    value = format_value(line.measure.name, r.value)
    if line.variation in (None, "common") or value == NO_VALUE:
        return value
    return f"{value} ({VARIATION_SHORT[line.variation].lower()})"


def summary_markdown(card: Scorecard, *, publish: bool = False) -> str:
    period, word = card.period, period_words(card.period)
    generated = datetime.fromisoformat(card.generated_at).astimezone(LONDON)
    to_date = " to date" if card.in_progress else ""
    lines = [f"# Scorecard: {word} {period.label}{to_date} ({format_uk_date(period.start)} to "
             f"{format_uk_date(period.end)})", "",
             f"Generated {format_uk_date(generated.date())} {generated:%H:%M} by casereview. "
             f"SPC signals are read at week {card.anchor.label}; the 13-week mean is the mean "
             f"of the weekly values of the 13 weeks to that week."]
    if card.in_progress:
        lines.append(f"The {word} is in progress: its figures are to date "
                     f"({format_uk_date(generated.date())}) and its counts will grow. Nights "
                     f"audited counts only the nights that have ended.")
    if publish:
        lines.append("Published: counts from 1 to 7, and rates or means built on them, are "
                     "shown as \\*.")
    present = {r.measure for r in card.summary.rows}
    sites = card.reference.sites
    for programme, title in PROGRAMME_TITLES.items():
        chosen = [line for line in card.lines("all", programme) if line.measure.name in present]
        if not chosen:
            continue
        lines += ["", f"## {title}", ""]
        lines += _table(["Measure", this_heading(period, card.in_progress),
                         f"Previous {word}", "13-week mean",
                         "SPC signal", "Assurance", target_heading(period)], "lrrrllr",
                        [_row_cells(line, file_row(line, publish=publish)) for line in chosen])
        by_site = [m for m in card.measures_for("site", programme) if m.name in present]
        if by_site and sites:
            lines += ["", f"By site, {this_heading(period, card.in_progress).lower()}:", ""]
            rows = []
            for m in by_site:
                rows.append([m.title] + [
                    _short(card.line(m.name, f"site:{code}"),
                           file_row(card.line(m.name, f"site:{code}"), publish=publish))
                    for code in sites])
            lines += _table(["Measure"] + [scope_title(f"site:{c}", sites) for c in sites],
                            "l" + "r" * len(sites), rows)
        lines += _themes(card, programme, publish)
    lines += _annotations(card)
    lines += ["", "## Reading this scorecard", "",
              f"- Each measure's weekly values are read as an XmR chart (NHS Making Data "
              f"Count): the mean of the first {BASELINE_POINTS} weeks with data, with limits "
              f"at the mean +/- 2.66 x the mean moving range. No signal is given before "
              f"{MIN_POINTS} weeks have data.",
              "- Special cause: " + "; ".join(RULE_WORDS.values()) + ". A week marked by "
              "several is read by the first of these.",
              "- A chart may be rebased after a change the team understands: from that week "
              "its mean and limits are those of the new process. The mean beside each signal "
              "is the one it was judged against.",
              "- Improvement and concern follow each measure's improvement direction; common "
              "cause is the usual week-to-week variation.",
              "- Assurance: where the target lies against the limits (consistently passes, "
              "consistently fails, or hit and miss).",
              f"- {TARGET_RULE}"]
    return "\n".join(lines) + "\n"


def _themes(card: Scorecard, programme: str, publish: bool) -> list[str]:
    found = []
    for row in card.summary.rows:
        measure = MEASURES[row.measure]
        if measure.programme != programme or "theme" not in measure.scopes:
            continue
        r = file_row(card.line(row.measure, row.scope), publish=publish)
        code = row.scope.partition(":")[2]
        label = card.reference.review_themes.get(code, code)
        found.append((label, [
            label, format_value(row.measure, r.value), format_value(row.measure, r.previous),
            "" if r.denominator is None else format_value(row.measure, r.denominator)]))
    if not found:
        return []
    # In the themes' alphabetical order: a published paper's order must not rank hidden counts.
    rows = [cells for _, cells in sorted(found, key=lambda f: f[0].lower())]
    word = period_words(card.period)
    return ["", f"Themes, this {word}:", ""] + _table(
        ["Theme", f"Reviews this {word}", f"Previous {word}", f"Reviews completed this {word}"],
        "lrrr", rows)


def _annotations(card: Scorecard) -> list[str]:
    """The charts' rebases and notes, so that a reader sees what the team knows changed."""
    found = card.annotations()
    if not found:
        return []
    reference = card.reference
    rows = [[MEASURES[a.measure].title, scope_title(a.scope, reference.sites, reference.wards),
             a.week, f"Rebased: {a.text}" if a.kind == "rebase" else a.text] for a in found]
    return ["", "## Chart rebases and notes", ""] + _table(
        ["Measure", "Scope", "Week", "Rebase or note"], "llll", rows)
