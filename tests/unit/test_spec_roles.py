"""SPEC 8: setting and taking back a rebase, and a chart's notes, are a lead's (or an
admin's); a viewer or an auditor is refused and nothing is written."""

from __future__ import annotations

import pytest

from casereview.domain.access import AccessDenied
from casereview.storage.access import bind
from casereview.storage.spc import active_rebases, add_note, notes_for, rebase, undo_rebase
from tests.unit.test_access_rules import world  # noqa: F401  (accounts of every role)

CHART = ("ooh_nc_moves", "all")


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_a_viewer_or_auditor_cannot_rebase_or_note_a_chart(ref_db, world, role):  # noqa: F811
    bind(ref_db, world["lead"])
    rebase(ref_db, *CHART, "2026-W30", "ward A2 closed", "lead")
    bind(ref_db, world[role])
    with pytest.raises(AccessDenied):
        rebase(ref_db, *CHART, "2026-W40", "new process", role)
    with pytest.raises(AccessDenied):
        undo_rebase(ref_db, *CHART, "2026-W30", "mistake", role)
    with pytest.raises(AccessDenied):
        add_note(ref_db, *CHART, "2026-W40", "a note", role)
    assert [r.week for r in active_rebases(ref_db, *CHART)] == ["2026-W30"]
    assert notes_for(ref_db, *CHART) == []


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_a_lead_or_admin_rebases_and_notes_a_chart(ref_db, world, role):  # noqa: F811
    bind(ref_db, world[role])
    rebase(ref_db, *CHART, "2026-W40", "new process", role)
    add_note(ref_db, *CHART, "2026-W40", "discharge lounge opened", role)
    assert [r.week for r in active_rebases(ref_db, *CHART)] == ["2026-W40"]
    undo_rebase(ref_db, *CHART, "2026-W40", "entered on the wrong chart", role)
    assert active_rebases(ref_db, *CHART) == []
    assert [n.text for n in notes_for(ref_db, *CHART)] == ["discharge lounge opened"]
