"""Settings of an SPC chart that people make (SPEC 6): rebases and notes, per measure and
scope. Stored by ``storage.spc``; read by ``metrics.spc.analyse``."""

from __future__ import annotations

from dataclasses import dataclass

REBASE, UNDO_REBASE = "rebase", "remove"


@dataclass(frozen=True)
class Rebase:
    """From ``week`` on, the chart's limits are recalculated (a new segment), for ``reason``."""

    measure: str
    scope: str
    week: str
    reason: str
    at: str = ""
    by: str = ""


@dataclass(frozen=True)
class Note:
    """An annotation on one week of a measure's chart."""

    id: int
    measure: str
    scope: str
    week: str
    text: str
    at: str = ""
    by: str = ""
