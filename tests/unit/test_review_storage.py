"""Reviews in the store: drafts, completion, sign-off, amendment, links kept in step, and the
keyset-paged list with its filters."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.storage.changelog import history
from casereview.storage.db import transaction
from casereview.storage.records import RecordNotFound
from casereview.storage.reviews import (
    AmendmentRefused,
    NotReadyToSignOff,
    ReviewFilter,
    ReviewLocked,
    amend,
    delete_review,
    get_review,
    insert_reviews,
    review_list,
    save_review,
    sign_off,
)
from tests.conftest import walk
from tests.review_samples import NHS, complete_raw


def build(ctx, **changes) -> Review:
    return validate(Review, complete_raw(**changes), ctx)


def links(db, review_id: int) -> tuple[list[str], list[str]]:
    agencies = [r[0] for r in db.conn.execute(
        "SELECT agency_code FROM review_agency WHERE review_id = ? ORDER BY agency_code",
        (review_id,))]
    themes = [r[0] for r in db.conn.execute(
        "SELECT theme_code FROM review_theme_link WHERE review_id = ? ORDER BY theme_code",
        (review_id,))]
    return agencies, themes


def assert_links_in_step(db, review_id: int) -> None:
    row = get_review(db, review_id)
    agencies, themes = links(db, review_id)
    assert agencies == sorted(filter(None, row["agencies"].split(";")))
    assert themes == sorted(filter(None, row["themes"].split(";")))


def test_save_draft_then_complete(ref_db, ctx):
    draft = validate(Review, {"review_date": "2026-11-20", "patient_ref": NHS,
                              "agencies": "ACUTE", "themes": "FAMILY"}, ctx)
    rid = save_review(ref_db, draft, "amy")
    row = get_review(ref_db, rid)
    assert row["status"] == "draft"
    assert row["created_by"] == "amy"
    assert row["second_stage"] is None
    assert links(ref_db, rid) == (["ACUTE"], ["FAMILY"])

    save_review(ref_db, build(ctx), "ben", rid)
    row = get_review(ref_db, rid)
    assert row["status"] == "complete"
    assert row["updated_by"] == "ben"
    assert row["non_ideal_outcome"] == 1 and row["more_care_than_needed"] == 1
    assert row["second_stage"] == 0
    assert_links_in_step(ref_db, rid)
    assert links(ref_db, rid) == (["ACUTE", "ASC"], ["CARE_AVAILABILITY", "RISK_AVERSE"])
    actions = [h["action"] for h in history(ref_db.conn, "review", rid)]
    assert actions == ["insert", "update"]


def test_links_follow_every_change(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    save_review(ref_db, build(ctx, agencies="GP;MH;VCS", themes=""), "amy", rid)
    assert links(ref_db, rid) == (["GP", "MH", "VCS"], [])
    assert_links_in_step(ref_db, rid)


def test_only_a_complete_review_can_be_signed_off(ref_db, ctx):
    draft = validate(Review, {"review_date": "2026-11-20", "patient_ref": NHS}, ctx)
    rid = save_review(ref_db, draft, "amy")
    with pytest.raises(NotReadyToSignOff, match="complete it first"):
        sign_off(ref_db, rid, "lead")
    assert get_review(ref_db, rid)["status"] == "draft"


def test_sign_off_records_who_and_when(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    sign_off(ref_db, rid, "lead")
    row = get_review(ref_db, rid)
    assert row["status"] == "signed_off"
    assert row["signed_off_by"] == "lead"
    assert row["signed_off_at"]
    entry = history(ref_db.conn, "review", rid)[-1]
    assert entry["action"] == "sign_off" and entry["user"] == "lead"
    assert entry["after"]["status"] == "signed_off"
    with pytest.raises(NotReadyToSignOff, match="already"):
        sign_off(ref_db, rid, "lead")


def test_signed_off_review_is_read_only(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    sign_off(ref_db, rid, "lead")
    before = get_review(ref_db, rid)
    with pytest.raises(ReviewLocked, match="amendment"):
        save_review(ref_db, build(ctx, score_overall="1"), "amy", rid)
    with pytest.raises(ReviewLocked):
        delete_review(ref_db, rid, "amy")
    assert get_review(ref_db, rid) == before


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_amendment_needs_a_reason(ref_db, ctx, reason):
    rid = save_review(ref_db, build(ctx), "amy")
    sign_off(ref_db, rid, "lead")
    before = get_review(ref_db, rid)
    with pytest.raises(AmendmentRefused, match="needs a reason"):
        amend(ref_db, rid, build(ctx, status="signed_off", score_overall="2"), "amy", reason)
    assert get_review(ref_db, rid) == before


def test_amendment_with_a_reason_is_logged(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    sign_off(ref_db, rid, "lead")
    amend(ref_db, rid, build(ctx, status="signed_off", score_overall="2", themes="FAMILY"),
          "amy", "overall score agreed at the panel")
    row = get_review(ref_db, rid)
    assert row["score_overall"] == 2 and row["second_stage"] == 1
    assert row["status"] == "signed_off" and row["signed_off_by"] == "lead"
    assert_links_in_step(ref_db, rid)
    entry = history(ref_db.conn, "review", rid)[-1]
    assert entry["action"] == "amend"
    assert entry["reason"] == "overall score agreed at the panel"
    assert entry["before"]["score_overall"] == 3 and entry["after"]["score_overall"] == 2


def test_amendment_refused_when_it_changes_nothing_or_is_not_signed_off(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    with pytest.raises(AmendmentRefused, match="not signed off"):
        amend(ref_db, rid, build(ctx, status="signed_off"), "amy", "why")
    sign_off(ref_db, rid, "lead")
    with pytest.raises(AmendmentRefused, match="changes nothing"):
        amend(ref_db, rid, build(ctx, status="signed_off"), "amy", "why")
    with pytest.raises(AmendmentRefused, match="signed off"):
        amend(ref_db, rid, build(ctx), "amy", "why")  # status complete: would reopen it


def test_save_as_signed_off_is_refused(ref_db, ctx):
    with pytest.raises(ValueError, match="sign_off"):
        save_review(ref_db, build(ctx, status="signed_off"), "amy")


def test_delete_draft(ref_db, ctx):
    rid = save_review(ref_db, build(ctx), "amy")
    delete_review(ref_db, rid, "amy", "entered twice")
    with pytest.raises(RecordNotFound):
        get_review(ref_db, rid)
    assert review_list().count(ref_db.conn) == 0


def test_insert_reviews_batch(ref_db, ctx):
    reviews = [build(ctx), build(ctx, status="signed_off", themes="FAMILY"),
               build(ctx, status="signed_off")]
    with transaction(ref_db) as conn:
        n = insert_reviews(conn, reviews, "importer", "2026-11-23T09:00:00+00:00",
                           [None, ("Dr Lead", "2026-11-21T10:00:00+00:00"), None])
    assert n == 3
    rows = [get_review(ref_db, i) for i in (1, 2, 3)]
    assert [r["status"] for r in rows] == ["complete", "signed_off", "signed_off"]
    assert (rows[1]["signed_off_by"], rows[1]["signed_off_at"]) == (
        "Dr Lead", "2026-11-21T10:00:00+00:00")
    assert rows[2]["signed_off_by"] == "importer"
    assert rows[0]["signed_off_by"] is None
    for i in (1, 2, 3):
        assert_links_in_step(ref_db, i)
    assert [h["action"] for h in history(ref_db.conn, "review", 2)] == ["insert", "sign_off"]


# --- the list -------------------------------------------------------------------------------

def _seed_list(db, ctx) -> dict[str, int]:
    ids = {}
    specs = {
        "a": dict(review_date="2026-11-02", status="complete", score_overall="4"),
        "b": dict(review_date="2026-11-09", status="draft", score_overall=""),
        "c": dict(review_date="2026-11-09", status="complete", score_overall="2",
                  themes="FAMILY"),
        "d": dict(review_date="2026-11-16", status="complete", score_overall="4",
                  score_admission="1", themes="FAMILY;CHOICE"),
        "e": dict(review_date="2026-10-26", status="complete", score_overall="3"),
    }
    for name, spec in specs.items():
        ids[name] = save_review(db, build(ctx, **spec), "amy")
    return ids


def test_list_is_newest_first_and_keyset_paged(ref_db, ctx):
    ids = _seed_list(ref_db, ctx)
    expected = [ids["d"], ids["c"], ids["b"], ids["a"], ids["e"]]  # same date: newer id first
    rows, pages = walk(review_list(), ref_db.conn, size=2)
    assert [r["id"] for r in rows] == expected
    assert pages == 3
    assert review_list().first(ref_db.conn, 5).at_end


@pytest.mark.parametrize("filters,names", [
    (ReviewFilter(status="draft"), ["b"]),
    (ReviewFilter(status="complete"), ["d", "c", "a", "e"]),
    (ReviewFilter(date_from=date(2026, 11, 2), date_to=date(2026, 11, 9)), ["c", "b", "a"]),
    (ReviewFilter(theme="FAMILY"), ["d", "c"]),
    (ReviewFilter(theme="CHOICE"), ["d"]),
    (ReviewFilter(second_stage=True), ["d", "c"]),
    (ReviewFilter(second_stage=False), ["b", "a", "e"]),
    (ReviewFilter(status="complete", theme="FAMILY", second_stage=True,
                  date_to=date(2026, 11, 10)), ["c"]),
])
def test_list_filters(ref_db, ctx, filters, names):
    ids = _seed_list(ref_db, ctx)
    rows, _ = walk(review_list(filters), ref_db.conn)
    assert [r["id"] for r in rows] == [ids[n] for n in names]
    assert review_list(filters).count(ref_db.conn) == len(names)


def test_review_usage_counts_live_reviews_by_agency_and_theme(ref_db):
    """The Agencies and themes screen's counts: each code's live reviews; a deleted review
    no longer counts, and a code no review uses is left out."""
    from casereview.storage.context import load_context
    from casereview.storage.reference import agencies_and_themes, review_usage
    from casereview.storage.reviews import delete_review, save_review
    from tests.conftest import NOW
    from tests.review_samples import complete_raw

    ctx = load_context(ref_db, NOW)
    save_review(ref_db, validate(Review, complete_raw(), ctx), "lead")
    second = save_review(ref_db, validate(Review, complete_raw(
        patient_ref="9990000026", agencies="ACUTE;GP", themes="RISK_AVERSE"), ctx), "lead")
    save_review(ref_db, validate(Review, complete_raw(patient_ref="9990000034"), ctx), "lead")
    assert review_usage(ref_db) == ({"ACUTE": 3, "ASC": 2, "GP": 1},
                                    {"RISK_AVERSE": 3, "CARE_AVAILABILITY": 2})
    delete_review(ref_db, second, "lead")
    assert review_usage(ref_db) == ({"ACUTE": 2, "ASC": 2}, {"RISK_AVERSE": 2,
                                                             "CARE_AVAILABILITY": 2})
    agencies, themes = agencies_and_themes(ref_db)
    assert ("ACUTE",) == agencies[0][:1] and all(len(a) == 3 for a in agencies)
    assert {"RISK_AVERSE", "CARE_AVAILABILITY"} <= {code for code, _ in themes}
