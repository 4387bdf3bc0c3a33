"""SPEC 8: user accounts, passwords, sign-in, lock-out and the change log of each."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from casereview.domain.access import AccessDenied, Role
from casereview.storage.users import (
    AccountError,
    SignInRefused,
    add_account,
    disable_account,
    get_account,
    has_accounts,
    hash_password,
    list_accounts,
    set_account,
    sign_in,
    verify_password,
)

PW = "correct-horse-battery"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _log(db, *actions):
    rows = db.conn.execute("SELECT user, action, record_id, before, after, reason FROM "
                           "change_log WHERE record_type = 'user_account' ORDER BY id").fetchall()
    return [dict(r) for r in rows if not actions or r["action"] in actions]


@pytest.fixture
def admin(ref_db):
    add_account(ref_db, "ann", "admin", PW, by=None, display_name="Ann Admin",
                installer="root")
    return sign_in(ref_db, "ann", PW, now=T0)


def test_password_is_stored_as_a_salted_scrypt_hash(ref_db, admin):
    stored = ref_db.conn.execute("SELECT password_hash FROM user_account").fetchone()[0]
    assert stored.startswith("scrypt$") and PW not in stored
    assert hash_password(PW) != hash_password(PW)  # salted
    assert verify_password(PW, stored) and not verify_password(PW + "x", stored)
    # No password or hash anywhere in the change log.
    text = json.dumps([dict(r) for r in ref_db.conn.execute("SELECT * FROM change_log")])
    assert PW not in text and stored not in text


def test_no_accounts_means_no_sign_in(ref_db):
    assert not has_accounts(ref_db)


def test_first_account_must_be_admin_and_needs_no_sign_in(ref_db):
    with pytest.raises(AccountError, match="first account of a database must be an admin"):
        add_account(ref_db, "bob", "auditor", PW, by=None)
    assert not has_accounts(ref_db)
    add_account(ref_db, "ann", "admin", PW, by=None, installer="root")
    entry = _log(ref_db, "insert")[0]
    assert entry["user"] == "root" and entry["reason"] == "first account"
    assert json.loads(entry["after"])["role"] == "admin"


def test_later_accounts_need_an_admins_sign_in(ref_db, admin):
    with pytest.raises(AccessDenied, match="admin's sign-in"):
        add_account(ref_db, "bob", "auditor", PW, by=None)
    lead = add_account(ref_db, "lee", "lead", PW, by=admin)
    with pytest.raises(AccessDenied, match="needs the admin role"):
        add_account(ref_db, "bob", "auditor", PW, by=lead.access())
    add_account(ref_db, "bob", "auditor", PW, by=admin, sites=["ngh"], agency_code="asc")
    bob = get_account(ref_db, "bob")
    assert bob.sites == ["NGH"] and bob.agency_code == "ASC" and bob.role is Role.AUDITOR
    assert [a.username for a in list_accounts(ref_db)] == ["ann", "bob", "lee"]


@pytest.mark.parametrize("name, message", [
    ("x" * 65, "at most 64 characters"),
    ("bad\x07name", "control character"),
    ("tab\tname", "control character"),
    ("two words", "no spaces"),
    ("", "blank"),
])
def test_bad_usernames_are_refused_and_nothing_changes(ref_db, admin, name, message):
    before = ref_db.conn.execute("SELECT COUNT(*) FROM user_account").fetchone()[0]
    with pytest.raises(AccountError, match=message):
        add_account(ref_db, name, "viewer", PW, by=admin)
    assert ref_db.conn.execute("SELECT COUNT(*) FROM user_account").fetchone()[0] == before


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "superuser"}, "role 'superuser' is not known"),
    ({"sites": ["NOPE"]}, "NOPE is not a known site"),
    ({"agency_code": "NOPE"}, "NOPE is not a known agency"),
])
def test_unknown_role_site_or_agency_is_refused(ref_db, admin, kwargs, message):
    args = {"role": "auditor", **kwargs}
    with pytest.raises(ValueError, match=message):
        add_account(ref_db, "bob", args.pop("role"), PW, by=admin, **args)
    assert get_account(ref_db, "bob") is None


def test_short_password_refused(ref_db, admin):
    with pytest.raises(AccountError, match="at least 10 characters"):
        add_account(ref_db, "bob", "viewer", "short", by=admin)


def test_sign_in_success_is_logged_and_gives_the_accounts_access(ref_db, admin):
    add_account(ref_db, "bob", "auditor", PW, by=admin, sites=["WCH"])
    access = sign_in(ref_db, "bob", PW, now=T0)
    assert access.user == "bob" and access.role is Role.AUDITOR
    assert access.sites == frozenset({"WCH"}) and access.account
    assert _log(ref_db, "sign_in")[-1]["user"] == "bob"


def test_wrong_password_and_unknown_name_read_the_same_and_are_logged(ref_db, admin):
    with pytest.raises(SignInRefused) as wrong:
        sign_in(ref_db, "ann", "not-the-password", now=T0)
    with pytest.raises(SignInRefused) as unknown:
        sign_in(ref_db, "nobody", "not-the-password", now=T0)
    assert str(wrong.value) == str(unknown.value) == (
        "sign-in refused: the username or the password is wrong")
    failed = _log(ref_db, "sign_in_failed")
    assert [(e["record_id"], e["reason"]) for e in failed] == [
        ("ann", "wrong password"), ("nobody", "no such account")]


def test_five_failures_in_a_row_lock_for_fifteen_minutes(ref_db, admin):
    for i in range(4):
        with pytest.raises(SignInRefused, match="wrong"):
            sign_in(ref_db, "ann", "wrong-password", now=T0 + timedelta(seconds=i))
    with pytest.raises(SignInRefused, match="locked for 15 minutes"):
        sign_in(ref_db, "ann", "wrong-password", now=T0 + timedelta(seconds=5))
    lock = _log(ref_db, "lock")
    assert len(lock) == 1 and lock[0]["reason"] == "5 failed sign-ins in a row"
    # Locked: even the right password is refused, and that is logged too.
    with pytest.raises(SignInRefused, match="is locked"):
        sign_in(ref_db, "ann", PW, now=T0 + timedelta(minutes=14))
    assert _log(ref_db, "sign_in_refused")[-1]["reason"].startswith("locked until")
    # After 15 minutes the right password signs in and the count starts again.
    assert sign_in(ref_db, "ann", PW, now=T0 + timedelta(minutes=16)).user == "ann"
    assert get_account(ref_db, "ann").failed_sign_ins == 0


def test_a_success_resets_the_count(ref_db, admin):
    for _i in range(4):
        with pytest.raises(SignInRefused):
            sign_in(ref_db, "ann", "wrong-password", now=T0)
    sign_in(ref_db, "ann", PW, now=T0)
    for _i in range(4):
        with pytest.raises(SignInRefused, match="wrong$"):
            sign_in(ref_db, "ann", "wrong-password", now=T0)


def test_disabled_account_cannot_sign_in(ref_db, admin):
    add_account(ref_db, "bob", "auditor", PW, by=admin)
    disable_account(ref_db, "bob", by=admin)
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in(ref_db, "bob", PW, now=T0)
    assert _log(ref_db, "disable")[-1]["user"] == "ann"
    assert _log(ref_db, "sign_in_refused")[-1]["reason"] == "account disabled"
    set_account(ref_db, "bob", by=admin, active=True)
    assert sign_in(ref_db, "bob", PW, now=T0).user == "bob"


def test_control_character_sign_in_is_refused_and_logged_escaped(ref_db, admin):
    with pytest.raises(SignInRefused, match="control character"):
        sign_in(ref_db, "ann\x1b[2J", PW, now=T0)
    entry = _log(ref_db, "sign_in_refused")[-1]
    assert "\x1b" not in entry["user"] and "\\x1b" in entry["user"]


def test_set_changes_role_sites_and_password_and_logs_without_secrets(ref_db, admin):
    add_account(ref_db, "bob", "auditor", PW, by=admin, sites=["NGH"])
    set_account(ref_db, "bob", by=admin, role="lead", sites=None, password="another-password")
    bob = get_account(ref_db, "bob")
    assert bob.role is Role.LEAD and bob.sites is None
    entry = _log(ref_db, "update")[-1]
    assert json.loads(entry["before"]) == {"role": "auditor", "sites": "NGH",
                                           "password": "(hidden)"}
    assert json.loads(entry["after"]) == {"role": "lead", "sites": None,
                                          "password": "(changed)"}
    assert sign_in(ref_db, "bob", "another-password", now=T0).role is Role.LEAD


def test_the_last_admin_cannot_be_disabled_or_demoted(ref_db, admin):
    with pytest.raises(AccountError, match="no active admin"):
        disable_account(ref_db, "ann", by=admin)
    with pytest.raises(AccountError, match="no active admin"):
        set_account(ref_db, "ann", by=admin, role="lead")
    assert get_account(ref_db, "ann").active


def test_list_is_an_admins(ref_db, admin):
    add_account(ref_db, "vic", "viewer", PW, by=admin)
    with pytest.raises(AccessDenied):
        list_accounts(ref_db, sign_in(ref_db, "vic", PW, now=T0))
