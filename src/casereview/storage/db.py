"""Opening the database: pragmas, migrations, short write transactions."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 15_000
# A write that still finds the database locked after the busy timeout is retried this often.
LOCK_RETRIES = 5


class Database:
    """An open casereview database, as every layer receives it: ``db.conn`` is the sqlite3
    connection all the code uses.

    It stands in for sqlite-utils' Database (the type the layers are annotated with): any
    other attribute or ``db[table]`` is answered by a sqlite_utils.Database wrapping the same
    connection, made on first use. Importing sqlite-utils (click, pluggy, dateutil's parser)
    is a third of the app's start-up, and the app's own code needs only the connection, so
    the first screen is painted without it (bench/README.md, cold start).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    def utils(self) -> sqlite_utils.Database:
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.utils(), name)

    def __getitem__(self, table: str):
        return self.utils()[table]

    def __repr__(self) -> str:
        return f"<Database {self.conn!r}>"


class DatabaseError(Exception):
    """A database that cannot be used, with a message for the person running the tool."""


def _migration_scripts() -> list[tuple[int, str]]:
    folder = resources.files("casereview.storage") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


def schema_version() -> int:
    """The schema version this build of casereview writes."""
    return _migration_scripts()[-1][0]


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _owner_only(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            try:
                os.chmod(candidate, 0o600)
            except PermissionError:
                pass


def connect(path: str | os.PathLike[str], *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) a casereview database and bring its schema up to date.

    Connections are made per thread; ``check_same_thread`` is off only so that a connection
    can be closed from another thread at shutdown.
    """
    path = Path(path)
    is_new = not path.exists()
    if is_new:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created readable by its owner only: it holds patient references.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
        # As sqlite-utils' Database sets it (this connection was always opened through one).
        conn.execute("PRAGMA recursive_triggers = ON")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a casereview database ({exc})") from None
    if mode.lower() != "wal":
        # e.g. a read-only folder; reads still work.
        pass
    db = Database(conn)
    if migrate:
        migrate_database(db, path)
    _owner_only(path)
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """A short write transaction taken with BEGIN IMMEDIATE, so that two writers queue on the
    busy timeout instead of failing half-way; retried if the lock outlasts the timeout."""
    conn = db.conn
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == LOCK_RETRIES:
                raise DatabaseError(
                    "the database stayed busy (another user is writing a large change); "
                    "nothing was saved, try again in a moment"
                ) from None
            time.sleep(0.05 * (attempt + 1))
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def migrate_database(db: sqlite_utils.Database, path: Path | None = None) -> None:
    conn = db.conn
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    scripts = _migration_scripts()
    latest = scripts[-1][0]
    if current > latest:
        raise DatabaseError(
            f"this database was written by a newer casereview (schema version {current}; this "
            f"version reads up to {latest}). Upgrade casereview to open it."
        )
    if current == latest:
        return
    if current > 0 and path is not None:
        backup_before_migration(db, path, current)
    for version, script in scripts:
        if version <= current:
            continue
        # executescript commits; the script and the version bump run in one transaction.
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    if current == 0:
        from casereview.storage.reference import seed_defaults

        seed_defaults(db)


def backup_before_migration(db: sqlite_utils.Database, path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.v{version}-{stamp}.bak")
    backup_to(db, target)
    return target


def backup_to(db: sqlite_utils.Database, target: Path) -> Path:
    """An online, consistent copy (SQLite's backup API), readable by its owner only."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    dest = sqlite3.connect(str(tmp))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    os.chmod(tmp, 0o600)
    shutil.move(str(tmp), str(target))
    return target


def get_setting(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def new_secret() -> str:
    return secrets.token_hex(32)
