"""The out-of-hours ward move (SPEC 4.1) and the night audit return (SPEC 4.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

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
from casereview.domain.record import REQUIRED, Derived, StoredAs, stored_row
from casereview.domain.validation import NightWindow, ctx_of, optional, required
from casereview.domain.values import (
    format_timestamp,
    format_uk_date,
    normalise_code,
    parse_int,
    parse_timestamp,
)

RECORD_CONFIG = ConfigDict(validate_default=True, extra="forbid")


def night_of(window: NightWindow, moved_at: datetime) -> tuple[bool, date | None]:
    """Whether a move at ``moved_at`` (UK local time) was out of hours, and the night it
    belongs to (the date the night began): the audit-night rule, here once. The model derives
    its fields with it, and storage recomputes stored moves with it when the window changes."""
    return window.contains(moved_at.time()), window.audit_night(moved_at)


def moment_in_night(window: NightWindow, night: date, at: time) -> datetime | None:
    """The moment (UK local time) that ``at``, typed for the night that began on ``night``,
    stands for: the calendar day on which ``night_of`` puts that time in that night (evening
    times on the night's date, morning times on the next day); None outside the window."""
    for day in (night, night + timedelta(days=1)):
        moment = datetime.combine(day, at)
        if night_of(window, moment)[1] == night:
            return moment
    return None


def utc_minute(local: datetime) -> str:
    """The instant in UTC to the minute, e.g. 2026-11-16T23:15Z (the register's order)."""
    # isoformat, not strftime: this runs once per imported row.
    return local.astimezone(UTC).isoformat(timespec="minutes")[:16] + "Z"


class Move(BaseModel):
    """One ward move. Built from raw values with ``validate(Move, data, context)``."""

    model_config = RECORD_CONFIG

    # Stored twice: local time with its offset, and the UTC minute the lists are ordered by.
    moved_at: Annotated[datetime | None, REQUIRED,
                        StoredAs(moved_at=format_timestamp, moved_at_utc=utc_minute)] = None
    site_code: SiteCode = None
    from_ward: WardOnSite = None
    to_ward: WardOnSite = None
    reason: Annotated[str | None, REQUIRED] = None
    patient_ref: OptionalPatientRef = None
    age: Age = None
    dementia: YesNo = None
    authorised_by: Text = None
    informed: YesNo = None
    move_number: int | None = None
    notes: Text = None
    # Derived (set by the model, never taken from input); non_clinical follows the reason
    # table, so is not stored.
    out_of_hours: Annotated[bool, Derived()] = False
    audit_night: Annotated[date | None, Derived()] = None
    non_clinical: Annotated[bool, Derived(stored=False)] = False

    @field_validator("moved_at", mode="before")
    @classmethod
    def _moved_at(cls, value, info: ValidationInfo):
        ctx = ctx_of(info)
        local = parse_timestamp(required(value))
        if local > ctx.now:
            raise ValueError(f"{local:%H:%M} on {format_uk_date(local.date())} is in the future")
        return local

    @field_validator("to_ward")
    @classmethod
    def _to_ward(cls, code: str, info: ValidationInfo):
        if code == info.data.get("from_ward"):
            raise ValueError("must differ from the ward the patient was moved from")
        return code

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value, info: ValidationInfo):
        code = normalise_code(required(value))
        if code not in ctx_of(info).reference.reasons:
            raise ValueError(f"'{code}' is not a known move reason")
        return code

    @field_validator("move_number", mode="before")
    @classmethod
    def _move_number(cls, value):
        value = optional(value)
        return None if value is None else parse_int(value, minimum=1)

    @model_validator(mode="after")
    def _derive(self, info: ValidationInfo):
        ctx = ctx_of(info)
        if self.moved_at is not None:
            self.out_of_hours, self.audit_night = night_of(ctx.window, self.moved_at)
        if self.reason is not None:
            self.non_clinical = not ctx.reference.reasons[self.reason][1]
        return self

    def to_row(self) -> dict:
        """The stored columns (domain/record.py)."""
        return stored_row(self)


class NightAudit(BaseModel):
    """A night audit return: the site's move log for that night is complete (nil included)."""

    model_config = RECORD_CONFIG

    site_code: SiteCode = None
    audit_night: RequiredDate = None
    audited_by: RequiredText = None
    # When the return was made: now, unless a form says otherwise (never from a file).
    completed_at: Annotated[datetime | None, Derived()] = None

    @field_validator("completed_at", mode="before")
    @classmethod
    def _completed_at(cls, value, info: ValidationInfo):
        ctx = ctx_of(info)
        if value is None or (isinstance(value, str) and not value.strip()):
            return ctx.now
        stamp = parse_timestamp(value)
        if stamp > ctx.now:
            raise ValueError("is in the future")
        return stamp

    def to_row(self) -> dict:
        return stored_row(self)
