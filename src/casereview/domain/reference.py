"""Reference data as the domain sees it: a snapshot for validation and pick lists."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ward:
    ward_code: str
    ward_name: str
    site_code: str
    older_adults: bool


@dataclass(frozen=True)
class Reference:
    """A snapshot of the reference data, for validation and pick lists."""

    sites: dict[str, str]
    wards: dict[str, Ward]
    reasons: dict[str, tuple[str, bool]]
    agencies: dict[str, str]
    review_themes: dict[str, str]
    experience_themes: dict[str, str]

    def wards_on(self, site_code: str) -> list[Ward]:
        return [w for w in self.wards.values() if w.site_code == site_code]


# --- Rows of the `wards` import file and the reference-data screens -------------------------

import re  # noqa: E402

from pydantic import BaseModel, ConfigDict, field_validator  # noqa: E402

from casereview.domain.values import blank, parse_bool  # noqa: E402

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{0,19}$")


def parse_reference_code(value: object) -> str:
    if blank(value):
        raise ValueError("is required")
    code = str(value).strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"'{code}' is not a code: use 1-20 letters, digits, _ or -")
    return code


class WardEntry(BaseModel):
    """A site and one of its wards, as typed or imported."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    site_code: str | None = None
    site_name: str | None = None
    ward_code: str | None = None
    ward_name: str | None = None
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
