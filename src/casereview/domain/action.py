"""The improvement action (SPEC 4.6): the action plan the boards follow, its progress notes
and its dated ratings.

An action is built from raw values with ``validate(Action, data, context)``; a progress note
with ``validate(ProgressNote, data, context)`` and then ``note.check_against(action)`` (a
note may not predate the action it is about).

The rating (red, amber, green) is the owner's judgement of progress. It is dated every time
it changes, so that a past period's ratings can be read back: the rating of an action on a
day is its latest rating dated on or before that day (``rating_on``).

Where an action came from (its ``source``) is written ``kind:reference``: ``review:12``,
``toc:7``, ``experience:30``, ``ward:A1``, ``theme:COMMUNICATION`` (a review theme), or
``measure:ooh_nc_moves@site:NGH`` (a measure and its scope: an SPC signal). The model checks
the form of the link and the codes the reference data holds; whether a review, audit or
sample still exists and whether a measure is one of section 6 is checked against the store
by ``metrics.actions.check_source`` (the measures are defined above the domain).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from casereview.domain.fields import RequiredDate, RequiredText, Text
from casereview.domain.validation import ctx_of, optional, required
from casereview.domain.values import (
    before_message,
    normalise_code,
    not_before,
    parse_date,
)

OPEN, IN_PROGRESS, DONE, DROPPED = "OPEN", "IN_PROGRESS", "DONE", "DROPPED"
STATUSES: dict[str, str] = {OPEN: "open", IN_PROGRESS: "in progress", DONE: "done",
                            DROPPED: "dropped"}
CLOSED = (DONE, DROPPED)
LIVE = (OPEN, IN_PROGRESS)   # "while open": the statuses that need a rating

RED, AMBER, GREEN = "RED", "AMBER", "GREEN"
RAGS: dict[str, str] = {RED: "red", AMBER: "amber", GREEN: "green"}

# Where an action can come from, with the words a person reads.
SOURCE_KINDS: dict[str, str] = {
    "review": "case-note review",
    "toc": "Transfer of Care audit",
    "experience": "experience sample",
    "measure": "measure",
    "ward": "ward",
    "theme": "review theme",
}
RECORD_SOURCES = ("review", "toc", "experience")   # a record in the store, by id
_SCOPE_KINDS = ("all", "site", "ward", "theme", "rag")


@dataclass(frozen=True)
class Source:
    """What an action came from. ``ref`` is a record id (as text), a ward or theme code, or a
    measure name; ``scope`` is the measure's scope (``all``, ``site:NGH``...)."""

    kind: str
    ref: str
    scope: str | None = None

    def __str__(self) -> str:
        if self.kind == "measure":
            return f"measure:{self.ref}@{self.scope or 'all'}"
        return f"{self.kind}:{self.ref}"

    @property
    def stored_ref(self) -> str:
        """The reference column as stored: a measure keeps its scope with it."""
        return f"{self.ref}@{self.scope or 'all'}" if self.kind == "measure" else self.ref

    @property
    def record_id(self) -> int | None:
        return int(self.ref) if self.kind in RECORD_SOURCES else None

    def describe(self) -> str:
        """'case-note review 12', 'measure ooh_nc_moves (site:NGH)', 'ward A1'."""
        words = SOURCE_KINDS[self.kind]
        if self.kind == "measure":
            return f"{words} {self.ref} ({self.scope or 'all'})"
        return f"{words} {self.ref}"

    def short(self) -> str:
        """For a list column: 'review 12', 'ToC audit 7', 'ooh_nc_moves NGH'."""
        if self.kind == "measure":
            code = (self.scope or "all").partition(":")[2]
            return f"{self.ref} {code}".strip()
        words = {"toc": "ToC audit", "experience": "sample", "review": "review"}
        return f"{words.get(self.kind, self.kind)} {self.ref}"

    @classmethod
    def stored(cls, kind: str | None, ref: str | None) -> Source | None:
        """From the two stored columns (trusted: they were validated when written)."""
        if not kind or ref is None:
            return None
        if kind == "measure":
            name, _, scope = ref.partition("@")
            return cls(kind, name, scope or "all")
        return cls(kind, ref)


def parse_source(value: object, context=None) -> Source | None:
    """A source as typed or held in a file (``review:12``, ``measure:ooh_nc_moves@site:NGH``),
    or a Source already made; blank = none. With a validation context, ward, site and theme
    codes are checked against its reference data."""
    if isinstance(value, Source):
        source = value
    else:
        text = optional(value)
        if text is None:
            return None
        kind, sep, ref = str(text).partition(":")
        kind, ref = kind.strip().lower(), ref.strip()
        if not sep or kind not in SOURCE_KINDS:
            raise ValueError(f"'{text}' is not a source: write kind:reference with kind one of "
                             f"{', '.join(SOURCE_KINDS)} (e.g. review:12, ward:A1, "
                             "measure:ooh_nc_moves@site:NGH)")
        if not ref:
            raise ValueError(f"'{text}': the {SOURCE_KINDS[kind]} is missing after '{kind}:'")
        source = _source_of(kind, ref)
    if context is not None:
        _check_codes(source, context)
    return source


def _source_of(kind: str, ref: str) -> Source:
    if kind in RECORD_SOURCES:
        if not ref.isdigit() or int(ref) < 1:
            raise ValueError(f"'{ref}' is not a {SOURCE_KINDS[kind]} number")
        return Source(kind, str(int(ref)))
    if kind == "measure":
        name, _, scope = ref.partition("@")
        name, scope = name.strip().lower(), (scope.strip() or "all")
        scope_kind, _, code = scope.partition(":")
        scope_kind = scope_kind.lower()
        if scope_kind not in _SCOPE_KINDS or (scope_kind != "all" and not code):
            raise ValueError(f"'{scope}' is not a scope (all, site:CODE, ward:CODE, "
                             "theme:CODE or rag:RATING)")
        scope = "all" if scope_kind == "all" else f"{scope_kind}:{normalise_code(code)}"
        return Source(kind, name, scope)
    return Source(kind, normalise_code(ref))


def _check_codes(source: Source, context) -> None:
    reference = context.reference
    if source.kind == "ward" and source.ref not in reference.wards:
        raise ValueError(f"'{source.ref}' is not a known ward")
    if source.kind == "theme" and source.ref not in reference.review_themes:
        raise ValueError(f"'{source.ref}' is not a known review theme")
    if source.kind == "measure" and source.scope:
        kind, _, code = source.scope.partition(":")
        known = {"site": reference.sites, "ward": reference.wards,
                 "theme": reference.review_themes, "rag": RAGS}.get(kind)
        if known is not None and code not in known:
            raise ValueError(f"scope '{source.scope}': '{code}' is not a known {kind}")


def _code(value: object, codes: dict[str, str], what: str) -> str:
    code = normalise_code(value).replace(" ", "_").replace("-", "_")
    if code not in codes:
        raise ValueError(f"'{str(value).strip()}' is not {what} (one of {', '.join(codes)})")
    return code


def parse_status(value: object) -> str:
    return _code(required(value), STATUSES, "a status")


def parse_rag(value: object) -> str | None:
    """RED, AMBER or GREEN (R, A, G accepted); blank = none."""
    text = optional(value)
    if text is None:
        return None
    short = {"R": RED, "A": AMBER, "G": GREEN}.get(str(text).strip().upper())
    return short or _code(text, RAGS, "a rating")


class Action(BaseModel):
    """One improvement action. Fields in dependency order: each validator sees the ones
    before it in ``info.data``."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    title: RequiredText = None
    description: Text = None
    owner: RequiredText = None
    agency_code: str | None = None
    raised_on: RequiredDate = None
    due_date: date | None = None
    status: str | None = None
    closed_on: date | None = None
    rag: str | None = None
    source: Source | None = None

    @field_validator("agency_code", mode="before")
    @classmethod
    def _agency(cls, value, info: ValidationInfo):
        value = optional(value)
        if value is None:
            return None
        code = normalise_code(value)
        agencies = ctx_of(info).reference.agencies
        if code not in agencies:
            raise ValueError(f"'{code}' is not a known agency (one of {', '.join(agencies)})")
        return code

    @field_validator("due_date", mode="before")
    @classmethod
    def _due(cls, value, info: ValidationInfo):
        # A due date lies ahead as a rule: only the raise date and closing date are checked
        # against today.
        return not_before(parse_date(required(value)), info.data.get("raised_on"),
                          "date the action was raised")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return parse_status(value)

    @field_validator("closed_on", mode="before")
    @classmethod
    def _closed(cls, value, info: ValidationInfo):
        status = info.data.get("status")
        value = optional(value)
        if value is None:
            if status in CLOSED:
                raise ValueError(f"is required when the status is {STATUSES[status]}")
            return None
        closed = parse_date(value, today=ctx_of(info).today)
        if status is not None and status not in CLOSED:
            raise ValueError(f"an action that is {STATUSES[status]} has no closing date "
                             "(set the status to done or dropped, or clear the date)")
        return not_before(closed, info.data.get("raised_on"), "date the action was raised")

    @field_validator("rag", mode="before")
    @classmethod
    def _rag(cls, value, info: ValidationInfo):
        rag = parse_rag(value)
        if rag is None and info.data.get("status") in LIVE:
            raise ValueError("is required while the action is open (red, amber or green)")
        return rag

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value, info: ValidationInfo):
        return parse_source(value, ctx_of(info))

    @property
    def is_open(self) -> bool:
        return self.status in LIVE

    def overdue(self, today: date) -> bool:
        """SPEC 4.6: not done or dropped, and due before today."""
        return self.status not in CLOSED and self.due_date is not None \
            and self.due_date < today

    def to_row(self) -> dict:
        assert self.raised_on is not None and self.due_date is not None
        return {
            "title": self.title,
            "description": self.description,
            "owner": self.owner,
            "agency_code": self.agency_code,
            "raised_on": self.raised_on.isoformat(),
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "rag": self.rag,
            "source_kind": self.source.kind if self.source else None,
            "source_ref": self.source.stored_ref if self.source else None,
        }


# The fields a person fills in, in form order (the model's, without the derived ones).
ACTION_FIELDS = tuple(Action.model_fields)


class ProgressNote(BaseModel):
    """A dated note of progress on an action: only ever added, never edited. It may set the
    action's rating, dated with the note."""

    model_config = ConfigDict(validate_default=True, extra="forbid")

    noted_on: RequiredDate = None
    author: RequiredText = None
    text: RequiredText = None
    rag: str | None = None

    @field_validator("rag", mode="before")
    @classmethod
    def _rag(cls, value):
        return parse_rag(value)

    def problem_with(self, raised_on: date) -> str | None:
        """Why this note cannot belong to an action raised on ``raised_on`` (None if it can)."""
        if self.noted_on is None:
            return None
        return before_message(self.noted_on, raised_on, "date the action was raised")


@dataclass(frozen=True)
class Rating:
    rated_on: date
    rag: str


def rating_on(ratings: Iterable[Rating], day: date) -> str | None:
    """The rating in force on ``day``: the latest dated on or before it (of two on one day,
    the later given). None before the first rating."""
    current = None
    for rating in sorted(ratings, key=lambda r: r.rated_on):  # stable: same-day order kept
        if rating.rated_on > day:
            break
        current = rating.rag
    return current


def open_on(raised_on: date, closed_on: date | None, day: date) -> bool:
    """SPEC 4.6: open at a date when raised on or before it and not closed on or before it."""
    return raised_on <= day and (closed_on is None or closed_on > day)
