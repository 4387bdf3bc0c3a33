"""Building and storing actions in tests."""

from __future__ import annotations

from casereview.domain.action import Action, ProgressNote
from casereview.domain.validation import validate
from casereview.storage.actions import add_progress, save_action

BASE = {"title": "Choice letters on time", "owner": "J. Smith", "agency_code": "ACUTE",
        "raised_on": "2026-11-01", "due_date": "2026-11-30", "status": "OPEN", "rag": "GREEN"}


def make(ctx, **changes) -> Action:
    return validate(Action, {**BASE, **changes}, ctx)


def store(db, ctx, user: str = "tester", **changes) -> int:
    return save_action(db, make(ctx, **changes), user)


def note(db, ctx, action_id: int, noted_on: str, text: str = "progress", rag: str = "",
         author: str = "J. Smith") -> int:
    return add_progress(db, action_id, validate(ProgressNote, {
        "noted_on": noted_on, "author": author, "text": text, "rag": rag}, ctx), "tester")
