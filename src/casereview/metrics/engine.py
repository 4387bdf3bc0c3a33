"""The metrics engine: every measure of SPEC 6 for a period, from the store. The summary
command, the dashboard and every export call this and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlite_utils

from casereview.domain.reference import Reference
from casereview.metrics import experience, moves, toc
from casereview.metrics.definitions import MEASURES
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row
from casereview.storage.reference import load_reference

Compute = Callable[[object, Period, Reference], list[Row]]

# One compute function per programme, in report order.
PROGRAMMES: list[Compute] = [moves.compute, toc.compute, experience.compute]


@dataclass
class Summary:
    period: Period
    generated_at: str
    rows: list[Row] = field(default_factory=list)

    def get(self, measure: str, scope: str = "all") -> Row | None:
        for row in self.rows:
            if row.measure == measure and row.scope == scope:
                return row
        return None

    def as_dict(self) -> dict:
        return {
            "period": self.period.as_dict(),
            "generated_at": self.generated_at,
            "measures": [r.as_dict() for r in self.rows],
        }


def summarise(db: sqlite_utils.Database, period: Period, *, reference: Reference | None = None,
              generated_at: datetime | None = None) -> Summary:
    reference = reference or load_reference(db)
    stamp = (generated_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    rows: list[Row] = []
    for compute in PROGRAMMES:
        rows += compute(db.conn, period, reference)
    order = {name: i for i, name in enumerate(MEASURES)}
    rows.sort(key=lambda r: order[r.measure])  # stable: scope order kept within a measure
    return Summary(period, stamp, rows)
