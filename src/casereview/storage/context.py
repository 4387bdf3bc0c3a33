"""The validation context as the store holds it: reference data, night window, clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from casereview.domain.validation import Context, NightWindow
from casereview.domain.values import LONDON
from casereview.storage.db import get_setting
from casereview.storage.reference import load_reference

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.storage.db import Database


def load_context(db: Database, now: datetime | None = None) -> Context:
    return Context(
        reference=load_reference(db),
        now=(now or datetime.now(LONDON)).astimezone(LONDON),
        window=NightWindow.from_settings(get_setting(db, "night_window_start"),
                                         get_setting(db, "night_window_end")),
    )
