"""Every rule of the Transfer of Care audit record (SPEC 4.4)."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.toc import OUTCOMES, Toc
from casereview.domain.validation import RecordInvalid, validate

GOOD = {
    "audit_date": "2026-11-20", "auditor": "K. Mensah", "site_code": "NGH", "ward_code": "A1",
    "patient_ref": "999 000 0026", "admission_date": "2026-10-01",
    "medically_fit_date": "2026-10-10", "letter1_date": "2026-10-02",
    "choice_discussion_date": "2026-10-11", "letter2_date": "2026-10-12",
    "escalation_date": "2026-10-17", "letter3_date": "2026-10-24", "interim_offered": "yes",
    "discharge_date": "2026-10-30", "outcome": "PREFERRED", "notes": "",
}


def problems(ctx, **changes) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as caught:
        validate(Toc, {**GOOD, **changes}, ctx)
    return caught.value.by_field()


def test_a_complete_audit_is_accepted_and_stored_as_iso(ctx):
    toc = validate(Toc, GOOD, ctx)
    row = toc.to_row()
    assert row["audit_date"] == "2026-11-20"
    assert row["patient_ref"] == "9990000026"
    assert row["interim_offered"] == 1
    assert row["notes"] is None
    assert row["outcome"] == "PREFERRED"


def test_uk_dates_are_accepted(ctx):
    toc = validate(Toc, {**GOOD, "admission_date": "01/10/2026", "letter2_date": "12/10/2026"},
                   ctx)
    assert toc.admission_date == date(2026, 10, 1)
    assert toc.letter2_date == date(2026, 10, 12)


def test_only_required_fields(ctx):
    minimal = {k: GOOD[k] for k in ("audit_date", "auditor", "site_code", "ward_code",
                                    "patient_ref", "admission_date", "medically_fit_date")}
    toc = validate(Toc, {**minimal, "outcome": "STILL_IN_HOSPITAL"}, ctx)
    assert toc.letter1_date is None and toc.discharge_date is None
    assert toc.interim_offered is None


@pytest.mark.parametrize("name", ["audit_date", "auditor", "site_code", "ward_code",
                                  "patient_ref", "admission_date", "medically_fit_date",
                                  "outcome"])
def test_required_fields(ctx, name):
    assert problems(ctx, **{name: "  "})[name] == "is required"


def test_missing_key_is_required(ctx):
    data = dict(GOOD)
    del data["outcome"]
    with pytest.raises(RecordInvalid) as caught:
        validate(Toc, data, ctx)
    assert caught.value.by_field()["outcome"] == "is required"


def test_unknown_site_and_ward(ctx):
    assert "not a known site" in problems(ctx, site_code="XYZ")["site_code"]
    assert "not a known ward" in problems(ctx, ward_code="Z9")["ward_code"]


def test_ward_must_belong_to_the_site(ctx):
    assert "is on site WCH, not on NGH" in problems(ctx, ward_code="B1")["ward_code"]


def test_patient_ref_must_pass_modulus_11(ctx):
    assert "Modulus 11" in problems(ctx, patient_ref="9990000027")["patient_ref"]


def test_local_hospital_number_is_accepted(ctx):
    assert validate(Toc, {**GOOD, "patient_ref": "rx12345"}, ctx).patient_ref == "RX12345"


def test_audit_date_cannot_be_in_the_future(ctx):
    # NOW is 23 Nov 2026
    assert "in the future" in problems(ctx, audit_date="2026-11-24")["audit_date"]
    validate(Toc, {**GOOD, "audit_date": "2026-11-23"}, ctx)


def test_dates_before_2000_are_errors(ctx):
    assert "before 1 Jan 2000" in problems(ctx, admission_date="1999-12-31")["admission_date"]


def test_medically_fit_on_admission_day_is_allowed(ctx):
    validate(Toc, {**GOOD, "medically_fit_date": "2026-10-01", "letter1_date": "2026-10-01"},
             ctx)


def test_medically_fit_before_admission_is_an_error(ctx):
    msg = problems(ctx, medically_fit_date="2026-09-30")["medically_fit_date"]
    assert "before the admission date (1 Oct 2026)" in msg


def test_admission_and_fit_cannot_follow_the_audit_date(ctx):
    assert "after the audit date" in problems(
        ctx, audit_date="2026-10-05", medically_fit_date="2026-10-06", letter1_date="",
        choice_discussion_date="", letter2_date="", escalation_date="", letter3_date="",
        discharge_date="")["medically_fit_date"]
    assert "after the audit date" in problems(
        ctx, audit_date="2026-09-30")["admission_date"]


STEP_AND_DISCHARGE = ["letter1_date", "choice_discussion_date", "letter2_date",
                      "escalation_date", "letter3_date", "discharge_date"]


@pytest.mark.parametrize("name", STEP_AND_DISCHARGE)
def test_no_step_date_nor_discharge_before_admission(ctx, name):
    msg = problems(ctx, **{name: "2026-09-30"})[name]
    assert msg == "30 Sep 2026 is before the admission date (1 Oct 2026)"


@pytest.mark.parametrize("name", STEP_AND_DISCHARGE)
def test_no_step_date_nor_discharge_after_audit_date(ctx, name):
    msg = problems(ctx, audit_date="2026-11-01", **{name: "2026-11-02"})[name]
    assert msg == "2 Nov 2026 is after the audit date (1 Nov 2026)"


@pytest.mark.parametrize("name", STEP_AND_DISCHARGE)
def test_step_dates_on_admission_day_and_on_audit_day_are_allowed(ctx, name):
    validate(Toc, {**GOOD, name: "2026-10-01"}, ctx)
    validate(Toc, {**GOOD, "audit_date": "2026-11-01", name: "2026-11-01",
                   "discharge_date": "2026-11-01"}, ctx)


@pytest.mark.parametrize("name", STEP_AND_DISCHARGE)
def test_step_dates_must_be_real_dates(ctx, name):
    assert "not a date" in problems(ctx, **{name: "soon"})[name]


@pytest.mark.parametrize("code", list(OUTCOMES))
def test_every_outcome_code_is_accepted(ctx, code):
    discharge = "" if code == "STILL_IN_HOSPITAL" else GOOD["discharge_date"]
    toc = validate(Toc, {**GOOD, "outcome": code.lower(), "discharge_date": discharge}, ctx)
    assert toc.outcome == code


def test_unknown_outcome(ctx):
    assert "not an outcome" in problems(ctx, outcome="HOME")["outcome"]


def test_still_in_hospital_cannot_have_a_discharge_date(ctx):
    msg = problems(ctx, outcome="STILL_IN_HOSPITAL")["outcome"]
    assert "discharge date (30 Oct 2026) is recorded" in msg


def test_interim_offered_is_a_boolean(ctx):
    assert validate(Toc, {**GOOD, "interim_offered": "N"}, ctx).interim_offered is False
    assert validate(Toc, {**GOOD, "interim_offered": ""}, ctx).interim_offered is None
    assert "not yes or no" in problems(ctx, interim_offered="maybe")["interim_offered"]


def test_every_problem_is_reported_at_once(ctx):
    found = problems(ctx, auditor="", ward_code="Z9", letter2_date="2026-09-01",
                     outcome="NOPE")
    assert set(found) == {"auditor", "ward_code", "letter2_date", "outcome"}


def test_unknown_field_is_refused(ctx):
    assert "colour" in problems(ctx, colour="red")
