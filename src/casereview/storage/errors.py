"""Storage failures worded for the person at the keyboard.

SQLite and the operating system report a full disk, a read-only file or a damaged database
in their own terms (``sqlite3.OperationalError: attempt to write a readonly database``,
``OSError: [Errno 28]``). The storage layer turns those into a :class:`DatabaseError` whose
message says what happened and that nothing was saved, so the command line and the app can
show it instead of a traceback. Other errors (constraint violations, bugs) pass through.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

RESTORE_HINT = "see docs/data-safety.md for how to restore from a backup"


class DatabaseError(Exception):
    """A database that cannot be used, with a message for the person running the tool."""


class DatabaseReadOnly(DatabaseError):
    """The database (or its folder) cannot be written."""


class DiskFull(DatabaseError):
    """The disk holding the database or the output file is full."""


class DatabaseBusy(DatabaseError):
    """Another writer held the database longer than the busy timeout and every retry."""


class DatabaseDamaged(DatabaseError):
    """The file is not a database, or its pages are damaged."""


def _where(path: str | Path | None) -> str:
    return f" ({path})" if path else ""


def translate(exc: BaseException, path: str | Path | None = None) -> DatabaseError | None:
    """The DatabaseError standing for ``exc``, or None when it is not a storage failure."""
    if isinstance(exc, DatabaseError):
        return exc
    if isinstance(exc, OSError):
        where = _where(getattr(exc, "filename", None) or path)
        if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
            return DiskFull(f"the disk is full{where}; nothing was saved. Free some space and "
                            "try again.")
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return DatabaseReadOnly(f"cannot write{where}: {exc.strerror}; nothing was saved.")
        return None
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    text = str(exc).lower()
    where = _where(path)
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(f"the disk holding the database is full{where}; nothing was saved. "
                        "Free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(
            f"the database is read-only{where}: you can look but not save. Ask whoever manages "
            "the folder for write access to the database file and its folder; nothing was saved.")
    if "locked" in text or "busy" in text:
        return DatabaseBusy("the database stayed busy (another user is writing a large change); "
                            "nothing was saved, try again in a moment")
    if "disk i/o error" in text:
        return DatabaseError(f"a disk error stopped the database{where}; nothing was saved. "
                             "Check the disk, then run `casereview check`.")
    if "unable to open" in text:
        return DatabaseError(f"cannot open the database{where}: check the folder exists and "
                             "that you may read and write it")
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return DatabaseDamaged(f"the database file is damaged or is not a casereview "
                               f"database{where}: {exc}; {RESTORE_HINT}")
    return None
