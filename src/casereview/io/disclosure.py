"""Small-number suppression for published summaries (SPEC 7.2): every count from 1 to 7 in
value, numerator or denominator becomes "*", and so does a rate or mean built on one; 0 stays."""

from __future__ import annotations

from casereview.metrics.definitions import MEASURES

SUPPRESSED = "*"


def _small(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 7


def suppress_row(row: dict) -> dict:
    out = dict(row)
    if not MEASURES[row["measure"]].about_people:
        return out  # e.g. the action plan: no count of people to protect
    is_count = MEASURES[row["measure"]].is_count
    num_hidden = _small(row.get("numerator"))
    den_hidden = _small(row.get("denominator"))
    if num_hidden:
        out["numerator"] = SUPPRESSED
    if den_hidden:
        out["denominator"] = SUPPRESSED
    if is_count:
        if _small(row.get("value")):
            out["value"] = SUPPRESSED
    elif (num_hidden or den_hidden) and row.get("value") is not None:
        out["value"] = SUPPRESSED
    return out


def suppress_rows(rows: list[dict]) -> list[dict]:
    return [suppress_row(r) for r in rows]


def suppress_aggregate(measure: str, value, numerator, denominator):
    """A figure built from several weeks (the 13-week mean): shown only if the counts behind
    it would be shown. For a count measure the count behind a weekly mean is the total."""
    row = suppress_row({"measure": measure, "value": value, "numerator": numerator,
                        "denominator": denominator})
    if row["numerator"] == SUPPRESSED or row["denominator"] == SUPPRESSED:
        return SUPPRESSED
    return value
