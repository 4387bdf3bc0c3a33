"""XmR charts and the special-cause rules of SPEC 6, checked against hand-worked series."""

from __future__ import annotations

import pytest

from casereview.metrics.definitions import DOWN, UP
from casereview.metrics.spc import (
    COMMON,
    CONCERN,
    FAIL,
    HIGH,
    HIT_AND_MISS,
    IMPROVEMENT,
    LOW,
    NEITHER,
    OUTSIDE_LIMITS,
    PASS,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    describe,
    xmr,
)

# A stable baseline of 20 weeks. Sum 230, so mean = 11.5. Moving ranges: 2,1,2,1,1,1,2,1,2
# within each block of ten (13), and |13 - 10| = 3 between the blocks: 29 over 19 ranges.
BLOCK = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13]
BASE = BLOCK * 2
MEAN = 11.5
MMR = 29 / 19
UCL = MEAN + 2.66 * MMR          # 15.5600
LCL = MEAN - 2.66 * MMR          # 7.4400
UPPER_2_3 = MEAN + 2.66 * MMR * 2 / 3   # 14.2067
LOWER_2_3 = MEAN - 2.66 * MMR * 2 / 3   # 8.7933


def series(values):
    return [(f"2026-W{i + 1:02d}", v) for i, v in enumerate(values)]


def flagged(chart):
    return {i: (p.rules, p.side) for i, p in enumerate(chart.points) if p.flagged}


def test_limits_come_from_the_baseline():
    chart = xmr(series(BASE + [11] * 10), DOWN)
    assert chart.baseline_n == 20
    assert chart.mean == pytest.approx(MEAN)
    assert chart.mmr == pytest.approx(MMR)
    assert chart.ucl == pytest.approx(15.56, abs=1e-4)
    assert chart.lcl == pytest.approx(7.44, abs=1e-4)
    assert chart.upper_two_thirds == pytest.approx(UPPER_2_3)
    assert chart.lower_two_thirds == pytest.approx(LOWER_2_3)


def test_points_after_the_baseline_do_not_move_the_limits():
    a = xmr(series(BASE + [11, 11]))
    b = xmr(series(BASE + [40, 0]))
    assert (a.mean, a.ucl, a.lcl) == (b.mean, b.ucl, b.lcl)


def test_a_stable_series_is_common_cause_throughout():
    chart = xmr(series(BASE), DOWN)
    assert flagged(chart) == {}
    assert {p.variation for p in chart.points} == {COMMON}
    assert describe(chart) == "Common cause variation"


def test_fewer_than_20_points_all_make_the_baseline():
    values = BLOCK + [13, 12]  # 12 points: sum 140, mean 11.6667
    chart = xmr(series(values))
    assert chart.baseline_n == 12
    assert chart.mean == pytest.approx(140 / 12)


# --- rule 1: a point outside the limits --------------------------------------------------------

def test_a_point_above_the_upper_limit():
    chart = xmr(series(BASE + [11, 16, 11]), DOWN)
    assert flagged(chart) == {21: ((OUTSIDE_LIMITS,), HIGH)}
    assert chart.points[21].variation == CONCERN  # fewer is better, so high is a concern
    assert chart.points[22].variation == COMMON


def test_a_point_below_the_lower_limit_is_an_improvement_when_fewer_is_better():
    chart = xmr(series(BASE + [11, 7, 11]), DOWN)
    assert flagged(chart) == {21: ((OUTSIDE_LIMITS,), LOW)}
    assert chart.points[21].variation == IMPROVEMENT
    assert xmr(series(BASE + [11, 7, 11]), UP).points[21].variation == CONCERN


def test_a_point_on_a_limit_is_not_outside_it():
    chart = xmr(series(BASE + [11, UCL, 11]), DOWN)
    assert OUTSIDE_LIMITS not in chart.points[21].rules


# --- rule 2: a shift of 7 or more on one side of the mean ------------------------------------

SEVEN_HIGH = [12, 12.5, 12, 13, 12, 12.5, 12]


def test_a_shift_of_seven_above_the_mean():
    chart = xmr(series(BASE + [10] + SEVEN_HIGH + [10]), UP)
    assert flagged(chart) == {i: ((SHIFT,), HIGH) for i in range(21, 28)}
    assert {chart.points[i].variation for i in range(21, 28)} == {IMPROVEMENT}
    assert chart.points[28].variation == COMMON


def test_six_on_one_side_is_not_a_shift():
    chart = xmr(series(BASE + [10] + SEVEN_HIGH[:6] + [10]), UP)
    assert flagged(chart) == {}


def test_a_point_on_the_mean_breaks_a_run():
    run = SEVEN_HIGH[:3] + [MEAN] + SEVEN_HIGH[3:]
    chart = xmr(series(BASE + [10] + run + [10]), UP)
    assert flagged(chart) == {}


def test_a_long_shift_below_the_mean_flags_every_point():
    low = [10, 10.5, 10, 11, 10, 10.5, 10, 11, 10]
    chart = xmr(series(BASE + [12] + low + [12]), DOWN)
    assert set(flagged(chart)) == set(range(21, 30))
    assert {chart.points[i].variation for i in range(21, 30)} == {IMPROVEMENT}


# --- rule 3: a trend of 6 or more ------------------------------------------------------------

def test_a_trend_of_six_rising():
    chart = xmr(series(BASE + [9, 10, 11, 12, 13, 14]), UP)  # baseline ends at 13: a fall
    assert flagged(chart) == {i: ((TREND,), HIGH) for i in range(20, 26)}
    assert chart.latest.variation == IMPROVEMENT


def test_a_trend_of_six_falling_is_low():
    chart = xmr(series(BASE + [14, 13, 12, 11, 10, 9, 12]), DOWN)
    assert flagged(chart) == {i: ((TREND,), LOW) for i in range(20, 26)}
    assert chart.points[25].variation == IMPROVEMENT


def test_five_rising_is_not_a_trend():
    chart = xmr(series(BASE + [10, 11, 12, 13, 14]), UP)
    assert flagged(chart) == {}


def test_equal_consecutive_values_break_a_trend():
    chart = xmr(series(BASE + [9, 10, 11, 11, 12, 13, 14]), UP)
    assert flagged(chart) == {}


# --- rule 4: 2 of 3 beyond two thirds of the way to a limit ----------------------------------

def test_two_of_three_near_the_upper_limit():
    chart = xmr(series(BASE + [11, 14.5, 12, 14.5, 11]), DOWN)
    assert flagged(chart) == {21: ((TWO_OF_THREE,), HIGH), 23: ((TWO_OF_THREE,), HIGH)}
    assert chart.points[22].variation == COMMON  # the middle point is not flagged
    assert chart.points[21].variation == CONCERN


def test_two_of_three_near_the_lower_limit():
    chart = xmr(series(BASE + [11, 8.5, 8.6, 11]), DOWN)
    assert flagged(chart) == {21: ((TWO_OF_THREE,), LOW), 22: ((TWO_OF_THREE,), LOW)}


def test_near_the_limit_but_not_two_in_three():
    chart = xmr(series(BASE + [11, 14.5, 12, 11, 14.5, 11]), DOWN)
    assert flagged(chart) == {}


def test_two_near_opposite_limits_is_no_signal():
    chart = xmr(series(BASE + [11, 14.5, 8.5, 11]), DOWN)
    assert flagged(chart) == {}


def test_a_point_beyond_the_limit_counts_toward_two_of_three():
    chart = xmr(series(BASE + [11, 16, 14.5, 11]), DOWN)
    assert chart.points[21].rules == (OUTSIDE_LIMITS, TWO_OF_THREE)
    assert chart.points[22].rules == (TWO_OF_THREE,)


# --- too few points, gaps, labels, assurance -------------------------------------------------

def test_too_few_points_no_signal():
    values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 30]  # 11 points, an obvious outlier
    chart = xmr(series(values), DOWN)
    assert not chart.enough
    assert chart.mean is not None and chart.ucl is not None  # limits still drawn
    assert all(p.variation is None and not p.flagged for p in chart.points)
    assert describe(chart) == "Too few points for SPC: 11 weeks with data, 12 needed"
    assert xmr(series(values + [10]), DOWN).points[10].variation == CONCERN  # the 12th point


def test_null_weeks_are_gaps_that_neither_break_nor_count():
    run = SEVEN_HIGH[:3] + [None] + SEVEN_HIGH[3:]
    chart = xmr(series([None] + BASE + [10] + run + [10]), UP)
    assert chart.n_data == 29
    assert chart.mean == pytest.approx(MEAN)  # baseline = first 20 points with data
    assert chart.points[0].variation is None
    assert chart.points[25].value is None and chart.points[25].variation is None
    assert set(flagged(chart)) == {22, 23, 24, 26, 27, 28, 29}
    assert describe(chart, "2026-W26") == "No value this week"


def test_nulls_count_against_the_minimum():
    values = [10, None] * 8  # 8 points with data
    chart = xmr(series(values), DOWN)
    assert not chart.enough and chart.n_data == 8


def test_a_single_point_has_no_limits():
    chart = xmr(series([5]))
    assert chart.mean == 5 and chart.ucl is None and chart.mmr is None
    assert xmr(series([])).mean is None


def test_no_direction_is_neither():
    chart = xmr(series(BASE + [11, 16, 11]), None)
    assert chart.points[21].variation == NEITHER


def test_conflicting_sides_take_the_strongest_rule():
    # Falling from above the limit: a decreasing trend (low) of points still near the upper
    # limit (high). The point's position wins.
    chart = xmr(series(BASE + [10, 17, 16, 15.5, 15, 14.8, 14.5, 10]), DOWN)
    p = chart.points[22]
    assert p.rules[0] == OUTSIDE_LIMITS and TREND in p.rules
    assert p.side == HIGH and p.variation == CONCERN


def test_describe_names_the_rule():
    chart = xmr(series(BASE + [10] + SEVEN_HIGH), DOWN)
    assert describe(chart) == "Special cause concern: a run of 7 or more weeks above the mean"
    assert describe(xmr(series(BASE + [9, 10, 11, 12, 13, 14]), UP)) == (
        "Special cause improvement: 6 or more weeks each higher than the last")
    assert describe(xmr(series(BASE + [11, 7]), DOWN)) == (
        "Special cause improvement: a week below the lower limit")


@pytest.mark.parametrize("direction,target,expected", [
    (UP, 7.0, PASS),           # below the lower limit: every week will exceed it
    (UP, 16.0, FAIL),
    (UP, 12.0, HIT_AND_MISS),
    (DOWN, 16.0, PASS),        # above the upper limit: every week will come in under it
    (DOWN, 7.0, FAIL),
    (DOWN, 12.0, HIT_AND_MISS),
    (None, 7.0, None),
])
def test_assurance_against_a_target(direction, target, expected):
    assert xmr(series(BASE), direction, target=target).assurance == expected


def test_no_assurance_with_too_few_points():
    assert xmr(series(BLOCK), UP, target=1.0).assurance is None


def test_limits_are_clipped_to_what_the_measure_can_take_without_changing_signals():
    from casereview.metrics.spc import xmr

    series = [(f"2026-W{i:02d}", v) for i, v in enumerate([0, 100] * 8 + [100] * 4, start=1)]
    free = xmr(series, "up")
    clipped = xmr(series, "up", bounds=(0.0, 100.0))
    assert free.ucl > 100 and free.lcl < 0
    assert (clipped.lcl, clipped.ucl) == (0.0, 100.0)
    assert [p.rules for p in clipped.points] == [p.rules for p in free.points]
