"""Turning pydantic's errors into problems a person can act on: a field and a sentence.

pydantic is imported with the first record validated, not with this module: the context and
the problem types are needed by the app's first screen, the models are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from casereview.domain.reference import Reference
from casereview.domain.values import LONDON, parse_time

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class RecordInvalid(ValueError):
    """One record failed one or more rules."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def by_field(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for p in self.problems:
            out.setdefault(p.field, p.message)
        return out


@dataclass(frozen=True)
class NightWindow:
    """The out-of-hours window, by default 22:00-07:00 (a setting)."""

    start: time = time(22, 0)
    end: time = time(7, 0)

    @classmethod
    def from_settings(cls, start: str | None, end: str | None) -> NightWindow:
        return cls(parse_time(start or "22:00"), parse_time(end or "07:00"))

    def contains(self, at: time) -> bool:
        if self.start > self.end:  # spans midnight
            return at >= self.start or at < self.end
        return self.start <= at < self.end

    def audit_night(self, local: datetime) -> date | None:
        """The date the night began, or None outside the window."""
        at = local.time()
        if not self.contains(at):
            return None
        if self.start > self.end and at < self.end:
            return date.fromordinal(local.date().toordinal() - 1)
        return local.date()

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass
class Context:
    """What validation needs besides the record: the reference data and the clock."""

    reference: Reference
    now: datetime
    window: NightWindow = field(default_factory=NightWindow)

    @cached_property
    def validation_context(self) -> dict[str, Context]:
        """What pydantic hands the validators (made once, not once per record)."""
        return {"ctx": self}

    @property
    def today(self) -> date:
        return self.now.astimezone(LONDON).date()


M = TypeVar("M", bound="BaseModel")


def _message(error: dict[str, Any]) -> str:
    msg = error.get("msg", "invalid")
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if error.get("type") == "missing":
        msg = "is required"
    return msg


def problems_from(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = error.get("loc") or ()
        name = str(loc[0]) if loc else ""
        problems.append(Problem(name, _message(error)))
    return problems


def validate(model: type[M], data: dict[str, Any], context: Context) -> M:
    """Build ``model`` from raw values (strings from a form or file), or raise RecordInvalid."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data, context=context.validation_context)
    except ValidationError as exc:
        raise RecordInvalid(problems_from(exc)) from None


def ctx_of(info: Any) -> Context:
    return info.context["ctx"]


def required(value: Any) -> Any:
    """The value, stripped if text; blank (None or only spaces) is an error."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("is required")
        return value
    if value is None:
        raise ValueError("is required")
    return value


def optional(value: Any) -> Any:
    """The value, stripped if text; blank strings become None."""
    if isinstance(value, str):
        return value.strip() or None
    return value
