"""Actions in the store: the change log, dated ratings, notes that are only ever added, the
keyset-paged list and its filters, the actions of a source, and programme targets."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from casereview.domain.action import Source
from casereview.domain.programme_target import ProgrammeTarget
from casereview.domain.validation import RecordInvalid, validate
from casereview.metrics.actions import check_source
from casereview.metrics.programme_targets import targets_with_progress
from casereview.storage.actions import (
    ActionFilter,
    action_list,
    actions_for_source,
    count_overdue,
    get_action,
    overdue_actions,
    progress_notes,
    ratings,
    save_action,
    save_target,
)
from casereview.storage.changelog import history
from tests.unit.action_samples import make, note, store


def test_saving_logs_the_action_and_dates_its_rating(ref_db, ctx):
    action_id = store(ref_db, ctx)
    row = get_action(ref_db, action_id)
    assert row["rag"] == "GREEN" and row["created_by"] == "tester"
    assert [e["action"] for e in history(ref_db.conn, "action", action_id)] == ["insert"]
    assert [(r.rated_on, r.rag) for r in ratings(ref_db.conn, action_id)] == [
        (date(2026, 11, 1), "GREEN")]


def test_a_changed_rating_is_dated_and_the_old_one_kept(ref_db, ctx):
    action_id = store(ref_db, ctx)
    save_action(ref_db, make(ctx, rag="RED"), "editor", action_id, rated_on=date(2026, 11, 20))
    assert [(r.rated_on, r.rag) for r in ratings(ref_db.conn, action_id)] == [
        (date(2026, 11, 1), "GREEN"), (date(2026, 11, 20), "RED")]
    # An edit that keeps the rating adds none.
    save_action(ref_db, make(ctx, rag="RED", title="New title"), "editor", action_id,
                rated_on=date(2026, 11, 21))
    assert len(ratings(ref_db.conn, action_id)) == 2
    assert history(ref_db.conn, "action", action_id)[-1]["after"] == {"title": "New title"}


def test_a_note_that_sets_the_rating_changes_the_action(ref_db, ctx):
    action_id = store(ref_db, ctx)
    note_id = note(ref_db, ctx, action_id, "2026-11-11", "Supplier delay", rag="AMBER")
    assert get_action(ref_db, action_id)["rag"] == "AMBER"
    [n] = progress_notes(ref_db.conn, action_id)
    assert (n["id"], n["noted_on"], n["author"], n["text"]) == (
        note_id, "2026-11-11", "J. Smith", "Supplier delay")
    assert ratings(ref_db.conn, action_id)[-1].rated_on == date(2026, 11, 11)
    # A note dated before a later rating does not override it.
    save_action(ref_db, make(ctx, rag="RED"), "editor", action_id, rated_on=date(2026, 11, 20))
    note(ref_db, ctx, action_id, "2026-11-15", "back on track", rag="GREEN")
    assert get_action(ref_db, action_id)["rag"] == "RED"


def test_a_note_before_the_action_was_raised_is_refused_and_nothing_saved(ref_db, ctx):
    action_id = store(ref_db, ctx)
    with pytest.raises(RecordInvalid) as caught:
        note(ref_db, ctx, action_id, "2026-10-30", rag="RED")
    assert "noted_on" in caught.value.by_field()
    assert progress_notes(ref_db.conn, action_id) == []
    assert get_action(ref_db, action_id)["rag"] == "GREEN"
    assert len(ratings(ref_db.conn, action_id)) == 1


def test_notes_and_ratings_are_only_ever_added(ref_db, ctx):
    action_id = store(ref_db, ctx)
    note(ref_db, ctx, action_id, "2026-11-11", "first")
    for sql in ("UPDATE action_progress SET text = 'changed'", "DELETE FROM action_progress",
                "UPDATE action_rating SET rag = 'RED'", "DELETE FROM action_rating",
                "DELETE FROM action"):
        with pytest.raises(sqlite3.DatabaseError):
            ref_db.conn.execute(sql)


def test_the_schema_refuses_what_the_model_refuses(ref_db, ctx):
    row = make(ctx).to_row()
    audit = {"created_at": "x", "created_by": "x", "updated_at": "x", "updated_by": "x"}
    for bad in ({"due_date": "2026-10-01"}, {"status": "DONE"}, {"rag": None}):
        values = {**row, **bad, **audit}
        with pytest.raises(sqlite3.IntegrityError):
            ref_db.conn.execute(f"INSERT INTO action ({', '.join(values)}) VALUES "
                                f"({', '.join('?' * len(values))})", list(values.values()))


def _titles(db, where: ActionFilter) -> list[str]:
    return [r["title"] for r in action_list(where).first(db.conn, 50).rows]


def test_list_filters(ref_db, ctx):
    store(ref_db, ctx, title="A", raised_on="2026-11-01", due_date="2026-11-10")
    store(ref_db, ctx, title="B", raised_on="2026-11-02", due_date="2026-12-10", rag="RED",
          owner="K. Patel", agency_code="ASC", source="ward:A1")
    store(ref_db, ctx, title="C", raised_on="2026-11-03", due_date="2026-11-05", status="DONE",
          closed_on="2026-11-04")
    store(ref_db, ctx, title="D", raised_on="2026-11-04", due_date="2026-11-20",
          status="IN_PROGRESS", source="measure:ooh_nc_moves@site:NGH")
    assert _titles(ref_db, ActionFilter()) == ["D", "C", "B", "A"]  # newest raised first
    assert _titles(ref_db, ActionFilter(status="LIVE")) == ["D", "B", "A"]
    assert _titles(ref_db, ActionFilter(status="DONE")) == ["C"]
    assert _titles(ref_db, ActionFilter(rag="RED")) == ["B"]
    assert _titles(ref_db, ActionFilter(owner="k. patel")) == ["B"]
    assert _titles(ref_db, ActionFilter(agency_code="ASC")) == ["B"]
    assert _titles(ref_db, ActionFilter(overdue_on=date(2026, 11, 23))) == ["D", "A"]
    assert _titles(ref_db, ActionFilter(source_kind="measure")) == ["D"]
    assert _titles(ref_db, ActionFilter(source_kind="ward", source_ref="A1")) == ["B"]
    assert count_overdue(ref_db.conn, date(2026, 11, 23)) == 2
    assert [r["title"] for r in overdue_actions(ref_db.conn, date(2026, 11, 23))] == ["A", "D"]
    assert [r["title"] for r in actions_for_source(
        ref_db.conn, Source("measure", "ooh_nc_moves", "site:NGH"))] == ["D"]


def test_list_pages_by_keyset(ref_db, ctx):
    for day in range(1, 21):
        store(ref_db, ctx, title=f"T{day}", raised_on=f"2026-11-{day:02d}",
              due_date="2026-12-31")
    keyset = action_list()
    first = keyset.first(ref_db.conn, 8)
    second = keyset.after(ref_db.conn, first.last_key(), 8)
    last = keyset.last(ref_db.conn, 8)
    assert [r["title"] for r in first.rows][:2] == ["T20", "T19"]
    assert second.rows[0]["title"] == "T12"
    assert last.at_end and last.rows[-1]["title"] == "T1"
    assert keyset.count(ref_db.conn) == 20


def test_source_must_exist(ref_db, ctx):
    with pytest.raises(RecordInvalid) as caught:
        check_source(ref_db.conn, Source("review", "99"))
    assert "there is no case-note review 99" in caught.value.by_field()["source"]
    with pytest.raises(RecordInvalid):
        check_source(ref_db.conn, Source("measure", "no_such_measure", "all"))
    with pytest.raises(RecordInvalid) as caught:
        check_source(ref_db.conn, Source("measure", "reviews_completed", "site:NGH"))
    assert "not reported for scope site:NGH" in caught.value.by_field()["source"]
    check_source(ref_db.conn, Source("measure", "ooh_nc_moves", "ward:A1"))
    check_source(ref_db.conn, Source("ward", "A1"))


def test_targets_are_stored_and_measured(ref_db, ctx):
    from tests.unit.toc_samples import store as store_toc

    target = validate(ProgrammeTarget, {"programme": "toc", "scope": "site:NGH",
                                        "start_date": "2026-11-01", "end_date": "2026-11-30",
                                        "target_count": 3}, ctx)
    target_id = save_target(ref_db, target, "lead")
    store_toc(ref_db, ctx)  # audited 2026-11-20 at NGH, ward A1 (toc_samples)
    store_toc(ref_db, ctx, audit_date="2026-11-23")  # after the day the target is read at
    store_toc(ref_db, ctx, site_code="WCH", ward_code="B1")  # another site
    [stored] = targets_with_progress(ref_db.conn, date(2026, 11, 22))
    assert stored.id == target_id and stored.progress.done == 1
    assert stored.progress.expected == pytest.approx(3 * 22 / 30) and stored.progress.behind
    assert targets_with_progress(ref_db.conn, date(2026, 12, 1), current_only=True) == []
    assert targets_with_progress(ref_db.conn, date(2026, 12, 1))[0].progress.done == 2
    assert history(ref_db.conn, "programme_target", target_id)[0]["action"] == "insert"
