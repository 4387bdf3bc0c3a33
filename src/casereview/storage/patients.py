"""Patient references held anywhere in the store, asked about one small set at a time: what a
report checks free text against before it prints it (a board pack never holds a patient
reference)."""

from __future__ import annotations

from collections.abc import Collection

from casereview.storage.db import Database

# Every table with a patient_ref column (SPEC 4).
PATIENT_TABLES = ("move", "review", "toc", "experience")


def known_patient_refs(db: Database, candidates: Collection[str]) -> set[str]:
    """Those of ``candidates`` that are the patient_ref of a record, live or deleted, of any
    kind (compared without regard to case)."""
    wanted = sorted({c.upper() for c in candidates if c})
    if not wanted:
        return set()
    marks = ", ".join("?" for _ in wanted)
    found: set[str] = set()
    for table in PATIENT_TABLES:
        found.update(row[0].upper() for row in db.conn.execute(
            f"SELECT DISTINCT patient_ref FROM {table} WHERE upper(patient_ref) IN ({marks})",
            wanted))
    return found
