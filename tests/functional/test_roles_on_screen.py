"""SPEC 8 on screen, driven with Pilot: the sign-in screen, what each role is offered (home
menu entries, keys), a refused key, and an account disabled while its session is open."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from casereview.domain.move import Move
from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.storage.reviews import save_review
from casereview.storage.users import add_account, disable_account, sign_in
from casereview.tui.app import create_app
from casereview.tui.navigation import destinations
from casereview.tui.permissions import ACTION_PERMISSIONS
from casereview.tui.screens.home import HomeScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.screens.sign_in import SignInScreen
from tests.conftest import NOW
from tests.review_samples import complete_raw

PW = "correct-horse-battery"
ROLES = {"ann": "admin", "lee": "lead", "bob": "auditor", "vic": "viewer"}


@pytest.fixture
def accounts(ref_db, ctx):
    save_review(ref_db, validate(Review, complete_raw(), ctx), "seed")
    add_account(ref_db, "ann", "admin", PW, by=None)
    admin = sign_in(ref_db, "ann", PW)
    for name, role in ROLES.items():
        if name != "ann":
            add_account(ref_db, name, role, PW, by=admin, sites=["NGH"] if name in
                        ("bob", "vic") else None)
    return admin


async def _sign_in(pilot, name: str, password: str = PW) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#username", Input).value = name
    screen.query_one("#password", Input).value = password
    screen.submit()
    for _ in range(100):
        await pilot.pause(0.05)
        if not screen.busy:
            break
    await pilot.pause()


def _menu_keys(app) -> set[str]:
    return {d.key for d in destinations(app.access)}


def _footer_actions(app) -> set[str]:
    return {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values()
            if enabled}


async def test_sign_in_screen_comes_first_and_refuses_a_wrong_password(accounts, db_path,
                                                                       ref_db):
    app = create_app(db_path, "whoever", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await _sign_in(pilot, "ann", "wrong-password")
        assert isinstance(app.screen, SignInScreen)
        assert "wrong" in str(app.screen.query_one("#sign-in-message").render())
        assert app.screen.query_one("#username", Input).value == "ann"  # kept
        await _sign_in(pilot, "ann")
        assert isinstance(app.screen, HomeScreen)
        assert app.user == "ann" and "ann · admin · every site" in app.sub_title
    failed = ref_db.conn.execute("SELECT COUNT(*) FROM change_log WHERE action = "
                                 "'sign_in_failed'").fetchone()[0]
    assert failed == 1


@pytest.mark.parametrize("name, offered, absent", [
    ("ann", set("nrtesvxglawmhd"), set()),
    ("lee", set("nrtesvxghd"), set("lawm")),
    ("bob", set("nrtesvxg"), set("lawmhd")),
    ("vic", set("rtsvxg"), set("nelawmhd")),
])
async def test_each_role_is_offered_its_screens_only(accounts, db_path, name, offered, absent):
    app = create_app(db_path, name, clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _sign_in(pilot, name)
        keys = _menu_keys(app)
        assert offered <= keys and not (absent & keys)
        menu_keys = {d.key for d in app.screen.query_one("#menu").destinations}
        assert menu_keys == keys
        # A key not offered does nothing: the home screen stays.
        for key in sorted(absent)[:2]:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        # F4 (set a target) is a lead's.
        assert ("set_target" in _footer_actions(app)) == (ROLES[name] in ("lead", "admin"))


async def test_an_auditor_is_refused_a_sign_off_on_screen(accounts, db_path, ref_db):
    app = create_app(db_path, "bob", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _sign_in(pilot, "bob")
        await pilot.press("r")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "ReviewFormScreen"
        assert "sign_off" not in _footer_actions(app)
        await pilot.press("f4")
        await pilot.pause()
        assert any("may not complete, sign off" in n.message for n in app._notifications)
    assert ref_db.conn.execute("SELECT status FROM review").fetchone()[0] == "complete"


async def test_an_auditors_night_log_offers_only_the_granted_site(accounts, db_path):
    app = create_app(db_path, "bob", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _sign_in(pilot, "bob")
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NightLogScreen) and screen.site == "NGH"
        assert set(app.context().reference.sites) == {"NGH"}


async def test_disabled_while_signed_in_next_change_refused_and_signed_out(
        accounts, db_path, ref_db, ctx):
    app = create_app(db_path, "bob", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _sign_in(pilot, "bob")
        await pilot.press("n")
        await pilot.pause()
        disable_account(ref_db, "bob", by=accounts)
        screen = app.screen
        for field, text in (("#time", "23:15"), ("#from_ward", "a1"), ("#to_ward", "a2"),
                            ("#reason", "cap")):
            screen.query_one(field, Input).value = text
        screen.query_one("#time", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.access is None
        assert "disabled" in str(app.screen.query_one("#sign-in-message").render())
    assert ref_db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] == 0


async def test_without_accounts_the_app_opens_as_before(ref_db, db_path):
    app = create_app(db_path, "nurse", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)):
        assert isinstance(app.screen, HomeScreen) and app.access is None
        assert _menu_keys(app) == {d.key for d in destinations()}


def test_every_guarded_action_names_a_real_screen_and_action():
    from casereview.tui.navigation import warm_up

    warm_up()
    import casereview.tui.screens as screens_pkg

    classes = {}
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(screens_pkg.__path__):
        module = importlib.import_module(f"casereview.tui.screens.{info.name}")
        classes.update({name: obj for name, obj in vars(module).items() if isinstance(obj, type)})
    for screen, action in ACTION_PERMISSIONS:
        assert screen in classes, screen
        assert hasattr(classes[screen], f"action_{action}"), (screen, action)


_ = Move  # the record model the night log saves


async def test_a_viewer_sees_a_review_read_only_with_the_reference_masked(accounts, db_path):
    app = create_app(db_path, "vic", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await _sign_in(pilot, "vic")
        await pilot.press("r")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        screen = app.screen
        assert type(screen).__name__ == "ReviewFormScreen" and screen.read_only
        assert "save" not in _footer_actions(app)
        assert screen.query_one("#patient_ref", Input).value.startswith("*******")



async def test_typing_the_sign_in_with_enter_between_fields(accounts, db_path):
    """Enter in the username moves to the password before the next key is read, so a quick
    typist's password never lands in the username (the load benchmark found it did)."""
    app = create_app(db_path, "whoever", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.press(*"bob", "enter", *[k if k != "-" else "minus" for k in PW], "enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, HomeScreen):
                break
        assert isinstance(app.screen, HomeScreen) and app.user == "bob"
