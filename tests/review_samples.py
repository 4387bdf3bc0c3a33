"""A valid complete review as raw strings, shared by the review tests."""

from __future__ import annotations

NHS = "9990000018"  # synthetic, passes Modulus 11


def complete_raw(**changes) -> dict:
    raw = {
        "status": "complete",
        "review_date": "2026-11-20",
        "patient_ref": NHS,
        "age": "84",
        "dementia": "yes",
        "admission_date": "2026-09-01",
        "medically_fit_date": "2026-09-10",
        "discharge_date": "2026-09-24",
        "agencies": "ACUTE;ASC",
        "reviewers": "A. Shah (ACUTE); B. Jones (ASC)",
        "ideal_outcome": "HOME_SUPPORT",
        "actual_outcome": "RESIDENTIAL",
        "admission_avoidable": "no",
        "score_pre_admission": "3",
        "score_admission": "4",
        "score_ongoing": "3",
        "score_discharge_planning": "2",
        "score_transfer": "",
        "score_overall": "3",
        "avoidable_delay_days": "9",
        "ward_moves": "2",
        "themes": "RISK_AVERSE;CARE_AVAILABILITY",
        "learning": "Home first was not considered.",
    }
    raw.update(changes)
    return raw
