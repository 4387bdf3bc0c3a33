"""Opening the database: pragmas, migrations, short write transactions.

Several ward teams may write to one database at once (several processes on a shared server),
so: WAL (readers never wait for writers), a generous busy timeout, every write in a short
``BEGIN IMMEDIATE`` transaction (a writer queues at the start instead of failing half-way),
and a few retries if the lock outlasts the timeout.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from casereview.storage.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseError,
    translate,
)
from casereview.storage.files import private_path

__all__ = ["DatabaseError", "backup_to", "connect", "get_setting", "migrate_database",
           "migration_scripts", "now_utc", "schema_version", "transaction"]

BUSY_TIMEOUT_MS = 15_000
# A write that still finds the database locked after the busy timeout is retried this often.
LOCK_RETRIES = 5


class Connection(sqlite3.Connection):
    """A sqlite3 connection that carries the access of the session it serves (who is signed
    in, their role and sites; storage/access.py), so every storage function given the
    connection checks and limits by it. None: a database without accounts, no limits."""

    access = None


class Database:
    """An open casereview database, as every layer receives it: ``db.conn`` is the sqlite3
    connection all the code uses.

    The code needs the connection and, now and then, what the schema holds; sqlite-utils'
    Database (which this once stood in for) would cost a third of the app's start-up in
    imports for that (README, "How it is built").
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def columns(self, table: str) -> list[str]:
        """The table's columns in the schema's order."""
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def close(self) -> None:
        self.conn.close()

    def __repr__(self) -> str:
        return f"<Database {self.conn!r}>"


def connection_of(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection of ``db``: storage functions that read take either, so that the
    screens hand them the Database and never touch a connection."""
    return db.conn if isinstance(db, Database) else db


@cache
def migration_scripts() -> tuple[tuple[int, str], ...]:
    """(version, SQL) for every numbered script in storage/migrations, oldest first: read
    once a process (every connection checks the schema's version against the newest)."""
    from importlib import resources

    folder = resources.files("casereview.storage") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return tuple(sorted(scripts))


_migration_scripts = migration_scripts


def schema_version() -> int:
    """The schema version this build of casereview writes."""
    return migration_scripts()[-1][0]


def statements(script: str) -> list[str]:
    """Split a migration script into statements (a trigger body's semicolons included), so it
    can run inside our own transaction: ``executescript`` would commit half-way."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                out.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in pending.splitlines()
    ):
        raise ValueError(f"migration ends with an incomplete statement: {pending[:60]!r}")
    return out


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def database_path(conn: sqlite3.Connection) -> str | None:
    """The file behind a connection, for messages."""
    with suppress(sqlite3.Error):
        for row in conn.execute("PRAGMA database_list"):
            if row[1] == "main":
                return row[2] or None
    return None


def _fail(exc: BaseException, conn: sqlite3.Connection | None, path=None) -> BaseException:
    where = path or (database_path(conn) if conn is not None else None)
    return translate(exc, where) or exc


def connect(path: str | os.PathLike[str], *, migrate: bool = True) -> Database:
    """Open (creating if needed) a casereview database and bring its schema up to date.

    Connections are made per thread; ``check_same_thread`` is off only so that a connection
    can be closed from another thread at shutdown. A new database file is created readable by
    its owner only (it holds patient references); SQLite gives its -wal and -shm files the
    same mode. An existing file's mode is left as its owner set it (a team may share one
    deliberately through a group).
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another process created it a moment ago
        except OSError as exc:
            translated = translate(exc, path)
            raise DatabaseError(
                f"cannot create database {path}: "
                f"{translated if translated else exc.strerror}") from None
    conn = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False,
                               factory=Connection)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # A read-only folder keeps the journal mode it has; reads still work.
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        # Triggers that fire triggers (as the schema has always run).
        conn.execute("PRAGMA recursive_triggers = ON")
        # Reading the schema now turns a file that is not a database into a clear message.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        translated = translate(exc, path)
        if translated is not None:
            raise translated from None
        raise DatabaseDamaged(f"{path} is not a casereview database ({exc})") from None
    db = Database(conn)
    try:
        if migrate:
            migrate_database(db, path)
        else:
            refuse_newer(user_version(conn), path)
    except BaseException:
        conn.close()
        raise
    return db


def user_version(conn: sqlite3.Connection | Database) -> int:
    conn = connection_of(conn)
    return conn.execute("PRAGMA user_version").fetchone()[0]


def refuse_newer(current: int, path: Path | None = None) -> None:
    latest = schema_version()
    if current > latest:
        name = f"{path} was" if path else "this database was"
        raise DatabaseError(
            f"{name} written by a newer casereview (schema version {current}; this version "
            f"reads up to {latest}). Upgrade casereview to open it; nothing was changed.")


def begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the write lock, waiting (busy timeout) and then retrying if another writer holds
    it; a lock that outlasts every retry is a clear DatabaseBusy, not 'database is locked'."""
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" not in text and "busy" not in text:
                raise _fail(exc, conn) from exc
            if attempt == LOCK_RETRIES:
                raise DatabaseBusy(
                    "the database stayed busy (another user is writing a large change); "
                    "nothing was saved, try again in a moment") from None
            time.sleep(0.05 * (attempt + 1))


def rollback_quietly(conn: sqlite3.Connection) -> None:
    # SQLite rolls back by itself after some errors (a full disk); a second ROLLBACK would
    # hide the real error behind "no transaction is active".
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """A short write transaction taken with BEGIN IMMEDIATE, so that two writers queue on the
    busy timeout instead of failing half-way; retried if the lock outlasts the timeout.
    Everything inside is committed together or not at all. A full disk, a read-only file or a
    damaged database comes out as a DatabaseError with a message for people."""
    conn = db.conn
    begin_immediate(conn)
    try:
        yield conn
    except BaseException as exc:
        rollback_quietly(conn)
        failure = _fail(exc, conn)
        if failure is not exc:
            raise failure from exc
        raise
    try:
        conn.execute("COMMIT")
    except (sqlite3.Error, OSError) as exc:
        rollback_quietly(conn)
        raise _fail(exc, conn) from exc


def migrate_database(db: Database, path: Path | None = None) -> None:
    """Bring the schema up to this build's version in ONE transaction: every pending script,
    the default reference data of a new database and the version number commit together, so
    a crash part-way leaves the database as it was. An existing database is first copied to a
    backup beside it. The version is read again under the write lock, because another
    process may have upgraded it while this one waited."""
    conn = db.conn
    latest = schema_version()
    current = user_version(conn)
    refuse_newer(current, path)
    if current == latest:
        return
    begin_immediate(conn)
    try:
        current = user_version(conn)
        refuse_newer(current, path)
        if current < latest:
            _upgrade(db, path, current)
    except BaseException as exc:
        rollback_quietly(conn)
        failure = _fail(exc, conn, path)
        if failure is not exc:
            raise failure from exc
        raise
    try:
        conn.execute("COMMIT")
    except (sqlite3.Error, OSError) as exc:
        rollback_quietly(conn)
        raise _fail(exc, conn, path) from exc


def _upgrade(db: Database, path: Path | None, current: int) -> None:
    conn = db.conn
    if current == 0:
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]
        if tables:
            raise DatabaseError(f"{path or 'this file'} is an SQLite database but not a "
                                "casereview one (it has tables and no casereview version); "
                                "nothing was changed")
    elif path is not None:
        backup_before_migration(path, current)
    for version, script in migration_scripts():
        if version > current:
            for statement in statements(script):
                conn.execute(statement)
    if current == 0:
        from casereview.storage.reference import seed_defaults_in

        seed_defaults_in(conn, now_utc())
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise DatabaseError(f"upgrading the schema would break {len(broken)} foreign keys "
                            f"(first in table {broken[0][0]}); nothing was changed")
    conn.execute(f"PRAGMA user_version = {schema_version()}")


def backup_before_migration(path: Path, version: int) -> Path:
    """Copy the database, as committed, to a backup beside it. Called while this process
    holds the write lock, through a second connection (WAL lets it read meanwhile)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.v{version}-{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.v{version}-{stamp}-{n}.bak")
    source = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        _copy(source, target)
    finally:
        source.close()
    return target


def _copy(source: sqlite3.Connection, target: Path) -> None:
    with private_path(target) as tmp:
        dest = sqlite3.connect(str(tmp))
        try:
            # pages=-1: the whole database in one step, inside one read transaction, so the
            # copy is a consistent snapshot even while other processes write.
            source.backup(dest, pages=-1)
            # The copy is a single self-contained file (no -wal beside it to lose).
            dest.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            dest.close()


def backup_to(db: Database, target: str | os.PathLike[str]) -> Path:
    """An online, consistent copy (SQLite's backup API), readable by its owner only, written
    under a temporary name and renamed into place when complete. A copy holds every site's
    records, so with accounts it is an admin's to take."""
    from casereview.storage.access import Permission, authorise

    authorise(db, None, Permission.ADMIN)
    target = Path(target)
    source = database_path(db.conn)
    if source and target.exists() and os.path.samefile(source, target):
        raise DatabaseError(f"{target} is the database itself; choose another backup file")
    if source and target.name in (Path(source).name + "-wal", Path(source).name + "-shm") \
            and target.parent.resolve() == Path(source).parent.resolve():
        raise DatabaseError(f"{target} belongs to the live database; choose another name")
    try:
        _copy(db.conn, target)
    except (sqlite3.Error, OSError) as exc:
        raise _fail(exc, None, target) from exc
    return target


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def new_secret() -> str:
    import secrets

    return secrets.token_hex(32)
