"""SPEC rules read at their edges, where an off-by-one would hide: suppression of 1-7 against
0 and 8 (7.2), the lock-out after five failures for exactly fifteen minutes (8), programme
targets on their first and last days (4.7) and actions closed or rated on a period's first
and last days (4.6, 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casereview.domain.programme_target import ProgrammeTarget, progress_of
from casereview.domain.validation import validate
from casereview.io.disclosure import SUPPRESSED, suppress_row
from casereview.metrics.actions import compute_at
from casereview.metrics.periods import parse_week
from casereview.metrics.programme_targets import targets_with_progress
from casereview.storage.actions import save_target
from casereview.storage.reference import load_reference
from casereview.storage.users import SignInRefused, add_account, get_account, sign_in
from tests.unit.action_samples import note
from tests.unit.action_samples import store as store_action
from tests.unit.toc_samples import store as store_toc

# --- 7.2 suppression: 1-7 hidden, 0 and 8 shown ----------------------------------------------


def _row(measure, value, numerator, denominator):
    return {"measure": measure, "scope": "all", "value": value, "numerator": numerator,
            "denominator": denominator}


@pytest.mark.parametrize("n, hidden", [(0, False), (1, True), (7, True), (8, False)])
def test_a_count_of_people_is_hidden_from_1_to_7(n, hidden):
    out = suppress_row(_row("ooh_nc_moves", n, n, None))
    assert (out["value"] == SUPPRESSED) is hidden and (out["numerator"] == SUPPRESSED) is hidden
    if not hidden:
        assert out["value"] == n


@pytest.mark.parametrize("denominator, hidden", [(1, True), (7, True), (8, False)])
def test_a_rate_on_a_small_denominator_is_hidden_but_its_zero_numerator_stays(denominator,
                                                                               hidden):
    out = suppress_row(_row("fft_positive_pct", 0.0, 0, denominator))
    assert out["numerator"] == 0
    assert (out["denominator"] == SUPPRESSED) is hidden
    assert (out["value"] == SUPPRESSED) is hidden


def test_a_rate_over_nothing_stays_null_and_zero():
    out = suppress_row(_row("fft_positive_pct", None, 0, 0))
    assert (out["value"], out["numerator"], out["denominator"]) == (None, 0, 0)


def test_a_sum_of_days_is_not_a_count_of_people():
    # 20 reviews with 5 avoidable days between them: the reviews are people, the days are not.
    out = suppress_row(_row("avoidable_delay_days_mean", 0.25, 5, 20))
    assert (out["value"], out["numerator"], out["denominator"]) == (0.25, 5, 20)
    # 5 reviews are few people: the mean is hidden.
    assert suppress_row(_row("avoidable_delay_days_mean", 4.0, 20, 5))["value"] == SUPPRESSED


@pytest.mark.parametrize("nights", [1, 7])
def test_nights_are_shown_at_every_size(nights):
    out = suppress_row(_row("night_audit_completeness_pct", 100.0, nights, nights))
    assert (out["value"], out["numerator"], out["denominator"]) == (100.0, nights, nights)
    out = suppress_row(_row("ooh_nc_moves_per_night", 0.0, 0, nights))
    assert (out["value"], out["numerator"], out["denominator"]) == (0.0, 0, nights)


# --- 8 lock-out: five in a row, fifteen minutes -----------------------------------------------

PW = "correct-horse-battery"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def account(ref_db):
    add_account(ref_db, "ann", "admin", PW, by=None, installer="root")
    return ref_db


def _fail(db, times, at):
    for _ in range(times):
        with pytest.raises(SignInRefused):
            sign_in(db, "ann", "wrong-password", now=at)


def test_four_failures_do_not_lock(account):
    _fail(account, 4, T0)
    assert get_account(account, "ann").locked_until is None
    assert sign_in(account, "ann", PW, now=T0).user == "ann"


def test_the_lock_lasts_exactly_fifteen_minutes_from_the_fifth_failure(account):
    _fail(account, 5, T0)
    with pytest.raises(SignInRefused, match="is locked"):
        sign_in(account, "ann", PW, now=T0 + timedelta(minutes=15) - timedelta(seconds=1))
    assert sign_in(account, "ann", PW, now=T0 + timedelta(minutes=15)).user == "ann"


def test_failures_while_locked_do_not_extend_the_lock(account):
    _fail(account, 5, T0)
    _fail(account, 3, T0 + timedelta(minutes=10))
    assert sign_in(account, "ann", PW, now=T0 + timedelta(minutes=15)).user == "ann"


def test_after_a_lock_runs_out_the_count_starts_again(account):
    _fail(account, 5, T0)
    later = T0 + timedelta(minutes=20)
    _fail(account, 4, later)  # four new failures: not locked yet
    assert sign_in(account, "ann", PW, now=later).user == "ann"


# --- 4.7 programme targets on their first and last days ----------------------------------------

def _target(ctx, count=3, start="2026-11-01", end="2026-11-30"):
    return validate(ProgrammeTarget, {"programme": "toc", "scope": "all", "start_date": start,
                                      "end_date": end, "target_count": count}, ctx)


def test_records_on_the_first_and_last_days_count_and_those_outside_do_not(ref_db, ctx):
    save_target(ref_db, _target(ctx, count=21, start="2026-10-31", end="2026-11-20"), "lead")
    for day in ("2026-10-30", "2026-10-31", "2026-11-20", "2026-11-21"):
        store_toc(ref_db, ctx, audit_date=day, notes=day)
    [stored] = targets_with_progress(ref_db.conn, date(2026, 11, 23))
    assert stored.progress.done == 2
    assert stored.progress.expected == 21 and stored.progress.behind
    [first_day] = targets_with_progress(ref_db.conn, date(2026, 10, 31))
    assert first_day.progress.done == 1
    assert first_day.progress.expected == pytest.approx(1) and not first_day.progress.behind


def test_exactly_the_expected_number_is_not_behind(ctx):
    t = _target(ctx, count=30)
    on_day_ten = progress_of(t, 10, date(2026, 11, 10))
    assert on_day_ten.expected == pytest.approx(10)
    assert not on_day_ten.behind and on_day_ten.shortfall == 0
    assert progress_of(t, 9, date(2026, 11, 10)).behind
    # On the last day the whole target is expected; the day before the start, nothing.
    assert progress_of(t, 29, date(2026, 11, 30)).behind
    assert progress_of(t, 0, date(2026, 10, 31)).expected == 0
    assert not progress_of(t, 0, date(2026, 10, 31)).behind


# --- 4.6 / 6 actions closed or rated on a period's first and last days --------------------------

def _figures(db, label, as_of=date(2026, 12, 31)):
    [rows] = compute_at(db.conn, [parse_week(label)], load_reference(db), as_of)
    return {(r.measure if r.scope == "all" else r.scope): r.value for r in rows}


def test_done_on_a_weeks_first_day_counts_in_that_week_only(ref_db, ctx):
    # W47 is Mon 16 - Sun 22 Nov 2026.
    store_action(ref_db, ctx, title="A", raised_on="2026-11-01", due_date="2026-11-30",
                 status="DONE", closed_on="2026-11-16")
    assert _figures(ref_db, "2026-W46")["actions_closed"] == 0
    assert _figures(ref_db, "2026-W46")["actions_open"] == 1
    w47 = _figures(ref_db, "2026-W47")
    assert w47["actions_closed"] == 1 and w47["actions_open"] == 0


def test_a_rating_dated_the_day_after_the_end_is_not_read(ref_db, ctx):
    a = store_action(ref_db, ctx, title="A", raised_on="2026-11-01", due_date="2026-12-30",
                     rag="GREEN")
    note(ref_db, ctx, a, "2026-11-23", "slipping", rag="RED")
    w47 = _figures(ref_db, "2026-W47")
    assert (w47["rag:GREEN"], w47["rag:RED"]) == (1, 0)
    w48 = _figures(ref_db, "2026-W48")
    assert (w48["rag:GREEN"], w48["rag:RED"]) == (0, 1)


def test_due_on_the_first_day_after_the_end_is_not_overdue(ref_db, ctx):
    store_action(ref_db, ctx, title="A", raised_on="2026-11-01", due_date="2026-11-23")
    store_action(ref_db, ctx, title="B", raised_on="2026-11-01", due_date="2026-11-21")
    assert _figures(ref_db, "2026-W47")["actions_overdue"] == 1


def test_a_reviews_target_counts_finished_live_reviews_only(ref_db, ctx):
    from casereview.domain.review import Review
    from casereview.storage.records import soft_delete
    from casereview.storage.reviews import save_review
    from tests.review_samples import complete_raw

    save_target(ref_db, validate(ProgrammeTarget, {
        "programme": "reviews", "scope": "all", "start_date": "2026-11-01",
        "end_date": "2026-11-30", "target_count": 30}, ctx), "lead")

    def review(**changes):
        return save_review(ref_db, validate(Review, complete_raw(**changes), ctx), "lead")

    review()
    review(status="draft")
    gone = review()
    soft_delete(ref_db, "review", gone, "lead")
    [stored] = targets_with_progress(ref_db.conn, date(2026, 11, 22))
    assert stored.progress.done == 1


def test_a_ward_target_counts_that_wards_samples_only(ref_db, ctx):
    from casereview.domain.experience import Experience
    from casereview.storage.experience import save_experience

    save_target(ref_db, validate(ProgrammeTarget, {
        "programme": "experience", "scope": "ward:A1", "start_date": "2026-11-16",
        "end_date": "2026-11-22", "target_count": 5}, ctx), "lead")
    for ward, site in (("A1", "NGH"), ("A1", "NGH"), ("B1", "WCH")):
        save_experience(ref_db, validate(Experience, {
            "sample_date": "2026-11-18", "site_code": site, "ward_code": ward,
            "collected_by": "V. Lee", "fft": "GOOD"}, ctx), "tester")
    [stored] = targets_with_progress(ref_db.conn, date(2026, 11, 22))
    assert stored.progress.done == 2 and stored.progress.expected == 5
    assert stored.progress.behind and stored.progress.shortfall == 3


# --- 4.6 / 4.7 validation at equality ----------------------------------------------------------

def test_an_action_may_fall_due_and_close_on_the_day_it_was_raised(ctx):
    from tests.unit.action_samples import make

    action = make(ctx, raised_on="2026-11-23", due_date="2026-11-23", status="DONE",
                  closed_on="2026-11-23")
    assert action.due_date == action.closed_on == action.raised_on == date(2026, 11, 23)


def test_a_one_day_target_of_one(ctx):
    t = _target(ctx, count=1, start="2026-11-20", end="2026-11-20")
    assert progress_of(t, 0, date(2026, 11, 20)).expected == 1
    assert progress_of(t, 0, date(2026, 11, 19)).expected == 0
    assert not progress_of(t, 1, date(2026, 11, 20)).behind
