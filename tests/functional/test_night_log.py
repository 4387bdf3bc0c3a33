"""The night log driven through Pilot: type a move, find it in the database; close a night
with a nil return; validation keeps what was typed."""

from datetime import date

from textual.widgets import DataTable, Input, Static

from casereview.storage.moves import night_status
from casereview.tui.app import create_app
from casereview.tui.screens.night_log import NightLogScreen
from tests.conftest import NOW


async def _open_night_log(pilot):
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NightLogScreen)
    return pilot.app.screen


async def _type(pilot, text):
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_type_a_move_and_find_it_in_the_database(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        assert screen.night == date(2026, 11, 22)  # 09:00 on the 23rd: last night
        for text in ["23:15", "a1", "a2", "cap", "2", "84", "y", "S Okafor", "y",
                     "9990000018"]:
            await _type(pilot, text)
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#time", Input).value == ""  # cleared for the next
        assert screen.query_one("#moves", DataTable).row_count == 1
    row = ref_db.conn.execute("SELECT * FROM move").fetchone()
    assert row["moved_at"] == "2026-11-22T23:15+00:00" and row["audit_night"] == "2026-11-22"
    assert (row["from_ward"], row["to_ward"], row["reason"]) == ("A1", "A2", "CAPACITY")
    assert (row["move_number"], row["age"], row["dementia"], row["informed"]) == (2, 84, 1, 1)
    assert row["authorised_by"] == "S Okafor" and row["patient_ref"] == "9990000018"
    assert row["created_by"] == "nurse"


async def test_morning_time_goes_on_the_next_day(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _open_night_log(pilot)
        for text in ["02:30", "a3", "a1", "esc"]:
            await _type(pilot, text)
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
    row = ref_db.conn.execute("SELECT moved_at, audit_night, reason FROM move").fetchone()
    assert tuple(row) == ("2026-11-23T02:30+00:00", "2026-11-22", "ESCALATION")


async def test_invalid_move_keeps_what_was_typed_and_says_why(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        for text in ["14:00", "a1", "a1", "cap", "0"]:
            await _type(pilot, text)
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert "outside the night window" in str(screen.query_one("#time-problem", Static)
                                                 .render())
        assert "must differ" in str(screen.query_one("#to_ward-problem", Static).render())
        assert "minimum" in str(screen.query_one("#move_number-problem", Static).render())
        assert screen.query_one("#from_ward", Input).value == "a1"
        assert screen.query_one("#time", Input).value == "14:00"
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


async def test_close_night_with_nil_return(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _open_night_log(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # audited by defaults to the user
        await pilot.pause()
    status = night_status(ref_db, "NGH", date(2026, 11, 22))
    assert status.closed and status.moves == 0 and status.audited_by == "nurse"


async def test_edit_and_delete_from_the_list(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        for text in ["23:15", "a1", "a2", "cap"]:
            await _type(pilot, text)
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f3", "enter")  # edit the selected move
        await pilot.pause()
        assert screen.editing_id is not None
        assert screen.query_one("#time", Input).value == "23:15"
        screen.query_one("#time", Input).value = "23:40"
        await pilot.press("enter")
        await pilot.pause()
        assert ref_db.conn.execute("SELECT moved_at FROM move").fetchone()[0].startswith(
            "2026-11-22T23:40")
        await pilot.press("f3", "delete")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert ref_db.conn.execute("SELECT deleted_at IS NOT NULL FROM move").fetchone()[0] == 1
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 1


async def test_previous_night_and_other_site(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        await pilot.press("pageup")
        assert screen.night == date(2026, 11, 21)
        await pilot.press("pagedown", "pagedown")  # the night of the 23rd has not begun
        assert screen.night == date(2026, 11, 22)
        screen.query_one("#site").value = "WCH"
        await pilot.pause()
        for text in ["23:15", "b1", "b2", "cap"]:
            await _type(pilot, text)
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
    assert ref_db.conn.execute("SELECT site_code FROM move").fetchone()[0] == "WCH"


async def test_sites_and_wards_screen_adds_a_ward(ref_db, db_path):
    app = create_app(db_path, "admin", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await _type(pilot, "NEW")
        await pilot.press("tab")
        await _type(pilot, "New Site")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#ward_code", Input).focus()
        await _type(pilot, "N1")
        await pilot.press("tab")
        await _type(pilot, "Ward N1")
        await pilot.press("tab")
        await _type(pilot, "new")
        await pilot.press("tab")
        await _type(pilot, "y")
        await pilot.press("enter")
        await pilot.pause()
    row = ref_db.conn.execute("SELECT * FROM ward WHERE ward_code = 'N1'").fetchone()
    assert tuple(row) == ("N1", "Ward N1", "NEW", 1)


async def test_move_reasons_and_night_window_screen(ref_db, db_path):
    app = create_app(db_path, "admin", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        for text in ["TRANSFER", "transfer to a specialist ward", "n"]:
            await _type(pilot, text)
            await pilot.press("tab")
        app.screen.query_one("#reason_clinical", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        start = app.screen.query_one("#window_start", Input)
        start.value = "21:00"
        start.focus()
        await pilot.press("enter")
        await pilot.pause()
    assert tuple(ref_db.conn.execute("SELECT label, clinical FROM move_reason WHERE "
                                     "reason_code = 'TRANSFER'").fetchone()) == (
        "transfer to a specialist ward", 0)
    assert ref_db.conn.execute("SELECT value FROM setting WHERE key = 'night_window_start'"
                               ).fetchone()[0] == "21:00"


async def test_command_palette_reaches_screens_and_actions(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Open: Night log" in titles and "Help" in titles
        await pilot.press("n")
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Close night (f2)" in commands
        commands["Close night (f2)"].callback()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert ref_db.conn.execute("SELECT COUNT(*) FROM night_audit").fetchone()[0] == 1


async def test_help_lists_screens_and_their_keys(ref_db, db_path):
    from textual.widgets import Markdown

    from casereview.tui.screens.help import HelpScreen, screen_keys

    assert "Close night" in screen_keys() and "Pageup" in screen_keys()
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one(Markdown)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_night_log_opens_again_on_the_site_last_shown(ref_db, db_path):
    from textual.widgets import Select

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        assert screen.site == "NGH"  # the first site
        screen.query_one("#site", Select).value = "WCH"
        await pilot.pause()
        assert screen.site == "WCH"
        await pilot.press("escape")
        await pilot.pause()
        screen = await _open_night_log(pilot)
        assert screen.site == "WCH"
        assert "at WCH" in str(screen.query_one("#status", Static).render())


async def test_page_keys_belong_to_the_open_site_list(ref_db, db_path):
    from textual.widgets import Select

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_night_log(pilot)
        night = screen.night
        site = screen.query_one("#site", Select)
        site.focus()
        await pilot.press("enter")  # drop the list down
        await pilot.pause()
        assert site.expanded
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.night == night  # the list's key, not the night's
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.night < night


async def test_moves_typed_at_full_speed_are_all_saved_in_order(ref_db, db_path):
    """Two whole moves arriving at once, as a terminal hands over keys typed faster than the
    screen draws: Enter saves each with everything typed before it, and the next move's keys
    go into the cleared form, not wherever the focus was."""
    from textual import events

    app = create_app(db_path, "nurse", clock=lambda: NOW)
    keys = {"\t": ("tab", None), "\r": ("enter", "\r"), " ": ("space", " ")}
    async with app.run_test(size=(130, 45)) as pilot:
        await _open_night_log(pilot)
        for ch in ("23:15\ta1\ta2\tcap\t2\t84\ty\tS Okafor\ty\t9990000018\tfirst\r"
                   "23:40\ta2\ta3\tesc\t1\t70\tn\tS Okafor\tn\t9990000026\tsecond\r"):
            key, char = keys.get(ch, (ch, ch))
            app.post_message(events.Key(key, char))  # all queued before any is handled
        for _ in range(30):
            await pilot.pause()
        assert app.screen.query_one("#night", Input).value == "22/11/2026"
    rows = ref_db.conn.execute("SELECT moved_at, from_ward, to_ward, reason, notes, patient_ref "
                               "FROM move ORDER BY moved_at").fetchall()
    assert [tuple(r) for r in rows] == [
        ("2026-11-22T23:15+00:00", "A1", "A2", "CAPACITY", "first", "9990000018"),
        ("2026-11-22T23:40+00:00", "A2", "A3", "ESCALATION", "second", "9990000026")]
