"""SPC rebases and notes in the store (SPEC 6): a rebase needs a reason, is logged, and is
taken back only by a later entry; notes are added and deleted with the change log."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import build_scorecard, measure_chart
from casereview.storage.check import check_database
from casereview.storage.db import connect
from casereview.storage.spc import (
    ChartSettingInvalid,
    active_rebases,
    add_note,
    chart_settings,
    delete_note,
    notes_for,
    rebase,
    rebase_history,
    undo_rebase,
)


def _log(db, record_type):
    return [tuple(r) for r in db.conn.execute(
        "SELECT user, action, record_id, reason FROM change_log WHERE record_type = ? "
        "ORDER BY id", (record_type,))]


def test_a_rebase_is_stored_and_logged_with_its_reason(fresh_db):
    rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "new bed-management policy", "ann")
    [r] = active_rebases(fresh_db, "ooh_nc_moves", "all")
    assert (r.week, r.reason, r.by) == ("2026-W36", "new bed-management policy", "ann")
    assert active_rebases(fresh_db, "ooh_nc_moves", "site:NGH") == []
    assert _log(fresh_db, "spc_rebase") == [("ann", "spc_rebase", "1",
                                             "new bed-management policy")]
    assert check_database(fresh_db) == []


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_rebase_needs_a_reason(fresh_db, reason):
    with pytest.raises(ChartSettingInvalid, match="reason: a reason for the change is required"):
        rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", reason, "ann")
    assert active_rebases(fresh_db, "ooh_nc_moves", "all") == []
    assert _log(fresh_db, "spc_rebase") == []


@pytest.mark.parametrize("week", ["2026-36", "2026-W54", "W36", ""])
def test_a_rebase_needs_an_iso_week(fresh_db, week):
    with pytest.raises(ChartSettingInvalid, match="week: .* is not an ISO week"):
        rebase(fresh_db, "ooh_nc_moves", "all", week, "why", "ann")


def test_a_rebase_is_taken_back_by_a_later_entry_never_an_edit(fresh_db):
    rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "new policy", "ann")
    rebase(fresh_db, "ooh_nc_moves", "all", "2026-W40", "ward closed", "ann")
    with pytest.raises(ChartSettingInvalid, match="already rebased at 2026-W36"):
        rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "again", "ann")
    undo_rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "policy started a week later",
                "bob")
    assert [r.week for r in active_rebases(fresh_db, "ooh_nc_moves", "all")] == ["2026-W40"]
    with pytest.raises(ChartSettingInvalid, match="no rebase at 2026-W36 to take back"):
        undo_rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "twice", "bob")
    rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "it did start then", "ann")
    assert [r.week for r in active_rebases(fresh_db, "ooh_nc_moves", "all")] == [
        "2026-W36", "2026-W40"]
    assert [h[2:] for h in rebase_history(fresh_db, "ooh_nc_moves", "all")] == [
        ("rebase", "2026-W36", "new policy"), ("rebase", "2026-W40", "ward closed"),
        ("remove", "2026-W36", "policy started a week later"),
        ("rebase", "2026-W36", "it did start then")]
    assert [a for _, a, _, _ in _log(fresh_db, "spc_rebase")] == [
        "spc_rebase", "spc_rebase", "spc_remove", "spc_rebase"]
    rebases, _ = chart_settings(fresh_db)
    assert [r.week for r in rebases[("ooh_nc_moves", "all")]] == ["2026-W36", "2026-W40"]


def test_rebase_entries_cannot_be_changed_or_deleted(fresh_db):
    rebase(fresh_db, "ooh_nc_moves", "all", "2026-W36", "new policy", "ann")
    for sql in ("UPDATE spc_rebase SET reason = 'x'", "DELETE FROM spc_rebase"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            fresh_db.conn.execute(sql)


def test_notes_are_added_and_deleted_with_the_change_log(fresh_db):
    a = add_note(fresh_db, "ooh_nc_moves", "ward:A1", "2026-W30", " Ward closed for deep clean ",
                 "ann")
    add_note(fresh_db, "ooh_nc_moves", "ward:A1", "2026-W28", "winter plan", "ann")
    assert [(n.week, n.text) for n in notes_for(fresh_db, "ooh_nc_moves", "ward:A1")] == [
        ("2026-W28", "winter plan"), ("2026-W30", "Ward closed for deep clean")]
    with pytest.raises(ChartSettingInvalid, match="note: some text is required"):
        add_note(fresh_db, "ooh_nc_moves", "ward:A1", "2026-W30", "  ", "ann")
    delete_note(fresh_db, a.id, "bob")
    assert [n.text for n in notes_for(fresh_db, "ooh_nc_moves", "ward:A1")] == ["winter plan"]
    assert [a for _, a, _, _ in _log(fresh_db, "spc_note")] == ["insert", "insert", "delete"]
    assert check_database(fresh_db) == []


def test_a_chart_from_the_store_uses_its_rebases_and_notes(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    db = connect(path)
    week = parse_week("2026-W47")
    before = measure_chart(db, "ooh_nc_moves", "all", week)
    assert not before.rebased
    rebase(db, "ooh_nc_moves", "all", "2026-W36", "new bed-management policy", "ann")
    add_note(db, "ooh_nc_moves", "all", "2026-W36", "policy live", "ann")
    chart = measure_chart(db, "ooh_nc_moves", "all", week)
    assert [s.start for s in chart.segments] == ["2026-W22", "2026-W36"]
    assert chart.segments[0].mean == pytest.approx(
        sum(p.value for p in before.points[:14]) / 14)
    assert chart.point("2026-W36").notes == ("policy live",)
    line = build_scorecard(db, week).line("ooh_nc_moves")
    assert line.chart.segments == chart.segments
    assert line.judged_mean == chart.segments[1].mean
    assert line.signal == (f"Common cause variation (mean {chart.segments[1].mean:.1f} "
                           f"since 2026-W36)")
    ward = measure_chart(db, "ooh_nc_moves", "ward:NGH-AMU", week)
    assert ward.n_data > 0
