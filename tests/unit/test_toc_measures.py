"""The toc_* measures of SPEC 6 on a hand-made month, against values worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.toc import Policy, StepRule
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_month, parse_week
from casereview.storage.records import soft_delete
from casereview.storage.toc import add_policy
from tests.unit.toc_samples import store

# Default policy; admitted 1 Oct, fit 10 Oct unless said: letter1 due 3 Oct, letter2 12 Oct,
# escalation 17 Oct, letter3 24 Oct.
NO_STEPS = {"letter1_date": "", "choice_discussion_date": "", "letter2_date": "",
            "escalation_date": "", "letter3_date": ""}


@pytest.fixture
def month(ref_db, ctx):
    # 1. NGH A1: every step on time, discharged 30 Oct (fit to discharge 20 days).
    store(ref_db, ctx, audit_date="2026-11-02")
    # 2. NGH A1: letter1 on time, letter2 late, escalation missing, letter3 on time; still in.
    store(ref_db, ctx, audit_date="2026-11-03", letter2_date="2026-10-13", escalation_date="",
          discharge_date="", outcome="STILL_IN_HOSPITAL")
    # 3. NGH A2: discharged on letter2's due day: only letter1 required (on time, 3 Oct).
    store(ref_db, ctx, audit_date="2026-11-04", ward_code="A2",
          **dict(NO_STEPS, letter1_date="2026-10-03"), discharge_date="2026-10-12")
    # 4. WCH B1: fit on admission 1 Oct, discharged 2 Oct: no step required (1 day).
    store(ref_db, ctx, audit_date="2026-11-05", site_code="WCH", ward_code="B1",
          medically_fit_date="2026-10-01", **NO_STEPS, discharge_date="2026-10-02")
    # 5. WCH B1: letter1 missing, letter2 missing, escalation late, letter3 missing
    #    (discharged 25 Oct, the day after letter3 was due; 15 days).
    store(ref_db, ctx, audit_date="2026-11-23", site_code="WCH", ward_code="B1",
          **dict(NO_STEPS, escalation_date="2026-10-18"), discharge_date="2026-10-25")
    # Not counted: an audit dated in October, and a deleted one.
    store(ref_db, ctx, audit_date="2026-10-31", **NO_STEPS)
    deleted = store(ref_db, ctx, audit_date="2026-11-10", **NO_STEPS)
    soft_delete(ref_db, "toc", deleted, "tester")
    return summarise(ref_db, parse_month("2026-11"))


def cell(summary, measure, scope):
    row = summary.get(measure, scope)
    assert row is not None, f"{measure} {scope} missing"
    return row.value, row.numerator, row.denominator


def test_toc_audits(month):
    assert cell(month, "toc_audits", "all") == (5, 5, None)
    assert cell(month, "toc_audits", "site:NGH") == (3, 3, None)
    assert cell(month, "toc_audits", "site:WCH") == (2, 2, None)
    assert cell(month, "toc_audits", "ward:A1") == (2, 2, None)
    assert cell(month, "toc_audits", "ward:A2") == (1, 1, None)
    assert cell(month, "toc_audits", "ward:B1") == (2, 2, None)
    assert cell(month, "toc_audits", "ward:A3") == (0, 0, None)


def test_toc_letter2_issued_pct(month):
    # required letter2: audits 1 (on time), 2 (late), 5 (missing); 3 and 4 left out.
    assert cell(month, "toc_letter2_issued_pct", "all") == (pytest.approx(200 / 3), 2, 3)
    assert cell(month, "toc_letter2_issued_pct", "site:NGH") == (100, 2, 2)
    assert cell(month, "toc_letter2_issued_pct", "site:WCH") == (0, 0, 1)
    assert cell(month, "toc_letter2_issued_pct", "ward:A2") == (None, 0, 0)


def test_toc_letter2_on_time_pct(month):
    assert cell(month, "toc_letter2_on_time_pct", "all") == (pytest.approx(100 / 3), 1, 3)
    assert cell(month, "toc_letter2_on_time_pct", "site:NGH") == (50, 1, 2)
    assert cell(month, "toc_letter2_on_time_pct", "ward:A1") == (50, 1, 2)
    assert cell(month, "toc_letter2_on_time_pct", "ward:B1") == (0, 0, 1)
    assert cell(month, "toc_letter2_on_time_pct", "ward:B3") == (None, 0, 0)


def test_toc_escalation_on_time_pct(month):
    # escalation + letter3: audit 1 two on time; 2 one of two; 5 none of two; 3, 4 none required
    assert cell(month, "toc_escalation_on_time_pct", "all") == (50, 3, 6)
    assert cell(month, "toc_escalation_on_time_pct", "site:NGH") == (75, 3, 4)
    assert cell(month, "toc_escalation_on_time_pct", "site:WCH") == (0, 0, 2)
    assert cell(month, "toc_escalation_on_time_pct", "ward:A2") == (None, 0, 0)


def test_toc_full_adherence_pct(month):
    # audits with a required step: 1 (full), 2, 3 (full), 5; audit 4 required nothing.
    assert cell(month, "toc_full_adherence_pct", "all") == (50, 2, 4)
    assert cell(month, "toc_full_adherence_pct", "site:NGH") == (pytest.approx(200 / 3), 2, 3)
    assert cell(month, "toc_full_adherence_pct", "site:WCH") == (0, 0, 1)
    assert cell(month, "toc_full_adherence_pct", "ward:A1") == (50, 1, 2)
    assert cell(month, "toc_full_adherence_pct", "ward:A2") == (100, 1, 1)


def test_toc_fit_to_discharge_days_median(month):
    # discharged: 1 (20 days), 3 (2), 4 (1), 5 (15)
    assert cell(month, "toc_fit_to_discharge_days_median", "all") == (8.5, None, 4)
    assert cell(month, "toc_fit_to_discharge_days_median", "site:NGH") == (11, None, 2)
    assert cell(month, "toc_fit_to_discharge_days_median", "site:WCH") == (8, None, 2)
    assert cell(month, "toc_fit_to_discharge_days_median", "ward:A2") == (2, None, 1)
    assert cell(month, "toc_fit_to_discharge_days_median", "ward:A3") == (None, None, 0)


def test_every_scope_appears_even_when_empty(ref_db):
    summary = summarise(ref_db, parse_week("2026-W40"))
    scopes = [r.scope for r in summary.rows if r.measure == "toc_letter2_on_time_pct"]
    assert scopes == ["all", "site:NGH", "site:WCH", "ward:A1", "ward:A2", "ward:A3",
                      "ward:B1", "ward:B2", "ward:B3"]
    assert cell(summary, "toc_audits", "all") == (0, 0, None)
    assert cell(summary, "toc_full_adherence_pct", "all") == (None, 0, 0)


def test_the_period_goes_by_audit_date(month, ref_db):
    week = summarise(ref_db, parse_week("2026-W48"))  # 23-29 Nov: audit 5 only
    assert cell(week, "toc_audits", "all") == (1, 1, None)
    assert cell(week, "toc_escalation_on_time_pct", "all") == (0, 0, 2)


def test_measures_follow_the_policy_in_force_on_the_audit_date(ref_db, ctx):
    store(ref_db, ctx, audit_date="2026-11-02")   # default policy: every step on time
    store(ref_db, ctx, audit_date="2026-11-20")
    # From 15 Nov only letter2 is timed, due on the day the patient is fit (10 Oct): the
    # 12 Oct letter is late; the escalation steps are no longer required by anyone.
    add_policy(ref_db, Policy((StepRule("letter2", "medically_fit_date", 0),)),
               date(2026, 11, 15), "lead", "letter 2 on the day")
    summary = summarise(ref_db, parse_month("2026-11"))
    assert cell(summary, "toc_letter2_on_time_pct", "all") == (50, 1, 2)
    assert cell(summary, "toc_escalation_on_time_pct", "all") == (100, 2, 2)
    assert cell(summary, "toc_full_adherence_pct", "all") == (50, 1, 2)
