"""The patient-experience measures of SPEC 6, against values worked out by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from casereview.domain.experience import Experience
from casereview.domain.reference import Ward
from casereview.domain.validation import validate
from casereview.domain.values import LONDON
from casereview.metrics.engine import summarise
from casereview.metrics.experience import compute
from casereview.metrics.periods import parse_period
from casereview.storage.context import load_context
from casereview.storage.experience import save_experience, set_weekly_target
from casereview.storage.records import soft_delete
from casereview.storage.reference import load_reference, save_site, save_ward

EXPERIENCE_MEASURES = ["experience_samples", "experience_target_met_pct", "fft_positive_pct",
                       "fft_negative_pct", "dignity_always_pct", "involved_definitely_pct",
                       "moved_at_night_reported_pct"]


@pytest.fixture
def later(ref_db):
    """A context whose clock is in February 2027, so December and January samples are past."""
    return load_context(ref_db, datetime(2027, 2, 1, 9, 0, tzinfo=LONDON))


def add(db, ctx, day: str, ward: str, fft: str = "GOOD", dignity: str = "",
        involved: str = "", moved: str = "") -> int:
    raw = {"sample_date": day, "site_code": ctx.reference.wards[ward].site_code,
           "ward_code": ward, "collected_by": "tester", "fft": fft, "dignity": dignity,
           "involved": involved, "moved_at_night": moved}
    return save_experience(db, validate(Experience, raw, ctx), "tester")


def values(db, label: str, kind: str = "week") -> dict[tuple[str, str], tuple]:
    period = parse_period(kind, label)
    rows = compute(db.conn, period, load_reference(db))
    return {(r.measure, r.scope): (r.value, r.numerator, r.denominator) for r in rows}


@pytest.fixture
def week47(ref_db, later):
    """Samples in 2026-W47 (Mon 16 - Sun 22 Nov 2026), and some just outside it."""
    db = ref_db
    # A1 (NGH, older adults): six samples, two of them DONT_KNOW.
    for fft, dignity, involved, moved in [
        ("VERY_GOOD", "ALWAYS", "DEFINITELY", "YES"),
        ("GOOD", "ALWAYS", "SOME_EXTENT", "NO"),
        ("NEITHER", "SOMETIMES", "NO", "DONT_KNOW"),
        ("POOR", "NO", "NOT_APPLICABLE", ""),
        ("DONT_KNOW", "", "", "NO"),
        ("DONT_KNOW", "", "DEFINITELY", "NO"),
    ]:
        add(db, later, "2026-11-16", "A1", fft, dignity, involved, moved)
    # A2 (NGH, older adults): four samples, one short of the target; Sunday counts in W47.
    for fft, moved in [("VERY_POOR", "YES"), ("GOOD", "YES"), ("GOOD", "DONT_KNOW"),
                       ("VERY_GOOD", "")]:
        add(db, later, "2026-11-22", "A2", fft, involved="NOT_APPLICABLE", moved=moved)
    # A3 (NGH, not older adults): one sample, DONT_KNOW, nothing else answered.
    add(db, later, "2026-11-19", "A3", "DONT_KNOW")
    # B1 (WCH, older adults): exactly five.
    for _ in range(5):
        add(db, later, "2026-11-18", "B1", "VERY_GOOD", "ALWAYS", "DEFINITELY", "NO")
    # Outside W47 or deleted: in none of the W47 values.
    add(db, later, "2026-11-15", "A2", "POOR")
    add(db, later, "2026-11-23", "B2", "POOR")
    soft_delete(db, "experience", add(db, later, "2026-11-17", "A1", "VERY_POOR", "NO"), "t")
    return db


def test_experience_samples_per_scope(week47):
    got = values(week47, "2026-W47")
    expected = {"all": 16, "site:NGH": 11, "site:WCH": 5, "ward:A1": 6, "ward:A2": 4,
                "ward:A3": 1, "ward:B1": 5, "ward:B2": 0, "ward:B3": 0}
    for scope, n in expected.items():
        assert got[("experience_samples", scope)] == (n, n, None)


def test_fft_counts_dont_know_in_the_denominator(week47):
    got = values(week47, "2026-W47")
    # all: positive = A1 2 + A2 3 + B1 5 = 10 of 16 samples, three of which are DONT_KNOW.
    assert got[("fft_positive_pct", "all")] == (62.5, 10, 16)
    assert got[("fft_negative_pct", "all")] == (12.5, 2, 16)
    assert got[("fft_positive_pct", "site:NGH")] == pytest.approx((500 / 11, 5, 11))
    assert got[("fft_negative_pct", "site:NGH")] == pytest.approx((200 / 11, 2, 11))
    assert got[("fft_positive_pct", "ward:A1")] == pytest.approx((100 / 3, 2, 6))
    assert got[("fft_negative_pct", "ward:A1")] == pytest.approx((50 / 3, 1, 6))
    # A ward whose only sample is DONT_KNOW has 0% positive, not an empty rate.
    assert got[("fft_positive_pct", "ward:A3")] == (0.0, 0, 1)
    assert got[("fft_positive_pct", "site:WCH")] == (100.0, 5, 5)
    assert got[("fft_negative_pct", "site:WCH")] == (0.0, 0, 5)


def test_dignity_counts_only_samples_that_answered(week47):
    got = values(week47, "2026-W47")
    assert got[("dignity_always_pct", "all")] == pytest.approx((700 / 9, 7, 9))
    assert got[("dignity_always_pct", "ward:A1")] == (50.0, 2, 4)
    assert got[("dignity_always_pct", "ward:A2")] == (None, 0, 0)
    assert got[("dignity_always_pct", "site:NGH")] == (50.0, 2, 4)


def test_involved_leaves_out_not_applicable_and_blank(week47):
    got = values(week47, "2026-W47")
    assert got[("involved_definitely_pct", "all")] == pytest.approx((700 / 9, 7, 9))
    assert got[("involved_definitely_pct", "ward:A1")] == (50.0, 2, 4)
    assert got[("involved_definitely_pct", "ward:A2")] == (None, 0, 0)  # all NOT_APPLICABLE
    assert got[("involved_definitely_pct", "site:WCH")] == (100.0, 5, 5)


def test_moved_at_night_leaves_out_dont_know_and_blank(week47):
    got = values(week47, "2026-W47")
    assert got[("moved_at_night_reported_pct", "all")] == pytest.approx((300 / 11, 3, 11))
    assert got[("moved_at_night_reported_pct", "ward:A1")] == (25.0, 1, 4)
    assert got[("moved_at_night_reported_pct", "ward:A2")] == (100.0, 2, 2)
    assert got[("moved_at_night_reported_pct", "site:NGH")] == (50.0, 3, 6)
    assert got[("moved_at_night_reported_pct", "site:WCH")] == (0.0, 0, 5)


def test_target_met_in_a_week(week47):
    got = values(week47, "2026-W47")
    # Older-adult wards A1 (6), A2 (4), B1 (5), B2 (0) against 5: A1 and B1 met.
    assert got[("experience_target_met_pct", "all")] == (50.0, 2, 4)
    assert got[("experience_target_met_pct", "site:NGH")] == (50.0, 1, 2)
    assert got[("experience_target_met_pct", "site:WCH")] == (50.0, 1, 2)
    assert ("experience_target_met_pct", "ward:A1") not in got  # all and site scopes only


def test_target_follows_the_setting(week47):
    set_weekly_target(week47, "4", "manager")
    got = values(week47, "2026-W47")
    assert got[("experience_target_met_pct", "all")] == (75.0, 3, 4)
    set_weekly_target(week47, "6", "manager")
    assert values(week47, "2026-W47")[("experience_target_met_pct", "all")] == (25.0, 1, 4)


@pytest.fixture
def edges(ref_db, later):
    db = ref_db
    # A1: five samples in the week of Mon 26 Oct, three in October and two on Sun 1 Nov.
    for day in ("2026-10-30", "2026-10-31", "2026-10-31", "2026-11-01", "2026-11-01"):
        add(db, later, day, "A1")
    # A1: five samples in the week of Mon 30 Nov, all dated in December (1-6 Dec).
    for day in ("2026-12-01", "2026-12-02", "2026-12-04", "2026-12-05", "2026-12-06"):
        add(db, later, day, "A1")
    # A2: five in the week of Mon 16 Nov, all on its Sunday.
    for _ in range(5):
        add(db, later, "2026-11-22", "A2")
    # B1: five around a week boundary: three on Sun 8 Nov, two on Mon 9 Nov: neither week met.
    for day in ("2026-11-08", "2026-11-08", "2026-11-08", "2026-11-09", "2026-11-09"):
        add(db, later, day, "B1")
    # B2: five in the week of Mon 28 Dec 2026 (ISO 2026-W53), two in 2026 and three in 2027.
    for day in ("2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"):
        add(db, later, day, "B2")
    # B2: five in the week of Mon 28 Sep, four of them in October.
    for day in ("2026-09-28", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"):
        add(db, later, day, "B2")
    return db


def test_target_met_in_a_month_counts_whole_weeks_whose_monday_is_in_it(edges):
    got = values(edges, "2026-11", "month")
    # November 2026 has the Mondays 2, 9, 16, 23 and 30: 4 older-adult wards x 5 weeks = 20.
    # Met: A2 in the week of 16 Nov, and A1 in the week of 30 Nov (its samples are all in
    # December). A1's week of 26 Oct is not in November, although two of its samples are.
    assert got[("experience_target_met_pct", "all")] == (10.0, 2, 20)
    assert got[("experience_target_met_pct", "site:NGH")] == (20.0, 2, 10)
    assert got[("experience_target_met_pct", "site:WCH")] == (0.0, 0, 10)
    # experience_samples counts by sample date: the two on 1 Nov, A2's five and B1's five.
    assert got[("experience_samples", "all")][0] == 12
    assert got[("experience_samples", "ward:A1")][0] == 2


def test_target_met_in_a_month_starting_on_a_monday(edges):
    # February 2027 starts on a Monday: Mondays 1, 8, 15 and 22; no samples at all.
    got = values(edges, "2027-02", "month")
    assert got[("experience_target_met_pct", "all")] == (0.0, 0, 16)


def test_target_met_in_a_quarter(edges):
    got = values(edges, "2026/27 Q3", "quarter")
    # 1 Oct - 31 Dec 2026: Mondays 5 Oct ... 28 Dec = 13 weeks; 4 wards x 13 = 52 pairs.
    # Met: A1 26 Oct, A1 30 Nov, A2 16 Nov, B2 28 Dec (three of its samples in January).
    # B2's week of 28 Sep starts in Q2, so it is not a pair of Q3.
    assert got[("experience_target_met_pct", "all")] == pytest.approx((400 / 52, 4, 52))
    assert got[("experience_target_met_pct", "site:WCH")] == pytest.approx((100 / 26, 1, 26))
    assert got[("experience_samples", "all")][0] == 5 + 5 + 5 + 5 + 2 + 4


def test_target_met_in_a_year_end_week(edges):
    got = values(edges, "2026-W53")
    assert got[("experience_target_met_pct", "all")] == (25.0, 1, 4)
    assert got[("experience_target_met_pct", "site:WCH")] == (50.0, 1, 2)


def test_a_site_without_older_adult_wards_has_no_target_rate(ref_db, later):
    save_site(ref_db, "ZZH", "Zed Hospital", "t")
    save_ward(ref_db, Ward("Z1", "Zed 1", "ZZH", False), "t")
    fresh = load_context(ref_db, later.now)
    add(ref_db, fresh, "2026-11-18", "Z1")
    got = values(ref_db, "2026-W47")
    assert got[("experience_target_met_pct", "site:ZZH")] == (None, 0, 0)
    assert got[("experience_samples", "site:ZZH")] == (1, 1, None)
    # Still 4 older-adult wards (A1, A2, B1, B2) in the all-sites denominator.
    assert got[("experience_target_met_pct", "all")] == (0.0, 0, 4)


def test_an_empty_period_has_zero_counts_and_null_rates(ref_db):
    got = values(ref_db, "2026-W40")
    assert got[("experience_samples", "all")] == (0, 0, None)
    for measure in EXPERIENCE_MEASURES[2:]:
        assert got[(measure, "all")] == (None, 0, 0)
    assert got[("experience_target_met_pct", "all")] == (0.0, 0, 4)


def test_the_summary_carries_every_experience_measure_and_scope(week47):
    summary = summarise(week47, parse_period("week", "2026-W47"))
    scopes: dict[str, list[str]] = {}
    for row in summary.rows:
        scopes.setdefault(row.measure, []).append(row.scope)
    wards = ["ward:A1", "ward:A2", "ward:A3", "ward:B1", "ward:B2", "ward:B3"]
    for measure in EXPERIENCE_MEASURES:
        expected = ["all", "site:NGH", "site:WCH"]
        if measure != "experience_target_met_pct":
            expected += wards
        assert scopes[measure] == expected
    assert summary.get("fft_positive_pct").value == 62.5


def test_cli_summary_json_carries_the_experience_rows(week47, db_path, tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    import casereview

    env = dict(os.environ, PYTHONPATH=str(Path(casereview.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-m", "casereview", "summary", "--week", "2026-W47",
                           "--db", str(db_path)], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {(m["measure"], m["scope"]): m for m in json.loads(done.stdout)["measures"]}
    assert rows[("fft_positive_pct", "all")] == {
        "measure": "fft_positive_pct", "scope": "all", "value": 62.5, "numerator": 10,
        "denominator": 16}
    assert rows[("experience_target_met_pct", "site:NGH")]["value"] == 50.0
    assert rows[("dignity_always_pct", "ward:B2")]["value"] is None
