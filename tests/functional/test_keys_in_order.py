"""No keystroke is lost or misplaced: keys typed while the form moves on (the experience
form's one-key answers, Enter saving and starting the next record) go to the field that is
next, in the order typed, however fast they come; Enter saves what was typed before it."""

from casereview.tui.app import create_app
from tests.conftest import NOW
from tests.functional.keys import BusyWriter, burst, keys_of, typed


async def _settle(pilot) -> None:
    """Every key handed on, and what the last one set off done."""
    await pilot.pause()
    await pilot.app.keys_delivered()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _samples(db):
    return [dict(r) for r in db.conn.execute(
        "SELECT fft, dignity, involved, moved_at_night, discharge_info, ward_code, "
        "collected_by, age, comment FROM experience ORDER BY id")]


async def test_one_experience_sample_typed_in_one_burst(ref_db, db_path):
    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["e", *typed("a1"), "tab", *typed("R. Khan"), "tab",
                    *keys_of("2 s s y t Enter")])
        await _settle(pilot)
    assert _samples(ref_db) == [{
        "fft": "GOOD", "dignity": "SOMETIMES", "involved": "SOME_EXTENT",
        "moved_at_night": "YES", "discharge_info": "NOT_YET", "ward_code": "A1",
        "collected_by": "R. Khan", "age": None, "comment": None}]


async def test_three_experience_samples_back_to_back(ref_db, db_path):
    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["e", *typed("a1"), "tab", *typed("R. Khan"), "tab",
                    *keys_of("1 a d n y Enter 5 n n y n Enter 2 s s y t Enter")])
        await _settle(pilot)
    got = [(s["fft"], s["dignity"], s["involved"], s["moved_at_night"], s["discharge_info"])
           for s in _samples(ref_db)]
    assert got == [
        ("VERY_GOOD", "ALWAYS", "DEFINITELY", "NO", "YES"),
        ("VERY_POOR", "NO", "NO", "YES", "NO"),
        ("GOOD", "SOMETIMES", "SOME_EXTENT", "YES", "NOT_YET"),
    ]


async def test_three_samples_through_pilot_press_in_one_call(ref_db, db_path):
    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("e", *typed("a1"), "tab", *typed("R. Khan"), "tab",
                          *keys_of("1 a d n y Enter 5 n n y n Enter 2 s s y t Enter"))
        await _settle(pilot)
    assert len(_samples(ref_db)) == 3


THREE_SAMPLES = "1 a d n y Enter 5 n n y n Enter 2 s s y t Enter"
THREE_EXPECTED = [
    ("VERY_GOOD", "ALWAYS", "DEFINITELY", "NO", "YES"),
    ("VERY_POOR", "NO", "NO", "YES", "NO"),
    ("GOOD", "SOMETIMES", "SOME_EXTENT", "YES", "NOT_YET"),
]


async def test_three_samples_while_another_writer_holds_the_database(ref_db, db_path):
    """Each save waits for the lock; the keys typed meanwhile wait for the save."""
    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["e", *typed("a1"), "tab", *typed("R. Khan"), "tab"])
        await _settle(pilot)
        writer = BusyWriter(db_path, 0.8)
        burst(app, [*keys_of(THREE_SAMPLES), *typed("lovely"), "tab", "tab", "tab", "tab"])
        await _settle(pilot)
        assert writer.released.is_set()
    got = [(s["fft"], s["dignity"], s["involved"], s["moved_at_night"], s["discharge_info"])
           for s in _samples(ref_db)]
    assert got == THREE_EXPECTED


async def test_a_comment_typed_after_the_answers_is_saved_with_its_sample(ref_db, db_path):
    app = create_app(db_path, "volunteer", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["e", *typed("a1"), "tab", *typed("R. Khan"), "tab"])
        await _settle(pilot)
        BusyWriter(db_path, 0.5)
        # answers, then (the form is on the patient reference) age, and on to the comment
        burst(app, [*keys_of("3 a d n n"), "tab", *typed("82"), "tab", "y", "n", "tab",
                    *typed("kind staff, noisy nights"), "enter", *keys_of("4 s s y y Enter")])
        await _settle(pilot)
    samples = _samples(ref_db)
    assert [(s["fft"], s["age"], s["comment"]) for s in samples] == [
        ("NEITHER", 82, "kind staff, noisy nights"), ("POOR", None, None)]


def _moves(db):
    return [tuple(r) for r in db.conn.execute(
        "SELECT substr(moved_at, 12, 5), from_ward, to_ward, reason, age FROM move ORDER BY id")]


NIGHT_KEYS = [*typed("23:15"), "tab", *typed("a1"), "tab", *typed("a2"), "tab",
              *typed("cap"), "tab", "tab", *typed("84"), "enter",
              *typed("01:40"), "tab", *typed("a2"), "tab", *typed("a3"), "tab",
              *typed("esc"), "enter"]


async def test_two_moves_typed_back_to_back_in_the_night_log(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["n", *NIGHT_KEYS])
        await _settle(pilot)
    assert _moves(ref_db) == [("23:15", "A1", "A2", "CAPACITY", 84),
                              ("01:40", "A2", "A3", "ESCALATION", None)]


async def test_two_moves_while_another_writer_holds_the_database(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["n"])
        await _settle(pilot)
        BusyWriter(db_path, 0.8)
        burst(app, NIGHT_KEYS)
        await _settle(pilot)
    assert _moves(ref_db) == [("23:15", "A1", "A2", "CAPACITY", 84),
                              ("01:40", "A2", "A3", "ESCALATION", None)]


async def test_two_moves_through_pilot_press_in_one_call(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("n", *NIGHT_KEYS)
        await _settle(pilot)
    assert len(_moves(ref_db)) == 2


def _audits(db):
    return [tuple(r) for r in db.conn.execute(
        "SELECT site_code, ward_code, patient_ref, admission_date, medically_fit_date, "
        "letter1_date, outcome FROM toc ORDER BY id")]


def _audit_keys(patient: str, letter1: str) -> list[str]:
    """From the patient reference (where the form is after a save, or after the ward):
    patient, admitted, fit, (discharged), outcome, then letter 1's date; Enter saves."""
    return [*typed(patient), "tab", *typed("01/10/2026"), "tab", *typed("10/10/2026"), "tab",
            "tab", *typed("pref"), "tab", "tab", *typed(letter1), "enter"]


TOC_KEYS = ["tab", "tab", *typed("ngh"), "tab", *typed("a1"), "tab",
            *_audit_keys("9990000018", "03/10/2026"), *_audit_keys("9990000026", "02/10/2026")]
TOC_EXPECTED = [("NGH", "A1", "9990000018", "2026-10-01", "2026-10-10", "2026-10-03", "PREFERRED"),
                ("NGH", "A1", "9990000026", "2026-10-01", "2026-10-10", "2026-10-02", "PREFERRED")]


async def test_two_transfer_of_care_audits_typed_back_to_back(ref_db, db_path):
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["t", "ctrl+n", *TOC_KEYS])
        await _settle(pilot)
    assert _audits(ref_db) == TOC_EXPECTED


async def test_two_audits_while_another_writer_holds_the_database(ref_db, db_path):
    app = create_app(db_path, "auditor", clock=lambda: NOW)
    async with app.run_test(size=(130, 42)) as pilot:
        burst(app, ["t", "ctrl+n"])
        await _settle(pilot)
        BusyWriter(db_path, 0.8)
        burst(app, TOC_KEYS)
        await _settle(pilot)
    assert _audits(ref_db) == TOC_EXPECTED
