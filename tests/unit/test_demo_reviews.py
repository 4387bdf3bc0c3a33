"""The demo's case-note reviews: about 80 a year, the outcome mix a real programme sees,
drafts and signed-off reviews, synthetic patients only."""

from __future__ import annotations

from casereview.demo import build_demo
from casereview.metrics.engine import summarise
from casereview.metrics.periods import Period
from casereview.storage.check import check_database
from tests.conftest import NOW


def test_demo_reviews(tmp_path):
    db = build_demo(tmp_path / "demo.db", weeks=52, now=NOW)
    conn = db.conn
    rows = [dict(r) for r in conn.execute("SELECT * FROM review")]
    assert 70 <= len(rows) <= 90
    statuses = {r["status"] for r in rows}
    assert statuses == {"draft", "complete", "signed_off"}
    finished = [r for r in rows if r["status"] != "draft"]
    non_ideal = [r for r in finished if r["non_ideal_outcome"]]
    assert 0.40 <= len(non_ideal) / len(finished) <= 0.55
    more = [r for r in non_ideal if r["more_care_than_needed"]]
    assert len(more) > len(non_ideal) / 2
    for r in rows:
        assert r["patient_ref"].startswith("999") and len(r["patient_ref"]) == 10
        assert len(r["agencies"].split(";")) >= 2 or r["status"] == "draft"
        if r["status"] == "signed_off":
            assert r["signed_off_by"] and r["signed_off_at"]
        if r["status"] != "draft":
            assert r["learning"]
    links = conn.execute("SELECT COUNT(*) FROM review_agency").fetchone()[0]
    assert links == sum(len(r["agencies"].split(";")) for r in rows)
    assert check_database(db) == []
    first = min(r["review_date"] for r in rows)
    from datetime import date

    whole = Period("custom", "demo", date.fromisoformat(first), NOW.date())
    assert summarise(db, whole).get("reviews_completed").value == len(finished)
