"""Files that may hold patient data (backups, identifiable exports, import rejects): created
readable by their owner only (0600) and written whole or not at all.

Each is written to a hidden temporary file beside the target, flushed to disk, then renamed
over the target, so a crash or a full disk never leaves half a file under the real name and
an earlier file of that name survives until the new one is complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from casereview.storage.errors import translate

OWNER_ONLY = 0o600


def _temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def create_owner_only(path: Path) -> None:
    """Create (or truncate) ``path`` with mode 0600 whatever the umask."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, OWNER_ONLY)
    os.close(fd)
    # O_CREAT's mode is ignored for a file that already existed.
    os.chmod(path, OWNER_ONLY)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def private_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary 0600 path for a writer that wants a file name (sqlite backup, xlsxwriter);
    it replaces ``target`` when the block ends without an error."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temporary_beside(target)
        create_owner_only(tmp)
    except OSError as exc:
        raise (translate(exc, target) or exc) from exc
    try:
        yield tmp
        os.chmod(tmp, OWNER_ONLY)  # a writer that recreated the file may have widened it
        _fsync(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        translated = translate(exc, target) if isinstance(exc, OSError) else None
        if translated is not None:
            raise translated from exc
        raise


@contextmanager
def private_output(target: str | os.PathLike[str], mode: str = "w", *,
                   encoding: str | None = "utf-8", newline: str | None = "") -> Iterator[IO]:
    """An open handle on a temporary 0600 file that replaces ``target`` when the block ends
    without an error. Text mode by default, with ``newline=""`` as the csv module wants."""
    binary = "b" in mode
    with private_path(target) as tmp:
        handle = open(tmp, mode, encoding=None if binary else encoding,
                      newline=None if binary else newline)
        with handle:
            yield handle
