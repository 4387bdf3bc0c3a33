"""A site and one of its wards as typed on the reference-data screen or read from the
`wards` import file."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, field_validator

from casereview.domain.record import REQUIRED
from casereview.domain.reference import parse_reference_code
from casereview.domain.values import blank, parse_bool


class WardEntry(BaseModel):
    """A site and one of its wards, as typed or imported."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    site_code: Annotated[str | None, REQUIRED] = None
    site_name: str | None = None
    ward_code: Annotated[str | None, REQUIRED] = None
    ward_name: Annotated[str | None, REQUIRED] = None
    older_adults: bool | None = None

    @field_validator("site_code", "ward_code", mode="before")
    @classmethod
    def _code(cls, value):
        return parse_reference_code(value)

    @field_validator("ward_name", mode="before")
    @classmethod
    def _name(cls, value):
        if blank(value):
            raise ValueError("is required")
        return str(value).strip()

    @field_validator("site_name", mode="before")
    @classmethod
    def _site_name(cls, value):
        return None if blank(value) else str(value).strip()

    @field_validator("older_adults", mode="before")
    @classmethod
    def _older(cls, value):
        return bool(parse_bool(value))
