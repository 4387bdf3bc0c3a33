"""Our SPC rules against a plain re-statement of SPEC 6, on random series.

The re-statement below is written to be obviously right rather than fast: every rule is read
straight off the SPEC's sentence, window by window, for every point. Values are small whole
numbers so that ties (a point on the mean, two equal points, a point on a limit) are common.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from casereview.metrics.definitions import DOWN, UP
from casereview.metrics.spc import analyse


@dataclass(frozen=True)
class R:
    week: str
    reason: str = "why"


def plain_rules(values: list[float]) -> list[tuple[list[str], str | None]]:
    """SPEC 6 for one segment's values (no gaps): for each point, the rules marking it in the
    reading order and the side ('high'/'low') of the first; ([], None) if none."""
    n = len(values)
    if n < 12:
        return [([], None)] * n
    base = values[:20]
    mean = sum(base) / len(base)
    mmr = sum(abs(base[i] - base[i - 1]) for i in range(1, len(base))) / (len(base) - 1)
    ucl, lcl = mean + 2.66 * mmr, mean - 2.66 * mmr
    upper, lower = mean + (ucl - mean) * 2 / 3, mean - (mean - lcl) * 2 / 3
    out = []
    for i, v in enumerate(values):
        rules, sides = [], []
        # (a) outside the limits; exactly on a limit is inside.
        if v > ucl or v < lcl:
            rules.append("outside_limits")
            sides.append("high" if v > mean else "low")
        # (c) trend: 7 consecutive points each higher (or each lower) than the last.
        rising = falling = False
        for start in range(i - 6, i + 1):
            window = values[start:start + 7] if start >= 0 else []
            if len(window) == 7:
                rising |= all(window[k + 1] > window[k] for k in range(6))
                falling |= all(window[k + 1] < window[k] for k in range(6))
        if rising or falling:
            rules.append("trend")
            if rising and falling:  # a turning point: the trend it begins
                sides.append("high" if values[i + 1] > v else "low")
            else:
                sides.append("high" if rising else "low")
        # (d) two of three: all three on one side, at least two close (beyond 2/3, inside).
        def close(x):
            return lcl <= x <= ucl and (x > upper or x < lower)
        two = None
        for start in range(i - 2, i + 1):
            if start < 0 or start + 3 > n or not close(v):
                continue
            window = values[start:start + 3]
            if sum(close(x) for x in window) >= 2:
                if all(x > mean for x in window):
                    two = "high"
                elif all(x < mean for x in window):
                    two = "low"
        if two:
            rules.append("two_of_three")
            sides.append(two)
        # (b) shift: 7 consecutive points on one side of the mean (on the mean is neither).
        for start in range(i - 6, i + 1):
            window = values[start:start + 7] if start >= 0 else []
            if len(window) == 7 and (all(x > mean for x in window)
                                     or all(x < mean for x in window)):
                rules.append("shift")
                sides.append("high" if v > mean else "low")
                break
        out.append((rules, sides[0] if sides else None))
    return out


def plain_reading(rules, side, direction, enough):
    if not enough:
        return None
    if not rules:
        return "common"
    if direction is None:
        return "neither"
    return "improvement" if (side == "high") == (direction == UP) else "concern"


@st.composite
def values_st(draw):
    """Up to 60 weeks built from pieces that make signals likely: noise, runs rising or
    falling (with the odd tie), runs on one side, a spike; and the odd gap."""
    values: list[int | None] = []
    while len(values) < draw(st.integers(0, 60)):
        kind = draw(st.sampled_from(["noise", "rise", "fall", "high", "low", "spike"]))
        length = draw(st.integers(1, 10))
        last = next((v for v in reversed(values) if v is not None), 10)
        if kind == "noise":
            piece = draw(st.lists(st.integers(6, 14), min_size=length, max_size=length))
        elif kind in ("rise", "fall"):
            steps = draw(st.lists(st.sampled_from([1, 1, 1, 2, 0]), min_size=length,
                                  max_size=length))
            sign = 1 if kind == "rise" else -1
            piece, at = [], last
            for step in steps:
                at += sign * step
                piece.append(at)
        elif kind in ("high", "low"):
            centre = 13 if kind == "high" else 7
            piece = draw(st.lists(st.integers(centre - 1, centre + 1), min_size=length,
                                  max_size=length))
        else:
            piece = [draw(st.sampled_from([0, 20, 25]))]
        values += [None if draw(st.integers(0, 15)) == 0 else v for v in piece]
    return values[:60]


@settings(max_examples=400, deadline=None)
@given(values=values_st(), direction=st.sampled_from([UP, DOWN, None]),
       cuts=st.lists(st.integers(1, 59), max_size=2))
def test_rules_match_a_plain_statement_of_spec_6(values, direction, cuts):
    weeks = [f"2026-W{i + 1:02d}" if i < 52 else f"2027-W{i - 51:02d}" for i in range(len(values))]
    series = list(zip(weeks, values))
    cuts = sorted({c for c in cuts if c < len(values)})
    chart = analyse(series, [R(weeks[c]) for c in cuts], direction)
    bounds = [0, *cuts, len(values)]
    for a, b in zip(bounds, bounds[1:]):
        data_at = [i for i in range(a, b) if values[i] is not None]
        expected = plain_rules([float(values[i]) for i in data_at])
        enough = len(data_at) >= 12
        for i, (rules, side) in zip(data_at, expected):
            point = chart.points[i]
            assert list(point.rules) == rules, (i, values, cuts)
            assert point.side == side
            assert point.variation == plain_reading(rules, side, direction, enough)
        for i in range(a, b):
            assert chart.points[i].segment == bounds.index(a)
            if values[i] is None:
                assert chart.points[i].variation is None and not chart.points[i].rules
