"""SPEC 8: what each role may do and see, and what a site grant limits, proved on the storage
functions, the metrics engine, exports and imports themselves (not on what a screen offers).

Two sites, NGH and WCH, each with a record of every kind saved before any account existed.
"""

from __future__ import annotations

from datetime import date

import pytest

from casereview.domain.access import AccessDenied, AccountDisabled
from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.review import Review
from casereview.domain.validation import validate
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS
from casereview.io.record_export import export_records
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_period
from casereview.metrics.series import set_target
from casereview.storage.access import bind
from casereview.storage.context import load_context
from casereview.storage.experience import sample_list, save_experience, ward_week_grid
from casereview.storage.moves import (
    close_night,
    moves_for_night,
    moves_register,
    night_status,
    save_move,
    set_night_window,
)
from casereview.storage.records import get, restore, soft_delete
from casereview.storage.reference import load_reference, save_site
from casereview.storage.reviews import amend, get_review, review_list, save_review, sign_off
from casereview.storage.toc import save_toc, toc_list
from casereview.storage.users import add_account, disable_account, set_account, sign_in
from tests.conftest import NOW
from tests.review_samples import complete_raw
from tests.unit import toc_samples

PW = "correct-horse-battery"
NHS = "9990000026"
ROLES = ("viewer", "auditor", "lead", "admin")


def move_raw(site="NGH", stamp="2026-11-16 23:15"):
    wards = {"NGH": ("A1", "A2"), "WCH": ("B1", "B2")}[site]
    return {"moved_at": stamp, "site_code": site, "from_ward": wards[0], "to_ward": wards[1],
            "reason": "CAPACITY", "patient_ref": NHS}


def experience_raw(site="NGH"):
    return {"sample_date": "2026-11-18", "site_code": site,
            "ward_code": {"NGH": "A1", "WCH": "B1"}[site], "collected_by": "T. Volunteer",
            "fft": "GOOD", "patient_ref": NHS}


def toc_raw(site="NGH"):
    return toc_samples.raw(site_code=site, ward_code={"NGH": "A1", "WCH": "B1"}[site],
                           patient_ref=NHS)


def night_raw(site="NGH", night="2026-11-16"):
    return {"site_code": site, "audit_night": night, "audited_by": "K Mensah"}


# Saving a new record of each site-held kind: (model, raw maker, save function).
SITE_KINDS = {
    "move": (Move, move_raw, save_move),
    "experience": (Experience, experience_raw, save_experience),
    "toc": (__import__("casereview.domain.toc", fromlist=["Toc"]).Toc, toc_raw, save_toc),
    "night_audit": (NightAudit, lambda site="NGH": night_raw(site, "2026-11-17"), close_night),
}


@pytest.fixture
def world(ref_db, ctx):
    """Records at both sites, then an admin, a lead (every site), an auditor and a viewer
    for NGH, and a viewer of every site. Returns {role: Access}."""
    ids = {}
    for site in ("NGH", "WCH"):
        ids["move", site] = save_move(ref_db, validate(Move, move_raw(site), ctx), "seed")
        ids["experience", site] = save_experience(
            ref_db, validate(Experience, experience_raw(site), ctx), "seed")
        ids["toc", site] = save_toc(ref_db, validate(SITE_KINDS["toc"][0], toc_raw(site), ctx),
                                    "seed")
        ids["night_audit", site] = close_night(ref_db, validate(NightAudit, night_raw(site),
                                                                ctx), "seed")
    ids["review"] = save_review(ref_db, validate(Review, complete_raw(), ctx), "seed")
    ids["draft"] = save_review(ref_db, validate(Review, complete_raw(status="draft"), ctx),
                               "seed")
    add_account(ref_db, "admin", "admin", PW, by=None)
    admin = sign_in(ref_db, "admin", PW)
    for name, role, sites in [("lead", "lead", None), ("auditor", "auditor", ["NGH"]),
                              ("viewer", "viewer", ["NGH"]), ("allviewer", "viewer", None)]:
        add_account(ref_db, name, role, PW, by=admin, sites=sites)
    access = {name: sign_in(ref_db, name, PW) for name in
              ("admin", "lead", "auditor", "viewer", "allviewer")}
    access["ids"] = ids
    return access


def _counts(db):
    return {t: db.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("move", "experience", "toc", "night_audit", "review", "change_log")}


# --- writing, per role and per record type --------------------------------------------------

@pytest.mark.parametrize("kind", list(SITE_KINDS))
@pytest.mark.parametrize("role", ROLES)
def test_entering_site_records_per_role(ref_db, ctx, world, role, kind):
    model, make, save = SITE_KINDS[kind]
    name = "auditor" if role == "auditor" else role
    record = validate(model, make("NGH") if kind != "night_audit" else
                      night_raw("NGH", "2026-11-18"), ctx)
    before = _counts(ref_db)
    if role == "viewer":
        with pytest.raises(AccessDenied, match="viewer.*may not enter"):
            save(ref_db, record, name, access=world[name])
        assert _counts(ref_db) == before
    else:
        assert save(ref_db, record, name, access=world[name]) > 0


@pytest.mark.parametrize("kind", list(SITE_KINDS))
def test_a_site_grant_refuses_other_sites_records(ref_db, ctx, world, kind):
    model, make, save = SITE_KINDS[kind]
    record = validate(model, make("WCH") if kind != "night_audit" else
                      night_raw("WCH", "2026-11-18"), ctx)
    before = _counts(ref_db)
    with pytest.raises(AccessDenied, match="no grant for site WCH"):
        save(ref_db, record, "auditor", access=world["auditor"])
    assert _counts(ref_db) == before


@pytest.mark.parametrize("kind", ["move", "experience", "toc"])
def test_an_other_sites_record_cannot_be_moved_into_the_grant(ref_db, ctx, world, kind):
    model, make, save = SITE_KINDS[kind]
    wch_id = world["ids"][kind, "WCH"]
    with pytest.raises(AccessDenied, match="WCH"):
        save(ref_db, validate(model, make("NGH"), ctx), "auditor", wch_id,
             access=world["auditor"])
    assert get(ref_db, kind, wch_id)["site_code"] == "WCH"


@pytest.mark.parametrize("kind", ["move", "experience", "toc", "night_audit"])
def test_delete_and_restore_follow_the_grant(ref_db, world, kind):
    ids, auditor = world["ids"], world["auditor"]
    with pytest.raises(AccessDenied):
        soft_delete(ref_db, kind, ids[kind, "WCH"], "auditor", access=auditor)
    with pytest.raises(AccessDenied):
        soft_delete(ref_db, kind, ids[kind, "NGH"], "viewer", access=world["viewer"])
    soft_delete(ref_db, kind, ids[kind, "NGH"], "auditor", access=auditor)
    restore(ref_db, kind, ids[kind, "NGH"], "auditor", access=auditor)
    assert get(ref_db, kind, ids[kind, "WCH"])["deleted_at"] is None


def test_reviews_auditors_draft_leads_complete_sign_off_and_amend(ref_db, ctx, world):
    ids, auditor, lead = world["ids"], world["auditor"], world["lead"]
    draft = validate(Review, complete_raw(status="draft"), ctx)
    assert save_review(ref_db, draft, "auditor", access=auditor) > 0
    save_review(ref_db, draft, "auditor", ids["draft"], access=auditor)
    with pytest.raises(AccessDenied, match="complete, sign off and amend"):
        save_review(ref_db, validate(Review, complete_raw(), ctx), "auditor", access=auditor)
    with pytest.raises(AccessDenied):  # a complete review is a lead's to change
        save_review(ref_db, draft, "auditor", ids["review"], access=auditor)
    with pytest.raises(AccessDenied):
        soft_delete(ref_db, "review", ids["review"], "auditor", access=auditor)
    with pytest.raises(AccessDenied):
        save_review(ref_db, draft, "viewer", access=world["viewer"])
    before = _counts(ref_db)
    with pytest.raises(AccessDenied, match="auditor.*may not complete, sign off"):
        sign_off(ref_db, ids["review"], "auditor", access=auditor)
    assert _counts(ref_db) == before
    assert get_review(ref_db, ids["review"])["status"] == "complete"
    sign_off(ref_db, ids["review"], "lead", access=lead)
    amended = validate(Review, complete_raw(status="signed_off", learning="more"), ctx)
    with pytest.raises(AccessDenied):
        amend(ref_db, ids["review"], amended, "auditor", "typo", access=auditor)
    amend(ref_db, ids["review"], amended, "lead", "typo", access=lead)


def test_reference_data_settings_and_policy_are_an_admins(ref_db, world):
    for role in ("auditor", "lead"):
        with pytest.raises(AccessDenied, match="needs the admin role"):
            bind(ref_db, world[role])
            save_site(ref_db, "XYZ", "Elsewhere", role)
        with pytest.raises(AccessDenied):
            set_night_window(ref_db, "21:00", "07:00", role, access=world[role])
    bind(ref_db, world["admin"])
    save_site(ref_db, "XYZ", "Elsewhere", "admin")
    bind(ref_db, None)
    assert "XYZ" in load_reference(ref_db).sites


def test_targets_are_a_leads(ref_db, world):
    bind(ref_db, world["auditor"])
    with pytest.raises(AccessDenied, match="manage actions"):
        set_target(ref_db, "ooh_nc_moves", "all", "5", "auditor")
    bind(ref_db, world["lead"])
    assert set_target(ref_db, "ooh_nc_moves", "all", "5", "lead") == 5


# --- reading ---------------------------------------------------------------------------------

def _page(keyset, db):
    return keyset.first(db.conn, 100).rows


def test_lists_show_only_granted_sites(ref_db, world):
    auditor = world["auditor"]
    for keyset in (moves_register(access=auditor), toc_list(access=auditor),
                   sample_list(access=auditor)):
        rows = _page(keyset, ref_db)
        assert rows and {r["site_code"] for r in rows} == {"NGH"}
        assert keyset.count(ref_db.conn) == len(rows)
    for keyset in (moves_register(), toc_list(), sample_list()):
        assert {r["site_code"] for r in _page(keyset, ref_db)} == {"NGH", "WCH"}


def test_the_connections_access_limits_callers_that_pass_none(ref_db, world):
    bind(ref_db, world["auditor"])
    assert {r["site_code"] for r in _page(moves_register(), ref_db)} == {"NGH"}
    assert set(load_context(ref_db, NOW).reference.sites) == {"NGH"}
    with pytest.raises(AccessDenied):
        get(ref_db, "move", world["ids"]["move", "WCH"])
    bind(ref_db, None)
    assert get(ref_db, "move", world["ids"]["move", "WCH"])["site_code"] == "WCH"


def test_reading_an_other_sites_record_or_night_is_refused(ref_db, world):
    auditor, ids = world["auditor"], world["ids"]
    for kind in ("move", "experience", "toc", "night_audit"):
        with pytest.raises(AccessDenied, match="WCH"):
            get(ref_db, kind, ids[kind, "WCH"], access=auditor)
        assert get(ref_db, kind, ids[kind, "NGH"], access=auditor)["site_code"] == "NGH"
    with pytest.raises(AccessDenied):
        moves_for_night(ref_db, "WCH", date(2026, 11, 16), access=auditor)
    with pytest.raises(AccessDenied):
        night_status(ref_db, "WCH", date(2026, 11, 16), access=auditor)
    grid = ward_week_grid(ref_db.conn, load_reference(ref_db), date(2026, 11, 16),
                          access=auditor)
    assert {r.ward.site_code for r in grid.rows} == {"NGH"}


def test_viewers_see_patient_references_masked(ref_db, world):
    viewer, ids = world["viewer"], world["ids"]
    for keyset in (moves_register(access=viewer), toc_list(access=viewer),
                   sample_list(access=viewer), review_list(access=viewer)):
        refs = {r["patient_ref"] for r in _page(keyset, ref_db)}
        assert refs and all(ref.startswith("*******") for ref in refs), refs
    assert get(ref_db, "move", ids["move", "NGH"], access=viewer)["patient_ref"] == "*******026"
    assert get_review(ref_db, ids["review"], access=viewer)["patient_ref"].startswith("***")
    assert moves_for_night(ref_db, "NGH", date(2026, 11, 16),
                           access=viewer)[0]["patient_ref"] == "*******026"
    # Every other role sees the reference.
    for role in ("auditor", "lead", "admin"):
        assert get(ref_db, "move", ids["move", "NGH"], access=world[role])["patient_ref"] == NHS


# --- measures, exports, imports ---------------------------------------------------------------

def test_measures_count_only_granted_sites(ref_db, world):
    week = parse_period("week", "2026-W47")
    full = summarise(ref_db, week)
    limited = summarise(ref_db, week, access=world["auditor"])
    assert full.get("ooh_nc_moves", "all").value == 2
    assert limited.get("ooh_nc_moves", "all").value == 1
    assert limited.get("toc_audits", "all").value == 1
    assert limited.get("experience_samples", "all").value == 1
    assert {r.scope for r in limited.rows if r.scope.startswith("site:")} == {"site:NGH"}
    assert not any(r.scope.startswith("ward:B") for r in limited.rows)
    # The temporary views are gone afterwards: the connection reads every site again.
    assert summarise(ref_db, week).get("ooh_nc_moves", "all").value == 2


def test_identifiable_exports_are_for_leads_and_admins(ref_db, world, tmp_path):
    for role in ("viewer", "auditor"):
        with pytest.raises(AccessDenied, match="identifiable"):
            export_records(ref_db, "moves", role, identifiable=True, out=tmp_path / "x.csv",
                           access=world[role])
        assert not (tmp_path / "x.csv").exists()
    for role in ("lead", "admin"):
        result = export_records(ref_db, "moves", role, identifiable=True,
                                out=tmp_path / f"{role}.csv", access=world[role])
        assert result.rows == 2 and NHS in (tmp_path / f"{role}.csv").read_text()


def test_exports_hold_granted_sites_only(ref_db, world, tmp_path):
    out = tmp_path / "moves.csv"
    result = export_records(ref_db, "moves", "viewer", out=out, access=world["viewer"])
    assert result.rows == 1 and "WCH" not in out.read_text() and NHS not in out.read_text()


def test_imports_need_the_role_and_the_sites_grant(ref_db, world, tmp_path):
    f = tmp_path / "moves.csv"
    f.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                 "2026-11-18 23:00,NGH,A1,A2,CAPACITY\n2026-11-18 23:30,WCH,B1,B2,CAPACITY\n",
                 encoding="utf-8")
    before = _counts(ref_db)
    bind(ref_db, world["viewer"])
    with pytest.raises(AccessDenied):
        import_file(ref_db, KINDS["moves"], f, load_context(ref_db, NOW), "viewer")
    bind(ref_db, world["auditor"])
    with pytest.raises(ImportFailed, match="WCH"):
        import_file(ref_db, KINDS["moves"], f, load_context(ref_db, NOW), "auditor")
    assert _counts(ref_db) == before
    with pytest.raises(AccessDenied):
        import_file(ref_db, KINDS["wards"], f, load_context(ref_db, NOW), "auditor")


# --- the account as it is now -----------------------------------------------------------------

def test_an_account_disabled_while_its_session_is_open_is_refused_its_next_change(
        ref_db, ctx, world):
    auditor = world["auditor"]
    disable_account(ref_db, "auditor", by=world["admin"])
    before = _counts(ref_db)
    with pytest.raises(AccountDisabled, match="disabled"):
        save_move(ref_db, validate(Move, move_raw(), ctx), "auditor", access=auditor)
    assert _counts(ref_db) == before


def test_a_changed_role_or_grant_applies_at_once(ref_db, ctx, world):
    auditor = world["auditor"]
    set_account(ref_db, "auditor", by=world["admin"], role="viewer")
    with pytest.raises(AccessDenied, match="viewer"):
        save_move(ref_db, validate(Move, move_raw(), ctx), "auditor", access=auditor)
    set_account(ref_db, "auditor", by=world["admin"], role="auditor", sites=["WCH"])
    with pytest.raises(AccessDenied, match="NGH"):
        save_move(ref_db, validate(Move, move_raw(), ctx), "auditor", access=auditor)


def test_without_accounts_nothing_is_limited(ref_db, ctx):
    record = save_move(ref_db, validate(Move, move_raw("WCH"), ctx), "anyone")
    assert get(ref_db, "move", record)["patient_ref"] == NHS
    assert set(load_reference(ref_db).sites) == {"NGH", "WCH"}


@pytest.mark.parametrize("role", ROLES)
def test_the_action_plan_and_programme_targets_are_a_leads(ref_db, ctx, world, role):
    from casereview.domain.programme_target import ProgrammeTarget
    from casereview.storage.actions import save_target
    from tests.unit import action_samples

    bind(ref_db, world[role])
    target = validate(ProgrammeTarget, {"programme": "toc", "scope": "site:NGH",
                                        "start_date": "2026-11-01", "end_date": "2027-03-31",
                                        "target_count": "20"}, ctx)
    before = _counts(ref_db)
    if role in ("viewer", "auditor"):
        with pytest.raises(AccessDenied, match="manage actions"):
            action_samples.store(ref_db, ctx, role)
        with pytest.raises(AccessDenied):
            save_target(ref_db, target, role)
        assert _counts(ref_db) == before
    else:
        action_id = action_samples.store(ref_db, ctx, role)
        action_samples.note(ref_db, ctx, action_id, "2026-11-10")
        assert save_target(ref_db, target, role) > 0
