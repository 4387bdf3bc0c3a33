"""The board pack (SPEC 9): what a quality meeting or a board reads for a period, decided
once here and written by two renderers, HTML (board_html) and PDF (board_pdf), so the two
never disagree.

Contents: a cover (the period, what changed since the last period), the scorecard in the
people's form of SPEC 7.2 (value, previous, 13-week mean, signal with the mean it was judged
against, assurance, target), a chart per measure with its variation and assurance in words
and icons, and the review themes and learning of the period. With ``publish``, small numbers
are suppressed as SPEC 7.2 says (on the charts too: a week that would show a suppressed count
is not drawn) and free text (learning, chart notes) is left out. Learning is checked for
patient references, which are removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from casereview.domain.programme_target import PROGRAMMES as PROGRAMME_NAMES
from casereview.domain.values import LONDON, format_uk_date
from casereview.io.board_chart import ChartSpec, Segment
from casereview.io.disclosure import SUPPRESSED, patient_ref_cleaner, suppress_row
from casereview.io.scorecard_rows import file_row
from casereview.metrics.definitions import MEASURES, PROGRAMME_TITLES, Measure
from casereview.metrics.display import (
    TARGET_RULE,
    VARIATION_SHORT,
    describe_target,
    format_target,
    format_value,
    line_title,
    period_words,
    scope_title,
)
from casereview.metrics.periods import Period, parse_week
from casereview.metrics.scorecard import Line, Scorecard, build_scorecard
from casereview.metrics.series import anchor_week
from casereview.metrics.spc import (
    ASSURANCE_WORDS,
    BASELINE_POINTS,
    COMMON,
    CONCERN,
    FAIL,
    HIGH,
    HIT_AND_MISS,
    IMPROVEMENT,
    MIN_POINTS,
    NEITHER,
    PASS,
    RULE_WORDS,
    SIGNAL_WORDS,
    VARIATION_WORDS,
    describe,
)
from casereview.storage.db import Database

# The measures a board pack charts: every measure with an 'all' scope (themes are a table).
SCOPE = "all"

# Making Data Count's icons, as a letter in a coloured circle with its words beside it.
ICON_COLOURS = {IMPROVEMENT: "#1F5FA8", CONCERN: "#D55E00", NEITHER: "#6A3D9A",
                COMMON: "#7F7F7F", PASS: "#1F5FA8", FAIL: "#D55E00", HIT_AND_MISS: "#7F7F7F"}


@dataclass(frozen=True)
class Icon:
    letter: str     # H / L (special cause high or low), ~ (common cause), P / F / ? (assurance)
    colour: str
    words: str      # what the icon means, always printed beside it


@dataclass(frozen=True)
class ScoreLine:
    """One row of the scorecard, as people read it (rounded, suppressed, in words)."""

    title: str
    value: str
    previous: str
    recent_mean: str
    variation: Icon | None
    signal: str
    judged_mean: str        # the mean the signal was judged against (SPEC 6)
    assurance: Icon | None
    target: str


@dataclass(frozen=True)
class MeasureChart:
    measure: Measure
    scope: str
    title: str              # the measure's, or a rating's ('Open actions rated red')
    spec: ChartSpec
    variation: Icon | None
    variation_words: str
    assurance: Icon | None
    assurance_words: str
    figures: str            # the period's value beside the previous and the 13-week mean
    # (marker, when, text): a note's number on the chart ("" for a rebase), its week, words
    notes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class OpenAction:
    title: str
    owner: str
    due: str
    rating: str
    overdue: bool


@dataclass(frozen=True)
class Section:
    programme: str
    title: str
    lines: list[ScoreLine]
    charts: list[MeasureChart]


@dataclass(frozen=True)
class BoardPack:
    title: str
    period: Period
    period_words: str           # week / month / quarter
    dates: str                  # '1 Nov 2026 to 30 Nov 2026'
    generated: str
    anchor_week: str
    in_progress: bool
    publish: bool
    changes: list[str]          # what changed since the last period, in sentences
    tally: list[tuple[Icon, int]]
    sections: list[Section]
    themes: list[tuple[str, str, str]]   # (theme, this period, previous period)
    reviews_completed: str
    learning: list[tuple[str, str]]      # (review date, text); empty when published
    reading_notes: list[str]
    # The action plan (SPEC 9): open actions by rating at the period's end, the open actions
    # themselves (overdue first; titles are free text, so not when published), and the
    # programme targets running in the period against what was expected by then.
    ratings: list[tuple[str, str, str]] = field(default_factory=list)  # (rating, now, before)
    open_actions: list[OpenAction] = field(default_factory=list)
    targets: list[tuple[str, str]] = field(default_factory=list)  # (target, progress words)

    @property
    def charts(self) -> list[MeasureChart]:
        return [c for s in self.sections for c in s.charts]


# --- icons and words ---------------------------------------------------------------------------

def variation_icon(line: Line) -> Icon | None:
    point = line.point
    if point is None or point.variation is None:
        return None
    if point.variation == COMMON:
        return Icon("~", ICON_COLOURS[COMMON], VARIATION_WORDS[COMMON])
    letter = "H" if point.side == HIGH else "L"
    return Icon(letter, ICON_COLOURS[point.variation], VARIATION_WORDS[point.variation])


def assurance_icon(line: Line) -> Icon | None:
    if line.assurance is None:
        return None
    letter = {PASS: "P", FAIL: "F", HIT_AND_MISS: "?"}[line.assurance]
    return Icon(letter, ICON_COLOURS[line.assurance], ASSURANCE_WORDS[line.assurance])


def judged_mean(line: Line) -> float | None:
    """The mean the reading was judged against: its segment's."""
    return line.judged_mean


def _signal(line: Line) -> str:
    point = line.point
    if point is None or point.variation is None:
        return line.signal  # too few points, or no value this week
    if not point.flagged:
        return VARIATION_SHORT[point.variation]
    return f"{VARIATION_SHORT[point.variation]}: {SIGNAL_WORDS[(point.rules[0], point.side)]}"


def _mean_text(line: Line) -> str:
    mean = judged_mean(line)
    return "" if mean is None or line.variation is None else \
        format_value(line.measure.name, mean, as_mean=True)


def score_line(line: Line, publish: bool) -> ScoreLine:
    r = file_row(line, publish=publish)
    name = line.measure.name
    return ScoreLine(line_title(name, line.scope), format_value(name, r.value),
                     format_value(name, r.previous),
                     format_value(name, r.recent_mean, as_mean=True), variation_icon(line),
                     _signal(line), _mean_text(line), assurance_icon(line),
                     format_target(name, r.target))


def _variation_words(line: Line) -> str:
    words = describe(line.chart, line.week)
    mean = judged_mean(line)
    segment = line.segment
    if line.variation is not None and mean is not None and segment is not None:
        name = line.measure.name
        limits = ""
        if segment.lcl is not None and segment.ucl is not None:
            limits = (f", limits {format_value(name, segment.lcl, as_mean=True)} to "
                      f"{format_value(name, segment.ucl, as_mean=True)}")
        since = f" since the week of {format_uk_date(parse_week(segment.start).start)}" \
            if segment.reason is not None else ""
        words += (f" (judged against the mean {format_value(name, mean, as_mean=True)}{since}"
                  f"{limits})")
    return words + "."


def _assurance_words(line: Line, card: Scorecard) -> str:
    name = line.measure.name
    if line.target is None:
        return "No target set."
    target = f"Target {format_target(name, line.target)} a week" if line.measure.is_count \
        else f"Target {format_target(name, line.target)}"
    if line.assurance is None:
        return f"{target}: no assurance until the chart has {MIN_POINTS} weeks with data."
    return f"{ASSURANCE_WORDS[line.assurance]} ({target.lower()})."


def _figures(line: Line, card: Scorecard, publish: bool) -> str:
    r = file_row(line, publish=publish)
    name, word = line.measure.name, period_words(card.period)
    text = (f"This {word} {format_value(name, r.value)}; previous {word} "
            f"{format_value(name, r.previous)}; 13-week mean "
            f"{format_value(name, r.recent_mean, as_mean=True)}"
            f"{' a week' if line.measure.is_count else ''}.")
    if r.target is not None and card.period.days != 7:
        text += " " + describe_target(name, line.target, r.target, card.period) + "."
    return text


# --- the chart of a line -----------------------------------------------------------------------

def chart_spec(card: Scorecard, line: Line, publish: bool) -> ChartSpec:
    """The chart of a line as drawn: each segment with its own mean and limits, rebases,
    numbered notes (left out when published, being free text), suppressed weeks hidden."""
    chart = line.chart
    points = chart.points
    rows = card.weekly.rows(line.measure.name, line.scope)
    hidden = [publish and row is not None and suppress_row(row.as_dict())["value"] == SUPPRESSED
              for row in rows]
    values = [None if h or p.value is None else float(p.value) for p, h in zip(points, hidden)]
    starts = {}
    for i, p in enumerate(points):
        starts.setdefault(p.segment, i)
    segments = []
    for seg in chart.segments:
        first = starts.get(seg.index)
        if first is None:
            continue
        last = max(i for i, p in enumerate(points) if p.segment == seg.index)
        segments.append(Segment(first, last + 1, seg.mean, seg.lcl, seg.ucl))
    notes = [] if publish else [
        (i, str(n + 1)) for n, i in enumerate(i for i, p in enumerate(points) if p.notes)]
    return ChartSpec(
        measure=line.measure.name, mondays=[parse_week(p.week).start for p in points],
        values=values, readings=[p.variation for p in points], segments=segments,
        percent=line.measure.kind == "pct", target=line.target, hidden=hidden,
        rebases=[s.start for s in segments[1:]], notes=notes)


Clean = Callable[[str], str]


def _chart_notes(line: Line, spec: ChartSpec, publish: bool,
                 clean: Clean) -> list[tuple[str, str, str]]:
    """The words under a chart: each rebase (its reason unless published) and each note,
    typed by people and so cleaned of patient references."""
    out = []
    points = line.chart.points
    for seg in line.chart.segments[1:]:
        week = format_uk_date(parse_week(seg.start).start)
        reason = "" if publish or not seg.reason else f": {clean(seg.reason)}"
        out.append(("", f"From the week of {week}", f"limits recalculated{reason}"))
    for index, marker in spec.notes:
        week = format_uk_date(parse_week(points[index].week).start)
        out += [(marker, f"Week of {week}", clean(text)) for text in points[index].notes]
    return out


def note_words(marker: str, when: str, text: str) -> str:
    """A chart's note as printed under it: '(1) Week of 14 Sep 2026: ward closed'."""
    return f"{'(' + marker + ') ' if marker else ''}{when}: {text}"


def measure_chart(card: Scorecard, line: Line, publish: bool, clean: Clean) -> MeasureChart:
    spec = chart_spec(card, line, publish)
    return MeasureChart(line.measure, line.scope, line_title(line.measure.name, line.scope),
                        spec, variation_icon(line), _variation_words(line),
                        assurance_icon(line), _assurance_words(line, card),
                        _figures(line, card, publish), _chart_notes(line, spec, publish, clean))


# --- what changed ------------------------------------------------------------------------------

def _reading_words(variation: str | None) -> str:
    return {None: "no reading", COMMON: "common cause", IMPROVEMENT: "special cause improvement",
            CONCERN: "special cause concern", NEITHER: "special cause"}[variation]


# Counts below this are not ranked among the largest changes: their proportions mislead.
SMALL_COUNT = 10


def what_changed(card: Scorecard, lines: list[Line], publish: bool) -> list[str]:
    """Sentences for the cover: readings that changed since the last period's reading week,
    then the largest changes in value."""
    word = period_words(card.period)
    before = anchor_week(card.period.previous()).label
    out = []
    for line in lines:
        now = line.variation
        point = line.chart.point(before)
        then = None if point is None else point.variation
        if now != then and (now not in (None, COMMON) or then not in (None, COMMON)):
            out.append(f"{line_title(line.measure.name, line.scope)}: now "
                       f"{_reading_words(now)} "
                       f"(was {_reading_words(then)} at the last {word}'s reading).")
    if not out:
        out.append(f"No measure's SPC reading changed since the last {word}.")
    moves = []
    for line in lines:
        r = file_row(line, publish=publish)
        if not (isinstance(r.value, (int, float)) and isinstance(r.previous, (int, float))
                and r.previous and r.value != r.previous):
            continue
        if line.measure.is_count and max(r.value, r.previous) < SMALL_COUNT:
            continue  # 1 to 2 is double, and means nothing
        moves.append((abs(r.value - r.previous) / abs(r.previous), line, r))
    for _, line, r in sorted(moves, key=lambda m: -m[0])[:3]:
        name = line.measure.name
        way = "up" if r.value > r.previous else "down"
        out.append(f"{line_title(name, line.scope)}: {way} from "
                   f"{format_value(name, r.previous)} to "
                   f"{format_value(name, r.value)} since the last {word}.")
    return out


def _tally(lines: list[Line]) -> list[tuple[Icon, int]]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.variation or "none"] = counts.get(line.variation or "none", 0) + 1
    out = []
    for key in (IMPROVEMENT, CONCERN, NEITHER, COMMON):
        if counts.get(key):
            out.append((Icon("~" if key == COMMON else "", ICON_COLOURS[key],
                             VARIATION_WORDS[key]), counts[key]))
    if counts.get("none"):
        out.append((Icon("", "#BFBFBF", f"No reading yet (fewer than {MIN_POINTS} weeks "
                                        "with data)"), counts["none"]))
    return out


# --- themes and learning -----------------------------------------------------------------------

def _themes(card: Scorecard, publish: bool) -> list[tuple[str, str, str]]:
    found = []
    for row in card.summary.rows:
        if "theme" not in MEASURES[row.measure].scopes:
            continue
        r = file_row(card.line(row.measure, row.scope), publish=publish)
        code = row.scope.partition(":")[2]
        label = card.reference.review_themes.get(code, code)
        found.append((label, r.value, format_value(row.measure, r.value),
                      format_value(row.measure, r.previous)))
    if publish:  # alphabetical: a published order must not rank hidden counts
        found.sort(key=lambda f: f[0].lower())
    else:
        found.sort(key=lambda f: (-(f[1] or 0), f[0].lower()))
    return [(label, this, previous) for label, _, this, previous in found]


def _learning(db: Database, period: Period, clean: Clean) -> list[tuple[str, str]]:
    from casereview.storage.reviews import learning_between

    return [(format_uk_date(date.fromisoformat(day[:10])), clean(text))
            for day, text in learning_between(db, period.start, period.end)]


# --- the action plan and programme targets ------------------------------------------------------

RATINGS = (("RED", "Red"), ("AMBER", "Amber"), ("GREEN", "Green"))


def _ratings(card: Scorecard, publish: bool) -> list[tuple[str, str, str]]:
    if "actions_rag" not in MEASURES:
        return []
    out = []
    for code, word in RATINGS:
        r = file_row(card.line("actions_rag", f"rag:{code}"), publish=publish)
        out.append((word, format_value("actions_rag", r.value),
                    format_value("actions_rag", r.previous)))
    return out


def _open_actions(db: Database, card: Scorecard, clean: Clean) -> list[OpenAction]:
    from casereview.storage.actions import open_actions_on

    day = min(card.period.end, card.anchor.end if card.in_progress else card.period.end)
    return [OpenAction(clean(row["title"]), clean(row["owner"] or ""),
                       format_uk_date(date.fromisoformat(row["due_date"])),
                       (row["rag"] or "").capitalize(), row["overdue"])
            for row in open_actions_on(db.conn, day)]


def _targets(db: Database, card: Scorecard, publish: bool) -> list[tuple[str, str]]:
    """Each programme target running in the period, as at the period's end (or today)."""
    from casereview.io.disclosure import suppress_count
    from casereview.metrics.programme_targets import targets_with_progress

    period = card.period
    as_of = period.end if not card.in_progress else card.anchor.end
    out = []
    for stored in targets_with_progress(db.conn, as_of):
        t, p = stored.target, stored.progress
        if t.start_date > period.end or t.end_date < period.start:
            continue
        scope = scope_title(t.scope, card.reference.sites, card.reference.wards)
        done = suppress_count(p.done) if publish else p.done
        words = (f"{done} of {t.target_count} by {format_uk_date(t.end_date)}; "
                 f"{p.expected:.0f} expected by {format_uk_date(p.as_of)}: "
                 + (f"{p.shortfall} behind" if p.behind else "on track"))
        out.append((f"{PROGRAMME_NAMES.get(t.programme, t.programme)} ({scope})", words))
    return out


def _reading_notes(card: Scorecard) -> list[str]:
    return [
        f"Each chart is the measure's weekly values for all sites (an XmR chart, NHS England "
        f"'Making Data Count'): the mean of the first {BASELINE_POINTS} weeks with data, with "
        f"limits at the mean +/- 2.66 x the mean moving range. Where the limits were "
        f"recalculated after a known change (a dotted upright line), each part has its own "
        f"mean and limits. No signal is read before {MIN_POINTS} weeks have data.",
        "Special cause: " + "; ".join(RULE_WORDS.values()) + ". Blue squares mark improvement, "
        "orange triangles concern, purple diamonds special cause on a measure with no "
        "better direction; grey dots are common cause.",
        "Icons: H or L in a blue circle is special cause improvement (high or low), in "
        "orange, concern; ~ in grey is common cause. P (blue) the target will consistently "
        "be passed, F (orange) consistently failed, ? (grey) hit and miss.",
        f"The reading is of week {card.anchor.label}, the last full week "
        f"{'so far' if card.in_progress else 'of the ' + period_words(card.period)}; the "
        "13-week mean is the mean of the 13 weekly values to that week.",
        TARGET_RULE,
    ]


# --- the pack ----------------------------------------------------------------------------------

def build_board_pack(db: Database, card: Scorecard, *,
                     publish: bool = False) -> BoardPack:
    period, word = card.period, period_words(card.period)
    generated = datetime.fromisoformat(card.generated_at).astimezone(LONDON)
    present = {r.measure for r in card.summary.rows}
    sections, all_lines = [], []
    clean = patient_ref_cleaner(db)
    for programme, title in PROGRAMME_TITLES.items():
        lines = [line for line in card.lines(SCOPE, programme)
                 if line.measure.name in present]
        if not lines:
            continue
        all_lines += lines
        sections.append(Section(programme, title, [score_line(ln, publish) for ln in lines],
                                [measure_chart(card, ln, publish, clean) for ln in lines]))
    reviews = card.summary.get("reviews_completed", SCOPE)
    reviews_row = suppress_row(reviews.as_dict()) if reviews and publish else \
        (reviews.as_dict() if reviews else None)
    return BoardPack(
        title=f"Quality and safety board paper: {word} {period.label}",
        period=period, period_words=word,
        dates=f"{format_uk_date(period.start)} to {format_uk_date(period.end)}",
        generated=f"{format_uk_date(generated.date())} {generated:%H:%M}",
        anchor_week=card.anchor.label, in_progress=card.in_progress, publish=publish,
        changes=what_changed(card, all_lines, publish), tally=_tally(all_lines),
        sections=sections, themes=_themes(card, publish),
        reviews_completed=format_value("reviews_completed",
                                       reviews_row["value"] if reviews_row else None),
        learning=[] if publish else _learning(db, period, clean),
        reading_notes=_reading_notes(card),
        ratings=_ratings(card, publish),
        open_actions=[] if publish else _open_actions(db, card, clean),
        targets=_targets(db, card, publish),
    )


FORMATS = ("pdf", "html")


def board_pack_format(path: Path) -> str:
    """'pdf' or 'html', from the file's name."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in FORMATS:
        raise ValueError(f"--out {path}: a board pack is written as .pdf or .html")
    return suffix


def write_board_pack(db: Database, period: Period, out: Path, *,
                     publish: bool = False, today=None, card: Scorecard | None = None,
                     generated_at: datetime | None = None,
                     progress: Callable[[str], None] | None = None) -> Path:
    """Build and write the board pack for ``period`` to ``out`` (.pdf or .html), written
    beside its destination and moved into place when whole."""
    fmt = board_pack_format(out)
    step = progress or (lambda _: None)
    step("computing the measures")
    card = card or build_scorecard(db, period, today=today, generated_at=generated_at)
    pack = build_board_pack(db, card, publish=publish)
    step("drawing the charts")
    if fmt == "html":
        from casereview.io.board_html import board_html
        from casereview.io.summary_files import write_text_file

        write_text_file(Path(out), board_html(pack))
    else:
        from casereview.io.board_pdf import write_board_pdf

        write_board_pdf(pack, Path(out), progress=step)
    return Path(out)

