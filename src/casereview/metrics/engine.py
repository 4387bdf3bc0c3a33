"""The metrics engine: every measure of SPEC 6 for a period, from the store. The summary
command, the dashboard and every export call this and nothing else.

A programme registers one compute function ``compute(conn, period, reference) -> [Row]`` in
``PROGRAMMES``. It may also answer many periods in one pass over the store (the weeks of an
SPC chart) by giving the function a ``for_periods(conn, periods, reference) -> [[Row], ...]``
attribute built from the same code (see metrics/moves.py); without one, the engine calls
``compute`` once per period. Either way a measure is computed by one piece of code only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlite_utils

from casereview.domain.reference import Reference
from casereview.metrics import experience, moves, reviews, toc
from casereview.metrics.definitions import MEASURES
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row
from casereview.domain.access import Access
from casereview.storage.access import access_of, site_views
from casereview.storage.reference import granted_reference, load_reference

Compute = Callable[[object, Period, Reference], list[Row]]
ComputeMany = Callable[[object, Sequence[Period], Reference], list[list[Row]]]

# One compute function per programme, in report order.
PROGRAMMES: list[Compute] = [moves.compute, reviews.compute, toc.compute, experience.compute]


@dataclass
class Summary:
    period: Period
    generated_at: str
    rows: list[Row] = field(default_factory=list)
    _index: dict[tuple[str, str], Row] = field(default_factory=dict, repr=False, compare=False)

    def get(self, measure: str, scope: str = "all") -> Row | None:
        if len(self._index) != len(self.rows):
            self._index = {(r.measure, r.scope): r for r in self.rows}
        return self._index.get((measure, scope))

    def as_dict(self) -> dict:
        return {
            "period": self.period.as_dict(),
            "generated_at": self.generated_at,
            "measures": [r.as_dict() for r in self.rows],
        }


def for_periods(compute: Compute) -> ComputeMany:
    """The many-period form of a programme's compute function."""
    many = getattr(compute, "for_periods", None)
    if many is not None:
        return many
    return lambda conn, periods, reference: [compute(conn, p, reference) for p in periods]


def programme_of(compute: Compute) -> str:
    """The programme a compute function serves: its module's name (metrics/moves.py ->
    'moves'), which matches Measure.programme."""
    return compute.__module__.rsplit(".", 1)[-1]


def computes_for(programmes: set[str] | None) -> list[Compute]:
    """The compute functions of the given programmes (all of them if None). A programme whose
    module name does not match falls back to every function: slower, never wrong."""
    if programmes is None:
        return list(PROGRAMMES)
    chosen = [c for c in PROGRAMMES if programme_of(c) in programmes]
    known = {programme_of(c) for c in PROGRAMMES}
    return chosen if programmes <= known else list(PROGRAMMES)


def summarise_many(db: sqlite_utils.Database, periods: Sequence[Period], *,
                   reference: Reference | None = None, generated_at: datetime | None = None,
                   programmes: set[str] | None = None,
                   access: Access | None = None) -> list[Summary]:
    """One Summary per period (in the order given), each programme answering all the periods
    at once where it can. ``programmes`` limits the work to some programmes' measures.

    A session with a site grant (``access``, else the connection's) gets the measures of its
    sites only: 'all' means all of its sites, and no other site's scope is made."""
    access = access_of(db, access)
    reference = granted_reference(reference or load_reference(db, access), access)
    stamp = (generated_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    rows: list[list[Row]] = [[] for _ in periods]
    with site_views(db, access) as conn:
        for compute in computes_for(programmes):
            for i, computed in enumerate(for_periods(compute)(conn, list(periods), reference)):
                rows[i] += computed
    order = {name: i for i, name in enumerate(MEASURES)}
    summaries = []
    for period, period_rows in zip(periods, rows):
        period_rows.sort(key=lambda r: order[r.measure])  # stable: scope order kept
        summaries.append(Summary(period, stamp, period_rows))
    return summaries


def summarise(db: sqlite_utils.Database, period: Period, *, reference: Reference | None = None,
              generated_at: datetime | None = None, access: Access | None = None) -> Summary:
    return summarise_many(db, [period], reference=reference, generated_at=generated_at,
                          access=access)[0]
