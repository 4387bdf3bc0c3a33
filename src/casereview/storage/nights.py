"""Nights without an audit return: read by the home screen before its first paint, so this
module imports nothing but the standard library (storage/moves.py writes moves and returns).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casereview.storage.db import Database


def unaudited_nights(db: Database, since: date, until: date,
                     access=None) -> list[tuple[str, str]]:
    """(site, night) pairs between two dates with no return, newest first, at the sites the
    session (``access``, else the connection's) is granted."""
    access = access or getattr(db.conn, "access", None)
    rows = db.conn.execute(
        """
        WITH RECURSIVE nights(d) AS (
            SELECT date(?) UNION ALL SELECT date(d, '+1 day') FROM nights WHERE d < date(?)
        )
        SELECT s.site_code, n.d FROM site s CROSS JOIN nights n
        WHERE NOT EXISTS (SELECT 1 FROM night_audit a WHERE a.site_code = s.site_code
                          AND a.audit_night = n.d AND a.deleted_at IS NULL)
        ORDER BY n.d DESC, s.site_code
        """, (since.isoformat(), until.isoformat()),
    ).fetchall()
    return [(r[0], r[1]) for r in rows if access is None or access.sees_site(r[0])]
