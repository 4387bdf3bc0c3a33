"""The metrics engine: every measure of SPEC 6 for a period, from the store. The summary
command, the dashboard and every export call this and nothing else.

A programme registers one compute function ``compute(conn, period, reference) -> [Row]`` in
``PROGRAMMES``. It may also answer many periods in one pass over the store (the weeks of an
SPC chart) by giving the function a ``for_periods(conn, periods, reference) -> [[Row], ...]``
attribute built from the same code (see metrics/moves.py); without one, the engine calls
``compute`` once per period. Either way a measure is computed by one piece of code only.

A programme whose measures depend on the time of asking (night audit completeness counts only
nights that have ended, SPEC 6) sets ``compute.uses_now = True``: its functions then take a
keyword ``now`` (a timezone-aware datetime), the summary's ``generated_at``, which comes from
the caller's clock (the app's injectable clock, the command's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial

from casereview.domain.access import Access
from casereview.domain.reference import Reference
from casereview.domain.values import LONDON
from casereview.metrics import actions, experience, moves, reviews, toc
from casereview.metrics.definitions import MEASURES
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row
from casereview.storage.access import access_of, site_views
from casereview.storage.db import Database
from casereview.storage.reference import granted_reference, load_reference

Compute = Callable[[object, Period, Reference], list[Row]]
ComputeMany = Callable[[object, Sequence[Period], Reference], list[list[Row]]]

# One compute function per programme, in report order.
PROGRAMMES: list[Compute] = [moves.compute, reviews.compute, toc.compute, experience.compute,
                             actions.compute]


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

    @property
    def to_date(self) -> date | None:
        """For a period in progress when the summary was made, the day it was made (London):
        its figures are to date. None for a period that had ended."""
        made = datetime.fromisoformat(self.generated_at).astimezone(LONDON).date()
        return made if made <= self.period.end else None

    def as_dict(self) -> dict:
        period = self.period.as_dict()
        if self.to_date is not None:
            period["to_date"] = self.to_date.isoformat()
        return {
            "period": period,
            "generated_at": self.generated_at,
            "measures": [r.as_dict() for r in self.rows],
        }


def for_periods(compute: Compute, now: datetime | None = None) -> ComputeMany:
    """The many-period form of a programme's compute function (given ``now`` if it uses it)."""
    many = getattr(compute, "for_periods", None)
    if getattr(compute, "uses_now", False):
        one, many = partial(compute, now=now), many and partial(many, now=now)
    else:
        one = compute
    if many is not None:
        return many
    return lambda conn, periods, reference: [one(conn, p, reference) for p in periods]


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


def summarise_many(db: Database, periods: Sequence[Period], *,
                   reference: Reference | None = None, generated_at: datetime | None = None,
                   programmes: set[str] | None = None,
                   access: Access | None = None) -> list[Summary]:
    """One Summary per period (in the order given), each programme answering all the periods
    at once where it can. ``programmes`` limits the work to some programmes' measures.

    A session with a site grant (``access``, else the connection's) gets the measures of its
    sites only: 'all' means all of its sites, and no other site's scope is made."""
    access = access_of(db, access)
    reference = granted_reference(reference or load_reference(db, access), access)
    now = generated_at or datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    rows: list[list[Row]] = [[] for _ in periods]
    with site_views(db, access) as conn:
        for compute in computes_for(programmes):
            many = for_periods(compute, now)
            for i, computed in enumerate(many(conn, list(periods), reference)):
                rows[i] += computed
    order = {name: i for i, name in enumerate(MEASURES)}
    summaries = []
    for period, period_rows in zip(periods, rows, strict=True):
        period_rows.sort(key=lambda r: order[r.measure])  # stable: scope order kept
        summaries.append(Summary(period, stamp, period_rows))
    return summaries


def summarise(db: Database, period: Period, *, reference: Reference | None = None,
              generated_at: datetime | None = None, access: Access | None = None) -> Summary:
    return summarise_many(db, [period], reference=reference, generated_at=generated_at,
                          access=access)[0]
