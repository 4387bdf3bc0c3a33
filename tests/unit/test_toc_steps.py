"""Step evaluation against the policy timeline (SPEC 4.4): due dates, required, on time,
late, missing, not required, and the boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.toc import (
    DEFAULT_POLICY,
    Adherence,
    Policy,
    PolicyInvalid,
    StepRule,
    StepStatus,
    adherence_of,
    dates_typed,
    derived_columns,
    evaluate,
    step_status,
)

ADMITTED = date(2026, 10, 1)
FIT = date(2026, 10, 10)


def dates(**given) -> dict:
    base = {"admission_date": ADMITTED, "medically_fit_date": FIT, "discharge_date": None,
            "letter1_date": None, "choice_discussion_date": None, "letter2_date": None,
            "escalation_date": None, "letter3_date": None}
    base.update(given)
    return base


def by_step(results):
    return {r.step: r for r in results}


def test_default_policy_is_the_spec_timeline():
    assert [(r.step, r.anchor, r.days) for r in DEFAULT_POLICY.rules] == [
        ("letter1", "admission_date", 2),
        ("letter2", "medically_fit_date", 2),
        ("escalation", "medically_fit_date", 7),
        ("letter3", "medically_fit_date", 14),
    ]


def test_due_dates_are_anchor_plus_days():
    steps = by_step(evaluate(DEFAULT_POLICY, dates()))
    assert steps["letter1"].due_date == date(2026, 10, 3)
    assert steps["letter2"].due_date == date(2026, 10, 12)
    assert steps["escalation"].due_date == date(2026, 10, 17)
    assert steps["letter3"].due_date == date(2026, 10, 24)


def test_due_dates_cross_month_and_year_ends():
    steps = by_step(evaluate(DEFAULT_POLICY, dates(admission_date=date(2026, 12, 30),
                                                   medically_fit_date=date(2026, 12, 25))))
    assert steps["letter1"].due_date == date(2027, 1, 1)
    assert steps["letter3"].due_date == date(2027, 1, 8)


# --- the four statuses and the boundaries ---------------------------------------------------

DUE = date(2026, 10, 12)  # letter2: fit 10 Oct + 2 days


def test_dated_on_the_due_day_is_on_time():
    assert step_status(DUE, DUE, None) is StepStatus.ON_TIME


def test_dated_before_the_due_day_is_on_time():
    assert step_status(DUE, date(2026, 10, 10), None) is StepStatus.ON_TIME


def test_dated_the_day_after_the_due_day_is_late():
    assert step_status(DUE, date(2026, 10, 13), None) is StepStatus.LATE


def test_blank_while_still_in_hospital_is_missing():
    assert step_status(DUE, None, None) is StepStatus.MISSING


def test_discharged_on_the_due_day_means_not_required():
    assert step_status(DUE, None, DUE) is StepStatus.NOT_REQUIRED
    # even if the step was done (late or not): it is left out of every denominator
    assert step_status(DUE, date(2026, 10, 11), DUE) is StepStatus.NOT_REQUIRED


def test_discharged_before_the_due_day_means_not_required():
    assert step_status(DUE, None, date(2026, 10, 11)) is StepStatus.NOT_REQUIRED


def test_discharged_the_day_after_the_due_day_means_required():
    assert step_status(DUE, None, date(2026, 10, 13)) is StepStatus.MISSING
    assert step_status(DUE, DUE, date(2026, 10, 13)) is StepStatus.ON_TIME
    assert step_status(DUE, date(2026, 10, 13), date(2026, 10, 13)) is StepStatus.LATE


def test_a_whole_audit_mixes_statuses():
    results = by_step(evaluate(DEFAULT_POLICY, dates(
        letter1_date=date(2026, 10, 3),      # due 3 Oct: on time
        letter2_date=date(2026, 10, 13),     # due 12 Oct: late
        escalation_date=None,                # due 17 Oct: missing
        discharge_date=date(2026, 10, 24),   # letter3 due 24 Oct: not required
    )))
    assert results["letter1"].status is StepStatus.ON_TIME
    assert results["letter2"].status is StepStatus.LATE
    assert results["escalation"].status is StepStatus.MISSING
    assert results["letter3"].status is StepStatus.NOT_REQUIRED
    assert [r.required for r in results.values()] == [True, True, True, False]


def test_unknown_anchor_leaves_due_date_and_status_unknown():
    results = by_step(evaluate(DEFAULT_POLICY, dates(medically_fit_date=None)))
    assert results["letter1"].status is StepStatus.MISSING
    assert results["letter2"].due_date is None and results["letter2"].status is None
    assert not results["letter2"].required


# --- adherence and the stored evaluation ------------------------------------------------------

def test_full_adherence_needs_every_required_step_on_time():
    on_time = dates(letter1_date=date(2026, 10, 2), letter2_date=date(2026, 10, 12),
                    escalation_date=date(2026, 10, 17), discharge_date=date(2026, 10, 20))
    assert adherence_of(evaluate(DEFAULT_POLICY, on_time)) is Adherence.FULL
    one_late = dict(on_time, escalation_date=date(2026, 10, 18))
    assert adherence_of(evaluate(DEFAULT_POLICY, one_late)) is Adherence.NOT_FULL
    one_missing = dict(on_time, letter1_date=None)
    assert adherence_of(evaluate(DEFAULT_POLICY, one_missing)) is Adherence.NOT_FULL


def test_discharged_before_any_step_is_due_requires_nothing():
    quick = dates(medically_fit_date=ADMITTED, discharge_date=date(2026, 10, 2))
    assert adherence_of(evaluate(DEFAULT_POLICY, quick)) is Adherence.NONE_REQUIRED


def test_derived_columns():
    row = derived_columns(evaluate(DEFAULT_POLICY, dates(
        letter1_date=date(2026, 10, 3), letter2_date=date(2026, 10, 13),
        discharge_date=date(2026, 10, 24))), 7)
    assert row == {
        "policy_id": 7,
        "letter1_due": "2026-10-03", "letter1_status": "on_time",
        "choice_discussion_due": None, "choice_discussion_status": None,
        "letter2_due": "2026-10-12", "letter2_status": "late",
        "escalation_due": "2026-10-17", "escalation_status": "missing",
        "letter3_due": "2026-10-24", "letter3_status": "not_required",
        "required_steps": 3, "on_time_steps": 1, "adherence": "not_full",
    }


# --- the policy timeline --------------------------------------------------------------------

def test_a_policy_can_time_the_choice_discussion_and_change_days():
    policy = Policy((StepRule("letter2", "medically_fit_date", 1),
                     StepRule("choice_discussion", "admission_date", 5)))
    assert [r.step for r in policy.rules] == ["choice_discussion", "letter2"]
    steps = by_step(evaluate(policy, dates(choice_discussion_date=date(2026, 10, 7))))
    assert steps["choice_discussion"].due_date == date(2026, 10, 6)
    assert steps["choice_discussion"].status is StepStatus.LATE
    assert steps["letter2"].due_date == date(2026, 10, 11)


def test_policy_round_trips_through_json():
    assert Policy.from_json(DEFAULT_POLICY.to_json()) == DEFAULT_POLICY


@pytest.mark.parametrize("rules, message", [
    ((), "at least one step"),
    ((StepRule("letter9", "admission_date", 2),), "not a step"),
    ((StepRule("letter1", "discharge_date", 2),), "not an anchor"),
    ((StepRule("letter1", "admission_date", -1),), "days must be"),
    ((StepRule("letter1", "admission_date", 366),), "days must be"),
    ((StepRule("letter1", "admission_date", 1), StepRule("letter1", "admission_date", 2)),
     "appears twice"),
])
def test_invalid_policies(rules, message):
    with pytest.raises(PolicyInvalid, match=message):
        Policy(rules)


def test_dates_typed_reads_what_it_can():
    typed = dates_typed({"admission_date": "01/10/2026", "medically_fit_date": "2026-10-1",
                         "letter2_date": "2026-10-12", "discharge_date": "2027-01-01"},
                        today=date(2026, 11, 23))
    assert typed["admission_date"] == ADMITTED
    assert typed["medically_fit_date"] is None   # half typed
    assert typed["letter2_date"] == date(2026, 10, 12)
    assert typed["discharge_date"] is None       # in the future
    assert typed["letter1_date"] is None
