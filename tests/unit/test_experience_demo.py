"""The demo's patient-experience samples: most weeks on every older-adult ward, some short of
the target, synthetic NHS numbers only, and every sample valid."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from conftest import NOW

from casereview.demo import build_demo
from casereview.domain.experience import Experience
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.experience import samples_by_ward_week


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = build_demo(tmp_path_factory.mktemp("demo") / "demo.db", weeks=12, now=NOW)
    yield db
    db.conn.close()


def test_samples_for_every_older_adult_ward_most_weeks(demo):
    wards = [r[0] for r in demo.conn.execute(
        "SELECT ward_code FROM ward WHERE older_adults = 1")]
    assert len(wards) >= 6
    # NOW is Mon 23 Nov 2026; the demo runs to Sun 22 Nov: 12 whole weeks from 31 Aug.
    mondays = [date.fromordinal(date(2026, 8, 31).toordinal() + 7 * i) for i in range(12)]
    counts = samples_by_ward_week(demo.conn, mondays[0], mondays[-1])
    met = short = 0
    for ward in wards:
        weeks_with_samples = sum(1 for m in mondays if counts.get((ward, m), 0) > 0)
        assert weeks_with_samples >= 8, ward
        met += sum(1 for m in mondays if counts.get((ward, m), 0) >= 5)
        short += sum(1 for m in mondays if counts.get((ward, m), 0) < 5)
    pairs = len(wards) * len(mondays)
    assert 0.55 * pairs <= met < pairs
    assert short >= 3


def test_only_older_adult_wards_no_future_dates(demo):
    outside = demo.conn.execute(
        "SELECT COUNT(*) FROM experience e JOIN ward w USING (ward_code) "
        "WHERE w.older_adults = 0").fetchone()[0]
    assert outside == 0
    latest = demo.conn.execute("SELECT MAX(sample_date) FROM experience").fetchone()[0]
    assert latest <= "2026-11-22"


def test_every_demo_sample_passes_the_model_and_uses_synthetic_numbers(demo):
    context = load_context(demo, NOW)
    columns = [c for c in Experience.model_fields]
    refs = 0
    for row in demo.conn.execute("SELECT * FROM experience"):
        raw = {c: ("" if row[c] is None else str(row[c])) for c in columns}
        for flag in ("dementia", "proxy"):
            raw[flag] = {"1": "yes", "0": "no"}.get(raw[flag], "")
        validate(Experience, raw, context)
        if row["patient_ref"]:
            refs += 1
            assert "9990000000" <= row["patient_ref"] <= "9999999999"
    assert refs > 0


def test_answers_and_comments_vary_like_real_ones(demo):
    answers = Counter(r[0] for r in demo.conn.execute("SELECT fft FROM experience"))
    assert set(answers) == {"VERY_GOOD", "GOOD", "NEITHER", "POOR", "VERY_POOR", "DONT_KNOW"}
    assert answers["VERY_GOOD"] + answers["GOOD"] > sum(answers.values()) / 2
    comments = {r[0] for r in demo.conn.execute(
        "SELECT comment FROM experience WHERE comment IS NOT NULL")}
    assert len(comments) >= 20
    themed = demo.conn.execute("SELECT COUNT(*) FROM experience WHERE themes <> ''").fetchone()[0]
    assert themed > 0
