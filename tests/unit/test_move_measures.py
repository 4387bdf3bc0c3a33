"""SPEC 6: the move measures, hand-computed on a small data set, every scope present."""

from datetime import date

import pytest

from casereview.domain.move import Move, NightAudit
from casereview.domain.validation import validate
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_week
from casereview.storage.moves import close_night, save_move
from casereview.storage.records import soft_delete

WEEK = parse_week("2026-W46")  # Mon 9 - Sun 15 Nov 2026


def _add(db, ctx, stamp, site, frm, to, reason="CAPACITY", **extra):
    raw = {"moved_at": stamp, "site_code": site, "from_ward": frm, "to_ward": to,
           "reason": reason, **extra}
    return save_move(db, validate(Move, raw, ctx), "t")


def _close(db, ctx, site, night):
    close_night(db, validate(NightAudit, {"site_code": site, "audit_night": night,
                                          "audited_by": "x"}, ctx), "t")


@pytest.fixture
def week_db(ref_db, ctx):
    db = ref_db
    _add(db, ctx, "2026-11-09 22:00", "NGH", "A1", "A2", age="70", authorised_by="SM",
         move_number="1")                                                         # counts
    _add(db, ctx, "2026-11-10 06:59", "NGH", "A1", "A3", dementia="yes")         # counts
    _add(db, ctx, "2026-11-12 23:00", "NGH", "A2", "A1", age="64", dementia="no",
         authorised_by="SM", move_number="2")                                     # counts
    _add(db, ctx, "2026-11-16 03:00", "WCH", "B1", "B2", age="90", move_number="3")  # night 15th
    _add(db, ctx, "2026-11-09 06:30", "NGH", "A1", "A2")          # night of 8 Nov: W45
    _add(db, ctx, "2026-11-16 22:30", "NGH", "A1", "A2")          # night of 16 Nov: W47
    _add(db, ctx, "2026-11-11 12:00", "NGH", "A1", "A2")          # daytime: no night
    _add(db, ctx, "2026-11-11 23:00", "NGH", "A1", "A2", reason="INFECTION")  # clinical
    gone = _add(db, ctx, "2026-11-11 23:30", "WCH", "B2", "B1")   # deleted
    soft_delete(db, "move", gone, "t")
    for night in ("2026-11-09", "2026-11-10", "2026-11-11"):
        _close(db, ctx, "NGH", night)
    _close(db, ctx, "WCH", "2026-11-15")
    _close(db, ctx, "WCH", "2026-11-16")  # W47: not in the period
    return db


def _row(summary, measure, scope="all"):
    row = summary.get(measure, scope)
    assert row is not None, (measure, scope)
    return (row.value, row.numerator, row.denominator)


def test_counts(week_db):
    s = summarise(week_db, WEEK)
    assert _row(s, "ooh_nc_moves") == (4, 4, None)
    assert _row(s, "ooh_nc_moves", "site:NGH") == (3, 3, None)
    assert _row(s, "ooh_nc_moves", "site:WCH") == (1, 1, None)
    assert _row(s, "ooh_nc_moves", "ward:A1") == (2, 2, None)   # the ward moved FROM
    assert _row(s, "ooh_nc_moves", "ward:A2") == (1, 1, None)
    assert _row(s, "ooh_nc_moves", "ward:A3") == (0, 0, None)
    assert _row(s, "ooh_nc_moves", "ward:B1") == (1, 1, None)
    assert _row(s, "ooh_nc_moves", "ward:B2") == (0, 0, None)  # its only move was deleted


def test_older_or_dementia_unauthorised_repeat(week_db):
    s = summarise(week_db, WEEK)
    assert _row(s, "ooh_nc_moves_older_or_dementia")[0] == 3  # 70, dementia, 90; not 64/no
    assert _row(s, "ooh_nc_moves_older_or_dementia", "ward:A2")[0] == 0
    assert _row(s, "ooh_nc_moves_unauthorised")[0] == 2
    assert _row(s, "ooh_nc_moves_unauthorised", "site:WCH")[0] == 1
    assert _row(s, "ooh_nc_moves_repeat")[0] == 2             # move numbers 2 and 3
    assert _row(s, "ooh_nc_moves_repeat", "ward:A2")[0] == 1


def test_per_night_and_completeness(week_db):
    s = summarise(week_db, WEEK)
    assert _row(s, "ooh_nc_moves_per_night") == (1.0, 4, 4)
    assert _row(s, "ooh_nc_moves_per_night", "site:NGH") == (1.0, 3, 3)
    assert _row(s, "ooh_nc_moves_per_night", "site:WCH") == (1.0, 1, 1)
    assert _row(s, "night_audit_completeness_pct") == (pytest.approx(4 / 14 * 100), 4, 14)
    assert _row(s, "night_audit_completeness_pct", "site:NGH") == (
        pytest.approx(3 / 7 * 100), 3, 7)


def test_empty_period_has_every_scope_with_zero_counts_and_null_rates(ref_db):
    s = summarise(ref_db, parse_week("2026-W10"))
    assert _row(s, "ooh_nc_moves", "ward:B3") == (0, 0, None)
    assert _row(s, "ooh_nc_moves_per_night", "site:WCH") == (None, 0, 0)
    assert _row(s, "night_audit_completeness_pct") == (0.0, 0, 14)
    scopes = [r.scope for r in s.rows if r.measure == "ooh_nc_moves"]
    assert scopes == ["all", "site:NGH", "site:WCH", "ward:A1", "ward:A2", "ward:A3",
                      "ward:B1", "ward:B2", "ward:B3"]
    assert [r.scope for r in s.rows if r.measure == "night_audit_completeness_pct"] == [
        "all", "site:NGH", "site:WCH"]


def test_clinical_flag_follows_the_reason_table(week_db):
    from casereview.storage.reference import save_reason

    save_reason(week_db, "INFECTION", "infection prevention", False, "t")
    assert _row(summarise(week_db, WEEK), "ooh_nc_moves")[0] == 5


def test_week_starts_monday(week_db):
    assert WEEK.start == date(2026, 11, 9) and WEEK.end == date(2026, 11, 15)
