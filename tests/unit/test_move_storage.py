"""Saving moves and closing nights: change log, one return per site and night."""

from datetime import date

import pytest

from casereview.domain.move import Move, NightAudit
from casereview.domain.validation import validate
from casereview.storage.changelog import history
from casereview.storage.check import check_database
from casereview.storage.moves import (
    NightAlreadyClosed,
    close_night,
    moves_for_night,
    night_status,
    save_move,
    unaudited_nights,
)
from casereview.storage.records import restore, soft_delete


def _move(ctx, stamp="2026-11-16 23:15"):
    return validate(Move, {"moved_at": stamp, "site_code": "NGH", "from_ward": "A1",
                           "to_ward": "A2", "reason": "CAPACITY"}, ctx)


def _audit(ctx, night="2026-11-16", site="NGH"):
    return validate(NightAudit, {"site_code": site, "audit_night": night,
                                 "audited_by": "K Mensah"}, ctx)


def test_save_update_delete_restore_are_logged(ref_db, ctx):
    record_id = save_move(ref_db, _move(ctx), "alice")
    save_move(ref_db, _move(ctx, "2026-11-16 23:45"), "bob", record_id)
    soft_delete(ref_db, "move", record_id, "carol")
    assert moves_for_night(ref_db, "NGH", date(2026, 11, 16)) == []
    restore(ref_db, "move", record_id, "dave")
    actions = [(h["action"], h["user"]) for h in history(ref_db.conn, "move", record_id)]
    assert actions == [("insert", "alice"), ("update", "bob"), ("delete", "carol"),
                       ("restore", "dave")]
    row = moves_for_night(ref_db, "NGH", date(2026, 11, 16))[0]
    assert row["moved_at"] == "2026-11-16T23:45+00:00" and row["created_by"] == "alice"
    assert row["updated_by"] == "dave"
    assert check_database(ref_db) == []


def test_second_return_for_a_night_is_refused(ref_db, ctx):
    close_night(ref_db, _audit(ctx), "alice")
    with pytest.raises(NightAlreadyClosed):
        close_night(ref_db, _audit(ctx), "bob")
    close_night(ref_db, _audit(ctx, site="WCH"), "bob")  # another site, same night: fine


def test_nil_return(ref_db, ctx):
    close_night(ref_db, _audit(ctx), "alice")
    status = night_status(ref_db, "NGH", date(2026, 11, 16))
    assert status.closed and status.moves == 0 and status.audited_by == "K Mensah"


def test_move_added_to_a_closed_night_is_allowed_and_logged(ref_db, ctx):
    close_night(ref_db, _audit(ctx), "alice")
    record_id = save_move(ref_db, _move(ctx), "bob")
    actions = [h["action"] for h in history(ref_db.conn, "move", record_id)]
    assert actions == ["insert", "late_entry"]


def test_unaudited_nights(ref_db, ctx):
    close_night(ref_db, _audit(ctx, "2026-11-21"), "alice")
    missing = unaudited_nights(ref_db, date(2026, 11, 21), date(2026, 11, 22))
    assert missing == [("NGH", "2026-11-22"), ("WCH", "2026-11-22"), ("WCH", "2026-11-21")]


def test_change_log_cannot_be_rewritten(ref_db, ctx):
    import sqlite3

    save_move(ref_db, _move(ctx), "alice")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ref_db.conn.execute("UPDATE change_log SET user = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ref_db.conn.execute("DELETE FROM change_log")


def test_changing_the_night_window_recomputes_stored_nights(ref_db, ctx):
    from casereview.storage.moves import set_night_window

    early = save_move(ref_db, _move(ctx, "2026-11-16 21:30"), "t")
    late = save_move(ref_db, _move(ctx, "2026-11-17 07:30"), "t")
    inside = save_move(ref_db, _move(ctx, "2026-11-17 02:00"), "t")

    def night(record_id):
        return tuple(ref_db.conn.execute("SELECT out_of_hours, audit_night FROM move WHERE id = ?",
                                         (record_id,)).fetchone())

    assert night(early) == (0, None) and night(late) == (0, None)
    set_night_window(ref_db, "21:00", "08:00", "t")
    assert night(early) == (1, "2026-11-16") and night(late) == (1, "2026-11-16")
    assert night(inside) == (1, "2026-11-16")
    set_night_window(ref_db, "22:00", "07:00", "t")
    assert night(early) == (0, None) and night(inside) == (1, "2026-11-16")
    assert check_database(ref_db) == []
