"""The action's rules (SPEC 4.6) and the programme target's (SPEC 4.7), refused with the field
named."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.action import (
    Action,
    ProgressNote,
    Rating,
    Source,
    open_on,
    parse_source,
    rating_on,
)
from casereview.domain.programme_target import ProgrammeTarget, progress_of
from casereview.domain.validation import RecordInvalid, validate
from tests.unit.action_samples import BASE, make


def problems(ctx, model=Action, **changes) -> dict[str, str]:
    base = BASE if model is Action else {}
    with pytest.raises(RecordInvalid) as caught:
        validate(model, {**base, **changes}, ctx)
    return caught.value.by_field()


def test_a_valid_action_is_stored_as_codes_and_iso_dates(ctx):
    action = make(ctx, status="in progress", rag="a", agency_code="asc",
                  raised_on="01/11/2026", source="Review:12")
    row = action.to_row()
    assert row["status"] == "IN_PROGRESS" and row["rag"] == "AMBER"
    assert row["agency_code"] == "ASC" and row["raised_on"] == "2026-11-01"
    assert (row["source_kind"], row["source_ref"]) == ("review", "12")


def test_due_date_before_the_raise_date_is_refused(ctx):
    assert "before the date the action was raised" in problems(
        ctx, due_date="2026-10-31")["due_date"]


def test_due_date_may_lie_ahead(ctx):
    assert make(ctx, due_date="2027-03-31").due_date == date(2027, 3, 31)


def test_raise_date_in_the_future_is_refused(ctx):
    assert "in the future" in problems(ctx, raised_on="2026-11-24", due_date="2026-12-31")[
        "raised_on"]


@pytest.mark.parametrize("status", ["DONE", "DROPPED"])
def test_a_closed_action_needs_its_closing_date(ctx, status):
    assert problems(ctx, status=status)["closed_on"].startswith("is required")


def test_closing_date_before_raise_date_or_in_future_is_refused(ctx):
    assert "before the date" in problems(ctx, status="DONE", closed_on="2026-10-30")["closed_on"]
    assert "in the future" in problems(ctx, status="DONE", closed_on="2026-11-24")["closed_on"]


def test_an_open_action_has_no_closing_date(ctx):
    assert "no closing date" in problems(ctx, closed_on="2026-11-10")["closed_on"]


@pytest.mark.parametrize("status", ["OPEN", "IN_PROGRESS"])
def test_rating_is_required_while_open(ctx, status):
    assert "required while the action is open" in problems(ctx, status=status, rag="")["rag"]


def test_a_closed_action_may_have_no_rating(ctx):
    assert make(ctx, status="DONE", closed_on="2026-11-20", rag="").rag is None


def test_unknown_agency_status_rating_and_missing_fields_are_named(ctx):
    found = problems(ctx, agency_code="NHSX", status="PAUSED", title=" ", owner="")
    assert "not a known agency" in found["agency_code"]
    assert "not a status" in found["status"]
    assert found["title"] == "is required" and found["owner"] == "is required"
    assert "not a rating" in problems(ctx, rag="purple")["rag"]


@pytest.mark.parametrize("text, words", [
    ("bogus:1", "is not a source"), ("review", "is not a source"), ("review:abc", "number"),
    ("ward:ZZ9", "not a known ward"), ("theme:NOPE", "not a known review theme"),
    ("measure:ooh_nc_moves@site:XXX", "not a known site"),
    ("measure:ooh_nc_moves@planet:X", "is not a scope"),
])
def test_unknown_source_is_refused(ctx, text, words):
    assert words in problems(ctx, source=text)["source"]


def test_sources_read_and_written():
    assert str(parse_source("measure:OOH_NC_MOVES@site:ngh")) == "measure:ooh_nc_moves@site:NGH"
    assert parse_source("measure:ooh_nc_moves") == Source("measure", "ooh_nc_moves", "all")
    assert Source.stored("measure", "ooh_nc_moves@site:NGH") == Source(
        "measure", "ooh_nc_moves", "site:NGH")
    assert parse_source("ward:a1").stored_ref == "A1"
    assert parse_source("toc:007").record_id == 7
    assert parse_source("  ") is None


def test_progress_note_needs_text_author_and_a_past_date(ctx):
    found = problems(ctx, ProgressNote, noted_on="2026-11-24", author="", text="  ")
    assert found["text"] == "is required" and found["author"] == "is required"
    assert "in the future" in found["noted_on"]
    note = validate(ProgressNote, {"noted_on": "2026-10-01", "author": "A", "text": "x"}, ctx)
    assert "before the date the action was raised" in note.problem_with(date(2026, 11, 1))


def test_rating_on_a_day_is_the_latest_dated_on_or_before_it():
    history = [Rating(date(2026, 11, 1), "GREEN"), Rating(date(2026, 11, 11), "AMBER"),
               Rating(date(2026, 11, 11), "RED")]
    assert rating_on(history, date(2026, 10, 31)) is None
    assert rating_on(history, date(2026, 11, 10)) == "GREEN"
    assert rating_on(history, date(2026, 11, 11)) == "RED"  # the later of one day's two


def test_open_at_a_date():
    raised, closed = date(2026, 11, 1), date(2026, 11, 15)
    assert not open_on(raised, closed, date(2026, 10, 31))
    assert open_on(raised, closed, date(2026, 11, 1))
    assert open_on(raised, closed, date(2026, 11, 14))
    assert not open_on(raised, closed, date(2026, 11, 15))  # closed on it
    assert open_on(raised, None, date(2027, 1, 1))


def test_overdue_is_open_and_due_before_today(ctx):
    action = make(ctx, due_date="2026-11-22")
    assert action.overdue(date(2026, 11, 23)) and not action.overdue(date(2026, 11, 22))
    done = make(ctx, due_date="2026-11-02", status="DONE", closed_on="2026-11-20")
    assert not done.overdue(date(2026, 11, 23))


# --- programme targets -------------------------------------------------------------------

TARGET = {"programme": "reviews", "scope": "all", "start_date": "2026-04-01",
          "end_date": "2027-03-31", "target_count": "80"}


def test_target_rules(ctx):
    t = validate(ProgrammeTarget, TARGET, ctx)
    assert t.to_row()["scope"] == "all" and t.target_count == 80
    assert "before the start date" in problems(
        ctx, ProgrammeTarget, **{**TARGET, "end_date": "2026-03-31"})["end_date"]
    assert "below the minimum" in problems(
        ctx, ProgrammeTarget, **{**TARGET, "target_count": "0"})["target_count"]
    assert "not a programme" in problems(
        ctx, ProgrammeTarget, **{**TARGET, "programme": "moves"})["programme"]
    assert "no site or ward" in problems(
        ctx, ProgrammeTarget, **{**TARGET, "scope": "site:NGH"})["scope"]
    toc = validate(ProgrammeTarget, {**TARGET, "programme": "toc", "scope": "ward:a1"}, ctx)
    assert toc.scope == "ward:A1"
    assert "not a known site" in problems(
        ctx, ProgrammeTarget, **{**TARGET, "programme": "toc", "scope": "site:XX"})["scope"]


def test_progress_against_expected(ctx):
    # 80 over 365 days; by 23 Nov 2026, 237 days have elapsed: 51.9 expected.
    t = validate(ProgrammeTarget, TARGET, ctx)
    p = progress_of(t, 41, date(2026, 11, 23))
    assert p.expected == pytest.approx(80 * 237 / 365)
    assert p.behind and p.shortfall == 11
    assert p.describe() == "Case-note reviews: 41 of 80 by 31 Mar 2027, 11 behind"
    assert not progress_of(t, 52, date(2026, 11, 23)).behind
    assert progress_of(t, 52, date(2026, 11, 23)).describe().endswith("on track")
    # Before the start nothing is expected; after the end, the whole target.
    assert progress_of(t, 0, date(2026, 3, 1)).expected == 0
    assert progress_of(t, 79, date(2027, 6, 1)).expected == 80


def test_a_date_on_the_earlier_date_is_not_before_it():
    """The one wording of the date-order rules, and its edge: the same day is not before."""
    from casereview.domain.values import before_message, not_before

    assert before_message(date(2026, 11, 1), date(2026, 11, 1), "start date") is None
    assert before_message(date(2026, 11, 1), None, "start date") is None
    assert before_message(date(2026, 10, 31), date(2026, 11, 1), "start date") == (
        "31 Oct 2026 is before the start date (1 Nov 2026)")
    with pytest.raises(ValueError, match="^31 Oct 2026 is before the admission date"):
        not_before(date(2026, 10, 31), date(2026, 11, 1), "admission date")
