"""SVG snapshots of the main screens at 80x24 and 130x42 (pytest-textual-snapshot): the
dashboard, the night log (as opened, and with a move typed), the experience entry form and a
new case-note review. A change to how a screen looks fails here; when the change is meant,
look at the new picture (the failure report, snapshot_report.html) and accept it with
``.venv/bin/python -m pytest tests/snapshots --snapshot-update``; the SVG files under
__snapshots__/ are committed.

Each picture is made the same on any machine: a fixed clock, a small database written here
(fixed dates, no random data), the app started from the database's own folder (so the header
names the file, not a path of this machine), the default theme, colours on, cursor blink off,
and the screen's workers finished before the picture is taken.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import Input, TextArea

from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.experience import save_experience
from casereview.storage.moves import close_night, save_move
from casereview.tui.app import create_app
from casereview.tui.screens.experience_entry import ExperienceEntryScreen
from casereview.tui.screens.home import HomeScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.screens.review_form import ReviewFormScreen
from tests.conftest import NOW, settle

SIZES = {"80x24": (80, 24), "130x42": (130, 42)}
LAST_NIGHT = date(2026, 11, 22)  # NOW is 09:00 on Mon 23 Nov 2026: the night log opens on it

# (night, time, from, to, reason, age, authorised by): moves at NGH over the week just gone
# (2026-W47) and the one before, so that the dashboard has this week and last week to show.
MOVES = [
    (LAST_NIGHT, "23:10", "A1", "A2", "CAPACITY", "84", "S. Okafor"),
    (LAST_NIGHT, "01:40", "A2", "A3", "ESCALATION", "79", "S. Okafor"),
    (LAST_NIGHT, "03:05", "A3", "A1", "CAPACITY", "91", ""),
    (date(2026, 11, 20), "22:45", "A1", "A3", "CAPACITY", "88", "R. Khan"),
    (date(2026, 11, 18), "02:15", "A2", "A1", "ESCALATION", "76", "R. Khan"),
    (date(2026, 11, 12), "23:30", "A1", "A2", "CAPACITY", "82", "J. Mensah"),
]
CLOSED_NIGHTS = [date(2026, 11, 20), date(2026, 11, 18), date(2026, 11, 12)]
SAMPLES = [  # (day, ward, fft, comment)
    ("2026-11-18", "A1", "VERY_GOOD", "Staff were kind at night."),
    ("2026-11-19", "A1", "POOR", "Moved twice in one night."),
    ("2026-11-23", "A1", "GOOD", "Quiet ward, good food."),
]


@pytest.fixture
def snap_db(ref_db, db_path):
    """The picture's database: two sites' wards (conftest), a handful of moves, three closed
    nights and last night still open at NGH, and three experience samples."""
    context = load_context(ref_db, NOW)
    for night, at, from_ward, to_ward, reason, age, authorised_by in MOVES:
        day = night if at >= "12:00" else night + timedelta(days=1)
        save_move(ref_db, validate(Move, {
            "moved_at": f"{day.isoformat()} {at}", "site_code": "NGH", "from_ward": from_ward,
            "to_ward": to_ward, "reason": reason, "age": age, "authorised_by": authorised_by,
            "informed": "y", "dementia": "n"}, context), "seed")
    for night in CLOSED_NIGHTS:
        close_night(ref_db, validate(NightAudit, {"site_code": "NGH", "audit_night":
                                                  night.isoformat(), "audited_by": "L. Byrne"},
                                     context), "seed")
    for day, ward, fft, comment in SAMPLES:
        save_experience(ref_db, validate(Experience, {
            "sample_date": day, "site_code": "NGH", "ward_code": ward, "fft": fft,
            "collected_by": "T. Volunteer", "comment": comment}, context), "seed")
    return db_path


@pytest.fixture
def make_app(snap_db, monkeypatch):
    """The app on the picture's database, with nothing of this machine in the picture."""
    monkeypatch.chdir(snap_db.parent)  # the header names the file, not this machine's folder
    monkeypatch.delenv("NO_COLOR", raising=False)  # read by each App as it is made

    def make():
        app = create_app(snap_db.name, "nurse", clock=lambda: NOW)
        app.theme = "textual-dark"  # whatever TEXTUAL_THEME says
        return app

    return make


def opened(*keys: str, then: tuple[str, ...] = ()):
    """A run_before for snap_compare: press ``keys`` (one at a time, each screen settled),
    type ``then``, and stop every cursor blinking."""
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        if then:
            await pilot.press(*then)
            await app.keys_delivered()
            await settle(app, pilot)
        for widget in app.screen.query("Input, TextArea"):
            assert isinstance(widget, Input | TextArea)
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


def typed_move() -> tuple[str, ...]:
    """A move typed into the night log's fields, not yet saved."""
    keys: list[str] = []
    for text in ["02:20", "a1", "a3", "cap", "1", "87", "y", "S Okafor", "y"]:
        keys += [{" ": "space", ":": "colon"}.get(ch, ch) for ch in text]
        keys.append("tab")
    return tuple(keys)


SCREENS = {
    "dashboard": (HomeScreen, opened()),
    "night_log": (NightLogScreen, opened("n")),
    "night_log_typed": (NightLogScreen, opened("n", then=typed_move())),
    "experience_entry": (ExperienceEntryScreen, opened("e")),
    # A ward chosen: the ward's samples for the week are listed.
    "experience_entry_ward": (ExperienceEntryScreen,
                              opened("e", then=("a", "1", "tab", "T", "full_stop", "space",
                                                "V", "o", "l", "tab"))),
    "review_form": (ReviewFormScreen, opened("r", "n")),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_looks_as_it_did(snap_compare, make_app, screen, size):
    kind, run_before = SCREENS[screen]
    app = make_app()

    async def check(pilot) -> None:
        await run_before(pilot)
        assert isinstance(pilot.app.screen, kind)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=check)
