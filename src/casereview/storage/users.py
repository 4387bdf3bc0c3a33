"""User accounts (SPEC 8): adding, changing, disabling and listing them, and signing in.

Passwords are kept only as a salted scrypt hash (the standard library's hashlib.scrypt, with
a cost that makes each guess take tens of milliseconds and 16 MB) and compared in constant
time. Five failed sign-ins in a row lock an account for 15 minutes. Every sign-in, failure,
refusal, lock and account change is written to the change log (never a password or a hash).
The first account of a database must be an admin and needs no sign-in; every later change to
accounts needs an admin's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from casereview.domain.access import Access, AccessDenied, Permission, Role
from casereview.storage.access import access_of, authorise, split_sites
from casereview.storage.changelog import Change, log_change
from casereview.storage.db import transaction

MAX_USERNAME = 64
MAX_DISPLAY_NAME = 200
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
FAILURES_TO_LOCK = 5
LOCK_MINUTES = 15

# scrypt cost: n=2**14, r=8 takes 16 MB and some 50 ms a guess on a server core.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
RECORD_TYPE = "user_account"


class AccountError(ValueError):
    """Bad input for an account (name, role, site, agency, password): nothing was changed."""


class SignInRefused(PermissionError):
    """A sign-in that did not succeed; the message says why, without saying more than it
    should (an unknown name and a wrong password read the same)."""


# --- passwords ---------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024,
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash to check against when the name is unknown, so that a refusal takes as long either way.
_DECOY = None


def _decoy() -> str:
    global _DECOY
    if _DECOY is None:
        _DECOY = hash_password(secrets.token_hex(16))
    return _DECOY


def check_password_rules(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters, please "
                           f"(this one has {len(password)})")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"password: at most {MAX_PASSWORD} characters")
    if any(unicodedata.category(c) == "Cc" for c in password):
        raise AccountError("password: it holds a control character (a tab, newline or similar)")
    return password


# --- names --------------------------------------------------------------------------------------

def printable(text: str, limit: int = 80) -> str:
    """A name as it may go in a message or the change log: control characters escaped."""
    out = "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in text)
    return out if len(out) <= limit else out[:limit - 1] + "…"


def check_username(name: str) -> str:
    if name is None or not str(name).strip():
        raise AccountError("username: it is blank")
    name = str(name)
    if any(unicodedata.category(c)[0] == "C" for c in name):
        raise AccountError(f"username {printable(name)!r}: it holds a control character")
    if len(name) > MAX_USERNAME:
        raise AccountError(f"username: at most {MAX_USERNAME} characters (this one has "
                           f"{len(name)})")
    if name != name.strip() or any(c.isspace() for c in name):
        raise AccountError(f"username {name!r}: no spaces, please")
    return name


# --- accounts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    agency_code: str | None
    role: Role
    sites: list[str] | None  # None = every site
    active: bool
    failed_sign_ins: int
    locked_until: str | None
    last_sign_in: str | None
    created_at: str
    created_by: str

    def access(self) -> Access:
        return Access.for_account(self.username, self.role, self.sites)

    def public(self) -> dict:
        """The account as the change log and `users list` show it: no secret."""
        return {"username": self.username, "display_name": self.display_name,
                "agency_code": self.agency_code, "role": self.role.value,
                "sites": ";".join(self.sites) if self.sites else None,
                "active": self.active}


def _account(row: sqlite3.Row) -> Account:
    return Account(row["username"], row["display_name"], row["agency_code"], Role(row["role"]),
                   split_sites(row["sites"]), bool(row["active"]), row["failed_sign_ins"],
                   row["locked_until"], row["last_sign_in"], row["created_at"],
                   row["created_by"])


def has_accounts(db) -> bool:
    """Whether the database holds any account (then every session signs in)."""
    try:
        return db.conn.execute("SELECT 1 FROM user_account LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a database of an older schema, read as found
        return False


def list_accounts(db, access: Access | None = None) -> list[Account]:
    """Every account (no secret); an admin's to see once accounts exist."""
    access_of(db, access).require(Permission.ADMIN)
    rows = db.conn.execute("SELECT * FROM user_account ORDER BY username").fetchall()
    return [_account(r) for r in rows]


def get_account(db, username: str) -> Account | None:
    row = db.conn.execute("SELECT * FROM user_account WHERE username = ?",
                          (username,)).fetchone()
    return _account(row) if row else None


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _check_sites(conn: sqlite3.Connection, sites: list[str] | None) -> str | None:
    if not sites:
        return None
    known = {r[0] for r in conn.execute("SELECT site_code FROM site")}
    cleaned = []
    for site in sites:
        code = site.strip().upper()
        if not code:
            continue
        if code not in known:
            raise AccountError(f"sites: {printable(code)} is not a known site (known: "
                               f"{', '.join(sorted(known)) or 'none yet'})")
        if code not in cleaned:
            cleaned.append(code)
    return ";".join(cleaned) or None


def _check_agency(conn: sqlite3.Connection, agency: str | None) -> str | None:
    if agency is None or not agency.strip():
        return None
    code = agency.strip().upper()
    if conn.execute("SELECT 1 FROM agency WHERE agency_code = ?", (code,)).fetchone() is None:
        raise AccountError(f"agency: {printable(code)} is not a known agency")
    return code


def _check_name(name: str | None) -> str:
    name = (name or "").strip()
    if any(unicodedata.category(c)[0] == "C" for c in name):
        raise AccountError("name: it holds a control character")
    if len(name) > MAX_DISPLAY_NAME:
        raise AccountError(f"name: at most {MAX_DISPLAY_NAME} characters")
    return name


def _admin_change(conn: sqlite3.Connection, by: Access | None) -> str:
    """Who is changing accounts: nobody needs to be signed in for the first account; after
    that, an admin must be."""
    if conn.execute("SELECT 1 FROM user_account LIMIT 1").fetchone() is None:
        return by.user if by is not None else ""
    if by is None or not by.account:
        raise AccessDenied("changing accounts needs an admin's sign-in (--user NAME with an "
                           "admin account); nothing was changed")
    return authorise(conn, by, Permission.ADMIN).user


def add_account(db, username: str, role: str | Role, password: str, *, by: Access | None,
                display_name: str = "", agency_code: str | None = None,
                sites: list[str] | None = None, installer: str = "") -> Account:
    """Create an account. The first of a database must be an admin; ``installer`` names who
    made it (the login name) for the change log."""
    username = check_username(username)
    role = Role.parse(role)
    check_password_rules(password)
    name = _check_name(display_name)
    digest = hash_password(password)
    with transaction(db) as conn:
        actor = _admin_change(conn, by)
        first = conn.execute("SELECT 1 FROM user_account LIMIT 1").fetchone() is None
        if first and role is not Role.ADMIN:
            raise AccountError(f"role: the first account of a database must be an admin "
                               f"(it will manage the others), not {role.value}")
        actor = actor or installer or username
        agency = _check_agency(conn, agency_code)
        site_text = _check_sites(conn, sites)
        if conn.execute("SELECT 1 FROM user_account WHERE username = ?",
                        (username,)).fetchone():
            raise AccountError(f"username: {username} already has an account (change it with "
                               "`casereview users set`)")
        at = _stamp(_now(None))
        conn.execute(
            "INSERT INTO user_account (username, display_name, agency_code, role, sites, "
            "password_hash, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (username, name, agency, role.value, site_text, digest, at, actor, at, actor))
        account = _account(conn.execute("SELECT * FROM user_account WHERE username = ?",
                                        (username,)).fetchone())
        log_change(conn, actor, at, Change("insert", RECORD_TYPE, username, None,
                                           account.public(),
                                           "first account" if first else None))
    return account


UNCHANGED = object()


def set_account(db, username: str, *, by: Access | None, role: str | Role | None = None,
                sites: object = UNCHANGED, display_name: str | None = None,
                agency_code: str | None = None, password: str | None = None,
                active: bool | None = None) -> Account:
    """Change an account: ``sites`` a list of codes, or None for every site (leave it out to
    keep the grant). A new password also clears a lock. No change may leave the database
    without an active admin."""
    if password is not None:
        check_password_rules(password)
    new_role = Role.parse(role) if role is not None else None
    name = _check_name(display_name) if display_name is not None else None
    digest = hash_password(password) if password is not None else None
    with transaction(db) as conn:
        actor = _admin_change(conn, by)
        row = conn.execute("SELECT * FROM user_account WHERE username = ?",
                           (username,)).fetchone()
        if row is None:
            raise AccountError(f"username: {printable(username)} has no account")
        before = _account(row)
        values: dict = {}
        if new_role is not None:
            values["role"] = new_role.value
        if sites is not UNCHANGED:
            values["sites"] = _check_sites(conn, sites)  # type: ignore[arg-type]
        if name is not None:
            values["display_name"] = name
        if agency_code is not None:
            values["agency_code"] = _check_agency(conn, agency_code)
        if active is not None:
            values["active"] = int(active)
        if digest is not None:
            values.update(password_hash=digest, failed_sign_ins=0, locked_until=None)
        if not values:
            raise AccountError("nothing to change: give --role, --sites, --all-sites, --name, "
                               "--agency, --password, --enable or --unlock")
        at = _stamp(_now(None))
        assignments = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE user_account SET {assignments}, updated_at = ?, updated_by = ? "
                     "WHERE username = ?", [*values.values(), at, actor, username])
        _keep_an_admin(conn)
        after = _account(conn.execute("SELECT * FROM user_account WHERE username = ?",
                                      (username,)).fetchone())
        old, new = before.public(), after.public()
        changed_before = {k: old[k] for k in old if old[k] != new[k]}
        changed_after = {k: new[k] for k in changed_before}
        if digest is not None:
            changed_before["password"], changed_after["password"] = "(hidden)", "(changed)"
        action = "disable" if active is False else "enable" if active else "update"
        log_change(conn, actor, at, Change(action, RECORD_TYPE, username, changed_before,
                                           changed_after))
    return after


def unlock_account(db, username: str, *, by: Access | None) -> Account:
    with transaction(db) as conn:
        actor = _admin_change(conn, by)
        row = conn.execute("SELECT * FROM user_account WHERE username = ?",
                           (username,)).fetchone()
        if row is None:
            raise AccountError(f"username: {printable(username)} has no account")
        at = _stamp(_now(None))
        conn.execute("UPDATE user_account SET failed_sign_ins = 0, locked_until = NULL, "
                     "updated_at = ?, updated_by = ? WHERE username = ?", (at, actor, username))
        log_change(conn, actor, at, Change("unlock", RECORD_TYPE, username,
                                           {"locked_until": row["locked_until"]},
                                           {"locked_until": None}))
        return _account(conn.execute("SELECT * FROM user_account WHERE username = ?",
                                     (username,)).fetchone())


def disable_account(db, username: str, *, by: Access | None) -> Account:
    return set_account(db, username, by=by, active=False)


def _keep_an_admin(conn: sqlite3.Connection) -> None:
    admins = conn.execute("SELECT COUNT(*) FROM user_account WHERE role = 'admin' AND "
                          "active = 1").fetchone()[0]
    if admins == 0:
        raise AccountError("that would leave no active admin to manage the accounts; make "
                           "another account an admin first")


# --- signing in ---------------------------------------------------------------------------------

def sign_in(db, username: str, password: str, *, now: datetime | None = None) -> Access:
    """The session's Access if the name and password are right and the account is active and
    not locked; otherwise SignInRefused, with the attempt (and any lock) in the change log."""
    moment = _now(now)
    at = _stamp(moment)
    try:
        name = check_username(username)
    except AccountError as exc:
        _refuse(db, printable(str(username or "")), at, "sign_in_refused", str(exc))
        raise SignInRefused(f"sign-in refused: {exc}") from None
    with transaction(db) as conn:
        row = conn.execute("SELECT * FROM user_account WHERE username = ?",
                           (name,)).fetchone()
        account = _account(row) if row else None
        stored_hash = row["password_hash"] if row else _decoy()
        if account is not None and account.active and account.locked_until \
                and account.locked_until > at:
            log_change(conn, name, at, Change("sign_in_refused", RECORD_TYPE, name, None, None,
                                              f"locked until {account.locked_until}"))
            locked = True
        else:
            locked = False
    if locked:
        until = datetime.fromisoformat(account.locked_until)
        minutes = max(1, int((until - moment).total_seconds() // 60) + 1)
        raise SignInRefused(f"sign-in refused: the account {name} is locked after "
                            f"{FAILURES_TO_LOCK} failed sign-ins; try again in {minutes} "
                            "minute" + ("s" if minutes != 1 else "") + " or ask an admin")
    # The slow part outside the write lock: other sessions keep saving meanwhile.
    right = verify_password(password or "", stored_hash)
    with transaction(db) as conn:
        if account is None:
            log_change(conn, name, at, Change("sign_in_failed", RECORD_TYPE, name, None, None,
                                              "no such account"))
            refusal = "sign-in refused: the username or the password is wrong"
        elif not account.active:
            log_change(conn, name, at, Change("sign_in_refused", RECORD_TYPE, name, None, None,
                                              "account disabled"))
            refusal = f"sign-in refused: the account {name} is disabled; ask an admin"
        elif not right:
            refusal = _count_failure(conn, name, moment)
        else:
            conn.execute("UPDATE user_account SET failed_sign_ins = 0, locked_until = NULL, "
                         "last_sign_in = ? WHERE username = ?", (at, name))
            log_change(conn, name, at, Change("sign_in", RECORD_TYPE, name, None,
                                              {"role": account.role.value,
                                               "sites": ";".join(account.sites or []) or None}))
            return account.access()
    raise SignInRefused(refusal)


def _count_failure(conn: sqlite3.Connection, name: str, moment: datetime) -> str:
    at = _stamp(moment)
    row = conn.execute("SELECT failed_sign_ins, locked_until FROM user_account WHERE "
                       "username = ?", (name,)).fetchone()
    # A lock that has run out starts the count again.
    failures = 0 if row["locked_until"] else row["failed_sign_ins"]
    failures += 1
    locked_until = None
    if failures >= FAILURES_TO_LOCK:
        locked_until = _stamp(moment + timedelta(minutes=LOCK_MINUTES))
    conn.execute("UPDATE user_account SET failed_sign_ins = ?, locked_until = ? WHERE "
                 "username = ?", (failures, locked_until, name))
    log_change(conn, name, at, Change("sign_in_failed", RECORD_TYPE, name, None,
                                      {"failed_sign_ins": failures}, "wrong password"))
    if locked_until:
        log_change(conn, name, at, Change("lock", RECORD_TYPE, name, None,
                                          {"locked_until": locked_until},
                                          f"{failures} failed sign-ins in a row"))
        return (f"sign-in refused: the username or the password is wrong; after "
                f"{failures} failures in a row the account is locked for {LOCK_MINUTES} minutes")
    return "sign-in refused: the username or the password is wrong"


def _refuse(db, name: str, at: str, action: str, reason: str) -> None:
    with transaction(db) as conn:
        log_change(conn, name or "(blank)", at,
                   Change(action, RECORD_TYPE, name or None, None, None, reason))
