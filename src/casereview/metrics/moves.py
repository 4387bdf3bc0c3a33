"""The move measures of SPEC 6, from the store, for one period."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from casereview.domain.reference import Reference
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, mean, pct, scopes_for

# Out-of-hours, non-clinical, live moves whose audit night lies in the period, counted by the
# site and the ward moved from. The index move_night(audit_night, site_code) answers it.
_MOVE_COUNTS = """
SELECT m.site_code, m.from_ward,
       COUNT(*) AS moves,
       SUM(CASE WHEN m.age >= 65 OR m.dementia = 1 THEN 1 ELSE 0 END) AS older_or_dementia,
       SUM(CASE WHEN m.authorised_by IS NULL OR trim(m.authorised_by) = '' THEN 1 ELSE 0 END)
           AS unauthorised,
       SUM(CASE WHEN m.move_number >= 2 THEN 1 ELSE 0 END) AS repeat_moves
FROM move m JOIN move_reason r ON r.reason_code = m.reason
WHERE m.deleted_at IS NULL AND m.audit_night BETWEEN ? AND ?
  AND m.out_of_hours = 1 AND r.clinical = 0
GROUP BY m.site_code, m.from_ward
"""

_RETURNS = """
SELECT site_code, COUNT(*) FROM night_audit
WHERE deleted_at IS NULL AND audit_night BETWEEN ? AND ?
GROUP BY site_code
"""

_COUNT_MEASURES = {
    "ooh_nc_moves": "moves",
    "ooh_nc_moves_older_or_dementia": "older_or_dementia",
    "ooh_nc_moves_unauthorised": "unauthorised",
    "ooh_nc_moves_repeat": "repeat_moves",
}


def compute(conn: sqlite3.Connection, period: Period, reference: Reference) -> list[Row]:
    bounds = (period.start.isoformat(), period.end.isoformat())
    # totals[column][key]: key None = all, a site code, or ('ward', code)
    totals: dict[str, dict] = {c: defaultdict(int) for c in _COUNT_MEASURES.values()}
    for r in conn.execute(_MOVE_COUNTS, bounds):
        for column in totals:
            n = r[column] or 0
            totals[column][None] += n
            totals[column][r["site_code"]] += n
            totals[column][("ward", r["from_ward"])] += n
    returns: dict = defaultdict(int)
    for site_code, n in conn.execute(_RETURNS, bounds):
        returns[None] += n
        returns[site_code] += n

    rows: list[Row] = []
    for measure, column in _COUNT_MEASURES.items():
        for scope, code in scopes_for(measure, reference):
            key = ("ward", code) if scope.startswith("ward:") else code
            rows.append(count(measure, scope, totals[column][key]))
    for scope, code in scopes_for("ooh_nc_moves_per_night", reference):
        rows.append(mean("ooh_nc_moves_per_night", scope, totals["moves"][code], returns[code]))
    for scope, code in scopes_for("night_audit_completeness_pct", reference):
        site_days = period.days * (len(reference.sites) if code is None else 1)
        rows.append(pct("night_audit_completeness_pct", scope, returns[code], site_days))
    return rows
