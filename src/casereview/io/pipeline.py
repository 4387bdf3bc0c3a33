"""Validating a large import in a second process while this one writes.

Validating a row (reading the CSV, the fast path or the model) and writing it (SQLite's
executemany and the change log) are both Python work that one process cannot overlap (the
GIL). For a large file the command line's import reads and validates in a child process
that streams its results back a batch at a time, while this process writes the batch before.

Validating takes longer than writing, so the two share it. While the child is starting (a
second Python loading the application, a few tenths of a second) this process validates the
first batches itself from its own reading of the file, then tells the child how many rows to
pass over. After that, whenever this process has nothing left to write and would wait, it
raises a flag, and the child sends its next batch as read (raw rows) instead of validating
it; this process validates that batch itself (the same ``importer.RowChecker``) while the
child goes on with the next. Each process takes the
share of the validation its spare time allows, with no fixed split to tune. With two free
processors the import takes about as long as half the work; a machine whose processors are
busy gains less (the benchmark's notes say how much this one did).

Either way the rows, the problems, their messages and their order are those of an
in-process import: batches stay in file order, and everything that touches the database
(checks against the store, the writes, the transaction) stays here. A problem reading the
file (e.g. a byte that is not UTF-8 half-way through) is raised here as it would be
in-process; if the child dies, the import fails and its transaction is rolled back.

Only the command line asks for it (``import_file(parallel=True)``): a child is started with
``spawn``, which imports the caller's main module again, and a script embedding casereview
may not guard its ``main()``; casereview's own entry points do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import pickle
import queue
import threading
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from casereview.domain.validation import Context
from casereview.io.tabular import Table, read_table

# Files smaller than this validate in this process: starting a second Python (about half a
# second) costs more than the overlap saves on a few thousand rows.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# Batches the importer may fall behind the child by (60,000 rows, some 20 MB).
QUEUED = 12


@contextlib.contextmanager
def validated_rows(kind: Any, context: Context, path: Path, table: Table, *,
                   parallel: bool = False) -> Iterator[Iterator[Any]]:
    """The file's rows validated, in file order, as ``importer.checked_batches`` gives them:
    from a child process when ``parallel`` is asked for, the file is large and the machine
    has a second processor; in this process otherwise."""
    from casereview.io.importer import RowChecker, checked_batches

    child_kind = _for_child(kind, context) if parallel and _processors() > 1 else None
    if child_kind is None or _size(path) < PARALLEL_MIN_BYTES:
        yield checked_batches(kind, context, table.columns, table.rows)
        return
    spawn = multiprocessing.get_context("spawn")  # safe whatever threads this process has
    receiver, sender = spawn.Pipe(duplex=False)
    idle = spawn.Event()  # set here when this process would wait: "send the next one raw"
    # The rows this process validated itself while the child was starting (-1: not yet told)
    start = spawn.Value("q", -1)
    child = spawn.Process(target=_validate_in_child, name="casereview-validate",
                          args=(sender, child_kind, context, str(path), table.layout, idle,
                                start),
                          daemon=True)
    child.start()
    sender.close()  # the child holds the only writing end: its exit ends the stream
    # A thread empties the pipe as the child fills it, so the child never waits for this
    # process to finish writing a chunk (a pipe holds only 64 KB). It only moves bytes; the
    # rows are unpickled here as they are used.
    inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
    stop = threading.Event()
    drain = threading.Thread(target=_drain, args=(receiver, inbox, stop),
                             name="casereview-import-inbox", daemon=True)
    drain.start()
    try:
        yield _received(inbox, child, idle, RowChecker(kind, context, table.columns),
                        table.rows, start)
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()
        drain.join(timeout=5)
        receiver.close()


def _processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _for_child(kind: Any, context: Context) -> Any:
    """The kind as the child needs it (no writing), or None if it cannot be sent there."""
    child_kind = dataclasses.replace(kind, write=None)
    try:
        pickle.dumps((child_kind, context))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return child_kind


def _drain(receiver: Any, inbox: queue.Queue, stop: threading.Event) -> None:
    """Move the child's messages into ``inbox``; None when the child has closed its end."""
    while not stop.is_set():
        try:
            data = receiver.recv_bytes()
        except (EOFError, OSError):
            data = None
        while not stop.is_set():
            try:
                inbox.put(data, timeout=0.2)
                break
            except queue.Full:
                continue
        if data is None:
            return


def _received(inbox: queue.Queue, child: Any, idle: Any, checker: Any, rows: Any = None,
              start: Any = None) -> Iterator[Any]:
    """The batches in file order: while the child is starting (a second Python loading the
    application), the first ones validated here from this process's own reading of the file
    (``rows``); then the child's, told how many rows to pass over (``start``)."""
    from casereview.io.importer import CHUNK_ROWS

    if rows is not None:
        taken = 0
        rows = iter(rows)
        read_all = False
        while inbox.empty():  # the child has not said it is ready
            chunk = list(islice(rows, CHUNK_ROWS))
            if not chunk:
                read_all = True
                break
            taken += len(chunk)
            yield checker.batch(chunk)
        start.value = taken
        if hasattr(rows, "close"):
            rows.close()
        if read_all:
            return  # every row validated here: the child is stopped, not waited for
    while True:
        if inbox.empty():
            idle.set()  # nothing to write: the child's next batch comes raw, for us
        data = inbox.get()
        if data is None:
            child.join(timeout=5)
            raise RuntimeError(
                f"the process validating the file stopped unexpectedly (exit code "
                f"{child.exitcode}); nothing was imported")
        tag, payload = pickle.loads(data)
        if tag == "batch":
            yield payload
        elif tag == "raw":
            yield checker.batch(payload)
        elif tag == "error":
            raise payload
        elif tag == "done":
            return


def _validate_in_child(sender: Any, kind: Any, context: Context, path: str,
                       layout: Any = None, idle: Any = None, start: Any = None) -> None:
    """The child: read the file and validate it, sending results in batches; a batch read
    while the importer is idle goes as read, for the importer to validate. Once ready, it
    says so and passes over the rows the importer validated meanwhile (``start``)."""
    from casereview.io.importer import CHUNK_ROWS, RowChecker

    try:
        table = read_table(Path(path), kind.columns, kind.required, layout=layout)
        checker = RowChecker(kind, context, table.columns)
        rows = iter(table.rows)
        if start is not None:
            sender.send(("ready", None))
            parent = multiprocessing.parent_process()
            while start.value < 0:
                if parent is not None and not parent.is_alive():
                    return  # the importer has gone (killed): nothing to send it
                time.sleep(0.002)
            for _ in islice(rows, start.value):
                pass
        while chunk := list(islice(rows, CHUNK_ROWS)):
            if idle is not None and idle.is_set():
                idle.clear()
                sender.send(("raw", chunk))
            else:
                sender.send(("batch", checker.batch(chunk)))
        sender.send(("done", None))
    except BaseException as exc:  # raised again in the importer, as in-process
        try:
            sender.send(("error", exc))
        except Exception:
            sender.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()
