"""A separate process that writes to a casereview database through the storage layer, for the
concurrency and crash tests. Run as a script: python safety_worker.py MODE DB [args...]

  moves DB WORKER COUNT GO_FILE   save COUNT moves one by one (one transaction each), starting
                                  when GO_FILE appears; prints how many were saved
  save-forever DB READY_FILE      save moves until killed; touches READY_FILE after the first
  import DB CSV [PAUSE_FILE]      import a moves file; with PAUSE_FILE, stop inside the import
                                  transaction after the rows are written, touch PAUSE_FILE and
                                  wait to be killed
"""

from __future__ import annotations

import dataclasses
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from safety_support import move_raw

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.domain.values import LONDON
from casereview.storage import records
from casereview.storage.context import load_context
from casereview.storage.db import connect
from casereview.storage.moves import save_move

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.01)


def moves(db_path: str, worker: str, count: str, go: str) -> None:
    db = connect(db_path)
    context = load_context(db, NOW)
    prepared = [validate(Move, move_raw(n, notes=f"w{worker}-{n}"), context)
                for n in range(int(count))]
    _wait_for(Path(go))
    saved = 0
    for n, move in enumerate(prepared):
        record_id = save_move(db, move, f"team-{worker}")
        if n % 2:
            # A change that reads before it writes (update_in reads the row first): the case
            # a deferred BEGIN would fail with 'database is locked' under contention.
            records.update(db, "move", record_id, {"informed": 0}, f"team-{worker}")
        saved += 1
    print(saved)


def save_forever(db_path: str, ready: str) -> None:
    db = connect(db_path)
    context = load_context(db, NOW)
    n = 0
    while True:
        save_move(db, validate(Move, move_raw(n, notes=f"loop-{n}"), context), "night team")
        n += 1
        if n == 1:
            Path(ready).touch()


def import_moves(db_path: str, csv_path: str, pause: str | None = None) -> None:
    from casereview.io import importer
    from casereview.io.kinds import KINDS

    kind = KINDS["moves"]
    if pause:
        # A small page cache: a large enough import outgrows any cache, and its uncommitted
        # pages spill to the WAL on disk, the case the kill is about.
        records.BULK_CACHE_KIB = 256
        real_write = kind.write

        def write_then_wait(conn, rows, user, at, **options):
            written = real_write(conn, rows, user, at, **options)
            Path(pause).touch()  # the rows are written, the transaction is still open
            while True:
                time.sleep(1)
            return written

        kind = dataclasses.replace(kind, write=write_then_wait)
    db = connect(db_path)
    result = importer.import_file(db, kind, Path(csv_path), load_context(db, NOW), "importer")
    print(result.written)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    {"moves": moves, "save-forever": save_forever, "import": import_moves}[mode](*args)
