"""Role and site grants applied to the store (SPEC 8).

A session's Access is bound to its connection (``bind``); every storage function that lists,
reads or writes records takes an optional ``access`` and otherwise uses the connection's, so
a screen or command that forgets to pass it is limited all the same. With no account signed
in (a database without accounts) nothing is limited: behaviour is exactly as before.

Writes are checked against the account as it is *now* (one primary-key read inside the
write's own transaction): an account disabled while its session is open has its next change
refused (AccountDisabled), and a changed role or site grant applies at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from casereview.domain.access import (
    Access,
    AccessDenied,
    AccountDisabled,
    Permission,
    mask_patient_ref,
)
from casereview.storage.db import Database, connection_of

__all__ = ["Access", "AccessDenied", "AccountDisabled", "Permission", "SITE_TABLES",
           "access_of", "authorise", "bind", "mask_rows", "site_clause", "site_views",
           "write_permission"]

# Record tables whose rows belong to a site (site_code); a site grant limits these.
SITE_TABLES = ("move", "night_audit", "toc", "experience")

# What changing a record of each table needs (reviews beyond a draft need more: reviews.py).
WRITE_PERMISSION = {
    "move": Permission.ENTER, "night_audit": Permission.ENTER, "toc": Permission.ENTER,
    "experience": Permission.ENTER, "review": Permission.ENTER,
    "action": Permission.MANAGE_ACTIONS, "programme_target": Permission.MANAGE_ACTIONS,
}

_OPEN = Access.unrestricted("")


def write_permission(table: str) -> Permission:
    """Reference data, settings and anything not listed are an administrator's."""
    return WRITE_PERMISSION.get(table, Permission.ADMIN)


def _conn(source) -> sqlite3.Connection:
    return getattr(source, "conn", source)


def bind(source, access: Access | None) -> None:
    """Make ``access`` the session's on this database (or connection)."""
    _conn(source).access = access


def access_of(source, explicit: Access | None = None) -> Access:
    """The access to apply: the one given, else the connection's, else no limits."""
    if explicit is not None:
        return explicit
    return getattr(_conn(source), "access", None) or _OPEN


def current_account(conn: sqlite3.Connection | Database, access: Access) -> Access:
    """``access`` as its account stands now in the database. Raises AccountDisabled if the
    account was disabled (or is gone)."""
    conn = connection_of(conn)
    if not access.account:
        return access
    row = conn.execute("SELECT role, sites, active FROM user_account WHERE username = ?",
                       (access.user,)).fetchone()
    if row is None or not row[2]:
        raise AccountDisabled(f"the account {access.user} has been disabled; nothing was "
                              "changed and you are signed out")
    return Access.for_account(access.user, row[0], split_sites(row[1]))


def authorise(source, access: Access | None, permission: Permission,
              *sites: str | None) -> Access:
    """Raise AccessDenied unless the session may do ``permission`` at every site given.
    Call it inside the write's transaction so the account is read as the change is made."""
    conn = _conn(source)
    checked = current_account(conn, access_of(conn, access))
    if not sites:
        checked.require(permission)
    for site in sites:
        checked.require(permission, site)
    return checked


def split_sites(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [s for s in text.split(";") if s]


def site_clause(access: Access, column: str = "site_code") -> tuple[str, tuple]:
    """An SQL condition limiting rows to the granted sites ('' if every site)."""
    if access.sites is None:
        return "", ()
    sites = tuple(sorted(access.sites))
    return f"{column} IN ({', '.join('?' * len(sites))})", sites


def mask_rows(access: Access, rows: list[dict], columns=("patient_ref",)) -> list[dict]:
    """Rows as this session may see them: patient references masked for a viewer."""
    if not access.masks_patients:
        return rows
    for row in rows:
        for column in columns:
            if column in row:
                row[column] = mask_patient_ref(row[column])
    return rows


def check_row(access: Access, table: str, row: dict) -> dict:
    """A record read by id, as this session may see it: refused if it belongs to a site not
    granted, patient reference masked for a viewer."""
    if table in SITE_TABLES and not access.sees_site(row.get("site_code")):
        raise AccessDenied(f"{table} {row.get('id')} belongs to site {row.get('site_code')}, "
                           f"which {access.user} has no grant for")
    return mask_rows(access, [row])[0]


@contextmanager
def site_views(source, access: Access | None = None) -> Iterator[sqlite3.Connection]:
    """The connection with every site-held table (and the site and ward lists) narrowed to
    the session's granted sites, for the metrics engine: temporary views of the same names
    shadow the tables for every unqualified read, so each measure, whatever its query, counts
    only the granted sites. Nothing is narrowed for a session that sees every site."""
    conn = _conn(source)
    access = access_of(conn, access)
    clause, params = site_clause(access)
    nested = conn.execute("SELECT 1 FROM sqlite_temp_master WHERE type = 'view' AND "
                          "name = 'move'").fetchone() is not None
    if not clause or nested:
        yield conn
        return
    literal = ", ".join("'" + p.replace("'", "''") + "'" for p in params)
    tables = [*SITE_TABLES, "site", "ward"]
    try:
        for table in tables:
            conn.execute(f"CREATE TEMP VIEW IF NOT EXISTS {table} AS SELECT * FROM main.{table}"
                         f" WHERE site_code IN ({literal})")
        yield conn
    finally:
        for table in tables:
            conn.execute(f"DROP VIEW IF EXISTS temp.{table}")
