"""An import into an empty table builds its indexes once at the end (storage.records.
bulk_load): afterwards the schema is exactly what it was, a failed import leaves it whole, and
the connection's page cache is back to its own size."""

from __future__ import annotations

import pytest

from casereview.storage.db import transaction
from casereview.storage.records import bulk_load


def _indexes(conn, table="move"):
    return sorted(tuple(r) for r in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
        (table,)).fetchall())


def test_indexes_are_dropped_and_built_again_but_the_searched_one(ref_db):
    before = _indexes(ref_db.conn)
    cache = ref_db.conn.execute("PRAGMA cache_size").fetchone()[0]
    with transaction(ref_db) as conn, bulk_load(conn, "move", keep=("moved_at_utc",)):
        during = [name for name, _ in _indexes(conn)]
        assert during == ["move_live_time"]  # the duplicate check's index stays
        assert conn.execute("PRAGMA cache_size").fetchone()[0] < cache
    assert _indexes(ref_db.conn) == before
    assert ref_db.conn.execute("PRAGMA cache_size").fetchone()[0] == cache
    assert ref_db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failed_load_leaves_every_index(ref_db):
    before = _indexes(ref_db.conn)
    with pytest.raises(RuntimeError), transaction(ref_db) as conn, bulk_load(conn, "move"):
        raise RuntimeError("the import failed")
    assert _indexes(ref_db.conn) == before


def test_a_table_with_records_keeps_its_indexes(ref_db, ctx):
    from safety_support import move_raw

    from casereview.domain.move import Move
    from casereview.domain.validation import validate
    from casereview.storage.moves import save_move

    save_move(ref_db, validate(Move, move_raw(1), ctx), "t")
    before = _indexes(ref_db.conn)
    with transaction(ref_db) as conn, bulk_load(conn, "move"):
        assert _indexes(conn) == before
