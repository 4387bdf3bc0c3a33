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


# --- Codes typed on the reference-data screens and in the `wards` import file -------------

import re  # noqa: E402

from casereview.domain.values import blank  # noqa: E402

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{0,19}$")


def parse_reference_code(value: object) -> str:
    if blank(value):
        raise ValueError("is required")
    code = str(value).strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"'{code}' is not a code: use 1-20 letters, digits, _ or -")
    return code


def __getattr__(name: str):
    """``WardEntry`` (a pydantic model) lives in domain.ward_entry and is imported on first
    use, so that the reference snapshot the app's first screen needs does not load pydantic."""
    if name == "WardEntry":
        from casereview.domain.ward_entry import WardEntry

        return WardEntry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
