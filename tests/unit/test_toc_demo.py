"""The demo's Transfer of Care audits: about 20 a month, synthetic patients, letters mostly
issued, escalations often late or missing, and a dated policy change."""

from __future__ import annotations

from casereview.demo import build_demo
from casereview.storage.toc import policy_versions
from tests.conftest import NOW


def test_demo_toc_audits(tmp_path):
    db = build_demo(tmp_path / "demo.db", weeks=26, now=NOW)
    conn = db.conn
    total = conn.execute("SELECT COUNT(*) FROM toc").fetchone()[0]
    assert 100 <= total <= 160  # ~20 a month over 6 months
    refs = [r[0] for r in conn.execute("SELECT patient_ref FROM toc")]
    assert all(r.isdigit() and "9990000000" <= r <= "9999999999" for r in refs)
    issued, required = conn.execute(
        "SELECT SUM(letter2_status IN ('on_time', 'late')), "
        "SUM(letter2_status IN ('on_time', 'late', 'missing')) FROM toc").fetchone()
    assert issued / required > 0.8
    escalated_on_time, escalations = conn.execute(
        "SELECT SUM(escalation_status = 'on_time'), "
        "SUM(escalation_status IN ('on_time', 'late', 'missing')) FROM toc").fetchone()
    assert escalated_on_time / escalations < 0.6
    assert all(r[0] is not None for r in conn.execute("SELECT adherence FROM toc"))
    [version] = policy_versions(conn)
    assert version.reason and version.created_by == "demo"
    db.conn.close()
