"""The Transfer of Care letter and escalation audit (SPEC 4.4): the record, the policy
timeline and the evaluation of each step against it.

The evaluation is pure: given the audit's dates and a policy it says, for every step, its due
date and whether it was required, on time, late or missing. The form calls it as dates are
typed; storage calls it to keep the derived columns that the list and the measures read.

Which policy applies: the version in force on the audit's ``audit_date`` (the latest version
whose ``effective_from`` is on or before it); the SPEC defaults when there is none. An audit is
a judgement made on its audit date against the standard the organisation holds then, and a
month's figures (periods go by audit date) are then judged against one timeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from casereview.domain.fields import (
    OptionalDate,
    PatientRef,
    RequiredDate,
    RequiredText,
    SiteCode,
    Text,
    WardOnSite,
    YesNo,
)
from casereview.domain.record import REQUIRED, stored_row
from casereview.domain.validation import required
from casereview.domain.values import blank, format_uk_date, normalise_code, not_before, parse_date

# --- steps, anchors, outcomes ----------------------------------------------------------------

# Every dated step the record can hold, in the order they happen. A policy times some of them.
STEPS: dict[str, str] = {
    "letter1": "Letter 1: information on admission",
    "choice_discussion": "First choice discussion",
    "letter2": "Letter 2: choice letter",
    "escalation": "Escalation meeting",
    "letter3": "Letter 3: formal escalation letter",
}

ANCHORS: dict[str, str] = {
    "admission_date": "admission",
    "medically_fit_date": "medically fit",
}

OUTCOMES: dict[str, str] = {
    "PREFERRED": "discharged to the preferred setting",
    "INTERIM": "interim placement",
    "OTHER_SETTING": "another setting (not the preferred one)",
    "STILL_IN_HOSPITAL": "still in hospital at audit",
    "DIED": "died",
}

MAX_STEP_DAYS = 365


def date_field(step: str) -> str:
    """The record field holding a step's date: letter2 -> letter2_date."""
    return f"{step}_date"


class StepStatus(StrEnum):
    NOT_REQUIRED = "not_required"
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def required(self) -> bool:
        return self is not StepStatus.NOT_REQUIRED


REQUIRED_STATUSES = tuple(s.value for s in StepStatus if s.required)


class Adherence(StrEnum):
    """How an audit as a whole met the policy."""

    FULL = "full"                  # every required step on time
    NOT_FULL = "not_full"          # at least one required step late or missing
    NONE_REQUIRED = "none_required"  # discharged before any step fell due

    @property
    def label(self) -> str:
        return {"full": "all on time", "not_full": "late or missing",
                "none_required": "nothing required"}[self.value]


# --- the policy timeline ---------------------------------------------------------------------

class PolicyInvalid(ValueError):
    pass


@dataclass(frozen=True)
class StepRule:
    step: str
    anchor: str
    days: int

    def describe(self) -> str:
        unit = "day" if self.days == 1 else "days"
        return f"{self.days} {unit} after {ANCHORS[self.anchor]}"


@dataclass(frozen=True)
class Policy:
    """The timeline: which steps are timed, from which anchor, by how many days."""

    rules: tuple[StepRule, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.step not in STEPS:
                raise PolicyInvalid(f"'{rule.step}' is not a step (one of {', '.join(STEPS)})")
            if rule.step in seen:
                raise PolicyInvalid(f"step {rule.step} appears twice")
            seen.add(rule.step)
            if rule.anchor not in ANCHORS:
                raise PolicyInvalid(f"step {rule.step}: '{rule.anchor}' is not an anchor "
                                    f"(one of {', '.join(ANCHORS)})")
            if isinstance(rule.days, bool) or not isinstance(rule.days, int) \
                    or not 0 <= rule.days <= MAX_STEP_DAYS:
                raise PolicyInvalid(f"step {rule.step}: days must be a whole number from 0 to "
                                    f"{MAX_STEP_DAYS}")
        if not self.rules:
            raise PolicyInvalid("a policy needs at least one step")
        # Kept in the order the steps happen, whatever order they were given in.
        order = list(STEPS)
        object.__setattr__(self, "rules",
                           tuple(sorted(self.rules, key=lambda r: order.index(r.step))))

    def rule(self, step: str) -> StepRule | None:
        for rule in self.rules:
            if rule.step == step:
                return rule
        return None

    def to_json(self) -> str:
        return json.dumps([{"step": r.step, "anchor": r.anchor, "days": r.days}
                           for r in self.rules])

    @classmethod
    def from_json(cls, text: str) -> Policy:
        try:
            items = json.loads(text)
            return cls(tuple(StepRule(i["step"], i["anchor"], i["days"]) for i in items))
        except (ValueError, KeyError, TypeError) as exc:
            raise PolicyInvalid(f"stored policy cannot be read: {exc}") from None


DEFAULT_POLICY = Policy((
    StepRule("letter1", "admission_date", 2),
    StepRule("letter2", "medically_fit_date", 2),
    StepRule("escalation", "medically_fit_date", 7),
    StepRule("letter3", "medically_fit_date", 14),
))


# --- evaluating the steps --------------------------------------------------------------------

@dataclass(frozen=True)
class StepResult:
    step: str
    rule: StepRule
    due_date: date | None       # None while the anchor date is unknown
    done: date | None           # the step's date, if recorded
    status: StepStatus | None   # None while the due date is unknown

    @property
    def required(self) -> bool:
        return self.status is not None and self.status.required


def step_status(due_date: date, done: date | None, discharge_date: date | None) -> StepStatus:
    """SPEC 4.4: required when the patient was still in hospital after the due date (discharge
    blank or later than the due date); then on time on or before the due date, late after it,
    missing when blank."""
    if discharge_date is not None and discharge_date <= due_date:
        return StepStatus.NOT_REQUIRED
    if done is None:
        return StepStatus.MISSING
    return StepStatus.ON_TIME if done <= due_date else StepStatus.LATE


def evaluate_step(rule: StepRule, dates: Mapping[str, date | None]) -> StepResult:
    anchor = dates.get(rule.anchor)
    done = dates.get(date_field(rule.step))
    if anchor is None:
        return StepResult(rule.step, rule, None, done, None)
    due = anchor + timedelta(days=rule.days)
    return StepResult(rule.step, rule, due, done,
                      step_status(due, done, dates.get("discharge_date")))


def evaluate(policy: Policy, dates: Mapping[str, date | None]) -> list[StepResult]:
    """Every step of the policy, in the order they happen. ``dates`` maps the record's date
    fields (admission_date, medically_fit_date, discharge_date, letter1_date, ...) to dates or
    None."""
    return [evaluate_step(rule, dates) for rule in policy.rules]


def adherence_of(results: Iterable[StepResult]) -> Adherence:
    required = [r for r in results if r.required]
    if not required:
        return Adherence.NONE_REQUIRED
    if all(r.status is StepStatus.ON_TIME for r in required):
        return Adherence.FULL
    return Adherence.NOT_FULL


def derived_columns(results: list[StepResult], policy_id: int | None) -> dict:
    """The stored evaluation: due date and status per step (NULL for a step the policy does
    not time), counts and adherence, and the policy version it was judged against."""
    row: dict = {"policy_id": policy_id}
    by_step = {r.step: r for r in results}
    for step in STEPS:
        result = by_step.get(step)
        row[f"{step}_due"] = result.due_date.isoformat() if result and result.due_date else None
        row[f"{step}_status"] = result.status.value if result and result.status else None
    required = [r for r in results if r.required]
    row["required_steps"] = len(required)
    row["on_time_steps"] = sum(r.status is StepStatus.ON_TIME for r in required)
    row["adherence"] = adherence_of(results).value
    return row


DATE_FIELDS = ("admission_date", "medically_fit_date",
               *(date_field(s) for s in STEPS), "discharge_date")


def dates_typed(raw: Mapping[str, object], today: date | None = None) -> dict[str, date | None]:
    """The dates readable so far in a half-filled form (anything unreadable counts as blank),
    so the timeline can be shown while the auditor types."""
    out: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        value = raw.get(name)
        try:
            out[name] = None if blank(value) else parse_date(value, today=today)
        except ValueError:
            out[name] = None
    return out


# --- the record ------------------------------------------------------------------------------

RECORD_CONFIG = ConfigDict(validate_default=True, extra="forbid")

# Fields whose dates lie within the stay as audited: not before admission, not after audit.
_WITHIN_STAY = ("medically_fit_date", *(date_field(s) for s in STEPS), "discharge_date")


class Toc(BaseModel):
    """One case-file audit. Built from raw values with ``validate(Toc, data, context)``.

    Fields are declared in dependency order: each date validator can see the dates before it.
    """

    model_config = RECORD_CONFIG

    audit_date: RequiredDate = None
    auditor: RequiredText = None
    site_code: SiteCode = None
    ward_code: WardOnSite = None
    patient_ref: PatientRef = None
    admission_date: RequiredDate = None
    medically_fit_date: RequiredDate = None
    letter1_date: OptionalDate = None
    choice_discussion_date: OptionalDate = None
    letter2_date: OptionalDate = None
    escalation_date: OptionalDate = None
    letter3_date: OptionalDate = None
    interim_offered: YesNo = None
    discharge_date: OptionalDate = None
    outcome: Annotated[str | None, REQUIRED] = None
    notes: Text = None

    @field_validator("admission_date")
    @classmethod
    def _admission(cls, day: date, info: ValidationInfo):
        _not_after_audit(day, info)
        return day

    @field_validator(*_WITHIN_STAY)
    @classmethod
    def _within_stay(cls, day: date | None, info: ValidationInfo):
        # After the field type has read the date (medically fit required, the rest optional).
        if day is None:
            return None
        not_before(day, info.data.get("admission_date"), "admission date")
        _not_after_audit(day, info)
        return day

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value, info: ValidationInfo):
        code = normalise_code(required(value))
        if code not in OUTCOMES:
            raise ValueError(f"'{code}' is not an outcome (one of {', '.join(OUTCOMES)})")
        # A blank discharge date means still in hospital at audit, so the two must agree.
        discharged = info.data.get("discharge_date")
        if code == "STILL_IN_HOSPITAL" and discharged is not None:
            raise ValueError(f"STILL_IN_HOSPITAL, but a discharge date "
                             f"({format_uk_date(discharged)}) is recorded")
        return code

    def dates(self) -> dict[str, date | None]:
        return {name: getattr(self, name) for name in DATE_FIELDS}

    def steps(self, policy: Policy) -> list[StepResult]:
        return evaluate(policy, self.dates())

    def to_row(self) -> dict:
        """The stored columns as entered (the evaluation is added by storage with the policy
        in force on the audit date, see ``derived_columns``)."""
        return stored_row(self)


def _not_after_audit(day: date, info: ValidationInfo) -> None:
    audited = info.data.get("audit_date")
    if audited is not None and day > audited:
        raise ValueError(f"{format_uk_date(day)} is after the audit date "
                         f"({format_uk_date(audited)})")
