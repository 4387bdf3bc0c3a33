"""The patient-experience measures of SPEC 6, from the store, for one period."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from casereview.domain.reference import Reference
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, pct, scopes_for
from casereview.storage.experience import samples_by_ward_week, weekly_target

# Live samples dated in the period, by the site and ward they were collected on; one column per
# numerator and denominator below. DONT_KNOW is an FFT answer like any other, so it is in the
# FFT denominator (all samples); the other questions leave out blanks and the answers that say
# nothing either way (NOT_APPLICABLE, DONT_KNOW), as SPEC 6 defines each denominator.
_SAMPLE_COUNTS = """
SELECT site_code, ward_code,
       COUNT(*) AS samples,
       SUM(fft IN ('VERY_GOOD', 'GOOD')) AS fft_positive,
       SUM(fft IN ('POOR', 'VERY_POOR')) AS fft_negative,
       SUM(dignity = 'ALWAYS') AS dignity_always,
       SUM(dignity IS NOT NULL) AS dignity_answered,
       SUM(involved = 'DEFINITELY') AS involved_definitely,
       SUM(involved IN ('DEFINITELY', 'SOME_EXTENT', 'NO')) AS involved_answered,
       SUM(moved_at_night = 'YES') AS moved_yes,
       SUM(moved_at_night IN ('YES', 'NO')) AS moved_answered
FROM experience
WHERE deleted_at IS NULL AND sample_date BETWEEN ? AND ?
GROUP BY site_code, ward_code
"""

# measure -> (numerator column, denominator column)
_RATES = {
    "fft_positive_pct": ("fft_positive", "samples"),
    "fft_negative_pct": ("fft_negative", "samples"),
    "dignity_always_pct": ("dignity_always", "dignity_answered"),
    "involved_definitely_pct": ("involved_definitely", "involved_answered"),
    "moved_at_night_reported_pct": ("moved_yes", "moved_answered"),
}


def _key(scope: str, code: str | None):
    return ("ward", code) if scope.startswith("ward:") else code


def compute(conn: sqlite3.Connection, period: Period, reference: Reference) -> list[Row]:
    # totals[column][key]: key None = all, a site code, or ('ward', code)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute(_SAMPLE_COUNTS, (period.start.isoformat(), period.end.isoformat())):
        for column in r.keys()[2:]:
            n = r[column] or 0
            totals[column][None] += n
            totals[column][r["site_code"]] += n
            totals[column][("ward", r["ward_code"])] += n

    rows: list[Row] = []
    for scope, code in scopes_for("experience_samples", reference):
        rows.append(count("experience_samples", scope, totals["samples"][_key(scope, code)]))
    rows += _target_met(conn, period, reference)
    for measure, (numerator, denominator) in _RATES.items():
        for scope, code in scopes_for(measure, reference):
            key = _key(scope, code)
            rows.append(pct(measure, scope, totals[numerator][key], totals[denominator][key]))
    return rows


def _target_met(conn: sqlite3.Connection, period: Period, reference: Reference) -> list[Row]:
    """(older-adult ward, ISO week) pairs with at least the target number of samples, over
    older-adult wards x ISO weeks whose Monday lies in the period. A week counts whole: a
    sample on the Sunday after a month's last Monday counts for that week, and a week whose
    Monday falls before the period is not in it at all."""
    mondays = period.week_mondays()
    target = weekly_target(conn)
    counts = samples_by_ward_week(conn, mondays[0], mondays[-1]) if mondays else {}
    met: dict = defaultdict(int)
    pairs: dict = defaultdict(int)
    for ward in reference.wards.values():
        if not ward.older_adults:
            continue
        hits = sum(1 for m in mondays if counts.get((ward.ward_code, m), 0) >= target)
        for key in (None, ward.site_code):
            met[key] += hits
            pairs[key] += len(mondays)
    return [pct("experience_target_met_pct", scope, met[code], pairs[code])
            for scope, code in scopes_for("experience_target_met_pct", reference)]
