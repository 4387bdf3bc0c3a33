"""The scorecard: for each measure and a scope, the period's value beside the previous
period's, the 13-week mean, the SPC signal and the target. The dashboard, the xlsx and the md
summaries all read this one object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from casereview.domain.reference import Reference
from casereview.metrics.definitions import MEASURES, Measure
from casereview.metrics.display import format_value
from casereview.metrics.engine import Summary, summarise_many
from casereview.metrics.periods import Period, week_of
from casereview.metrics.rows import Row, only_scopes, reports_scope, scopes_for
from casereview.metrics.series import (
    CHART_WEEKS,
    RECENT_WEEKS,
    History,
    Point,
    anchor_week,
    chart_weeks,
    history,
    load_targets,
    mean_of,
    period_target,
    target_for,
    weekly_series,
)
from casereview.metrics.spc import Chart, ChartPoint, Segment, analyse, describe
from casereview.storage.db import Database
from casereview.storage.reference import load_reference
from casereview.storage.spc import chart_settings


@dataclass(frozen=True)
class Line:
    measure: Measure
    scope: str
    current: Row | None
    previous: Row | None
    weekly: list[Point]          # the chart's weekly series, oldest first
    recent: list[Row]            # the weekly rows of the last 13 weeks to the anchor week
    chart: Chart
    week: str                    # the anchor week's label
    target: float | None         # as set: a weekly figure, drawn on the weekly chart
    period_target: float | None = None  # the target for the period's value (counts pro rata)

    @property
    def value(self):
        return None if self.current is None else self.current.value

    @property
    def previous_value(self):
        return None if self.previous is None else self.previous.value

    @property
    def recent_mean(self) -> float | None:
        return mean_of([(r.measure, r.value) for r in self.recent])

    @property
    def recent_numerator(self):
        return _total(r.numerator for r in self.recent)

    @property
    def recent_denominator(self):
        return _total(r.denominator for r in self.recent)

    @property
    def point(self) -> ChartPoint | None:
        return self.chart.point(self.week)

    @property
    def segment(self) -> Segment | None:
        """The chart segment the anchor week was judged in: its mean is the one to show
        beside the signal."""
        return self.chart.segment_of(self.week)

    @property
    def judged_mean(self) -> float | None:
        segment = self.segment
        return None if segment is None else segment.mean

    @property
    def variation(self) -> str | None:
        point = self.point
        return None if point is None else point.variation

    @property
    def judged_words(self) -> str:
        """The mean the signal was judged against, for people: 'mean 20.6', or after a rebase
        'mean 7.1 since 2026-W36'. Empty when there is no reading."""
        point, segment = self.point, self.segment
        if point is None or point.variation is None or segment is None:
            return ""
        since = f" since {segment.start}" if segment.reason is not None else ""
        return f"mean {format_value(self.measure.name, segment.mean, as_mean=True)}{since}"

    @property
    def signal(self) -> str:
        """The reading at the anchor week in words, with the mean it was judged against."""
        words = describe(self.chart, self.week)
        return f"{words} ({self.judged_words})" if self.judged_words else words

    @property
    def assurance(self) -> str | None:
        return self.chart.assurance


@dataclass(frozen=True)
class Annotation:
    """A rebase (its reason) or a note on a week of one measure's chart for one scope."""

    measure: str
    scope: str
    week: str
    kind: str                    # "rebase" or "note"
    text: str


def _total(values):
    numbers = [v for v in values if v is not None]
    return sum(numbers) if numbers else None


def scope_kind(scope: str) -> str:
    return scope.split(":", 1)[0]


@dataclass
class Scorecard:
    period: Period
    summary: Summary
    previous: Summary
    weekly: History
    anchor: Period
    targets: dict[tuple[str, str], float]
    reference: Reference
    in_progress: bool = False    # the period has not ended yet (its counts will grow)
    rebases: dict = field(default_factory=dict)   # (measure, scope) -> [Rebase] in force
    notes: dict = field(default_factory=dict)     # (measure, scope) -> [Note]
    # Applied to every rebase reason and note a paper prints (patient references removed).
    clean_text: Callable[[str], str] | None = field(default=None, repr=False)
    _lines: dict[tuple[str, str], Line] = field(default_factory=dict, repr=False)

    @property
    def generated_at(self) -> str:
        return self.summary.generated_at

    def scopes(self) -> list[str]:
        """The scopes a scorecard can be read for: all sites, then each site."""
        return ["all"] + [f"site:{code}" for code in self.reference.sites]

    def measures_for(self, scope: str, programme: str | None = None) -> list[Measure]:
        kind = scope_kind(scope)
        return [m for m in MEASURES.values() if kind in m.scopes
                and (programme is None or m.programme == programme)]

    def line(self, measure: str, scope: str = "all") -> Line:
        key = (measure, scope)
        if key not in self._lines:
            m = MEASURES[measure]
            weekly = self.weekly.series(measure, scope)
            rows = self.weekly.rows(measure, scope)
            recent = [r for r in rows[-RECENT_WEEKS:] if r is not None]
            target = target_for(self.targets, measure, scope)
            chart = chart_of(weekly, measure, scope, target, self.rebases, self.notes)
            self._lines[key] = Line(
                m, scope, self.summary.get(measure, scope), self.previous.get(measure, scope),
                weekly, recent, chart, self.anchor.label, target,
                period_target(measure, target, self.period))
        return self._lines[key]

    def annotations(self) -> list[Annotation]:
        """Every rebase in force and every note on the charts this scorecard reads, on weeks
        up to its anchor week: in measure order, then scope, then week."""
        order = {name: i for i, name in enumerate(MEASURES)}
        clean = self.clean_text or (lambda text: text)
        found = [Annotation(m, scope, r.week, "rebase", clean(r.reason))
                 for (m, scope), items in self.rebases.items() for r in items]
        found += [Annotation(m, scope, n.week, "note", clean(n.text))
                  for (m, scope), items in self.notes.items() for n in items]
        return sorted((a for a in found if a.measure in MEASURES
                       and a.week <= self.anchor.label
                       and reports_scope(self.reference, scope_kind(a.scope))),
                      key=lambda a: (order[a.measure], a.scope != "all", a.scope, a.week,
                                     a.kind))

    def lines(self, scope: str = "all", programme: str | None = None) -> list[Line]:
        """The lines of a scope. All sites also carries the lines of measures reported by a
        scope of their own rather than by site (the open actions by rating, rag:RED ...),
        each after its measure's place."""
        out = [self.line(m.name, scope) for m in self.measures_for(scope, programme)]
        if scope == "all":
            for m in MEASURES.values():
                if "rag" in m.scopes and (programme is None or m.programme == programme):
                    out += [self.line(m.name, s) for s, _ in scopes_for(m.name, self.reference)]
        return out


# The scopes the dashboard reads a scorecard for (Scorecard.scopes): its 104-week charts then
# skip every ward's rows, most of its time and memory on a large system. The summary files
# show every scope.
DASHBOARD_SCOPES = ("all", "site", "rag")


def build_scorecard(db: Database, period: Period, *, weeks: int = CHART_WEEKS,
                    reference: Reference | None = None, generated_at: datetime | None = None,
                    today: date | None = None, summary: Summary | None = None,
                    scope_kinds: tuple[str, ...] | None = None) -> Scorecard:
    """Everything the scorecard shows for a period, from as few passes over the store as the
    programmes allow: the weekly history to the period's anchor week, and (for a month or a
    quarter) the period and the one before it.

    With ``today``, a period still in progress is read at the last week that has ended: a week
    not yet over would chart as a fall to nothing. ``summary`` is the period's summary if the
    caller already has it (its time stamp is kept). ``scope_kinds`` limits the rows made to
    those kinds of scope (e.g. DASHBOARD_SCOPES); every scope by default."""
    reference = reference or load_reference(db)
    if scope_kinds is not None:
        reference = only_scopes(reference, *scope_kinds)
    anchor = anchor_week(period)
    if today is not None:
        last_ended = week_of(today).previous()
        if anchor.start > last_ended.start:
            anchor = last_ended
    if summary is not None and generated_at is None:
        generated_at = datetime.fromisoformat(summary.generated_at)
    weekly = history(db, anchor, chart_weeks(db, anchor, weeks), reference=reference,
                     generated_at=generated_at)
    if anchor == period:
        current, previous = weekly.summaries[-1], weekly.summaries[-2]
    else:
        previous, current = summarise_many(db, [period.previous(), period],
                                           reference=reference, generated_at=generated_at)
    rebases, notes = chart_settings(db)
    return Scorecard(period, current, previous, weekly, anchor, load_targets(db), reference,
                     in_progress=today is not None and period.end >= today,
                     rebases=rebases, notes=notes)


def bounds_of(measure: Measure) -> tuple[float, float | None]:
    """The values a measure can take: every measure is at least 0; a percentage at most 100."""
    return (0.0, 100.0 if measure.kind == "pct" else None)


def chart_of(weekly: list[Point], measure: str, scope: str, target: float | None,
             rebases: dict, notes: dict) -> Chart:
    """The SPC chart of a measure's weekly series for one scope, with the chart's rebases and
    notes (as ``storage.spc.chart_settings`` gives them, by (measure, scope))."""
    m = MEASURES[measure]
    return analyse(weekly, rebases.get((measure, scope), ()), m.direction, target,
                   notes=notes.get((measure, scope), ()), bounds=bounds_of(m))


def measure_chart(db: Database, measure: str, scope: str, last_week: Period,
                  weeks: int = CHART_WEEKS, *, now: datetime | None = None) -> Chart:
    """One measure's chart for one scope (any scope: all, a site, a ward), to ``last_week``,
    computing only its own programme: for the chart screen and ``casereview spc``."""
    weekly = weekly_series(db, measure, scope, last_week, chart_weeks(db, last_week, weeks),
                           now=now)
    rebases, notes = chart_settings(db)
    return chart_of(weekly, measure, scope, target_for(load_targets(db), measure, scope),
                    rebases, notes)
