"""Series of periods: weeks, months and quarters agree with each other and with the records;
the many-period engine gives exactly what one period at a time gives."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from casereview.domain.move import Move, NightAudit
from casereview.domain.validation import validate
from casereview.metrics.definitions import MEASURES
from casereview.metrics.engine import Summary, summarise, summarise_many
from casereview.metrics.periods import Period, month_of, parse_month, parse_quarter, parse_week
from casereview.metrics.series import (
    TargetInvalid,
    anchor_week,
    history,
    load_targets,
    periods_ending,
    set_target,
    target_for,
    weekly_series,
)
from casereview.storage.changelog import history as change_history
from casereview.storage.moves import close_night, save_move

NON_CLINICAL = ["CAPACITY", "ESCALATION", "OUTLIER", "WARD_CLOSURE", "OTHER_NC"]
CLINICAL = ["CLINICAL", "INFECTION", "END_OF_LIFE"]
WARDS = {"NGH": ["A1", "A2", "A3"], "WCH": ["B1", "B2", "B3"]}


def day_period(day: date) -> Period:
    return Period("day", day.isoformat(), day, day)


def assert_additive(whole: Summary, parts: list[Summary]) -> None:
    """Every count, numerator and denominator of the whole is the sum of the parts'; a
    measure read at the period's end (the open actions) is the last part's."""
    assert whole.rows, "no rows to compare"
    for row in whole.rows:
        part_rows = [p.get(row.measure, row.scope) for p in parts]
        assert all(r is not None for r in part_rows), (row.measure, row.scope)
        where = f"{row.measure} {row.scope} {whole.period.label}"
        if MEASURES[row.measure].at_period_end:
            assert row == part_rows[-1], where
            continue
        if MEASURES[row.measure].kind != "median":
            numerators = [r.numerator for r in part_rows]
            assert row.numerator == sum(n or 0 for n in numerators), where
        if row.denominator is None:
            assert all(r.denominator is None for r in part_rows), where
        else:
            assert row.denominator == sum(r.denominator or 0 for r in part_rows), where
        if MEASURES[row.measure].is_count:
            assert row.value == sum(r.value for r in part_rows), where


# --- against the records themselves ------------------------------------------------------------

@pytest.fixture
def random_moves(ref_db, ctx):
    """Seeded random moves, 1 Sep - 22 Nov 2026, and the count each audit night should get."""
    rng = random.Random(47)
    expected: dict[date, int] = {}
    day = date(2026, 9, 1)
    while day <= date(2026, 11, 22):
        for _ in range(rng.randint(0, 4)):
            site = rng.choice(list(WARDS))
            from_ward, to_ward = rng.sample(WARDS[site], 2)
            at = time(rng.randint(0, 23), rng.choice([0, 15, 29, 30, 59]))
            reason = rng.choice(NON_CLINICAL + CLINICAL)
            raw = {"moved_at": f"{day.isoformat()} {at:%H:%M}", "site_code": site,
                   "from_ward": from_ward, "to_ward": to_ward, "reason": reason}
            try:
                move = validate(Move, raw, ctx)
            except ValueError:
                continue  # the hour that does not exist when the clocks go forward
            save_move(ref_db, move, "test")
            # The oracle, written out from SPEC 4.1 rather than taken from the model:
            night = day if at >= time(22) else day - timedelta(days=1) if at < time(7) else None
            if night and reason in NON_CLINICAL:
                expected[night] = expected.get(night, 0) + 1
        if rng.random() < 0.8:
            for site in WARDS:
                close_night(ref_db, validate(NightAudit, {
                    "site_code": site, "audit_night": day.isoformat(), "audited_by": "x",
                    "completed_at": f"{(day + timedelta(days=1)).isoformat()} 07:30"}, ctx),
                    "test")
        day += timedelta(days=1)
    return expected


def test_a_months_count_is_the_sum_of_its_days_records(ref_db, random_moves):
    october = parse_month("2026-10")
    days = [october.start + timedelta(days=i) for i in range(october.days)]
    by_day = summarise_many(ref_db, [day_period(d) for d in days])
    month = summarise(ref_db, october)
    assert month.get("ooh_nc_moves").value == sum(random_moves.get(d, 0) for d in days)
    for d, summary in zip(days, by_day, strict=True):
        assert summary.get("ooh_nc_moves").value == random_moves.get(d, 0), d
    assert_additive(month, by_day)


def test_a_move_after_midnight_counts_in_the_month_its_night_began(ref_db, ctx):
    save_move(ref_db, validate(Move, {"moved_at": "2026-10-01 02:30", "site_code": "NGH",
                                      "from_ward": "A1", "to_ward": "A2",
                                      "reason": "CAPACITY"}, ctx), "test")
    assert summarise(ref_db, parse_month("2026-09")).get("ooh_nc_moves").value == 1
    assert summarise(ref_db, parse_month("2026-10")).get("ooh_nc_moves").value == 0


def test_quarter_is_the_sum_of_its_months_and_weeks_sum_to_their_span(ref_db, random_moves):
    quarter = parse_quarter("2026/27 Q3")  # Oct - Dec 2026
    months = summarise_many(ref_db, [month_of(date(2026, m, 1)) for m in (10, 11, 12)])
    assert_additive(summarise(ref_db, quarter), months)
    weeks = periods_ending(parse_week("2026-W47"), 8)
    span = Period("span", "8 weeks", weeks[0].start, weeks[-1].end)
    assert_additive(summarise(ref_db, span), summarise_many(ref_db, weeks))


# --- every programme, on the demo database ---------------------------------------------------

def test_demo_quarter_months_days_agree(demo_db):
    quarter = parse_quarter("2026/27 Q2")  # Jul - Sep 2026, inside the demo's 26 weeks
    months = [month_of(date(2026, m, 1)) for m in (7, 8, 9)]
    assert_additive(summarise(demo_db, quarter), summarise_many(demo_db, months))
    august = months[1]
    days = [day_period(august.start + timedelta(days=i)) for i in range(august.days)]
    assert_additive(summarise(demo_db, august), summarise_many(demo_db, days))


def test_many_periods_at_once_equal_one_at_a_time(demo_db):
    weeks = periods_ending(parse_week("2026-W47"), 30)
    stamp = datetime(2026, 11, 23, 9, 0)
    together = summarise_many(demo_db, weeks, generated_at=stamp)
    for week, summary in zip(weeks, together, strict=True):
        alone = summarise(demo_db, week, generated_at=stamp)
        assert summary.as_dict() == alone.as_dict(), week.label


def test_weekly_series_reads_each_weeks_summary(demo_db):
    last = parse_week("2026-W47")
    points = weekly_series(demo_db, "ooh_nc_moves", "site:NGH", last, weeks=6)
    weeks = periods_ending(last, 6)
    assert [label for label, _ in points] == [w.label for w in weeks]
    assert [v for _, v in points] == [
        summarise(demo_db, w).get("ooh_nc_moves", "site:NGH").value for w in weeks]


def test_weeks_before_a_programme_began_are_left_out(demo_db):
    hist = history(demo_db, parse_week("2026-W47"), 40, programmes={"moves"})
    series = hist.series("ooh_nc_moves")
    assert len(series) == 26 and series[0][0] == "2026-W22"  # the demo began Mon 25 May
    untrimmed = hist.series("ooh_nc_moves", trim=False)
    assert len(untrimmed) == 40 and {v for _, v in untrimmed[:14]} == {0}
    # A rate is trimmed from the same week, so the series line up.
    assert hist.series("night_audit_completeness_pct")[0][0] == "2026-W22"


# --- periods ---------------------------------------------------------------------------------

def test_periods_ending_walks_back_across_years():
    weeks = periods_ending(parse_week("2026-W02"), 4)
    assert [w.label for w in weeks] == ["2025-W51", "2025-W52", "2026-W01", "2026-W02"]
    quarters = periods_ending(parse_quarter("2026/27 Q1"), 3)
    assert [q.label for q in quarters] == ["2025/26 Q3", "2025/26 Q4", "2026/27 Q1"]


@pytest.mark.parametrize("period,expected", [
    (parse_week("2026-W47"), "2026-W47"),
    (parse_month("2026-11"), "2026-W48"),     # Mon 23 - Sun 29 Nov ends inside November
    (parse_month("2026-10"), "2026-W43"),     # 31 Oct is a Saturday: W44 runs into November
    (parse_quarter("2026/27 Q2"), "2026-W39"),  # 30 Sep is a Wednesday
])
def test_anchor_week(period, expected):
    assert anchor_week(period).label == expected


# --- targets ----------------------------------------------------------------------------------

def test_targets_are_settings_and_logged(ref_db):
    set_target(ref_db, "night_audit_completeness_pct", None, "95", "manager")
    set_target(ref_db, "ooh_nc_moves", None, "10", "manager")
    set_target(ref_db, "ooh_nc_moves", "site:NGH", "7", "manager")
    targets = load_targets(ref_db)
    # A rate's target applies to every scope; a count's only where it was set.
    assert target_for(targets, "night_audit_completeness_pct", "site:WCH") == 95
    assert target_for(targets, "ooh_nc_moves", "all") == 10
    assert target_for(targets, "ooh_nc_moves", "site:NGH") == 7
    assert target_for(targets, "ooh_nc_moves", "site:WCH") is None
    log = change_history(ref_db.conn, "setting", "target:ooh_nc_moves:site:NGH")
    assert log[-1]["user"] == "manager" and log[-1]["after"] == {"value": "7"}


def test_a_blank_target_clears_it(ref_db):
    set_target(ref_db, "fft_positive_pct", None, "90%", "manager")
    assert load_targets(ref_db) == {("fft_positive_pct", "all"): 90.0}
    set_target(ref_db, "fft_positive_pct", None, "  ", "manager")
    assert load_targets(ref_db) == {}


def test_bad_targets_are_refused(ref_db):
    with pytest.raises(TargetInvalid, match="not a number"):
        set_target(ref_db, "fft_positive_pct", None, "ninety", "manager")
    with pytest.raises(TargetInvalid, match="no measure"):
        set_target(ref_db, "fft_great_pct", None, "90", "manager")
    assert load_targets(ref_db) == {}


def test_a_chart_goes_back_to_where_the_data_begins(demo_db, fresh_db):
    from casereview.metrics.series import chart_weeks, first_record_day

    assert first_record_day(demo_db) == date(2026, 5, 25)
    assert chart_weeks(demo_db, parse_week("2026-W47")) == 26
    assert chart_weeks(demo_db, parse_week("2026-W47"), most=10) == 10
    assert chart_weeks(demo_db, parse_week("2026-W10")) == 2  # before the data: just two
    assert first_record_day(fresh_db) is None and chart_weeks(fresh_db, parse_week(
        "2026-W47")) == 2
