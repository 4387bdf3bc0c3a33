"""SPEC 9: the board pack's learning is that of the period: live, finished reviews dated from
its first to its last day (a draft, a deleted review and the days either side are not)."""

from __future__ import annotations

from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.metrics.periods import parse_week
from casereview.storage.records import soft_delete
from casereview.storage.reviews import learning_between, save_review
from tests.review_samples import complete_raw


def test_the_learning_of_a_week_is_its_finished_live_reviews(ref_db, ctx):
    def review(day, text, **changes):
        return save_review(ref_db, validate(Review, complete_raw(
            review_date=day, learning=text, **changes), ctx), "lead")

    # W46 is Mon 9 - Sun 15 Nov 2026.
    review("2026-11-08", "the Sunday before")
    review("2026-11-09", "the Monday")
    review("2026-11-15", "the Sunday")
    review("2026-11-16", "the Monday after")
    review("2026-11-12", "a draft", status="draft")
    soft_delete(ref_db, "review", review("2026-11-12", "deleted"), "lead")
    review("2026-11-13", "   ")
    week = parse_week("2026-W46")
    assert learning_between(ref_db, week.start, week.end) == [
        ("2026-11-09", "the Monday"), ("2026-11-15", "the Sunday")]
