"""Statistical process control for weekly series: XmR charts read the way NHS England's "Making
Data Count" reads them, with the conventions of NHSRplotthedots (SPEC 6). Pure functions over a
list of (week, value | None); no store, no screen.

Public API (the scorecard, the summaries, the chart screen, the board pack and ``casereview
spc`` all call this and nothing below it)::

    chart = analyse(series, rebases, improvement, target, notes=notes, bounds=(0, 100))

- ``series``: [(week label "2026-W05", value or None)], oldest first, one entry per week.
- ``rebases``: objects with ``.week`` (the first week of a new segment) and ``.reason``
  (``casereview.domain.spc.Rebase``, from ``storage.spc.active_rebases``). A rebase at a week
  the series does not reach, or at or before its first week, makes no segment.
- ``improvement``: ``UP`` (higher is better), ``DOWN`` (lower is better) or None.
- ``target``: a number or None. ``notes``: objects with ``.week`` and ``.text``.
- ``bounds``: the values the measure can take (0-100 for a percentage); limits beyond them are
  reported (``ucl``/``lcl``) at the bound; the rules are judged on the limits as calculated
  (``process_ucl``/``process_lcl``), so clipping changes no signal.

``Chart`` holds ``points`` (one ``ChartPoint`` per week: ``value``, ``segment``, the segment's
``mean``/``ucl``/``lcl``, the ``rules`` marking it in reading order, its ``side`` and
``reading``, and the week's ``notes``), ``segments`` (``Segment``: first week, reason, mean,
limits, baseline), ``icon`` (the latest point's reading as a Making Data Count variation icon)
and ``assurance``. ``Chart.mean``/``ucl``/``lcl`` are the latest segment's: the current process.

How the chart is built
- Weeks with a null value (a rate whose denominator was empty) are gaps: left out of every
  calculation. Moving ranges join the values either side; a gap neither breaks nor extends a
  run. A chart draws the gap.
- Segments: the chart starts a new segment at each rebase. Each segment's baseline is its own
  first ``BASELINE_POINTS`` (20) points with data (all if fewer): centre line = their mean;
  mean moving range (mMR) = mean of |x[i] - x[i-1]| over consecutive baseline points (the first
  point of a segment has no moving range: ranges never cross a rebase); limits = mean +/- 2.66
  x mMR. Every rule is applied within one segment only.
- No reading, icon or assurance is given for a segment with fewer than ``MIN_POINTS`` (12)
  points with data (so none for a chart with fewer than 12): its mean and limits are still
  reported and drawn. Its points' reading is None ("none").

The four special-cause rules
- ``outside_limits``: a point above the upper or below the lower process limit. A point
  exactly on a limit is inside.
- ``trend``: 7 or more consecutive points each strictly higher than the one before (rising,
  high) or each strictly lower (falling, low); two equal points end it. Every point of the
  trend is marked. A turning point belonging to a rising and a falling trend takes the side of
  the trend it begins (as NHSRplotthedots).
- ``two_of_three``: of three consecutive points, all strictly on the same side of the mean, at
  least two are *close*: beyond two thirds of the distance from the mean to the limit on that
  side (strictly), but not outside the limit. Only the close points are marked.
- ``shift``: 7 or more consecutive points strictly on one side of the mean (a point on the
  mean ends the run). Every point of the run is marked.

Reading
- A point marked by several rules is read by the first of ``RULE_ORDER``: outside the limits,
  trend, two of three, shift. That rule's side (above/rising = high, below/falling = low)
  gives ``improvement`` or ``concern`` by the improvement direction; with no direction,
  ``neither`` (special cause, no judgement). An unmarked point is ``common`` cause.
- The chart's ``icon`` is the reading of the latest point with a value: ``common_cause``,
  ``improvement_high``, ``improvement_low``, ``concern_high``, ``concern_low``,
  ``neither_high``, ``neither_low``; None when that point has no reading.
- ``assurance``, for a measure with a direction and a target, from the latest segment's
  process limits: the target outside them on the passing side ``pass`` (will consistently
  pass), on the failing side ``fail``; inside or exactly on a limit ``hit_and_miss``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from casereview.metrics.definitions import DOWN, UP
from casereview.metrics.readings import (
    COMMON,
    CONCERN,
    FAIL,
    HIT_AND_MISS,
    IMPROVEMENT,
    NEITHER,
    PASS,
)

BASELINE_POINTS = 20
MIN_POINTS = 12
SCALING = 2.66
SHIFT_LENGTH = 7
TREND_LENGTH = 7

OUTSIDE_LIMITS, TREND, TWO_OF_THREE, SHIFT = "outside_limits", "trend", "two_of_three", "shift"
RULE_ORDER = (OUTSIDE_LIMITS, TREND, TWO_OF_THREE, SHIFT)
RULE_WORDS = {
    OUTSIDE_LIMITS: "a point outside the limits",
    TREND: "7 or more points each higher (or each lower) than the last",
    TWO_OF_THREE: "2 of 3 points on one side close to a limit",
    SHIFT: "a run of 7 or more on one side of the mean",
}

HIGH, LOW = "high", "low"
# What a marked week shows, by its reading rule and side, for people.
SIGNAL_WORDS = {
    (OUTSIDE_LIMITS, HIGH): "a week above the upper limit",
    (OUTSIDE_LIMITS, LOW): "a week below the lower limit",
    (TREND, HIGH): "7 or more weeks each higher than the last",
    (TREND, LOW): "7 or more weeks each lower than the last",
    (TWO_OF_THREE, HIGH): "2 of 3 weeks close to the upper limit",
    (TWO_OF_THREE, LOW): "2 of 3 weeks close to the lower limit",
    (SHIFT, HIGH): "a run of 7 or more weeks above the mean",
    (SHIFT, LOW): "a run of 7 or more weeks below the mean",
}

# The reading as written by `casereview spc` (SPEC 7): improvement / concern / common cause /
# none, and special cause with no improvement direction.
READING_NAMES = {IMPROVEMENT: "improvement", CONCERN: "concern", COMMON: "common_cause",
                 NEITHER: "special_cause", None: "none"}

VARIATION_WORDS = {
    COMMON: "Common cause variation",
    IMPROVEMENT: "Special cause improvement",
    CONCERN: "Special cause concern",
    NEITHER: "Special cause (no improvement direction)",
}
ASSURANCE_WORDS = {
    PASS: "Will consistently pass the target",
    FAIL: "Will consistently fail the target",
    HIT_AND_MISS: "Hit and miss: will sometimes pass, sometimes fail",
}

Series = Sequence[tuple[str, float | int | None]]


class RebaseLike(Protocol):
    week: str
    reason: str


class NoteLike(Protocol):
    week: str
    text: str


@dataclass(frozen=True)
class Segment:
    """A stretch of the chart with its own mean and limits: from its first week (the start of
    the series, or a rebase) to the week before the next rebase."""

    index: int
    start: str                       # its first week
    end: str                         # its last week
    reason: str | None               # why it was rebased; None for the first segment
    n_data: int                      # its points with a value
    baseline_n: int
    mean: float | None
    mmr: float | None
    process_ucl: float | None        # the limits as calculated (the rules use these)
    process_lcl: float | None
    ucl: float | None                # the limits as drawn: within the measure's bounds
    lcl: float | None

    @property
    def enough(self) -> bool:
        """Enough points with data (and limits) for readings to be given."""
        return self.n_data >= MIN_POINTS and self.process_ucl is not None

    @property
    def upper_two_thirds(self) -> float | None:
        if self.process_ucl is None:
            return None
        return self.mean + (self.process_ucl - self.mean) * 2 / 3

    @property
    def lower_two_thirds(self) -> float | None:
        if self.process_lcl is None:
            return None
        return self.mean - (self.mean - self.process_lcl) * 2 / 3


@dataclass(frozen=True)
class ChartPoint:
    week: str
    value: float | int | None
    rules: tuple[str, ...] = ()      # the rules marking this point, in reading order
    side: str | None = None          # HIGH or LOW when marked: the reading rule's side
    variation: str | None = None     # COMMON / IMPROVEMENT / CONCERN / NEITHER; None = none
    segment: int = 0
    mean: float | None = None        # the segment's, which the point is judged against
    ucl: float | None = None
    lcl: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.rules)

    @property
    def reading(self) -> str | None:
        return self.variation

    @property
    def reading_rule(self) -> str | None:
        return self.rules[0] if self.rules else None


@dataclass(frozen=True)
class Chart:
    """An XmR chart of one measure's weekly series, in segments."""

    points: tuple[ChartPoint, ...]
    segments: tuple[Segment, ...]
    direction: str | None
    target: float | None = None
    assurance: str | None = None
    _by_week: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    # --- the current process: the latest segment ----------------------------------------
    @property
    def current(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    def _current(self, name: str):
        return None if self.current is None else getattr(self.current, name)

    mean = property(lambda self: self._current("mean"))
    ucl = property(lambda self: self._current("ucl"))
    lcl = property(lambda self: self._current("lcl"))
    mmr = property(lambda self: self._current("mmr"))
    baseline_n = property(lambda self: self._current("baseline_n") or 0)
    upper_two_thirds = property(lambda self: self._current("upper_two_thirds"))
    lower_two_thirds = property(lambda self: self._current("lower_two_thirds"))

    @property
    def enough(self) -> bool:
        """The latest segment has enough points with data for readings."""
        return self.current is not None and self.current.enough

    @property
    def n_data(self) -> int:
        return sum(s.n_data for s in self.segments)

    @property
    def rebased(self) -> bool:
        return len(self.segments) > 1

    def point(self, week: str) -> ChartPoint | None:
        index = self._by_week.get(week)
        return None if index is None else self.points[index]

    def segment_of(self, week: str) -> Segment | None:
        point = self.point(week)
        return None if point is None else self.segments[point.segment]

    @property
    def latest(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None

    @property
    def latest_with_value(self) -> ChartPoint | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def icon(self) -> str | None:
        point = self.latest_with_value
        return None if point is None else icon_for(point)

    @property
    def notes(self) -> list[tuple[str, str]]:
        """(week, text) of every note on the chart's weeks, oldest week first."""
        return [(p.week, text) for p in self.points for text in p.notes]


def icon_for(point: ChartPoint) -> str | None:
    """The Making Data Count variation icon for a point's reading."""
    if point.variation is None:
        return None
    if point.variation == COMMON:
        return "common_cause"
    return f"{point.variation}_{point.side}"


# --- the rules, on the values of one segment (no gaps) ----------------------------------------

def _side(value: float, mean: float) -> str | None:
    if value > mean:
        return HIGH
    if value < mean:
        return LOW
    return None


def _runs(keys: list, length: int) -> list[tuple[int, int, object]]:
    """(start, end exclusive, key) of every run of ``length`` or more equal, non-None keys."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] is not None and keys[i] == keys[start]:
            continue
        if keys[start] is not None and i - start >= length:
            runs.append((start, i, keys[start]))
        start = i
    return runs


def outside_marks(values: list[float], ucl: float, lcl: float) -> dict[int, str]:
    return {i: HIGH if v > ucl else LOW for i, v in enumerate(values) if v > ucl or v < lcl}


def shift_marks(values: list[float], mean: float) -> dict[int, str]:
    marks = {}
    for start, end, side in _runs([_side(v, mean) for v in values], SHIFT_LENGTH):
        marks.update({i: side for i in range(start, end)})
    return marks


def trend_marks(values: list[float]) -> dict[int, str]:
    # steps[i] is the direction from point i to point i + 1; a trend of 7 points is 6 steps.
    steps = [HIGH if b > a else LOW if b < a else None for a, b in zip(values, values[1:])]
    marks = {}
    for start, end, side in _runs(steps, TREND_LENGTH - 1):  # in order: a later trend wins
        marks.update({i: side for i in range(start, end + 1)})
    return marks


def two_of_three_marks(values: list[float], mean: float, ucl: float, lcl: float
                       ) -> dict[int, str]:
    upper = mean + (ucl - mean) * 2 / 3
    lower = mean - (mean - lcl) * 2 / 3

    def close(v: float) -> bool:
        return lcl <= v <= ucl and (v > upper or v < lower)

    marks = {}
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        sides = {_side(values[i], mean) for i in window}
        if len(sides) != 1 or None in sides:
            continue
        side = sides.pop()
        near = [i for i in window if close(values[i])]
        if len(near) >= 2:
            marks.update({i: side for i in near})
    return marks


def rule_marks(values: list[float], mean: float, ucl: float, lcl: float
               ) -> list[dict[str, str]]:
    """For each value (one segment, no gaps): {rule: side} of every rule marking it."""
    found: list[dict[str, str]] = [{} for _ in values]
    for rule, marks in ((OUTSIDE_LIMITS, outside_marks(values, ucl, lcl)),
                        (TREND, trend_marks(values)),
                        (TWO_OF_THREE, two_of_three_marks(values, mean, ucl, lcl)),
                        (SHIFT, shift_marks(values, mean))):
        for i, side in marks.items():
            found[i][rule] = side
    return found


def _variation(side: str, direction: str | None) -> str:
    if direction is None:
        return NEITHER
    good = HIGH if direction == UP else LOW
    return IMPROVEMENT if side == good else CONCERN


def assurance(lcl: float | None, ucl: float | None, target: float | None,
              direction: str | None) -> str | None:
    """Where the target lies against the process limits, for a measure with a direction. A
    target exactly on a limit is hit and miss."""
    if target is None or lcl is None or ucl is None or direction not in (UP, DOWN):
        return None
    if target < lcl:
        return PASS if direction == UP else FAIL
    if target > ucl:
        return FAIL if direction == UP else PASS
    return HIT_AND_MISS


# --- the chart --------------------------------------------------------------------------------

def segment_starts(weeks: Sequence[str], rebases: Iterable[RebaseLike]
                   ) -> list[tuple[int, str | None]]:
    """(index of the first week, reason) of each segment. A rebase begins a segment at the
    first week on or after its own; one at or before the series' first week makes none."""
    starts: dict[int, str | None] = {0: None}
    for rebase in sorted(rebases, key=lambda r: r.week):
        index = next((i for i, w in enumerate(weeks) if w >= rebase.week), None)
        if index is not None and index > 0:
            starts[index] = rebase.reason
    return sorted(starts.items())


def _limits(values: list[float], baseline: int):
    base = values[:baseline]
    mean = sum(base) / len(base) if base else None
    ranges = [abs(b - a) for a, b in zip(base, base[1:])]
    mmr = sum(ranges) / len(ranges) if ranges else None
    if mean is None or mmr is None:
        return len(base), mean, mmr, None, None
    return len(base), mean, mmr, mean + SCALING * mmr, mean - SCALING * mmr


def _clip(value: float | None, low: float | None, high: float | None) -> float | None:
    if value is None:
        return None
    if high is not None:
        value = min(value, high)
    if low is not None:
        value = max(value, low)
    return value


def analyse(series: Series, rebases: Iterable[RebaseLike] = (), improvement: str | None = None,
            target: float | None = None, *, notes: Iterable[NoteLike] = (),
            bounds: tuple[float | None, float | None] = (None, None),
            baseline: int = BASELINE_POINTS) -> Chart:
    """The XmR chart of a weekly series (oldest first) in its segments: every point's segment
    mean and limits, the rules marking it and its reading; the icon and the assurance."""
    weeks = [w for w, _ in series]
    noted: dict[str, list[str]] = {}
    for note in notes:
        noted.setdefault(note.week, []).append(note.text)
    starts = segment_starts(weeks, rebases) if weeks else []
    bounds_low, bounds_high = bounds
    points: list[ChartPoint] = []
    segments: list[Segment] = []
    for k, (begin, reason) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(series)
        data_at = [i for i in range(begin, end) if series[i][1] is not None]
        values = [float(series[i][1]) for i in data_at]
        n_base, mean, mmr, ucl, lcl = _limits(values, baseline)
        segment = Segment(k, weeks[begin], weeks[end - 1], reason, len(values), n_base, mean,
                          mmr, ucl, lcl, _clip(ucl, bounds_low, bounds_high),
                          _clip(lcl, bounds_low, bounds_high))
        segments.append(segment)
        marks = dict(zip(data_at, rule_marks(values, mean, ucl, lcl))) if segment.enough else {}
        for i in range(begin, end):
            week, value = series[i]
            common = dict(segment=k, mean=mean, ucl=segment.ucl, lcl=segment.lcl,
                          notes=tuple(noted.get(week, ())))
            if value is None or not segment.enough:
                points.append(ChartPoint(week, value, **common))
                continue
            found = marks[i]
            rules = tuple(r for r in RULE_ORDER if r in found)
            if not rules:
                points.append(ChartPoint(week, value, variation=COMMON, **common))
                continue
            side = found[rules[0]]
            points.append(ChartPoint(week, value, rules, side, _variation(side, improvement),
                                     **common))
    current = segments[-1] if segments else None
    return Chart(
        points=tuple(points), segments=tuple(segments), direction=improvement, target=target,
        assurance=(assurance(current.process_lcl, current.process_ucl, target, improvement)
                   if current is not None and current.enough else None),
        _by_week={week: i for i, week in enumerate(weeks)},
    )


def describe(chart: Chart, week: str | None = None) -> str:
    """The reading at a week (default: the latest) in words, for a person."""
    point = chart.point(week) if week else chart.latest
    if point is None:
        return "No data"
    segment = chart.segments[point.segment]
    if not segment.enough:
        since = f" since the rebase at {segment.start}" if segment.reason is not None else ""
        return (f"Too few points for SPC: {segment.n_data} "
                f"week{'s' if segment.n_data != 1 else ''} with data{since}, "
                f"{MIN_POINTS} needed")
    if point.value is None:
        return "No value this week"
    if not point.flagged:
        return VARIATION_WORDS[COMMON]
    return f"{VARIATION_WORDS[point.variation]}: {SIGNAL_WORDS[(point.rules[0], point.side)]}"
