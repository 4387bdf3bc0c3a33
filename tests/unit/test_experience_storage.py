"""Experience samples in the store: save and update with the change log, the filtered,
keyset-paged list, and the samples-per-ward-per-week grid against the target."""

from __future__ import annotations

import json
from datetime import date

import pytest

from casereview.domain.experience import Experience
from casereview.domain.validation import validate
from casereview.storage.db import get_setting
from casereview.storage.experience import (
    SampleFilter,
    sample_list,
    samples_by_ward_week,
    save_experience,
    set_weekly_target,
    ward_week_grid,
    weekly_target,
)
from casereview.storage.records import get, soft_delete
from casereview.storage.reference import load_reference, set_setting
from tests.conftest import walk


def add(db, ctx, day: str, ward: str = "A1", **changes) -> int:
    site = ctx.reference.wards[ward].site_code
    raw = {"sample_date": day, "site_code": site, "ward_code": ward, "collected_by": "T. Volunteer",
           "fft": "GOOD", **changes}
    return save_experience(db, validate(Experience, raw, ctx), "tester")


def test_save_writes_the_row_and_the_change_log(ref_db, ctx):
    record_id = add(ref_db, ctx, "2026-11-18", themes="FOOD;WAITING", comment="Cold tea")
    row = get(ref_db, "experience", record_id)
    assert row["themes"] == "FOOD;WAITING" and row["created_by"] == "tester"
    entry = ref_db.conn.execute(
        "SELECT action, after FROM change_log WHERE record_type = 'experience' "
        "AND record_id = ?", (str(record_id),)).fetchone()
    assert entry["action"] == "insert"
    assert json.loads(entry["after"])["comment"] == "Cold tea"


def test_update_replaces_the_fields_and_logs_before_and_after(ref_db, ctx):
    record_id = add(ref_db, ctx, "2026-11-18")
    changed = validate(Experience, {"sample_date": "2026-11-18", "site_code": "NGH",
                                    "ward_code": "A1", "collected_by": "T. Volunteer",
                                    "fft": "POOR"}, ctx)
    assert save_experience(ref_db, changed, "editor", record_id) == record_id
    row = get(ref_db, "experience", record_id)
    assert (row["fft"], row["updated_by"]) == ("POOR", "editor")
    entry = ref_db.conn.execute(
        "SELECT before, after FROM change_log WHERE record_type = 'experience' "
        "AND action = 'update'").fetchone()
    assert json.loads(entry["before"]) == {"fft": "GOOD"}
    assert json.loads(entry["after"]) == {"fft": "POOR"}


def test_the_weekly_target_is_a_setting_defaulting_to_five(ref_db):
    assert get_setting(ref_db, "experience_weekly_target") == "5"
    assert weekly_target(ref_db.conn) == 5
    assert set_weekly_target(ref_db, " 6 ", "manager") == 6
    assert weekly_target(ref_db.conn) == 6
    with pytest.raises(ValueError):
        set_weekly_target(ref_db, "0", "manager")
    assert weekly_target(ref_db.conn) == 6


def test_a_corrupt_target_setting_falls_back_to_the_default(ref_db):
    set_setting(ref_db, "experience_weekly_target", "lots", "someone")
    assert weekly_target(ref_db.conn) == 5


@pytest.fixture
def listed(ref_db, ctx):
    ids = {
        "a": add(ref_db, ctx, "2026-11-16", "A1", fft="VERY_GOOD", themes="STAFF_ATTITUDE"),
        "b": add(ref_db, ctx, "2026-11-22", "A1", fft="POOR", dignity="NO",
                 themes="NOISE_AT_NIGHT;FOOD"),
        "c": add(ref_db, ctx, "2026-11-23", "A1", fft="POOR", themes="FOOD"),
        "d": add(ref_db, ctx, "2026-11-18", "B1", fft="POOR", dignity="ALWAYS",
                 themes="NOISE_AT_NIGHT"),
        "e": add(ref_db, ctx, "2026-11-15", "A2", fft="DONT_KNOW"),
    }
    soft_delete(ref_db, "experience", add(ref_db, ctx, "2026-11-17", "A1", fft="POOR"), "t")
    return ids


def _ids(conn, where: SampleFilter) -> list[int]:
    return [r["id"] for r in walk(sample_list(where), conn)[0]]


def test_list_is_newest_first_and_leaves_out_deleted_samples(ref_db, listed):
    ids = listed
    assert _ids(ref_db.conn, SampleFilter()) == [ids["c"], ids["b"], ids["d"], ids["a"],
                                                 ids["e"]]
    assert sample_list().count(ref_db.conn) == 5


def test_list_filters(ref_db, listed):
    ids, conn = listed, ref_db.conn
    assert _ids(conn, SampleFilter(ward_code="A1")) == [ids["c"], ids["b"], ids["a"]]
    assert _ids(conn, SampleFilter(site_code="WCH")) == [ids["d"]]
    # Week 2026-W47 is Mon 16 - Sun 22 Nov: any day of the week selects it.
    assert _ids(conn, SampleFilter(week=date(2026, 11, 19))) == [ids["b"], ids["d"], ids["a"]]
    assert _ids(conn, SampleFilter(answers={"fft": "POOR"})) == [ids["c"], ids["b"], ids["d"]]
    assert _ids(conn, SampleFilter(answers={"fft": "POOR", "dignity": "NO"})) == [ids["b"]]
    assert _ids(conn, SampleFilter(theme="NOISE_AT_NIGHT")) == [ids["b"], ids["d"]]
    assert _ids(conn, SampleFilter(theme="FOOD", week=date(2026, 11, 16),
                                   ward_code="A1")) == [ids["b"]]
    assert sample_list(SampleFilter(theme="FOOD")).count(conn) == 2


def test_theme_filter_matches_whole_codes_only(ref_db, ctx):
    from casereview.storage.reference import save_theme

    save_theme(ref_db, "experience_theme", "FOOD_CHOICE", "choice of food", "tester")
    from casereview.storage.context import load_context

    fresh = load_context(ref_db, ctx.now)
    only_choice = add(ref_db, fresh, "2026-11-18", themes="FOOD_CHOICE")
    assert _ids(ref_db.conn, SampleFilter(theme="FOOD")) == []
    assert _ids(ref_db.conn, SampleFilter(theme="FOOD_CHOICE")) == [only_choice]


def test_an_unknown_question_cannot_reach_the_sql(ref_db):
    with pytest.raises(ValueError):
        sample_list(SampleFilter(answers={"fft = fft OR 1": "x"}))


def test_keyset_paging_visits_every_sample_once(ref_db, ctx):
    # Several samples on the same day, so the id breaks the ties between pages.
    made = [add(ref_db, ctx, f"2026-11-{day:02d}", "A1") for day in (2, 2, 2, 3, 3, 9, 9, 9, 9, 10,
                                                                       10, 20)]
    rows, pages = walk(sample_list(), ref_db.conn, size=5)
    seen = [r["id"] for r in rows]
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    keys = [(get(ref_db, "experience", i)["sample_date"], i) for i in seen]
    assert keys == sorted(keys, reverse=True)


def test_exactly_one_full_page_is_the_end_of_the_list(ref_db, ctx):
    for _ in range(3):
        add(ref_db, ctx, "2026-11-02")
    page = sample_list().first(ref_db.conn, 3)
    assert len(page.rows) == 3 and page.at_end


def test_samples_by_ward_week_counts_monday_to_sunday(ref_db, ctx):
    add(ref_db, ctx, "2026-11-15", "A1")  # Sunday: week of Mon 9 Nov
    add(ref_db, ctx, "2026-11-16", "A1")  # Monday: week of 16 Nov
    add(ref_db, ctx, "2026-11-22", "A1")  # Sunday: week of 16 Nov
    add(ref_db, ctx, "2026-11-23", "B1")  # Monday: week of 23 Nov
    gone = add(ref_db, ctx, "2026-11-17", "A1")
    soft_delete(ref_db, "experience", gone, "t")
    counts = samples_by_ward_week(ref_db.conn, date(2026, 11, 9), date(2026, 11, 16))
    assert counts == {("A1", date(2026, 11, 9)): 1, ("A1", date(2026, 11, 16)): 2}
    counts = samples_by_ward_week(ref_db.conn, date(2026, 11, 16), date(2026, 11, 23))
    assert counts == {("A1", date(2026, 11, 16)): 2, ("B1", date(2026, 11, 23)): 1}


def test_samples_by_ward_week_across_a_year_end(ref_db, ctx):
    # ISO week 2026-W53 runs Mon 28 Dec 2026 - Sun 3 Jan 2027.
    now = ctx.now.replace(year=2027, month=1, day=20)
    from casereview.storage.context import load_context

    later = load_context(ref_db, now)
    add(ref_db, later, "2027-01-03", "A1")
    add(ref_db, later, "2026-12-28", "A1")
    add(ref_db, later, "2027-01-04", "A1")
    counts = samples_by_ward_week(ref_db.conn, date(2026, 12, 28), date(2027, 1, 4))
    assert counts == {("A1", date(2026, 12, 28)): 2, ("A1", date(2027, 1, 4)): 1}


def test_ward_week_grid_against_the_target(ref_db, ctx):
    for _ in range(5):
        add(ref_db, ctx, "2026-11-17", "A1")
    for _ in range(4):
        add(ref_db, ctx, "2026-11-18", "A2")
    add(ref_db, ctx, "2026-11-18", "A3")  # not an older-adult ward: not in the grid
    for _ in range(6):
        add(ref_db, ctx, "2026-11-10", "B1")
    grid = ward_week_grid(ref_db.conn, load_reference(ref_db), date(2026, 11, 22), weeks=3)
    assert grid.weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert grid.target == 5
    assert {r.ward.ward_code: r.counts for r in grid.rows} == {
        "A1": [0, 0, 5], "A2": [0, 0, 4], "B1": [0, 6, 0], "B2": [0, 0, 0]}
    assert [w.ward_code for w in grid.wards_missing(date(2026, 11, 16))] == ["A2", "B1", "B2"]
    assert grid.met(date(2026, 11, 16)) == 1
    set_weekly_target(ref_db, "4", "manager")
    grid = ward_week_grid(ref_db.conn, load_reference(ref_db), date(2026, 11, 16), weeks=1,
                          site_code="NGH")
    assert [r.ward.ward_code for r in grid.rows] == ["A1", "A2"]
    assert grid.wards_missing(date(2026, 11, 16)) == []
