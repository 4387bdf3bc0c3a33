"""The programme target (SPEC 4.7): a planned volume of auditing, e.g. 80 case-note reviews
between 1 April 2026 and 31 March 2027, or 20 Transfer of Care audits in a month at a site.

Progress is the number of the programme's records in scope dated from the start to today (or
the end, if earlier); expected by today is the target pro rata for the days elapsed. Both are
worked out here from the count (``progress_of``); the count itself comes from the store
(metrics/programme_targets.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from casereview.domain.fields import Text
from casereview.domain.validation import ctx_of, required
from casereview.domain.values import (
    format_uk_date,
    normalise_code,
    not_before,
    parse_date,
    parse_int,
)

PROGRAMMES: dict[str, str] = {
    "reviews": "Case-note reviews",
    "toc": "Transfer of Care audits",
    "experience": "Experience samples",
}
SHORT_NAMES = {"reviews": "Case-note reviews", "toc": "ToC audits",
               "experience": "Experience samples"}
# Reviews are of a person's journey across agencies and have no site or ward.
SCOPED_PROGRAMMES = ("toc", "experience")


class ProgrammeTarget(BaseModel):
    model_config = ConfigDict(validate_default=True, extra="forbid")

    programme: str | None = None
    scope: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    target_count: int | None = None
    note: Text = None

    @field_validator("programme", mode="before")
    @classmethod
    def _programme(cls, value):
        text = str(required(value)).strip().lower()
        if text not in PROGRAMMES:
            raise ValueError(f"'{text}' is not a programme (one of {', '.join(PROGRAMMES)})")
        return text

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, value, info: ValidationInfo):
        text = str(value).strip() if value is not None else ""
        if not text or text.lower() == "all":
            return "all"
        kind, _, code = text.partition(":")
        kind, code = kind.strip().lower(), normalise_code(code)
        reference = ctx_of(info).reference
        known = {"site": reference.sites, "ward": reference.wards}.get(kind)
        if known is None or not code:
            raise ValueError(f"'{text}' is not a scope: use all, site:CODE or ward:CODE")
        if code not in known:
            raise ValueError(f"'{code}' is not a known {kind}")
        programme = info.data.get("programme")
        if programme is not None and programme not in SCOPED_PROGRAMMES:
            raise ValueError(f"{PROGRAMMES[programme].lower()} have no site or ward: use all")
        return f"{kind}:{code}"

    @field_validator("start_date", mode="before")
    @classmethod
    def _start(cls, value):
        # A target may be planned ahead: its dates are not limited to the past.
        return parse_date(required(value))

    @field_validator("end_date", mode="before")
    @classmethod
    def _end(cls, value, info: ValidationInfo):
        return not_before(parse_date(required(value)), info.data.get("start_date"),
                          "start date")

    @field_validator("target_count", mode="before")
    @classmethod
    def _count(cls, value):
        return parse_int(required(value), minimum=1, maximum=1_000_000)

    def current(self, today: date) -> bool:
        assert self.start_date is not None and self.end_date is not None
        return self.start_date <= today <= self.end_date

    def to_row(self) -> dict:
        assert self.start_date is not None and self.end_date is not None
        return {"programme": self.programme, "scope": self.scope,
                "start_date": self.start_date.isoformat(),
                "end_date": self.end_date.isoformat(),
                "target_count": self.target_count, "note": self.note}


@dataclass(frozen=True)
class TargetProgress:
    target: ProgrammeTarget
    done: int              # records in scope from the start to today (or the end)
    expected: float        # target_count x elapsed days / total days
    as_of: date            # today, or the end date if earlier, or the day before the start

    @property
    def behind(self) -> bool:
        """SPEC 4.7: progress is less than expected."""
        return self.done < self.expected

    @property
    def shortfall(self) -> int:
        """How many records behind, in whole records (at least 1 when behind)."""
        if not self.behind:
            return 0
        return max(1, math.floor(self.expected - self.done + 0.5))

    def describe(self, scope_name: str | None = None, *, short: bool = False) -> str:
        """'Case-note reviews: 41 of 80 by 31 Mar 2027, 12 behind' (``short``: the
        programme's short name, for a narrow panel)."""
        t = self.target
        where = f" ({scope_name})" if scope_name else ""
        name = (SHORT_NAMES if short else PROGRAMMES)[t.programme]
        text = (f"{name}{where}: {self.done} of {t.target_count} by "
                f"{format_uk_date(t.end_date)}")
        if self.behind:
            return f"{text}, {self.shortfall} behind"
        return f"{text}, on track"


def progress_of(target: ProgrammeTarget, done: int, today: date) -> TargetProgress:
    """Expected by today: the target pro rata for the days from the start to today (both
    included), at most the whole target; nothing is expected before the start."""
    assert target.start_date is not None and target.end_date is not None
    assert target.target_count is not None
    total = (target.end_date - target.start_date).days + 1
    as_of = min(today, target.end_date)
    elapsed = max(0, (as_of - target.start_date).days + 1)
    return TargetProgress(target, done, target.target_count * elapsed / total, as_of)
