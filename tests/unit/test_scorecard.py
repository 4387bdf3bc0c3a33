"""The scorecard beside each measure: previous period, 13-week mean, SPC signal, target."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.metrics.definitions import MEASURES
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_month, parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.metrics.series import periods_ending, set_target
from casereview.metrics.spc import IMPROVEMENT, PASS


@pytest.fixture
def week_card(demo_db):
    return build_scorecard(demo_db, parse_week("2026-W47"))


def test_the_demo_reduction_in_night_moves_is_a_special_cause_improvement(week_card):
    line = week_card.line("ooh_nc_moves")
    assert line.variation == IMPROVEMENT
    # The words name the mean the signal was judged against (SPEC 6), the chart's.
    assert line.judged_mean == line.chart.mean
    assert line.signal == ("Special cause improvement: a run of 7 or more weeks below "
                           f"the mean (mean {line.chart.mean:.1f})")
    # The step change: the chart's mean sits above every week since the policy began.
    assert line.chart.mean > max(v for _, v in line.weekly[-8:])


def test_value_previous_and_13_week_mean(demo_db, week_card):
    line = week_card.line("ooh_nc_moves", "site:NGH")
    weeks = periods_ending(parse_week("2026-W47"), 13)
    values = [summarise(demo_db, w).get("ooh_nc_moves", "site:NGH").value for w in weeks]
    assert line.value == values[-1]
    assert line.previous_value == values[-2]
    assert line.recent_mean == pytest.approx(sum(values) / 13)
    assert line.recent_numerator == sum(values)
    assert line.week == "2026-W47"


def test_lines_cover_the_measures_of_a_scope(week_card):
    names = [line.measure.name for line in week_card.lines("all")]
    # All sites also carries the open actions by rating (scopes rag:RED, rag:AMBER, rag:GREEN).
    assert names == [m.name for m in MEASURES.values() if "all" in m.scopes] + [
        "actions_rag"] * 3
    assert [line.scope for line in week_card.lines("all", "actions")] == [
        "all", "all", "all", "rag:RED", "rag:AMBER", "rag:GREEN"]
    assert all(line.measure.name != "actions_rag" for line in week_card.lines("site:NGH"))
    site = [line.measure.name for line in week_card.lines("site:WCH", "moves")]
    assert site == [m.name for m in MEASURES.values()
                    if "site" in m.scopes and m.programme == "moves"]
    assert week_card.scopes() == ["all", "site:NGH", "site:WCH"]


def test_a_month_is_read_at_its_last_full_week(demo_db):
    card = build_scorecard(demo_db, parse_month("2026-10"))
    assert card.anchor.label == "2026-W43"
    assert card.summary.period.label == "2026-10" and card.previous.period.label == "2026-09"
    assert card.line("ooh_nc_moves").value == summarise(
        demo_db, parse_month("2026-10")).get("ooh_nc_moves").value


def test_a_period_in_progress_is_read_at_the_last_week_ended(demo_db):
    card = build_scorecard(demo_db, parse_month("2026-11"), today=date(2026, 11, 23))
    assert card.anchor.label == "2026-W47" and card.in_progress
    assert not build_scorecard(demo_db, parse_week("2026-W47"),
                               today=date(2026, 11, 23)).in_progress


def test_target_and_assurance(demo_db, tmp_path):
    from casereview.storage.db import backup_to, connect

    copy = connect(backup_to(demo_db, tmp_path / "copy.db"))
    set_target(copy, "ooh_nc_moves", None, "60", "manager")
    line = build_scorecard(copy, parse_week("2026-W47")).line("ooh_nc_moves")
    assert line.target == 60
    assert line.assurance == PASS  # 60 a week is above the upper limit; fewer is better


def test_the_dashboards_scorecard_builds_only_the_scopes_it_shows_and_the_same_rows(demo_db):
    """All sites and each site: the dashboard's 104-week charts skip every ward's rows (most
    of its time and memory on a large system), and those rows are the full report's."""
    from casereview.metrics.engine import summarise_many
    from casereview.metrics.rows import only_scopes, reports_scope
    from casereview.metrics.scorecard import DASHBOARD_SCOPES
    from casereview.storage.reference import load_reference

    card = build_scorecard(demo_db, parse_week("2026-W46"), scope_kinds=DASHBOARD_SCOPES)
    scopes = {row.scope for s in card.weekly.summaries for row in s.rows}
    assert scopes == {"all", *(f"site:{c}" for c in card.reference.sites),
                      "rag:RED", "rag:AMBER", "rag:GREEN"}
    # The summary files' scorecard has every scope.
    whole = build_scorecard(demo_db, parse_week("2026-W46"))
    assert any(r.scope.startswith("ward:") for r in whole.weekly.summaries[-1].rows)
    reference = load_reference(demo_db)
    periods = periods_ending(parse_week("2026-W46"), 8)
    full = summarise_many(demo_db, periods, reference=reference)
    scoped = summarise_many(demo_db, periods, reference=only_scopes(reference, "all", "site"))
    for whole, part in zip(full, scoped, strict=True):
        assert part.rows == [r for r in whole.rows
                             if r.scope == "all" or r.scope.startswith("site:")]
    assert any(r.scope.startswith("ward:") for r in full[-1].rows)
    assert reports_scope(reference, "ward") and not reports_scope(
        only_scopes(reference, "all"), "ward")
