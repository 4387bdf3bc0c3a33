"""The multi-agency case-note review (SPEC 4.3).

A review is built from raw values with ``validate(Review, data, context)``. Its ``status``
decides how strict the rules are:

- ``draft``: saved part-way through a long review. Only the review date and the patient are
  needed (they find the review again in the list); anything else that is given must still be
  valid.
- ``complete`` and ``signed_off``: every required field of SPEC 4.3 as well, including both
  outcomes and the overall score. A missing field is reported against that field, one
  message each, so a form can show every gap at once.

``status`` is declared first so that every later field validator can read it from
``info.data`` and report its own field when completion needs it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from casereview.domain.fields import Age, OptionalDate, PatientRef, RequiredDate, YesNo
from casereview.domain.record import LAST_IN_FILE, REQUIRED, Derived, shape, stored_row
from casereview.domain.validation import ctx_of, optional
from casereview.domain.values import (
    blank,
    format_uk_date,
    normalise_code,
    not_before,
    parse_bool,
    parse_code_list,
    parse_date,
    parse_int,
)

DRAFT, COMPLETE, SIGNED_OFF = "draft", "complete", "signed_off"
STATUSES = (DRAFT, COMPLETE, SIGNED_OFF)
STATUS_LABELS = {DRAFT: "draft", COMPLETE: "complete", SIGNED_OFF: "signed off"}
FINISHED = (COMPLETE, SIGNED_OFF)  # the statuses that count in the measures

# code -> (meaning, care intensity; None where intensities cannot be compared)
OUTCOMES: dict[str, tuple[str, int | None]] = {
    "HOME": ("home, no new support (discharge pathway 0)", 0),
    "HOME_SUPPORT": ("home with new support: reablement, home care (pathway 1)", 1),
    "INTERMEDIATE": ("community bed, rehabilitation, transfer to assess (pathway 2)", 2),
    "RESIDENTIAL": ("residential care home (pathway 3)", 3),
    "NURSING": ("nursing home (pathway 3)", 4),
    "HOSPITAL": ("remained in / needed acute hospital", 5),
    "HOSPICE": ("hospice or end-of-life setting", None),
    "OTHER": ("other", None),
}
# Outcomes whose intensity is known, for the more-care-than-needed denominator.
INTENSITY_KNOWN = tuple(code for code, (_, level) in OUTCOMES.items() if level is not None)

AVOIDABLE_ANSWERS = ("yes", "no", "unsure")
_UNSURE_WORDS = {"unsure", "not sure", "unknown", "don't know", "dont know", "dont_know", "?"}

CARE_SCORES = {1: "very poor", 2: "poor", 3: "adequate", 4: "good", 5: "excellent"}
PHASE_SCORES: dict[str, str] = {
    "score_pre_admission": "pre-admission",
    "score_admission": "admission",
    "score_ongoing": "ongoing care",
    "score_discharge_planning": "discharge planning",
    "score_transfer": "transfer",
}
_NOT_APPLICABLE = {"na", "n/a", "not applicable", "-"}

MIN_AGENCIES = 2
NEEDED_TO_COMPLETE = "is required to complete a review"


def intensity(outcome: str | None) -> int | None:
    if outcome is None or outcome not in OUTCOMES:
        return None
    return OUTCOMES[outcome][1]


def non_ideal(ideal: str | None, actual: str | None) -> bool | None:
    """actual != ideal; unknown (None) until both outcomes are given."""
    if ideal is None or actual is None:
        return None
    return actual != ideal


def more_care_than_needed(ideal: str | None, actual: str | None) -> bool | None:
    """Both intensities known and the actual one higher; unknown until both outcomes are
    given. HOSPICE and OTHER have no intensity, so a review with either is False."""
    if ideal is None or actual is None:
        return None
    wanted, got = intensity(ideal), intensity(actual)
    return wanted is not None and got is not None and got > wanted


def second_stage(overall: int | None, phases: list[int | None]) -> bool | None:
    """Overall score <= 2 or any phase score = 1. A phase score of 1 settles it even without
    an overall score; otherwise it is unknown until the overall score is given."""
    if any(score == 1 for score in phases):
        return True
    if overall is None:
        return None
    return overall <= 2


def parse_status(value: object) -> str:
    if blank(value):
        return DRAFT
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if text == "completed":
        text = COMPLETE
    if text in ("signedoff", "signed"):
        text = SIGNED_OFF
    if text not in STATUSES:
        raise ValueError(f"'{value}' is not a status: use draft, complete or signed_off")
    return text


def parse_outcome(value: object) -> str:
    code = normalise_code(value).replace(" ", "_").replace("-", "_")
    if code not in OUTCOMES:
        raise ValueError(f"'{str(value).strip()}' is not an outcome: use "
                         f"{', '.join(OUTCOMES)}")
    return code


def parse_avoidable(value: object) -> str:
    text = str(value).strip().lower()
    if text in _UNSURE_WORDS:
        return "unsure"
    try:
        answer = parse_bool(text)
    except ValueError:
        raise ValueError(f"'{str(value).strip()}' is not yes, no or unsure") from None
    return "yes" if answer else "no"


def parse_score(value: object) -> int:
    try:
        score = parse_int(value)
    except ValueError:
        raise ValueError(f"'{str(value).strip()}' is not a care score: use 1 (very poor) to "
                         "5 (excellent)") from None
    if score not in CARE_SCORES:
        raise ValueError(f"{score} is not a care score: use 1 (very poor) to 5 (excellent)")
    return score


def parse_names(value: object) -> list[str]:
    """';'-separated names (files) or an iterable of names (forms), each once, in order."""
    if value is None:
        return []
    items = value.split(";") if isinstance(value, str) else list(value)
    names: dict[str, str] = {}
    for item in items:
        name = " ".join(str(item).split())
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())


def _finishing(info: ValidationInfo) -> bool:
    return info.data.get("status") in FINISHED


class Review(BaseModel):
    """One multi-agency case-note review."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    # First: the later validators read it (a file lists it last, SPEC 7.1).
    status: Annotated[str, LAST_IN_FILE] = DRAFT
    review_date: RequiredDate = None
    patient_ref: PatientRef = None
    age: Age = None
    dementia: YesNo = None
    admission_date: Annotated[date | None, REQUIRED] = None
    medically_fit_date: OptionalDate = None
    discharge_date: OptionalDate = None
    agencies: Annotated[list[str], REQUIRED] = []
    reviewers: Annotated[list[str], REQUIRED] = []
    ideal_outcome: str | None = None
    actual_outcome: str | None = None
    admission_avoidable: str | None = None
    score_pre_admission: int | None = None
    score_admission: int | None = None
    score_ongoing: int | None = None
    score_discharge_planning: int | None = None
    score_transfer: int | None = None
    score_overall: int | None = None
    avoidable_delay_days: int | None = None
    ward_moves: int | None = None
    themes: list[str] = []
    learning: str | None = None
    # Derived (set by the model, never taken from input); None = not yet known (drafts).
    non_ideal_outcome: Annotated[bool | None, Derived()] = None
    more_care_than_needed: Annotated[bool | None, Derived()] = None
    second_stage: Annotated[bool | None, Derived()] = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return parse_status(value)

    @field_validator("admission_date", mode="before")
    @classmethod
    def _admission_date(cls, value, info: ValidationInfo):
        value = optional(value)
        if value is None:
            if _finishing(info):
                raise ValueError(NEEDED_TO_COMPLETE)
            return None
        admitted = parse_date(value, today=ctx_of(info).today)
        reviewed = info.data.get("review_date")
        if reviewed is not None and admitted > reviewed:
            raise ValueError(f"{format_uk_date(admitted)} is after the review date "
                             f"({format_uk_date(reviewed)})")
        return admitted

    @field_validator("medically_fit_date", "discharge_date")
    @classmethod
    def _episode_date(cls, day: date | None, info: ValidationInfo):
        if day is None:
            return None
        not_before(day, info.data.get("admission_date"), "admission date")
        reviewed = info.data.get("review_date")
        # A discharge after the review date cannot be known at the review: blank means
        # "still in hospital at review".
        if reviewed is not None and day > reviewed:
            raise ValueError(f"{format_uk_date(day)} is after the review date "
                             f"({format_uk_date(reviewed)})")
        return day

    @field_validator("agencies", mode="before")
    @classmethod
    def _agencies(cls, value, info: ValidationInfo):
        codes = parse_code_list(value)
        known = ctx_of(info).reference.agencies
        unknown = [c for c in codes if c not in known]
        if unknown:
            verb = "is not a known agency" if len(unknown) == 1 else "are not known agencies"
            raise ValueError(f"{', '.join(repr(c) for c in unknown)} {verb}")
        if _finishing(info) and len(codes) < MIN_AGENCIES:
            raise ValueError(f"at least {MIN_AGENCIES} agencies are needed to complete a "
                             f"review (it is a multi-agency review); {len(codes)} given")
        return codes

    @field_validator("reviewers", mode="before")
    @classmethod
    def _reviewers(cls, value, info: ValidationInfo):
        names = parse_names(value)
        if _finishing(info) and not names:
            raise ValueError("at least 1 reviewer is needed to complete a review")
        return names

    @field_validator("ideal_outcome", "actual_outcome", mode="before")
    @classmethod
    def _outcome(cls, value, info: ValidationInfo):
        value = optional(value)
        if value is None:
            if _finishing(info):
                raise ValueError(NEEDED_TO_COMPLETE)
            return None
        return parse_outcome(value)

    @field_validator("admission_avoidable", mode="before")
    @classmethod
    def _avoidable(cls, value):
        value = optional(value)
        return None if value is None else parse_avoidable(value)

    @field_validator(*PHASE_SCORES, mode="before")
    @classmethod
    def _phase_score(cls, value):
        value = optional(value)
        if value is None or (isinstance(value, str) and value.lower() in _NOT_APPLICABLE):
            return None  # blank = not applicable to this person's journey
        return parse_score(value)

    @field_validator("score_overall", mode="before")
    @classmethod
    def _overall(cls, value, info: ValidationInfo):
        value = optional(value)
        if value is None:
            if _finishing(info):
                raise ValueError(NEEDED_TO_COMPLETE)
            return None
        return parse_score(value)

    @field_validator("avoidable_delay_days", "ward_moves", mode="before")
    @classmethod
    def _count(cls, value):
        value = optional(value)
        return None if value is None else parse_int(value, minimum=0)

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value, info: ValidationInfo):
        codes = parse_code_list(value)
        known = ctx_of(info).reference.review_themes
        unknown = [c for c in codes if c not in known]
        if unknown:
            verb = "is not a known theme" if len(unknown) == 1 else "are not known themes"
            raise ValueError(f"{', '.join(repr(c) for c in unknown)} {verb}")
        return codes

    @field_validator("learning", mode="before")
    @classmethod
    def _learning(cls, value):
        if blank(value):
            return None
        return str(value).strip()

    @field_validator("non_ideal_outcome", "more_care_than_needed", "second_stage",
                     mode="before")
    @classmethod
    def _derived_only(cls, value):
        if value is not None:
            raise ValueError("is worked out from the outcomes and scores; it cannot be given")
        return None

    @model_validator(mode="after")
    def _derive(self):
        self.non_ideal_outcome = non_ideal(self.ideal_outcome, self.actual_outcome)
        self.more_care_than_needed = more_care_than_needed(self.ideal_outcome,
                                                           self.actual_outcome)
        self.second_stage = second_stage(self.score_overall, self.phase_scores())
        return self

    def phase_scores(self) -> list[int | None]:
        return [getattr(self, name) for name in PHASE_SCORES]

    def to_row(self) -> dict:
        """The stored columns (sign-off who and when are the store's business)."""
        return stored_row(self)


# The columns a person or a file gives (SPEC 7.1 order); the rest are derived or the store's.
INPUT_FIELDS = shape(Review).input_columns


def raw_from_row(row: dict) -> dict[str, str]:
    """A stored review as the raw strings a form shows (and validate() takes back)."""
    raw: dict[str, str] = {}
    for name in INPUT_FIELDS:
        value = row.get(name)
        if value is None:
            raw[name] = ""
        elif name == "dementia":
            raw[name] = "yes" if value else "no"
        else:
            raw[name] = str(value)
    return raw
