"""The demo database: 26 weeks ending last night, synthetic NHS numbers, a visible reduction."""

from datetime import date, timedelta

from casereview.demo import build_demo
from casereview.metrics.engine import summarise
from casereview.metrics.periods import week_of
from tests.conftest import NOW


def test_demo(tmp_path):
    db = build_demo(tmp_path / "demo.db", weeks=26, now=NOW)
    conn = db.conn
    assert conn.execute("SELECT COUNT(*) FROM site").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM ward").fetchone()[0] >= 12
    first, last = conn.execute("SELECT MIN(audit_night), MAX(audit_night) FROM move").fetchone()
    yesterday = NOW.date() - timedelta(days=1)
    assert date.fromisoformat(last) >= yesterday - timedelta(days=2)
    assert date.fromisoformat(first) <= yesterday - timedelta(weeks=25)
    refs = [r[0] for r in
            conn.execute("SELECT patient_ref FROM move WHERE patient_ref IS NOT NULL")]
    assert refs and all(r.startswith("999") and len(r) == 10 for r in refs)
    # The reduction: the first 8 weeks average clearly more moves than the last 8.
    weeks = [week_of(yesterday - timedelta(weeks=i)) for i in range(26)]
    counts = [summarise(db, w).get("ooh_nc_moves").value for w in weeks]
    assert sum(counts[-8:]) / 8 > 1.5 * (sum(counts[:8]) / 8)


def test_a_one_week_demo_is_built(tmp_path):
    """The shortest demo still validates every record (an action raised after its last day
    was once refused as in the future)."""
    for day in (1, 2):  # on a Monday (NOW) the demo's last day happened to leave room
        db = build_demo(tmp_path / f"short{day}.db", weeks=1, now=NOW + timedelta(days=day))
        try:
            assert db.conn.execute("SELECT COUNT(*) FROM move").fetchone()[0] > 0
        finally:
            db.conn.close()
