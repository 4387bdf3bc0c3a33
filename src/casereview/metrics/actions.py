"""The action-plan measures of SPEC 6, from the store: open, overdue and closed actions and the
open actions by rating, each read at the period's end.

An action is open at a date when it was raised on or before it and not closed on or before it
(SPEC 4.6); its rating then is its latest rating dated on or before that date, so a past
period reads the ratings it had. A period that has not ended yet is read at the day of
asking (the summary's time, from the caller's clock): the actions due before its end but not
yet due are not overdue.

An action plan holds hundreds of actions, not millions: every period's figures come from one
read of the live actions and their ratings (a 104-week chart included).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from casereview.domain.action import DONE, RAGS, RECORD_SOURCES, Source, open_on
from casereview.domain.reference import Reference
from casereview.domain.validation import Problem, RecordInvalid
from casereview.domain.values import LONDON
from casereview.metrics.definitions import MEASURES
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, scopes_for
from casereview.storage.actions import source_exists
from casereview.storage.db import Database, connection_of


@dataclass(frozen=True)
class _Action:
    raised_on: date
    due_date: date
    status: str
    closed_on: date | None
    rating_days: tuple[date, ...]   # ascending
    rating_rags: tuple[str, ...]

    def rag_on(self, day: date) -> str | None:
        index = bisect_right(self.rating_days, day)
        return self.rating_rags[index - 1] if index else None


def _load(conn: sqlite3.Connection) -> list[_Action]:
    ratings: dict[int, list[tuple[date, str]]] = {}
    for r in conn.execute("SELECT action_id, rated_on, rag FROM action_rating "
                          "ORDER BY action_id, rated_on, id"):
        ratings.setdefault(r[0], []).append((date.fromisoformat(r[1]), r[2]))
    out = []
    for r in conn.execute("SELECT id, raised_on, due_date, status, closed_on FROM action "
                          "WHERE deleted_at IS NULL"):
        rated = ratings.get(r["id"], [])
        out.append(_Action(date.fromisoformat(r["raised_on"]), date.fromisoformat(r["due_date"]),
                           r["status"],
                           date.fromisoformat(r["closed_on"]) if r["closed_on"] else None,
                           tuple(d for d, _ in rated), tuple(g for _, g in rated)))
    return out


def _rows(actions: list[_Action], period: Period, reference: Reference,
          as_of: date) -> list[Row]:
    end = min(period.end, as_of)
    open_now = [a for a in actions if open_on(a.raised_on, a.closed_on, end)]
    overdue = sum(a.due_date < end for a in open_now)
    closed = sum(a.status == DONE and a.closed_on is not None
                 and period.start <= a.closed_on <= end for a in actions)
    rows = [count("actions_open", "all", len(open_now)),
            count("actions_overdue", "all", overdue),
            count("actions_closed", "all", closed)]
    by_rag = {code: 0 for code in RAGS}
    for a in open_now:
        rag = a.rag_on(end)
        if rag is not None:
            by_rag[rag] += 1
    for scope, code in scopes_for("actions_rag", reference):
        # SPEC 6: value = numerator = open actions with the rating; denominator = open actions.
        rows.append(Row("actions_rag", scope, by_rag[code], by_rag[code], len(open_now)))
    return rows


def compute_at(conn: sqlite3.Connection, periods: Sequence[Period], reference: Reference,
               as_of: date | None) -> list[list[Row]]:
    """Every period's rows, a period that has not ended read at ``as_of`` (None: at its
    end)."""
    actions = _load(conn)
    return [_rows(actions, p, reference, as_of or p.end) for p in periods]


def _as_of(now: datetime | None) -> date | None:
    return None if now is None else now.astimezone(LONDON).date()


def compute_periods(conn: sqlite3.Connection, periods: Sequence[Period],
                    reference: Reference, *, now: datetime | None = None) -> list[list[Row]]:
    return compute_at(conn, periods, reference, _as_of(now))


def compute(conn: sqlite3.Connection, period: Period, reference: Reference, *,
            now: datetime | None = None) -> list[Row]:
    return compute_periods(conn, [period], reference, now=now)[0]


# The engine gives ``now`` (the summary's time, from the caller's clock): a period in progress
# is read at that day.
compute.for_periods = compute_periods  # type: ignore[attr-defined]
compute.uses_now = True  # type: ignore[attr-defined]


# --- sources -------------------------------------------------------------------------------

def check_source(conn: sqlite3.Connection | Database, source: Source | None) -> None:
    """What the action model cannot check alone: that a review, audit or sample it points at
    is a live record, and that a measure is one of section 6 with a scope it reports.
    Raises RecordInvalid naming the field ``source``."""
    conn = connection_of(conn)
    if source is None:
        return
    problem = None
    if source.kind in RECORD_SOURCES and not source_exists(conn, source):
        problem = f"there is no {source.describe()} (it does not exist or was deleted)"
    elif source.kind == "measure":
        measure = MEASURES.get(source.ref)
        scope_kind = (source.scope or "all").partition(":")[0]
        if measure is None:
            problem = f"'{source.ref}' is not a measure"
        elif scope_kind not in measure.scopes:
            problem = (f"{source.ref} is not reported for scope {source.scope} "
                       f"(its scopes: {', '.join(measure.scopes)})")
    if problem:
        raise RecordInvalid([Problem("source", problem)])
