"""The review form driven through Pilot with keys alone: fill a review, save a draft, complete
it, sign it off, and show that a change after sign-off needs an amendment with a reason; then
read the database."""

from __future__ import annotations

import json

from textual.widgets import Input, SelectionList, Static, TextArea

from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.reviews import save_review, sign_off
from casereview.tui.app import create_app
from casereview.tui.screens.review_form import ReviewFormScreen
from casereview.tui.screens.reviews import ReviewListScreen
from tests.conftest import NOW
from tests.review_samples import complete_raw


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def _new_review(pilot) -> ReviewFormScreen:
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewListScreen)
    await pilot.press("n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewFormScreen)
    assert pilot.app.focused.id == "patient_ref"
    return screen


def _text(screen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


def _review(db) -> dict:
    return dict(db.conn.execute("SELECT * FROM review").fetchone())


def _log(db, action: str) -> list[dict]:
    return [dict(r) for r in db.conn.execute(
        "SELECT * FROM change_log WHERE record_type = 'review' AND action = ?", (action,))]


async def _fill(pilot) -> None:
    """Every section, by Tab, typing and Space, from the patient field on."""
    for text in ["999 000 0018", "84", "y", "01/09/2026", "10/09/2026", "24/09/2026"]:
        await _type(pilot, text)
        await pilot.press("tab")
    assert pilot.app.focused.id == "agencies"
    await pilot.press("space", "down", "down", "space", "tab")  # ACUTE, ASC
    await _type(pilot, "A Shah; B Jones")
    await pilot.press("tab")
    for text in ["support", "resid", "no", "3", "4", "3", "2", "", "3", "9", "2"]:
        await _type(pilot, text)
        await pilot.press("tab")
    assert pilot.app.focused.id == "themes"
    await pilot.press("space", "tab")  # ASSESSMENT_DELAY
    assert pilot.app.focused.id == "learning"
    await _type(pilot, "Waited nine days for a social care assessment.")


async def test_fill_complete_sign_off_and_amend_with_a_reason(ref_db, db_path):
    app = create_app(db_path, "quality.lead", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _new_review(pilot)
        await _fill(pilot)
        await pilot.pause()
        # The derived flags are shown as the panel types.
        assert "more care than needed" in _text(screen, "outcome-flag")
        assert "not needed" in _text(screen, "stage-flag")

        await pilot.press("f2")  # save a draft
        await pilot.pause()
        row = _review(ref_db)
        assert row["status"] == "draft"
        assert row["patient_ref"] == "9990000018"

        await pilot.press("f3")  # complete
        await pilot.pause()
        row = _review(ref_db)
        assert row["status"] == "complete"
        assert row["review_date"] == "2026-11-23" and row["admission_date"] == "2026-09-01"
        assert row["agencies"] == "ACUTE;ASC" and row["reviewers"] == "A Shah;B Jones"
        assert (row["ideal_outcome"], row["actual_outcome"]) == ("HOME_SUPPORT", "RESIDENTIAL")
        assert (row["score_pre_admission"], row["score_admission"], row["score_ongoing"],
                row["score_discharge_planning"], row["score_transfer"],
                row["score_overall"]) == (3, 4, 3, 2, None, 3)
        assert (row["avoidable_delay_days"], row["ward_moves"]) == (9, 2)
        assert row["themes"] == "ASSESSMENT_DELAY"
        assert row["learning"] == "Waited nine days for a social care assessment."
        assert (row["non_ideal_outcome"], row["more_care_than_needed"],
                row["second_stage"]) == (1, 1, 0)
        assert row["created_by"] == "quality.lead"

        await pilot.press("f4")  # sign off ...
        await pilot.pause()
        await pilot.press("enter")  # ... confirmed
        await pilot.pause()
        row = _review(ref_db)
        assert row["status"] == "signed_off"
        assert row["signed_off_by"] == "quality.lead" and row["signed_off_at"]
        assert screen.query_one("#score_overall", Input).disabled  # read-only now

        await pilot.press("f5")  # amend
        await pilot.pause()
        assert not screen.query_one("#score_overall", Input).disabled
        overall = screen.query_one("#score_overall", Input)
        overall.focus()
        overall.value = ""
        await _type(pilot, "2")
        await pilot.press("ctrl+s")  # no reason given
        await pilot.pause()
        assert "reason is required" in _text(screen, "amend_reason-problem")
        assert pilot.app.focused.id == "amend_reason"
        assert _review(ref_db)["score_overall"] == 3  # nothing saved
        assert _log(ref_db, "amend") == []

        await _type(pilot, "panel agreed care was poor overall")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#score_overall", Input).disabled  # read-only again

    row = _review(ref_db)
    assert row["score_overall"] == 2 and row["second_stage"] == 1
    assert row["status"] == "signed_off" and row["signed_off_by"] == "quality.lead"
    (entry,) = _log(ref_db, "amend")
    assert entry["reason"] == "panel agreed care was poor overall"
    assert json.loads(entry["after"])["score_overall"] == 2
    assert len(_log(ref_db, "sign_off")) == 1
    links = ref_db.conn.execute("SELECT agency_code FROM review_agency ORDER BY 1").fetchall()
    assert [r[0] for r in links] == ["ACUTE", "ASC"]


async def test_completion_is_refused_with_a_message_per_missing_field(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _new_review(pilot)
        await _type(pilot, "9990000018")
        await pilot.press("f3")
        await pilot.pause()
        for field in ("admission_date", "ideal_outcome", "actual_outcome", "score_overall"):
            assert _text(screen, f"{field}-problem") == "is required to complete a review"
        assert "at least 2 agencies" in _text(screen, "agencies-problem")
        assert "at least 1 reviewer" in _text(screen, "reviewers-problem")
        assert "Not completed: 6 fields" in _text(screen, "message")
        assert pilot.app.focused.id == "admission_date"
        assert ref_db.conn.execute("SELECT COUNT(*) FROM review").fetchone()[0] == 0

        await pilot.press("f2")  # but it can be kept as a draft
        await pilot.pause()
        assert _text(screen, "admission_date-problem") == ""
    assert _review(ref_db)["status"] == "draft"


async def test_invalid_values_are_named_even_in_a_draft(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _new_review(pilot)
        await _type(pilot, "9990000018")
        screen.query_one("#admission_date", Input).value = "01/09/2026"
        screen.query_one("#discharge_date", Input).value = "31/08/2026"
        screen.query_one("#score_ongoing", Input).value = "7"
        await pilot.press("enter")  # Enter saves (a new review is a draft)
        await pilot.pause()
        assert "before the admission date" in _text(screen, "discharge_date-problem")
        assert "not a care score" in _text(screen, "score_ongoing-problem")
    assert ref_db.conn.execute("SELECT COUNT(*) FROM review").fetchone()[0] == 0


async def test_signed_off_review_is_read_only(ref_db, db_path, ctx):
    rid = save_review(ref_db, validate(Review, complete_raw(), ctx), "amy")
    sign_off(ref_db, rid, "lead")
    before = _review(ref_db)
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # open the only review
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewFormScreen)
        assert "signed off by lead" in _text(screen, "state")
        assert all(w.disabled for w in screen.query("#sections Input"))
        assert screen.query_one("#agencies", SelectionList).disabled
        assert screen.query_one("#learning", TextArea).disabled
        await pilot.press("ctrl+s", "f2", "f3")
        await pilot.pause()
        assert "read-only" in _text(screen, "message")
        shown = {b.binding.action for b in screen.active_bindings.values()
                 if b.enabled and b.binding.show and screen.check_action(
                     b.binding.action.split("(")[0], ())}
        assert "amend" in shown and not shown & {"save_draft", "complete", "sign_off"}
        assert screen.check_action("section", (1,)) is False  # no field to jump to
        # An amendment abandoned with Escape changes nothing.
        await pilot.press("f5")
        screen.query_one("#score_overall", Input).value = "1"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#score_overall", Input).value == "3"
    assert _review(ref_db) == before


async def test_live_flags_follow_the_typing(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _new_review(pilot)
        assert "not known" in _text(screen, "outcome-flag")
        screen.query_one("#ideal_outcome", Input).value = "nursing"
        screen.query_one("#actual_outcome", Input).value = "resid"
        await pilot.pause()
        assert "non-ideal" in _text(screen, "outcome-flag")
        assert "more care" not in _text(screen, "outcome-flag")  # 4 -> 3: less care
        screen.query_one("#actual_outcome", Input).value = "nursing"
        await pilot.pause()
        assert "ideal" in _text(screen, "outcome-flag")
        assert "non-ideal" not in _text(screen, "outcome-flag")
        screen.query_one("#score_transfer", Input).value = "1"
        await pilot.pause()
        assert "needed" in _text(screen, "stage-flag") and "phase scored 1" in _text(
            screen, "stage-flag")
        screen.query_one("#score_transfer", Input).value = ""
        screen.query_one("#score_overall", Input).value = "4"
        await pilot.pause()
        assert "not needed" in _text(screen, "stage-flag")


async def test_leaving_with_unsaved_changes_asks_first(ref_db, db_path):
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _new_review(pilot)
        await _type(pilot, "9990000018")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # "no": stay
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # "yes": leave
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewListScreen)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM review").fetchone()[0] == 0


def test_context_has_default_agencies(ref_db):
    # The form's pick lists come from the reference data.
    assert len(load_context(ref_db, NOW).reference.agencies) == 8


async def test_an_untouched_review_reads_back_unchanged(ref_db, db_path, ctx):
    """Agencies stored in any order (an import) are not reordered by opening the form, so an
    amendment that changes nothing is refused rather than logged."""
    rid = save_review(ref_db, validate(Review, complete_raw(agencies="ASC;ACUTE;GP",
                                                            themes="RISK_AVERSE;CHOICE"), ctx),
                      "amy")
    sign_off(ref_db, rid, "lead")
    app = create_app(db_path, "amy", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert not screen.dirty
        await pilot.press("f5")
        await _type(pilot, "checking")
        await pilot.press("enter")
        await pilot.pause()
        assert "changes nothing" in _text(screen, "message")
    assert _log(ref_db, "amend") == []
    assert _review(ref_db)["agencies"] == "ASC;ACUTE;GP"
