"""SPEC 3: the common fields read and refuse values the same way in every record type.

Each record model declares these fields with the shared types of domain/fields.py; a model
that went back to a validator of its own and worded a message differently fails here.
"""

from __future__ import annotations

import pytest

from casereview.domain.experience import Experience
from casereview.domain.move import Move
from casereview.domain.review import Review
from casereview.domain.toc import Toc
from casereview.domain.validation import RecordInvalid, validate

MOVE = {"moved_at": "2026-11-16 23:15", "site_code": "NGH", "from_ward": "A1",
        "to_ward": "A2", "reason": "CAPACITY"}
EXPERIENCE = {"sample_date": "2026-11-16", "site_code": "NGH", "ward_code": "A1",
              "collected_by": "Volunteer", "fft": "GOOD"}
TOC = {"audit_date": "2026-11-20", "auditor": "QL", "site_code": "NGH", "ward_code": "A1",
       "patient_ref": "9990000018", "admission_date": "2026-10-01",
       "medically_fit_date": "2026-10-10", "outcome": "STILL_IN_HOSPITAL"}
REVIEW = {"review_date": "2026-11-20", "patient_ref": "9990000018"}

MODELS = {
    "move": (Move, MOVE),
    "experience": (Experience, EXPERIENCE),
    "toc": (Toc, TOC),
    "review": (Review, REVIEW),
}


def outcome(ctx, model, base, **overrides):
    """The record, or its problems by field."""
    try:
        return validate(model, {**base, **overrides}, ctx)
    except RecordInvalid as exc:
        return exc.by_field()


def with_field(name):
    return [pytest.param(m, b, id=key) for key, (m, b) in MODELS.items() if name in m.model_fields]


@pytest.mark.parametrize(("model", "base"), with_field("patient_ref"))
def test_patient_ref_is_read_alike(ctx, model, base):
    assert outcome(ctx, model, base, patient_ref="999 000 0018").patient_ref == "9990000018"
    assert outcome(ctx, model, base, patient_ref=" rx12 ").patient_ref == "RX12"
    assert outcome(ctx, model, base, patient_ref="9990000001")["patient_ref"] == (
        "'9990000001' is not a valid NHS number (it fails the Modulus 11 check)")


@pytest.mark.parametrize(("model", "base"), with_field("age"))
def test_age_is_read_alike(ctx, model, base):
    assert outcome(ctx, model, base, age=" 87 ").age == 87
    assert outcome(ctx, model, base, age="  ").age is None
    assert outcome(ctx, model, base, age="121")["age"] == "121 is above the maximum of 120"
    assert outcome(ctx, model, base, age="old")["age"] == "'old' is not a whole number"


@pytest.mark.parametrize(("model", "base"), with_field("dementia"))
def test_yes_no_is_read_alike(ctx, model, base):
    assert outcome(ctx, model, base, dementia="Y").dementia is True
    assert outcome(ctx, model, base, dementia="0").dementia is False
    assert outcome(ctx, model, base, dementia="").dementia is None
    assert outcome(ctx, model, base, dementia="maybe")["dementia"] == (
        "'maybe' is not yes or no (use yes/no, y/n, true/false or 1/0)")


@pytest.mark.parametrize(("model", "base"), with_field("site_code"))
def test_site_is_checked_against_the_reference(ctx, model, base):
    assert outcome(ctx, model, base, site_code="XX")["site_code"] == "'XX' is not a known site"
    assert outcome(ctx, model, base, site_code="  ")["site_code"] == "is required"


@pytest.mark.parametrize(("model", "base", "ward_field"), [
    pytest.param(Move, MOVE, "from_ward", id="move-from"),
    pytest.param(Move, MOVE, "to_ward", id="move-to"),
    pytest.param(Experience, EXPERIENCE, "ward_code", id="experience"),
    pytest.param(Toc, TOC, "ward_code", id="toc"),
])
def test_ward_is_known_and_on_the_records_site(ctx, model, base, ward_field):
    assert outcome(ctx, model, base, **{ward_field: "ZZ"})[ward_field] == "'ZZ' is not a known ward"
    assert outcome(ctx, model, base, **{ward_field: "B3"})[ward_field] == (
        "ward B3 is on site WCH, not on NGH")
    # An unknown site is reported on the site alone; the ward is not compared with it.
    problems = outcome(ctx, model, base, site_code="XX", **{ward_field: "B3"})
    assert ward_field not in problems and "site_code" in problems


@pytest.mark.parametrize(("model", "base", "text_field"), [
    pytest.param(Move, MOVE, "notes", id="move"),
    pytest.param(Experience, EXPERIENCE, "comment", id="experience"),
    pytest.param(Toc, TOC, "notes", id="toc"),
])
def test_free_text_is_stripped_and_blank_is_none(ctx, model, base, text_field):
    assert getattr(outcome(ctx, model, base, **{text_field: "  seen  "}), text_field) == "seen"
    assert getattr(outcome(ctx, model, base, **{text_field: "   "}), text_field) is None
