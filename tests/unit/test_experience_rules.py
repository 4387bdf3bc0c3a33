"""Every rule of the patient-experience sample (SPEC 4.5)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.domain.experience import (
    DIGNITY,
    DISCHARGE_INFO,
    FFT,
    INVOLVED,
    MOVED_AT_NIGHT,
    Experience,
    parse_answer,
    parse_weekly_target,
)
from casereview.domain.validation import RecordInvalid, validate
from casereview.storage.context import load_context
from casereview.storage.reference import save_theme

SYNTHETIC_NHS = "9990000018"  # passes Modulus 11, in the synthetic range


def sample(**changes) -> dict:
    raw = {"sample_date": "2026-11-20", "site_code": "NGH", "ward_code": "A1",
           "collected_by": "P. Green (volunteer)", "fft": "VERY_GOOD"}
    raw.update(changes)
    return raw


def problems(ctx, **changes) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as caught:
        validate(Experience, sample(**changes), ctx)
    return caught.value.by_field()


def test_a_minimal_sample_is_valid(ctx):
    record = validate(Experience, sample(), ctx)
    assert record.sample_date == date(2026, 11, 20)
    assert record.fft == "VERY_GOOD"
    assert record.themes == []
    assert record.dignity is None and record.patient_ref is None
    row = record.to_row()
    assert row["sample_date"] == "2026-11-20"
    assert row["themes"] == ""
    assert row["proxy"] is None


def test_every_field_round_trips_to_the_stored_row(ctx):
    record = validate(Experience, sample(
        sample_date="20/11/2026", site_code="ngh", ward_code=" a2 ", patient_ref="999 000 0018",
        age="84", dementia="y", proxy="yes", fft="dont_know", dignity="sometimes",
        involved="some extent", moved_at_night="Don't know", discharge_info="not-yet",
        themes="noise_at_night; FOOD", comment="  Too noisy at night.  "), ctx)
    assert record.to_row() == {
        "sample_date": "2026-11-20", "site_code": "NGH", "ward_code": "A2",
        "collected_by": "P. Green (volunteer)", "patient_ref": SYNTHETIC_NHS, "age": 84,
        "dementia": 1, "proxy": 1, "fft": "DONT_KNOW", "dignity": "SOMETIMES",
        "involved": "SOME_EXTENT", "moved_at_night": "DONT_KNOW", "discharge_info": "NOT_YET",
        "themes": "NOISE_AT_NIGHT;FOOD", "comment": "Too noisy at night.",
    }


@pytest.mark.parametrize("field", ["sample_date", "site_code", "ward_code", "collected_by",
                                   "fft"])
@pytest.mark.parametrize("empty", ["", "   ", None])
def test_required_fields(ctx, field, empty):
    assert problems(ctx, **{field: empty})[field] == "is required"


def test_missing_required_fields_are_each_named(ctx):
    with pytest.raises(RecordInvalid) as caught:
        validate(Experience, {}, ctx)
    assert set(caught.value.by_field()) == {"sample_date", "site_code", "ward_code",
                                            "collected_by", "fft"}


def test_sample_date_may_not_be_in_the_future(ctx):
    # NOW is Mon 23 Nov 2026 09:00: today is fine, tomorrow is not.
    assert validate(Experience, sample(sample_date="2026-11-23"), ctx).sample_date == date(
        2026, 11, 23)
    assert "future" in problems(ctx, sample_date="2026-11-24")["sample_date"]


def test_sample_date_before_2000_and_nonsense_are_refused(ctx):
    assert "before 1 Jan 2000" in problems(ctx, sample_date="1999-12-31")["sample_date"]
    assert "not a date" in problems(ctx, sample_date="last Tuesday")["sample_date"]
    assert "not a real calendar date" in problems(ctx, sample_date="31/11/2026")["sample_date"]


def test_site_must_be_known(ctx):
    assert problems(ctx, site_code="XYZ")["site_code"] == "'XYZ' is not a known site"


def test_ward_must_be_known(ctx):
    assert problems(ctx, ward_code="Z9")["ward_code"] == "'Z9' is not a known ward"


def test_ward_must_be_on_the_site(ctx):
    assert problems(ctx, ward_code="B1")["ward_code"] == "ward B1 is on site WCH, not on NGH"


def test_a_ward_that_is_not_older_adult_may_still_be_sampled(ctx):
    # SPEC 4.5 asks only for a ward on the site; the target applies to older-adult wards.
    assert validate(Experience, sample(ward_code="A3"), ctx).ward_code == "A3"


@pytest.mark.parametrize("field, answers, required", [
    ("fft", FFT, True), ("dignity", DIGNITY, False), ("involved", INVOLVED, False),
    ("moved_at_night", MOVED_AT_NIGHT, False), ("discharge_info", DISCHARGE_INFO, False),
])
def test_coded_answers_take_exactly_their_codes(ctx, field, answers, required):
    for code in answers:
        assert getattr(validate(Experience, sample(**{field: code}), ctx), field) == code
        assert getattr(validate(Experience, sample(**{field: code.lower()}), ctx), field) == code
    message = problems(ctx, **{field: "MAYBE"})[field]
    assert message.startswith(f"'MAYBE' is not one of {', '.join(answers)} (or the form's "
                              "keys: ")
    if not required:
        assert getattr(validate(Experience, sample(**{field: ""}), ctx), field) is None


def test_the_spec_code_lists():
    assert list(FFT) == ["VERY_GOOD", "GOOD", "NEITHER", "POOR", "VERY_POOR", "DONT_KNOW"]
    assert list(DIGNITY) == ["ALWAYS", "SOMETIMES", "NO"]
    assert list(INVOLVED) == ["DEFINITELY", "SOME_EXTENT", "NO", "NOT_APPLICABLE"]
    assert list(MOVED_AT_NIGHT) == ["YES", "NO", "DONT_KNOW"]
    assert list(DISCHARGE_INFO) == ["YES", "NO", "NOT_YET", "NOT_APPLICABLE"]


@pytest.mark.parametrize("text", ["EXCELLENT", "5", "yes", "GOOD!", "NOT", "VERYGOOD"])
def test_answers_are_not_guessed(text):
    with pytest.raises(ValueError):
        parse_answer(text, FFT)


@given(st.text(max_size=20))
def test_parse_answer_returns_a_code_or_refuses(text):
    try:
        code = parse_answer(text, FFT)
    except ValueError as exc:
        assert "is not one of" in str(exc)
    else:
        assert code in FFT


def test_answers_in_other_questions_lists_are_refused(ctx):
    # NOT_YET belongs to discharge_info only; ALWAYS to dignity only.
    assert "is not one of" in problems(ctx, involved="NOT_YET")["involved"]
    assert "is not one of" in problems(ctx, fft="ALWAYS")["fft"]
    assert "is not one of" in problems(ctx, dignity="NOT_APPLICABLE")["dignity"]
    assert "is not one of" in problems(ctx, moved_at_night="NOT_APPLICABLE")["moved_at_night"]


def test_themes_come_from_the_experience_theme_list(ctx):
    record = validate(Experience, sample(themes="STAFF_ATTITUDE;WAITING;staff_attitude"), ctx)
    assert record.themes == ["STAFF_ATTITUDE", "WAITING"]
    # GOOD_PRACTICE is a review theme, not an experience theme.
    message = problems(ctx, themes="WAITING;GOOD_PRACTICE;PARKING")["themes"]
    assert message.startswith("'GOOD_PRACTICE', 'PARKING' are not known themes")
    assert "NOISE_AT_NIGHT" in message


def test_the_theme_list_is_editable(ref_db, ctx):
    assert "is not a known theme" in problems(ctx, themes="PARKING")["themes"]
    save_theme(ref_db, "experience_theme", "PARKING", "car parking", "tester")
    fresh = load_context(ref_db, ctx.now)
    assert validate(Experience, sample(themes="PARKING"), fresh).themes == ["PARKING"]


def test_patient_ref_is_optional_and_checked(ctx):
    assert validate(Experience, sample(patient_ref=""), ctx).patient_ref is None
    assert validate(Experience, sample(patient_ref="rx12345"), ctx).patient_ref == "RX12345"
    assert "Modulus 11" in problems(ctx, patient_ref="9990000019")["patient_ref"]


def test_age_dementia_and_proxy(ctx):
    record = validate(Experience, sample(age="", dementia="", proxy=""), ctx)
    assert (record.age, record.dementia, record.proxy) == (None, None, None)
    record = validate(Experience, sample(age="0", dementia="N", proxy="false"), ctx)
    assert (record.age, record.dementia, record.proxy) == (0, False, False)
    assert "above the maximum" in problems(ctx, age="121")["age"]
    assert "not a whole number" in problems(ctx, age="eighty")["age"]
    assert "not yes or no" in problems(ctx, proxy="carer")["proxy"]
    assert "not yes or no" in problems(ctx, dementia="maybe")["dementia"]


def test_unknown_fields_are_refused(ctx):
    assert "ward" in problems(ctx, ward="A1")


def test_several_problems_are_reported_together(ctx):
    found = problems(ctx, sample_date="2030-01-01", fft="GREAT", age="200")
    assert set(found) == {"sample_date", "fft", "age"}


@pytest.mark.parametrize("text, expected", [("5", 5), (" 3 ", 3), ("1", 1)])
def test_weekly_target_setting(text, expected):
    assert parse_weekly_target(text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "five", "", "2.5"])
def test_weekly_target_must_be_a_positive_whole_number(text):
    with pytest.raises(ValueError):
        parse_weekly_target(text)
