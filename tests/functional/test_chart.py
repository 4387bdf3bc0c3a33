"""A measure's SPC chart, opened from the dashboard: series, mean, limits, signalling weeks."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import DataTable, Static

from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.storage.db import connect
from casereview.tui.app import create_app
from casereview.tui.screens.chart import ChartScreen
from casereview.tui.widgets.xmr_chart import FLAGGED, POINT, XmrChart, render_chart
from tests.conftest import NOW


@pytest.fixture
def demo_path(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    return path


async def _open_chart(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")  # the cursor starts on the first measure: ooh_nc_moves
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChartScreen)
    return pilot.app.screen


async def test_chart_shows_the_weekly_series_and_its_signals(demo_path):
    card = build_scorecard(connect(demo_path), parse_week("2026-W47"))
    expected = card.line("ooh_nc_moves").chart
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        chart = screen.query_one(XmrChart).chart
        assert chart.mean == pytest.approx(expected.mean)
        assert (chart.ucl, chart.lcl) == pytest.approx((expected.ucl, expected.lcl))
        about = str(screen.query_one("#chart-about", Static).content)
        assert "Non-clinical moves out of hours" in about and "lower is better" in about
        assert f"limits {expected.lcl:.1f} to {expected.ucl:.1f}" in about
        weeks = screen.query_one("#weeks", DataTable)
        assert weeks.row_count == 26  # every week since the demo began, newest first
        newest = [getattr(c, "plain", c) for c in weeks.get_row_at(0)]
        assert newest[0] == "2026-W47" and newest[1] == "16 Nov 2026"
        assert newest[4] == "Improvement" and newest[3] == f"{expected.mean:.1f}"
        flagged = [p.week for p in chart.points if p.flagged]
        marked = [weeks.get_row_at(i)[0] for i in range(weeks.row_count)
                  if getattr(weeks.get_row_at(i)[4], "plain", "") not in ("", "Common cause")]
        assert sorted(marked) == sorted(flagged) and len(flagged) >= 7
        drawn = render_chart(chart, 100, 20).plain
        assert drawn.count(FLAGGED) == len(flagged)  # every signalling week is marked
        assert drawn.count(POINT) == chart.n_data - len(flagged)
        assert "2026-W22" in drawn and "2026-W47" in drawn


async def test_chart_switches_site_and_escape_returns(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert screen.scope == "site:NGH"
        assert "Northgate General Hospital" in str(screen.query_one("#chart-about",
                                                                    Static).content)
        card = build_scorecard(connect(demo_path), parse_week("2026-W47"))
        assert screen.query_one(XmrChart).chart.mean == pytest.approx(
            card.line("ooh_nc_moves", "site:NGH").chart.mean)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChartScreen)


def test_render_chart_draws_limits_mean_and_target():
    from casereview.metrics.spc import analyse

    series = [(f"2026-W{i + 1:02d}", v) for i, v in enumerate([10, 12, 11, 13] * 4)]
    chart = analyse(series, (), "down", 20)
    text = render_chart(chart, 60, 15).plain
    assert "┄" in text and "─" in text and "╌" in text
    assert render_chart(analyse([]), 60, 15).plain.startswith("No weeks with data")


# --- rebasing and notes from the chart (SPEC 6) ---------------------------------------------

async def _select_week(pilot, screen, week: str) -> None:
    weeks = screen.query_one("#weeks", DataTable)
    weeks.focus()
    weeks.move_cursor(row=weeks.get_row_index(week))
    await pilot.pause()


async def _answer(pilot, text: str) -> None:
    from casereview.tui.widgets.dialogs import AskText

    assert isinstance(pilot.app.screen, AskText)
    await pilot.click("#ask-input")
    for char in text:
        await pilot.press(char if char != " " else "space")
    await pilot.press("enter")
    await pilot.pause()


async def test_rebasing_at_the_step_change_gives_the_new_process_its_own_limits(demo_path):
    from casereview.storage.spc import active_rebases, rebase_history
    from casereview.tui.widgets.dialogs import AskText
    from casereview.tui.widgets.xmr_chart import REBASE

    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        before = screen.line.chart
        assert before.point("2026-W47").variation == "improvement"  # against the old mean
        await _select_week(pilot, screen, "2026-W36")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press("enter")  # a reason is required
        await pilot.pause()
        assert "Reason is required" in str(app.screen.query_one("#ask-error", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        db = connect(demo_path)
        assert active_rebases(db, "ooh_nc_moves", "all") == []

        await pilot.press("r")
        await pilot.pause()
        await _answer(pilot, "new bed policy")
        [saved] = active_rebases(db, "ooh_nc_moves", "all")
        assert (saved.week, saved.reason, saved.by) == ("2026-W36", "new bed policy", "manager")
        chart = screen.query_one(XmrChart).chart
        old, new = chart.segments
        assert (old.end, new.start, new.reason) == ("2026-W35", "2026-W36", "new bed policy")
        assert new.mean < old.mean
        values = [p.value for p in chart.points if p.week >= "2026-W36"]
        assert new.mean == pytest.approx(sum(values) / len(values))
        # The new process, judged against its own mean, is common cause.
        assert {p.variation for p in chart.points if p.week >= "2026-W36"} == {"common"}
        about = str(screen.query_one("#chart-about", Static).content)
        assert "2026-W36 to 2026-W47 (rebased: new bed policy)" in about
        assert f"(mean {new.mean:.1f} since 2026-W36)" in about
        weeks = screen.query_one("#weeks", DataTable)
        assert "rebased: new bed policy" in weeks.get_row("2026-W36")[5]
        assert REBASE in render_chart(chart, 100, 20).plain

        # Taken back by a later change, with its own reason; the first entry stays.
        await _select_week(pilot, screen, "2026-W36")
        await pilot.press("r")
        await pilot.pause()
        assert "Take back the rebase" in str(app.screen.query_one(Static).content)
        await _answer(pilot, "wrong week")
        assert active_rebases(db, "ooh_nc_moves", "all") == []
        assert [h[2:] for h in rebase_history(db, "ooh_nc_moves", "all")] == [
            ("rebase", "2026-W36", "new bed policy"), ("remove", "2026-W36", "wrong week")]
        assert len(screen.query_one(XmrChart).chart.segments) == 1


async def test_a_note_on_a_week_is_saved_and_shown(demo_path):
    from casereview.storage.spc import notes_for
    from casereview.tui.widgets.xmr_chart import NOTE

    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        await _select_week(pilot, screen, "2026-W40")
        await pilot.press("n")
        await pilot.pause()
        await _answer(pilot, "ward closed")
        [note] = notes_for(connect(demo_path), "ooh_nc_moves", "all")
        assert (note.week, note.text, note.by) == ("2026-W40", "ward closed", "manager")
        chart = screen.query_one(XmrChart).chart
        assert chart.point("2026-W40").notes == ("ward closed",)
        assert f"{NOTE} ward closed" in screen.query_one("#weeks", DataTable).get_row(
            "2026-W40")[5]
        assert NOTE in render_chart(chart, 100, 20).plain

        await pilot.press("x")  # removes the week's latest note, after asking
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert len(notes_for(connect(demo_path), "ooh_nc_moves", "all")) == 1
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert notes_for(connect(demo_path), "ooh_nc_moves", "all") == []
        assert screen.query_one(XmrChart).chart.point("2026-W40").notes == ()


async def test_a_ward_chart_can_be_rebased(demo_path):
    from casereview.metrics.scorecard import measure_chart
    from casereview.storage.spc import active_rebases

    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        for _ in range(1 + 2):  # all sites -> NGH -> WCH -> the first ward
            await pilot.press("f2")
            await pilot.pause()
        ward = next(iter(screen.card.reference.wards))
        assert screen.scope == f"ward:{ward}"
        about = str(screen.query_one("#chart-about", Static).content)
        assert screen.card.reference.wards[ward].ward_name in about
        expected = measure_chart(connect(demo_path), "ooh_nc_moves", f"ward:{ward}",
                                 parse_week("2026-W47"))
        chart = screen.query_one(XmrChart).chart
        assert [p.value for p in chart.points] == [p.value for p in expected.points]
        await _select_week(pilot, screen, "2026-W36")
        await pilot.press("r")
        await pilot.pause()
        await _answer(pilot, "ward reopened")
        assert [r.week for r in active_rebases(connect(demo_path), "ooh_nc_moves",
                                               f"ward:{ward}")] == ["2026-W36"]
        assert active_rebases(connect(demo_path), "ooh_nc_moves", "all") == []
        assert len(screen.query_one(XmrChart).chart.segments) == 2
