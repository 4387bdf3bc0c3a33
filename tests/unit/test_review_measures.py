"""The review measures of SPEC 6, against values worked out by hand.

Week 2026-W46 runs Monday 9 Nov to Sunday 15 Nov 2026. Four reviews count in it (R1-R4); the
others are there to be left out (a draft, deleted, and just outside the week either side) and
carry values that would change every measure if they were counted.
"""

from __future__ import annotations

import json

import pytest

from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.io.summary_files import summary_json
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_week
from casereview.storage.db import transaction
from casereview.storage.reference import load_reference, save_theme
from casereview.storage.reviews import delete_review, insert_reviews, save_review
from tests.review_samples import complete_raw

WEEK = parse_week("2026-W46")
PHASES_3 = dict(score_pre_admission="3", score_admission="3", score_ongoing="3",
                score_discharge_planning="3", score_transfer="3")

COUNTED = {
    "R1": dict(review_date="2026-11-15", ideal_outcome="HOME", actual_outcome="RESIDENTIAL",
               admission_avoidable="yes", score_overall="2", **PHASES_3,
               avoidable_delay_days="10", agencies="ACUTE;ASC", themes="RISK_AVERSE;HOME_FIRST"),
    "R2": dict(review_date="2026-11-09", status="signed_off", ideal_outcome="HOME_SUPPORT",
               actual_outcome="HOME_SUPPORT", admission_avoidable="no", score_overall="4",
               score_pre_admission="4", score_admission="4", score_ongoing="4",
               score_discharge_planning="4", score_transfer="", avoidable_delay_days="",
               agencies="ACUTE;ASC;GP", themes="GOOD_PRACTICE"),
    "R3": dict(review_date="2026-11-11", ideal_outcome="NURSING", actual_outcome="RESIDENTIAL",
               admission_avoidable="unsure", score_overall="3", **dict(PHASES_3,
                                                                         score_admission="1"),
               avoidable_delay_days="0", agencies="ACUTE;COMMUNITY;ASC;CAREHOME",
               themes="RISK_AVERSE"),
    "R4": dict(review_date="2026-11-12", ideal_outcome="HOME", actual_outcome="HOSPICE",
               admission_avoidable="", score_overall="5", **dict(PHASES_3, score_admission="4"),
               avoidable_delay_days="3", agencies="ACUTE;MH", themes=""),
}
LEFT_OUT = dict(ideal_outcome="HOME", actual_outcome="NURSING", admission_avoidable="yes",
                score_overall="1", avoidable_delay_days="40",
                agencies="ACUTE;ASC;GP;MH;VCS;AMB", themes="RISK_AVERSE;FAMILY")
NOT_COUNTED = {
    "draft in the week": dict(LEFT_OUT, review_date="2026-11-10", status="draft"),
    "Monday after": dict(LEFT_OUT, review_date="2026-11-16"),
    "Sunday before": dict(LEFT_OUT, review_date="2026-11-08"),
}


@pytest.fixture
def reviews_db(ref_db, ctx):
    patients = iter(f"H{n:05d}" for n in range(1, 100))
    reviews = [validate(Review, complete_raw(patient_ref=next(patients),
                                             admission_date="2026-10-01",
                                             medically_fit_date="", discharge_date="", **spec),
                        ctx)
               for spec in [*COUNTED.values(), *NOT_COUNTED.values()]]
    with transaction(ref_db) as conn:
        insert_reviews(conn, reviews, "test", "2026-11-23T09:00:00+00:00")
    deleted = save_review(ref_db, validate(Review, complete_raw(
        patient_ref=next(patients), review_date="2026-11-13", **{
            k: v for k, v in LEFT_OUT.items()}), ctx), "test")
    delete_review(ref_db, deleted, "test", "entered in error")
    return ref_db


def rows_of(db) -> dict[tuple[str, str], tuple]:
    summary = summarise(db, WEEK)
    return {(r.measure, r.scope): (r.value, r.numerator, r.denominator) for r in summary.rows}


def test_review_measures_by_hand(reviews_db):
    got = rows_of(reviews_db)
    assert got[("reviews_completed", "all")] == (4, 4, None)
    assert got[("non_ideal_outcome_pct", "all")] == (75.0, 3, 4)        # R1 R3 R4
    assert got[("more_care_than_needed_pct", "all")] == (50.0, 1, 2)    # R1 of R1 R3
    assert got[("admission_avoidable_pct", "all")] == (50.0, 1, 2)      # R1 of R1 R2
    assert got[("overall_care_score_mean", "all")] == (3.5, 14, 4)      # 2+4+3+5
    assert got[("poor_care_pct", "all")] == (25.0, 1, 4)                # R1
    assert got[("second_stage_reviews", "all")] == (2, 2, None)         # R1 (2), R3 (phase 1)
    value, num, den = got[("avoidable_delay_days_mean", "all")]         # 10+0+3 over 3
    assert (num, den) == (13, 3) and value == pytest.approx(13 / 3)
    assert got[("agencies_per_review_mean", "all")] == (2.75, 11, 4)    # 2+3+4+2


def test_review_theme_has_a_scope_per_theme(reviews_db):
    got = rows_of(reviews_db)
    themes = {scope: v for (measure, scope), v in got.items() if measure == "review_theme"}
    assert len(themes) == 12
    assert themes["theme:RISK_AVERSE"] == (2, 2, 4)
    assert themes["theme:HOME_FIRST"] == (1, 1, 4)
    assert themes["theme:GOOD_PRACTICE"] == (1, 1, 4)
    assert themes["theme:FAMILY"] == (0, 0, 4)


def test_review_measures_have_only_the_all_scope(reviews_db):
    scopes = {scope for (measure, scope) in rows_of(reviews_db)
              if measure != "review_theme" and measure in (
                  "reviews_completed", "non_ideal_outcome_pct", "more_care_than_needed_pct",
                  "admission_avoidable_pct", "overall_care_score_mean", "poor_care_pct",
                  "second_stage_reviews", "avoidable_delay_days_mean",
                  "agencies_per_review_mean")}
    assert scopes == {"all"}


def test_a_period_without_reviews_has_zero_counts_and_null_rates(ref_db):
    got = rows_of(ref_db)
    assert got[("reviews_completed", "all")] == (0, 0, None)
    assert got[("non_ideal_outcome_pct", "all")] == (None, 0, 0)
    assert got[("more_care_than_needed_pct", "all")] == (None, 0, 0)
    assert got[("overall_care_score_mean", "all")] == (None, 0, 0)
    assert got[("avoidable_delay_days_mean", "all")] == (None, 0, 0)
    assert got[("second_stage_reviews", "all")] == (0, 0, None)
    assert got[("review_theme", "theme:CHOICE")] == (0, 0, 0)


def test_a_new_theme_is_reported(reviews_db):
    save_theme(reviews_db, "review_theme", "TRANSPORT", "transport home", "test")
    assert rows_of(reviews_db)[("review_theme", "theme:TRANSPORT")] == (0, 0, 4)


def test_month_and_quarter_periods_follow_review_date(reviews_db):
    from casereview.metrics.periods import parse_month, parse_quarter

    month = summarise(reviews_db, parse_month("2026-11"), reference=load_reference(reviews_db))
    assert month.get("reviews_completed").value == 6   # R1-R4, 8 Nov and 16 Nov
    quarter = summarise(reviews_db, parse_quarter("2026/27 Q3"))
    assert quarter.get("reviews_completed").value == 6


def test_summary_json_carries_the_review_rows(reviews_db):
    data = json.loads(summary_json(summarise(reviews_db, WEEK)))
    rows = {(m["measure"], m["scope"]): m for m in data["measures"]}
    assert rows[("non_ideal_outcome_pct", "all")] == {
        "measure": "non_ideal_outcome_pct", "scope": "all", "value": 75.0, "numerator": 3,
        "denominator": 4}
    assert rows[("review_theme", "theme:RISK_AVERSE")] == {
        "measure": "review_theme", "scope": "theme:RISK_AVERSE", "value": 2, "numerator": 2,
        "denominator": 4}


def test_cli_summary_from_an_imported_file(tmp_path):
    """The acceptance path: a SPEC-format file in, `summary --format json` out."""
    import csv
    import os
    import subprocess
    import sys
    from pathlib import Path

    import casereview
    from casereview.io.kinds import REVIEW_COLUMNS

    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, REVIEW_COLUMNS)
        writer.writeheader()
        for n, spec in enumerate([*COUNTED.values(), *NOT_COUNTED.values()]):
            raw = complete_raw(patient_ref=f"H{n:05d}", admission_date="2026-10-01",
                               medically_fit_date="", discharge_date="", **spec)
            writer.writerow({c: raw.get(c, "") for c in REVIEW_COLUMNS})
    env = dict(os.environ, PYTHONPATH=str(Path(casereview.__file__).parents[1]))
    db = str(tmp_path / "cli.db")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "casereview", *args, "--db", db],
                              capture_output=True, text=True, env=env)

    assert run("import", "reviews", str(path)).returncode == 0
    done = run("summary", "--week", "2026-W46", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {(m["measure"], m["scope"]): (m["value"], m["numerator"], m["denominator"])
            for m in json.loads(done.stdout)["measures"]}
    assert rows[("reviews_completed", "all")] == (4, 4, None)
    assert rows[("more_care_than_needed_pct", "all")] == (50.0, 1, 2)
    assert rows[("agencies_per_review_mean", "all")] == (2.75, 11, 4)
    assert rows[("review_theme", "theme:RISK_AVERSE")] == (2, 2, 4)
