"""Statistical process control for weekly series: XmR charts read the way NHS "Making Data
Count" reads them (SPEC 6). Pure functions over a list of (week, value | None); no store.

How the chart is built
- Weeks with a null value (a rate whose denominator was empty) are left out of every
  calculation: they are gaps. Moving ranges, runs and trends are taken over the points that
  have data, in week order, so a gap neither breaks nor extends a run. A chart draws the gap.
- Baseline: the first ``BASELINE_POINTS`` (20) points with data, or all of them if fewer.
  Centre line = the baseline mean; mean moving range (mMR) = mean of |x[i] - x[i-1]| over
  consecutive baseline points; limits = mean +/- 2.66 x mMR. Limits are not clipped at zero
  or 100: the formula is the SPEC's, and no value can fall beyond a natural bound anyway.
- No signal and no assurance label is given until the series has ``MIN_POINTS`` (12) points
  with data; the mean and limits are still reported for the chart.

The four special-cause rules, applied to every point (baseline and after)
- ``outside_limits``: a point above the upper or below the lower process limit (strictly).
- ``shift``: a run of 7 or more consecutive points on the same side of the mean. A point
  exactly on the mean belongs to neither side and ends the run. Every point of the run is
  flagged (the run is the signal, not just its seventh point).
- ``trend``: 6 or more consecutive points each strictly higher (or each strictly lower) than
  the one before: 6 points, 5 steps. Two equal consecutive values end the trend. Every point of
  the trend is flagged; an increasing trend is on the high side, a decreasing one on the low.
- ``two_of_three``: in any 3 consecutive points, 2 or 3 lie beyond 2/3 of the distance from
  the mean to a limit (strictly), on the same side. The points beyond the 2/3 line are flagged.

Labels
- A flagged point is high or low. If rules disagree about one point (a decreasing trend
  above the mean), the side of the strongest rule wins, in the order outside_limits,
  two_of_three, shift, trend.
- With the measure's improvement direction (UP: higher is better, DOWN: lower is better) a
  high or low point is an ``improvement`` or a ``concern``; a measure with no direction gets
  ``neither`` (special cause, no judgement). Unflagged points are ``common`` cause.
- Assurance against a target: the target outside the limits on the passing side means the
  process will consistently ``pass``; outside on the failing side, consistently ``fail``;
  between the limits (or on one), ``hit_and_miss``. A measure with no direction has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from casereview.metrics.definitions import DOWN, UP

BASELINE_POINTS = 20
MIN_POINTS = 12
SCALING = 2.66
SHIFT_LENGTH = 7
TREND_LENGTH = 6

OUTSIDE_LIMITS, TWO_OF_THREE, SHIFT, TREND = "outside_limits", "two_of_three", "shift", "trend"
RULE_ORDER = (OUTSIDE_LIMITS, TWO_OF_THREE, SHIFT, TREND)
RULE_WORDS = {
    OUTSIDE_LIMITS: "a point outside the limits",
    TWO_OF_THREE: "2 of 3 points near a limit",
    SHIFT: "a run of 7 or more on one side of the mean",
    TREND: "6 or more points rising or falling",
}

HIGH, LOW = "high", "low"
# What a flagged week shows, by its strongest rule and side, for people.
SIGNAL_WORDS = {
    (OUTSIDE_LIMITS, HIGH): "a week above the upper limit",
    (OUTSIDE_LIMITS, LOW): "a week below the lower limit",
    (TWO_OF_THREE, HIGH): "2 of 3 weeks close to the upper limit",
    (TWO_OF_THREE, LOW): "2 of 3 weeks close to the lower limit",
    (SHIFT, HIGH): "a run of 7 or more weeks above the mean",
    (SHIFT, LOW): "a run of 7 or more weeks below the mean",
    (TREND, HIGH): "6 or more weeks each higher than the last",
    (TREND, LOW): "6 or more weeks each lower than the last",
}
COMMON, IMPROVEMENT, CONCERN, NEITHER = "common", "improvement", "concern", "neither"
PASS, FAIL, HIT_AND_MISS = "pass", "fail", "hit_and_miss"

VARIATION_WORDS = {
    COMMON: "Common cause variation",
    IMPROVEMENT: "Special cause improvement",
    CONCERN: "Special cause concern",
    NEITHER: "Special cause (no improvement direction)",
}

Series = Sequence[tuple[str, float | int | None]]


@dataclass(frozen=True)
class ChartPoint:
    week: str
    value: float | int | None
    rules: tuple[str, ...] = ()      # the rules that flag this point, strongest first
    side: str | None = None          # HIGH or LOW when flagged
    variation: str | None = None     # COMMON / IMPROVEMENT / CONCERN / NEITHER; None = no call

    @property
    def flagged(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True)
class Chart:
    """An XmR chart of one measure's weekly series."""

    points: tuple[ChartPoint, ...]
    direction: str | None
    n_data: int                      # points with a value
    baseline_n: int
    mean: float | None
    mmr: float | None                # mean moving range of the baseline
    ucl: float | None
    lcl: float | None
    target: float | None = None
    assurance: str | None = None
    _by_week: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def enough(self) -> bool:
        """Enough points with data for signals to be shown."""
        return self.n_data >= MIN_POINTS

    @property
    def upper_two_thirds(self) -> float | None:
        return None if self.ucl is None else self.mean + (self.ucl - self.mean) * 2 / 3

    @property
    def lower_two_thirds(self) -> float | None:
        return None if self.lcl is None else self.mean - (self.mean - self.lcl) * 2 / 3

    def point(self, week: str) -> ChartPoint | None:
        index = self._by_week.get(week)
        return None if index is None else self.points[index]

    @property
    def latest(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None


def _sides(value: float, mean: float) -> str | None:
    if value > mean:
        return HIGH
    if value < mean:
        return LOW
    return None


def _outside_limits(values: list[float], ucl: float, lcl: float) -> list[tuple[str, set[int]]]:
    flags = []
    for i, v in enumerate(values):
        if v > ucl:
            flags.append((HIGH, {i}))
        elif v < lcl:
            flags.append((LOW, {i}))
    return flags


def _shifts(values: list[float], mean: float) -> list[tuple[str, set[int]]]:
    flags = []
    start = 0
    for i in range(1, len(values) + 1):
        side = _sides(values[start], mean)
        if i < len(values) and side is not None and _sides(values[i], mean) == side:
            continue
        if side is not None and i - start >= SHIFT_LENGTH:
            flags.append((side, set(range(start, i))))
        start = i
    return flags


def _trends(values: list[float]) -> list[tuple[str, set[int]]]:
    flags = []
    for sign, side in ((1, HIGH), (-1, LOW)):
        start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and (values[i] - values[i - 1]) * sign > 0:
                continue
            if i - start >= TREND_LENGTH:
                flags.append((side, set(range(start, i))))
            start = i
    return flags


def _two_of_three(values: list[float], upper: float, lower: float
                  ) -> list[tuple[str, set[int]]]:
    flags = []
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        high = {i for i in window if values[i] > upper}
        low = {i for i in window if values[i] < lower}
        if len(high) >= 2:
            flags.append((HIGH, high))
        if len(low) >= 2:
            flags.append((LOW, low))
    return flags


def _variation(side: str, direction: str | None) -> str:
    if direction is None:
        return NEITHER
    good = HIGH if direction == UP else LOW
    return IMPROVEMENT if side == good else CONCERN


def assurance(lcl: float | None, ucl: float | None, target: float | None,
              direction: str | None) -> str | None:
    """Where the target lies against the limits, for a measure with a direction."""
    if target is None or lcl is None or ucl is None or direction not in (UP, DOWN):
        return None
    if target < lcl:
        return PASS if direction == UP else FAIL
    if target > ucl:
        return FAIL if direction == UP else PASS
    return HIT_AND_MISS


def xmr(series: Series, direction: str | None = None, *, target: float | None = None,
        baseline: int = BASELINE_POINTS,
        bounds: tuple[float | None, float | None] = (None, None)) -> Chart:
    """The XmR chart of a weekly series (oldest first), its signals and assurance.

    ``bounds`` are the values the measure can take (0-100 for a percentage, at least 0 for a
    count): limits beyond them are drawn and reported at the bound, as no point can pass
    them. The rules are judged on the limits as calculated, so clipping changes no signal.
    """
    data_at = [i for i, (_, v) in enumerate(series) if v is not None]
    values = [float(series[i][1]) for i in data_at]
    base = values[:baseline]
    mean = sum(base) / len(base) if base else None
    ranges = [abs(b - a) for a, b in pairwise(base)]
    mmr = sum(ranges) / len(ranges) if ranges else None
    ucl = lcl = None
    if mean is not None and mmr is not None:
        ucl, lcl = mean + SCALING * mmr, mean - SCALING * mmr

    found: dict[int, dict[str, str]] = {}  # data index -> {rule: side}
    if len(values) >= MIN_POINTS and ucl is not None:
        upper = mean + (ucl - mean) * 2 / 3
        lower = mean - (mean - lcl) * 2 / 3
        for rule, flags in ((OUTSIDE_LIMITS, _outside_limits(values, ucl, lcl)),
                            (TWO_OF_THREE, _two_of_three(values, upper, lower)),
                            (SHIFT, _shifts(values, mean)),
                            (TREND, _trends(values))):
            for side, indices in flags:
                for i in indices:
                    found.setdefault(i, {}).setdefault(rule, side)

    enough = len(values) >= MIN_POINTS and ucl is not None
    points: list[ChartPoint] = []
    data_index = {series_i: k for k, series_i in enumerate(data_at)}
    for i, (week, value) in enumerate(series):
        k = data_index.get(i)
        if k is None or not enough:
            points.append(ChartPoint(week, value))
            continue
        rules = found.get(k, {})
        ordered = tuple(r for r in RULE_ORDER if r in rules)
        if not ordered:
            points.append(ChartPoint(week, value, variation=COMMON))
            continue
        side = rules[ordered[0]]
        points.append(ChartPoint(week, value, ordered, side, _variation(side, direction)))

    low, high = bounds
    if ucl is not None and high is not None:
        ucl = min(ucl, high)
    if lcl is not None and low is not None:
        lcl = max(lcl, low)
    return Chart(
        points=tuple(points), direction=direction, n_data=len(values), baseline_n=len(base),
        mean=mean, mmr=mmr, ucl=ucl, lcl=lcl, target=target,
        assurance=assurance(lcl, ucl, target, direction) if enough else None,
        _by_week={week: i for i, (week, _) in enumerate(series)},
    )


def describe(chart: Chart, week: str | None = None) -> str:
    """The signal at a week (default: the latest) in words, for a person."""
    point = chart.point(week) if week else chart.latest
    if point is None:
        return "No data"
    if not chart.enough:
        return (f"Too few points for SPC: {chart.n_data} week{'s' if chart.n_data != 1 else ''} "
                f"with data, {MIN_POINTS} needed")
    if point.value is None:
        return "No value this week"
    if not point.flagged:
        return VARIATION_WORDS[COMMON]
    return f"{VARIATION_WORDS[point.variation]}: {SIGNAL_WORDS[(point.rules[0], point.side)]}"
