"""The move measures of SPEC 6, from the store, for one period or many at once.

``compute_periods`` answers any list of periods (the weeks of a chart, the days of a month)
with one GROUP BY over the whole span, by night; ``compute`` is the one-period case of the
same code, so a weekly series and a summary can never disagree.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from casereview.domain.reference import Reference
from casereview.domain.values import LONDON
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, mean, pct, reports_scope, scopes_for

# Out-of-hours, non-clinical, live moves whose audit night lies in the span, counted by night,
# site and the ward moved from. The index move_night(audit_night, site_code) answers it.
_MOVE_COUNTS = """
SELECT m.audit_night, m.site_code, m.from_ward,
       COUNT(*) AS moves,
       SUM(CASE WHEN m.age >= 65 OR m.dementia = 1 THEN 1 ELSE 0 END) AS older_or_dementia,
       SUM(CASE WHEN m.authorised_by IS NULL OR trim(m.authorised_by) = '' THEN 1 ELSE 0 END)
           AS unauthorised,
       SUM(CASE WHEN m.move_number >= 2 THEN 1 ELSE 0 END) AS repeat_moves
FROM move m JOIN move_reason r ON r.reason_code = m.reason
WHERE m.deleted_at IS NULL AND m.audit_night BETWEEN ? AND ?
  AND m.out_of_hours = 1 AND r.clinical = 0
GROUP BY m.audit_night, m.site_code, m.from_ward
"""

# The same by night and site only, for a report without ward scopes (the dashboard).
_MOVE_COUNTS_BY_SITE = _MOVE_COUNTS.replace("m.site_code, m.from_ward", "m.site_code, NULL")

_RETURNS = """
SELECT audit_night, site_code, COUNT(*) FROM night_audit
WHERE deleted_at IS NULL AND audit_night BETWEEN ? AND ?
GROUP BY audit_night, site_code
"""

_COUNT_MEASURES = {
    "ooh_nc_moves": "moves",
    "ooh_nc_moves_older_or_dementia": "older_or_dementia",
    "ooh_nc_moves_unauthorised": "unauthorised",
    "ooh_nc_moves_repeat": "repeat_moves",
}


class _Totals:
    """One period's sums; keys are None (all), a site code, or ('ward', code)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict] = {c: defaultdict(int) for c in _COUNT_MEASURES.values()}
        self.returns: dict = defaultdict(int)
        self.ended_returns: dict = defaultdict(int)  # returns for nights that have ended


def _periods_by_night(periods: Sequence[Period]) -> dict[str, list[int]]:
    """Each night (ISO date) -> the indexes of the periods holding it (periods may overlap)."""
    slots: dict[str, list[int]] = defaultdict(list)
    for i, period in enumerate(periods):
        for offset in range(period.days):
            slots[(period.start + timedelta(days=offset)).isoformat()].append(i)
    return slots


# A night (its audit_night date) ends at the end of the out-of-hours window, 07:00 the next
# morning, London time.
NIGHT_ENDS = time(7, 0)


def last_ended_night(now: datetime | None) -> date | None:
    """The latest night that has ended at ``now`` (None: every night counts as ended)."""
    if now is None:
        return None
    local = now.astimezone(LONDON)
    return local.date() - timedelta(days=1 if local.time() >= NIGHT_ENDS else 2)


def ended_nights(period: Period, last_ended: date | None) -> int:
    """How many of the period's nights have ended."""
    if last_ended is None or last_ended >= period.end:
        return period.days
    return max(0, (last_ended - period.start).days + 1)


def compute_periods(conn: sqlite3.Connection, periods: Sequence[Period],
                    reference: Reference, *, now: datetime | None = None) -> list[list[Row]]:
    if not periods:
        return []
    last_ended = last_ended_night(now)
    bounds = (min(p.start for p in periods).isoformat(), max(p.end for p in periods).isoformat())
    slots = _periods_by_night(periods)
    totals = [_Totals() for _ in periods]
    by_ward = reports_scope(reference, "ward")
    for r in conn.execute(_MOVE_COUNTS if by_ward else _MOVE_COUNTS_BY_SITE, bounds):
        for i in slots.get(r["audit_night"], ()):
            for column, by_key in totals[i].counts.items():
                n = r[column] or 0
                by_key[None] += n
                by_key[r["site_code"]] += n
                if by_ward:
                    by_key[("ward", r["from_ward"])] += n
    for night, site_code, n in conn.execute(_RETURNS, bounds):
        ended = last_ended is None or night <= last_ended.isoformat()
        for i in slots.get(night, ()):
            totals[i].returns[None] += n
            totals[i].returns[site_code] += n
            if ended:
                totals[i].ended_returns[None] += n
                totals[i].ended_returns[site_code] += n
    return [_rows(period, t, reference, ended_nights(period, last_ended))
            for period, t in zip(periods, totals, strict=True)]


def _rows(period: Period, t: _Totals, reference: Reference, nights: int) -> list[Row]:
    rows: list[Row] = []
    for measure, column in _COUNT_MEASURES.items():
        for scope, code in scopes_for(measure, reference):
            key = ("ward", code) if scope.startswith("ward:") else code
            rows.append(count(measure, scope, t.counts[column][key]))
    for scope, code in scopes_for("ooh_nc_moves_per_night", reference):
        rows.append(mean("ooh_nc_moves_per_night", scope, t.counts["moves"][code],
                         t.returns[code]))
    # Completeness counts only the nights that have ended (SPEC 6): a period in progress is
    # measured over its past nights.
    for scope, code in scopes_for("night_audit_completeness_pct", reference):
        site_nights = nights * (len(reference.sites) if code is None else 1)
        rows.append(pct("night_audit_completeness_pct", scope, t.ended_returns[code],
                        site_nights))
    return rows


def compute(conn: sqlite3.Connection, period: Period, reference: Reference, *,
            now: datetime | None = None) -> list[Row]:
    return compute_periods(conn, [period], reference, now=now)[0]


# The engine uses this to answer many periods in one pass (see engine.for_periods), and gives
# both the time of asking.
compute.for_periods = compute_periods  # type: ignore[attr-defined]
compute.uses_now = True  # type: ignore[attr-defined]
