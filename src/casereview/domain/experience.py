"""The patient-experience sample (SPEC 4.5) and the weekly sample target.

On every ward supporting older adults, staff or volunteers ask patients (five a week by
default) about their experience. One sample is one patient's (or their carer's) answers.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from casereview.domain.fields import (
    Age,
    OptionalPatientRef,
    RequiredDate,
    RequiredText,
    SiteCode,
    Text,
    WardOnSite,
    YesNo,
)
from casereview.domain.record import REQUIRED, stored_row
from casereview.domain.validation import ctx_of, optional, required
from casereview.domain.values import parse_int, resolve_code

# The coded answers, in the order they are offered, with the words a person reads.
FFT = {
    "VERY_GOOD": "Very good",
    "GOOD": "Good",
    "NEITHER": "Neither good nor poor",
    "POOR": "Poor",
    "VERY_POOR": "Very poor",
    "DONT_KNOW": "Don't know",
}
DIGNITY = {"ALWAYS": "Yes, always", "SOMETIMES": "Yes, sometimes", "NO": "No"}
INVOLVED = {
    "DEFINITELY": "Yes, definitely",
    "SOME_EXTENT": "Yes, to some extent",
    "NO": "No",
    "NOT_APPLICABLE": "Not applicable",
}
MOVED_AT_NIGHT = {"YES": "Yes", "NO": "No", "DONT_KNOW": "Don't know"}
DISCHARGE_INFO = {
    "YES": "Yes",
    "NO": "No",
    "NOT_YET": "Not yet",
    "NOT_APPLICABLE": "Not applicable",
}

# Every coded question: field -> (answers, the question as asked, answer required).
QUESTIONS: dict[str, tuple[dict[str, str], str, bool]] = {
    "fft": (FFT, "Overall, how was your experience of our service?", True),
    "dignity": (DIGNITY, "Were you treated with dignity and respect?", False),
    "involved": (INVOLVED, "Were you involved in decisions about your care and discharge?",
                 False),
    "moved_at_night": (MOVED_AT_NIGHT, "Were you moved to another ward at night?", False),
    "discharge_info": (DISCHARGE_INFO, "Have you been given information about your discharge?",
                       False),
}

# The single key that picks each answer on the entry form, which a file may give instead of
# the code (SPEC 7.1): one definition for the form and the importer.
ANSWER_KEYS: dict[str, dict[str, str]] = {
    "fft": dict(zip("123450", FFT, strict=True)),
    "dignity": dict(zip("asn", DIGNITY, strict=True)),
    "involved": dict(zip("dsnx", INVOLVED, strict=True)),
    "moved_at_night": dict(zip("ynd", MOVED_AT_NIGHT, strict=True)),
    "discharge_info": dict(zip("yntx", DISCHARGE_INFO, strict=True)),
}

FFT_POSITIVE = ("VERY_GOOD", "GOOD")
FFT_NEGATIVE = ("POOR", "VERY_POOR")

DEFAULT_WEEKLY_TARGET = 5
WEEKLY_TARGET_SETTING = "experience_weekly_target"

_SEPARATORS = re.compile(r"[\s\-]+")


def parse_answer(value: object, answers: dict[str, str],
                 keys: dict[str, str] | None = None) -> str:
    """One coded answer. Codes are matched whatever their case, and with spaces or hyphens for
    the underscores and without the apostrophe ("don't know" is DONT_KNOW); so is the form's
    one key for the answer when ``keys`` (ANSWER_KEYS[question]) are given. Nothing else is
    guessed, so a file with a made-up answer fails loudly."""
    text = str(value).strip()
    if keys and text.lower() in keys:
        return keys[text.lower()]
    code = _SEPARATORS.sub("_", text.replace("'", "").replace("\u2019", "")).upper()
    if code not in answers:
        also = (" (or the form's keys: " + ", ".join(f"{k} = {c}" for k, c in keys.items())
                + ")") if keys else ""
        raise ValueError(f"'{text}' is not one of {', '.join(answers)}{also}")
    return code


def parse_themes(value: object, themes: dict[str, str]) -> list[str]:
    """The themes of a sample: ';'-separated (a file) or a list (the form), each a theme's
    code, its name, or as much of either as points at one theme alone (``resolve_code``, as
    the form's theme box resolves what is typed), de-duplicated in the order given."""
    items = [] if value is None else (value.split(";") if isinstance(value, str)
                                      else list(value))
    codes: dict[str, None] = {}
    unknown, unclear = [], []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        code, candidates = resolve_code(text, themes)
        if code is not None:
            codes.setdefault(code, None)
        elif candidates:
            unclear.append(f"'{text}' could be {' or '.join(candidates)}")
        else:
            unknown.append(text.upper())
    if unknown:
        listed = ", ".join(f"'{c}'" for c in unknown)
        noun = "is not a known theme" if len(unknown) == 1 else "are not known themes"
        raise ValueError(f"{listed} {noun} (themes: {', '.join(themes) or 'none set up'})")
    if unclear:
        raise ValueError("; ".join(unclear) + ": write more of it, or the theme's code")
    return list(codes)


def parse_weekly_target(value: object) -> int:
    """The weekly number of samples per older-adult ward: a whole number, at least 1."""
    return parse_int(required(value), minimum=1, maximum=1000)


class Experience(BaseModel):
    """One patient-experience sample. Built from raw values with
    ``validate(Experience, data, context)``."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    sample_date: RequiredDate = None
    site_code: SiteCode = None
    ward_code: WardOnSite = None
    collected_by: RequiredText = None
    patient_ref: OptionalPatientRef = None
    age: Age = None
    dementia: YesNo = None
    proxy: YesNo = None
    fft: Annotated[str | None, REQUIRED] = None
    dignity: str | None = None
    involved: str | None = None
    moved_at_night: str | None = None
    discharge_info: str | None = None
    themes: list[str] = []
    comment: Text = None

    @field_validator("fft", "dignity", "involved", "moved_at_night", "discharge_info",
                     mode="before")
    @classmethod
    def _answer(cls, value, info: ValidationInfo):
        answers, _, is_required = QUESTIONS[info.field_name]
        if is_required:
            value = required(value)
        else:
            value = optional(value)
            if value is None:
                return None
        return parse_answer(value, answers, ANSWER_KEYS[info.field_name])

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value, info: ValidationInfo):
        return parse_themes(optional(value), ctx_of(info).reference.experience_themes)

    def to_row(self) -> dict:
        """The stored columns (domain/record.py)."""
        return stored_row(self)
