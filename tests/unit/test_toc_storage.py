"""Storing Transfer of Care audits with their evaluation, the dated policy versions, and the
keyset-paged list with its filters."""

from __future__ import annotations

import json
from datetime import date

import pytest

from casereview.domain.toc import DEFAULT_POLICY, Adherence, Policy, StepRule
from casereview.storage.changelog import history
from casereview.storage.db import schema_version
from casereview.storage.records import soft_delete
from casereview.storage.toc import (
    TocFilter,
    add_policy,
    get_toc,
    policy_in_force,
    policy_versions,
    save_toc,
    toc_list,
)
from tests.conftest import walk
from tests.unit.toc_samples import make, store

STRICT = Policy((StepRule("letter1", "admission_date", 0),
                 StepRule("letter2", "medically_fit_date", 1)))


def test_schema_has_the_evaluation_columns(fresh_db):
    assert schema_version() >= 3
    columns = {r[1] for r in fresh_db.conn.execute("PRAGMA table_info(toc)")}
    assert {"policy_id", "letter2_due", "letter2_status", "adherence"} <= columns


def test_saving_stores_the_dates_and_the_evaluation(ref_db, ctx):
    record_id = store(ref_db, ctx, letter2_date="2026-10-13", escalation_date="")
    row = get_toc(ref_db, record_id)
    assert row["letter2_date"] == "2026-10-13"
    assert row["letter2_due"] == "2026-10-12" and row["letter2_status"] == "late"
    assert row["escalation_status"] == "missing"
    assert row["letter1_status"] == "on_time" and row["letter3_status"] == "on_time"
    assert row["choice_discussion_status"] is None  # not timed by the default policy
    assert (row["required_steps"], row["on_time_steps"]) == (4, 2)
    assert row["adherence"] == "not_full"
    assert row["policy_id"] is None
    assert row["created_by"] == "tester"
    [entry] = history(ref_db.conn, "toc", record_id)
    assert entry["action"] == "insert" and entry["after"]["letter2_status"] == "late"


def test_updating_re_evaluates(ref_db, ctx):
    record_id = store(ref_db, ctx, letter2_date="")
    assert get_toc(ref_db, record_id)["letter2_status"] == "missing"
    save_toc(ref_db, make(ctx, letter2_date="2026-10-11"), "editor", record_id)
    row = get_toc(ref_db, record_id)
    assert row["letter2_status"] == "on_time" and row["adherence"] == "full"
    assert row["updated_by"] == "editor"
    entry = history(ref_db.conn, "toc", record_id)[-1]
    assert entry["action"] == "update"
    assert entry["before"]["letter2_status"] == "missing"
    assert entry["after"]["letter2_status"] == "on_time"


def test_the_defaults_apply_when_no_version_exists(ref_db):
    version = policy_in_force(ref_db, date(2026, 11, 1))
    assert version.id is None and version.policy == DEFAULT_POLICY


def test_policy_in_force_on_the_audit_date(ref_db, ctx):
    added = add_policy(ref_db, STRICT, date(2026, 11, 10), "lead", "tighter letters")
    assert policy_in_force(ref_db, date(2026, 11, 9)).id is None
    assert policy_in_force(ref_db, date(2026, 11, 10)).id == added.version_id
    before = store(ref_db, ctx, audit_date="2026-11-09")
    on_the_day = store(ref_db, ctx, audit_date="2026-11-10")
    assert get_toc(ref_db, before)["policy_id"] is None
    row = get_toc(ref_db, on_the_day)
    assert row["policy_id"] == added.version_id
    # STRICT: letter1 due on admission (1 Oct; dated 2 Oct: late), letter2 due 11 Oct (dated
    # 12 Oct: late); escalation and letter3 are not timed.
    assert row["letter1_status"] == "late" and row["letter2_status"] == "late"
    assert row["escalation_status"] is None and row["letter3_due"] is None
    assert row["required_steps"] == 2 and row["adherence"] == "not_full"


def test_a_later_version_on_the_same_day_wins(ref_db):
    add_policy(ref_db, STRICT, date(2026, 11, 1), "lead", "first")
    second = add_policy(ref_db, DEFAULT_POLICY, date(2026, 11, 1), "lead", "undo")
    assert policy_in_force(ref_db, date(2026, 11, 5)).id == second.version_id


def test_adding_a_version_re_evaluates_the_audits_it_governs(ref_db, ctx):
    old = store(ref_db, ctx, audit_date="2026-11-01")
    new = store(ref_db, ctx, audit_date="2026-11-15")
    assert get_toc(ref_db, new)["adherence"] == "full"
    added = add_policy(ref_db, STRICT, date(2026, 11, 10), "lead", "tighter letters")
    assert added.reevaluated == 1
    assert get_toc(ref_db, old)["adherence"] == "full"
    row = get_toc(ref_db, new)
    assert row["adherence"] == "not_full" and row["policy_id"] == added.version_id
    assert row["updated_by"] == "tester"  # the record itself was not edited
    entry = history(ref_db.conn, "toc", new)[-1]
    assert entry["action"] == "reevaluate" and entry["user"] == "lead"
    assert entry["before"]["letter1_status"] == "on_time"
    assert entry["after"]["letter1_status"] == "late"
    assert f"policy version {added.version_id}" in entry["reason"]
    [logged] = history(ref_db.conn, "toc_policy", added.version_id)
    assert logged["reason"] == "tighter letters"
    assert json.loads(logged["after"]["steps"])[0] == {"step": "letter1",
                                                       "anchor": "admission_date", "days": 0}


def test_versions_are_kept_in_date_order(ref_db):
    add_policy(ref_db, STRICT, date(2026, 9, 1), "lead", "b")
    add_policy(ref_db, DEFAULT_POLICY, date(2026, 6, 1), "lead", "a")
    versions = policy_versions(ref_db.conn)
    assert [v.effective_from for v in versions] == [date(2026, 6, 1), date(2026, 9, 1)]
    assert versions[1].policy == STRICT and versions[1].created_by == "lead"


def test_a_policy_change_needs_a_reason(ref_db):
    with pytest.raises(ValueError, match="reason"):
        add_policy(ref_db, STRICT, date(2026, 9, 1), "lead", "  ")
    assert policy_versions(ref_db.conn) == []


# --- the list --------------------------------------------------------------------------------

@pytest.fixture
def listed(ref_db, ctx):
    """Nine audits: three per day on 1, 2 and 3 Nov, in three wards on two sites."""
    ids = {}
    for day in (1, 2, 3):
        for ward, site in (("A1", "NGH"), ("A2", "NGH"), ("B1", "WCH")):
            late = ward == "A2"
            ids[(day, ward)] = store(ref_db, ctx, audit_date=f"2026-11-0{day}", ward_code=ward,
                                     site_code=site,
                                     letter2_date="2026-10-20" if late else "2026-10-12")
    store(ref_db, ctx, audit_date="2026-10-31")
    return ids


def _listed(db, where: TocFilter | None = None) -> list[dict]:
    return walk(toc_list(where or TocFilter()), db.conn)[0]


def test_pages_follow_on_without_overlap(ref_db, listed):
    seen, pages = walk(toc_list(), ref_db.conn, size=4)
    assert len(seen) == 10 == toc_list().count(ref_db.conn) and pages == 3
    keys = [(r["audit_date"], r["id"]) for r in seen]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == 10


def test_filter_by_site_ward_month_and_adherence(ref_db, listed):
    assert toc_list(TocFilter(site_code="WCH")).count(ref_db.conn) == 3
    assert {r["ward_code"] for r in _listed(ref_db, TocFilter(ward_code="A2"))} == {"A2"}
    november = TocFilter(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert toc_list(november).count(ref_db.conn) == 9
    late = _listed(ref_db, TocFilter(adherence=Adherence.NOT_FULL))
    assert {r["ward_code"] for r in late} == {"A2"} and len(late) == 3
    both = TocFilter(site_code="NGH", start=date(2026, 11, 2), end=date(2026, 11, 2),
                     adherence=Adherence.FULL)
    assert [r["id"] for r in _listed(ref_db, both)] == [listed[(2, "A1")]]


def test_deleted_audits_are_not_listed(ref_db, listed):
    soft_delete(ref_db, "toc", listed[(1, "A1")], "tester")
    assert toc_list().count(ref_db.conn) == 9
    assert listed[(1, "A1")] not in [r["id"] for r in _listed(ref_db)]
