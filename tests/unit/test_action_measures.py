"""The action-plan measures of SPEC 6, hand-worked at the edges of ISO week 2026-W46
(Mon 9 - Sun 15 Nov 2026):

| action | raised | due    | status (closed)     | ratings                    |
|--------|--------|--------|---------------------|----------------------------|
| A      | 15 Nov | 30 Nov | open                | GREEN                      |
| B      | 1 Nov  | 10 Nov | DONE (15 Nov)       | GREEN                      |
| C      | 1 Nov  | 12 Nov | in progress         | GREEN; AMBER from 11 Nov   |
| D      | 2 Nov  | 14 Nov | DROPPED (16 Nov)    | RED                        |
| E      | 5 Nov  | 15 Nov | open                | GREEN                      |

W45 ends Sun 8 Nov: open B, C, D, E; none overdue (the first due is 10 Nov); ratings G, G, R, G.
W46 ends Sun 15 Nov: A raised on the last day is open; B closed on it is not; C, D, E open.
  Overdue: C (12 Nov) and D (14 Nov); E is due ON the last day, so not before it.
  Closed: B (DONE on 15 Nov). Ratings at 15 Nov: A G, C AMBER (changed mid-week), D R, E G.
W47 ends Sun 22 Nov: D was dropped on 16 Nov (closed, but not counted as done); A, C, E open;
  overdue C and E.
"""

from __future__ import annotations

from datetime import date

import pytest

from casereview.metrics.actions import compute_at
from casereview.metrics.periods import parse_month, parse_week
from casereview.storage.reference import load_reference
from tests.unit.action_samples import note, store

TODAY = date(2026, 11, 23)


@pytest.fixture
def plan(ref_db, ctx):
    store(ref_db, ctx, title="A", raised_on="2026-11-15", due_date="2026-11-30")
    store(ref_db, ctx, title="B", raised_on="2026-11-01", due_date="2026-11-10",
          status="DONE", closed_on="2026-11-15")
    c = store(ref_db, ctx, title="C", raised_on="2026-11-01", due_date="2026-11-12",
              status="IN_PROGRESS")
    note(ref_db, ctx, c, "2026-11-11", "supplier late", rag="AMBER")
    store(ref_db, ctx, title="D", raised_on="2026-11-02", due_date="2026-11-14", rag="RED",
          status="DROPPED", closed_on="2026-11-16")
    store(ref_db, ctx, title="E", raised_on="2026-11-05", due_date="2026-11-15")
    return ref_db


def figures(db, label: str, as_of: date = TODAY) -> dict:
    period = parse_month(label) if "W" not in label else parse_week(label)
    [rows] = compute_at(db.conn, [period], load_reference(db), as_of)
    return {(r.measure if r.scope == "all" else r.scope): (r.value, r.denominator)
            for r in rows}


def test_week_before(plan):
    f = figures(plan, "2026-W45")
    assert f["actions_open"] == (4, None)
    assert f["actions_overdue"] == (0, None)
    assert f["actions_closed"] == (0, None)
    assert (f["rag:RED"], f["rag:AMBER"], f["rag:GREEN"]) == ((1, 4), (0, 4), (3, 4))


def test_week_of_the_edges(plan):
    f = figures(plan, "2026-W46")
    assert f["actions_open"] == (4, None)       # A raised on the last day, not B closed on it
    assert f["actions_overdue"] == (2, None)    # C, D; E is due on the last day
    assert f["actions_closed"] == (1, None)     # B, closed on the last day
    assert (f["rag:RED"], f["rag:AMBER"], f["rag:GREEN"]) == ((1, 4), (1, 4), (2, 4))


def test_week_after(plan):
    f = figures(plan, "2026-W47")
    assert f["actions_open"] == (3, None)
    assert f["actions_overdue"] == (2, None)
    assert f["actions_closed"] == (0, None)     # dropped is not done
    assert (f["rag:RED"], f["rag:AMBER"], f["rag:GREEN"]) == ((0, 3), (1, 3), (2, 3))


def test_month_reads_its_last_day(plan):
    # November read on 23 Nov (in progress): as W47's end plus nothing new; the closings of
    # the month so far count (B).
    f = figures(plan, "2026-11")
    assert f["actions_open"] == (3, None) and f["actions_closed"] == (1, None)
    # October: nothing raised yet, every rating scope still present with zeros.
    g = figures(plan, "2026-10")
    assert g["actions_open"] == (0, None)
    assert (g["rag:RED"], g["rag:AMBER"], g["rag:GREEN"]) == ((0, 0), (0, 0), (0, 0))


def test_a_period_in_progress_is_read_at_today(plan):
    # W48 (23-29 Nov) read on Mon 23 Nov: A (due 30 Nov) is not overdue; C and E are.
    assert figures(plan, "2026-W48")["actions_overdue"] == (2, None)
    # Read at the end of a period that has not ended, A would still not be overdue, and
    # the figures change only as the days pass.
    assert figures(plan, "2026-W48", date(2026, 11, 29))["actions_overdue"] == (2, None)
    assert figures(plan, "2026-W49", date(2026, 12, 6))["actions_overdue"] == (3, None)


def test_deleted_actions_count_nowhere(plan, ctx):
    from casereview.storage.records import soft_delete

    doomed = store(plan, ctx, title="F", raised_on="2026-11-02", due_date="2026-11-03")
    assert figures(plan, "2026-W46")["actions_open"] == (5, None)
    soft_delete(plan, "action", doomed, "tester")
    assert figures(plan, "2026-W46")["actions_open"] == (4, None)


def test_measures_are_in_the_summary_and_never_suppressed(plan):
    from casereview.io.summary_files import summary_csv, summary_json
    from casereview.metrics.engine import summarise

    summary = summarise(plan, parse_week("2026-W46"))
    rows = {(r.measure, r.scope): r for r in summary.rows}
    assert rows[("actions_rag", "rag:AMBER")].value == 1
    # An action plan counts no people: small numbers are published as they are.
    assert '"value": 1' in summary_json(summary, publish=True)
    assert "2026-W46,actions_closed,all,1,1," in summary_csv(summary, publish=True)


def test_people_read_the_ratings_in_the_markdown_and_the_workbook(plan, tmp_path):
    import openpyxl

    from casereview.io.summary_files import write_summary
    from casereview.metrics.engine import summarise

    summary = summarise(plan, parse_week("2026-W46"))
    text = write_summary(plan, summary, "md", None, today=TODAY)
    assert "## Action plan" in text
    assert "| Open actions rated amber | 1 | 0 |" in text
    path = tmp_path / "w46.xlsx"
    write_summary(plan, summary, "xlsx", path, today=TODAY)
    sheet = openpyxl.load_workbook(path)["Action plan"]
    found = {(r[0], r[1]): r[3] for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert found[("Open actions rated red", "rag:RED")] == 1
    assert found[("Overdue actions", "all")] == 2
