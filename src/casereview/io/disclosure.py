"""Small-number suppression for published summaries (SPEC 7.2): every count of people or of
records about people from 1 to 7 in value, numerator or denominator becomes "*", and so does a
rate or mean built on one; 0 stays. Counts of other things are never suppressed: night audit
returns and site-nights count nights, (ward, week) pairs count weeks, actions count the plan's
actions, a mean's total counts scores, days or agencies (``NOT_PEOPLE``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from casereview.metrics.definitions import MEASURES

SUPPRESSED = "*"

# The parts of a row that do not count people or records about people, by measure: never
# suppressed. A count measure listed with "value" is never suppressed at all.
NOT_PEOPLE: dict[str, frozenset[str]] = {
    "night_audit_completeness_pct": frozenset({"numerator", "denominator"}),
    "ooh_nc_moves_per_night": frozenset({"denominator"}),       # audit returns: nights
    "experience_target_met_pct": frozenset({"numerator", "denominator"}),  # ward-weeks
    **{name: frozenset({"value", "numerator"})
       for name in ("actions_open", "actions_overdue", "actions_closed")},
    "actions_rag": frozenset({"value", "numerator", "denominator"}),
    # A mean's numerator is a total of scores, days or agencies, not of people; its
    # denominator (the reviews) is still suppressed, and the mean with it.
    **{name: frozenset({"numerator"})
       for name in ("overall_care_score_mean", "avoidable_delay_days_mean",
                    "agencies_per_review_mean")},
}


def _small(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 7


def suppress_row(row: dict) -> dict:
    out = dict(row)
    is_count = MEASURES[row["measure"]].is_count
    kept = NOT_PEOPLE.get(row["measure"], frozenset())
    num_hidden = "numerator" not in kept and _small(row.get("numerator"))
    den_hidden = "denominator" not in kept and _small(row.get("denominator"))
    if num_hidden:
        out["numerator"] = SUPPRESSED
    if den_hidden:
        out["denominator"] = SUPPRESSED
    if is_count:
        if "value" not in kept and _small(row.get("value")):
            out["value"] = SUPPRESSED
    elif (num_hidden or den_hidden) and row.get("value") is not None:
        out["value"] = SUPPRESSED
    return out


def suppress_count(n):
    """A count of people or of records about people, as published: 1-7 become "*"."""
    return SUPPRESSED if _small(n) else n


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


# --- patient references in free text ---------------------------------------------------------
# A board paper never holds a patient reference (SPEC 9), but learning is typed by people and
# may name one. Anything shaped like an NHS number (10 digits, spaces or dashes between the
# 3-3-4 groups allowed), and any word that is a patient reference held in the store, is
# replaced before the text is printed.
REDACTED = "[patient reference removed]"
_NHS_SHAPED = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")
_WORD = re.compile(r"\b[A-Za-z0-9]{1,20}\b")


def redact_patient_refs(text: str, known: Callable[[set[str]], set[str]]) -> str:
    """``text`` with its patient references replaced. ``known(words)`` says which of the
    words (upper case) are patient references (storage.patients.known_patient_refs): every
    word is asked about, as a local hospital number may be letters only."""
    text = _NHS_SHAPED.sub(REDACTED, text)
    words = {w.upper() for w in _WORD.findall(text)}
    refs = known(words) if words else set()
    if not refs:
        return text
    return _WORD.sub(lambda m: REDACTED if m.group(0).upper() in refs else m.group(0), text)


def patient_ref_cleaner(db) -> Callable[[str], str]:
    """Free text with its patient references removed (each word checked against the store):
    for the notes, reasons and learning that papers print."""
    from casereview.storage.patients import known_patient_refs

    def known(words: set[str]) -> set[str]:
        return known_patient_refs(db, words)

    return lambda text: redact_patient_refs(text, known)
