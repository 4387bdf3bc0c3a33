"""The Transfer of Care measures of SPEC 6, from the store, for one period (by audit_date).

Step statuses are read from the evaluation stored with each audit (storage/toc.py), judged
against the policy in force on its audit date. A step that is not required (the patient left
on or before its due date) or that the policy does not time is in no denominator.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from casereview.domain.reference import Reference
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, median_of, pct, scopes_for

_REQUIRED = "('on_time', 'late', 'missing')"

# Live audits in the period, counted by site and ward. The index toc_audit_date answers it.
_COUNTS = f"""
SELECT site_code, ward_code,
       COUNT(*) AS audits,
       SUM(CASE WHEN letter2_status IN {_REQUIRED} THEN 1 ELSE 0 END) AS letter2_required,
       SUM(CASE WHEN letter2_status IN ('on_time', 'late') THEN 1 ELSE 0 END) AS letter2_dated,
       SUM(CASE WHEN letter2_status = 'on_time' THEN 1 ELSE 0 END) AS letter2_on_time,
       SUM(CASE WHEN escalation_status IN {_REQUIRED} THEN 1 ELSE 0 END)
         + SUM(CASE WHEN letter3_status IN {_REQUIRED} THEN 1 ELSE 0 END) AS escalation_required,
       SUM(CASE WHEN escalation_status = 'on_time' THEN 1 ELSE 0 END)
         + SUM(CASE WHEN letter3_status = 'on_time' THEN 1 ELSE 0 END) AS escalation_on_time,
       SUM(CASE WHEN required_steps > 0 THEN 1 ELSE 0 END) AS with_required,
       SUM(CASE WHEN required_steps > 0 AND adherence = 'full' THEN 1 ELSE 0 END)
           AS fully_adherent
FROM toc
WHERE deleted_at IS NULL AND audit_date BETWEEN ? AND ?
GROUP BY site_code, ward_code
"""

_FIT_TO_DISCHARGE = """
SELECT site_code, ward_code,
       CAST(julianday(discharge_date) - julianday(medically_fit_date) AS INTEGER) AS days
FROM toc
WHERE deleted_at IS NULL AND audit_date BETWEEN ? AND ? AND discharge_date IS NOT NULL
"""

# measure -> (numerator column, denominator column)
_PCT_MEASURES = {
    "toc_letter2_issued_pct": ("letter2_dated", "letter2_required"),
    "toc_letter2_on_time_pct": ("letter2_on_time", "letter2_required"),
    "toc_escalation_on_time_pct": ("escalation_on_time", "escalation_required"),
    "toc_full_adherence_pct": ("fully_adherent", "with_required"),
}

_COLUMNS = ("audits", "letter2_required", "letter2_dated", "letter2_on_time",
            "escalation_required", "escalation_on_time", "with_required", "fully_adherent")


def _key(scope: str, code: str | None):
    return ("ward", code) if scope.startswith("ward:") else code


def compute(conn: sqlite3.Connection, period: Period, reference: Reference) -> list[Row]:
    bounds = (period.start.isoformat(), period.end.isoformat())
    # totals[column][key]: key None = all, a site code, or ('ward', code)
    totals: dict[str, dict] = {c: defaultdict(int) for c in _COLUMNS}
    for r in conn.execute(_COUNTS, bounds):
        for column in _COLUMNS:
            n = r[column] or 0
            totals[column][None] += n
            totals[column][r["site_code"]] += n
            totals[column][("ward", r["ward_code"])] += n
    days: dict = defaultdict(list)
    for r in conn.execute(_FIT_TO_DISCHARGE, bounds):
        for key in (None, r["site_code"], ("ward", r["ward_code"])):
            days[key].append(r["days"])

    rows: list[Row] = []
    for scope, code in scopes_for("toc_audits", reference):
        rows.append(count("toc_audits", scope, totals["audits"][_key(scope, code)]))
    for measure, (numerator, denominator) in _PCT_MEASURES.items():
        for scope, code in scopes_for(measure, reference):
            key = _key(scope, code)
            rows.append(pct(measure, scope, totals[numerator][key], totals[denominator][key]))
    measure = "toc_fit_to_discharge_days_median"
    for scope, code in scopes_for(measure, reference):
        rows.append(median_of(measure, scope, days[_key(scope, code)]))
    return rows
