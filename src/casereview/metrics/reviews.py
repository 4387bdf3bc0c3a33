"""The review measures of SPEC 6, from the store, for one period.

Only live reviews with status complete or signed_off count, and a review belongs to the period
of its review_date. The derived flags are the ones the review model stored when it was saved.
"""

from __future__ import annotations

import sqlite3

from casereview.domain.reference import Reference
from casereview.domain.review import FINISHED, INTENSITY_KNOWN
from casereview.metrics.periods import Period
from casereview.metrics.rows import Row, count, mean, pct, scopes_for

_KNOWN = ", ".join(f"'{code}'" for code in INTENSITY_KNOWN)
_COUNTED = (f"r.deleted_at IS NULL AND r.status IN ({', '.join(repr(s) for s in FINISHED)}) "
            "AND r.review_date BETWEEN ? AND ?")

_TOTALS = f"""
SELECT COUNT(*) AS reviews,
       COALESCE(SUM(r.non_ideal_outcome = 1), 0) AS non_ideal,
       COALESCE(SUM(r.more_care_than_needed = 1), 0) AS more_care,
       COALESCE(SUM(r.non_ideal_outcome = 1 AND r.ideal_outcome IN ({_KNOWN})
                    AND r.actual_outcome IN ({_KNOWN})), 0) AS non_ideal_comparable,
       COALESCE(SUM(r.admission_avoidable = 'yes'), 0) AS avoidable_yes,
       COALESCE(SUM(r.admission_avoidable IN ('yes', 'no')), 0) AS avoidable_answered,
       COALESCE(SUM(r.score_overall), 0) AS overall_total,
       COALESCE(SUM(r.score_overall <= 2), 0) AS poor,
       COALESCE(SUM(r.second_stage = 1), 0) AS second_stage,
       COALESCE(SUM(r.avoidable_delay_days), 0) AS delay_total,
       COUNT(r.avoidable_delay_days) AS delay_recorded,
       COALESCE(SUM((SELECT COUNT(*) FROM review_agency a WHERE a.review_id = r.id)), 0)
           AS agencies
FROM review r
WHERE {_COUNTED}
"""

_THEMES = f"""
SELECT t.theme_code, COUNT(*) FROM review_theme_link t JOIN review r ON r.id = t.review_id
WHERE {_COUNTED}
GROUP BY t.theme_code
"""


def compute(conn: sqlite3.Connection, period: Period, reference: Reference) -> list[Row]:
    bounds = (period.start.isoformat(), period.end.isoformat())
    t = conn.execute(_TOTALS, bounds).fetchone()
    n = t["reviews"]
    rows = [
        count("reviews_completed", "all", n),
        pct("non_ideal_outcome_pct", "all", t["non_ideal"], n),
        pct("more_care_than_needed_pct", "all", t["more_care"], t["non_ideal_comparable"]),
        pct("admission_avoidable_pct", "all", t["avoidable_yes"], t["avoidable_answered"]),
        mean("overall_care_score_mean", "all", t["overall_total"], n),
        pct("poor_care_pct", "all", t["poor"], n),
        count("second_stage_reviews", "all", t["second_stage"]),
        mean("avoidable_delay_days_mean", "all", t["delay_total"], t["delay_recorded"]),
        mean("agencies_per_review_mean", "all", t["agencies"], n),
    ]
    by_theme = dict(conn.execute(_THEMES, bounds).fetchall())
    for scope, code in scopes_for("review_theme", reference):
        carried = by_theme.get(code, 0)
        # SPEC 6: value = numerator = reviews carrying the theme; denominator = reviews.
        rows.append(Row("review_theme", scope, carried, carried, n))
    return rows
