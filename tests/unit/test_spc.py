"""XmR charts and the special-cause rules of SPEC 6: hand-worked series, the cases of issue 14,
and NHSRplotthedots' own rule tests (tests/testthat/test-ptd_calculate_point_type.R,
test-ptd_calculate_assurance_type.R, test-ptd_spc_standard.R) ported as ours."""

from __future__ import annotations

from dataclasses import dataclass

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
    analyse,
    assurance,
    describe,
    icon_for,
    shift_marks,
    trend_marks,
    two_of_three_marks,
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


@dataclass(frozen=True)
class R:
    week: str
    reason: str = "a new process"


@dataclass(frozen=True)
class N:
    week: str
    text: str


def week(i: int) -> str:
    return f"2026-W{i + 1:02d}"


def series(values):
    return [(week(i), v) for i, v in enumerate(values)]


def xmr(values, direction=None, **kw):
    return analyse(series(values), kw.pop("rebases", ()), direction, kw.pop("target", None),
                   **kw)


def flagged(chart):
    return {i: (p.rules, p.side) for i, p in enumerate(chart.points) if p.flagged}


def test_limits_come_from_the_baseline():
    chart = xmr(BASE + [11] * 10, DOWN)
    assert chart.baseline_n == 20
    assert chart.mean == pytest.approx(MEAN)
    assert chart.mmr == pytest.approx(MMR)
    assert chart.ucl == pytest.approx(15.56, abs=1e-4)
    assert chart.lcl == pytest.approx(7.44, abs=1e-4)
    assert chart.upper_two_thirds == pytest.approx(UPPER_2_3)
    assert chart.lower_two_thirds == pytest.approx(LOWER_2_3)
    assert {(p.mean, p.ucl, p.lcl) for p in chart.points} == {(chart.mean, chart.ucl, chart.lcl)}


def test_points_after_the_baseline_do_not_move_the_limits():
    a = xmr(BASE + [11, 11])
    b = xmr(BASE + [40, 0])
    assert (a.mean, a.ucl, a.lcl) == (b.mean, b.ucl, b.lcl)


def test_a_stable_series_is_common_cause_throughout():
    chart = xmr(BASE, DOWN)
    assert flagged(chart) == {}
    assert {p.variation for p in chart.points} == {COMMON}
    assert describe(chart) == "Common cause variation"
    assert chart.icon == "common_cause"


def test_fewer_than_20_points_all_make_the_baseline():
    values = BLOCK + [13, 12]  # 12 points: sum 140, mean 11.6667
    chart = xmr(values)
    assert chart.baseline_n == 12
    assert chart.mean == pytest.approx(140 / 12)


def test_limits_are_drawn_within_the_bounds_but_judged_as_calculated():
    chart = xmr([0, 3] * 10 + [0, 3], DOWN, bounds=(0.0, None))
    assert chart.lcl == 0.0 and chart.current.process_lcl < 0
    assert flagged(chart) == {}


# --- rule: a point outside the limits ----------------------------------------------------------

def test_a_point_above_the_upper_limit():
    chart = xmr(BASE + [11, 16, 11], DOWN)
    assert flagged(chart) == {21: ((OUTSIDE_LIMITS,), HIGH)}
    assert chart.points[21].variation == CONCERN  # fewer is better, so high is a concern
    assert chart.points[22].variation == COMMON


def test_a_point_below_the_lower_limit_is_an_improvement_when_fewer_is_better():
    chart = xmr(BASE + [11, 7, 11], DOWN)
    assert flagged(chart) == {21: ((OUTSIDE_LIMITS,), LOW)}
    assert chart.points[21].variation == IMPROVEMENT
    assert xmr(BASE + [11, 7, 11], UP).points[21].variation == CONCERN


def test_a_point_exactly_on_a_limit_is_inside():
    chart = xmr(BASE + [11, UCL, 11], DOWN)
    assert OUTSIDE_LIMITS not in chart.points[21].rules
    chart = xmr(BASE + [11, LCL, 11], DOWN)
    assert OUTSIDE_LIMITS not in chart.points[21].rules


# --- rule: a shift of 7 or more on one side of the mean -------------------------------------

SEVEN_HIGH = [12, 12.5, 12, 13, 12, 12.5, 12]


def test_a_shift_of_seven_above_the_mean():
    chart = xmr(BASE + [10] + SEVEN_HIGH + [10], UP)
    assert flagged(chart) == {i: ((SHIFT,), HIGH) for i in range(21, 28)}
    assert {chart.points[i].variation for i in range(21, 28)} == {IMPROVEMENT}
    assert chart.points[28].variation == COMMON


def test_six_on_one_side_is_not_a_shift():
    chart = xmr(BASE + [10] + SEVEN_HIGH[:6] + [10], UP)
    assert flagged(chart) == {}


def test_a_point_on_the_mean_ends_a_run():
    run = SEVEN_HIGH[:3] + [MEAN] + SEVEN_HIGH[3:]
    chart = xmr(BASE + [10] + run + [10], UP)
    assert flagged(chart) == {}


def test_a_long_shift_below_the_mean_marks_every_point():
    low = [10, 10.5, 10, 11, 10, 10.5, 10, 11, 10]
    chart = xmr(BASE + [12] + low + [12], DOWN)
    assert set(flagged(chart)) == set(range(21, 30))
    assert {chart.points[i].variation for i in range(21, 30)} == {IMPROVEMENT}


# Ported: ptd_seven_point_one_side_mean with ptd_part_of_seven_trend (signs relative to the
# mean; the run's every point is marked).
@pytest.mark.parametrize("signs, marked", [
    ([], set()),
    ([1] * 6, set()),
    ([1] * 6 + [-1], set()),
    ([1] * 8 + [-1], set(range(8))),
    ([-1] * 8 + [1], set(range(8))),
    ([1] * 7, set(range(7))),
    ([1] * 3 + [0] + [1] * 4, set()),
])
def test_ported_seven_points_one_side_of_the_mean(signs, marked):
    assert set(shift_marks([float(s) for s in signs], 0.0)) == marked


# --- rule: a trend of 7 or more ------------------------------------------------------------

def test_a_trend_of_seven_rising():
    chart = xmr(BASE + [9, 10, 11, 12, 13, 14, 15], UP)  # the baseline ends at 13: a fall to 9
    assert {i: r for i, r in flagged(chart).items()} == {
        i: ((TREND,), HIGH) for i in range(20, 27)}
    assert chart.latest.variation == IMPROVEMENT


def test_six_rising_is_not_a_trend():
    chart = xmr(BASE + [9, 10, 11, 12, 13, 14], UP)
    assert flagged(chart) == {}


def test_a_trend_of_seven_falling_is_low():
    chart = xmr(BASE + [14, 13.5, 13, 12, 11, 10, 9, 12], DOWN)
    assert {i: p.rules[0] for i, p in enumerate(chart.points) if p.flagged} == {
        i: TREND for i in range(20, 27)}
    assert {chart.points[i].side for i in range(20, 27)} == {LOW}
    assert chart.points[26].variation == IMPROVEMENT


def test_two_equal_points_end_a_trend():
    chart = xmr(BASE + [9, 10, 11, 11, 12, 13, 14, 15], UP)
    assert flagged(chart) == {}


# Ported: ptd_seven_point_trend with ptd_part_of_seven_trend.
@pytest.mark.parametrize("values, marked", [
    ([], {}),
    (list(range(1, 7)), {}),
    ([1, 2, 3, 3, 4, 5, 6], {}),
    (list(range(1, 8)), {i: HIGH for i in range(7)}),
    ([2, *range(1, 8), 3], {i: HIGH for i in range(1, 8)}),
    (list(range(7, 0, -1)), {i: LOW for i in range(7)}),
    ([2, *range(7, 0, -1), 3], {i: LOW for i in range(1, 8)}),
    ([0] * 6 + [1, 0], {}),
])
def test_ported_seven_point_trend(values, marked):
    assert trend_marks([float(v) for v in values]) == marked


def test_a_turning_point_takes_the_trend_it_begins():
    # Rising 7, then falling 7 from the peak: the peak belongs to both (NHSRplotthedots
    # reads it by the step after it: falling).
    marks = trend_marks([float(v) for v in [*range(1, 8), *range(6, 0, -1)]])
    assert marks[6] == LOW and marks[5] == HIGH and marks[7] == LOW


# --- rule: two of three close to a limit --------------------------------------------------------

def test_two_of_three_near_the_upper_limit():
    chart = xmr(BASE + [11, 14.5, 12, 14.5, 11], DOWN)
    assert flagged(chart) == {21: ((TWO_OF_THREE,), HIGH), 23: ((TWO_OF_THREE,), HIGH)}
    assert chart.points[22].variation == COMMON  # only the close points are marked
    assert chart.points[21].variation == CONCERN


def test_two_of_three_near_the_lower_limit():
    chart = xmr(BASE + [11, 8.5, 8.6, 11], DOWN)
    assert flagged(chart) == {21: ((TWO_OF_THREE,), LOW), 22: ((TWO_OF_THREE,), LOW)}


def test_close_points_three_apart_are_not_two_in_three():
    chart = xmr(BASE + [11, 14.5, 12, 11, 14.5, 11], DOWN)
    assert flagged(chart) == {}


def test_two_near_opposite_limits_is_no_signal():
    chart = xmr(BASE + [11, 14.5, 8.5, 11], DOWN)
    assert flagged(chart) == {}


def test_the_three_points_must_all_be_on_one_side_of_the_mean():
    # Issue 14: mean 10, upper limit 15.3 (two thirds at 13.53): 9, 14, 14 marks nothing.
    assert two_of_three_marks([9.0, 14.0, 14.0], 10.0, 15.3, 4.7) == {}
    assert two_of_three_marks([9.0, 14.0, 14.0, 9.0], 10.0, 15.3, 4.7) == {}
    assert two_of_three_marks([11.0, 14.0, 14.0], 10.0, 15.3, 4.7) == {1: HIGH, 2: HIGH}
    chart = xmr(BASE + [9, 14.5, 14.5, 9], DOWN)
    assert flagged(chart) == {}


def test_a_point_outside_the_limit_is_not_close():
    # Issue 14: a point beyond the limit is not one of the two close points.
    chart = xmr(BASE + [11, 16, 14.5, 11], DOWN)
    assert flagged(chart) == {21: ((OUTSIDE_LIMITS,), HIGH)}
    chart = xmr(BASE + [11, 16, 14.5, 14.5, 11], DOWN)
    assert chart.points[21].rules == (OUTSIDE_LIMITS,)
    assert chart.points[22].rules == chart.points[23].rules == (TWO_OF_THREE,)


def test_a_point_exactly_on_the_limit_is_close():
    assert two_of_three_marks([11.0, 15.3, 14.0], 10.0, 15.3, 4.7) == {1: HIGH, 2: HIGH}


def test_a_point_on_the_two_thirds_line_is_not_close():
    line = 10.0 + (15.3 - 10.0) * 2 / 3
    assert two_of_three_marks([11.0, line, 14.0], 10.0, 15.3, 4.7) == {}


# Ported: ptd_two_in_three with ptd_part_of_two_in_three. ``close`` says which points are
# close to a limit, ``signs`` their side of the mean (mean 0, limits +/-3: a close point is
# 2.5 from the mean, a point that is not is 0.5).
@pytest.mark.parametrize("close, signs, marked", [
    ([], [], set()),
    ([0, 0, 0], [1, 1, 1], set()),
    ([1, 0, 1], [1, 1, 1], {0, 2}),
    ([0, 1, 1], [1, 1, 1], {1, 2}),
    ([1, 1, 0], [1, 1, 1], {0, 1}),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, {2, 4}),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, {2, 3}),
    ([1, 0, 0, 1], [1] * 4, set()),
    ([1, 0, 0, 1, 1], [1] * 5, {3, 4}),
    # ... "when points are on opposite sides of the mean"
    ([1, 0, 1], [1, -1, 1], set()),
    ([0, 1, 1], [1, -1, 1], set()),
    ([1, 1, 0], [1, -1, 1], set()),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], set()),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], set()),
    ([1, 1, 1], [-1, -1, -1], {0, 1, 2}),
])
def test_ported_two_in_three(close, signs, marked):
    values = [s * (2.5 if c else 0.5) for c, s in zip(close, signs)]
    assert set(two_of_three_marks(values, 0.0, 3.0, -3.0)) == marked


def test_ported_two_in_three_only_on_the_same_side_of_the_mean():
    # test-ptd_spc_standard.R: symmetric data with two successive points close to the limits
    # on opposite sides of the mean: both common cause.
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr(values, UP)
    assert chart.enough
    assert [p.variation for p in chart.points[-2:]] == [COMMON, COMMON]


# --- the reading order: outside > trend > two of three > shift --------------------------------

def test_seven_falling_points_above_the_mean_read_improvement_when_lower_is_better():
    # Issue 14: a falling trend (low) that is also a shift above the mean (high), and its
    # first two points two-of-three close to the upper limit (high): the trend is read.
    falling = [15, 14.5, 14, 13.5, 13, 12.5, 12]
    chart = xmr(BASE + falling, DOWN)
    points = chart.points[20:27]
    assert all(p.rules[0] == TREND and SHIFT in p.rules for p in points)
    assert points[0].rules == (TREND, TWO_OF_THREE, SHIFT)
    assert {p.side for p in points} == {LOW}
    assert {p.variation for p in points} == {IMPROVEMENT}
    assert chart.icon == "improvement_low"


def test_outside_the_limits_is_read_before_a_trend():
    chart = xmr(BASE + [10, 17, 16, 15.5, 15, 14.8, 14.5, 10], DOWN)
    p = chart.points[21]
    assert p.rules[0] == OUTSIDE_LIMITS and TREND in p.rules
    assert p.side == HIGH and p.variation == CONCERN


def test_two_of_three_is_read_before_a_shift():
    chart = xmr(BASE + [8.5, 10, 8.6, 11, 10, 11, 10.5], UP)
    p = chart.points[20]
    assert p.rules == (TWO_OF_THREE, SHIFT) and p.side == LOW
    assert chart.points[21].rules == (SHIFT,)


# Ported: ptd_special_cause_type's precedence, as a table of (rules marking, side of each) to
# the reading, through the public reading of a chart.
def test_ported_point_type_by_improvement_direction():
    chart_up = xmr(BASE + [11, 16, 11], UP)
    chart_down = xmr(BASE + [11, 16, 11], DOWN)
    chart_none = xmr(BASE + [11, 16, 11], None)
    assert [c.points[21].variation for c in (chart_up, chart_down, chart_none)] == [
        IMPROVEMENT, CONCERN, NEITHER]
    assert [icon_for(c.points[21]) for c in (chart_up, chart_down, chart_none)] == [
        "improvement_high", "concern_high", "neither_high"]


# --- too few points, gaps --------------------------------------------------------------------

def test_too_few_points_no_signal():
    values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 30]  # 11 points, an obvious outlier
    chart = xmr(values, DOWN)
    assert not chart.enough
    assert chart.mean is not None and chart.ucl is not None  # limits still drawn
    assert all(p.variation is None and not p.flagged for p in chart.points)
    assert chart.icon is None and xmr(values, DOWN, target=5).assurance is None
    assert describe(chart) == "Too few points for SPC: 11 weeks with data, 12 needed"
    assert xmr(values + [10], DOWN).points[10].variation == CONCERN  # the 12th point


def test_weeks_with_no_value_are_gaps_that_neither_break_nor_count():
    run = SEVEN_HIGH[:3] + [None] + SEVEN_HIGH[3:]
    chart = xmr([None] + BASE + [10] + run + [10], UP)
    assert chart.n_data == 29
    assert chart.mean == pytest.approx(MEAN)  # baseline = first 20 points with data
    assert chart.points[0].variation is None
    assert chart.points[25].value is None and chart.points[25].variation is None
    assert set(flagged(chart)) == {22, 23, 24, 26, 27, 28, 29}
    assert describe(chart, "2026-W26") == "No value this week"


def test_a_gap_is_joined_in_the_moving_range():
    chart = xmr([10, None, 14, 10, 14] + [10, 14] * 5)
    assert chart.mmr == pytest.approx(4)


def test_gaps_count_against_the_minimum():
    chart = xmr([10, None] * 8, DOWN)  # 8 points with data
    assert not chart.enough and chart.n_data == 8


def test_a_single_point_has_no_limits():
    chart = xmr([5])
    assert chart.mean == 5 and chart.ucl is None and chart.mmr is None
    assert xmr([]).mean is None and xmr([]).icon is None


def test_the_icon_is_the_latest_point_with_a_value():
    chart = xmr(BASE + [11, 16, None], DOWN)
    assert chart.icon == "concern_high"


# --- assurance --------------------------------------------------------------------------------

# Ported: test-ptd_calculate_assurance_type.R (limits (1, 3), (5, 7), (1, 5); target 4).
@pytest.mark.parametrize("direction, expected", [
    (UP, [FAIL, PASS, HIT_AND_MISS]),
    (DOWN, [PASS, FAIL, HIT_AND_MISS]),
    (None, [None, None, None]),
])
def test_ported_assurance(direction, expected):
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [assurance(lcl, ucl, 4, direction) for lcl, ucl in limits] == expected
    assert assurance(1, 3, None, direction) is None


def test_a_target_on_a_limit_is_hit_and_miss():
    assert assurance(4, 6, 4, UP) == HIT_AND_MISS
    assert assurance(2, 4, 4, DOWN) == HIT_AND_MISS
    chart = xmr(BASE, DOWN, target=UCL)
    assert chart.assurance == HIT_AND_MISS


def test_assurance_of_a_chart():
    assert xmr(BASE, DOWN, target=20).assurance == PASS
    assert xmr(BASE, DOWN, target=5).assurance == FAIL
    assert xmr(BASE, UP, target=5).assurance == PASS
    assert xmr(BASE, DOWN, target=12).assurance == HIT_AND_MISS
    assert xmr(BASE, None, target=12).assurance is None


# --- rebasing --------------------------------------------------------------------------------

STEP_DOWN = [5, 6, 5.5, 6.5, 6, 5.5, 5, 6, 5.5, 6.5, 6, 5.5]  # 12 weeks, a new process


def test_a_rebase_starts_a_segment_with_its_own_mean_and_limits():
    values = BASE + STEP_DOWN
    plain = xmr(values, DOWN)
    # Without the rebase every week of the new process is below the old mean: a shift.
    assert {p.variation for p in plain.points[20:]} == {IMPROVEMENT}
    chart = xmr(values, DOWN, rebases=[R(week(20), "new bed policy")])
    first, second = chart.segments
    assert (first.start, first.end, first.reason) == (week(0), week(19), None)
    assert (second.start, second.end, second.reason) == (week(20), week(31), "new bed policy")
    assert first.mean == pytest.approx(MEAN) and first.n_data == 20
    assert second.mean == pytest.approx(sum(STEP_DOWN) / 12) and second.baseline_n == 12
    assert chart.mean == second.mean and chart.ucl == second.ucl  # the current process
    assert [p.segment for p in chart.points] == [0] * 20 + [1] * 12
    assert chart.points[25].mean == second.mean and chart.points[5].mean == first.mean
    assert {p.variation for p in chart.points[20:]} == {COMMON}
    assert chart.icon == "common_cause"
    assert chart.rebased


def test_moving_ranges_do_not_cross_a_rebase():
    chart = xmr([10, 12] * 6 + [50, 52] * 6, rebases=[R(week(12))])
    assert [s.mmr for s in chart.segments] == [2, 2]


def test_rules_apply_within_a_segment():
    # Seven rising points across a rebase are not a trend; nor seven on one side.
    values = BASE[:14] + [9, 10, 11] + [11.6, 11.7, 11.8, 11.9] + STEP_DOWN
    chart = xmr(values, UP, rebases=[R(week(17))])
    assert not any(TREND in p.rules or SHIFT in p.rules for p in chart.points[14:21])


def test_a_short_segment_gives_no_reading():
    chart = xmr(BASE + STEP_DOWN[:5], DOWN, rebases=[R(week(20))], target=3)
    assert not chart.enough and chart.icon is None and chart.assurance is None
    assert {p.variation for p in chart.points[20:]} == {None}
    assert {p.variation for p in chart.points[:20]} == {COMMON}
    assert describe(chart) == ("Too few points for SPC: 5 weeks with data since the rebase "
                               "at 2026-W21, 12 needed")


def test_assurance_is_read_from_the_latest_segment():
    # Ported in spirit from the rebase case of test-ptd_calculate_assurance_type.R.
    values = BASE + STEP_DOWN
    assert xmr(values, DOWN, target=9).assurance == HIT_AND_MISS
    assert xmr(values, DOWN, target=9, rebases=[R(week(20))]).assurance == PASS


def test_a_rebase_outside_the_series_or_at_its_start_makes_no_segment():
    assert len(xmr(BASE, rebases=[R("2027-W01")]).segments) == 1
    assert len(xmr(BASE, rebases=[R(week(0))]).segments) == 1
    assert len(xmr(BASE, rebases=[R("2025-W30")]).segments) == 1


def test_a_rebase_in_a_gap_starts_at_the_next_week():
    values = BASE[:10] + [None] + BASE[10:]
    chart = xmr(values, rebases=[R(week(10))])
    assert chart.segments[1].start == week(10) and chart.segments[1].n_data == 10


# Ported: test-ptd_spc_standard.R "it sets the rebase_group field" (rebase at the 11th of 20).
def test_ported_rebase_group():
    values = [0.1, -0.5, 1.2, 0.3, -1.1, 0.7, 0.2, -0.3, 0.9, -0.8] * 2
    chart = xmr(values, rebases=[R(week(10))])
    assert [p.segment for p in chart.points] == [0] * 10 + [1] * 10


def test_notes_are_on_their_weeks():
    chart = xmr(BASE, notes=[N(week(3), "ward closed"), N(week(3), "and reopened"),
                             N("2030-W01", "not on this chart")])
    assert chart.points[3].notes == ("ward closed", "and reopened")
    assert chart.notes == [(week(3), "ward closed"), (week(3), "and reopened")]
