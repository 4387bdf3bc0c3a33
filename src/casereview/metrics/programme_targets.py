"""Programme targets against what was done (SPEC 4.7): the records of the programme in the
target's scope dated from its start to today (or its end, if earlier), beside the number
expected by today.

Reviews count when complete or signed off, as in every review measure; a Transfer of Care
audit by its audit date, an experience sample by its sample date.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from casereview.domain.programme_target import ProgrammeTarget, TargetProgress, progress_of
from casereview.domain.review import FINISHED
from casereview.storage.actions import target_rows
from casereview.storage.db import Database, connection_of

# programme -> (table, the date a record belongs to, extra condition)
_RECORDS = {
    "reviews": ("review", "review_date",
                f"status IN ({', '.join(repr(s) for s in FINISHED)})"),
    "toc": ("toc", "audit_date", None),
    "experience": ("experience", "sample_date", None),
}


def records_done(conn: sqlite3.Connection, programme: str, scope: str, start: date,
                 end: date) -> int:
    """The programme's live records in ``scope`` dated from ``start`` to ``end``."""
    table, column, extra = _RECORDS[programme]
    where = [f"deleted_at IS NULL AND {column} BETWEEN ? AND ?"]
    params: list = [start.isoformat(), end.isoformat()]
    if extra:
        where.append(extra)
    kind, _, code = scope.partition(":")
    if kind in ("site", "ward"):
        where.append(f"{kind}_code = ?")
        params.append(code)
    return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {' AND '.join(where)}",
                        params).fetchone()[0]


@dataclass(frozen=True)
class StoredTarget:
    id: int
    target: ProgrammeTarget
    progress: TargetProgress


def _target_of(row: dict) -> ProgrammeTarget:
    # Stored rows were validated when written: built without the reference data.
    return ProgrammeTarget.model_construct(
        programme=row["programme"], scope=row["scope"],
        start_date=date.fromisoformat(row["start_date"]),
        end_date=date.fromisoformat(row["end_date"]),
        target_count=row["target_count"], note=row["note"])


def progress(conn: sqlite3.Connection, target: ProgrammeTarget, today: date) -> TargetProgress:
    assert target.start_date is not None and target.end_date is not None
    as_of = min(today, target.end_date)
    done = 0 if as_of < target.start_date else records_done(
        conn, target.programme, target.scope, target.start_date, as_of)
    return progress_of(target, done, today)


def targets_with_progress(conn: sqlite3.Connection | Database, today: date, *,
                          current_only: bool = False) -> list[StoredTarget]:
    """Every live target (or only those running today) with its progress."""
    conn = connection_of(conn)
    out = []
    for row in target_rows(conn, current_on=today if current_only else None):
        target = _target_of(row)
        out.append(StoredTarget(row["id"], target, progress(conn, target, today)))
    return out
