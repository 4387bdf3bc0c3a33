"""The out-of-hours ward move (SPEC 4.1) and the night audit return (SPEC 4.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
from casereview.domain.validation import ctx_of, optional, required
from casereview.domain.values import (
    format_timestamp,
    format_uk_date,
    normalise_code,
    parse_int,
    parse_timestamp,
)

RECORD_CONFIG = ConfigDict(validate_default=True, extra="forbid")


class Move(BaseModel):
    """One ward move. Built from raw values with ``validate(Move, data, context)``."""

    model_config = RECORD_CONFIG

    moved_at: datetime | None = None
    site_code: SiteCode = None
    from_ward: WardOnSite = None
    to_ward: WardOnSite = None
    reason: str | None = None
    patient_ref: OptionalPatientRef = None
    age: Age = None
    dementia: YesNo = None
    authorised_by: Text = None
    informed: YesNo = None
    move_number: int | None = None
    notes: Text = None
    # Derived (set by the model, never taken from input)
    out_of_hours: bool = False
    audit_night: date | None = None
    non_clinical: bool = False

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
            self.out_of_hours = ctx.window.contains(self.moved_at.time())
            self.audit_night = ctx.window.audit_night(self.moved_at)
        if self.reason is not None:
            self.non_clinical = not ctx.reference.reasons[self.reason][1]
        return self

    def to_row(self) -> dict:
        """The stored columns (derived non_clinical follows the reason table, so is not kept)."""
        moved_at = self.moved_at
        assert moved_at is not None
        return {
            "moved_at": format_timestamp(moved_at),
            # isoformat, not strftime: this runs once per imported row.
            "moved_at_utc": moved_at.astimezone(UTC).isoformat(timespec="minutes")[:16]
            + "Z",
            "audit_night": self.audit_night.isoformat() if self.audit_night else None,
            "out_of_hours": int(self.out_of_hours),
            "site_code": self.site_code,
            "from_ward": self.from_ward,
            "to_ward": self.to_ward,
            "reason": self.reason,
            "patient_ref": self.patient_ref,
            "age": self.age,
            "dementia": None if self.dementia is None else int(self.dementia),
            "authorised_by": self.authorised_by,
            "informed": None if self.informed is None else int(self.informed),
            "move_number": self.move_number,
            "notes": self.notes,
        }


class NightAudit(BaseModel):
    """A night audit return: the site's move log for that night is complete (nil included)."""

    model_config = RECORD_CONFIG

    site_code: SiteCode = None
    audit_night: RequiredDate = None
    audited_by: RequiredText = None
    completed_at: datetime | None = None

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
        assert self.audit_night is not None and self.completed_at is not None
        return {
            "site_code": self.site_code,
            "audit_night": self.audit_night.isoformat(),
            "audited_by": self.audited_by,
            "completed_at": format_timestamp(self.completed_at),
        }
