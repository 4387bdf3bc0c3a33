"""SPEC 4.1 and 4.2: every move rule, the derived fields, the audit-night boundaries."""

from datetime import date, datetime, timedelta

import pytest

from casereview.domain.move import Move, NightAudit, moment_in_night, night_of
from casereview.domain.validation import NightWindow, RecordInvalid, validate
from casereview.domain.values import LONDON
from casereview.storage.context import load_context


def move(ctx, **overrides):
    raw = {"moved_at": "2026-11-16 23:15", "site_code": "NGH", "from_ward": "A1",
           "to_ward": "A2", "reason": "CAPACITY"}
    raw.update(overrides)
    return validate(Move, raw, ctx)


def problems(ctx, **overrides):
    with pytest.raises(RecordInvalid) as exc:
        move(ctx, **overrides)
    return exc.value.by_field()


def test_minimal_move_is_valid(ctx):
    m = move(ctx)
    assert m.out_of_hours and m.non_clinical and m.audit_night == date(2026, 11, 16)


@pytest.mark.parametrize("field", ["moved_at", "site_code", "from_ward", "to_ward", "reason"])
def test_required_fields(ctx, field):
    assert problems(ctx, **{field: ""})[field] == "is required"


def test_wards_must_belong_to_the_site(ctx):
    assert "not on NGH" in problems(ctx, from_ward="B1")["from_ward"]
    assert "not on NGH" in problems(ctx, to_ward="B2")["to_ward"]


def test_from_and_to_must_differ(ctx):
    assert "must differ" in problems(ctx, to_ward="A1")["to_ward"]


def test_unknown_codes(ctx):
    assert "not a known site" in problems(ctx, site_code="XXX")["site_code"]
    assert "not a known ward" in problems(ctx, from_ward="ZZ")["from_ward"]
    assert "not a known move reason" in problems(ctx, reason="BORED")["reason"]


def test_codes_are_case_insensitive(ctx):
    m = move(ctx, site_code="ngh", from_ward="a1", to_ward=" a2 ", reason="capacity")
    assert (m.site_code, m.from_ward, m.to_ward, m.reason) == ("NGH", "A1", "A2", "CAPACITY")


def test_future_move_refused(ctx):
    assert "future" in problems(ctx, moved_at="2026-11-23 09:01")["moved_at"]
    assert move(ctx, moved_at="2026-11-23 06:59").audit_night == date(2026, 11, 22)


def test_optional_fields_parsed(ctx):
    m = move(ctx, patient_ref="999 000 0018", age="84", dementia="y", authorised_by=" S Okafor ",
             informed="no", move_number="2", notes=" moved with belongings ")
    assert m.patient_ref == "9990000018" and m.age == 84 and m.dementia is True
    assert m.authorised_by == "S Okafor" and m.informed is False and m.move_number == 2
    assert m.notes == "moved with belongings"


@pytest.mark.parametrize("field,value", [("age", "121"), ("age", "-1"), ("dementia", "maybe"),
                                         ("informed", "2"), ("move_number", "0"),
                                         ("patient_ref", "9990000019")])
def test_bad_optional_values(ctx, field, value):
    assert field in problems(ctx, **{field: value})


def test_every_problem_reported_at_once(ctx):
    found = problems(ctx, moved_at="", from_ward="ZZ", age="200")
    assert set(found) == {"moved_at", "from_ward", "age"}


def test_clinical_reason_is_not_non_clinical(ctx):
    assert move(ctx, reason="INFECTION").non_clinical is False


@pytest.mark.parametrize("stamp,out_of_hours,night", [
    ("2026-11-16 21:59", False, None),
    ("2026-11-16 22:00", True, date(2026, 11, 16)),
    ("2026-11-16 23:59", True, date(2026, 11, 16)),
    ("2026-11-17 00:00", True, date(2026, 11, 16)),
    ("2026-11-17 02:30", True, date(2026, 11, 16)),
    ("2026-11-17 06:59", True, date(2026, 11, 16)),
    ("2026-11-17 07:00", False, None),
    ("2026-11-17 12:00", False, None),
])
def test_audit_night_boundaries(ctx, stamp, out_of_hours, night):
    m = move(ctx, moved_at=stamp)
    assert m.out_of_hours is out_of_hours
    assert m.audit_night == night


def test_clocks_go_back_night(ctx):
    """25 Oct 2026: 01:00-01:59 happens twice; both belong to the night of 24 Oct."""
    first = move(ctx, moved_at="2026-10-25 01:30")
    second = move(ctx, moved_at="2026-10-25T01:30+00:00")
    assert first.audit_night == second.audit_night == date(2026, 10, 24)
    assert first.to_row()["moved_at"] == "2026-10-25T01:30+01:00"
    assert second.to_row()["moved_at"] == "2026-10-25T01:30+00:00"
    assert first.to_row()["moved_at_utc"] < second.to_row()["moved_at_utc"]


def test_clocks_go_forward_night(ctx):
    """29 Mar 2026: 01:30 never happened; a clear error, and 02:30 belongs to 28 Mar."""
    assert "does not exist" in problems(ctx, moved_at="2026-03-29 01:30")["moved_at"]
    assert move(ctx, moved_at="2026-03-29 02:30").audit_night == date(2026, 3, 28)
    assert move(ctx, moved_at="2026-03-29 00:30").to_row()["moved_at"].endswith("+00:00")


def test_window_is_a_setting(ref_db):
    from casereview.storage.reference import set_setting

    set_setting(ref_db, "night_window_start", "21:00", "test")
    set_setting(ref_db, "night_window_end", "08:00", "test")
    ctx = load_context(ref_db, datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
    assert move(ctx, moved_at="2026-11-16 21:30").audit_night == date(2026, 11, 16)
    assert move(ctx, moved_at="2026-11-17 07:30").audit_night == date(2026, 11, 16)


@pytest.mark.parametrize("window", [
    NightWindow(), NightWindow.from_settings("21:00", "08:00"),
    NightWindow.from_settings("00:00", "06:00"), NightWindow.from_settings("18:00", "23:30"),
])
def test_a_time_typed_for_a_night_is_the_moment_the_audit_night_rule_puts_in_it(window):
    """The night log's typed time -> timestamp is the inverse of night_of, minute by minute,
    for windows across midnight and within one day."""
    night = date(2026, 11, 16)
    for minute in range(24 * 60):
        at = (datetime(2026, 1, 1) + timedelta(minutes=minute)).time()
        moment = moment_in_night(window, night, at)
        if window.contains(at):
            assert moment is not None and moment.time() == at
            assert night_of(window, moment) == (True, night)
        else:
            assert moment is None
    assert moment_in_night(NightWindow(), night, datetime(2026, 1, 1, 2, 30).time()) \
        == datetime(2026, 11, 17, 2, 30)


def test_night_audit_rules(ctx):
    audit = validate(NightAudit, {"site_code": "NGH", "audit_night": "22/11/2026",
                                  "audited_by": "K Mensah"}, ctx)
    assert audit.audit_night == date(2026, 11, 22) and audit.completed_at == ctx.now
    with pytest.raises(RecordInvalid) as exc:
        validate(NightAudit, {"site_code": "NGH", "audit_night": "2026-11-24",
                              "audited_by": ""}, ctx)
    found = exc.value.by_field()
    assert "future" in found["audit_night"] and found["audited_by"] == "is required"
    assert ctx.now - timedelta(days=1) < audit.completed_at + timedelta(seconds=1)
