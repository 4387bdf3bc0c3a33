"""Every rule of SPEC 4.3 for the review model, and its derived flags."""

from __future__ import annotations

import pytest

from casereview.domain.review import (
    OUTCOMES,
    Review,
    more_care_than_needed,
    non_ideal,
    raw_from_row,
    second_stage,
)
from casereview.domain.validation import RecordInvalid, validate
from tests.review_samples import NHS, complete_raw


def problems(raw: dict, ctx) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as caught:
        validate(Review, raw, ctx)
    return caught.value.by_field()


# --- a complete review ----------------------------------------------------------------------

def test_complete_review_is_stored_in_normal_form(ctx):
    review = validate(Review, complete_raw(agencies="acute; asc ;ACUTE"), ctx)
    row = review.to_row()
    assert row["agencies"] == "ACUTE;ASC"
    assert row["reviewers"] == "A. Shah (ACUTE);B. Jones (ASC)"
    assert row["themes"] == "RISK_AVERSE;CARE_AVAILABILITY"
    assert row["review_date"] == "2026-11-20"
    assert row["dementia"] == 1
    assert row["score_transfer"] is None
    assert row["status"] == "complete"


def test_uk_dates_are_accepted(ctx):
    review = validate(Review, complete_raw(review_date="20/11/2026", admission_date="1/9/2026"),
                      ctx)
    assert review.review_date.isoformat() == "2026-11-20"
    assert review.admission_date.isoformat() == "2026-09-01"


@pytest.mark.parametrize("missing", ["admission_date", "ideal_outcome", "actual_outcome",
                                     "score_overall"])
@pytest.mark.parametrize("status", ["complete", "signed_off"])
def test_finishing_needs_each_required_field(ctx, missing, status):
    found = problems(complete_raw(**{missing: "", "status": status}), ctx)
    assert found == {missing: "is required to complete a review"}


@pytest.mark.parametrize("missing", ["review_date", "patient_ref"])
@pytest.mark.parametrize("status", ["draft", "complete"])
def test_review_date_and_patient_are_always_required(ctx, missing, status):
    assert problems(complete_raw(**{missing: "", "status": status}), ctx) == {
        missing: "is required"}


def test_finishing_refuses_with_a_message_per_missing_field(ctx):
    found = problems({"status": "complete", "review_date": "2026-11-20", "patient_ref": NHS},
                     ctx)
    assert set(found) == {"admission_date", "agencies", "reviewers", "ideal_outcome",
                          "actual_outcome", "score_overall"}


def test_at_least_two_agencies_to_complete(ctx):
    found = problems(complete_raw(agencies="ACUTE"), ctx)
    assert "at least 2 agencies" in found["agencies"]
    assert "at least 2 agencies" in problems(complete_raw(agencies="ACUTE;acute"), ctx)[
        "agencies"]


def test_at_least_one_reviewer_to_complete(ctx):
    assert "at least 1 reviewer" in problems(complete_raw(reviewers=" ; "), ctx)["reviewers"]


def test_unknown_agency_and_theme_are_named(ctx):
    found = problems(complete_raw(agencies="ACUTE;POLICE", themes="FOOD"), ctx)
    assert found["agencies"] == "'POLICE' is not a known agency"
    assert found["themes"] == "'FOOD' is not a known theme"


def test_draft_may_leave_out_what_completion_needs(ctx):
    review = validate(Review, {"review_date": "2026-11-20", "patient_ref": NHS,
                               "agencies": "ACUTE"}, ctx)
    assert review.status == "draft"
    assert review.agencies == ["ACUTE"]
    assert review.non_ideal_outcome is None
    assert review.more_care_than_needed is None
    assert review.second_stage is None


def test_draft_values_given_must_still_be_valid(ctx):
    found = problems({"review_date": "2026-11-20", "patient_ref": NHS,
                      "score_overall": "6", "ideal_outcome": "CASTLE"}, ctx)
    assert "not a care score" in found["score_overall"]
    assert "not an outcome" in found["ideal_outcome"]


# --- dates ----------------------------------------------------------------------------------

def test_medically_fit_date_not_before_admission(ctx):
    found = problems(complete_raw(medically_fit_date="2026-08-31"), ctx)
    assert found == {"medically_fit_date":
                     "31 Aug 2026 is before the admission date (1 Sep 2026)"}


def test_discharge_date_not_before_admission(ctx):
    found = problems(complete_raw(discharge_date="2026-08-30", medically_fit_date=""), ctx)
    assert found == {"discharge_date": "30 Aug 2026 is before the admission date (1 Sep 2026)"}


def test_same_day_dates_are_allowed(ctx):
    review = validate(Review, complete_raw(medically_fit_date="2026-09-01",
                                           discharge_date="2026-09-01"), ctx)
    assert review.discharge_date == review.admission_date


def test_blank_discharge_means_still_in_hospital(ctx):
    assert validate(Review, complete_raw(discharge_date=""), ctx).discharge_date is None


def test_no_date_in_the_future(ctx):
    # NOW is 23 Nov 2026
    assert "in the future" in problems(complete_raw(review_date="2026-11-24"), ctx)[
        "review_date"]


def test_no_date_before_2000(ctx):
    assert "before 1 Jan 2000" in problems(complete_raw(admission_date="1999-12-31"), ctx)[
        "admission_date"]


def test_episode_cannot_start_or_end_after_the_review(ctx):
    # admitted 1 Sep, fit 10 Sep, discharged 24 Sep
    assert validate(Review, complete_raw(review_date="2026-09-24"), ctx)
    found = problems(complete_raw(review_date="2026-08-20"), ctx)
    assert found["admission_date"] == "1 Sep 2026 is after the review date (20 Aug 2026)"
    found = problems(complete_raw(review_date="2026-09-20"), ctx)
    assert found == {"discharge_date": "24 Sep 2026 is after the review date (20 Sep 2026)"}


# --- values ---------------------------------------------------------------------------------

def test_patient_ref_nhs_number_is_checked(ctx):
    assert "Modulus 11" in problems(complete_raw(patient_ref="999 000 0019"), ctx)[
        "patient_ref"]
    assert validate(Review, complete_raw(patient_ref="999-000-0018"), ctx).patient_ref == NHS
    assert validate(Review, complete_raw(patient_ref="h123456"), ctx).patient_ref == "H123456"


@pytest.mark.parametrize("value", ["0", "6", "x", "2.5"])
def test_scores_are_one_to_five(ctx, value):
    assert "not a care score" in problems(complete_raw(score_ongoing=value), ctx)[
        "score_ongoing"]
    assert "not a care score" in problems(complete_raw(score_overall=value), ctx)[
        "score_overall"]


@pytest.mark.parametrize("value", ["", "n/a", "NA"])
def test_phase_score_blank_is_not_applicable(ctx, value):
    assert validate(Review, complete_raw(score_transfer=value), ctx).score_transfer is None


@pytest.mark.parametrize("typed,stored", [("yes", "yes"), ("Y", "yes"), ("no", "no"),
                                          ("false", "no"), ("unsure", "unsure"),
                                          ("Not sure", "unsure"), ("", None)])
def test_admission_avoidable_yes_no_unsure(ctx, typed, stored):
    assert validate(Review, complete_raw(admission_avoidable=typed), ctx
                    ).admission_avoidable == stored


def test_admission_avoidable_refuses_other_words(ctx):
    assert problems(complete_raw(admission_avoidable="maybe"), ctx) == {
        "admission_avoidable": "'maybe' is not yes, no or unsure"}


@pytest.mark.parametrize("field", ["avoidable_delay_days", "ward_moves"])
def test_counts_are_whole_numbers_from_zero(ctx, field):
    assert validate(Review, complete_raw(**{field: "0"}), ctx).model_dump()[field] == 0
    assert "below the minimum of 0" in problems(complete_raw(**{field: "-1"}), ctx)[field]
    assert "not a whole number" in problems(complete_raw(**{field: "1.5"}), ctx)[field]


def test_age_and_dementia(ctx):
    assert "above the maximum of 120" in problems(complete_raw(age="121"), ctx)["age"]
    assert validate(Review, complete_raw(dementia=""), ctx).dementia is None
    assert "not yes or no" in problems(complete_raw(dementia="perhaps"), ctx)["dementia"]


def test_outcome_codes_any_case(ctx):
    assert validate(Review, complete_raw(ideal_outcome="home support"), ctx
                    ).ideal_outcome == "HOME_SUPPORT"


def test_status_words(ctx):
    assert validate(Review, complete_raw(status="Signed off"), ctx).status == "signed_off"
    assert problems(complete_raw(status="final"), ctx) == {
        "status": "'final' is not a status: use draft, complete or signed_off"}


def test_derived_flags_cannot_be_given(ctx):
    assert "cannot be given" in problems(complete_raw(second_stage=True), ctx)["second_stage"]


def test_raw_round_trip(ctx):
    review = validate(Review, complete_raw(), ctx)
    again = validate(Review, raw_from_row(review.to_row()), ctx)
    assert again == review


# --- derived flags --------------------------------------------------------------------------

def test_intensities_are_the_spec_table():
    assert {code: level for code, (_, level) in OUTCOMES.items()} == {
        "HOME": 0, "HOME_SUPPORT": 1, "INTERMEDIATE": 2, "RESIDENTIAL": 3, "NURSING": 4,
        "HOSPITAL": 5, "HOSPICE": None, "OTHER": None}


@pytest.mark.parametrize("ideal,actual,non,more", [
    ("HOME", "HOME", False, False),
    ("HOME", "HOME_SUPPORT", True, True),
    ("HOME_SUPPORT", "NURSING", True, True),
    ("RESIDENTIAL", "NURSING", True, True),       # 3 -> 4
    ("NURSING", "RESIDENTIAL", True, False),      # less care than needed
    ("INTERMEDIATE", "HOSPITAL", True, True),
    ("HOSPICE", "HOSPITAL", True, False),         # ideal intensity unknown
    ("HOME", "HOSPICE", True, False),             # actual intensity unknown
    ("OTHER", "OTHER", False, False),
    ("HOSPICE", "OTHER", True, False),
])
def test_non_ideal_and_more_care(ctx, ideal, actual, non, more):
    assert non_ideal(ideal, actual) is non
    assert more_care_than_needed(ideal, actual) is more
    review = validate(Review, complete_raw(ideal_outcome=ideal, actual_outcome=actual), ctx)
    assert (review.non_ideal_outcome, review.more_care_than_needed) == (non, more)
    row = review.to_row()
    assert (row["non_ideal_outcome"], row["more_care_than_needed"]) == (int(non), int(more))


@pytest.mark.parametrize("overall,phases,expected", [
    (3, [3, 4, 3, 2, None], False),
    (2, [3, 4, 3, 3, None], True),     # overall <= 2
    (1, [None] * 5, True),
    (3, [3, 1, 3, 3, 3], True),        # a phase score of 1
    (5, [None, None, None, None, 1], True),
    (3, [2, 2, 2, 2, 2], False),       # phase 2s are not enough
    (None, [3, 3, None, None, None], None),  # draft: not known yet
    (None, [3, 1, None, None, None], True),  # ... unless a phase is 1
])
def test_second_stage(overall, phases, expected):
    assert second_stage(overall, phases) is expected


def test_second_stage_from_the_model(ctx):
    review = validate(Review, complete_raw(score_overall="4", score_transfer="1"), ctx)
    assert review.second_stage is True
    assert review.to_row()["second_stage"] == 1
    review = validate(Review, complete_raw(score_overall="3"), ctx)
    assert review.second_stage is False
